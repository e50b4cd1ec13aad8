//! End to end for embedding: `embed/demo.html` and `embed/many.html` with
//! `embed.js`, their widgets being the release build of the app in `?embed`
//! mode, all served by the real tci-server binary with its local Python
//! backend and driven in headless Chromium. Needs `trunk build --release`
//! first (the test command does).

use std::time::{Duration, Instant};

use fantoccini::Locator;
use serde_json::{Value, json};
use tci_testkit::RunningServer;
use tci_testkit::browser::{Browser, WAIT};

/// The widget frame that replaced the snippet with this id, once started.
fn frame_css(id: &str) -> String {
    format!("iframe#{id}[data-testid=embed-frame]")
}

/// Presses Run on the snippet with this id and waits for its frame.
async fn start_snippet(browser: &Browser, id: &str) {
    browser
        .wait_for(&format!(
            "#{id}[data-testid=embed-block] [data-testid=embed-run]"
        ))
        .await
        .click()
        .await
        .unwrap();
    browser.wait_for(&frame_css(id)).await;
}

/// Switches the browser into the snippet's frame; `leave_frame` switches back.
async fn enter_frame(browser: &Browser, id: &str) {
    browser
        .wait_for(&frame_css(id))
        .await
        .enter_frame()
        .await
        .unwrap();
}

async fn leave_frame(browser: &Browser) {
    browser.client.enter_parent_frame().await.unwrap();
}

/// Runs `script` in the page until it returns something other than null.
async fn poll(browser: &Browser, what: &str, script: &str) -> Value {
    let deadline = Instant::now() + WAIT;
    loop {
        let value = browser.client.execute(script, vec![]).await.unwrap();
        if !value.is_null() {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn snippets_on_a_page_share_a_session() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&format!("{}embed/demo.html", server.url)).await;
    start_snippet(&browser, "set-x").await;
    enter_frame(&browser, "set-x").await;
    browser.succeeded_cell().await;
    leave_frame(&browser).await;

    start_snippet(&browser, "print-x").await;
    enter_frame(&browser, "print-x").await;
    let output = browser
        .succeeded_cell()
        .await
        .find(Locator::Css(
            "[data-testid=output][data-output-type=stdout]",
        ))
        .await
        .unwrap();
    assert_eq!(output.text().await.unwrap(), "The value of x is 42");
    browser.close().await;
}

#[tokio::test]
async fn placeholders_show_highlighted_code_and_recorded_outputs() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&format!("{}embed/demo.html", server.url)).await;
    let readonly = browser
        .wait_for("#readonly[data-testid=embed-block] pre")
        .await;
    // The code reads as written (`-&gt;` in the page is `->`), in spans.
    assert_eq!(
        readonly.text().await.unwrap(),
        "def greet(name: str) -> str:\n    \"\"\"Return a friendly greeting.\"\"\"\n    \
         return \"Hello, \" + name + \"!\"\n\nprint(greet(\"reader\"), 2 ** 10, 0x1F, 3.5e-2)"
    );
    let kinds = browser
        .client
        .execute(
            "return [...document.querySelectorAll('#readonly [class^=tci-]')]
               .filter(span => span.tagName === 'SPAN')
               .map(span => span.className + ' ' + span.textContent);",
            vec![],
        )
        .await
        .unwrap();
    for expected in [
        "tci-k def",
        "tci-b str",
        "tci-s \"\"\"Return a friendly greeting.\"\"\"",
        "tci-k return",
        "tci-n 0x1F",
        "tci-n 3.5e-2",
    ] {
        assert!(
            kinds.as_array().unwrap().contains(&json!(expected)),
            "no {expected:?} in {kinds}"
        );
    }
    let recorded = browser.wait_for("#recorded .tci-outputs").await;
    assert_eq!(recorded.text().await.unwrap(), "0\n1\n4\n9");
    assert_eq!(browser.count("[data-testid=embed-frame]").await, 0);
    browser.close().await;
}

#[tokio::test]
async fn the_pages_theme_reaches_started_widgets() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&format!("{}embed/demo.html", server.url)).await;
    browser
        .client
        .execute(
            "window.ready = false;
             document.addEventListener('tci:ready', () => { window.ready = true; });",
            vec![],
        )
        .await
        .unwrap();
    start_snippet(&browser, "set-x").await;
    poll(&browser, "the widget", "return window.ready || null").await;
    browser
        .client
        .execute(
            "document.documentElement.setAttribute('data-theme', 'dark')",
            vec![],
        )
        .await
        .unwrap();
    poll(
        &browser,
        "the dark theme in the widget",
        "const root = document.getElementById('set-x').contentDocument.documentElement;
         return root.getAttribute('data-theme') === 'dark' || null;",
    )
    .await;
    browser.close().await;
}

