//! Proxy mode over real HTTP: the router in front of a stub upstream that
//! records what it receives.

use std::time::Duration;

use serde_json::{Value, json};
use tci_server::app::{AppState, Backend, Site, app};
use tci_server::middleware::{ApiGuard, RateLimiter};
use tci_server::proxy::{ApiKey, Proxy};
use tci_testkit::stub_upstream::StubUpstream;
use tci_testkit::workspace_root;

const SERVER_KEY: &str = "server-key-123";

/// A proxy server on a loopback port; returns its base URL (`http://…/`).
async fn start_proxy(upstream: &str, timeout: Duration, body_limit: usize) -> String {
    start_guarded_proxy(upstream, timeout, body_limit, ApiGuard::default()).await
}

async fn start_guarded_proxy(
    upstream: &str,
    timeout: Duration,
    body_limit: usize,
    guard: ApiGuard,
) -> String {
    let state = AppState {
        guard: std::sync::Arc::new(guard),
        ..AppState::new(proxy_backend(upstream, timeout))
    };
    serve(state, body_limit).await
}

pub(crate) fn proxy_backend(upstream: &str, timeout: Duration) -> Backend {
    Backend::Proxy(Proxy::new(upstream, ApiKey::new(SERVER_KEY).unwrap(), timeout).unwrap())
}

/// Serves `state` on a loopback port as `tci-server` does (with the peer's
/// address for the rate limit); returns its base URL (`http://…/`).
pub(crate) async fn serve(state: AppState, body_limit: usize) -> String {
    let site = Site {
        body_limit,
        ..Site::new(workspace_root().join("dist"))
    };
    let app = app(state, &site);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(
            listener,
            axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
                std::net::SocketAddr,
            >(app),
        )
        .await
    });
    url
}

/// An API base on a port nobody listens on.
fn closed_upstream() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}/v1", listener.local_addr().unwrap())
}

