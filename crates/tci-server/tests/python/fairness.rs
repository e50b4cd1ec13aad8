//! Nobody locks everyone else out of the local backend: a cap of live
//! sessions per client, the longest-idle session reclaimed at the global
//! cap, and sessions that share nothing, preloaded modules included.
use std::time::Duration;

use axum::http::StatusCode;
use serde_json::{Value, json};
use tci_testkit::{RunningServer, TestServer, kinds, schemas, text_of, workspace_root};

/// POSTs an execute to the real binary as the client `forwarded_for`.
async fn execute_as(
    server: &RunningServer,
    forwarded_for: &str,
    body: Value,
) -> (StatusCode, Option<String>, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}v1/tci/execute", server.url))
        .header("x-forwarded-for", forwarded_for)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|value| value.to_str().unwrap().to_owned());
    let body: Value = response.json().await.unwrap();
    schemas().assert_valid("ExecuteResponse", &body);
    (status, retry_after, body)
}

fn session_of(body: &Value) -> String {
    body["data"]["session_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_client_at_its_session_cap_gets_429_and_another_client_still_gets_sessions() {
    let server = RunningServer::start(&[
        "--trust-forwarded-for",
        "--sessions-per-client",
        "2",
        "--max-sessions",
        "8",
        "--rate-per-minute",
        "0",
        "--concurrent-per-client",
        "0",
        "--sandbox",
        "off",
    ]);
    let greedy = "203.0.113.7";
    let mut own = Vec::new();
    for n in 0..2 {
        let (status, _, body) =
            execute_as(&server, greedy, json!({"code": format!("n = {n}")})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        own.push(session_of(&body));
    }
    let (status, retry_after, body) = execute_as(&server, greedy, json!({"code": "1"})).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["errors"][0]["code"], "too_many_sessions_for_client");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("2 live sessions"), "{message}");
    assert!(message.contains("session_id"), "{message}");
    // The next expiry is half an hour of idleness away.
    let seconds: u64 = retry_after.expect("Retry-After").parse().unwrap();
    assert!((1_700..=1_800).contains(&seconds), "{seconds}");

    // Another client behind the same proxy is a client of its own.
    let (status, _, body) =
        execute_as(&server, "198.51.100.4, 10.0.0.1", json!({"code": "1"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // And the capped client keeps the sessions it has.
    let (status, _, body) = execute_as(
        &server,
        greedy,
        json!({"code": "print(n)", "session_id": own[1]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        text_of(body["data"]["outputs"].as_array().unwrap(), "stdout"),
        "1\n"
    );
}

#[tokio::test]
async fn at_the_global_cap_the_longest_idle_session_makes_room() {
    let server = TestServer::with(|config| config.max_sessions = 2, None).await;
    let (first, _) = server.run("kept = 'first'", None).await;
    let (second, _) = server.run("kept = 'second'", None).await;
    // Now the second has been idle longest.
    server.run("pass", Some(&first)).await;

    let (third, _) = server.run("kept = 'third'", None).await;
    let (status, body) = server
        .execute(json!({"code": "print(kept)", "session_id": second}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["errors"][0]["code"], "session_not_found");
    for (session, kept) in [(&first, "first"), (&third, "third")] {
        let (_, outputs) = server.run("print(kept)", Some(session)).await;
        assert_eq!(text_of(&outputs, "stdout"), format!("{kept}\n"));
    }
    let listed: Vec<_> = server.sessions().await["data"]["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|session| session["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed, [first, third]);
}

#[tokio::test]
async fn a_running_session_is_never_reclaimed() {
    let server = TestServer::with(|config| config.max_sessions = 2, None).await;
    let (busy, _) = server.run("kept = 'busy'", None).await;
    let (idle, _) = server.run("kept = 'idle'", None).await;
    // `busy` has been idle longer, but it is running when room is needed.
    let long_run = server.execute(json!({
        "code": "import time\ntime.sleep(2)\nprint(kept)",
        "session_id": busy,
    }));
    let make_room = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        server.run("kept = 'new'", None).await
    };
    let ((status, body), (newer, _)) = tokio::join!(long_run, make_room);
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        text_of(body["data"]["outputs"].as_array().unwrap(), "stdout"),
        "busy\n"
    );
    let (status, _) = server
        .execute(json!({"code": "1", "session_id": idle}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the idle one made room");

    let (_, outputs) = server.run("print(kept)", Some(&newer)).await;
    assert_eq!(text_of(&outputs, "stdout"), "new\n");
}

#[tokio::test]
async fn preloaded_sessions_share_nothing() {
    let server = TestServer::with(
        |config| config.preload = vec!["pandas".into(), "matplotlib.pyplot".into()],
        None,
    )
    .await;
    // The first session gets the interpreter warmed before the server was
    // ready: its modules are loaded but not bound.
    let (first, outputs) = server
        .run(
            "import sys\nprint(sorted(m for m in ('pandas', 'matplotlib.pyplot') if m in sys.modules))\n\
             secret = 42\nimport pandas\npandas.leaked = True\ntry:\n    plt\nexcept NameError:\n    print('plt unbound')",
            None,
        )
        .await;
    assert_eq!(
        text_of(&outputs, "stdout"),
        "['matplotlib.pyplot', 'pandas']\nplt unbound\n",
        "{outputs:?}"
    );
    let (second, outputs) = server
        .run(
            "import pandas\nprint(hasattr(pandas, 'leaked'))\nprint(secret)",
            None,
        )
        .await;
    assert_ne!(first, second);
    assert_eq!(text_of(&outputs, "stdout"), "False\n");
    let errors = text_of(&outputs, "error");
    assert!(
        errors.contains("NameError") && errors.contains("secret"),
        "{outputs:?}"
    );
}

#[tokio::test]
async fn a_preloaded_sessions_first_plot_is_one_figure_and_nothing_else() {
    let server = TestServer::with(
        |config| config.preload = vec!["numpy".into(), "matplotlib.pyplot".into()],
        None,
    )
    .await;
    let (session, outputs) = server
        .run(
            "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2]);",
            None,
        )
        .await;
    assert_eq!(kinds(&outputs), ["display_data"], "{outputs:?}");
    assert!(
        outputs[0]["data"]["image/png"]
            .as_str()
            .unwrap()
            .starts_with("iVBOR")
    );
    // Figures are numbered from 1 as in a fresh Python: the warm-up left none.
    let (_, outputs) = server
        .run(
            "fig = plt.figure()\nprint(fig.number, plt.get_fignums())\nplt.close(fig)",
            Some(&session),
        )
        .await;
    assert_eq!(text_of(&outputs, "stdout"), "1 [1]\n", "{outputs:?}");
}

#[test]
fn a_preload_module_that_cannot_be_imported_is_a_warning_not_a_failure() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tci-server"))
        .current_dir(workspace_root())
        .args([
            "--bind",
            "127.0.0.1:0",
            "--pool-size",
            "1",
            "--sandbox",
            "off",
        ])
        .args(["--preload", "json,no_such_module"])
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The warning comes before the start-up line, so it is in the pipe by
    // then; stderr stays open until the kill (the server must not write into
    // a closed pipe).
    let mut started = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut started)
        .unwrap();
    let warning = BufReader::new(child.stderr.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .find(|line| line.contains("--preload"));
    let _ = child.kill();
    let _ = child.wait();
    let warning = warning.expect("a warning about the preload list");
    assert!(
        warning.contains("no_such_module: ModuleNotFoundError"),
        "{warning}"
    );
    assert!(
        started.contains("preload: json,no_such_module"),
        "{started}"
    );
}