#[tokio::test]
async fn a_plot_widget_grows_to_show_the_whole_image() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&format!("{}embed/demo.html", server.url)).await;
    let before = browser
        .client
        .execute(
            "return document.getElementById('plot').offsetHeight",
            vec![],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    start_snippet(&browser, "plot").await;
    // The frame is the app's origin, as the page is here: the page can
    // measure inside it. Settled means: the image has loaded and the frame
    // is at least as tall as what it shows.
    let sizes = poll(
        &browser,
        "the plot to show in full",
        "const frame = document.getElementById('plot');
         const inside = frame.contentDocument;
         const image = inside && inside.querySelector('[data-output-type=display_data] img');
         if (!image || !image.complete || image.naturalHeight === 0) return null;
         const content = inside.documentElement.scrollHeight;
         if (frame.clientHeight < content) return null;
         return {frame: frame.clientHeight, content,
                 imageBottom: image.getBoundingClientRect().bottom,
                 scrolled: frame.contentWindow.scrollY};",
    )
    .await;
    let frame = sizes["frame"].as_f64().unwrap();
    assert!(
        frame > before,
        "the frame did not grow: {frame} px, the snippet was {before} px"
    );
    assert_eq!(sizes["scrolled"], json!(0));
    assert!(
        sizes["imageBottom"].as_f64().unwrap() <= frame,
        "the image is cut off: {sizes}"
    );
    browser.close().await;
}

#[tokio::test]
async fn the_page_drives_a_widget_through_the_host_api() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&format!("{}embed/demo.html", server.url)).await;
    // Every widget message arrives as a `tci:<type>` event on its iframe.
    browser
        .client
        .execute(
            "window.runEnds = [];
             document.addEventListener('tci:run-end', event => runEnds.push({
               on: event.target.tagName + '#' + event.target.id, detail: event.detail}));",
            vec![],
        )
        .await
        .unwrap();
    start_snippet(&browser, "set-x").await;
    // Run pressed in a snippet that was not started yet runs it.
    let first = poll(
        &browser,
        "the first run-end",
        "return runEnds.length >= 1 ? runEnds[0] : null",
    )
    .await;
    assert_eq!(first["on"], json!("IFRAME#set-x"));
    assert_eq!(first["detail"]["status"], json!("ok"));

    browser
        .client
        .execute(
            "const frame = TCIEmbed.frames().find(frame => frame.id === 'set-x');
             const origin = new URL(frame.src).origin;
             frame.contentWindow.postMessage({tci: 1, type: 'set-code', code: 'print(x // 2)'}, origin);
             frame.contentWindow.postMessage({tci: 1, type: 'run'}, origin);",
            vec![],
        )
        .await
        .unwrap();
    let second = poll(
        &browser,
        "the second run-end",
        "return runEnds.length >= 2 ? runEnds[1] : null",
    )
    .await;
    assert_eq!(second["detail"]["tci"], json!(1));
    assert_eq!(second["detail"]["status"], json!("ok"));
    assert_eq!(
        second["detail"]["outputs"],
        json!([{"type": "stdout", "data": "21\n"}])
    );
    enter_frame(&browser, "set-x").await;
    let editor = browser.wait_for("[data-testid=editor]").await;
    assert_eq!(
        editor.prop("value").await.unwrap().as_deref(),
        Some("print(x // 2)")
    );
    browser.close().await;
}

