//! Request and response bodies in the TCI wire types, read and written with
//! tci-api's JSON codec (the same one the app uses), so the server needs no
//! second description of the wire.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tci_api::json::{self, FromJson, ToJson};

use crate::api::error::ApiFailure;

/// A JSON body whose every rejection is a Together-shaped error: 400 for
/// malformed JSON, 422 for the wrong fields, 413 over the size limit. The
/// Content-Type is not required: curl users often forget it.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: FromJson> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiFailure;

    async fn from_request(request: Request, _: &S) -> Result<Self, ApiFailure> {
        let bytes = body_bytes(request).await?;
        let text = std::str::from_utf8(&bytes).map_err(|error| {
            ApiFailure::BadRequest(format!(
                "request body is not valid JSON: not UTF-8 ({error})"
            ))
        })?;
        match json::from_str(text) {
            Ok(value) => Ok(JsonBody(value)),
            Err(json::Error::Syntax(error)) => Err(ApiFailure::BadRequest(format!(
                "request body is not valid JSON: {error}"
            ))),
            Err(json::Error::Shape(error)) => Err(ApiFailure::Unprocessable(format!(
                "invalid request body: {error}"
            ))),
        }
    }
}

/// The body, within the router's size limit (413 beyond it).
pub async fn body_bytes(request: Request) -> Result<Bytes, ApiFailure> {
    Bytes::from_request(request, &())
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiFailure::TooLarge
            } else {
                ApiFailure::BadRequest(rejection.body_text())
            }
        })
}

/// A response body of a wire type, as compact JSON.
#[derive(Debug)]
pub struct WireJson<T>(pub T);

impl<T: ToJson> IntoResponse for WireJson<T> {
    fn into_response(self) -> Response {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            self.0.to_json().compact(),
        )
            .into_response()
    }
}
