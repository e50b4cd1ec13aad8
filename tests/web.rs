//! Browser tier: the Leptos components mounted in headless Chromium by
//! `wasm-bindgen-test-runner`.
//!
//! Run with `cargo test --target wasm32-unknown-unknown -p tci-playground`
//! (no `-q`: the runner rejects it). Each test mounts into a fresh `<div>`,
//! clears localStorage it relies on, and removes its DOM at the end, so the
//! tests (which run one at a time in one page) do not see each other.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::time::Duration;

use leptos::mount::{UnmountHandle, mount_to};
use leptos::prelude::*;
use leptos::tachys::view::Mountable;
use serde_json::{Value, json};
use tci_api::{MimeBundle, Output, RichKind};
use tci_playground::App;
use tci_playground::ui::OutputView;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

const STORAGE_KEY: &str = "tci-playground";
const DRAFT_KEY: &str = "tci-playground-draft";
const ROOT_CLASS: &str = "wbt-root";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn document() -> web_sys::Document {
    web_sys::window()
        .expect("a window")
        .document()
        .expect("a document")
}

fn local_storage() -> web_sys::Storage {
    web_sys::window()
        .expect("a window")
        .local_storage()
        .expect("localStorage is allowed")
        .expect("localStorage exists")
}

/// A test's own subtree of the page, unmounted and removed on drop. A
/// panic in wasm does not unwind, so a failed test leaves its root behind:
/// [`mount`] removes such leftovers before mounting.
struct Mounted<M: Mountable + 'static> {
    root: HtmlElement,
    handle: Option<UnmountHandle<M>>,
}

impl<M: Mountable + 'static> Drop for Mounted<M> {
    fn drop(&mut self) {
        drop(self.handle.take());
        self.root.remove();
    }
}

impl<M: Mountable + 'static> Mounted<M> {
    fn one(&self, selector: &str) -> Element {
        one(&self.root, selector)
    }

    fn find(&self, selector: &str) -> Option<Element> {
        find(&self.root, selector)
    }

    fn all(&self, selector: &str) -> Vec<Element> {
        all(&self.root, selector)
    }
}

/// Mounts `view` on a fresh `<div>` appended to the body. Any root a
/// panicking earlier test left behind is removed first.
fn mount<F, N>(view: F) -> Mounted<N::State>
where
    F: FnOnce() -> N + 'static,
    N: IntoView,
{
    for stale in all(
        &document().body().expect("a body"),
        &format!(".{ROOT_CLASS}"),
    ) {
        stale.remove();
    }
    let root: HtmlElement = document()
        .create_element("div")
        .expect("create a div")
        .unchecked_into();
    root.set_class_name(ROOT_CLASS);
    document()
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("append the root");
    let handle = mount_to(root.clone(), view);
    Mounted {
        root,
        handle: Some(handle),
    }
}

fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector)
        .unwrap_or_else(|_| panic!("valid selector {selector}"))
}

fn one(root: &Element, selector: &str) -> Element {
    find(root, selector)
        .unwrap_or_else(|| panic!("no element matches {selector} in:\n{}", root.outer_html()))
}

/// `querySelectorAll`, through JS so no extra web-sys feature is needed.
fn all(root: &Element, selector: &str) -> Vec<Element> {
    let method: js_sys::Function = js_sys::Reflect::get(root, &"querySelectorAll".into())
        .expect("querySelectorAll")
        .unchecked_into();
    let list = method
        .call1(root, &JsValue::from_str(selector))
        .unwrap_or_else(|_| panic!("valid selector {selector}"));
    js_sys::Array::from(&list)
        .iter()
        .map(JsCast::unchecked_into)
        .collect()
}

fn text(element: &Element) -> String {
    element.text_content().unwrap_or_default()
}

fn attr(element: &Element, name: &str) -> Option<String> {
    element.get_attribute(name)
}

async fn sleep(duration: Duration) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .expect("a window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                duration.as_millis() as i32,
            )
            .expect("setTimeout");
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .expect("timer");
}

/// Lets Leptos run its queued effects.
async fn settle() {
    leptos::task::tick().await;
    leptos::task::tick().await;
}

/// Polls `ready` (after letting effects run) for up to five seconds.
async fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    for _ in 0..250 {
        settle().await;
        if ready() {
            return;
        }
        sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for {what}");
}

