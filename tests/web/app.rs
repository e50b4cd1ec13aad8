//! The whole app mounted: its controls, the editor's highlighting and draft.

use tci_playground::model::storage_keys;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use super::support::*;

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
        local_storage()
            .get_item(storage_keys::DRAFT)
            .expect("read draft"),
        Some(code.to_owned())
    );

    drop(app);
    reset_storage();
}

#[wasm_bindgen_test]
async fn app_restores_the_draft() {
    reset_storage();
    local_storage()
        .set_item(storage_keys::DRAFT, "import math")
        .expect("store draft");
    let app = mount_app().await;

    let editor: web_sys::HtmlTextAreaElement = app.one("[data-testid=editor]").unchecked_into();
    assert_eq!(editor.value(), "import math");
    let keyword = one(&app.one("pre.editor-highlight"), "span.tok-keyword");
    assert_eq!(text(&keyword), "import");

    drop(app);
    reset_storage();
}
