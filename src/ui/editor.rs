//! The code editor: a plain `<textarea>` (native selection, IME, mobile
//! keyboards and accessibility for free) over a highlighted copy of the same
//! text. The keys a code editor needs come from [`crate::editor`]; undo is
//! the editor's own ([`crate::editor::undo`] says why), so every change goes
//! through [`Draft`] and the browser's undo stack is never used.

use leptos::html::Textarea;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{InputEvent, KeyboardEvent};

use super::state::{Draft, Notebook};
use crate::editor::keys::{self, EditorState};
use crate::editor::undo::EditKind;
use crate::editor::{comment, pairs};
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
    // Where the selection was when the browser began its own edit, so the
    // undo history can group typing and restore the cursor.
    let selection_before = StoredValue::new(None::<(u32, u32)>);

    let current = move || -> Option<EditorState> {
        let element = textarea.get_untracked()?;
        Some(EditorState {
            text: element.value(),
            sel_start: element.selection_start().ok().flatten()?,
            sel_end: element.selection_end().ok().flatten()?,
        })
    };
    let show = move |state: &EditorState| {
        if let Some(element) = textarea.get_untracked() {
            element.set_value(&state.text);
            let _ = element.set_selection_range(state.sel_start, state.sel_end);
        }
    };
    // A change the editor makes itself: one undo step.
    let apply = move |before: &EditorState, after: EditorState| {
        show(&after);
        draft.edited(
            Some((before.sel_start, before.sel_end)),
            after,
            EditKind::Other,
        );
    };
    let travel = move |reached: Option<EditorState>| {
        if let Some(state) = reached {
            show(&state);
        }
    };

    let on_keydown = move |event: KeyboardEvent| {
        // While an IME composes, its keys are its own.
        if event.is_composing() {
            return;
        }
        let key = shortcut_key(&event);
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
        // Chromium's own Ctrl+Z would act on its stack; Ctrl+Y is no redo
        // there on Linux, and neither key fires `beforeinput` once that
        // stack is empty, so the keys are taken here.
        if modifier && !event.alt_key() {
            let reached = match key.as_str() {
                "z" | "Z" if event.shift_key() => Some(draft.redo()),
                "z" | "Z" => Some(draft.undo()),
                "y" | "Y" if event.ctrl_key() && !event.shift_key() => Some(draft.redo()),
                _ => None,
            };
            if let Some(reached) = reached {
                event.prevent_default();
                travel(reached);
                return;
            }
        }
        let Some(state) = current() else { return };
        let edited = match key.as_str() {
            "Tab" if event.shift_key() => Some(keys::dedent(&state)),
            "Tab" if !modifier && !event.alt_key() => Some(keys::indent(&state)),
            "Enter" if !event.alt_key() => Some(keys::newline(&state)),
            "/" if modifier => Some(comment::toggle_comment(&state)),
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
            apply(&state, edited);
        }
    };

    // Typed characters and Backspace arrive here from every keyboard,
    // on-screen ones included, before the browser edits.
    let on_beforeinput = move |event: InputEvent| {
        tab_escapes.set_value(false);
        let Some(state) = current() else { return };
        let input_type = event.input_type();
        // Some on-screen keyboards commit text that cannot be held back:
        // the browser's edit happens, and `input` records it.
        if !event.cancelable() {
            selection_before.set_value(Some((state.sel_start, state.sel_end)));
            return;
        }
        let edited = match input_type.as_str() {
            // The context menu's Undo, a platform gesture, another layout's Z;
            // or Ctrl+Z in another field reaching into the page's one native
            // stack, which must leave the editor alone.
            "historyUndo" | "historyRedo" => {
                event.prevent_default();
                if has_focus(textarea) {
                    travel(if input_type == "historyUndo" {
                        draft.undo()
                    } else {
                        draft.redo()
                    });
                }
                return;
            }
            "insertText" if !event.is_composing() => {
                single_char(event.data()).and_then(|typed| pairs::type_char(&state, typed))
            }
            "deleteContentBackward" if !event.is_composing() => keys::backspace(&state),
            _ => None,
        };
        match edited {
            Some(edited) => {
                event.prevent_default();
                apply(&state, edited);
            }
            None => selection_before.set_value(Some((state.sel_start, state.sel_end))),
        }
    };

    let on_input = move |event: web_sys::Event| {
        tab_escapes.set_value(false);
        let Some(after) = current() else { return };
        let kind = match event.dyn_ref::<InputEvent>().map(InputEvent::input_type) {
            Some(t) if t == "insertText" || t == "insertCompositionText" => EditKind::Typing,
            Some(t) if t == "deleteContentBackward" || t == "deleteContentForward" => {
                EditKind::Deleting
            }
            _ => EditKind::Other,
        };
        let before = selection_before.get_value();
        selection_before.set_value(None);
        draft.edited(before, after, kind);
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
                on:beforeinput=on_beforeinput
                on:input=on_input
                on:focus=move |_| tab_escapes.set_value(false)
                on:keydown=on_keydown
            ></textarea>
        </div>
    }
}

fn has_focus(textarea: NodeRef<Textarea>) -> bool {
    let focused = document().active_element();
    textarea
        .get_untracked()
        .is_some_and(|element| focused.as_deref() == Some(element.as_ref()))
}

/// The key, with the Latin letter its position has where the layout types
/// another script (Ctrl+Я is Ctrl+Z), as the browser's own shortcuts do.
fn shortcut_key(event: &KeyboardEvent) -> String {
    let key = event.key();
    if key.is_ascii() {
        return key;
    }
    match event.code().as_str() {
        "KeyZ" => "z".into(),
        "KeyY" => "y".into(),
        _ => key,
    }
}

/// The one character typed, when exactly one was.
fn single_char(data: Option<String>) -> Option<char> {
    let data = data?;
    let mut chars = data.chars();
    let typed = chars.next()?;
    chars.next().is_none().then_some(typed)
}

/// Puts an entry of the submission history in the editor, cursor at its end.
fn recall(recalled: Option<String>) -> Option<EditorState> {
    recalled.map(keys::cursor_at_end)
}
