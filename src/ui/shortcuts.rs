//! The keyboard shortcuts dialog, opened by its button or by `?` outside
//! text fields; its contents come from [`crate::render::first_page`]. A
//! modal `<dialog>` needs no script beyond opening it: the browser keeps the
//! focus inside, closes it on Esc or Close, and gives the focus back.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Element, HtmlDialogElement, KeyboardEvent};

use crate::model::shortcuts;
use crate::render::first_page;

const DIALOG_ID: &str = "shortcuts";
const DIALOG_SELECTOR: &str = "#shortcuts";

#[component]
pub fn ShortcutsDialog() -> impl IntoView {
    view! {
        <dialog class="shortcuts" id=DIALOG_ID data-testid="shortcuts" aria-labelledby="shortcuts-title"
            inner_html=first_page::shortcuts_html()>
        </dialog>
    }
}

pub fn open() {
    if let Ok(Some(dialog)) = document().query_selector(DIALOG_SELECTOR) {
        // Already open, it stays as it is (an error, ignored).
        let _ = dialog.unchecked_into::<HtmlDialogElement>().show_modal();
    }
}

/// Opens the dialog on `?` pressed outside a text field, for the page's life.
pub fn open_on_question_mark() {
    let on_key = Closure::<dyn Fn(KeyboardEvent)>::new(|event: KeyboardEvent| {
        let in_text_field = event
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok())
            .and_then(|target| {
                target
                    .closest("input, textarea, select, [contenteditable]")
                    .ok()
                    .flatten()
            })
            .is_some();
        let modified = event.ctrl_key() || event.meta_key() || event.alt_key();
        if shortcuts::opens_list(&event.key(), modified, in_text_field) {
            event.prevent_default();
            open();
        }
    });
    let _ = document().add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
    // The listener lives as long as the page, and so must its callback.
    on_key.forget();
}
