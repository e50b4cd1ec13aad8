//! Calls to the TCI API with fetch (gloo-net). Executes are never retried:
//! running the same code twice is not harmless.

use gloo_net::http::{Request, Response};
use tci_api::json::{self, FromJson};
use tci_api::{
    EXECUTE_PATH, ExecuteData, ExecuteRequest, SESSIONS_PATH, SessionInfo, SessionListResponse,
};
use web_sys::AbortSignal;

use crate::failure::{RunFailure, classify};
use crate::settings::{Backend, endpoint, is_together};

#[derive(Debug)]
pub enum CallError {
    /// The user pressed Stop.
    Aborted,
    Failed(RunFailure),
}

pub async fn execute(
    backend: &Backend,
    key: &str,
    request: &ExecuteRequest,
    signal: &AbortSignal,
) -> Result<ExecuteData, CallError> {
    let url = endpoint(&backend.api_base, EXECUTE_PATH);
    let body = json::to_string(request);
    let builder = with_key(Request::post(&url), key)
        .header("Content-Type", "application/json")
        .abort_signal(Some(signal));
    let network = || {
        if signal.aborted() {
            CallError::Aborted
        } else {
            CallError::Failed(RunFailure::Network {
                direct_to_together: is_together(&backend.api_base),
            })
        }
    };
    let response = builder
        .body(body)
        .map_err(|_| network())?
        .send()
        .await
        .map_err(|_| network())?;
    let (status, retry_after) = (response.status(), retry_after(&response));
    let text = response.text().await.map_err(|_| network())?;
    classify(
        status,
        &text,
        retry_after.as_deref(),
        request.session_id.is_some(),
    )
    .map_err(CallError::Failed)
}

/// The live sessions, when the API offers the list (Together and the local
/// backend do); `None` on any failure, since it only feeds a status line.
pub async fn sessions(backend: &Backend, key: &str) -> Option<Vec<SessionInfo>> {
    let url = endpoint(&backend.api_base, SESSIONS_PATH);
    let response = with_key(Request::get(&url), key).send().await.ok()?;
    let list: SessionListResponse = read_json(response).await?;
    list.data.as_ref().map(|data| data.sessions.clone())
}

/// `config.json` of a server next to the app, if there is one.
pub async fn server_config() -> Option<crate::settings::ServerConfig> {
    let response = Request::get("config.json").send().await.ok()?;
    read_json(response).await
}

/// The body of a successful response as `T`; `None` on any failure.
async fn read_json<T: FromJson>(response: Response) -> Option<T> {
    if !response.ok() {
        return None;
    }
    json::from_str(&response.text().await.ok()?).ok()
}

fn with_key(builder: gloo_net::http::RequestBuilder, key: &str) -> gloo_net::http::RequestBuilder {
    // The key goes in a header only: never in a URL, never logged.
    if key.is_empty() {
        builder
    } else {
        builder.header("Authorization", &format!("Bearer {key}"))
    }
}

fn retry_after(response: &Response) -> Option<String> {
    response.headers().get("retry-after")
}
