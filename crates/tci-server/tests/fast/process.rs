//! The binary's start-up without Python: one clear message for a broken
//! Python, proxy mode's key kept out of its logs, the rate limits its
//! start-up line says are in force, and what a machine where bubblewrap
//! cannot run is told.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use tci_server::config::defaults;
use tci_testkit::workspace_root;

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
    let mut child = Command::new(env!("CARGO_BIN_EXE_tci-server"))
        .current_dir(workspace_root())
        .args(["--bind", "127.0.0.1:0", "--mode", "proxy"])
        .args(["--upstream", &format!("http://{closed}/v1")])
        .env("TOGETHER_API_KEY", "sk-very-secret-0042")
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("proxy to http://"), "{first}");
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap();
    // One failing forward, logged at every level.
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    use std::io::{Read, Write};
    write!(
        stream,
        "POST /v1/tci/execute HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{{\"code\":\"1\"}}"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 502"), "{answer}");
    let _ = child.kill();
    let mut logs = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    let _ = child.wait();
    assert!(logs.contains("upstream request failed"), "{logs}");
    assert!(
        !logs.contains("sk-very-secret-0042"),
        "the key leaked into the logs"
    );
    assert!(!answer.contains("sk-very-secret-0042"));
}

/// The start-up line of proxy mode with `args` besides.
fn proxy_banner(args: &[&str]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tci-server"))
        .current_dir(workspace_root())
        .args(["--bind", "127.0.0.1:0", "--mode", "proxy"])
        .args(args)
        .env("TOGETHER_API_KEY", "sk-test")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut banner)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    banner
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
    let empty = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_tci-server"))
        .current_dir(workspace_root())
        .args([
            "--bind",
            "127.0.0.1:0",
            "--python",
            "/nonexistent/bin/python",
        ])
        .env("PATH", empty.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
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
    let empty = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_tci-server"))
        .current_dir(workspace_root())
        .args(["--bind", "127.0.0.1:0", "--sandbox", "on"])
        .env("PATH", empty.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "--sandbox on was asked for, but bubblewrap does not work here: bwrap is not installed"
        ),
        "{stderr}"
    );
}