/// An event that bubbles, built through JS (`EventInit` is not a web-sys
/// feature the crate enables).
fn bubbling_event(kind: &str) -> web_sys::Event {
    let constructor: js_sys::Function = js_sys::Reflect::get(&js_sys::global(), &"Event".into())
        .expect("Event constructor")
        .unchecked_into();
    let init = js_sys::Object::new();
    js_sys::Reflect::set(&init, &"bubbles".into(), &JsValue::TRUE).expect("set bubbles");
    js_sys::Reflect::construct(
        &constructor,
        &js_sys::Array::of2(&JsValue::from_str(kind), &init),
    )
    .expect("new Event")
    .unchecked_into()
}

fn click(element: &Element) {
    element
        .dyn_ref::<HtmlElement>()
        .expect("an HTML element")
        .click();
}

/// Mounts the whole app and waits until `config.json` has been asked (it
/// 404s under the test runner, so the app falls back to Together and asks
/// for a key): after that no task of the app is left pending.
async fn mount_app() -> Mounted<impl Mountable> {
    let app = mount(|| view! { <App/> });
    wait_for("the API key field (no config.json)", || {
        app.find("[data-testid=api-key]").is_some()
    })
    .await;
    app
}

fn reset_storage() {
    local_storage().clear().expect("clear localStorage");
}

/// Replaces `window.alert` (which would block the WebDriver session) with a
/// counter, so hostile input that manages to run shows up as a failed
/// assertion instead of a hung browser.
fn trap_alerts() {
    let window = web_sys::window().expect("a window");
    let counter =
        js_sys::Function::new_no_args("window.__tciAlerts = (window.__tciAlerts || 0) + 1;");
    js_sys::Reflect::set(&window, &"alert".into(), &counter).expect("replace alert");
    js_sys::Reflect::set(&window, &"__tciAlerts".into(), &JsValue::from_f64(0.0))
        .expect("reset the alert counter");
}

/// Asserts no `alert` ran, after giving event handlers (an `<img>` that
/// fails to load calls `onerror` asynchronously) time to fire.
async fn assert_no_alert() {
    sleep(Duration::from_millis(150)).await;
    let count = js_sys::Reflect::get(&web_sys::window().expect("a window"), &"__tciAlerts".into())
        .expect("read the alert counter")
        .as_f64();
    assert_eq!(count, Some(0.0), "hostile input ran a script in the page");
}

/// Mounts one output and returns its `[data-testid=output]` wrapper.
async fn render(output: Output) -> (Mounted<impl Mountable>, Element) {
    trap_alerts();
    let mounted = mount(move || view! { <OutputView output=output/> });
    settle().await;
    let wrapper = mounted.one("[data-testid=output]");
    (mounted, wrapper)
}

/// A rich output whose bundle is the JSON object `members`.
fn bundle(kind: RichKind, members: Value) -> Output {
    let Value::Object(members) = members else {
        panic!("a bundle is an object: {members}");
    };
    Output::Rich {
        kind,
        bundle: MimeBundle::Map(members),
    }
}

fn assert_no_element(root: &Element, selector: &str) {
    assert!(
        find(root, selector).is_none(),
        "unexpected {selector} in:\n{}",
        root.outer_html()
    );
}

// ---------------------------------------------------------------------------
// The app
// ---------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn app_mounts_and_the_editor_highlights_and_saves_the_draft() {
    reset_storage();
    let app = mount_app().await;

    for id in [
        "editor",
        "run",
        "stop",
        "clear",
        "settings",
        "session-id",
        "new-session",
        "api-base",
    ] {
        app.one(&format!("[data-testid={id}]"));
    }
    let key = app.one("[data-testid=api-key]");
    assert_eq!(attr(&key, "type").as_deref(), Some("password"));
    assert_eq!(
        attr(&app.one("[data-testid=api-base]"), "placeholder").as_deref(),
        Some("https://api.together.ai/v1"),
        "without config.json the app falls back to Together"
    );
    assert!(app.find("[data-testid=notice]").is_none());
    assert!(app.all("[data-testid=cell]").is_empty());
    assert_eq!(
        attr(&app.one("[data-testid=stop]"), "disabled").as_deref(),
        Some(""),
        "nothing runs, so Stop is disabled"
    );
    assert!(attr(&app.one("[data-testid=run]"), "disabled").is_none());

    let code = "def f(x):\n    return x < 1\n";
    let editor: web_sys::HtmlTextAreaElement = app.one("[data-testid=editor]").unchecked_into();
    editor.set_value(code);
    editor
        .dispatch_event(&bubbling_event("input"))
        .expect("dispatch input");

    let highlight = app.one("pre.editor-highlight");
    wait_for("the highlighted overlay", || {
        find(&highlight, "span.tok-keyword").is_some()
    })
    .await;
    let keywords: Vec<String> = all(&highlight, "span.tok-keyword")
        .iter()
        .map(text)
        .collect();
    assert!(keywords.contains(&"def".to_owned()), "{keywords:?}");
    assert!(keywords.contains(&"return".to_owned()), "{keywords:?}");
    // The `<` of the code is text in the overlay, not markup.
    assert!(text(&highlight).starts_with(code), "{}", text(&highlight));
    assert_eq!(
        local_storage().get_item(DRAFT_KEY).expect("read draft"),
        Some(code.to_owned())
    );

    drop(app);
    reset_storage();
}

