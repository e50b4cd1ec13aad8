//! An HTTP/1 client for benchmarks that drive the release binary over
//! loopback, and the execute call they all make with it.

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};

pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// A pooling client: keep-alive connections, as a browser would hold.
pub fn http_client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

/// What an execute answered with status 200.
#[derive(Debug)]
pub struct Executed {
    pub session_id: String,
    pub outputs: Vec<Value>,
}

/// POSTs `code` (in `session`, if given) to `{url}v1/tci/execute` with the
/// extra `headers`; a status other than 200, a transport failure or a body
/// that is not JSON is an `Err` describing it.
pub async fn execute(
    http: &HttpClient,
    url: &str,
    headers: &[(&str, &str)],
    code: &str,
    session: Option<&str>,
) -> Result<Executed, String> {
    let mut body = json!({"code": code, "language": "python"});
    if let Some(session) = session {
        body["session_id"] = json!(session);
    }
    let mut request = axum::http::Request::post(format!("{url}v1/tci/execute"))
        .header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request
        .body(Full::new(Bytes::from(body.to_string())))
        .map_err(|e| e.to_string())?;
    let response = http.request(request).await.map_err(|e| e.to_string())?;
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{status}: {value}"));
    }
    Ok(Executed {
        session_id: value["data"]["session_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        outputs: value["data"]["outputs"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
    })
}
