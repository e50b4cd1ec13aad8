//! The built app: its files, with `index.html` for any other path so that
//! client-side routes load the app.
//!
//! Every file is sent precompressed when the client accepts it: the trunk
//! post-build hook (`scripts/compress-dist.sh`) writes `.br` and `.gz` next to
//! each one, so nothing is compressed per request. Names carrying trunk's
//! content hash are cached for a year; everything else is revalidated. Every
//! response carries a Content-Security-Policy that lets the page run its own
//! script and wasm and nothing else, so markup that slips into the page
//! cannot run code or send the API key anywhere scripts could not already;
//! but the output frame and its renderers (`renderers/`) get their own.

mod csp;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower::ServiceExt;
use tower_http::services::fs::ServeFileSystemResponseBody;
use tower_http::services::{ServeDir, ServeFile};

use crate::app::Site;
use csp::Policy;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const NO_CACHE: &str = "no-cache";

/// Where the output frame and the renderers it loads on demand are built.
const RENDERERS: &str = "/renderers/";
const FRAME_DOCUMENT: &str = "/renderers/frame.html";

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
    let path = request.uri().path();
    let hashed = is_content_hashed(path);
    let renderer = path.starts_with(RENDERERS);
    // Renderers' own files ignore a policy; the app's stays on them, so an
    // unknown name answered with index.html still gets it.
    let csp = if path == FRAME_DOCUMENT {
        policy.frame_header()
    } else {
        policy.header().await
    };
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
    // The output frame's origin is opaque, so what it loads in CORS mode
    // (KaTeX's fonts) comes with `Origin: null`: any origin may read these
    // files, which are public and hold nothing of a user's.
    if renderer {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
