//! End to end, what a newcomer meets: the welcome and its examples, the
//! badge naming the backend, the keyboard shortcuts dialog, and the widget
//! keeping its minimal look without console errors. The release build of
//! the app, served by the real tci-server binary and driven in headless
//! Chromium through chromedriver. Needs `trunk build --release` first (the
//! test command does).

use std::time::Duration;

use fantoccini::Locator;
use tci_testkit::browser::Browser;
use tci_testkit::{RunningServer, workspace_root};

// WebDriver key codes.
const ESCAPE: char = '\u{E00C}';

/// The `data-testid` of the focused element, or its tag name.
async fn focused(browser: &Browser) -> String {
    let value = browser
        .client
        .execute(
            "const el = document.activeElement;\
             return el ? (el.dataset.testid || el.tagName.toLowerCase()) : '';",
            vec![],
        )
        .await
        .unwrap();
    value.as_str().unwrap_or_default().to_owned()
}

/// Clicks the example whose title starts `title` and waits until its
/// `cells` cells (counted from `before`) have settled; their statuses.
async fn run_example(browser: &Browser, title: &str, before: usize, cells: usize) -> Vec<String> {
    let examples = browser
        .client
        .find_all(Locator::Css("[data-testid=example]"))
        .await
        .unwrap();
    let mut clicked = false;
    for example in examples {
        if example.text().await.unwrap().starts_with(title) {
            example.click().await.unwrap();
            clicked = true;
            break;
        }
    }
    assert!(clicked, "no example titled {title}");
    let mut statuses = Vec::new();
    for cell in before + 1..=before + cells {
        statuses.push(browser.wait_settled(cell).await);
    }
    statuses
}

#[tokio::test]
async fn the_welcome_names_the_backend_and_its_examples_run() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    let welcome = browser.wait_for("[data-testid=welcome]:not(:empty)").await;
    let text = welcome.text().await.unwrap();
    assert!(text.contains("stateful session"), "{text}");
    let backend = browser.text("[data-testid=welcome-backend]").await;
    assert!(backend.contains("local Python backend"), "{backend}");
    assert_eq!(browser.text("[data-testid=backend]").await, "Local Python");
    let titles: Vec<String> = {
        let mut titles = Vec::new();
        for example in browser
            .client
            .find_all(Locator::Css("[data-testid=example]"))
            .await
            .unwrap()
        {
            titles.push(example.text().await.unwrap());
        }
        titles
    };
    assert_eq!(titles.len(), 4, "{titles:?}");
    assert!(titles[0].starts_with("Keep a variable"), "{titles:?}");

    // The docs' session-reuse example: two cells, in order, one session.
    assert_eq!(
        run_example(&browser, "Keep a variable", 0, 2).await,
        ["ok", "ok"]
    );
    let codes = browser.count("[data-testid=cell-code]").await;
    assert_eq!(codes, 2);
    let first = browser
        .text("[data-testid=cell]:nth-of-type(1) [data-testid=cell-code]")
        .await;
    assert_eq!(first, "x = 42");
    let output = browser
        .text("[data-testid=cell]:nth-of-type(2) [data-testid=output][data-output-type=stdout]")
        .await;
    assert_eq!(output, "The value of x is 42");
    // The welcome has made way for the cells; the editor has the focus.
    assert!(!welcome.is_displayed().await.unwrap());
    assert_eq!(focused(&browser).await, "editor");

    // "Clear scrollback" brings the welcome back; each other example runs.
    browser.click("[data-testid=clear]").await;
    browser.wait_for("[data-testid=welcome]:not(:empty)").await;
    assert_eq!(run_example(&browser, "Draw a plot", 0, 1).await, ["ok"]);
    browser
        .wait_for("[data-output-type=display_data] img.rich-image")
        .await;
    browser.click("[data-testid=clear]").await;
    assert_eq!(
        run_example(&browser, "Show a DataFrame", 0, 1).await,
        ["ok"]
    );
    let html = browser
        .in_frame(
            "[data-output-type=execute_result] iframe.output-frame",
            "#out table",
            "return document.getElementById('out').innerHTML",
        )
        .await;
    let html = html.as_str().unwrap();
    assert!(html.contains("<table") && html.contains("Mars"), "{html}");
    browser.click("[data-testid=clear]").await;
    assert_eq!(
        run_example(&browser, "Write a file, read it back", 0, 2).await,
        ["ok", "ok"]
    );
    let read_back = browser
        .in_frame(
            "[data-testid=cell]:nth-of-type(2) iframe.output-frame",
            "#out table",
            "return document.getElementById('out').innerHTML",
        )
        .await;
    let read_back = read_back.as_str().unwrap();
    // 5 squared, read back from the file the first cell wrote.
    assert!(read_back.contains("<td>25</td>"), "{read_back}");
    browser.close().await;
}

