//! Proxy mode: the server holds the Together API key and forwards exactly
//! the two TCI endpoints upstream, so that no key ever reaches a browser.
//!
//! Nothing the browser sent besides the body and its content type goes
//! upstream (no Authorization, no cookies); the upstream's status and body
//! come back unchanged. An execute is never retried: it is not idempotent.

use std::fmt;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tci_api::ApiError;

/// The upstream key. Its `Debug` never shows it, so it cannot reach a log.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Option<Self> {
        let key = key.into().trim().to_owned();
        (!key.is_empty()).then_some(ApiKey(key))
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("ApiKey(<redacted>)")
    }
}

#[derive(Clone, Debug)]
pub struct Proxy {
    client: reqwest::Client,
    upstream: String,
    key: ApiKey,
}

impl Proxy {
    /// `upstream` is an API base such as `https://api.together.ai/v1`;
    /// `timeout` bounds a whole exchange (executions can run for minutes).
    pub fn new(upstream: &str, key: ApiKey, timeout: Duration) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Proxy {
            client,
            upstream: upstream.trim_end_matches('/').to_owned(),
            key,
        })
    }

    pub fn upstream(&self) -> &str {
        &self.upstream
    }

    /// Sends `body` to `{upstream}{path}` with the server's key and answers
    /// with the upstream's status and body.
    pub async fn forward(
        &self,
        method: Method,
        path: &'static str,
        content_type: Option<HeaderValue>,
        body: Bytes,
    ) -> Response {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.upstream))
            .bearer_auth(&self.key.0)
            .header(header::ACCEPT, "application/json");
        if !body.is_empty() {
            let content_type =
                content_type.unwrap_or_else(|| HeaderValue::from_static("application/json"));
            request = request
                .header(header::CONTENT_TYPE, content_type)
                .body(body);
        }
        let upstream = match request.send().await {
            Ok(response) => response,
            Err(error) => return failure(&error),
        };
        let status = upstream.status();
        let content_type = upstream.headers().get(header::CONTENT_TYPE).cloned();
        let retry_after = upstream.headers().get(header::RETRY_AFTER).cloned();
        let body = match upstream.bytes().await {
            Ok(body) => body,
            Err(error) => return failure(&error),
        };
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        if let Some(content_type) = content_type {
            headers.insert(header::CONTENT_TYPE, content_type);
        }
        if let Some(retry_after) = retry_after {
            headers.insert(header::RETRY_AFTER, retry_after);
        }
        response
    }
}

/// 504 when the upstream was too slow, 502 when it could not be reached or
/// broke off its answer (closed the connection halfway, sent something that
/// is not HTTP); the details go to the log (they never contain the key).
fn failure(error: &reqwest::Error) -> Response {
    let (status, code, message) = if error.is_timeout() {
        (
            StatusCode::GATEWAY_TIMEOUT,
            "upstream_timeout",
            "the upstream API did not answer in time",
        )
    } else if error.is_connect() {
        (
            StatusCode::BAD_GATEWAY,
            "upstream_unreachable",
            "the upstream API could not be reached",
        )
    } else {
        (
            StatusCode::BAD_GATEWAY,
            "upstream_incomplete",
            "the upstream API broke off its answer; the code may or may not have run, and it was not retried",
        )
    };
    tracing::warn!(%error, %status, "upstream request failed");
    (
        status,
        axum::Json(ApiError::new(message, "server_error", code)),
    )
        .into_response()
}