#[wasm_bindgen_test]
async fn app_restores_the_draft() {
    reset_storage();
    local_storage()
        .set_item(DRAFT_KEY, "import math")
        .expect("store draft");
    let app = mount_app().await;

    let editor: web_sys::HtmlTextAreaElement = app.one("[data-testid=editor]").unchecked_into();
    assert_eq!(editor.value(), "import math");
    let keyword = one(&app.one("pre.editor-highlight"), "span.tok-keyword");
    assert_eq!(text(&keyword), "import");

    drop(app);
    reset_storage();
}

#[wasm_bindgen_test]
async fn app_restores_the_scrollback() {
    reset_storage();
    // As earlier versions of the app stored it: floats with `.0`.
    let saved = r#"{
        "version": 1,
        "cells": [
            {
                "id": 0,
                "code": "print('hi from storage')",
                "status": "ok",
                "outputs": [{"type": "stdout", "data": "hi from storage\n"}],
                "execution_count": 1,
                "started_at": 1700000000000.0,
                "duration_ms": 12.0,
                "session_id": "ses_restored"
            },
            {
                "id": 1,
                "code": "while True: pass",
                "status": "running",
                "outputs": [],
                "started_at": 1700000001000.0,
                "session_id": "ses_restored"
            }
        ],
        "session_id": "ses_restored",
        "execution_count": 1,
        "next_cell_id": 2
    }"#;
    local_storage()
        .set_item(STORAGE_KEY, saved)
        .expect("store the scrollback");
    let app = mount_app().await;

    let cells = app.all("[data-testid=cell]");
    assert_eq!(cells.len(), 2, "{}", app.root.outer_html());
    assert_eq!(attr(&cells[0], "data-status").as_deref(), Some("ok"));
    assert_eq!(
        attr(&cells[1], "data-status").as_deref(),
        Some("stopped"),
        "a cell saved while running comes back stopped"
    );
    assert!(
        text(&one(&cells[1], ".cell-message")).contains("page was closed"),
        "{}",
        cells[1].outer_html()
    );

    assert_eq!(
        text(&one(&cells[0], "[data-testid=cell-code]")),
        "print('hi from storage')"
    );
    assert_eq!(
        text(&one(&cells[1], "[data-testid=cell-code]")),
        "while True: pass"
    );
    assert_eq!(text(&one(&cells[0], ".prompt")), "In [1]");

    let outputs = all(&cells[0], "[data-testid=output]");
    assert_eq!(outputs.len(), 1);
    assert_eq!(
        attr(&outputs[0], "data-output-type").as_deref(),
        Some("stdout")
    );
    assert_eq!(
        text(&one(&outputs[0], "pre.stream.stdout")),
        "hi from storage\n"
    );
    assert!(all(&cells[1], "[data-testid=output]").is_empty());

    assert_eq!(
        attr(&app.one("[data-testid=session-id]"), "title").as_deref(),
        Some("ses_restored")
    );
    assert!(app.find("[data-testid=notice]").is_none());

    drop(app);
    reset_storage();
}

