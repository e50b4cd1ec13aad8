//! Ctrl/Cmd+/ : comments out the touched lines, or uncomments them when
//! every one of them is already a comment.

use super::keys::{EditorState, byte_selection, line_start, utf16_len};

const MARK: &str = "# ";

/// Toggles `# ` on every line the selection touches. Lines are commented at
/// the smallest indentation among them, so the block keeps its shape; blank
/// lines are left alone unless only blank lines are touched. The selection
/// moves with its text.
pub fn toggle_comment(state: &EditorState) -> EditorState {
    let text = &state.text;
    let (s, e) = byte_selection(state);
    let first = line_start(text, s);
    // A line that merely starts where the selection ends is not touched.
    let last = if e > s && text[..e].ends_with('\n') {
        e - 1
    } else {
        e
    };
    let end = text[last..].find('\n').map_or(text.len(), |i| last + i);
    let block = &text[first..end];

    let indent_of = |line: &str| line.len() - line.trim_start_matches([' ', '\t']).len();
    let written = |line: &str| indent_of(line) < line.len();
    let any_written = block.split('\n').any(written);
    let target = |line: &str| !any_written || written(line);
    let mut uncomment = true;
    let mut indent = usize::MAX;
    for line in block.split('\n').filter(|line| target(line)) {
        uncomment &= line[indent_of(line)..].starts_with('#');
        indent = indent.min(indent_of(line));
    }

    let mut new = String::with_capacity(text.len() + block.len());
    new.push_str(&text[..first]);
    let (mut new_s, mut new_e) = (s, e);
    let mut line_start = first;
    for line in block.split('\n') {
        if line_start > first {
            new.push('\n');
        }
        // This line's change: `removed` bytes at `at` replaced by `inserted`.
        let (at, removed, inserted) = match (target(line), uncomment) {
            (false, _) => (0, 0, ""),
            (true, true) => {
                let code = indent_of(line);
                (code, if line[code..].starts_with(MARK) { 2 } else { 1 }, "")
            }
            (true, false) => (indent, 0, MARK),
        };
        new.push_str(&line[..at]);
        new.push_str(inserted);
        new.push_str(&line[at + removed..]);
        // A cursor at an insertion moves after it, while a selection
        // starting there grows to take the mark in; a position inside a
        // removed mark lands where the mark was.
        let at = line_start + at;
        let moved = |old: usize, new: usize, stays_before: bool| {
            if old < at || (old == at && stays_before) {
                new
            } else {
                new + inserted.len() - removed.min(old - at)
            }
        };
        (new_s, new_e) = (moved(s, new_s, s < e), moved(e, new_e, false));
        line_start += line.len() + 1;
    }
    new.push_str(&text[end..]);
    EditorState {
        sel_start: utf16_len(&new[..new_s]),
        sel_end: utf16_len(&new[..new_e]),
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
