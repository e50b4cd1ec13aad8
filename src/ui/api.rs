//! Calls to the TCI API and to the server's `config.json`, through gloo-net.
//! Executes are never retried: running the same code twice is not harmless.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use tci_api::{
    AppConfig, EXECUTE_PATH, ExecuteData, ExecuteRequest, SESSIONS_PATH, SessionInfo,
    SessionListResponse,
};
use web_sys::AbortSignal;

use crate::model::failure::{RunFailure, classify};
use crate::model::settings::{Backend, endpoint, is_together};

#[derive(Debug)]
pub enum CallError {
    /// The user pressed Stop.
    Aborted,
    Failed(RunFailure),
}

/// One execute; `signal` aborts it (Stop).
pub async fn execute(
    backend: &Backend,
    key: &str,
    request: &ExecuteRequest,
    signal: &AbortSignal,
) -> Result<ExecuteData, CallError> {
    let url = endpoint(&backend.api_base, EXECUTE_PATH);
    let network = || {
        if signal.aborted() {
            CallError::Aborted
        } else {
            CallError::Failed(RunFailure::Network {
                direct_to_together: is_together(&backend.api_base),
            })
        }
    };
    let response = authorized(Request::post(&url), key)
        .abort_signal(Some(signal))
        .json(request)
        .map_err(|_| network())?
        .send()
        .await
        .map_err(|_| network())?;
    let retry_after = response.headers().get("retry-after");
    // The body is read whatever the status: errors come in it.
    let text = response.text().await.map_err(|_| network())?;
    classify(
        response.status(),
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
    let list: SessionListResponse = get_json(authorized(Request::get(&url), key)).await?;
    list.data.as_ref().map(|data| data.sessions.clone())
}

/// `config.json` of a server next to the app, if there is one.
pub async fn server_config() -> Option<AppConfig> {
    get_json(Request::get(AppConfig::FILE_NAME)).await
}

/// The body of a successful GET as `T`; `None` on any failure.
async fn get_json<T: DeserializeOwned>(request: RequestBuilder) -> Option<T> {
    let response: Response = request.send().await.ok()?;
    if !response.ok() {
        return None;
    }
    response.json().await.ok()
}

/// The key goes in a header only: never in a URL, never logged.
fn authorized(request: RequestBuilder, key: &str) -> RequestBuilder {
    if key.is_empty() {
        request
    } else {
        request.header("Authorization", &format!("Bearer {key}"))
    }
}
