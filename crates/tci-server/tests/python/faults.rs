//! Faults, end to end with real processes: the server binary stopped with
//! SIGTERM or killed with SIGKILL while a cell runs, an interpreter killed
//! from outside, a session that writes past its file-size limit, Python that
//! stops starting while the server runs. Each is
//! tried with and without the bubblewrap sandbox where the sandbox changes
//! the processes involved.

use std::time::Duration;

use nix::sys::signal::Signal;
use serde_json::{Value, json};
use tci_testkit::{RunningServer, descendants, survivors, text_of};

/// POSTs an execute; `None` when the connection broke instead of an answer.
async fn execute(url: &str, code: &str, session: Option<&str>) -> Option<(u16, Value)> {
    let mut body = json!({"code": code, "language": "python"});
    if let Some(session) = session {
        body["session_id"] = json!(session);
    }
    let response = reqwest::Client::new()
        .post(format!("{url}v1/tci/execute"))
        .json(&body)
        .send()
        .await
        .ok()?;
    let status = response.status().as_u16();
    Some((status, response.json().await.ok()?))
}

/// Runs `code` and expects a 200; returns the session and its outputs.
async fn run(url: &str, code: &str, session: Option<&str>) -> (String, Vec<Value>) {
    let (status, body) = execute(url, code, session).await.expect("an answer");
    assert_eq!(status, 200, "{body}");
    (
        body["data"]["session_id"].as_str().unwrap().to_owned(),
        body["data"]["outputs"].as_array().unwrap().clone(),
    )
}

/// A session whose interpreter prints its pid, and that pid.
async fn session_with_pid(url: &str) -> (String, u32) {
    let (session, outputs) = run(url, "import os, time\nprint(os.getpid())", None).await;
    let pid = text_of(&outputs, "stdout").trim().parse().unwrap();
    (session, pid)
}

const SANDBOXES: [&str; 2] = ["off", "auto"];

/// Code that ignores interrupts: only a kill ends it.
const STUBBORN: &str =
    "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.1)";

#[tokio::test]
async fn sigterm_while_cells_run_answers_them_and_leaves_no_interpreter_behind() {
    for sandbox in SANDBOXES {
        let work = tempfile::tempdir().unwrap();
        let work_dir = work.path().to_str().unwrap();
        let mut server = RunningServer::start(&["--sandbox", sandbox, "--work-dir", work_dir]);
        let (polite, pid) = session_with_pid(&server.url).await;
        let (stubborn, _) = session_with_pid(&server.url).await;
        let running = [
            (polite, "print('started', flush=True)\ntime.sleep(60)"),
            (stubborn, STUBBORN),
        ]
        .map(|(session, code)| {
            let url = server.url.clone();
            tokio::spawn(async move { execute(&url, code, Some(&session)).await })
        });
        tokio::time::sleep(Duration::from_millis(1500)).await;
        // The sessions' interpreters and the pooled one, with bubblewrap
        // around them when sandboxed.
        let processes = descendants(server.pid());
        assert!(processes.contains(&pid), "{sandbox}: {processes:?}");
        server.signal(Signal::SIGTERM);

        let mut answers = Vec::new();
        for run in running {
            let answer = tokio::time::timeout(Duration::from_secs(15), run)
                .await
                .expect("a running execute is answered soon after SIGTERM")
                .unwrap();
            let (status, body) = answer.expect("an answer, not a dropped connection");
            assert_eq!(status, 200, "{sandbox}: {body}");
            answers.push(body["data"]["outputs"].as_array().unwrap().clone());
        }
        assert_eq!(text_of(&answers[0], "stdout"), "started\n", "{sandbox}");
        let errors = text_of(&answers[0], "error");
        assert!(errors.contains("KeyboardInterrupt"), "{sandbox}: {errors}");
        assert!(errors.contains("ServerShutdown"), "{sandbox}: {errors}");
        // Killed after the interrupt grace, and told why all the same.
        let errors = text_of(&answers[1], "error");
        assert!(errors.contains("ServerShutdown"), "{sandbox}: {errors}");

        let status = server.wait_exit(Duration::from_secs(15));
        assert!(
            status.is_some_and(|status| status.success()),
            "{sandbox}: {status:?}"
        );
        let left = survivors(&processes, Duration::from_secs(5)).await;
        assert!(
            left.is_empty(),
            "{sandbox}: processes left behind: {left:?}"
        );
        let folders: Vec<_> = std::fs::read_dir(work.path())
            .unwrap()
            .flatten()
            .map(|entry| entry.file_name())
            .filter(|name| name.to_string_lossy().starts_with("session-"))
            .collect();
        assert!(folders.is_empty(), "{sandbox}: {folders:?} left");
    }
}