#[wasm_bindgen_test]
async fn corrupt_storage_shows_a_notice_and_starts_clean() {
    reset_storage();
    local_storage()
        .set_item(STORAGE_KEY, "{not json")
        .expect("store garbage");
    let app = mount_app().await;

    let notice = app.one("[data-testid=notice]");
    assert_eq!(attr(&notice, "role").as_deref(), Some("alert"));
    assert!(
        text(&notice).contains("corrupt"),
        "the notice says why: {}",
        text(&notice)
    );
    assert!(app.all("[data-testid=cell]").is_empty());
    app.one("[data-testid=editor]");
    app.one("[data-testid=run]");

    // The notice can be dismissed.
    click(&one(&notice, "button"));
    wait_for("the notice to go", || {
        app.find("[data-testid=notice]").is_none()
    })
    .await;

    drop(app);
    reset_storage();
}

#[wasm_bindgen_test]
async fn storage_from_another_version_shows_a_notice() {
    reset_storage();
    local_storage()
        .set_item(STORAGE_KEY, r#"{"version":99,"cells":[]}"#)
        .expect("store a future version");
    let app = mount_app().await;

    assert!(text(&app.one("[data-testid=notice]")).contains("another version"));
    assert!(app.all("[data-testid=cell]").is_empty());

    drop(app);
    reset_storage();
}

// ---------------------------------------------------------------------------
// Output renderers, each fed hostile input
// ---------------------------------------------------------------------------

const HOSTILE: &str = "<script>alert(1)</script><img src=x onerror=alert(1)>";

#[wasm_bindgen_test]
async fn stdout_is_text_never_markup() {
    let (_mounted, output) = render(Output::stdout(HOSTILE)).await;

    assert_eq!(attr(&output, "data-output-type").as_deref(), Some("stdout"));
    let pre = one(&output, "pre.stream.stdout");
    assert_eq!(text(&pre), HOSTILE);
    assert_eq!(text(&output), HOSTILE);
    assert_no_element(&output, "script");
    assert_no_element(&output, "img");
    assert_eq!(pre.child_element_count(), 0);
    assert_no_alert().await;
}

#[wasm_bindgen_test]
async fn stderr_is_text_never_markup() {
    let (_mounted, output) = render(Output::stderr(HOSTILE)).await;

    assert_eq!(attr(&output, "data-output-type").as_deref(), Some("stderr"));
    assert_eq!(text(&one(&output, "pre.stream.stderr")), HOSTILE);
    assert_no_element(&output, "script");
    assert_no_element(&output, "img");
    assert_no_alert().await;
}

#[wasm_bindgen_test]
async fn error_colours_ansi_and_keeps_markup_as_text() {
    let traceback = format!("\u{1b}[31mred\u{1b}[0m plain {HOSTILE}");
    let (_mounted, output) = render(Output::Error(traceback)).await;

    assert_eq!(attr(&output, "data-output-type").as_deref(), Some("error"));
    let pre = one(&output, "pre.traceback");
    let red = all(&pre, "span")
        .into_iter()
        .find(|span| {
            attr(span, "class")
                .unwrap_or_default()
                .split_whitespace()
                .any(|class| class == "ansi-fg-1")
        })
        .unwrap_or_else(|| panic!("no ansi-fg-1 span in {}", pre.outer_html()));
    assert_eq!(text(&red), "red");
    let shown = text(&pre);
    assert!(!shown.contains('\u{1b}'), "{shown:?}");
    assert_eq!(shown, format!("red plain {HOSTILE}"));
    assert_no_element(&output, "script");
    assert_no_element(&output, "img");
    assert_no_alert().await;
}

#[wasm_bindgen_test]
async fn svg_becomes_an_image_source_never_markup() {
    let svg = "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'>\
               <script>alert(1)</script><rect width='10' height='10'/></svg>";
    let (_mounted, output) = render(bundle(
        RichKind::DisplayData,
        json!({"image/svg+xml": svg, "text/plain": "<Figure>"}),
    ))
    .await;

    assert_eq!(
        attr(&output, "data-output-type").as_deref(),
        Some("display_data")
    );
    let img = one(&output, "img.rich-image");
    let src = attr(&img, "src").expect("a src");
    let encoded = src
        .strip_prefix("data:image/svg+xml;base64,")
        .unwrap_or_else(|| panic!("not a base64 SVG data URL: {src}"));
    let decoded = web_sys::window()
        .expect("a window")
        .atob(encoded)
        .expect("valid base64");
    assert_eq!(decoded, svg, "the data URL holds the SVG unchanged");
    assert_no_element(&output, "svg");
    assert_no_element(&output, "script");
    assert_no_alert().await;
}

/// Records the numbers `postMessage`d to this window (the HTML frame posts
/// its height) until dropped.
struct Messages {
    received: js_sys::Array,
    listener: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl Messages {
    fn listen() -> Self {
        let received = js_sys::Array::new();
        let sink = received.clone();
        let listener = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                sink.push(&event.data());
            },
        );
        web_sys::window()
            .expect("a window")
            .add_event_listener_with_callback("message", listener.as_ref().unchecked_ref())
            .expect("add a message listener");
        Messages { received, listener }
    }

    fn numbers(&self) -> Vec<f64> {
        self.received
            .iter()
            .filter_map(|data| data.as_f64())
            .collect()
    }
}

