//! `POST /tci/execute`: run code in a session here, or forward it upstream.

use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRequest, Request, State};
use axum::http::{Method, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use tci_api::{EXECUTE_PATH, ExecuteRequest, ExecuteResponse, FileEncoding};

use super::ClientId;
use super::error::ApiFailure;
use super::wire::{JsonBody, body_bytes};
use crate::app::{AppState, Backend};
use crate::local::{Execution, LocalBackend, SessionFile};

pub async fn execute(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, ApiFailure> {
    match &state.backend {
        Backend::Local(local) => {
            let client = request
                .extensions()
                .get::<ClientId>()
                .map_or_else(|| Arc::from("unknown"), |client| client.0.clone());
            let JsonBody(request) =
                JsonBody::<ExecuteRequest>::from_request(request, &state).await?;
            Ok(execute_locally(local, request, client)
                .await?
                .into_response())
        }
        Backend::Proxy(proxy) => {
            let content_type = request.headers().get(header::CONTENT_TYPE).cloned();
            let body = body_bytes(request).await?;
            Ok(proxy
                .forward(Method::POST, EXECUTE_PATH, content_type, body)
                .await)
        }
    }
}

async fn execute_locally(
    backend: &LocalBackend,
    request: ExecuteRequest,
    client: Arc<str>,
) -> Result<Json<ExecuteResponse>, ApiFailure> {
    let files = request
        .files
        .unwrap_or_default()
        .into_iter()
        .map(|file| {
            let contents = match file.encoding {
                FileEncoding::String => file.content.into_bytes(),
                FileEncoding::Base64 => base64::engine::general_purpose::STANDARD
                    .decode(file.content.trim())
                    .map_err(|error| {
                        ApiFailure::Unprocessable(format!(
                            "file {:?}: content is not valid base64 ({error})",
                            file.name
                        ))
                    })?,
            };
            Ok(SessionFile {
                name: file.name,
                contents,
            })
        })
        .collect::<Result<Vec<_>, ApiFailure>>()?;
    let executed = backend
        .execute(Execution {
            code: request.code,
            session_id: request.session_id,
            files,
            client,
        })
        .await?;
    Ok(Json(ExecuteResponse::success(
        executed.session_id,
        executed.outputs,
    )))
}
