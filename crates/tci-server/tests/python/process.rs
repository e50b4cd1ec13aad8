//! The binary's start-up with the project's Python: a loud warning for a
//! public bind without a token.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use tci_testkit::workspace_root;

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
