//! End to end, accessibility: axe-core finds no WCAG 2.1 A/AA violation in
//! any view of the page or the widget, in both themes, on a desktop window
//! and at 375×667; and the keyboard alone reaches every control, with a
//! visible focus ring, and runs an example. The release build of the app,
//! served by the real tci-server binary with its local Python backend and
//! driven in headless Chromium through chromedriver. Needs `trunk build
//! --release` and `npm ci` (axe-core, pinned in package-lock.json) first;
//! the test command does both.

use std::sync::OnceLock;

use fantoccini::Locator;
use serde_json::json;
use tci_testkit::browser::Browser;
use tci_testkit::{RunningServer, workspace_root};

// WebDriver key codes.
const TAB: char = '\u{E004}';
const ENTER: char = '\u{E007}';
const SHIFT: char = '\u{E008}';
const CONTROL: char = '\u{E009}';
const ESCAPE: char = '\u{E00C}';

/// axe-core's own script, from node_modules (never a CDN).
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = workspace_root().join("node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path).unwrap_or_else(|error| {
            panic!(
                "{}: {error}; run `npm ci` (the test command does)",
                path.display()
            )
        })
    })
}

/// Loads axe into the current frame. The app's CSP blocks inline scripts,
/// so axe cannot come as a <script>; the body of a WebDriver script is not
/// subject to it. HTML outputs are sandboxed frames of an opaque origin, so
/// axe must accept messages from any origin to hear from its copies there.
async fn inject_axe(browser: &Browser) {
    browser
        .client
        .execute(
            &format!(
                "{}\n;axe.configure({{allowedOrigins: ['<unsafe_all_origins>']}});",
                axe_source()
            ),
            vec![],
        )
        .await
        .unwrap();
}

/// The WCAG 2.1 A and AA violations axe-core finds in the page and in its
/// HTML outputs' frames, one line per element, named `view`.
async fn violations(browser: &Browser, view: &str) -> Vec<String> {
    let frames = browser
        .client
        .find_all(Locator::Css("iframe.output-frame"))
        .await
        .unwrap();
    let frame_count = frames.len();
    for frame in frames {
        browser.enter_frame_in_view(frame).await;
        // The frame's own document with its output, not the blank one
        // before it loaded.
        browser.wait_for("#out > *").await;
        inject_axe(browser).await;
        browser.client.enter_parent_frame().await.unwrap();
    }
    inject_axe(browser).await;
    let found = browser
        .client
        .execute(
            "return axe.run(document, {
                 runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                 // A frame that does not answer axe's ping in time is skipped
                 // (500 ms by default, too short on a busy machine).
                 pingWaitTime: 10000,
             }).then(results => ({
                 violations: results.violations.flatMap(rule => rule.nodes.map(node =>
                     rule.id + ' (' + rule.impact + ') at ' + node.target.join(' ') + ': ' +
                     node.failureSummary.replace(/\\s+/g, ' '))),
                 // A target inside a frame is a list: the frame, then the element.
                 insideFrames: results.passes.some(rule =>
                     rule.nodes.some(node => node.target.length > 1)),
             }));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        found["insideFrames"].as_bool(),
        Some(frame_count > 0),
        "{view}: axe checked inside the {frame_count} HTML output frames, or not"
    );
    found["violations"]
        .as_array()
        .expect("axe's violations")
        .iter()
        .map(|line| format!("{view}: {}", line.as_str().unwrap_or_default()))
        .collect()
}

/// One cell with every kind of output: stdout, stderr, Markdown, JSON, an
/// HTML table, an image, and an error with IPython's coloured traceback.
const EVERY_OUTPUT: &str = "import sys\n\
import matplotlib.pyplot as plt\n\
import pandas as pd\n\
from IPython.display import JSON, Markdown, display\n\
print('to stdout')\n\
print('to stderr', file=sys.stderr)\n\
display(Markdown('## Markdown\\n\\nSome *emphasis*, `code` and a [link](https://example.com).'))\n\
display(JSON({'a': [1, 2, 3], 'b': {'c': None}}))\n\
display(pd.DataFrame({'x': [1, 2], 'y': ['a', 'b']}))\n\
plt.plot([1, 3, 2])\n\
plt.show()\n\
def fail(d):\n    return {'key': 1}[d] / 0\n\
fail('missing')";

async fn reload_with_theme(browser: &Browser, theme: &str) {
    browser.reload_with_theme(theme).await;
    browser.wait_for("[data-testid=welcome]:not(:empty)").await;
    let applied = browser
        .client
        .execute("return document.documentElement.dataset.theme", vec![])
        .await
        .unwrap();
    assert_eq!(applied, json!(theme));
}

async fn set_viewport(browser: &Browser, width: u32, height: u32) {
    browser.client.set_window_size(width, height).await.unwrap();
    let inner = browser
        .client
        .execute("return window.innerWidth", vec![])
        .await
        .unwrap();
    assert_eq!(inner, json!(width), "the page's width");
}

