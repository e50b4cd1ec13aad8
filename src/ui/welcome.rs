//! What an empty scrollback shows: what the page is, which backend
//! answers, and examples that run with one click (markup from
//! [`crate::render::first_page`]).

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, MouseEvent};

use super::state::{Connection, Notebook, Scrollback};
use crate::render::first_page;

#[component]
pub fn Welcome() -> impl IntoView {
    let connection = expect_context::<Connection>();
    let scrollback = expect_context::<Scrollback>();
    let notebook = expect_context::<Notebook>();
    // One listener for every example button.
    let run_example = move |event: MouseEvent| {
        let example = event
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok())
            .and_then(|target| target.closest("[data-example]").ok().flatten())
            .and_then(|button| button.get_attribute("data-example"))
            .and_then(|index| first_page::example_at(&index));
        if let (Some(example), false) = (example, notebook.is_running_untracked()) {
            notebook.run_in_turn(example.cells.iter().map(|&cell| cell.to_owned()).collect());
            focus_editor();
        }
    };
    view! {
        // Empty, and so hidden by the CSS, once there are cells.
        <section class="welcome" data-testid="welcome" aria-labelledby="welcome-title"
            inner_html=move || {
                if scrollback.is_empty() {
                    first_page::welcome_html(connection.backend_kind().explanation())
                } else {
                    String::new()
                }
            }
            on:click=run_example>
        </section>
    }
}

/// The button clicked goes away with the welcome: the focus goes where the
/// reader types next.
fn focus_editor() {
    if let Ok(Some(editor)) = document().query_selector("[data-testid=editor]") {
        let _ = editor.unchecked_into::<HtmlElement>().focus();
    }
}
