//! The code editor: a plain `<textarea>` (native selection, IME, undo and
//! accessibility for free) over a highlighted copy of the same text.

use leptos::html::Textarea;
use leptos::prelude::*;
use web_sys::KeyboardEvent;

use super::state::{Draft, Notebook};
use crate::editor::keys::{self, EditorState};
use crate::render::highlight;

/// `readonly`: a widget whose author froze the code; the host page can
/// still replace it.
#[component]
pub fn Editor(#[prop(optional)] readonly: bool) -> impl IntoView {
    let notebook = expect_context::<Notebook>();
    let draft = expect_context::<Draft>();
    let textarea = NodeRef::<Textarea>::new();
    // After Esc, Tab leaves the editor instead of indenting (WCAG 2.1.2).
    let tab_escapes = StoredValue::new(false);

    let apply = move |state: EditorState| {
        if let Some(element) = textarea.get_untracked() {
            element.set_value(&state.text);
            let _ = element.set_selection_range(state.sel_start, state.sel_end);
        }
        draft.set(state.text);
    };
    let current = move || -> Option<EditorState> {
        let element = textarea.get_untracked()?;
        Some(EditorState {
            text: element.value(),
            sel_start: element.selection_start().ok().flatten()?,
            sel_end: element.selection_end().ok().flatten()?,
        })
    };

    let on_keydown = move |event: KeyboardEvent| {
        let key = event.key();
        let modifier = event.ctrl_key() || event.meta_key();
        if key == "Enter" && (modifier || event.shift_key()) {
            event.prevent_default();
            notebook.submit();
            return;
        }
        if readonly {
            return;
        }
        if key == "Escape" {
            tab_escapes.set_value(true);
            return;
        }
        if key == "Tab" && tab_escapes.get_value() {
            return;
        }
        let Some(state) = current() else { return };
        let edited = match key.as_str() {
            "Tab" if event.shift_key() => Some(keys::dedent(&state)),
            "Tab" if !modifier && !event.alt_key() => Some(keys::indent(&state)),
            "Enter" if !event.alt_key() => Some(keys::newline(&state)),
            "ArrowUp" if !modifier && keys::cursor_on_first_line(&state) => {
                recall(draft.older(&state.text))
            }
            "ArrowDown" if !modifier && keys::cursor_on_last_line(&state) => {
                recall(draft.newer(&state.text))
            }
            _ => None,
        };
        if let Some(edited) = edited {
            event.prevent_default();
            apply(edited);
        }
    };

    view! {
        <div class="editor">
            <pre class="editor-highlight" aria-hidden="true" inner_html=move || highlight::to_html(&draft.text())></pre>
            <textarea
                data-testid="editor"
                node_ref=textarea
                aria-label="Python code (Ctrl+Enter or Shift+Enter runs; Esc then Tab leaves the editor)"
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                wrap="off"
                readonly=readonly
                placeholder="print(\"Hello from TCI\")"
                prop:value=move || draft.text()
                on:input=move |event| {
                    tab_escapes.set_value(false);
                    draft.set(event_target_value(&event));
                }
                on:focus=move |_| tab_escapes.set_value(false)
                on:keydown=on_keydown
            ></textarea>
        </div>
    }
}

/// Puts an entry of the submission history in the editor, cursor at its end.
fn recall(recalled: Option<String>) -> Option<EditorState> {
    let text = recalled?;
    let end = text.encode_utf16().count() as u32;
    Some(EditorState {
        text,
        sel_start: end,
        sel_end: end,
    })
}
