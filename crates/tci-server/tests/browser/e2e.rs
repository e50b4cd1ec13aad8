//! End to end: the release build of the app, served by the real tci-server
//! binary with its local Python backend, driven in headless Chromium through
//! chromedriver. Needs `trunk build --release` first (the test command does).

use std::time::Duration;

use fantoccini::Locator;
use tci_testkit::browser::{Browser, WAIT};
use tci_testkit::{RunningServer, workspace_root};

#[tokio::test]
async fn the_page_renders_and_its_wasm_runs() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    browser.wait_for("[data-testid=editor]").await;
    let session = browser.text("[data-testid=session-id]").await;
    assert!(session.contains("new session"), "{session}");
    // The server fronts the API: no key is asked for.
    assert_eq!(browser.count("[data-testid=api-key]").await, 0);
    browser.close().await;
}

#[tokio::test]
async fn session_reuse_survives_a_reload() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    assert_eq!(browser.run("x = 42").await, "ok");
    assert_eq!(browser.run("print(f\"The value of x is {x}\")").await, "ok");
    let output = browser
        .wait_for("[data-testid=cell]:nth-of-type(2) [data-testid=output][data-output-type=stdout]")
        .await;
    assert_eq!(output.text().await.unwrap(), "The value of x is 42");
    let session = browser.text("[data-testid=session-id]").await;
    assert!(session.starts_with("ses_"), "{session}");
    // The local backend lists sessions: the bar shows the count and time left.
    let details = browser
        .client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(
            "//*[contains(@class, 'session-details') and contains(., '2 runs') and contains(., 'expires in')]",
        ))
        .await
        .expect("the session's execute count and countdown are shown");
    // Idle timeout: 30 minutes after the last run, counting down.
    let text = details.text().await.unwrap();
    assert!(
        text.contains("expires in 29:") || text.contains("expires in 30:00"),
        "{text}"
    );

    browser.client.refresh().await.unwrap();
    browser.wait_settled(2).await;
    assert_eq!(browser.count("[data-testid=cell]").await, 2);
    assert_eq!(browser.run("print(x + 1)").await, "ok");
    assert!(browser.last_cell_text().await.contains("43"));
    browser.close().await;
}

#[tokio::test]
async fn plots_tables_and_tracebacks_render() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    assert_eq!(
        browser
            .run("import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()")
            .await,
        "ok"
    );
    let image = browser
        .wait_for("[data-output-type=display_data] img.rich-image")
        .await;
    assert!(
        image
            .attr("src")
            .await
            .unwrap()
            .unwrap()
            .starts_with("data:image/png;base64,")
    );

    assert_eq!(
        browser
            .run("import pandas as pd\npd.DataFrame({'a': [1, 2]})")
            .await,
        "ok"
    );
    let frame = browser
        .wait_for("[data-output-type=execute_result] iframe.output-frame")
        .await;
    assert_eq!(
        frame.attr("sandbox").await.unwrap().as_deref(),
        Some("allow-scripts")
    );
    let shown = browser
        .in_frame(
            "[data-output-type=execute_result] iframe.output-frame",
            "#out table",
            "return document.getElementById('out').innerHTML",
        )
        .await;
    assert!(shown.as_str().unwrap().contains("<table"), "{shown}");

    assert_eq!(browser.run("1/0").await, "error");
    let traceback = browser
        .wait_for("[data-output-type=error] pre.traceback")
        .await;
    assert!(
        traceback
            .text()
            .await
            .unwrap()
            .contains("ZeroDivisionError")
    );
    assert!(!traceback.text().await.unwrap().contains('\u{1b}'));
    assert!(
        browser
            .count("[data-output-type=error] span[class*=ansi-fg]")
            .await
            > 0
    );
    browser.close().await;
}

#[tokio::test]
async fn an_expired_session_recovers_with_replay() {
    let server = RunningServer::start(&["--idle-minutes", "0.05"]);
    let browser = Browser::open(&server.url).await;
    assert_eq!(browser.run("x = 42").await, "ok");
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(browser.run("print(x)").await, "failed");
    assert!(browser.last_cell_text().await.contains("expired"));
    // The code that failed is still there.
    assert!(browser.last_cell_text().await.contains("print(x)"));
    browser.click("[data-testid=replay]").await;
    // Replay runs `x = 42` and then `print(x)` in a new session.
    assert_eq!(browser.wait_settled(4).await, "ok");
    assert!(browser.last_cell_text().await.contains("42"));
    browser.close().await;
}

