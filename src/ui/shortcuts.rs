//! The keyboard shortcuts dialog, opened by its button or by `?` outside
//! text fields; its contents come from [`crate::render::first_page`]. A
//! modal `<dialog>` needs no script beyond opening it: the browser keeps the
//! focus inside, closes it on Esc or Close, and gives the focus back. It is
//! not a view: made once, it stays in the page (a view of static elements
//! cost the wasm more).

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Event, HtmlDialogElement, KeyboardEvent};

use super::browser;
use crate::model::shortcuts;
use crate::render::first_page;

const DIALOG_SELECTOR: &str = "dialog.shortcuts";

/// Shows the dialog, made on first use: a page that never opens it (a
/// widget above all) never holds it.
pub fn open() {
    let document = document();
    let dialog = match document.query_selector(DIALOG_SELECTOR) {
        Ok(Some(dialog)) => dialog,
        _ => {
            let (Ok(dialog), Some(body)) = (document.create_element("dialog"), document.body())
            else {
                return;
            };
            let _ = dialog.set_attribute("class", "shortcuts");
            let _ = dialog.set_attribute("data-testid", "shortcuts");
            let _ = dialog.set_attribute("aria-labelledby", "shortcuts-title");
            dialog.set_inner_html(&first_page::shortcuts_html());
            let _ = body.insert_before(&dialog, None);
            dialog
        }
    };
    // Already open, it stays as it is (an error, ignored).
    let _ = dialog.unchecked_into::<HtmlDialogElement>().show_modal();
}

/// Opens the dialog, for the page's life, on `?` pressed outside a text
/// field and on a click of its button. Listeners on the document: a
/// component's handler costs the wasm more.
pub fn listen() {
    let on_key = Closure::<dyn Fn(KeyboardEvent)>::new(|event: KeyboardEvent| {
        let in_text_field =
            browser::closest_to_target(&event, "input, textarea, select, [contenteditable]")
                .is_some();
        let modified = event.ctrl_key() || event.meta_key() || event.alt_key();
        if shortcuts::opens_list(&event.key(), modified, in_text_field) {
            event.prevent_default();
            open();
        }
    });
    let on_click = Closure::<dyn Fn(Event)>::new(|event: Event| {
        if browser::closest_to_target(&event, "[data-testid=shortcuts-button]").is_some() {
            open();
        }
    });
    let document = document();
    for (kind, listener) in [("keydown", on_key.as_ref()), ("click", on_click.as_ref())] {
        let _ = document.add_event_listener_with_callback(kind, listener.unchecked_ref());
    }
    // The listeners live as long as the page, and so must their callbacks.
    on_key.forget();
    on_click.forget();
}