/// POSTs `body` to the proxy's execute endpoint, with no extra headers.
async fn post_execute(proxy: &str, body: Value) -> reqwest::Response {
    client()
        .post(format!("{proxy}v1/tci/execute"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn json_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn the_server_key_replaces_whatever_the_browser_sent() {
    let (stub, upstream) = StubUpstream::start().await;
    let proxy = start_proxy(&upstream, Duration::from_secs(30), 1 << 20).await;
    let response = client()
        .post(format!("{proxy}v1/tci/execute"))
        .header("authorization", "Bearer browser-key")
        .header("cookie", "session=secret")
        .header("x-custom", "nope")
        .json(&json!({"code": "x = 42", "language": "python"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let received = stub.received();
    assert_eq!(received.len(), 1);
    let headers = &received[0].headers;
    assert_eq!(headers["authorization"], format!("Bearer {SERVER_KEY}"));
    assert!(headers.get("cookie").is_none());
    assert!(headers.get("x-custom").is_none());
    assert_eq!(received[0].body, r#"{"code":"x = 42","language":"python"}"#);
}

#[tokio::test]
async fn only_the_two_tci_endpoints_are_forwarded() {
    let (stub, upstream) = StubUpstream::start().await;
    let proxy = start_proxy(&upstream, Duration::from_secs(30), 1 << 20).await;
    let client = client();
    for path in ["v1/tci/execute", "tci/execute", "v1//tci/execute"] {
        let response = client
            .post(format!("{proxy}{path}"))
            .json(&json!({"code": "y = 1"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
    for path in ["v1/tci/sessions", "tci/sessions"] {
        let response = client.get(format!("{proxy}{path}")).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
    let forwarded: Vec<_> = stub
        .received()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        forwarded,
        [
            "POST /v1/tci/execute",
            "POST /v1/tci/execute",
            "POST /v1/tci/execute",
            "GET /v1/tci/sessions",
            "GET /v1/tci/sessions"
        ]
    );

    let before = stub.received().len();
    let refused = [
        client.get(format!("{proxy}v1/models")),
        client.post(format!("{proxy}v1/chat/completions")),
        client.post(format!("{proxy}v1/tci/other")),
        client.delete(format!("{proxy}v1/tci/sessions")),
        client.get(format!("{proxy}v1/tci/execute")),
        client.post(format!("{proxy}v1/../v1/files")),
    ];
    for request in refused {
        let response = request.send().await.unwrap();
        assert!(
            matches!(response.status().as_u16(), 404 | 405),
            "{}",
            response.url()
        );
    }
    assert_eq!(
        stub.received().len(),
        before,
        "nothing else reached the upstream"
    );
}

#[tokio::test]
async fn upstream_status_body_and_retry_after_pass_through() {
    let (_stub, upstream) = StubUpstream::start().await;
    let proxy = start_proxy(&upstream, Duration::from_secs(30), 1 << 20).await;
    for status in [401, 418, 429, 500] {
        let response = post_execute(&proxy, json!({"code": format!("status:{status}")})).await;
        assert_eq!(response.headers()["retry-after"], "7");
        assert!(response.headers().get("x-stub-only").is_none());
        let (code, body) = json_of(response).await;
        assert_eq!(code, status);
        assert_eq!(
            body["error"]["message"].as_str().unwrap(),
            format!(
                "stub says {}",
                axum::http::StatusCode::from_u16(status).unwrap()
            )
        );
    }
    // Together's own error bodies for a lost session, unchanged.
    let response = post_execute(&proxy, json!({"code": "1", "session_id": "ses_gone"})).await;
    let (code, body) = json_of(response).await;
    assert_eq!(
        (code, body),
        (
            404,
            json!({"data": null, "errors": ["Session not found or expired"]})
        )
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_the_upstream() {
    let (stub, upstream) = StubUpstream::start().await;
    let proxy = start_proxy(&upstream, Duration::from_secs(30), 1024).await;
    let response = post_execute(&proxy, json!({"code": "x".repeat(2000)})).await;
    let (code, body) = json_of(response).await;
    assert_eq!(code, 413);
    assert_eq!(body["error"]["code"], "request_too_large");
    assert!(stub.received().is_empty());
}

#[tokio::test]
async fn an_unreachable_upstream_is_a_502_and_a_slow_one_a_504_never_retried() {
    let proxy = start_proxy(&closed_upstream(), Duration::from_secs(5), 1 << 20).await;
    let response = post_execute(&proxy, json!({"code": "1"})).await;
    let (code, body) = json_of(response).await;
    assert_eq!(code, 502);
    assert_eq!(body["error"]["code"], "upstream_unreachable");
    tci_testkit::schemas().assert_valid("ExecuteResponse", &body);

    let (stub, upstream) = StubUpstream::start().await;
    let proxy = start_proxy(&upstream, Duration::from_millis(500), 1 << 20).await;
    let response = post_execute(&proxy, json!({"code": "sleep:2"})).await;
    let (code, body) = json_of(response).await;
    assert_eq!(code, 504);
    assert_eq!(body["error"]["code"], "upstream_timeout");
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert_eq!(
        stub.received().len(),
        1,
        "the execute was sent once, never retried"
    );
}

#[tokio::test]
async fn the_key_never_appears_in_responses_or_config() {
    let proxy = start_proxy(&closed_upstream(), Duration::from_secs(5), 1 << 20).await;
    for (method, path) in [
        ("POST", "v1/tci/execute"),
        ("GET", "v1/tci/sessions"),
        ("GET", "config.json"),
        ("GET", "v1/nope"),
    ] {
        let request = match method {
            "POST" => client()
                .post(format!("{proxy}{path}"))
                .json(&json!({"code": "1"})),
            _ => client().get(format!("{proxy}{path}")),
        };
        let text = request.send().await.unwrap().text().await.unwrap();
        assert!(!text.contains(SERVER_KEY), "{path}: {text}");
    }
    let config = config_of(&proxy).await;
    assert_eq!(
        config,
        json!({"apiBase": "/v1", "keyRequired": false, "backend": "proxy", "embedOrigins": ["'self'"], "bodyLimit": 1 << 20})
    );
    // Above the limit assumed for Together, that one is reported.
    let roomy = start_proxy(&closed_upstream(), Duration::from_secs(5), 64 << 20).await;
    let config = config_of(&roomy).await;
    assert_eq!(config["bodyLimit"], tci_api::AppConfig::DEFAULT_BODY_LIMIT);
    assert!(!format!("{:?}", ApiKey::new(SERVER_KEY).unwrap()).contains(SERVER_KEY));
}

#[tokio::test]
async fn cors_preflight_is_answered_for_allowed_origins_only() {
    let (stub, upstream) = StubUpstream::start().await;
    let guard = ApiGuard {
        allowed_origins: vec!["https://docs.example.com".into()],
        ..ApiGuard::default()
    };
    let proxy = start_guarded_proxy(&upstream, Duration::from_secs(30), 1 << 20, guard).await;
    let preflight = |origin: &str| {
        client()
            .request(reqwest::Method::OPTIONS, format!("{proxy}v1/tci/execute"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type",
            )
            .send()
    };
    let allowed = preflight("https://docs.example.com").await.unwrap();
    assert_eq!(allowed.status(), 204);
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://docs.example.com"
    );
    assert!(
        allowed.headers()["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("POST")
    );
    assert!(
        allowed.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("authorization")
    );

    let refused = preflight("https://evil.example").await.unwrap();
    assert_eq!(refused.status(), 403);
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );

    // A browser sends a simple cross-site POST before any CORS check: the
    // Origin check stops it here.
    let response = client()
        .post(format!("{proxy}v1/tci/execute"))
        .header("origin", "https://evil.example")
        .header("content-type", "text/plain")
        .body(r#"{"code": "1"}"#)
        .send()
        .await
        .unwrap();
    let (code, body) = json_of(response).await;
    assert_eq!(code, 403);
    assert_eq!(body["error"]["code"], "origin_not_allowed");
    let response = client()
        .post(format!("{proxy}v1/tci/execute"))
        .header("origin", "https://docs.example.com")
        .json(&json!({"code": "1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://docs.example.com"
    );
    assert_eq!(
        stub.received().len(),
        1,
        "only the allowed origin's request went upstream"
    );
}

#[tokio::test]
async fn clients_over_their_rate_get_429_with_retry_after() {
    let (stub, upstream) = StubUpstream::start().await;
    let guard = ApiGuard {
        limits: RateLimiter::new(3, 0),
        ..ApiGuard::default()
    };
    let proxy = start_guarded_proxy(&upstream, Duration::from_secs(30), 1 << 20, guard).await;
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..5 {
        let response = post_execute(&proxy, json!({"code": "1"})).await;
        statuses.push(response.status().as_u16());
        if response.status() == 429 {
            retry_after = response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned());
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["error"]["code"], "rate_limited");
        }
    }
    assert_eq!(statuses, [200, 200, 200, 429, 429]);
    let seconds: u64 = retry_after.unwrap().parse().unwrap();
    assert!((1..=20).contains(&seconds), "{seconds}");
    assert_eq!(stub.received().len(), 3);
}

#[tokio::test]
async fn concurrent_executes_per_client_are_capped() {
    let (_stub, upstream) = StubUpstream::start().await;
    let guard = ApiGuard {
        limits: RateLimiter::new(0, 2),
        ..ApiGuard::default()
    };
    let proxy = start_guarded_proxy(&upstream, Duration::from_secs(30), 1 << 20, guard).await;
    let slow = || {
        client()
            .post(format!("{proxy}v1/tci/execute"))
            .json(&json!({"code": "sleep:1"}))
            .send()
    };
    let (a, b, c) = tokio::join!(slow(), slow(), async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        slow().await
    });
    let mut statuses = [
        a.unwrap().status().as_u16(),
        b.unwrap().status().as_u16(),
        c.unwrap().status().as_u16(),
    ];
    statuses.sort();
    assert_eq!(statuses, [200, 200, 429]);
}

#[tokio::test]
async fn an_allowed_page_can_read_a_rate_limit_and_its_retry_after() {
    let (_stub, upstream) = StubUpstream::start().await;
    let guard = ApiGuard {
        allowed_origins: vec!["https://docs.example.com".into()],
        limits: RateLimiter::new(1, 0),
        ..ApiGuard::default()
    };
    let proxy = start_guarded_proxy(&upstream, Duration::from_secs(30), 1 << 20, guard).await;
    let send = || {
        client()
            .post(format!("{proxy}v1/tci/execute"))
            .header("origin", "https://docs.example.com")
            .json(&json!({"code": "1"}))
            .send()
    };
    assert_eq!(send().await.unwrap().status(), 200);
    let limited = send().await.unwrap();
    assert_eq!(limited.status(), 429);
    let headers = limited.headers();
    assert_eq!(
        headers["access-control-allow-origin"],
        "https://docs.example.com"
    );
    assert!(
        headers["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .contains("retry-after"),
        "{headers:?}"
    );
    assert!(headers.contains_key("retry-after"));
}

/// The `config.json` the server at `base` gives the app.
async fn config_of(base: &str) -> Value {
    client()
        .get(format!("{base}config.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
