//! The editor's own undo history: every text the editor showed, with its
//! selection, which Ctrl/Cmd+Z and Ctrl+Shift+Z / Ctrl+Y walk through.
//!
//! Why not the textarea's native undo stack, kept alive by making every
//! scripted edit through `document.execCommand('insertText')`? Measured in
//! Chromium 156 with trusted key presses through WebDriver:
//! - `execCommand('insertText')` joins the typing step in progress: `if x:`,
//!   Enter (inserted by the command), `y = 1` came back as one step, and one
//!   Ctrl+Z emptied the editor; `abc`, Tab, `d` likewise. Tab and Enter could
//!   not be steps of their own.
//! - The native stack belongs to the page, not the field: after typing in
//!   another input, Ctrl+Z in the editor undid that input's typing.
//! - The command only edits a focused, editable textarea: a host's
//!   `set-code`, the editor emptied after Run, or a read-only widget's code
//!   would have had to steal focus or could not use it at all; and any
//!   `value` assignment corrupts the stack (`abc` typed, `xyz` assigned,
//!   then Ctrl+Z and Ctrl+Shift+Z gave `xyzabcabc`).
//!
//! So the editor records each change itself and restores texts by
//! assignment, which is safe once the native stack is never used. The
//! textarea stays a textarea (IME, mobile keyboards, screen readers).
//! Typing and deleting group as the browser groups them: a run of typed
//! characters, or of deletions, at a cursor nobody moved is one step; every
//! other change is a step of its own.

use super::keys::EditorState;

/// The most steps kept; the oldest go first.
pub const MAX_STEPS: usize = 500;

/// How a change may join the step before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditKind {
    /// A typed character, or an IME composition update.
    Typing,
    /// A character removed by Backspace or Delete.
    Deleting,
    /// Anything else (a key the editor handles, paste, cut, drop, recalled
    /// or replaced text): always a step of its own.
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UndoHistory {
    /// Oldest first; `states[at]` is what the editor shows.
    states: Vec<EditorState>,
    at: usize,
    /// The kind of the change that made `states[at]`, while more of the same
    /// may join it.
    run: Option<EditKind>,
}

impl UndoHistory {
    pub fn new(initial: EditorState) -> Self {
        UndoHistory {
            states: vec![initial],
            at: 0,
            run: None,
        }
    }

    pub fn current(&self) -> &EditorState {
        &self.states[self.at]
    }

    /// Records a change to `after`. `selection_before` is where the
    /// selection was just before it, when known: undoing puts it back there,
    /// and typing continues a step only from where the step left the cursor.
    /// A change that leaves the text as it was only moves the selection.
    pub fn record(
        &mut self,
        selection_before: Option<(u32, u32)>,
        after: EditorState,
        kind: EditKind,
    ) {
        let current = &mut self.states[self.at];
        let continues = kind != EditKind::Other
            && self.run == Some(kind)
            && current.sel_start == current.sel_end
            && selection_before == Some((current.sel_start, current.sel_end));
        if after.text == current.text {
            *current = after;
            self.run = None;
            return;
        }
        if let Some((start, end)) = selection_before {
            (current.sel_start, current.sel_end) = (start, end);
        }
        self.states.truncate(self.at + 1);
        if continues {
            self.states[self.at] = after;
        } else {
            self.states.push(after);
            self.at += 1;
            if self.states.len() > MAX_STEPS + 1 {
                self.states.remove(0);
                self.at -= 1;
            }
        }
        self.run = (kind != EditKind::Other).then_some(kind);
    }

    /// The state before the current one, which becomes current.
    pub fn undo(&mut self) -> Option<EditorState> {
        self.run = None;
        self.at = self.at.checked_sub(1)?;
        Some(self.current().clone())
    }

