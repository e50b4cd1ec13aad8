//! The binary's start-up without Python: one clear message for a broken
//! Python, proxy mode's key kept out of its logs, the rate limits its
//! start-up line says are in force, and what a machine where bubblewrap
//! cannot run is told.

use std::io::{Read, Write};
use std::process::Command;

use tci_server::config::defaults;
use tci_testkit::{RunningServer, workspace_root};

#[test]
fn a_missing_python_is_one_clear_start_up_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_tci-server"))
        .current_dir(workspace_root())
        .args([
            "--bind",
            "127.0.0.1:0",
            "--python",
            "/nonexistent/bin/python",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot start Python sessions"), "{stderr}");
    assert!(stderr.contains("/nonexistent/bin/python"), "{stderr}");
    assert!(stderr.contains("scripts/start.sh"), "{stderr}");
}

#[test]
fn the_upstream_key_stays_out_of_the_logs() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let upstream = format!("http://{closed}/v1");
    let (mut server, mut log) = RunningServer::launch_capturing_log(
        &["--mode", "proxy", "--upstream", &upstream],
        &[
            ("TOGETHER_API_KEY", "sk-very-secret-0042"),
            ("RUST_LOG", "trace"),
        ],
    );
    assert!(
        server.banner.contains("proxy to http://"),
        "{}",
        server.banner
    );
    // One failing forward, logged at every level.
    let address = server.address().to_owned();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    write!(
        stream,
        "POST /v1/tci/execute HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{{\"code\":\"1\"}}"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 502"), "{answer}");
    server.stop();
    let mut logs = String::new();
    log.read_to_string(&mut logs).unwrap();
    assert!(logs.contains("upstream request failed"), "{logs}");
    assert!(
        !logs.contains("sk-very-secret-0042"),
        "the key leaked into the logs"
    );
    assert!(!answer.contains("sk-very-secret-0042"));
}

/// The start-up line of proxy mode with `args` besides.
fn proxy_banner(args: &[&str]) -> String {
    let args = [&["--mode", "proxy"], args].concat();
    RunningServer::launch(&args, &[("TOGETHER_API_KEY", "sk-test")])
        .banner
        .clone()
}

#[test]
fn proxy_mode_on_loopback_keeps_the_default_rate_limits_and_says_so() {
    let banner = proxy_banner(&[]);
    let expected = format!(
        "rate limits: {} requests a minute and {} at once per client",
        defaults::RATE_PER_MINUTE,
        defaults::CONCURRENT_PER_CLIENT
    );
    assert!(banner.contains(&expected), "{banner}");
    let banner = proxy_banner(&["--rate-per-minute", "0", "--concurrent-per-client", "0"]);
    assert!(banner.contains("rate limits: off"), "{banner}");
}

#[test]
fn a_machine_where_bubblewrap_cannot_run_is_warned_loudly() {
    // No bwrap on this PATH; the Python is missing too, so the server stops
    // right after the sandbox check (the Python tier sees it start).
    let output = run_without_bwrap(&["--python", "/nonexistent/bin/python"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let warning = stderr
        .lines()
        .find(|line| line.contains("bubblewrap cannot run here"))
        .unwrap_or_else(|| panic!("no warning about the sandbox: {stderr}"));
    assert!(warning.contains("WARN"), "{warning}");
    assert!(warning.contains("bwrap is not installed"), "{warning}");
    assert!(warning.contains("WITHOUT a sandbox"), "{warning}");
}

#[test]
fn sandbox_on_refuses_to_start_where_bubblewrap_cannot_run() {
    let output = run_without_bwrap(&["--sandbox", "on"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "--sandbox on was asked for, but bubblewrap does not work here: bwrap is not installed"
        ),
        "{stderr}"
    );
}

/// Runs the binary to its end with `args` on a PATH where there is no
/// `bwrap` to find.
fn run_without_bwrap(args: &[&str]) -> std::process::Output {
    let empty = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_tci-server"))
        .current_dir(workspace_root())
        .args(["--bind", "127.0.0.1:0"])
        .args(args)
        .env("PATH", empty.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}
