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

/// Defines [`SHORTCUTS`] and [`TABLES_HTML`] from one list, so the dialog's
/// markup is a constant of the build (no code in the wasm makes it) that
/// cannot drift from the table.
macro_rules! shortcuts {
    ($($place:literal { $($keys:literal => $action:literal,)* })*) => {
        pub const SHORTCUTS: &[ShortcutGroup] = &[$(ShortcutGroup {
            place: $place,
            shortcuts: &[$(Shortcut { keys: $keys, action: $action },)*],
        },)*];

        /// The table as the dialog shows it: a `<table>` per place, its
        /// caption the place. No text in it needs escaping (a test checks).
        pub const TABLES_HTML: &str = concat!($(
            "<table><caption>", $place, "</caption>",
            $("<tr><td><kbd>", $keys, "</kbd></td><td>", $action, "</td></tr>",)*
            "</table>",
        )*);
    };
}

shortcuts! {
    "In the editor" {
        "Ctrl+Enter, Cmd+Enter or Shift+Enter" => "Run the code",
        "Esc, then Tab" => "Leave the editor",
        "Up on the first line, Down on the last" => "Earlier / later submissions",
        "Tab / Shift+Tab" => "Indent / dedent the lines",
        "Ctrl+Z or Cmd+Z" => "Undo",
        "Ctrl+Shift+Z, Ctrl+Y or Cmd+Shift+Z" => "Redo",
        "Ctrl+/ or Cmd+/" => "Comment / uncomment the lines",
    }
    "Elsewhere on the page" {
        "?" => "Show this list",
        "Esc" => "Close this list",
    }
}

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
    fn the_markup_is_the_table_and_needs_no_escaping() {
        let mut expected = String::new();
        for group in SHORTCUTS {
            expected += &format!("<table><caption>{}</caption>", group.place);
            for shortcut in group.shortcuts {
                for text in [shortcut.keys, shortcut.action] {
                    assert!(!text.contains(['<', '>', '&', '"']), "{text}");
                }
                expected += &format!(
                    "<tr><td><kbd>{}</kbd></td><td>{}</td></tr>",
                    shortcut.keys, shortcut.action
                );
            }
            expected += "</table>";
        }
        assert_eq!(TABLES_HTML, expected);
        assert_eq!(SHORTCUTS.len(), 2);
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