    /// The state after the current one, which becomes current.
    pub fn redo(&mut self) -> Option<EditorState> {
        self.run = None;
        if self.at + 1 == self.states.len() {
            return None;
        }
        self.at += 1;
        Some(self.current().clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(text: &str, cursor: u32) -> EditorState {
        EditorState {
            text: text.into(),
            sel_start: cursor,
            sel_end: cursor,
        }
    }

    /// Types `text` one character at a time, as the browser reports it.
    fn type_text(history: &mut UndoHistory, text: &str) {
        for c in text.chars() {
            let before = history.current().clone();
            let mut after = before.text.clone();
            after.insert(before.sel_start as usize, c);
            let cursor = before.sel_start + 1;
            history.record(
                Some((before.sel_start, before.sel_end)),
                state(&after, cursor),
                EditKind::Typing,
            );
        }
    }

    fn command(history: &mut UndoHistory, after: EditorState) {
        let before = history.current().clone();
        history.record(
            Some((before.sel_start, before.sel_end)),
            after,
            EditKind::Other,
        );
    }

    fn texts(steps: impl Iterator<Item = Option<EditorState>>) -> Vec<String> {
        steps
            .map(|s| s.map(|s| s.text).unwrap_or_default())
            .collect()
    }

    #[test]
    fn typing_enter_typing_undoes_and_redoes_step_by_step() {
        let mut history = UndoHistory::new(state("", 0));
        type_text(&mut history, "if x:");
        command(&mut history, state("if x:\n    ", 10));
        type_text(&mut history, "y = 1");
        let undone = texts((0..3).map(|_| history.undo()));
        assert_eq!(undone, ["if x:\n    ", "if x:", ""]);
        assert_eq!(history.undo(), None);
        let redone = texts((0..3).map(|_| history.redo()));
        assert_eq!(redone, ["if x:", "if x:\n    ", "if x:\n    y = 1"]);
        assert_eq!(history.redo(), None);
    }

    #[test]
    fn tab_is_a_step_between_two_runs_of_typing() {
        let mut history = UndoHistory::new(state("", 0));
        type_text(&mut history, "abc");
        command(&mut history, state("abc    ", 7));
        type_text(&mut history, "d");
        let undone = texts((0..3).map(|_| history.undo()));
        assert_eq!(undone, ["abc    ", "abc", ""]);
        assert_eq!(history.redo().unwrap(), state("abc", 3));
    }

    #[test]
    fn undo_restores_the_selection_before_the_change() {
        let mut history = UndoHistory::new(state("ab\ncd", 5));
        // The user selects both lines, then Tab indents them.
        let indented = EditorState {
            text: "    ab\n    cd".into(),
            sel_start: 4,
            sel_end: 13,
        };
        history.record(Some((0, 5)), indented.clone(), EditKind::Other);
        let undone = history.undo().unwrap();
        assert_eq!((undone.sel_start, undone.sel_end), (0, 5));
        assert_eq!(history.redo().unwrap(), indented);
    }

    #[test]
    fn moving_the_cursor_starts_a_new_step() {
        let mut history = UndoHistory::new(state("", 0));
        type_text(&mut history, "ab");
        // A click puts the cursor at the start; typing there is new.
        history.record(Some((0, 0)), state("xab", 1), EditKind::Typing);
        assert_eq!(history.undo().unwrap(), state("ab", 0));
        assert_eq!(history.undo().unwrap().text, "");
    }

    #[test]
    fn deleting_runs_group_but_not_with_typing() {
        let mut history = UndoHistory::new(state("", 0));
        type_text(&mut history, "abc");
        history.record(Some((3, 3)), state("ab", 2), EditKind::Deleting);
        history.record(Some((2, 2)), state("a", 1), EditKind::Deleting);
        type_text(&mut history, "z");
        assert_eq!(texts((0..3).map(|_| history.undo())), ["a", "abc", ""]);
    }

    #[test]
    fn an_unknown_prior_selection_never_joins_a_step() {
        let mut history = UndoHistory::new(state("", 0));
        type_text(&mut history, "a");
        history.record(None, state("ab", 2), EditKind::Typing);
        assert_eq!(history.undo().unwrap().text, "a");
    }

    #[test]
    fn a_new_change_after_undo_drops_the_redo_branch() {
        let mut history = UndoHistory::new(state("", 0));
        type_text(&mut history, "a");
        command(&mut history, state("a    ", 5));
        history.undo();
        type_text(&mut history, "b");
        assert_eq!(history.redo(), None);
        assert_eq!(texts((0..2).map(|_| history.undo())), ["a", ""]);
    }

    #[test]
    fn typing_after_undo_does_not_rewrite_the_older_step() {
        let mut history = UndoHistory::new(state("", 0));
        type_text(&mut history, "ab");
        command(&mut history, state("ab    ", 6));
        history.undo();
        type_text(&mut history, "c");
        assert_eq!(texts((0..2).map(|_| history.undo())), ["ab", ""]);
    }

    #[test]
    fn a_change_to_the_same_text_only_moves_the_selection() {
        let mut history = UndoHistory::new(state("", 0));
        type_text(&mut history, "f()");
        // Typing `)` before `)` steps over it: same text, cursor moved.
        history.record(Some((2, 2)), state("f()", 3), EditKind::Other);
        assert_eq!(history.current(), &state("f()", 3));
        type_text(&mut history, "x");
        assert_eq!(texts((0..2).map(|_| history.undo())), ["f()", ""]);
    }

    #[test]
    fn the_oldest_steps_go_beyond_the_limit() {
        let mut history = UndoHistory::new(state("", 0));
        for i in 0..MAX_STEPS + 10 {
            command(&mut history, state(&i.to_string(), 0));
        }
        let mut undone = 0;
        while history.undo().is_some() {
            undone += 1;
        }
        assert_eq!(undone, MAX_STEPS);
        assert_eq!(history.current().text, "9");
    }
}
