//! REPL-style recall of earlier submissions with Up/Down.
//!
//! Like a shell: Up walks back through what was run, Down walks forward, and
//! walking past the newest entry brings back the unsent draft that was in the
//! editor when browsing began, so recalling history never loses typing.
//! Entries are never edited in place; changes to a recalled entry only live
//! in the editor until it is submitted as a new entry.

use serde::{Deserialize, Serialize};

/// The most entries kept; older ones are dropped first.
pub const MAX_ENTRIES: usize = 200;

/// Submitted code, oldest first, plus the browsing position.
///
/// Only the entries are stored: a browsing position or draft restored in
/// a later session would point at an editor state that no longer exists.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    #[serde(default)]
    entries: Vec<String>,
    /// The entry shown while browsing; `None` while editing the draft.
    #[serde(skip)]
    cursor: Option<usize>,
    #[serde(skip)]
    draft: String,
}

impl History {
    /// Records a submission and stops browsing. Blank code and a repeat of
    /// the last entry are not recorded.
    pub fn push(&mut self, code: &str) {
        self.cursor = None;
        self.draft.clear();
        if code.trim().is_empty() || self.entries.last().is_some_and(|last| last == code) {
            return;
        }
        self.entries.push(code.to_owned());
        if self.entries.len() > MAX_ENTRIES {
            let excess = self.entries.len() - MAX_ENTRIES;
            self.entries.drain(..excess);
        }
    }

    /// Up: the next older entry, or `None` when there is none. Starting to
    /// browse saves `current_text` as the draft.
    pub fn older(&mut self, current_text: &str) -> Option<String> {
        let index = match self.cursor {
            None => {
                let newest = self.entries.len().checked_sub(1)?;
                self.draft = current_text.to_owned();
                newest
            }
            Some(i) => i.checked_sub(1)?,
        };
        let entry = self.entries.get(index)?.clone();
        self.cursor = Some(index);
        Some(entry)
    }

    /// Down: the next newer entry, or the saved draft when leaving the newest
    /// one; `None` when not browsing. `current_text` is not needed here (an
    /// edited recall is simply left behind) but keeps the call symmetric with
    /// [`History::older`].
    pub fn newer(&mut self, _current_text: &str) -> Option<String> {
        let next = self.cursor? + 1;
        if let Some(entry) = self.entries.get(next) {
            self.cursor = Some(next);
            return Some(entry.clone());
        }
        self.cursor = None;
        Some(std::mem::take(&mut self.draft))
    }

    /// All entries, oldest first.
    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// Whether an entry (rather than the draft) is being shown.
    pub fn is_browsing(&self) -> bool {
        self.cursor.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(entries: &[&str]) -> History {
        let mut h = History::default();
        for e in entries {
            h.push(e);
        }
        h
    }

    #[test]
    fn browsing_walks_back_and_returns_the_draft() {
        let mut h = with(&["a = 1", "b = 2", "c = 3"]);
        assert!(!h.is_browsing());
        assert_eq!(h.older("draft"), Some("c = 3".into()));
        assert!(h.is_browsing());
        assert_eq!(h.older("c = 3"), Some("b = 2".into()));
        assert_eq!(h.older("b = 2"), Some("a = 1".into()));
        assert_eq!(h.older("a = 1"), None, "nothing older than the oldest");
        assert!(h.is_browsing());
        assert_eq!(h.newer("a = 1"), Some("b = 2".into()));
        assert_eq!(h.newer("b = 2"), Some("c = 3".into()));
        assert_eq!(h.newer("c = 3"), Some("draft".into()));
        assert!(!h.is_browsing());
        assert_eq!(h.newer("draft"), None);
    }

    #[test]
    fn the_draft_is_taken_when_browsing_starts() {
        let mut h = with(&["x"]);
        assert_eq!(h.older("first draft"), Some("x".into()));
        assert_eq!(h.newer("x edited"), Some("first draft".into()));
        assert_eq!(h.older("second draft"), Some("x".into()));
        assert_eq!(h.newer("x"), Some("second draft".into()));
        assert_eq!(h.entries(), ["x"], "edits never change entries");
    }

    #[test]
    fn empty_history_has_nothing_to_recall() {
        let mut h = History::default();
        assert_eq!(h.older("draft"), None);
        assert!(!h.is_browsing());
        assert_eq!(h.newer("draft"), None);
    }

    #[test]
    fn push_skips_blank_and_repeated_code() {
        let h = with(&["a", "", "  \n\t", "a", "b", "a"]);
        assert_eq!(h.entries(), ["a", "b", "a"]);
    }

    #[test]
    fn push_stops_browsing() {
        let mut h = with(&["a", "b"]);
        h.older("draft");
        h.older("b");
        h.push("c");
        assert!(!h.is_browsing());
        assert_eq!(h.older("new"), Some("c".into()));
        assert_eq!(h.newer("c"), Some("new".into()));
    }

    #[test]
    fn oldest_entries_are_dropped_past_the_cap() {
        let mut h = History::default();
        for i in 0..MAX_ENTRIES + 5 {
            h.push(&i.to_string());
        }
        assert_eq!(h.entries().len(), MAX_ENTRIES);
        assert_eq!(h.entries()[0], "5");
        assert_eq!(h.entries().last().map(String::as_str), Some("204"));
    }

    #[test]
    fn only_entries_are_persisted() {
        let mut h = with(&["print(1)", "x\ny"]);
        h.older("draft");
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(json, r#"{"entries":["print(1)","x\ny"]}"#);
        let back: History = serde_json::from_str(&json).unwrap();
        assert_eq!(back, with(&["print(1)", "x\ny"]));
        assert!(!back.is_browsing());
        assert_eq!(
            serde_json::from_str::<History>("{}").unwrap(),
            History::default()
        );
    }
}