#[tokio::test]
async fn a_bad_key_is_reported_and_the_code_kept() {
    let server = RunningServer::start(&["--token", "right-key"]);
    let browser = Browser::open(&server.url).await;
    let key = browser.wait_for("[data-testid=api-key]").await;
    key.send_keys("wrong-key").await.unwrap();
    assert_eq!(browser.run("print('secret plan')").await, "failed");
    let text = browser.last_cell_text().await;
    assert!(text.contains("refused the key"), "{text}");
    assert!(text.contains("print('secret plan')"), "{text}");
    browser.close().await;
}

#[tokio::test]
async fn server_errors_and_an_unreachable_api_are_reported() {
    // No session may start: every run is a 503 from the server.
    let server = RunningServer::start(&["--max-sessions", "0"]);
    let browser = Browser::open(&server.url).await;
    assert_eq!(browser.run("print(1)").await, "failed");
    assert!(browser.last_cell_text().await.contains("(503)"));

    browser.click("[data-testid=settings]").await;
    browser.set_api_base("http://127.0.0.1:9/v1").await;
    assert_eq!(browser.run("print(2)").await, "failed");
    let text = browser.last_cell_text().await;
    assert!(text.contains("Could not reach the API"), "{text}");
    assert!(text.contains("print(2)"));
    browser.close().await;
}

// WebDriver key codes.
const ENTER: &str = "\u{E007}";
const TAB: &str = "\u{E004}";
const CONTROL: &str = "\u{E009}";
const ESCAPE: &str = "\u{E00C}";
const ARROW_UP: &str = "\u{E013}";
const RELEASE_MODIFIERS: &str = "\u{E000}";

/// What these tests read from and do to the app's page.
trait AppPage {
    async fn eval_string(&self, script: &str) -> String;
    async fn set_api_base(&self, base: &str);
    async fn editor_value(&self) -> String;
    async fn active_test_id(&self) -> String;
}

impl AppPage for Browser {
    /// A string the page computes.
    async fn eval_string(&self, script: &str) -> String {
        let value = self.client.execute(script, vec![]).await.unwrap();
        value.as_str().unwrap_or_default().to_owned()
    }

    /// Types an API base in Settings and commits it as leaving the field would.
    async fn set_api_base(&self, base: &str) {
        let field = self.wait_for("[data-testid=api-base]").await;
        field.send_keys(base).await.unwrap();
        self.client
            .execute(
                "document.querySelector('[data-testid=api-base]').dispatchEvent(new Event('change', {bubbles: true}))",
                vec![],
            )
            .await
            .unwrap();
    }

    async fn editor_value(&self) -> String {
        self.eval_string("return document.querySelector('[data-testid=editor]').value")
            .await
    }

    async fn active_test_id(&self) -> String {
        self.eval_string(
            "return document.activeElement && document.activeElement.dataset.testid || ''",
        )
        .await
    }
}

#[tokio::test]
async fn the_editor_keys_work_like_a_code_editor() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    let editor = browser.wait_for("[data-testid=editor]").await;
    editor.click().await.unwrap();

    // Enter keeps the indentation and adds a level after a colon; Tab indents.
    editor
        .send_keys(&format!("def f(x):{ENTER}return x * 2{ENTER}"))
        .await
        .unwrap();
    assert_eq!(
        browser.editor_value().await,
        "def f(x):\n    return x * 2\n"
    );
    editor.send_keys(TAB).await.unwrap();
    assert_eq!(
        browser.editor_value().await,
        "def f(x):\n    return x * 2\n    "
    );

    // Ctrl+Enter runs and empties the editor; the draft is saved meanwhile.
    browser
        .set_code("def f(x):\n    return x * 2\nprint(f(21))")
        .await;
    editor
        .send_keys(&format!("{CONTROL}{ENTER}{RELEASE_MODIFIERS}"))
        .await
        .unwrap();
    assert_eq!(browser.wait_settled(1).await, "ok");
    assert!(browser.last_cell_text().await.contains("42"));
    assert_eq!(browser.editor_value().await, "");

    // Up on the first line recalls the last submission.
    editor.send_keys(ARROW_UP).await.unwrap();
    assert_eq!(
        browser.editor_value().await,
        "def f(x):\n    return x * 2\nprint(f(21))"
    );

    // Esc releases the editor: the next Tab moves focus instead of indenting.
    editor.send_keys(&format!("{ESCAPE}{TAB}")).await.unwrap();
    assert_ne!(browser.active_test_id().await, "editor");
    assert_eq!(
        browser.editor_value().await,
        "def f(x):\n    return x * 2\nprint(f(21))"
    );
    browser.close().await;
}

