//! Together's `/tci` API (with and without `/v1`), answered by the local
//! backend or the proxy, and the app's `config.json`. No other API path
//! exists: in proxy mode nothing else can reach the upstream.

pub mod app_config;
pub mod error;
pub mod execute;
pub mod sessions;
pub mod wire;

pub use error::ApiFailure;

use std::sync::Arc;

use axum::extract::Request;

/// Who is asking, as the rate limiter tells clients apart (the peer's
/// address, or the first X-Forwarded-For address with
/// `--trust-forwarded-for`): the middleware puts it on the request, and the
/// local backend counts each client's sessions by it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientId(pub Arc<str>);

pub async fn unknown_api_path(request: Request) -> ApiFailure {
    ApiFailure::NotFound(format!("no API endpoint at {}", request.uri().path()))
}

pub async fn method_not_allowed(request: Request) -> ApiFailure {
    ApiFailure::MethodNotAllowed(format!(
        "{} is not allowed on {}",
        request.method(),
        request.uri().path()
    ))
}
