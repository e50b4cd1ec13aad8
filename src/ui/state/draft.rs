//! The editor's text and the history of submissions Up/Down recall.

use leptos::prelude::*;

use crate::model::history::History;
use crate::model::storage_keys;
use crate::ui::browser;

#[derive(Clone, Copy, Debug)]
pub struct Draft {
    text: RwSignal<String>,
    history: StoredValue<History>,
    /// A widget is a notebook cell: its code stays in the editor to be
    /// edited and rerun, and is never stored (the page holds it).
    is_widget: bool,
}

impl Draft {
    pub(super) fn new(text: String, history: History, is_widget: bool) -> Self {
        Draft {
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

    /// Replaces the text, and keeps it for the next visit (a widget's is not
    /// kept).
    pub fn set(&self, text: String) {
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
