//! The Content-Security-Policy of every page: the app's own script and
//! wasm, trunk's inline loader by hash, and nothing else inline, so markup
//! that slips into the page cannot run code or send the API key anywhere
//! scripts could not already. The output frame's document has a policy of
//! its own (`frame_policy`).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use axum::http::HeaderValue;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The Content-Security-Policy, kept in step with `index.html`: trunk's
/// inline loader names the hashed files, so every build changes its hash,
/// and a server left running across a `trunk build` would otherwise block
/// the new page.
#[derive(Debug)]
pub(super) struct Policy {
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
    pub(super) fn new(index: PathBuf, frame_ancestors: &str) -> Self {
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

    /// The output frame's header (see [`frame_policy`]).
    pub(super) fn frame_header(&self) -> HeaderValue {
        header_value(&frame_policy(&self.frame_ancestors))
    }

    pub(super) async fn header(&self) -> HeaderValue {
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
///   trunk's inline loader; nothing else inline.
/// - `style-src 'unsafe-inline'`: Leptos sets style attributes and pandas
///   HTML carries `<style>`.
/// - `img-src data:`: plots and images arrive as data URLs.
/// - `connect-src`: this server, and any HTTPS or local API base the user
///   picks in Settings.
/// - `frame-src 'self'`: the output frames (`renderers/frame.html`), and
///   pages of this site framing the app (the embed demo frames widgets).
fn content_security_policy(inline_scripts: &[String], frame_ancestors: &str) -> String {
    let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
    let hashes = inline_scripts.iter().map(String::as_str).map(sha256_source);
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

/// The header of `renderers/frame.html`, whose own `<meta>` policy lets
/// output code run. `sandbox allow-scripts` gives the document an opaque
/// origin however it is loaded, even opened or framed without the app's
/// sandbox attribute, so that its scripts can never act as this site; it may
/// be framed where the app may be, and by the app.
fn frame_policy(frame_ancestors: &str) -> String {
    let listed = frame_ancestors
        .split_whitespace()
        .any(|source| source == "'self'");
    let ancestors = match frame_ancestors.trim() {
        // `'none'` beside another source would be ignored; say only `'self'`.
        "'none'" => "'self'".to_owned(),
        _ if listed => frame_ancestors.to_owned(),
        _ => format!("'self' {frame_ancestors}"),
    };
    format!("sandbox allow-scripts; frame-ancestors {ancestors}")
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
    fn the_frame_may_be_framed_by_the_app_and_where_the_app_may_be() {
        assert_eq!(
            frame_policy("'self'"),
            "sandbox allow-scripts; frame-ancestors 'self'"
        );
        assert_eq!(
            frame_policy("https://docs.example"),
            "sandbox allow-scripts; frame-ancestors 'self' https://docs.example"
        );
        assert_eq!(
            frame_policy("'none'"),
            "sandbox allow-scripts; frame-ancestors 'self'"
        );
    }

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
}
