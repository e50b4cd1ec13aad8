//! The editor's text, its undo history, and the history of submissions
//! Up/Down recall.

use leptos::prelude::*;

use crate::editor::keys::{EditorState, cursor_at_end};
use crate::editor::undo::{EditKind, UndoHistory};
use crate::model::history::History;
use crate::model::storage_keys;
use crate::ui::browser;

#[derive(Clone, Copy, Debug)]
pub struct Draft {
    text: RwSignal<String>,
    /// Every text the editor showed, for undo and redo.
    edits: StoredValue<UndoHistory>,
    history: StoredValue<History>,
    /// A widget is a notebook cell: its code stays in the editor to be
    /// edited and rerun, and is never stored (the page holds it).
    is_widget: bool,
}

impl Draft {
    pub(super) fn new(text: String, history: History, is_widget: bool) -> Self {
        Draft {
            edits: StoredValue::new(UndoHistory::new(cursor_at_end(text.clone()))),
            text: RwSignal::new(text),
            history: StoredValue::new(history),
            is_widget,
        }
    }

    pub fn text(&self) -> String {
        self.text.get()
    }

    pub(super) fn current(&self) -> String {
        self.text.get_untracked()
    }

    /// Replaces the text from outside the editor (a link, the host page, a
    /// run emptying it): one undo step, with the cursor at the end, where
    /// the browser puts it.
    pub fn set(&self, text: String) {
        self.edits
            .update_value(|edits| edits.record(None, cursor_at_end(text.clone()), EditKind::Other));
        self.show(text);
    }

    /// Records a change the editor made or saw (`selection_before`: where the
    /// selection was just before it, when known).
    pub fn edited(&self, selection_before: Option<(u32, u32)>, after: EditorState, kind: EditKind) {
        let text = after.text.clone();
        self.edits
            .update_value(|edits| edits.record(selection_before, after, kind));
        self.show(text);
    }

    /// Steps back to the text before, which the editor then shows.
    pub fn undo(&self) -> Option<EditorState> {
        self.travel(UndoHistory::undo)
    }

    pub fn redo(&self) -> Option<EditorState> {
        self.travel(UndoHistory::redo)
    }

    fn travel(&self, step: fn(&mut UndoHistory) -> Option<EditorState>) -> Option<EditorState> {
        let mut reached = None;
        self.edits.update_value(|edits| reached = step(edits));
        let state = reached?;
        self.show(state.text.clone());
        Some(state)
    }

    /// Shows `text`, and keeps it for the next visit (a widget's is not
    /// kept).
    fn show(&self, text: String) {
        self.text.set(text);
        self.save();
    }

    fn save(&self) {
        if !self.is_widget {
            browser::store(storage_keys::DRAFT, &self.text.get_untracked());
        }
    }

    /// Records `code` as submitted; the full page's editor is emptied.
    pub(super) fn submitted(&self, code: &str) {
        self.history.update_value(|history| history.push(code));
        if !self.is_widget {
            self.set(String::new());
        }
    }

    /// The submission before the one shown (`text` is the editor's text, kept
    /// to come back to).
    pub fn older(&self, text: &str) -> Option<String> {
        let mut recalled = None;
        self.history
            .update_value(|history| recalled = history.older(text));
        recalled
    }

    pub fn newer(&self, text: &str) -> Option<String> {
        let mut recalled = None;
        self.history
            .update_value(|history| recalled = history.newer(text));
        recalled
    }

    pub(super) fn history(&self) -> History {
        self.history.get_value()
    }
}