impl Drop for Messages {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback(
                "message",
                self.listener.as_ref().unchecked_ref(),
            );
        }
    }
}

fn frame_height(frame: &Element) -> Option<u32> {
    attr(frame, "style")?
        .trim()
        .strip_prefix("height:")?
        .trim()
        .strip_suffix("px")?
        .parse()
        .ok()
}

#[wasm_bindgen_test]
async fn html_goes_to_a_sandboxed_frame_without_same_origin() {
    let title = document().title();
    let messages = Messages::listen();
    let html = "<div id='tall' style='height:300px'>table</div>\
                <script>parent.document.title = 'pwned';</script>\
                <script>localStorage.setItem('pwned', '1');</script>";
    let (_mounted, output) = render(bundle(
        RichKind::ExecuteResult,
        json!({"text/html": html, "text/plain": "<DataFrame>"}),
    ))
    .await;

    assert_eq!(
        attr(&output, "data-output-type").as_deref(),
        Some("execute_result")
    );
    let frame = one(&output, "iframe.html-output");
    assert_eq!(attr(&frame, "sandbox").as_deref(), Some("allow-scripts"));
    let srcdoc = attr(&frame, "srcdoc").expect("a srcdoc");
    assert!(srcdoc.contains(html), "{srcdoc}");
    // The markup lives in the frame's document, not in this page.
    assert_no_element(&output, "script");
    assert_no_element(&output, "#tall");

    // The frame's scripts run (its last one posts the height, after the
    // hostile ones) but cannot reach this page: no DOM, no storage.
    wait_for("the frame to post its height", || {
        messages.numbers().iter().any(|height| *height >= 300.0)
    })
    .await;
    let frame: web_sys::HtmlIFrameElement = frame.unchecked_into();
    assert!(
        frame.content_document().is_none(),
        "the parent can read the frame's document: it is same-origin"
    );
    assert_eq!(document().title(), title, "the frame changed the page");
    assert_eq!(local_storage().get_item("pwned").expect("read"), None);
    assert_no_alert().await;
}

#[wasm_bindgen_test]
async fn html_frame_takes_the_height_it_reports() {
    let messages = Messages::listen();
    let html = "<div style='height:300px'>tall</div>";
    let (_mounted, output) =
        render(bundle(RichKind::DisplayData, json!({"text/html": html}))).await;
    let frame = one(&output, "iframe.html-output");
    assert_eq!(
        frame_height(&frame),
        Some(60),
        "the height before any report"
    );

    wait_for("the frame to post its height", || {
        messages.numbers().iter().any(|height| *height >= 300.0)
    })
    .await;
    wait_for("the frame to take the height it posted", || {
        frame_height(&frame).is_some_and(|height| height >= 300)
    })
    .await;
}

#[wasm_bindgen_test]
async fn markdown_escapes_raw_html_and_unsafe_links() {
    let markdown = "# Title\n<b>x</b>\n\n[click](javascript:alert(1)) [ok](https://example.com)\n\n<img src=x onerror=alert(1)>";
    let (_mounted, output) = render(bundle(
        RichKind::DisplayData,
        json!({"text/markdown": markdown, "text/plain": "md"}),
    ))
    .await;

    let md = one(&output, "div.markdown");
    assert_eq!(text(&one(&md, "h1")), "Title");
    assert_no_element(&md, "b");
    assert_no_element(&md, "img");
    assert!(text(&md).contains("<b>x</b>"), "{}", md.inner_html());
    let links = all(&md, "a");
    assert_eq!(links.len(), 1, "{}", md.inner_html());
    assert_eq!(
        attr(&links[0], "href").as_deref(),
        Some("https://example.com")
    );
    assert!(!md.inner_html().contains("javascript:\""));
    assert_no_alert().await;
}

