//! Output renderers, each fed hostile input: text stays text, images are
//! image sources, nothing runs in the page.

use serde_json::json;
use tci_api::{MimeBundle, Output, RichKind};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use super::support::*;

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
