//! Early rejections on a keep-alive connection with the local backend: the
//! real binary, a client written by hand that sends each body after its
//! head and reads every answer on one socket (proxy mode's twin is in the
//! fast tier).

use tci_testkit::RunningServer;
use tci_testkit::raw_http::{RawRequest, RawResponse, send_all};

const TOKEN: &str = "t0ken";

fn statuses(answers: &[RawResponse]) -> Vec<u16> {
    answers.iter().map(|answer| answer.status).collect()
}

#[tokio::test]
async fn a_burst_past_the_rate_limit_is_answered_on_one_connection() {
    let server = RunningServer::start(&["--rate-per-minute", "3"]);
    let burst: Vec<_> = (0..12).map(|_| RawRequest::execute(2000)).collect();
    let answers = send_all(&server.url, &burst).await;
    assert_eq!(
        statuses(&answers),
        [[200; 3].as_slice(), &[429; 9]].concat()
    );
    for answer in &answers[3..] {
        assert_eq!(answer.json()["error"]["code"], "rate_limited");
    }
    assert!(answers.iter().all(|answer| !answer.announces_close()));
}

#[tokio::test]
async fn refused_tokens_origins_paths_and_bodies_leave_the_connection_usable() {
    let server = RunningServer::start(&["--token", TOKEN, "--body-limit", "1024"]);
    let bearer = format!("Bearer {TOKEN}");
    let round = [
        RawRequest::execute(900),
        RawRequest::execute(900).header("authorization", "Bearer wrong"),
        RawRequest::execute(900)
            .header("authorization", &bearer)
            .header("origin", "https://evil.example"),
        RawRequest::post("/v1/tci/nowhere", "x".repeat(900)).header("authorization", &bearer),
        RawRequest::post("/v1/models", "x".repeat(900)),
        RawRequest::execute(4000).header("authorization", &bearer),
        RawRequest::execute(900).header("authorization", &bearer),
    ];
    let requests: Vec<_> = round.iter().chain(&round).cloned().collect();
    let answers = send_all(&server.url, &requests).await;
    assert_eq!(
        statuses(&answers),
        [
            401, 401, 403, 404, 404, 413, 200, 401, 401, 403, 404, 404, 413, 200
        ]
    );
    assert_eq!(answers[5].json()["error"]["code"], "request_too_large");
    assert!(answers.iter().all(|answer| !answer.announces_close()));
}
