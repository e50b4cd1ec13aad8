//! Limits and faults of the local backend: timeouts, output and memory caps,
//! crashes, the session cap, expiry and the sandbox.

use std::time::Duration;

use axum::http::StatusCode;
use serde_json::json;
use tci_testkit::{TestServer, kinds, text_of};

#[tokio::test]
async fn a_timeout_interrupts_and_the_session_survives() {
    let server =
        TestServer::with(|config| config.exec_timeout = Duration::from_secs(1), None).await;
    let (session, _) = server.run("kept = 'still here'", None).await;
    let (_, outputs) = server
        .run("import time\ntime.sleep(30)", Some(&session))
        .await;
    let errors = text_of(&outputs, "error");
    assert!(errors.contains("KeyboardInterrupt"), "{outputs:?}");
    assert!(errors.contains("interrupted after 1 s"), "{errors}");
    let (_, outputs) = server.run("print(kept)", Some(&session)).await;
    assert_eq!(text_of(&outputs, "stdout"), "still here\n");
}

#[tokio::test]
async fn code_that_ignores_the_interrupt_is_killed_with_its_children() {
    let server = TestServer::with(
        |config| {
            config.exec_timeout = Duration::from_secs(1);
            config.interrupt_grace = Duration::from_millis(500);
        },
        None,
    )
    .await;
    let pid_file = server.work_root.path().join("child.pid");
    let code = format!(
        "import subprocess, time\nchild = subprocess.Popen(['sleep', '300'])\nopen({pid_file:?}, 'w').write(str(child.pid))\n\
         while True:\n    try:\n        time.sleep(10)\n    except KeyboardInterrupt:\n        pass"
    );
    let (session, outputs) = server.run(&code, None).await;
    let errors = text_of(&outputs, "error");
    assert!(errors.contains("ignored the interrupt"), "{outputs:?}");
    let (status, body) = server
        .execute(json!({"code": "1", "session_id": session}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let child: i32 = std::fs::read_to_string(&pid_file).unwrap().parse().unwrap();
    let mut alive = true;
    for _ in 0..50 {
        alive = std::fs::read_to_string(format!("/proc/{child}/stat"))
            .is_ok_and(|stat| !stat.contains(") Z "));
        if !alive {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!alive, "the session's child process {child} survived");
}

#[tokio::test]
async fn output_is_capped_with_a_visible_marker() {
    let server = TestServer::with(|config| config.output_cap = 64 << 10, None).await;
    let (session, outputs) = server
        .run("for i in range(100_000):\n    print('x' * 99)", None)
        .await;
    let stdout = text_of(&outputs, "stdout");
    assert!(stdout.len() <= 64 << 10, "{} bytes kept", stdout.len());
    assert!(stdout.len() > 60 << 10);
    assert!(
        text_of(&outputs, "stderr").contains("output truncated"),
        "{:?}",
        kinds(&outputs)
    );
    let (_, outputs) = server
        .run("print('next run is whole')", Some(&session))
        .await;
    assert_eq!(text_of(&outputs, "stdout"), "next run is whole\n");
}

#[tokio::test]
async fn a_huge_allocation_raises_memory_error_and_the_session_lives_on() {
    let server = TestServer::with(|config| config.memory_limit = Some(1 << 30), None).await;
    let (session, outputs) = server.run("block = bytearray(1024 ** 3)", None).await;
    assert!(
        text_of(&outputs, "error").contains("MemoryError"),
        "{outputs:?}"
    );
    let (_, outputs) = server.run("print('alive')", Some(&session)).await;
    assert_eq!(text_of(&outputs, "stdout"), "alive\n");
}

#[tokio::test]
async fn a_crashed_interpreter_ends_only_its_session() {
    let server = TestServer::start().await;
    let (survivor, _) = server.run("z = 7", None).await;
    for crash in [
        "import os\nos._exit(1)",
        "import ctypes\nctypes.string_at(0)",
    ] {
        let (session, outputs) = server.run("pass", None).await;
        let (status, body) = server
            .execute(json!({"code": crash, "session_id": session}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let errors = text_of(body["data"]["outputs"].as_array().unwrap(), "error");
        assert!(
            errors.contains("SessionDied"),
            "{crash}: {errors} {outputs:?}"
        );
        let (status, _) = server
            .execute(json!({"code": "1", "session_id": session}))
            .await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{crash}: the dead session is gone"
        );
    }
    let (_, outputs) = server.run("print(z)", Some(&survivor)).await;
    assert_eq!(text_of(&outputs, "stdout"), "7\n");
}

/// At the cap an idle session makes room (tests/fairness.rs); with every
/// session running there is none to take, and a new one is refused at once.
#[tokio::test]
async fn the_session_cap_refuses_new_sessions_at_once_when_all_are_running() {
    let server = TestServer::with(|config| config.max_sessions = 2, None).await;
    let (first, _) = server.run("1", None).await;
    let (second, _) = server.run("2", None).await;
    let sleep = |session: &str| {
        server.execute(json!({"code": "import time\ntime.sleep(2)", "session_id": session}))
    };
    let refused = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        server.execute(json!({"code": "3"})).await
    };
    let ((status_a, _), (status_b, _), (status, body)) =
        tokio::join!(sleep(&first), sleep(&second), refused);
    assert_eq!((status_a, status_b), (StatusCode::OK, StatusCode::OK));
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["errors"][0]["code"], "too_many_sessions");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("all 2 sessions are running")
    );
    let (_, outputs) = server
        .run("print('existing still works')", Some(&first))
        .await;
    assert_eq!(text_of(&outputs, "stdout"), "existing still works\n");
}

#[tokio::test]
async fn expired_sessions_end_and_their_folders_go() {
    let server = TestServer::with(
        |config| {
            config.session_lifetime = Duration::from_secs(60);
            config.idle_timeout = Duration::from_millis(800);
        },
        None,
    )
    .await;
    let (session, outputs) = server.run("import os\nprint(os.getcwd())", None).await;
    let folder = std::path::PathBuf::from(text_of(&outputs, "stdout").trim());
    assert!(folder.starts_with(server.work_root.path()) && folder.exists());
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let list = server.sessions().await;
    assert_eq!(list["data"]["sessions"], json!([]));
    let (status, _) = server
        .execute(json!({"code": "1", "session_id": session}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!folder.exists(), "the session folder was removed");
}

#[tokio::test]
async fn the_sandbox_allows_only_the_session_folder_and_no_network() {
    assert!(
        std::process::Command::new("bwrap")
            .arg("--version")
            .output()
            .is_ok(),
        "bubblewrap is not installed: scripts/install-tools.sh --test installs it"
    );
    let server = TestServer::with(|config| config.sandbox = true, None).await;
    // A port that is open on this machine: reachable unless the sandbox
    // really cuts the network.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let code = "import os, socket\n\
        open('mine.txt', 'w').write('ok'); print('own folder:', open('mine.txt').read())\n\
        for path in ['/etc/tci-test', '/tmp/tci-test', os.path.expanduser('~/../escape')]:\n\
        \x20   try:\n        open(path, 'w')\n        print('WROTE', path)\n    except OSError as error:\n        print('refused', type(error).__name__)\n\
        try:\n    socket.create_connection(('127.0.0.1', PORT), timeout=2)\n    print('NETWORK')\nexcept OSError as error:\n    print('no network', type(error).__name__)"
        .replace("PORT", &port.to_string());
    let (_, outputs) = server.run(&code, None).await;
    let stdout = text_of(&outputs, "stdout");
    assert!(stdout.contains("own folder: ok"), "{outputs:?}");
    assert_eq!(stdout.matches("refused").count(), 3, "{stdout}");
    assert!(!stdout.contains("WROTE"), "{stdout}");
    assert!(!server.work_root.path().join("escape").exists());
    assert!(!stdout.contains("NETWORK"), "{stdout}");
    assert!(stdout.contains("no network"), "{stdout}");
}

#[tokio::test]
async fn an_interrupt_between_executions_is_harmless() {
    let server = TestServer::start().await;
    let (session, outputs) = server
        .run("import os\nkept = 1\nprint(os.getpid())", None)
        .await;
    let pid = text_of(&outputs, "stdout").trim().to_owned();
    // What a timeout racing with the end of an execution sends.
    for _ in 0..3 {
        let status = std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap();
        assert!(status.success());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (_, outputs) = server.run("print(kept)", Some(&session)).await;
    assert_eq!(text_of(&outputs, "stdout"), "1\n", "{outputs:?}");
}
