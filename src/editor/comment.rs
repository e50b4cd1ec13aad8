//! Ctrl/Cmd+/ : comments out the touched lines, or uncomments them when
//! every one of them is already a comment.

use super::keys::{EditorState, byte_selection, touched_line_starts, utf16_len};

const MARK: &str = "# ";

/// One change to the text: `remove` bytes at `at` replaced by `insert`.
struct Change {
    at: usize,
    remove: usize,
    insert: &'static str,
}

/// Toggles `# ` on every line the selection touches. Lines are commented at
/// the smallest indentation among them, so the block keeps its shape; blank
/// lines are left alone unless only blank lines are touched. The selection
/// moves with its text.
pub fn toggle_comment(state: &EditorState) -> EditorState {
    let text = &state.text;
    let (s, e) = byte_selection(state);
    // (start of the code after the indentation, end of the line)
    let lines: Vec<(usize, usize, usize)> = touched_line_starts(text, s, e)
        .into_iter()
        .map(|start| {
            let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            let line = &text[start..line_end];
            let code = start + line.len() - line.trim_start_matches([' ', '\t']).len();
            (start, code, line_end)
        })
        .collect();
    let written: Vec<_> = lines.iter().filter(|&&(_, code, end)| code < end).collect();
    let targets = if written.is_empty() {
        lines.iter().collect()
    } else {
        written
    };
    let uncomment = targets
        .iter()
        .all(|&&(_, code, _)| text[code..].starts_with('#'));
    let changes: Vec<Change> = if uncomment {
        targets
            .iter()
            .map(|&&(_, code, _)| Change {
                at: code,
                remove: if text[code..].starts_with(MARK) { 2 } else { 1 },
                insert: "",
            })
            .collect()
    } else {
        let indent = targets
            .iter()
            .map(|&&(start, code, _)| code - start)
            .min()
            .unwrap_or(0);
        targets
            .iter()
            .map(|&&(start, _, _)| Change {
                at: start + indent,
                remove: 0,
                insert: MARK,
            })
            .collect()
    };

    let mut new = String::with_capacity(text.len() + MARK.len() * changes.len());
    let mut done = 0;
    for change in &changes {
        new.push_str(&text[done..change.at]);
        new.push_str(change.insert);
        done = change.at + change.remove;
    }
    new.push_str(&text[done..]);
    // A cursor at an insertion moves after it, while a selection starting
    // there grows to take the mark in; a position inside a removed mark
    // lands where the mark was.
    let moved = |p: usize, stays_before: bool| {
        changes.iter().fold(p, |q, change| {
            if p < change.at || (p == change.at && stays_before) {
                q
            } else {
                q + change.insert.len() - change.remove.min(p - change.at)
            }
        })
    };
    EditorState {
        sel_start: utf16_len(&new[..moved(s, s < e)]),
        sel_end: utf16_len(&new[..moved(e, false)]),
        text: new,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` with `|` as the cursor or `«…»` around the selection.
    fn at(marked: &str) -> EditorState {
        let text: String = marked.chars().filter(|c| !"|«»".contains(*c)).collect();
        let unit = |c: char| {
            marked
                .find(c)
                .map(|i| marked[..i].chars().filter(|c| !"|«»".contains(*c)).count() as u32)
        };
        match unit('|') {
            Some(cursor) => EditorState {
                text,
                sel_start: cursor,
                sel_end: cursor,
            },
            None => EditorState {
                text,
                sel_start: unit('«').unwrap(),
                sel_end: unit('»').unwrap(),
            },
        }
    }

    fn show(state: &EditorState) -> String {
        let mut out: Vec<char> = state.text.chars().collect();
        let (s, e) = (state.sel_start as usize, state.sel_end as usize);
        if s == e {
            out.insert(s, '|');
        } else {
            out.insert(e, '»');
            out.insert(s, '«');
        }
        out.into_iter().collect()
    }

    fn toggled(marked: &str) -> String {
        show(&toggle_comment(&at(marked)))
    }

    #[test]
    fn comments_the_cursor_line() {
        assert_eq!(toggled("x = 1|"), "# x = 1|");
        assert_eq!(toggled("|x = 1"), "# |x = 1");
        assert_eq!(toggled("a\n    b|\nc"), "a\n    # b|\nc");
        assert_eq!(toggled("|"), "# |");
    }

    #[test]
    fn uncomments_with_or_without_the_space() {
        assert_eq!(toggled("# x = 1|"), "x = 1|");
        assert_eq!(toggled("    #x|"), "    x|");
        assert_eq!(toggled("#| x"), "|x");
        assert_eq!(toggled("  # |x"), "  |x");
    }

    #[test]
    fn selected_lines_at_their_smallest_indentation() {
        assert_eq!(
            toggled("«if x:\n    y = 1»\nz"),
            "«# if x:\n#     y = 1»\nz"
        );
        assert_eq!(toggled("    «a\n\n        b»"), "    «# a\n\n    #     b»");
        // A line that merely starts where the selection ends is not touched.
        assert_eq!(toggled("«a\n»b"), "«# a\n»b");
    }

    #[test]
    fn mixed_lines_are_commented_and_all_comments_uncommented() {
        assert_eq!(toggled("«# a\nb»"), "«# # a\n# b»");
        assert_eq!(toggled("«# if x:\n#     y = 1»"), "«if x:\n    y = 1»");
        assert_eq!(toggled("«  # a\n\n  # b»"), "«  a\n\n  b»");
    }

    #[test]
    fn toggling_twice_gives_the_text_back() {
        for marked in [
            "«if x:\n    y = 1\n»",
            "    x|",
            "«a\n\n  b»",
            "\u{e9}|\u{1f600}",
        ] {
            let state = at(marked);
            assert_eq!(toggle_comment(&toggle_comment(&state)).text, state.text);
        }
    }

    #[test]
    fn offsets_are_utf16() {
        let state = EditorState {
            text: "\u{1f600} = 1".into(),
            sel_start: 2,
            sel_end: 2,
        };
        let toggled = toggle_comment(&state);
        assert_eq!(toggled.text, "# \u{1f600} = 1");
        assert_eq!((toggled.sel_start, toggled.sel_end), (4, 4));
    }
}
