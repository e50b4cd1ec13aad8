//! The built app: its files, with `index.html` for any other path so that
//! client-side routes load the app.
//!
//! Every file is sent precompressed when the client accepts it: the trunk
//! post-build hook (`scripts/compress-dist.sh`) writes `.br` and `.gz` next to
//! each one, so nothing is compressed per request. Names carrying trunk's
//! content hash are cached for a year; everything else is revalidated. Every
//! response carries a Content-Security-Policy that lets the page run its own
//! script and wasm and nothing else, so markup that slips into the page
//! cannot run code or send the API key anywhere scripts could not already.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::fs::ServeFileSystemResponseBody;
use tower_http::services::{ServeDir, ServeFile};

use crate::routes::Site;

/// The script the app puts in every HTML-output iframe (`FRAME_SCRIPT` in
/// `src/ui/output.rs`; a test keeps the two equal). A `srcdoc` frame inherits
/// this page's policy, so the script runs only if its hash is allowed here.
pub const FRAME_SCRIPT: &str = "(function(){function s(){parent.postMessage(document.documentElement.scrollHeight,'*')}\
new ResizeObserver(s).observe(document.body);s();})();";

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const NO_CACHE: &str = "no-cache";

pub fn service(site: &Site) -> Router {
    let policy = Arc::new(Policy::new(
        site.dist.join("index.html"),
        &site.frame_ancestors,
    ));
    // The fallback answers with index.html whatever name was asked for, even
    // a hashed one that a newer build removed: that answer must not be kept.
    let index = ServiceExt::<Request>::map_response(
        ServeFile::new(site.dist.join("index.html"))
            .precompressed_br()
            .precompressed_gzip(),
        |mut response: Response<ServeFileSystemResponseBody>| {
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static(NO_CACHE));
            response
        },
    );
    let files = ServeDir::new(&site.dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index);
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn_with_state(policy, add_headers))
}

async fn add_headers(State(policy): State<Arc<Policy>>, request: Request, next: Next) -> Response {
    let hashed = is_content_hashed(request.uri().path());
    let csp = policy.header().await;
    let mut response = next.run(request).await;
    let status = response.status();
    let headers = response.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        let immutable = hashed && (status.is_success() || status == StatusCode::NOT_MODIFIED);
        let value = if immutable { IMMUTABLE } else { NO_CACHE };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    // Any path may be answered from a `.br` or `.gz` file (the fallback too),
    // so caches must key every answer on Accept-Encoding.
    add_vary_accept_encoding(headers);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    response
}

fn add_vary_accept_encoding(headers: &mut HeaderMap) {
    let present = headers
        .get_all(header::VARY)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|name| name.trim().eq_ignore_ascii_case("accept-encoding"));
    if !present {
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
}

/// Whether a file name carries trunk's content hash (`main-32da0d8342fb1fe9.css`,
/// `app-c98910b765e0bfe4_bg.wasm`), so that its contents never change. Trunk
/// writes the 64-bit hash without leading zeros, hence 15 digits now and then.
fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).as_bytes();
    name.iter().enumerate().any(|(dash, &byte)| {
        if byte != b'-' {
            return false;
        }
        let rest = &name[dash + 1..];
        let digits = rest
            .iter()
            .take_while(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
            .count();
        (15..=16).contains(&digits) && matches!(rest.get(digits), Some(b'.' | b'_'))
    })
}

/// The Content-Security-Policy, kept in step with `index.html`: trunk's
/// inline loader names the hashed files, so every build changes its hash,
/// and a server left running across a `trunk build` would otherwise block
/// the new page.
#[derive(Debug)]
struct Policy {
    index: PathBuf,
    frame_ancestors: String,
    current: Mutex<Current>,
}

#[derive(Debug)]
struct Current {
    /// Modification time and length of the index.html the header was made from.
    stamp: Option<(SystemTime, u64)>,
    header: HeaderValue,
}

impl Policy {
    fn new(index: PathBuf, frame_ancestors: &str) -> Self {
        let frame_ancestors = if HeaderValue::from_str(frame_ancestors).is_ok() {
            frame_ancestors.to_owned()
        } else {
            tracing::error!(
                frame_ancestors,
                "frame-ancestors is not a valid header value; no site may frame the app"
            );
            "'none'".to_owned()
        };
        let stamp = stamp_of(&index);
        let scripts = match std::fs::read_to_string(&index) {
            Ok(html) => inline_scripts(&html),
            Err(error) => {
                tracing::warn!(
                    path = %index.display(),
                    %error,
                    "cannot read index.html; the app's inline script is not allowed until it appears"
                );
                Vec::new()
            }
        };
        let header = header_value(&content_security_policy(&scripts, &frame_ancestors));
        Policy {
            index,
            frame_ancestors,
            current: Mutex::new(Current { stamp, header }),
        }
    }