#[wasm_bindgen_test]
async fn png_becomes_a_data_url_image() {
    // A 1x1 PNG, with the line breaks base64 from Python often carries.
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4\n\
               2mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\n";
    let (_mounted, output) = render(bundle(
        RichKind::DisplayData,
        json!({"image/png": png, "text/plain": "<Figure size 1x1>"}),
    ))
    .await;

    let img = one(&output, "img.rich-image");
    let src = attr(&img, "src").expect("a src");
    assert_eq!(
        src,
        format!("data:image/png;base64,{}", png.replace('\n', ""))
    );
    let img: web_sys::HtmlImageElement = img.unchecked_into();
    wait_for("the PNG to decode", || img.complete()).await;
    assert_eq!(img.natural_width(), 1, "the data URL is a valid PNG");
}

#[wasm_bindgen_test]
async fn json_and_latex_are_shown_as_text() {
    let (json_output, output) = render(bundle(
        RichKind::ExecuteResult,
        json!({"application/json": {"html": HOSTILE}, "text/plain": "{...}"}),
    ))
    .await;
    let details = one(&output, "details.json");
    assert!(text(&one(&details, "pre")).contains("alert(1)"));
    assert_no_element(&details, "script");
    assert_no_element(&details, "img");
    drop(json_output);

    let (_latex, output) = render(bundle(
        RichKind::DisplayData,
        json!({"text/latex": "$x < y$", "text/plain": "x<y"}),
    ))
    .await;
    assert_eq!(text(&one(&output, "pre.latex")), "$x < y$");
    assert_no_alert().await;
}

#[wasm_bindgen_test]
async fn a_bundle_with_nothing_showable_names_its_types() {
    let (_mounted, output) = render(bundle(
        RichKind::DisplayData,
        json!({"application/x-unknown": "<script>alert(1)</script>"}),
    ))
    .await;

    let note = one(&output, "p.unsupported");
    assert!(
        text(&note).contains("application/x-unknown"),
        "{}",
        text(&note)
    );
    assert!(!text(&output).contains("alert"));
    assert_no_element(&output, "script");
    assert_no_alert().await;
}

#[wasm_bindgen_test]
async fn a_bare_string_bundle_is_plain_text() {
    let (_mounted, output) = render(Output::Rich {
        kind: RichKind::ExecuteResult,
        bundle: MimeBundle::Text("42".into()),
    })
    .await;

    assert_eq!(
        attr(&output, "data-output-type").as_deref(),
        Some("execute_result")
    );
    assert_eq!(text(&one(&output, "pre.plain")), "42");
    assert_eq!(text(&output), "42");
}

#[wasm_bindgen_test]
async fn an_unknown_output_type_is_shown_as_data() {
    let wire = json!({"type": "progress", "data": {"percent": 5, "label": HOSTILE}}).to_string();
    let parsed: Output = serde_json::from_str(&wire).expect("any type parses");
    let (_mounted, output) = render(parsed).await;

    assert_eq!(
        attr(&output, "data-output-type").as_deref(),
        Some("progress")
    );
    let unknown = one(&output, "div.unknown");
    assert!(text(&unknown).contains("progress"), "{}", text(&unknown));
    assert!(text(&unknown).contains("percent"), "{}", text(&unknown));
    assert_no_element(&unknown, "script");
    assert_no_element(&unknown, "img");
    assert_no_alert().await;
}

#[wasm_bindgen_test]
async fn long_stdout_is_collapsed_until_show_all() {
    let long: String = (0..500).map(|line| format!("line {line}\n")).collect();
    let (_mounted, output) = render(Output::stdout(long.clone())).await;

    let pre = one(&output, "pre.stream.stdout");
    let shown = text(&pre);
    assert_eq!(shown.lines().count(), 200, "collapsed to 200 lines");
    assert!(long.starts_with(&shown));
    let button = one(&output, "button.show-all");
    assert!(
        text(&button).contains("300 more lines"),
        "{}",
        text(&button)
    );

    click(&button);
    wait_for("the whole text", || text(&pre) == long).await;
    assert_eq!(text(&pre).lines().count(), 500);
    assert!(text(&pre).ends_with("line 499\n"));
    assert_no_element(&output, "button.show-all");
}

