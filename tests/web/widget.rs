//! The embedded widget's side of the host protocol.

use leptos::prelude::*;
use tci_playground::model::settings::Theme;
use tci_playground::ui::state::{self, Draft};
use tci_playground::ui::widget;
use wasm_bindgen_test::wasm_bindgen_test;

use super::support::*;

/// `postMessage` from the page to itself: the widget under test trusts
/// its own origin.
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
        state::for_widget("wbt", "a = 1".into());
        let theme = RwSignal::new(Theme::System);
        widget::connect(theme, false);
        let editor = expect_context::<Draft>();
        Effect::new(move |_| draft.set(editor.text()));
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
