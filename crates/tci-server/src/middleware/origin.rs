//! What stands before the `/tci` API of a public deployment: which web
//! origins may call it (CORS, and an Origin check, since a browser sends a
//! cross-site POST before any CORS check could stop it), and how much one
//! client may ask for (requests per minute and executions at once).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::rate_limit::RateLimiter;
use crate::api::ApiFailure;

#[derive(Debug, Default)]
pub struct ApiGuard {
    /// Origins besides the server's own; `*` allows any.
    pub allowed_origins: Vec<String>,
    pub limits: Option<RateLimiter>,
    /// Behind a reverse proxy the peer is the proxy: use the first address
    /// of X-Forwarded-For instead.
    pub trust_forwarded_for: bool,
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

    fn client(&self, request: &Request) -> String {
        if self.trust_forwarded_for
            && let Some(first) = request
                .headers()
                .get("x-forwarded-for")
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.split(',').next())
        {
            return first.trim().to_owned();
        }
        request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_owned(), |info| info.0.ip().to_string())
    }
}

/// The middleware on the API routes.
pub async fn guard(
    State(guard): State<Arc<ApiGuard>>,
    mut request: Request,
    next: Next,
) -> Response {
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|origin| origin.to_str().ok())
        .map(str::to_owned);
    if let Some(origin) = &origin
        && !guard.origin_allowed(origin, request.headers())
    {
        return ApiFailure::Forbidden(format!(
            "web pages from {origin} may not use this API (see --allowed-origins)"
        ))
        .into_response();
    }
    if request.method() == Method::OPTIONS {
        let mut response = StatusCode::NO_CONTENT.into_response();
        add_cors(response.headers_mut(), origin.as_deref(), true);
        return response;
    }
    let client = guard.client(&request);
    let _permit = match &guard.limits {
        Some(limits) => match limits.admit(&client) {
            Ok(permit) => Some(permit),
            Err(wait) => {
                let mut response = ApiFailure::RateLimited(wait.as_secs().max(1)).into_response();
                add_cors(response.headers_mut(), origin.as_deref(), false);
                return response;
            }
        },
        None => None,
    };
    request
        .extensions_mut()
        .insert(crate::api::ClientId(client.into()));
    let mut response = next.run(request).await;
    add_cors(response.headers_mut(), origin.as_deref(), false);
    response
}

fn add_cors(headers: &mut HeaderMap, origin: Option<&str>, preflight: bool) {
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    let Some(origin) = origin.and_then(|origin| HeaderValue::from_str(origin).ok()) else {
        return;
    };
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("retry-after"),
    );
    if preflight {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, OPTIONS"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("authorization, content-type"),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
    }
}

#[cfg(test)]
mod tests {
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
