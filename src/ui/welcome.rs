//! What an empty scrollback shows: what the page is, which backend
//! answers, and examples that run with one click (markup from
//! [`crate::render::first_page`]).

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Event, HtmlElement};

use super::browser;
use super::state::{Connection, Notebook, Scrollback};
use crate::render::first_page;

#[component]
pub fn Welcome() -> impl IntoView {
    let connection = expect_context::<Connection>();
    let scrollback = expect_context::<Scrollback>();
    run_examples_clicked(expect_context::<Notebook>());
    view! {
        // Empty, and so hidden by the CSS, once there are cells.
        <section class="welcome" data-testid="welcome" aria-labelledby="welcome-title"
            inner_html=move || {
                if scrollback.is_empty() {
                    first_page::welcome_html(connection.backend_kind().explanation())
                } else {
                    String::new()
                }
            }>
        </section>
    }
}

/// Runs the example whose button is clicked, for the page's life: one
/// listener on the document for every button (a component's handler costs
/// the wasm more).
fn run_examples_clicked(notebook: Notebook) {
    let on_click = Closure::<dyn Fn(Event)>::new(move |event: Event| {
        let Some(example) = browser::closest_to_target(&event, "[data-example]")
            .and_then(|button| button.get_attribute("data-example"))
            .and_then(|index| first_page::example_at(&index))
        else {
            return;
        };
        if !notebook.is_running_untracked() {
            notebook.run_in_turn(example.cells.iter().map(|&cell| cell.to_owned()).collect());
            focus_editor();
        }
    });
    let _ = document().add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    on_click.forget();
}

/// The button clicked goes away with the welcome: the focus goes where the
/// reader types next.
fn focus_editor() {
    if let Ok(Some(editor)) = document().query_selector("[data-testid=editor]") {
        let _ = editor.unchecked_into::<HtmlElement>().focus();
    }
}