#[tokio::test]
async fn sigkill_while_a_cell_runs_leaves_no_interpreter_and_a_restart_serves_again() {
    for sandbox in SANDBOXES {
        let server = RunningServer::start(&["--sandbox", sandbox]);
        let (session, pid) = session_with_pid(&server.url).await;
        let url = server.url.clone();
        let sent = session.clone();
        let running = tokio::spawn(async move { execute(&url, STUBBORN, Some(&sent)).await });
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let processes = descendants(server.pid());
        assert!(processes.contains(&pid), "{sandbox}: {processes:?}");
        server.signal(Signal::SIGKILL);
        let answer = tokio::time::timeout(Duration::from_secs(10), running)
            .await
            .unwrap()
            .unwrap();
        assert!(answer.is_none(), "{sandbox}: a killed server answered");
        let left = survivors(&processes, Duration::from_secs(5)).await;
        assert!(
            left.is_empty(),
            "{sandbox}: processes left behind: {left:?}"
        );

        let address = server.address().to_owned();
        drop(server);
        let again = RunningServer::start_at(&address, &["--sandbox", sandbox]);
        let (status, body) = execute(&again.url, "1", Some(&session)).await.unwrap();
        assert_eq!(status, 404, "{sandbox}: {body}");
        assert_eq!(body["error"]["code"], "session_not_found");
        let (_, outputs) = run(&again.url, "print('back')", None).await;
        assert_eq!(text_of(&outputs, "stdout"), "back\n");
    }
}

