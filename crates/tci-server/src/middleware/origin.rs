//! Which web origins may call the API. A browser sends a simple cross-site
//! POST before any CORS check could stop it, so an Origin that is neither
//! the server's own nor in `--allowed-origins` is refused with 403 here;
//! the origins that pass get CORS answers from tower-http's layer.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::ApiGuard;
use crate::api::ApiFailure;

/// The Origin check, outside [`cors`]: a refused origin costs nothing
/// further, a preflight included.
pub async fn check_origin(
    State(guard): State<Arc<ApiGuard>>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(origin) = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|origin| origin.to_str().ok())
        && !guard.origin_allowed(origin, request.headers())
    {
        return ApiFailure::Forbidden(format!(
            "web pages from {origin} may not use this API (see --allowed-origins)"
        ))
        .into_response();
    }
    let preflight = request.method() == Method::OPTIONS;
    let mut response = next.run(request).await;
    // tower-http answers a preflight with 200 and no body; this server has
    // always said 204 No Content.
    if preflight && response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::NO_CONTENT;
    }
    response
}

/// CORS for the API: preflights are answered here (before the rate limit
/// and the token, which a preflight does not carry), and every answer names
/// the request's origin, which [`check_origin`] has already let through.
pub fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([header::RETRY_AFTER])
        .max_age(Duration::from_secs(600))
}

impl ApiGuard {
    fn origin_allowed(&self, origin: &str, headers: &HeaderMap) -> bool {
        let same_origin = headers
            .get(header::HOST)
            .and_then(|host| host.to_str().ok())
            .is_some_and(|host| {
                origin
                    .split_once("://")
                    .is_some_and(|(_, authority)| authority == host)
            });
        same_origin
            || self
                .allowed_origins
                .iter()
                .any(|allowed| allowed == "*" || allowed.trim_end_matches('/') == origin)
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn origins_allowed_are_the_servers_own_and_the_listed_ones() {
        let guard = ApiGuard {
            allowed_origins: vec!["https://docs.example.com/".into()],
            ..ApiGuard::default()
        };
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert!(guard.origin_allowed("http://127.0.0.1:8080", &headers));
        assert!(guard.origin_allowed("https://docs.example.com", &headers));
        assert!(!guard.origin_allowed("https://evil.example", &headers));
        assert!(!guard.origin_allowed("http://127.0.0.1:9999", &headers));
        let open = ApiGuard {
            allowed_origins: vec!["*".into()],
            ..ApiGuard::default()
        };
        assert!(open.origin_allowed("https://anyone.example", &headers));
    }
}
