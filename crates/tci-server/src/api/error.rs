//! The one path from a failure to an HTTP response: every error the API
//! returns is JSON in Together's shapes (see `tci_api::ApiError`). Details of
//! server-side failures are logged, never sent to the client.

use axum::Json;
use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tci_api::ApiError;

use crate::local::ExecuteError;

#[derive(Debug, thiserror::Error)]
pub enum ApiFailure {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("request body is larger than this server accepts (see --body-limit)")]
    TooLarge,
    #[error("missing or wrong bearer token")]
    Unauthorized,
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("too many requests from this client; retry in {0} s")]
    RateLimited(u64),
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error(transparent)]
    Execute(#[from] ExecuteError),
}

impl ApiFailure {
    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        use ExecuteError as E;
        match self {
            ApiFailure::BadRequest(_) => (
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                "invalid_json",
            ),
            ApiFailure::Unprocessable(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_request_error",
                "invalid_request",
            ),
            ApiFailure::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "invalid_request_error",
                "request_too_large",
            ),
            ApiFailure::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "authentication_error",
                "invalid_api_key",
            ),
            ApiFailure::NotFound(_) => {
                (StatusCode::NOT_FOUND, "invalid_request_error", "not_found")
            }
            ApiFailure::Forbidden(_) => (
                StatusCode::FORBIDDEN,
                "permission_error",
                "origin_not_allowed",
            ),
            ApiFailure::RateLimited(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limit_error",
                "rate_limited",
            ),
            ApiFailure::MethodNotAllowed(_) => (
                StatusCode::METHOD_NOT_ALLOWED,
                "invalid_request_error",
                "method_not_allowed",
            ),
            ApiFailure::Execute(E::UnknownSession(_)) => (
                StatusCode::NOT_FOUND,
                "invalid_request_error",
                "session_not_found",
            ),
            ApiFailure::Execute(E::File(_)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_request_error",
                "invalid_file",
            ),
            ApiFailure::Execute(E::ClientSessionCap { .. }) => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limit_error",
                "too_many_sessions_for_client",
            ),
            ApiFailure::Execute(E::TooManySessions(_)) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "server_error",
                "too_many_sessions",
            ),
            ApiFailure::Execute(E::ShuttingDown) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "server_error",
                "shutting_down",
            ),
            ApiFailure::Execute(E::Unavailable(_)) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "server_error",
                "interpreter_unavailable",
            ),
            ApiFailure::Execute(E::Internal(_)) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "internal_error",
            ),
        }
    }
}

/// axum's reading of a JSON body: malformed text is 400 (`invalid_json`),
/// JSON of the wrong shape 422 (`invalid_request`), with serde's message
/// naming the member (`files[1]: missing field `encoding``).
impl From<JsonRejection> for ApiFailure {
    fn from(rejection: JsonRejection) -> Self {
        // The rejection's source is serde's error without axum's preamble.
        let detail = |error: &dyn std::error::Error| {
            error
                .source()
                .map_or_else(|| error.to_string(), ToString::to_string)
        };
        match rejection {
            JsonRejection::JsonSyntaxError(error) => ApiFailure::BadRequest(format!(
                "request body is not valid JSON: {}",
                detail(&error)
            )),
            JsonRejection::JsonDataError(error) => {
                ApiFailure::Unprocessable(format!("invalid request body: {}", detail(&error)))
            }
            JsonRejection::BytesRejection(error) => error.into(),
            // Content-Type is not checked (`Json::from_bytes`); kept total.
            other => ApiFailure::BadRequest(other.body_text()),
        }
    }
}

/// Reading the body failed: over the size limit, or the connection broke.
impl From<BytesRejection> for ApiFailure {
    fn from(rejection: BytesRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiFailure::TooLarge
        } else {
            ApiFailure::BadRequest(rejection.body_text())
        }
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let (status, kind, code) = self.parts();
        let message = match &self {
            ApiFailure::Execute(ExecuteError::Unavailable(error)) => {
                tracing::error!(%error, "could not start a Python session");
                "could not start a Python session; the server log says why".to_owned()
            }
            ApiFailure::Execute(ExecuteError::Internal(error)) => {
                tracing::error!(%error, "execution failed inside the server");
                "internal server error; the server log says why".to_owned()
            }
            other => other.to_string(),
        };
        let mut response = (status, Json(ApiError::new(message, kind, code))).into_response();
        let retry_after = match &self {
            ApiFailure::RateLimited(seconds) => Some(*seconds),
            ApiFailure::Execute(ExecuteError::ClientSessionCap { retry_after, .. }) => {
                Some(retry_after.as_secs())
            }
            _ => None,
        };
        if let Some(seconds) = retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
