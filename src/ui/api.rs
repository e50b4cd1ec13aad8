//! Calls to the TCI API with the browser's fetch, straight through web-sys
//! (a fetch wrapper crate cost several KB of wasm for three calls).
//! Executes are never retried: running the same code twice is not harmless.

use tci_api::json::{self, FromJson};
use tci_api::{
    EXECUTE_PATH, ExecuteData, ExecuteRequest, SESSIONS_PATH, SessionInfo, SessionListResponse,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, RequestInit, Response};

use crate::model::failure::{RunFailure, classify};
use crate::model::settings::{Backend, endpoint, is_together};

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
    let network = || {
        if signal.aborted() {
            CallError::Aborted
        } else {
            CallError::Failed(RunFailure::Network {
                direct_to_together: is_together(&backend.api_base),
            })
        }
    };
    let response = fetch("POST", &url, key, Some((&body, signal)))
        .await
        .map_err(|_| network())?;
    let retry_after = response.headers().get("retry-after").ok().flatten();
    let text = text(&response).await.map_err(|_| network())?;
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
    let list: SessionListResponse = get_json(&url, key).await?;
    list.data.as_ref().map(|data| data.sessions.clone())
}

/// `config.json` of a server next to the app, if there is one.
pub async fn server_config() -> Option<crate::model::settings::ServerConfig> {
    get_json("config.json", "").await
}

/// The body of a successful GET as `T`; `None` on any failure.
async fn get_json<T: FromJson>(url: &str, key: &str) -> Option<T> {
    let response = fetch("GET", url, key, None).await.ok()?;
    if !response.ok() {
        return None;
    }
    json::from_str(&text(&response).await.ok()?).ok()
}

/// One fetch; `post` is a JSON body and the signal that can abort it.
async fn fetch(
    method: &str,
    url: &str,
    key: &str,
    post: Option<(&str, &AbortSignal)>,
) -> Result<Response, JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let headers = Headers::new()?;
    // The key goes in a header only: never in a URL, never logged.
    if !key.is_empty() {
        headers.set("Authorization", &format!("Bearer {key}"))?;
    }
    let init = RequestInit::new();
    init.set_method(method);
    if let Some((body, signal)) = post {
        headers.set("Content-Type", "application/json")?;
        init.set_body(&JsValue::from_str(body));
        init.set_signal(Some(signal));
    }
    init.set_headers(&headers);
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init)).await?;
    response.dyn_into()
}

async fn text(response: &Response) -> Result<String, JsValue> {
    JsFuture::from(response.text()?)
        .await?
        .as_string()
        .ok_or(JsValue::NULL)
}