/// A static host with no server logic: `dist/` at the root, no `config.json`.
async fn static_host() -> String {
    let app = axum::Router::new().fallback_service(tower_http::services::ServeDir::new(
        workspace_root().join("dist"),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test]
async fn the_badge_names_the_backend_and_asks_for_a_missing_key() {
    let (_stub, upstream) = tci_testkit::stub_upstream::StubUpstream::start().await;
    let server = RunningServer::start_with_env(
        &["--mode", "proxy", "--upstream", &upstream],
        &[("TOGETHER_API_KEY", "proxy-held-key")],
    );
    let browser = Browser::open(&server.url).await;
    browser.wait_for("[data-testid=welcome]").await;
    assert_eq!(
        browser.text("[data-testid=backend]").await,
        "Together via server"
    );
    let backend = browser.text("[data-testid=welcome-backend]").await;
    assert!(backend.contains("Together with its own key"), "{backend}");

    // No server: Together with the reader's key, which is missing.
    browser.load(&static_host().await).await;
    let badge = browser.wait_for("[data-testid=backend]").await;
    assert_eq!(badge.text().await.unwrap(), "Together: key needed");
    // Settings opened by themselves, at the key.
    let key = browser.wait_for("[data-testid=api-key]").await;
    key.send_keys("reader-key").await.unwrap();
    assert_eq!(badge.text().await.unwrap(), "Together (your key)");
    let backend = browser.text("[data-testid=welcome-backend]").await;
    assert!(
        backend.contains("straight to Together, with your API key"),
        "{backend}"
    );
    // The badge opens Settings when they are closed.
    browser.click("[data-testid=settings]").await;
    assert_eq!(browser.count("[data-testid=api-key]").await, 0);
    badge.click().await.unwrap();
    browser.wait_for("[data-testid=api-key]").await;
    browser.close().await;
}

#[tokio::test]
async fn question_mark_and_the_button_open_the_shortcuts_dialog() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    browser.wait_for("[data-testid=welcome]").await;
    assert_eq!(browser.count("dialog[open]").await, 0);

    // `?` with the focus on the page (not in a field).
    browser.press(&['?']).await;
    let dialog = browser
        .wait_for("dialog[open][data-testid=shortcuts]")
        .await;
    let text = dialog.text().await.unwrap();
    for listed in [
        "Ctrl+Enter",
        "Esc, then Tab",
        "Ctrl+Z",
        "Ctrl+Y",
        "Ctrl+/",
        "Shift+Tab",
    ] {
        assert!(text.contains(listed), "{listed} is not in {text}");
    }
    assert_eq!(browser.count("dialog[open] tr").await, 9);
    // Modal: the focus is inside; Esc closes it.
    assert_eq!(focused(&browser).await, "close-shortcuts");
    browser.press(&[ESCAPE]).await;
    wait_gone(&browser, "dialog[open]").await;

    // In the editor `?` is text.
    browser.click("[data-testid=editor]").await;
    browser.type_text("a?").await;
    let value = browser
        .wait_for("[data-testid=editor]")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(value, "a?");
    assert_eq!(browser.count("dialog[open]").await, 0);

    // The button opens it; Close closes it and gives the focus back.
    browser.click("[data-testid=shortcuts-button]").await;
    browser
        .click("dialog[open] [data-testid=close-shortcuts]")
        .await;
    wait_gone(&browser, "dialog[open]").await;
    assert_eq!(focused(&browser).await, "shortcuts-button");
    browser.close().await;
}

async fn wait_gone(browser: &Browser, css: &str) {
    for _ in 0..100 {
        if browser.count(css).await == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{css} is still there");
}

#[tokio::test]
async fn a_widget_keeps_its_minimal_look_and_logs_no_console_errors() {
    // A docs origin besides the server's own: the widget may talk with both,
    // and its parent here is the server's demo page.
    let server = RunningServer::start(&["--frame-ancestors", "'self' http://docs.example.com"]);
    let browser = Browser::open(&format!("{}embed/demo.html", server.url)).await;
    let frame_css = "iframe#set-x[data-testid=embed-frame]";
    browser
        .click("#set-x[data-testid=embed-block] [data-testid=embed-run]")
        .await;
    let frame = browser.wait_for(frame_css).await;
    frame.clone().enter_frame().await.unwrap();
    browser.succeeded_cell().await;
    // The same page as the playground, with less of it shown.
    for hidden in ["welcome", "backend", "shortcuts-button", "example"] {
        for element in browser
            .client
            .find_all(Locator::Css(&format!("[data-testid={hidden}]")))
            .await
            .unwrap()
        {
            assert!(
                !element.is_displayed().await.unwrap(),
                "{hidden} in the widget"
            );
        }
    }
    browser.client.enter_parent_frame().await.unwrap();

    // The widget told the page its height (resize messages arrived).
    let mut height = 0.0;
    for _ in 0..100 {
        height = browser
            .client
            .execute(
                "return document.querySelector(arguments[0]).getBoundingClientRect().height",
                vec![serde_json::json!(frame_css)],
            )
            .await
            .unwrap()
            .as_f64()
            .unwrap();
        if height > 100.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(height > 100.0, "the frame never grew: {height}");
    let problems: Vec<String> = browser
        .console_problems()
        .await
        .into_iter()
        // Chromium's notice on the preload link trunk writes into index.html.
        .filter(|problem| {
            !problem.contains("`integrity` attribute is currently ignored for preload")
        })
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    browser.close().await;
}
