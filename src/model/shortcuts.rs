//! Every keyboard shortcut of the page, in one table: the shortcuts dialog
//! shows it and the README repeats it (a test keeps the two equal).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shortcut {
    /// As the reader presses them, e.g. `Ctrl+Enter`.
    pub keys: &'static str,
    pub action: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShortcutGroup {
    /// Where the keys work.
    pub place: &'static str,
    pub shortcuts: &'static [Shortcut],
}

pub const SHORTCUTS: &[ShortcutGroup] = &[
    ShortcutGroup {
        place: "In the editor",
        shortcuts: &[
            Shortcut {
                keys: "Ctrl+Enter, Cmd+Enter or Shift+Enter",
                action: "Run the code",
            },
            Shortcut {
                keys: "Esc, then Tab",
                action: "Leave the editor (Tab moves the focus on)",
            },
            Shortcut {
                keys: "Up on the first line, Down on the last",
                action: "Recall earlier and later submissions",
            },
            Shortcut {
                keys: "Tab / Shift+Tab",
                action: "Indent / dedent the line or the selected lines",
            },
            Shortcut {
                keys: "Ctrl+Z or Cmd+Z",
                action: "Undo",
            },
            Shortcut {
                keys: "Ctrl+Shift+Z, Ctrl+Y or Cmd+Shift+Z",
                action: "Redo",
            },
            Shortcut {
                keys: "Ctrl+/ or Cmd+/",
                action: "Comment or uncomment the touched lines",
            },
        ],
    },
    ShortcutGroup {
        place: "Elsewhere on the page",
        shortcuts: &[
            Shortcut {
                keys: "?",
                action: "Show these shortcuts",
            },
            Shortcut {
                keys: "Esc",
                action: "Close this list",
            },
        ],
    },
];

/// Whether a key press opens the shortcuts list: `?` without Ctrl, Cmd or
/// Alt, and not while typing in a field (the editor, Settings), where `?`
/// is text.
pub fn opens_list(key: &str, with_command_modifier: bool, in_text_field: bool) -> bool {
    key == "?" && !with_command_modifier && !in_text_field
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_editor_keys_are_all_listed() {
        let editor = &SHORTCUTS[0];
        let keys: Vec<&str> = editor
            .shortcuts
            .iter()
            .map(|shortcut| shortcut.keys)
            .collect();
        for expected in [
            "Ctrl+Enter",
            "Cmd+Enter",
            "Shift+Enter",
            "Esc, then Tab",
            "Up",
            "Down",
            "Tab",
            "Shift+Tab",
            "Ctrl+Z",
            "Cmd+Z",
            "Ctrl+Shift+Z",
            "Ctrl+Y",
            "Cmd+Shift+Z",
            "Ctrl+/",
            "Cmd+/",
        ] {
            assert!(
                keys.iter().any(|listed| listed.contains(expected)),
                "{expected} is missing from {keys:?}"
            );
        }
    }

    #[test]
    fn question_mark_opens_the_list_outside_text_fields() {
        assert!(opens_list("?", false, false));
        assert!(!opens_list("?", false, true), "typed in the editor");
        assert!(
            !opens_list("?", true, false),
            "a browser or system shortcut"
        );
        assert!(!opens_list("/", false, false));
    }
}
