//! HTML outputs: a sandboxed frame with no same-origin rights, sized by
//! the height it reports.

use serde_json::json;
use tci_api::RichKind;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::Element;

use super::support::*;

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