#[tokio::test]
async fn an_interpreter_killed_from_outside_mid_run_ends_only_its_session() {
    for sandbox in SANDBOXES {
        let server = RunningServer::start(&["--sandbox", sandbox]);
        let (survivor, _) = run(&server.url, "kept = 'still here'", None).await;
        let (victim, pid) = session_with_pid(&server.url).await;
        let url = server.url.clone();
        let sent = victim.clone();
        let running =
            tokio::spawn(async move { execute(&url, "time.sleep(60)", Some(&sent)).await });
        tokio::time::sleep(Duration::from_millis(1000)).await;
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(i32::try_from(pid).unwrap()),
            Signal::SIGKILL,
        )
        .unwrap();
        let (status, body) = tokio::time::timeout(Duration::from_secs(10), running)
            .await
            .unwrap()
            .unwrap()
            .expect("the killed session's execute is answered");
        assert_eq!(status, 200, "{sandbox}: {body}");
        let errors = text_of(body["data"]["outputs"].as_array().unwrap(), "error");
        assert!(errors.contains("SessionDied"), "{sandbox}: {errors}");
        assert!(errors.contains("killed"), "{sandbox}: {errors}");

        let (status, body) = execute(&server.url, "1", Some(&victim)).await.unwrap();
        assert_eq!(status, 404, "{sandbox}: {body}");
        let (_, outputs) = run(&server.url, "print(kept)", Some(&survivor)).await;
        assert_eq!(text_of(&outputs, "stdout"), "still here\n", "{sandbox}");
        let sessions: Value = reqwest::get(format!("{}v1/tci/sessions", server.url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let ids: Vec<_> = sessions["data"]["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|session| session["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(ids, [survivor.as_str()], "{sandbox}");
    }
}

#[tokio::test]
async fn a_file_past_the_size_limit_raises_oserror_and_other_sessions_go_on() {
    let server = RunningServer::start(&["--file-size-mib", "4"]);
    let (neighbour, _) = run(&server.url, "kept = 7", None).await;
    let fill = "import os\nwith open('big.bin', 'wb') as f:\n    for _ in range(64):\n        f.write(b'x' * (1 << 20))";
    let (full, outputs) = run(&server.url, fill, None).await;
    let errors = text_of(&outputs, "error");
    assert!(
        errors.contains("OSError") && errors.contains("[Errno 27] File too large"),
        "{outputs:?}"
    );
    // The session lives on, its file stopped at the limit, and small files
    // still fit; a shell command past the limit fails on its own.
    let check = "import subprocess\n\
        print(os.path.getsize('big.bin'))\n\
        open('small.txt', 'w').write('ok')\n\
        print(open('small.txt').read())\n\
        result = subprocess.run(['sh', '-c', 'head -c 8388608 /dev/zero > shell.bin'])\n\
        print(result.returncode != 0, os.path.getsize('shell.bin') <= 4 << 20)";
    let (_, outputs) = run(&server.url, check, Some(&full)).await;
    assert_eq!(
        text_of(&outputs, "stdout"),
        format!("{}\nok\nTrue True\n", 4 << 20),
        "{outputs:?}"
    );
    // Another session writes as much as its own limit allows.
    let write = "with open('mine.bin', 'wb') as f:\n    f.write(b'y' * (3 << 20))\nprint(kept)";
    let (_, outputs) = run(&server.url, write, Some(&neighbour)).await;
    assert_eq!(text_of(&outputs, "stdout"), "7\n", "{outputs:?}");
}

/// Python that stops starting while the server runs (its virtualenv
/// removed, a disk gone): a new session gets 503 `interpreter_unavailable`
/// with a `Retry-After`, sessions already running go on, and once Python
/// starts again so do new sessions, without a restart.
#[tokio::test]
async fn python_that_stops_starting_is_503_until_it_starts_again() {
    for sandbox in SANDBOXES {
        let folder = tempfile::tempdir().unwrap();
        let python = folder.path().join("python");
        let launcher = format!(
            "#!/bin/sh\nexec {} \"$@\"\n",
            tci_testkit::python().display()
        );
        std::fs::write(&python, &launcher).unwrap();
        std::fs::set_permissions(&python, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let server =
            RunningServer::start(&["--sandbox", sandbox, "--python", python.to_str().unwrap()]);
        let (running, _) = run(&server.url, "x = 1", None).await;

        std::fs::remove_file(&python).unwrap();
        // An interpreter the pool started before the removal may still
        // serve one new session; the next has none.
        let mut response = None;
        for _ in 0..3 {
            let answer = reqwest::Client::new()
                .post(format!("{}v1/tci/execute", server.url))
                .json(&json!({"code": "print(1)", "language": "python"}))
                .send()
                .await
                .unwrap();
            if answer.status() != 200 {
                response = Some(answer);
                break;
            }
        }
        let response = response.expect("a new session without Python is refused");
        assert_eq!(response.status(), 503, "sandbox {sandbox}");
        assert!(response.headers().contains_key("retry-after"));
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["errors"][0]["code"], "interpreter_unavailable",
            "{body}"
        );
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(
            !message.contains(folder.path().to_str().unwrap()),
            "{message}"
        );

        let (_, outputs) = run(&server.url, "print(x + 1)", Some(&running)).await;
        assert_eq!(text_of(&outputs, "stdout"), "2\n");

        std::fs::write(&python, &launcher).unwrap();
        std::fs::set_permissions(&python, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let (_, outputs) = run(&server.url, "print(3)", None).await;
        assert_eq!(text_of(&outputs, "stdout"), "3\n", "sandbox {sandbox}");
    }
}