#[tokio::test]
async fn axe_finds_no_wcag_violation_in_any_view() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    let mut found = Vec::new();
    for (width, height) in [(1200, 900), (375, 667)] {
        set_viewport(&browser, width, height).await;
        for theme in ["light", "dark"] {
            let view = |name: &str| format!("{name} ({theme}, {width}×{height})");
            reload_with_theme(&browser, theme).await;
            found.extend(violations(&browser, &view("empty page")).await);

            browser.click("[data-testid=settings]").await;
            browser.wait_for("[data-testid=api-base]").await;
            found.extend(violations(&browser, &view("Settings open")).await);
            browser.click("[data-testid=settings]").await;

            browser.click("[data-testid=shortcuts-button]").await;
            browser
                .wait_for("dialog[open][data-testid=shortcuts]")
                .await;
            found.extend(violations(&browser, &view("shortcuts dialog")).await);
            browser.click("[data-testid=close-shortcuts]").await;

            assert_eq!(browser.run(EVERY_OUTPUT).await, "error");
            for kind in ["stdout", "stderr", "display_data", "error"] {
                browser
                    .wait_for(&format!("[data-output-type={kind}]"))
                    .await;
            }
            for shown in [
                "img.rich-image",
                "iframe.output-frame[title='text/markdown output']",
                "iframe.output-frame[title='application/json output']",
                "iframe.output-frame[title='text/html output']",
                "pre.traceback",
            ] {
                browser.wait_for(shown).await;
            }
            found.extend(violations(&browser, &view("every output")).await);

            browser
                .load(&format!(
                    "{}?embed#code=print(%22hello%22)%0A1%2F0&theme={theme}",
                    server.url
                ))
                .await;
            browser.click("[data-testid=run]").await;
            browser.wait_settled(1).await;
            found.extend(violations(&browser, &view("widget")).await);
            browser.load(&server.url).await;
        }
    }
    assert!(
        found.is_empty(),
        "{} violations:\n{}",
        found.len(),
        found.join("\n")
    );
    browser.close().await;
}

/// The focused element's `data-testid` (else its label or tag), and whether
/// it shows a focus ring (the editor's is on its frame).
async fn focus(browser: &Browser) -> (String, bool) {
    let value = browser
        .client
        .execute(
            "const el = document.activeElement;\
             const ringed = el.closest('.editor') || el;\
             const style = getComputedStyle(ringed);\
             return [el.dataset.testid || el.getAttribute('aria-label') || el.tagName.toLowerCase(),\
                     style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2];",
            vec![],
        )
        .await
        .unwrap();
    (
        value[0].as_str().unwrap_or_default().to_owned(),
        value[1].as_bool().unwrap_or_default(),
    )
}

/// Presses Tab until `target` has the focus; every element passed on the
/// way, each checked to show its focus ring.
async fn tab_to(browser: &Browser, target: &str) -> Vec<String> {
    let mut passed = Vec::new();
    for _ in 0..60 {
        browser.press(&[TAB]).await;
        let (focused, ringed) = focus(browser).await;
        assert!(ringed, "{focused} has the focus but no visible ring");
        passed.push(focused.clone());
        if focused == target {
            return passed;
        }
    }
    panic!("Tab never reached {target}; it went through {passed:?}");
}

#[tokio::test]
async fn the_keyboard_alone_reaches_every_control_and_runs_an_example() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    browser.wait_for("[data-testid=welcome]:not(:empty)").await;

    // From page load to the editor: the top bar, then the examples.
    let passed = tab_to(&browser, "editor").await;
    let expected = [
        "new-session",
        "shortcuts-button",
        // With the backend's badge in it.
        "settings",
        "example",
        "example",
        "example",
        "example",
        // Attach files, above the editor.
        "file-input",
        "editor",
    ];
    assert_eq!(passed, expected);
    // Esc, then Tab leaves the editor for Run (Stop and Clear are off).
    browser.press(&[ESCAPE]).await;
    assert_eq!(tab_to(&browser, "run").await, ["run"]);

    // Back to the first example, and Enter runs it.
    browser.press(&[SHIFT, TAB]).await;
    assert_eq!(focus(&browser).await.0, "editor");
    browser.press(&[ESCAPE]).await;
    // Past Attach files, then the four examples.
    for _ in 0..5 {
        browser.press(&[SHIFT, TAB]).await;
    }
    let first = browser
        .client
        .execute("return document.activeElement.textContent", vec![])
        .await
        .unwrap();
    assert!(
        first.as_str().unwrap().starts_with("Keep a variable"),
        "{first}"
    );
    browser.press(&[ENTER]).await;
    assert_eq!(browser.wait_settled(2).await, "ok");
    assert!(
        browser
            .last_cell_text()
            .await
            .contains("The value of x is 42")
    );
    assert_eq!(focus(&browser).await.0, "editor");

    // Something slow, run from the editor; then Stop is the next stop.
    browser.type_text("import time; time.sleep(5)").await;
    browser.press(&[CONTROL, ENTER]).await;
    browser
        .wait_for("[data-testid=cell][data-status=running]")
        .await;
    browser.press(&[ESCAPE]).await;
    assert_eq!(tab_to(&browser, "stop").await, ["stop"]);
    browser.press(&[ENTER]).await;
    assert_eq!(browser.wait_settled(3).await, "stopped");

    // After a reload: Settings opens from the keyboard, and every cell's
    // actions are on the way to the editor.
    browser.client.refresh().await.unwrap();
    browser.wait_settled(3).await;
    tab_to(&browser, "settings").await;
    browser.press(&[ENTER]).await;
    assert_eq!(tab_to(&browser, "api-base").await, ["api-base"]);
    let passed = tab_to(&browser, "editor").await;
    let actions: Vec<&str> = passed
        .iter()
        .map(String::as_str)
        .filter(|id| ["copy-code", "copy-output", "rerun", "share", "cell-code"].contains(id))
        .collect();
    assert_eq!(
        actions,
        [
            // `x = 42` printed nothing: Copy output is off.
            "copy-code",
            "rerun",
            "share",
            "cell-code",
            "copy-code",
            "copy-output",
            "rerun",
            "share",
            "cell-code",
            "copy-code",
            "rerun",
            "share",
            "cell-code",
        ],
        "{passed:?}"
    );
    browser.close().await;
}
