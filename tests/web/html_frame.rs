//! Rich outputs (HTML, Markdown, LaTeX, JSON, charts) go to the output
//! frame: a lazily loaded iframe on the frame document, sandboxed without
//! same-origin rights, whose markup never enters this page. The frame's own
//! rendering needs the built renderers and is tested end to end
//! (crates/tci-server/tests/browser/rich_outputs.rs).

use std::time::Duration;

use serde_json::json;
use tci_api::RichKind;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::Element;

use super::support::*;

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
async fn rich_outputs_go_to_a_sandboxed_frame_loaded_near_the_viewport() {
    for (mime, data) in [
        (
            "text/html",
            json!(format!("<div id='tall'>table</div>{HOSTILE}")),
        ),
        ("text/markdown", json!(format!("# Title\n\n{HOSTILE}"))),
        ("text/latex", json!("$x < y$")),
        ("application/json", json!({"html": HOSTILE})),
        ("application/javascript", json!("alert(1)")),
        ("application/vnd.vegalite.v5+json", json!({"mark": "bar"})),
        ("application/vnd.plotly.v1+json", json!({"data": []})),
    ] {
        let (_mounted, output) = render(bundle(
            RichKind::ExecuteResult,
            json!({mime: data, "text/plain": "<object>"}),
        ))
        .await;
        let frame = one(&output, "iframe[data-testid=output-frame]");
        assert_eq!(
            attr(&frame, "sandbox").as_deref(),
            Some("allow-scripts"),
            "{mime}"
        );
        assert_eq!(
            attr(&frame, "data-src").as_deref(),
            Some("renderers/frame.html"),
            "{mime}"
        );
        // In view, so it gets its document.
        wait_for("the frame's document", || {
            attr(&frame, "src").as_deref() == Some("renderers/frame.html")
        })
        .await;
        assert_eq!(attr(&frame, "title"), Some(format!("{mime} output")));
        // The output lives in the frame's document, never in this page.
        assert!(!output.inner_html().contains("alert"), "{mime}");
        assert_no_element(&output, "script");
        assert_no_element(&output, "#tall");
        assert_no_element(&output, "img");
    }
    assert_no_alert().await;
}

#[wasm_bindgen_test]
async fn a_height_from_anything_but_its_frame_is_ignored() {
    let (_mounted, output) = render(bundle(
        RichKind::DisplayData,
        json!({"text/html": "<p>x</p>"}),
    ))
    .await;
    let frame = one(&output, "iframe[data-testid=output-frame]");
    assert_eq!(
        frame_height(&frame),
        Some(60),
        "the height before any report"
    );
    // This page's own window posts what the frame would.
    let window = web_sys::window().expect("a window");
    window
        .post_message(
            &JsValue::from_str(r#"{"tci":1,"kind":"height","height":500}"#),
            "*",
        )
        .expect("post");
    // The message is delivered within a task or two; give it many.
    for _ in 0..10 {
        sleep(Duration::from_millis(20)).await;
        settle().await;
    }
    assert_eq!(
        frame_height(&frame),
        Some(60),
        "the frame took a height another window posted"
    );
}

#[wasm_bindgen_test]
async fn a_frame_far_below_the_viewport_gets_no_document_until_it_comes_near() {
    let spacer = document().create_element("div").unwrap();
    spacer
        .set_attribute("style", "height:5000px")
        .expect("a spacer");
    document()
        .body()
        .unwrap()
        .prepend_with_node_1(&spacer)
        .unwrap();
    let (_mounted, output) = render(bundle(
        RichKind::DisplayData,
        json!({"text/markdown": "# far"}),
    ))
    .await;
    let frame = one(&output, "iframe[data-testid=output-frame]");
    sleep(Duration::from_millis(300)).await;
    let far = attr(&frame, "src");
    frame.scroll_into_view();
    wait_for("the frame's document once in view", || {
        attr(&frame, "src").as_deref() == Some("renderers/frame.html")
    })
    .await;
    spacer.remove();
    assert_eq!(far, None);
}