#[wasm_bindgen_test]
async fn one_huge_line_is_collapsed_by_size() {
    let huge = "x".repeat(300 * 1024);
    let (_mounted, output) = render(Output::stdout(huge.clone())).await;

    let pre = one(&output, "pre.stream.stdout");
    assert_eq!(text(&pre).len(), 100 * 1024);
    click(&one(&output, "button.show-all"));
    wait_for("the whole line", || text(&pre).len() == huge.len()).await;
}

#[wasm_bindgen_test]
async fn a_ten_megabyte_stdout_puts_only_its_head_in_the_page() {
    // 10 MB in 100-byte lines: the page gets the first 200 lines, not 10 MB.
    let line = format!("{}\n", "y".repeat(99));
    let huge = line.repeat(100_000);
    let (_mounted, output) = render(Output::stdout(huge)).await;

    let pre = one(&output, "pre.stream.stdout");
    assert_eq!(text(&pre).len(), 200 * 100);
    let button = text(&one(&output, "button.show-all"));
    assert!(button.contains("99800 more lines"), "{button}");
    assert!(button.contains("9747 KB"), "{button}");
}

// ---------------------------------------------------------------------------
// Links and the widget
// ---------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn a_shared_cell_is_read_only_and_offers_run() {
    reset_storage();
    let saved = r#"{
        "version": 1,
        "cells": [{
            "id": 0,
            "code": "print('from a link')",
            "status": "shared",
            "outputs": [{"type": "stdout", "data": "from a link\n"}],
            "started_at": 1700000000000
        }],
        "next_cell_id": 1
    }"#;
    local_storage()
        .set_item(STORAGE_KEY, saved)
        .expect("store the scrollback");
    let app = mount_app().await;
    let cell = app.one("[data-testid=cell]");
    assert_eq!(attr(&cell, "data-status").as_deref(), Some("shared"));
    assert!(text(&cell).contains("read-only until you run it"));
    assert_eq!(text(&one(&cell, "[data-testid=rerun]")).trim(), "Run");
    assert!(text(&one(&cell, "[data-testid=output]")).contains("from a link"));
    reset_storage();
}

fn post_to_self(message: &str) {
    let message = js_sys::JSON::parse(message).expect("JSON");
    web_sys::window()
        .expect("a window")
        .post_message(&message, "*")
        .expect("postMessage");
}

#[wasm_bindgen_test]
async fn a_widget_takes_well_formed_host_messages_only() {
    reset_storage();
    let draft = RwSignal::new(String::new());
    let mounted = mount(move || {
        let playground = tci_playground::ui::Playground::for_widget("wbt", "a = 1".into());
        provide_context(playground);
        let theme = RwSignal::new(tci_playground::model::settings::Theme::System);
        tci_playground::ui::widget::connect(playground, theme, false);
        Effect::new(move |_| draft.set(playground.draft.get()));
        view! { <p data-testid="theme">{move || theme.get().as_str()}</p> }
    });
    wait_for("the initial code", || draft.get_untracked() == "a = 1").await;

    // The test page is the widget's own origin, which it always trusts.
    post_to_self(r#"{"tci": 1, "type": "set-code", "code": "b = 2"}"#);
    wait_for("set-code", || draft.get_untracked() == "b = 2").await;
    post_to_self(r#"{"tci": 1, "type": "set-theme", "theme": "dark"}"#);
    wait_for("set-theme", || {
        text(&mounted.one("[data-testid=theme]")) == "dark"
    })
    .await;

    for junk in [
        r#"{"tci": 2, "type": "set-code", "code": "junk"}"#,
        r#"{"tci": 1, "type": "set-code", "code": 3}"#,
        r#"{"type": "set-code", "code": "junk"}"#,
        r#""set-code""#,
    ] {
        post_to_self(junk);
    }
    // Messages arrive in order: once a well-formed one after the junk has
    // been handled, so has the junk.
    post_to_self(r#"{"tci": 1, "type": "set-theme", "theme": "light"}"#);
    wait_for("the fence", || {
        text(&mounted.one("[data-testid=theme]")) == "light"
    })
    .await;
    assert_eq!(draft.get_untracked(), "b = 2");
}