    async fn header(&self) -> HeaderValue {
        let stamp = tokio::fs::metadata(&self.index)
            .await
            .ok()
            .and_then(|meta| Some((meta.modified().ok()?, meta.len())));
        {
            let current = self.lock();
            // No index.html (mid-build, say): keep the last policy.
            if stamp.is_none() || stamp == current.stamp {
                return current.header.clone();
            }
        }
        let Ok(html) = tokio::fs::read_to_string(&self.index).await else {
            return self.lock().header.clone();
        };
        let header = header_value(&content_security_policy(
            &inline_scripts(&html),
            &self.frame_ancestors,
        ));
        let mut current = self.lock();
        *current = Current {
            stamp,
            header: header.clone(),
        };
        header
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Current> {
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn stamp_of(path: &Path) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

fn header_value(policy: &str) -> HeaderValue {
    // Hashes are base64 and frame_ancestors was checked in `Policy::new`.
    HeaderValue::from_str(policy).unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"))
}

/// The policy for a page whose inline scripts are `inline_scripts`.
///
/// - `script-src`: the app's own files, wasm compilation, and by hash only
///   trunk's inline loader and the iframe height reporter; nothing else
///   inline, so HTML output cannot run scripts of its own.
/// - `style-src 'unsafe-inline'`: Leptos sets style attributes and pandas
///   HTML carries `<style>`.
/// - `img-src data:`: plots and images arrive as data URLs.
/// - `connect-src`: this server, and any HTTPS or local API base the user
///   picks in Settings.
/// - `frame-src 'self'`: pages of this site may frame the app (the embed
///   demo frames widgets); the HTML-output frames are `srcdoc`, which loads
///   nothing and is not subject to it.
fn content_security_policy(inline_scripts: &[String], frame_ancestors: &str) -> String {
    let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
    let hashes = inline_scripts
        .iter()
        .map(String::as_str)
        .chain([FRAME_SCRIPT])
        .map(sha256_source);
    for hash in hashes {
        if !script_src.contains(&hash) {
            script_src.push(' ');
            script_src.push_str(&hash);
        }
    }
    format!(
        "default-src 'self'; script-src {script_src}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self' https: http://127.0.0.1:* http://localhost:*; \
         frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; \
         frame-ancestors {frame_ancestors}"
    )
}

fn sha256_source(script: &str) -> String {
    let digest = Sha256::digest(script.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The text of each `<script>` without a `src` in an HTML document, as the
/// browser hashes it: script text is raw up to `</script`, and the parser
/// turns CRLF and lone CR into LF first.
fn inline_scripts(html: &str) -> Vec<String> {
    let html = html.replace("\r\n", "\n").replace('\r', "\n");
    let lower = html.to_ascii_lowercase();
    let mut scripts = Vec::new();
    let mut at = 0;
    while let Some(found) = lower[at..].find('<') {
        let start = at + found;
        if lower[start..].starts_with("<!--") {
            at = lower[start..]
                .find("-->")
                .map_or(lower.len(), |end| start + end + 3);
            continue;
        }
        let is_script = lower[start..].starts_with("<script")
            && lower[start + 7..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_whitespace() || c == '>' || c == '/');
        if !is_script {
            at = start + 1;
            continue;
        }
        let Some(tag_len) = lower[start..].find('>') else {
            break;
        };
        let body_start = start + tag_len + 1;
        let body_end = lower[body_start..]
            .find("</script")
            .map_or(lower.len(), |end| body_start + end);
        if !has_src(&lower[start + 7..start + tag_len]) {
            scripts.push(html[body_start..body_end].to_owned());
        }
        at = body_end;
    }
    scripts
}

/// Whether a (lower-cased) tag's attribute text has a `src` attribute.
fn has_src(attributes: &str) -> bool {
    let mut rest = attributes;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() {
            return false;
        }
        let name_len = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        if &rest[..name_len] == "src" {
            return true;
        }
        rest = rest[name_len..].trim_start();
        if let Some(value) = rest.strip_prefix('=') {
            let value = value.trim_start();
            rest = match value.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    value[1..].find(quote).map_or("", |end| &value[end + 2..])
                }
                _ => value
                    .find(|c: char| c.is_ascii_whitespace())
                    .map_or("", |end| &value[end..]),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_inline_scripts_only() {
        let html = "<html><head>\r\n<!-- <script>commented()</script> -->\
            <SCRIPT type=\"module\">\r\nrun();\r\n</SCRIPT>\
            <script src=\"/app.js\"></script>\
            <script data-src='x' defer>b()</script>\
            <scripts>not one</scripts><script>";
        assert_eq!(
            inline_scripts(html),
            vec!["\nrun();\n".to_owned(), "b()".to_owned(), String::new()]
        );
    }

    #[test]
    fn knows_trunks_hashed_names() {
        for hashed in [
            "/main-32da0d8342fb1fe9.css",
            "/tci-playground-c98910b765e0bfe4_bg.wasm",
            "/tci-playground-c98910b765e0bfe4.js",
            "/a/b/icon-2da0d8342fb1fe9.png",
        ] {
            assert!(is_content_hashed(hashed), "{hashed}");
        }
        for plain in [
            "/",
            "/index.html",
            "/main.css",
            "/main-32da0d83.css",
            "/main-32DA0D8342FB1FE9.css",
            "/main-32da0d8342fb1fe9ab.css",
            "/main-32da0d8342fb1fe9",
            "/main-32da0d8342fb1fe9.css/settings",
        ] {
            assert!(!is_content_hashed(plain), "{plain}");
        }
    }
}
