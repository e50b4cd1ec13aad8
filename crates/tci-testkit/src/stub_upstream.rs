//! A stand-in for Together's API, started by tests on a loopback port: it
//! answers `/v1/tci/*` like Together (the documented session-reuse example
//! works) and records every request it receives, so tests can check what a
//! proxy forwarded. Codes starting with `status:` or `sleep:` make it answer
//! with that status or that late.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Value, json};

#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: HeaderMap,
    pub body: String,
}

#[derive(Clone, Debug, Default)]
pub struct StubUpstream {
    pub received: Arc<Mutex<Vec<Recorded>>>,
    sessions: Arc<Mutex<HashMap<String, HashMap<String, String>>>>,
}

impl StubUpstream {
    /// Serves the stub; returns it and its API base (`http://…/v1`).
    pub async fn start() -> (StubUpstream, String) {
        let stub = StubUpstream::default();
        let app = Router::new().fallback(any(answer)).with_state(stub.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}/v1", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (stub, base)
    }

    pub fn received(&self) -> Vec<Recorded> {
        self.received.lock().unwrap().clone()
    }

    /// The Authorization header of every execute received, in order.
    pub fn execute_authorizations(&self) -> Vec<String> {
        self.received()
            .iter()
            .filter(|request| request.method == "POST" && request.path == "/v1/tci/execute")
            .map(|request| {
                let value = request.headers.get("authorization");
                value
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    }
}

/// Answers like a CORS-open API, so a page on another origin can call it.
async fn answer(State(stub): State<StubUpstream>, request: Request) -> Response {
    let mut response = answer_request(stub, request).await;
    let headers = response.headers_mut();
    headers.insert("access-control-allow-origin", "*".parse().unwrap());
    headers.insert(
        "access-control-allow-headers",
        "authorization, content-type".parse().unwrap(),
    );
    headers.insert("access-control-allow-methods", "GET, POST".parse().unwrap());
    response
}

async fn answer_request(stub: StubUpstream, request: Request) -> Response {
    if request.method() == axum::http::Method::OPTIONS {
        return StatusCode::NO_CONTENT.into_response();
    }
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_else(|_| Bytes::new());
    let body = String::from_utf8_lossy(&body).into_owned();
    stub.received.lock().unwrap().push(Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        headers: parts.headers.clone(),
        body: body.clone(),
    });
    match (parts.method.as_str(), parts.uri.path()) {
        ("POST", "/v1/tci/execute") => execute(&stub, &body).await,
        ("GET", "/v1/tci/sessions") => {
            let sessions: Vec<Value> = stub
                .sessions
                .lock()
                .unwrap()
                .keys()
                .map(|id| json!({"id": id, "execute_count": 1, "started_at": "2025-12-08T06:41:51.890310+00:00",
                    "last_execute_at": "2025-12-08T06:41:52.188626+00:00", "expires_at": "2025-12-08T07:11:51.890310+00:00"}))
                .collect();
            axum::Json(json!({"data": {"sessions": sessions}, "errors": null})).into_response()
        }
        _ => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"error": {"message": "stub: no such path"}})),
        )
            .into_response(),
    }
}

async fn execute(stub: &StubUpstream, body: &str) -> Response {
    let Ok(request) = serde_json::from_str::<Value>(body) else {
        return (StatusCode::BAD_REQUEST, "not json").into_response();
    };
    let code = request["code"].as_str().unwrap_or_default();
    if let Some(status) = code.strip_prefix("status:") {
        let status = StatusCode::from_u16(status.trim().parse().unwrap()).unwrap();
        let body = json!({"error": {"message": format!("stub says {status}"), "type": "stub"}});
        return (
            status,
            [("retry-after", "7"), ("x-stub-only", "1")],
            axum::Json(body),
        )
            .into_response();
    }
    if let Some(seconds) = code.strip_prefix("sleep:") {
        tokio::time::sleep(Duration::from_secs_f64(seconds.trim().parse().unwrap())).await;
    }
    let mut sessions = stub.sessions.lock().unwrap();
    let session_id = match request["session_id"].as_str() {
        Some(id) if sessions.contains_key(id) => id.to_owned(),
        Some(_) => {
            let body = json!({"data": null, "errors": ["Session not found or expired"]});
            return (StatusCode::NOT_FOUND, axum::Json(body)).into_response();
        }
        None => {
            let id = format!("ses_stub{}", sessions.len() + 1);
            sessions.insert(id.clone(), HashMap::new());
            id
        }
    };
    let variables = sessions.get_mut(&session_id).unwrap();
    let mut outputs = Vec::new();
    // Just enough Python for Together's documented example.
    if let Some((name, value)) = code.split_once(" = ") {
        variables.insert(name.trim().to_owned(), value.trim().to_owned());
    } else if let Some(inner) = code
        .strip_prefix("print(f\"")
        .and_then(|rest| rest.strip_suffix("\")"))
    {
        let mut text = inner.to_owned();
        for (name, value) in variables.iter() {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        outputs.push(json!({"type": "stdout", "data": format!("{text}\n")}));
    }
    axum::Json(json!({"data": {"session_id": session_id, "outputs": outputs}, "errors": null}))
        .into_response()
}
