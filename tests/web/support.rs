//! What every browser test uses: a root of its own to mount into, DOM
//! queries, waiting for Leptos, and traps for hostile input that runs.

use std::time::Duration;

use leptos::mount::{UnmountHandle, mount_to};
use leptos::prelude::*;
use leptos::tachys::view::Mountable;
use serde_json::Value;
use tci_api::{MimeBundle, Output, RichKind};
use tci_playground::App;
use tci_playground::ui::OutputView;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement};

const ROOT_CLASS: &str = "wbt-root";

/// Markup that shows up as an element or an `alert` if any renderer lets it
/// through.
pub const HOSTILE: &str = "<script>alert(1)</script><img src=x onerror=alert(1)>";

pub fn document() -> web_sys::Document {
    web_sys::window()
        .expect("a window")
        .document()
        .expect("a document")
}

pub fn local_storage() -> web_sys::Storage {
    web_sys::window()
        .expect("a window")
        .local_storage()
        .expect("localStorage is allowed")
        .expect("localStorage exists")
}

/// A test's own subtree of the page, unmounted and removed on drop. A
/// panic in wasm does not unwind, so a failed test leaves its root behind:
/// [`mount`] removes such leftovers before mounting.
pub struct Mounted<M: Mountable + 'static> {
    pub root: HtmlElement,
    handle: Option<UnmountHandle<M>>,
}

impl<M: Mountable + 'static> Drop for Mounted<M> {
    fn drop(&mut self) {
        drop(self.handle.take());
        self.root.remove();
    }
}

impl<M: Mountable + 'static> Mounted<M> {
    pub fn one(&self, selector: &str) -> Element {
        one(&self.root, selector)
    }

    pub fn find(&self, selector: &str) -> Option<Element> {
        find(&self.root, selector)
    }

    pub fn all(&self, selector: &str) -> Vec<Element> {
        all(&self.root, selector)
    }
}

/// Mounts `view` on a fresh `<div>` appended to the body. Any root a
/// panicking earlier test left behind is removed first.
pub fn mount<F, N>(view: F) -> Mounted<N::State>
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

pub fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector)
        .unwrap_or_else(|_| panic!("valid selector {selector}"))
}

pub fn one(root: &Element, selector: &str) -> Element {
    find(root, selector)
        .unwrap_or_else(|| panic!("no element matches {selector} in:\n{}", root.outer_html()))
}

/// `querySelectorAll`, through JS so no extra web-sys feature is needed.
pub fn all(root: &Element, selector: &str) -> Vec<Element> {
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

pub fn text(element: &Element) -> String {
    element.text_content().unwrap_or_default()
}

pub fn attr(element: &Element, name: &str) -> Option<String> {
    element.get_attribute(name)
}

pub async fn sleep(duration: Duration) {
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
pub async fn settle() {
    leptos::task::tick().await;
    leptos::task::tick().await;
}

/// Polls `ready` (after letting effects run) for up to five seconds.
pub async fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
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
pub fn bubbling_event(kind: &str) -> web_sys::Event {
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

pub fn click(element: &Element) {
    element
        .dyn_ref::<HtmlElement>()
        .expect("an HTML element")
        .click();
}

/// Mounts the whole app and waits until `config.json` has been asked (it
/// 404s under the test runner, so the app falls back to Together and asks
/// for a key): after that no task of the app is left pending.
pub async fn mount_app() -> Mounted<impl Mountable> {
    let app = mount(|| view! { <App/> });
    wait_for("the API key field (no config.json)", || {
        app.find("[data-testid=api-key]").is_some()
    })
    .await;
    app
}

pub fn reset_storage() {
    local_storage().clear().expect("clear localStorage");
}

/// Replaces `window.alert` (which would block the WebDriver session) with a
/// counter, so hostile input that manages to run shows up as a failed
/// assertion instead of a hung browser.
pub fn trap_alerts() {
    let window = web_sys::window().expect("a window");
    let counter =
        js_sys::Function::new_no_args("window.__tciAlerts = (window.__tciAlerts || 0) + 1;");
    js_sys::Reflect::set(&window, &"alert".into(), &counter).expect("replace alert");
    js_sys::Reflect::set(&window, &"__tciAlerts".into(), &JsValue::from_f64(0.0))
        .expect("reset the alert counter");
}

/// Asserts no `alert` ran, after giving event handlers (an `<img>` that
/// fails to load calls `onerror` asynchronously) time to fire.
pub async fn assert_no_alert() {
    sleep(Duration::from_millis(150)).await;
    let count = js_sys::Reflect::get(&web_sys::window().expect("a window"), &"__tciAlerts".into())
        .expect("read the alert counter")
        .as_f64();
    assert_eq!(count, Some(0.0), "hostile input ran a script in the page");
}

/// Mounts one output and returns its `[data-testid=output]` wrapper.
pub async fn render(output: Output) -> (Mounted<impl Mountable>, Element) {
    trap_alerts();
    let mounted = mount(move || view! { <OutputView output=output/> });
    settle().await;
    let wrapper = mounted.one("[data-testid=output]");
    (mounted, wrapper)
}

/// A rich output whose bundle is the JSON object `members`.
pub fn bundle(kind: RichKind, members: Value) -> Output {
    let Value::Object(members) = members else {
        panic!("a bundle is an object: {members}");
    };
    Output::Rich {
        kind,
        bundle: MimeBundle::Map(members),
    }
}

pub fn assert_no_element(root: &Element, selector: &str) {
    assert!(
        find(root, selector).is_none(),
        "unexpected {selector} in:\n{}",
        root.outer_html()
    );
}
