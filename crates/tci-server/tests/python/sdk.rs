//! Together's official Python SDKs, pointed at the real server binary,
//! run Together's documented session-reuse example. The virtualenvs come
//! from `scripts/python-env.sh` (the test command makes them).

use std::process::Command;

use tci_testkit::{RunningServer, workspace_root};

fn run_example(venv: &str, method: &str) -> String {
    let python = workspace_root().join(venv).join("bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `bash scripts/test.sh` (it creates the SDK environments)",
        python.display()
    );
    let server = RunningServer::start(&[]);
    let output = Command::new(python)
        .arg(workspace_root().join("tests/sdk/session_reuse.py"))
        .arg(format!("{}v1", server.url))
        .arg(method)
        .env("TOGETHER_NO_BANNER", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[test]
fn current_sdk_execute_and_sessions_list() {
    let stdout = run_example(".venv-sdk-current", "execute");
    assert_eq!(stdout, "The value of x is 42\nlisted: True\n");
}

#[test]
fn sdk_1x_run_as_in_togethers_docs() {
    let stdout = run_example(".venv-sdk-v1", "run");
    assert_eq!(stdout, "The value of x is 42\n");
}
