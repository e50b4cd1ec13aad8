//! The binary's start-up with the project's Python: a loud warning for a
//! public bind without a token, which rate limits are in force, and a start
//! without bubblewrap.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::json;
use tci_server::config::defaults;
use tci_testkit::raw_http::{RawRequest, send_all};
use tci_testkit::{RunningServer, workspace_root};

#[test]
fn a_public_bind_without_a_token_warns_loudly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tci-server"))
        .current_dir(workspace_root())
        .args([
            "--bind",
            "0.0.0.0:0",
            "--pool-size",
            "1",
            "--sandbox",
            "off",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // If the warning never comes, the read below ends when this kills it.
    let pid = child.id().to_string();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(30));
        let _ = Command::new("kill").args(["-9", &pid]).status();
    });
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let warned = stderr
        .lines()
        .map_while(Result::ok)
        .take(20)
        .any(|line| line.contains("WITHOUT a token") && line.contains("arbitrary code"));
    let _ = child.kill();
    let _ = child.wait();
    assert!(warned, "no warning about the public bind");
}

/// The start-up line's limits, as `tci-server` prints them by default.
fn default_limits() -> String {
    format!(
        "rate limits: {} requests a minute and {} at once per client",
        defaults::RATE_PER_MINUTE,
        defaults::CONCURRENT_PER_CLIENT
    )
}

#[tokio::test]
async fn a_local_backend_on_loopback_does_not_throttle_its_own_user() {
    let server = RunningServer::start(&[]);
    assert!(
        server.banner.contains("rate limits: off"),
        "{}",
        server.banner
    );
    // Past the default rate: a test suite pointed at the local backend.
    let count = defaults::RATE_PER_MINUTE as usize + 30;
    let requests = vec![RawRequest::get("/v1/tci/sessions"); count];
    let answers = send_all(&server.url, &requests).await;
    assert!(answers.iter().all(|answer| answer.status == 200));
    // And past the default concurrency, in one session.
    let client = reqwest::Client::new();
    let execute = |body: serde_json::Value| {
        let client = client.clone();
        let url = format!("{}v1/tci/execute", server.url);
        async move {
            let response = client.post(url).json(&body).send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<serde_json::Value>().await.unwrap())
        }
    };
    let (status, body) = execute(json!({"code": "import time"})).await;
    assert_eq!(status, 200, "{body}");
    let session = body["data"]["session_id"].as_str().unwrap().to_owned();
    let at_once = defaults::CONCURRENT_PER_CLIENT as usize * 2;
    let runs: Vec<_> = (0..at_once)
        .map(|_| {
            tokio::spawn(execute(
                json!({"code": "time.sleep(0.2)", "session_id": session}),
            ))
        })
        .collect();
    let mut statuses = Vec::new();
    for run in runs {
        statuses.push(run.await.unwrap().0);
    }
    assert_eq!(statuses, vec![200; at_once]);
}

#[tokio::test]
async fn a_public_bind_has_the_default_rate_limits() {
    let server = RunningServer::start_at("0.0.0.0:0", &["--token", "t"]);
    let banner = server.banner.clone();
    let port = server
        .url
        .strip_prefix("http://0.0.0.0:")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no URL in {banner:?}"))
        .to_owned();
    let limits_said = banner.contains(&default_limits());
    let requests =
        vec![RawRequest::get("/v1/tci/sessions").header("authorization", "Bearer t"); 130];
    let answers = send_all(&format!("http://127.0.0.1:{port}/"), &requests).await;
    drop(server);
    assert!(limits_said, "{banner}");
    let statuses: Vec<u16> = answers.iter().map(|answer| answer.status).collect();
    assert_eq!(statuses[..120], [200; 120]);
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[tokio::test]
async fn a_machine_where_bubblewrap_cannot_run_still_starts_and_says_why() {
    let empty = tempfile::tempdir().unwrap();
    let path = empty.path().to_str().unwrap();
    let server = RunningServer::start_with_env(&[], &[("PATH", path)]);
    assert!(
        server
            .banner
            .contains("sandbox: off (bubblewrap cannot run here: bwrap is not installed)"),
        "{}",
        server.banner
    );
    let response = reqwest::Client::new()
        .post(format!("{}v1/tci/execute", server.url))
        .json(&json!({"code": "print(6 * 7)"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["data"]["outputs"][0]["data"], "42\n", "{body}");
}