#[tokio::test]
async fn stop_marks_the_cell_and_keeps_the_session() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    assert_eq!(browser.run("x = 42").await, "ok");
    browser.set_code("import time\ntime.sleep(6)").await;
    browser.click("[data-testid=run]").await;
    browser
        .wait_for("[data-testid=cell][data-status=running]")
        .await;
    browser.click("[data-testid=stop]").await;
    let stopped = std::time::Instant::now();
    assert_eq!(browser.wait_settled(2).await, "stopped");
    // Stop aborts the request itself (Run is enabled again once the
    // request has ended), long before the six seconds the code sleeps.
    browser.wait_for("[data-testid=run]:not([disabled])").await;
    assert!(
        stopped.elapsed() < Duration::from_secs(3),
        "the request outlived Stop by {:?}",
        stopped.elapsed()
    );
    assert!(
        browser
            .last_cell_text()
            .await
            .contains("may still be running")
    );
    // The session is intact once the stopped code has finished.
    assert_eq!(browser.run("print(x)").await, "ok");
    assert!(browser.last_cell_text().await.contains("42"));
    browser.close().await;
}

#[tokio::test]
async fn the_app_runs_the_example_through_the_proxy() {
    let (stub, upstream) = tci_testkit::stub_upstream::StubUpstream::start().await;
    let server = RunningServer::start_with_env(
        &["--mode", "proxy", "--upstream", &upstream],
        &[("TOGETHER_API_KEY", "proxy-held-key")],
    );
    let browser = Browser::open(&server.url).await;
    browser.run_session_reuse_example().await;
    // The page asked for no key; the upstream saw only the server's.
    assert_eq!(browser.count("[data-testid=api-key]").await, 0);
    assert_eq!(stub.execute_authorizations(), ["Bearer proxy-held-key"; 2]);
    browser.close().await;
}

/// A static host with no server logic: serves `folder` under `prefix`.
async fn static_host(folder: std::path::PathBuf, prefix: &str) -> String {
    let app = axum::Router::new().nest_service(prefix, tower_http::services::ServeDir::new(folder));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}{prefix}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test]
async fn a_static_build_under_a_sub_path_calls_the_api_directly_with_the_users_key() {
    let build = workspace_root().join("target/dist-subpath");
    assert!(
        build.join("index.html").exists(),
        "run `trunk build --release --public-url /play/ --dist target/dist-subpath` first (the test command does)"
    );
    let (stub, upstream) = tci_testkit::stub_upstream::StubUpstream::start().await;
    let page = static_host(build, "/play").await;
    let browser = Browser::open(&page).await;
    // No config.json on a static host: the app asks for a key.
    let key = browser.wait_for("[data-testid=api-key]").await;
    key.send_keys("user-key-1").await.unwrap();
    browser.set_api_base(&upstream).await;
    browser.run_session_reuse_example().await;
    assert_eq!(stub.execute_authorizations(), ["Bearer user-key-1"; 2]);
    browser.close().await;
}