/// Opens the widget at `widget` as a popup of the page at `page` and has
/// the page post `set-code` and `run` to it; returns the popup's editor
/// text and its number of cells afterwards.
async fn post_to_a_popup(browser: &Browser, page: &str, widget: &str) -> (String, usize) {
    browser.client.goto(page).await.unwrap();
    let opener = browser.client.window().await.unwrap();
    browser
        .client
        .execute(
            "window.popup = window.open(arguments[0]);",
            vec![json!(widget)],
        )
        .await
        .unwrap();
    let popup = browser
        .client
        .windows()
        .await
        .unwrap()
        .into_iter()
        .find(|handle| *handle != opener)
        .expect("the popup opened");
    // A popup has no parent to tell it is ready: its editor showing the code
    // from the address is the sign.
    browser.client.switch_to_window(popup).await.unwrap();
    let editor = browser.wait_for("[data-testid=editor]").await;
    let deadline = Instant::now() + WAIT;
    while editor.prop("value").await.unwrap().as_deref() != Some("print(1)") {
        assert!(Instant::now() < deadline, "the popup never showed its code");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Let the app finish starting (config.json read, origins known).
    tokio::time::sleep(Duration::from_secs(1)).await;
    browser
        .client
        .switch_to_window(opener.clone())
        .await
        .unwrap();
    browser
        .client
        .execute(
            "popup.postMessage({tci: 1, type: 'set-code', code: 'print(666)'}, '*');
             popup.postMessage({tci: 1, type: 'run'}, '*');",
            vec![],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let handles = browser.client.windows().await.unwrap();
    let popup = handles
        .into_iter()
        .find(|handle| *handle != opener)
        .unwrap();
    browser.client.switch_to_window(popup).await.unwrap();
    let code = browser
        .wait_for("[data-testid=editor]")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    let cells = browser.count("[data-testid=cell]").await;
    browser.client.close_window().await.unwrap();
    browser.client.switch_to_window(opener).await.unwrap();
    (code, cells)
}

#[tokio::test]
async fn messages_from_another_origin_are_ignored() {
    let server = RunningServer::start(&[]);
    let app = server.url.trim_end_matches('/');
    // The same server under another name is another origin; the server
    // allows no other origin to embed or talk to the app.
    let other = app.replace("127.0.0.1", "localhost");
    let config: Value = reqwest::get(format!("{app}/config.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!config.to_string().contains("localhost"), "{config}");
    let browser = Browser::open(&format!("{other}/embed/demo.html")).await;
    let widget = format!("{app}/?embed#code=print(1)");

    let (code, cells) =
        post_to_a_popup(&browser, &format!("{other}/embed/demo.html"), &widget).await;
    assert_eq!(code, "print(1)");
    assert_eq!(cells, 0, "a run was started from another origin");

    // The same messages from the app's own origin are obeyed: the test above
    // failed for the origin and nothing else.
    let (code, cells) = post_to_a_popup(&browser, &format!("{app}/embed/demo.html"), &widget).await;
    assert_eq!(code, "print(666)");
    assert_eq!(cells, 1);
    browser.close().await;
}

#[tokio::test]
async fn twenty_widgets_fetch_the_wasm_once() {
    // Counted where the requests arrive: the browser's own resource timing
    // lists cache hits as well, and a frame's entries vanish with it.
    let (server, requests) = RunningServer::start_logging_requests(&[]);
    let browser = Browser::open(&format!("{}embed/many.html", server.url)).await;
    browser
        .client
        .execute(
            "window.readyFrames = new Set();
             document.addEventListener('tci:ready', event => readyFrames.add(event.target));",
            vec![],
        )
        .await
        .unwrap();
    // All Run buttons pressed at once: only the first widget loads, the
    // others wait until it is ready. With that wait removed, Chromium still
    // fetched the wasm once in our runs (its cache holds back concurrent
    // requests for a URL being cached), so the wasm count alone would not
    // notice; the frame count does, and the wait is what other browsers
    // need.
    let frames_at_once = browser
        .client
        .execute(
            "const buttons = document.querySelectorAll('[data-testid=embed-run]');
             buttons.forEach(button => button.click());
             return [buttons.length, document.querySelectorAll('[data-testid=embed-frame]').length];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(frames_at_once, json!([20, 1]));
    poll(
        &browser,
        "twenty ready widgets",
        "return readyFrames.size === 20 ? true : null",
    )
    .await;
    assert_eq!(browser.count("[data-testid=embed-frame]").await, 20);
    let wasm = requests.count_ending_with("_bg.wasm");
    assert_eq!(wasm, 1, "requests: {:#?}", requests.paths());
    println!(
        "20 widgets: {wasm} wasm request, {} requests in all",
        requests.paths().len()
    );
    browser.close().await;
}

#[tokio::test]
async fn a_page_fetches_little_before_the_first_click() {
    let (server, requests) = RunningServer::start_logging_requests(&[]);
    let browser = Browser::open(&format!("{}embed/demo.html", server.url)).await;
    poll(
        &browser,
        "the placeholders",
        "return document.querySelectorAll('[data-testid=embed-block]').length === 5 ? true : null",
    )
    .await;
    // Anything that would load late (images, lazy frames) gets its chance.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let fetched = browser
        .client
        .execute(
            "return [...performance.getEntriesByType('navigation'),
                     ...performance.getEntriesByType('resource')]
               .map(entry => ({name: entry.name, bytes: entry.transferSize}));",
            vec![],
        )
        .await
        .unwrap();
    let fetched = fetched.as_array().unwrap();
    let total: u64 = fetched
        .iter()
        .map(|entry| entry["bytes"].as_u64().unwrap())
        .sum();
    println!("before the first click: {total} bytes over the network in {fetched:?}");
    assert_eq!(
        requests.paths(),
        ["/embed/demo.html", "/embed/embed.js"],
        "only the page and embed.js"
    );
    assert!(total > 0, "transfer sizes are not reported: {fetched:?}");
    assert!(total <= 10 * 1024, "{total} bytes before any click");
    browser.close().await;
}
