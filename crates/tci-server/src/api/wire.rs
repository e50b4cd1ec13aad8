//! Request bodies in the TCI wire types, read through serde with axum's
//! JSON parser; every rejection becomes the server's [`ApiFailure`].
//! Responses are plain `axum::Json` of the same types.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::api::error::ApiFailure;

/// A JSON body whose every rejection is a Together-shaped error: 400 for
/// malformed JSON, 422 for the wrong fields, 413 over the size limit. The
/// Content-Type is not required: curl users often forget it.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiFailure;

    async fn from_request(request: Request, _: &S) -> Result<Self, ApiFailure> {
        let bytes = body_bytes(request).await?;
        let Json(value) = Json::from_bytes(&bytes)?;
        Ok(JsonBody(value))
    }
}

/// The body, within the router's size limit (413 beyond it).
pub async fn body_bytes(request: Request) -> Result<Bytes, ApiFailure> {
    Ok(Bytes::from_request(request, &()).await?)
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::extract::DefaultBodyLimit;
    use axum::http::StatusCode;
    use axum::routing::post;
    use http_body_util::BodyExt;
    use serde_json::Value;
    use tci_api::ExecuteRequest;
    use tower::ServiceExt;

    use super::*;

    /// What a route reading an `ExecuteRequest` answers `body` with: its
    /// status, the error's `code` and message (the status alone on success).
    async fn answer(body: impl Into<Body>) -> (StatusCode, String, String) {
        let app = Router::new()
            .route(
                "/",
                post(|JsonBody(request): JsonBody<ExecuteRequest>| async move { request.code }),
            )
            .layer(DefaultBodyLimit::max(1_000));
        // No Content-Type: the body is read as JSON regardless.
        let request = Request::post("/").body(body.into()).unwrap();
        let response = app.oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        if status.is_success() {
            return (
                status,
                String::new(),
                String::from_utf8_lossy(&bytes).into(),
            );
        }
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["errors"][0]["code"], body["error"]["code"], "{body}");
        let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
        (
            status,
            text(&body["error"]["code"]),
            text(&body["error"]["message"]),
        )
    }

    #[tokio::test]
    async fn json_rejections_keep_the_documented_statuses_and_codes() {
        let cases: [(Body, StatusCode, &str, &str); 8] = [
            (
                "{not json".into(),
                StatusCode::BAD_REQUEST,
                "invalid_json",
                "request body is not valid JSON: key must be a string",
            ),
            (
                "".into(),
                StatusCode::BAD_REQUEST,
                "invalid_json",
                "request body is not valid JSON: EOF",
            ),
            (
                r#"{"code": "1"} trailing"#.into(),
                StatusCode::BAD_REQUEST,
                "invalid_json",
                "trailing characters",
            ),
            (
                b"{\"code\": \"\xff\"}".to_vec().into(),
                StatusCode::BAD_REQUEST,
                "invalid_json",
                "not valid JSON",
            ),
            (
                r#"{"language": "python"}"#.into(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_request",
                "invalid request body: missing field `code`",
            ),
            (
                r#"{"code": "1", "language": "ruby"}"#.into(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_request",
                "invalid request body: language: unknown variant `ruby`, expected `python`",
            ),
            (
                r#"{"code": "1", "files": [{"name": "a"}]}"#.into(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_request",
                "invalid request body: files[0]: missing field `encoding`",
            ),
            (
                format!(r#"{{"code": "{}"}}"#, "x".repeat(2_000)).into(),
                StatusCode::PAYLOAD_TOO_LARGE,
                "request_too_large",
                "larger than this server accepts",
            ),
        ];
        for (body, status, code, message) in cases {
            let answered = answer(body).await;
            assert_eq!(
                (answered.0, answered.1.as_str()),
                (status, code),
                "{message}"
            );
            assert!(answered.2.contains(message), "{:?}: {message}", answered.2);
        }
        assert_eq!(
            answer(r#"{"code": "print(1)"}"#).await,
            (StatusCode::OK, String::new(), "print(1)".into())
        );
    }
}