/// Clicks the Share button `button` and returns the link it made.
async fn share(browser: &Browser, button: &str) -> String {
    browser.click(button).await;
    browser
        .wait_for(".share-bar:not([hidden]) [data-testid=share-link]")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_share_link_brings_code_and_outputs_read_only_until_run() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    assert_eq!(browser.run("print(6 * 7)").await, "ok");
    let link = share(&browser, "[data-testid=cell] [data-testid=share]").await;
    assert!(link.starts_with(&format!("{}#z=", server.url)), "{link}");

    // A reader who has never been here opens it.
    browser
        .client
        .execute("localStorage.clear()", vec![])
        .await
        .unwrap();
    browser.load(&link).await;
    let shared = browser
        .wait_for("[data-testid=cell][data-status=shared]")
        .await;
    let text = shared.text().await.unwrap();
    assert!(
        text.contains("print(6 * 7)") && text.contains("42"),
        "{text}"
    );
    // Nothing ran: no session yet, and the link is consumed.
    let session = browser.text("[data-testid=session-id]").await;
    assert!(session.contains("new session"), "{session}");
    assert_eq!(browser.client.current_url().await.unwrap().fragment(), None);
    browser.click("[data-testid=rerun]").await;
    assert_eq!(browser.wait_settled(2).await, "ok");
    assert!(browser.last_cell_text().await.contains("42"));
    // A reload shows the same two cells, not the link again.
    browser.client.refresh().await.unwrap();
    browser.wait_settled(2).await;
    assert_eq!(browser.count("[data-testid=cell]").await, 2);

    // A damaged link says so and loses nothing.
    browser.load(&format!("{}#z=AAAA", server.url)).await;
    let notice = browser.wait_for("[data-testid=notice]").await;
    assert!(notice.text().await.unwrap().contains("damaged"));
    assert_eq!(browser.count("[data-testid=cell]").await, 2);
    browser.close().await;
}

#[tokio::test]
async fn widgets_run_their_code_and_share_a_session_by_name() {
    let server = RunningServer::start(&[]);
    let widget = |fragment: &str| format!("{}?embed#{fragment}", server.url);
    let browser = Browser::open(&widget(
        "code=x%20%3D%2042&session=guide&readonly&outputs=%5B%7B%22type%22%3A%22stdout%22%2C%22data%22%3A%22recorded%22%7D%5D",
    ))
    .await;
    // Recorded outputs show until the first run.
    let recorded = browser
        .wait_for("[data-testid=cell][data-status=shared]")
        .await;
    assert!(recorded.text().await.unwrap().contains("recorded"));
    // Only the editor, Run and the latest outputs: no top bar.
    let settings = browser.wait_for("[data-testid=settings]").await;
    assert!(!settings.is_displayed().await.unwrap());
    let editor = browser.wait_for("[data-testid=editor]").await;
    assert!(editor.attr("readonly").await.unwrap().is_some());
    assert_eq!(editor.prop("value").await.unwrap().unwrap(), "x = 42");
    browser.click("[data-testid=run]").await;
    browser.wait_for("[data-testid=cell][data-status=ok]").await;
    // Only the latest run shows; the recorded outputs are gone from view.
    assert!(!recorded.is_displayed().await.unwrap());
    // The code stays in the editor, like a notebook cell's.
    assert_eq!(editor.prop("value").await.unwrap().unwrap(), "x = 42");
    // Share links to the full playground, not to the widget.
    let link = share(
        &browser,
        "[data-testid=cell][data-status=ok] [data-testid=share]",
    )
    .await;
    assert!(link.starts_with(&format!("{}#z=", server.url)), "{link}");

    // Another widget of the same session name sees `x`.
    browser
        .load(&widget("code=print(x)&session=guide&autorun"))
        .await;
    assert_eq!(browser.wait_settled(1).await, "ok");
    assert!(browser.last_cell_text().await.contains("42"));

    // A widget of another name does not.
    browser
        .load(&widget("code=print(x)&session=elsewhere"))
        .await;
    // Without autorun nothing runs until Run.
    browser.wait_for("[data-testid=editor]").await;
    assert_eq!(browser.count("[data-testid=cell]").await, 0);
    browser.click("[data-testid=run]").await;
    assert_eq!(browser.wait_settled(1).await, "error");
    assert!(browser.last_cell_text().await.contains("NameError"));

    // Recorded outputs that cannot be read: said so, and the code is kept.
    browser
        .load(&widget("code=print(1)&outputs=%5Bnot%20json"))
        .await;
    let notice = browser.wait_for("[data-testid=notice]").await;
    assert!(notice.text().await.unwrap().contains("recorded outputs"));
    let editor = browser.wait_for("[data-testid=editor]").await;
    assert_eq!(editor.prop("value").await.unwrap().unwrap(), "print(1)");
    browser.close().await;
}
