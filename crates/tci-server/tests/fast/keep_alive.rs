//! Early rejections on a keep-alive connection, in proxy mode: a 429, 401,
//! 403, 404 or 413 answered before the request's body was read must leave
//! the connection usable, or say `Connection: close` and close it; never
//! drop it silently. A client written by hand sends the bodies after the
//! heads, as real clients do, and reads every answer on one socket. (The
//! local backend's twin of these tests is in the Python tier.)

use std::sync::Arc;
use std::time::Duration;

use tci_server::app::AppState;
use tci_server::middleware::{ApiGuard, RateLimiter};
use tci_testkit::raw_http::{KeepAliveClient, RawRequest, send_all};
use tci_testkit::stub_upstream::StubUpstream;

use super::proxy::{proxy_backend, serve};

const TOKEN: &str = "t0ken";

async fn proxy_server(guard: ApiGuard, token: Option<&str>, body_limit: usize) -> String {
    let (_stub, upstream) = StubUpstream::start().await;
    let state = AppState {
        guard: Arc::new(guard),
        token: token.map(Into::into),
        ..AppState::new(proxy_backend(&upstream, Duration::from_secs(30)))
    };
    serve(state, body_limit).await
}

fn statuses(answers: &[tci_testkit::raw_http::RawResponse]) -> Vec<u16> {
    answers.iter().map(|answer| answer.status).collect()
}

#[tokio::test]
async fn a_burst_past_the_rate_limit_is_answered_on_one_connection() {
    let guard = ApiGuard {
        limits: RateLimiter::new(3, 0),
        ..ApiGuard::default()
    };
    let url = proxy_server(guard, None, 1 << 20).await;
    let burst: Vec<_> = (0..12).map(|_| RawRequest::execute(2000)).collect();
    let answers = send_all(&url, &burst).await;
    assert_eq!(
        statuses(&answers),
        [[200; 3].as_slice(), &[429; 9]].concat()
    );
    for answer in &answers[3..] {
        assert_eq!(answer.json()["error"]["code"], "rate_limited");
        assert!(answer.header("retry-after").is_some());
    }
    // Small bodies are read past and the connection kept.
    assert!(
        answers.iter().all(|answer| !answer.announces_close()),
        "{:?}",
        answers
            .iter()
            .map(|a| a.header("connection"))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn refused_tokens_origins_and_paths_leave_the_connection_usable() {
    let url = proxy_server(ApiGuard::default(), Some(TOKEN), 1 << 20).await;
    let bearer = format!("Bearer {TOKEN}");
    let round = [
        RawRequest::execute(3000),
        RawRequest::execute(3000).header("authorization", "Bearer wrong"),
        RawRequest::execute(3000)
            .header("authorization", &bearer)
            .header("origin", "https://evil.example"),
        RawRequest::post("/v1/tci/nowhere", "x".repeat(3000)).header("authorization", &bearer),
        RawRequest::post("/v1/models", "x".repeat(3000)),
        RawRequest::post("/some/page", "x".repeat(3000)),
        RawRequest::execute(3000).header("authorization", &bearer),
    ];
    let requests: Vec<_> = round.iter().chain(&round).cloned().collect();
    let answers = send_all(&url, &requests).await;
    assert_eq!(
        statuses(&answers),
        [
            401, 401, 403, 404, 404, 405, 200, 401, 401, 403, 404, 404, 405, 200
        ]
    );
    let codes: Vec<_> = answers[..5]
        .iter()
        .map(|answer| answer.json()["error"]["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        codes,
        [
            "invalid_api_key",
            "invalid_api_key",
            "origin_not_allowed",
            "not_found",
            "not_found"
        ]
    );
    assert!(answers.iter().all(|answer| !answer.announces_close()));
}

#[tokio::test]
async fn a_body_over_the_limit_is_answered_and_the_connection_goes_on() {
    let url = proxy_server(ApiGuard::default(), None, 1024).await;
    let requests = [
        RawRequest::execute(4000),
        RawRequest::execute(100),
        RawRequest::execute(4000),
        RawRequest::execute(100),
    ];
    let answers = send_all(&url, &requests).await;
    assert_eq!(statuses(&answers), [413, 200, 413, 200]);
    assert_eq!(answers[0].json()["error"]["code"], "request_too_large");
}

#[tokio::test]
async fn a_huge_body_is_refused_with_connection_close() {
    let url = proxy_server(ApiGuard::default(), None, 1024).await;
    let mut client = KeepAliveClient::connect(&url).await;
    // Announces 64 MiB and sends the first 64 KiB: reading the rest to keep
    // the connection would cost more than a new connection does.
    let answer = client
        .send_head_and_part("/v1/tci/execute", &[], 64 << 20, 64 << 10)
        .await
        .unwrap();
    assert_eq!(answer.status, 413);
    assert!(answer.announces_close(), "{:?}", answer.headers);
    assert!(client.closed_by_server(Duration::from_secs(5)).await);
}

#[tokio::test]
async fn a_client_waiting_for_100_continue_is_refused_with_connection_close() {
    let url = proxy_server(ApiGuard::default(), Some(TOKEN), 1 << 20).await;
    let mut client = KeepAliveClient::connect(&url).await;
    // The body would follow a 100 Continue; asking for it only to drop it
    // would cost more than a new connection.
    let answer = client
        .send_head_and_part("/v1/tci/execute", &[("expect", "100-continue")], 500, 0)
        .await
        .unwrap();
    assert_eq!(answer.status, 401);
    assert!(answer.announces_close(), "{:?}", answer.headers);
    assert!(client.closed_by_server(Duration::from_secs(5)).await);
}
