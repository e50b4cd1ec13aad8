//! Large files sent with an execute, through the real binary: what
//! `config.json` reports as the body limit is what the server accepts, and
//! tens of MB arrive whole in the session.

use std::time::Instant;

use base64::Engine;
use serde_json::{Value, json};
use tci_testkit::RunningServer;

/// Bytes that are not UTF-8 (so they travel as base64), with a checksum
/// Python computes the same way.
fn binary(length: usize) -> (Vec<u8>, u64) {
    let bytes: Vec<u8> = (0..length)
        .map(|i| (i * 7 + i / 251) as u8 | 0x80)
        .collect();
    let sum = bytes.iter().map(|&byte| u64::from(byte)).sum();
    (bytes, sum)
}

async fn body_limit(server: &RunningServer) -> u64 {
    let config: Value = reqwest::get(format!("{}config.json", server.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    config["bodyLimit"].as_u64().unwrap()
}

async fn execute(server: &RunningServer, body: &Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}v1/tci/execute", server.url))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

const CHECK: &str = "import os\nfor name in sorted(os.listdir('.')):\n    if os.path.isfile(name):\n        data = open(name, 'rb').read()\n        print(name, len(data), sum(data))";

#[tokio::test]
async fn tens_of_megabytes_arrive_within_the_body_limit() {
    let server = RunningServer::start(&["--body-limit", &(64u64 << 20).to_string()]);
    assert_eq!(body_limit(&server).await, 64 << 20);
    // 36 MiB of bytes: 48 MiB of base64, and a 10 MiB CSV as text.
    let (bytes, sum) = binary(36 << 20);
    let csv = "1,2,3\n".repeat((10 << 20) / 6);
    let csv_sum: u64 = csv.bytes().map(u64::from).sum();
    let body = json!({
        "code": CHECK,
        "files": [
            {"name": "big.bin", "encoding": "base64", "content": base64::engine::general_purpose::STANDARD.encode(&bytes)},
            {"name": "data/../table.csv", "encoding": "string", "content": "refused"},
        ],
    });
    let (status, refused) = execute(&server, &body).await;
    assert_eq!(status, 422, "{refused}");
    let mut body = body;
    body["files"][1] = json!({"name": "table.csv", "encoding": "string", "content": csv});
    let size = body.to_string().len();
    assert!(size > 58 << 20 && (size as u64) < 64 << 20, "{size}");
    let started = Instant::now();
    let (status, answer) = execute(&server, &body).await;
    let took = started.elapsed();
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["data"]["outputs"][0]["data"],
        format!(
            "big.bin {} {sum}\ntable.csv {} {csv_sum}\n",
            36 << 20,
            csv.len()
        )
    );
    println!(
        "a {:.1} MiB execute with files answered in {took:.2?}",
        size as f64 / (1 << 20) as f64
    );
}

#[tokio::test]
async fn the_default_limit_is_reported_and_enforced() {
    let server = RunningServer::start(&[]);
    let limit = body_limit(&server).await;
    assert_eq!(limit, tci_api::AppConfig::DEFAULT_BODY_LIMIT);
    // Just under the limit passes, just over is 413.
    let envelope =
        json!({"code": CHECK, "files": [{"name": "x.txt", "encoding": "string", "content": ""}]});
    let room = limit as usize - envelope.to_string().len();
    let mut body = envelope.clone();
    body["files"][0]["content"] = json!("x".repeat(room));
    assert_eq!(body.to_string().len() as u64, limit);
    let (status, answer) = execute(&server, &body).await;
    assert_eq!(status, 200, "{answer}");
    body["files"][0]["content"] = json!("x".repeat(room + 1));
    let (status, answer) = execute(&server, &body).await;
    assert_eq!(status, 413, "{answer}");
    assert_eq!(answer["error"]["code"], "request_too_large");
}
