//! Pure text edits behind the code editor's Tab, Shift+Tab, Enter, Backspace
//! and Up/Down.
//!
//! The editor is a plain `<textarea>`, so the keys a code editor needs are
//! implemented here as functions from one text+selection state to the next,
//! which keeps them testable without a browser. Browsers report selection
//! offsets in UTF-16 code units, so the API speaks UTF-16 and converts to
//! byte offsets internally; mixing the two up breaks on "é" and emoji.

/// The editor's text and selection, offsets in UTF-16 code units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditorState {
    pub text: String,
    pub sel_start: u32,
    pub sel_end: u32,
}

/// One indentation level.
pub const INDENT: &str = "    ";

const WIDTH: usize = INDENT.len();

/// Tab: indent to the next tab stop at the cursor, or indent every line of a
/// multi-line selection while keeping the same text selected.
pub fn indent(state: &EditorState) -> EditorState {
    let text = &state.text;
    let (s, e) = byte_selection(state);
    if !text[s..e].contains('\n') {
        let spaces = WIDTH - column(&text[line_start(text, s)..s]) % WIDTH;
        let mut new = String::with_capacity(text.len() + spaces);
        new.push_str(&text[..s]);
        new.push_str(&INDENT[..spaces]);
        new.push_str(&text[e..]);
        let cursor = utf16_len(&new[..s + spaces]);
        return collapsed(new, cursor);
    }
    let starts = touched_line_starts(text, s, e);
    let mut new = String::with_capacity(text.len() + WIDTH * starts.len());
    let mut done = 0;
    for &start in &starts {
        new.push_str(&text[done..start]);
        new.push_str(INDENT);
        done = start;
    }
    new.push_str(&text[done..]);
    // The first touched line starts at or before `s` and the others strictly
    // between `s` and `e`, so `s` moves past one indent and `e` past them all.
    let (new_s, new_e) = (s + WIDTH, e + WIDTH * starts.len());
    EditorState {
        sel_start: utf16_len(&new[..new_s]),
        sel_end: utf16_len(&new[..new_e]),
        text: new,
    }
}

/// Shift+Tab: remove up to one level (four spaces or a tab) from the start of
/// every touched line, moving the selection with its text but never before
/// the start of its line.
pub fn dedent(state: &EditorState) -> EditorState {
    let text = &state.text;
    let (s, e) = byte_selection(state);
    let removals: Vec<(usize, usize)> = touched_line_starts(text, s, e)
        .into_iter()
        .map(|start| {
            let line = &text.as_bytes()[start..];
            let n = if line.first() == Some(&b'\t') {
                1
            } else {
                line.iter().take(WIDTH).take_while(|&&b| b == b' ').count()
            };
            (start, n)
        })
        .filter(|&(_, n)| n > 0)
        .collect();
    let mut new = String::with_capacity(text.len());
    let mut done = 0;
    for &(start, n) in &removals {
        new.push_str(&text[done..start]);
        done = start + n;
    }
    new.push_str(&text[done..]);
    let shift = |p: usize| {
        removals.iter().fold(p, |q, &(start, n)| {
            // Inside the removed run the position collapses onto the line start.
            q - n.min(p.saturating_sub(start))
        })
    };
    let (new_s, new_e) = (shift(s), shift(e));
    EditorState {
        sel_start: utf16_len(&new[..new_s]),
        sel_end: utf16_len(&new[..new_e]),
        text: new,
    }
}

/// Enter: a newline keeping the current indentation, one level deeper after a
/// line ending in `:` (comments and trailing spaces aside), one level
/// shallower after `return`, `pass`, `break`, `continue` or `raise`.
pub fn newline(state: &EditorState) -> EditorState {
    let text = &state.text;
    let (s, e) = byte_selection(state);
    let before = &text[line_start(text, s)..s];
    let code_start = before.len() - before.trim_start_matches([' ', '\t']).len();
    let mut indent = before[..code_start].to_owned();
    let (code, open_brackets) = code_part(before);
    let code = code.trim_end();
    if code.ends_with(':') {
        indent.push_str(INDENT);
    } else if open_brackets <= 0 && ends_block(code.trim_start()) {
        dedent_once(&mut indent);
    }
    let mut new = String::with_capacity(text.len() + 1 + indent.len());
    new.push_str(&text[..s]);
    new.push('\n');
    new.push_str(&indent);
    let cursor = utf16_len(&new);
    new.push_str(&text[e..]);
    collapsed(new, cursor)
}

/// Backspace at an unselected cursor: between an empty pair of brackets or
/// quotes it removes both; in a line's leading whitespace it removes one
/// level (back to the previous tab stop). `None` when the browser's own
/// one-character delete is already right.
pub fn backspace(state: &EditorState) -> Option<EditorState> {
    let text = &state.text;
    let (s, e) = byte_selection(state);
    if s != e || s == 0 {
        return None;
    }
    if let Some(opener) = super::pairs::empty_pair_before(text, s) {
        let mut new = String::with_capacity(text.len());
        new.push_str(&text[..opener]);
        new.push_str(&text[s + 1..]);
        let cursor = utf16_len(&text[..opener]);
        return Some(collapsed(new, cursor));
    }
    let start = line_start(text, s);
    let before = &text[start..s];
    if !before.bytes().all(|b| b == b' ' || b == b'\t') {
        return None;
    }
    let mut indent = before.to_owned();
    dedent_once(&mut indent);
    if before.len() - indent.len() < 2 {
        return None;
    }
    let mut new = String::with_capacity(text.len());
    new.push_str(&text[..start]);
    new.push_str(&indent);
    let cursor = utf16_len(&new);
    new.push_str(&text[s..]);
    Some(collapsed(new, cursor))
}

/// Up recalls history only from the first line of an unselected cursor.
pub fn cursor_on_first_line(state: &EditorState) -> bool {
    let (s, e) = byte_selection(state);
    s == e && !state.text[..s].contains('\n')
}

/// Down recalls history only from the last line of an unselected cursor.
pub fn cursor_on_last_line(state: &EditorState) -> bool {
    let (s, e) = byte_selection(state);
    s == e && !state.text[s..].contains('\n')
}

/// `text` with the cursor at its end, where a browser puts it when a
/// script replaces a textarea's text.
pub fn cursor_at_end(text: String) -> EditorState {
    let end = utf16_len(&text);
    collapsed(text, end)
}

pub(super) fn collapsed(text: String, cursor: u32) -> EditorState {
    EditorState {
        text,
        sel_start: cursor,
        sel_end: cursor,
    }
}

/// The selection as ordered byte offsets, clamped to the text.
pub(super) fn byte_selection(state: &EditorState) -> (usize, usize) {
    let (a, b) = (state.sel_start, state.sel_end);
    (
        byte_offset(&state.text, a.min(b)),
        byte_offset(&state.text, a.max(b)),
    )
}

/// The byte offset of a UTF-16 offset; one inside a surrogate pair rounds up
/// to the end of that character, and one past the end clamps to it.
pub(super) fn byte_offset(text: &str, utf16: u32) -> usize {
    let mut units = 0u32;
    for (i, c) in text.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    text.len()
}

pub(super) fn utf16_len(text: &str) -> u32 {
    u32::try_from(text.encode_utf16().count()).unwrap_or(u32::MAX)
}

pub(super) fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map_or(0, |i| i + 1)
}

/// The line containing `s`, plus each line starting strictly inside the
/// selection: a line that merely starts at `e` has nothing of it selected.
pub(super) fn touched_line_starts(text: &str, s: usize, e: usize) -> Vec<usize> {
    let first = line_start(text, s);
    let mut starts = vec![first];
    starts.extend(
        text[first..e]
            .match_indices('\n')
            .map(|(i, _)| first + i + 1)
            .filter(|&start| start < e),
    );
    starts
}

/// Display column, with tabs advancing to the next tab stop.
fn column(line_prefix: &str) -> usize {
    line_prefix.chars().fold(0, |col, c| {
        if c == '\t' {
            col + WIDTH - col % WIDTH
        } else {
            col + 1
        }
    })
}

/// The line without its `# comment`, and how many brackets it leaves open.
/// Quotes are tracked so a `#` or bracket inside a string does not count.
fn code_part(line: &str) -> (&str, i32) {
    let mut quote = None;
    let mut escaped = false;
    let mut depth = 0;
    for (i, c) in line.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '#' => return (&line[..i], depth),
            '\'' | '"' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
    }
    (line, depth)
}

/// Whether a statement ends its block, so the next line goes one level out.
fn ends_block(stmt: &str) -> bool {
    ["return", "pass", "break", "continue", "raise"]
        .iter()
        .any(|kw| {
            stmt.strip_prefix(kw)
                .is_some_and(|rest| !rest.starts_with(crate::render::highlight::is_ident_char))
        })
}

/// Removes one level: a tab, or spaces back to the previous tab stop.
fn dedent_once(indent: &mut String) {
    if indent.ends_with('\t') {
        indent.pop();
        return;
    }
    let spaces = indent.len() - indent.trim_end_matches(' ').len();
    let remove = match spaces % WIDTH {
        0 => spaces.min(WIDTH),
        partial => partial,
    };
    indent.truncate(indent.len() - remove);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a state from text marked with `|` (cursor) or `«…»` (selection).
    fn at(marked: &str) -> EditorState {
        let units = |s: &str| s.encode_utf16().count() as u32;
        if let Some(cursor) = marked.find('|') {
            let text = marked.replacen('|', "", 1);
            let c = units(&marked[..cursor]);
            return EditorState {
                text,
                sel_start: c,
                sel_end: c,
            };
        }
        let open = marked.find('«').unwrap();
        let close = marked.find('»').unwrap();
        let text = marked.replacen('«', "", 1).replacen('»', "", 1);
        EditorState {
            sel_start: units(&marked[..open]),
            sel_end: units(&marked[..close]) - 1,
            text,
        }
    }

    /// The inverse of [`at`], checking the offsets against UTF-16 directly.
    fn show(state: &EditorState) -> String {
        let units: Vec<u16> = state.text.encode_utf16().collect();
        let part = |a: u32, b: u32| String::from_utf16(&units[a as usize..b as usize]).unwrap();
        let (s, e, end) = (state.sel_start, state.sel_end, units.len() as u32);
        if s == e {
            format!("{}|{}", part(0, s), part(s, end))
        } else {
            format!("{}«{}»{}", part(0, s), part(s, e), part(e, end))
        }
    }

    #[test]
    fn markers_round_trip() {
        for m in ["a|b", "\u{1f600}«\u{e9}\nx»y", "|"] {
            assert_eq!(show(&at(m)), m);
        }
    }

    #[test]
    fn tab_inserts_to_the_next_stop() {
        assert_eq!(show(&indent(&at("|x"))), "    |x");
        assert_eq!(show(&indent(&at("ab|cd"))), "ab  |cd");
        assert_eq!(show(&indent(&at("abcd|"))), "abcd    |");
        assert_eq!(show(&indent(&at("\t|x"))), "\t    |x");
        assert_eq!(show(&indent(&at("\u{1f600}|"))), "\u{1f600}   |");
        assert_eq!(show(&indent(&at("a\n\u{e9}\u{e9}|"))), "a\n\u{e9}\u{e9}  |");
        assert_eq!(show(&indent(&at("a«bc»d"))), "a   |d");
    }

    #[test]
    fn tab_indents_selected_lines() {
        assert_eq!(show(&indent(&at("«ab\ncd»\nef"))), "    «ab\n    cd»\nef");
        assert_eq!(
            show(&indent(&at("x\na«b\n\nc»d"))),
            "x\n    a«b\n    \n    c»d"
        );
        assert_eq!(show(&indent(&at("«ab\n»cd"))), "    «ab\n»cd");
        assert_eq!(
            show(&indent(&at("\u{e9}«x\n\u{1f600}y»"))),
            "    \u{e9}«x\n    \u{1f600}y»"
        );
    }

    #[test]
    fn shift_tab_removes_one_level() {
        assert_eq!(show(&dedent(&at("    x|"))), "x|");
        assert_eq!(show(&dedent(&at("      x|"))), "  x|");
        assert_eq!(show(&dedent(&at("\t\tx|"))), "\tx|");
        assert_eq!(show(&dedent(&at("  |  x"))), "|x");
        assert_eq!(show(&dedent(&at("x|"))), "x|");
        assert_eq!(show(&dedent(&at("a\n    \u{1f600}|"))), "a\n\u{1f600}|");
    }

    #[test]
    fn shift_tab_on_selected_lines() {
        assert_eq!(show(&dedent(&at("«    a\n  b\nc»"))), "«a\nb\nc»");
        assert_eq!(show(&dedent(&at("  «  a\n    b»"))), "«a\nb»");
        assert_eq!(show(&dedent(&at("    «a\n»    b"))), "«a\n»    b");
        assert_eq!(
            show(&dedent(&at("    \u{e9}«\u{e9}\n    \u{1f600}»x"))),
            "\u{e9}«\u{e9}\n\u{1f600}»x"
        );
    }

    #[test]
    fn enter_keeps_and_adjusts_indentation() {
        assert_eq!(show(&newline(&at("x = 1|"))), "x = 1\n|");
        assert_eq!(show(&newline(&at("    x = 1|"))), "    x = 1\n    |");
        assert_eq!(show(&newline(&at("if x:|"))), "if x:\n    |");
        assert_eq!(
            show(&newline(&at("  def f():  # note: |"))),
            "  def f():  # note: \n      |"
        );
        assert_eq!(show(&newline(&at("x = '#:'|"))), "x = '#:'\n|");
        assert_eq!(show(&newline(&at("x = {1:|"))), "x = {1:\n    |");
        assert_eq!(show(&newline(&at("if x:«abc»\ny"))), "if x:\n    |\ny");
        assert_eq!(
            show(&newline(&at("    \u{e9} = '\u{1f600}'|"))),
            "    \u{e9} = '\u{1f600}'\n    |"
        );
        assert_eq!(show(&newline(&at("if x:| pass"))), "if x:\n    | pass");
    }

    #[test]
    fn enter_dedents_after_block_enders() {
        assert_eq!(show(&newline(&at("    return x|"))), "    return x\n|");
        assert_eq!(show(&newline(&at("        pass|"))), "        pass\n    |");
        assert_eq!(
            show(&newline(&at("      break  # done|"))),
            "      break  # done\n    |"
        );
        assert_eq!(show(&newline(&at("\tcontinue|"))), "\tcontinue\n|");
        assert_eq!(
            show(&newline(&at("    raise ValueError()|"))),
            "    raise ValueError()\n|"
        );
        assert_eq!(
            show(&newline(&at("    return_value = 1|"))),
            "    return_value = 1\n    |"
        );
        assert_eq!(
            show(&newline(&at("    passé = 1|"))),
            "    passé = 1\n    |"
        );
        assert_eq!(
            show(&newline(&at("    return f(|"))),
            "    return f(\n    |"
        );
        assert_eq!(show(&newline(&at("pass|"))), "pass\n|");
    }

    #[test]
    fn backspace_removes_one_indent_level() {
        let back = |m: &str| backspace(&at(m)).map(|s| show(&s));
        assert_eq!(back("    |").as_deref(), Some("|"));
        assert_eq!(back("x\n        |y").as_deref(), Some("x\n    |y"));
        assert_eq!(back("      |").as_deref(), Some("    |"));
        assert_eq!(back("  |  x").as_deref(), Some("|  x"));
        // One character: the browser's own Backspace does the same.
        assert_eq!(back("     |"), None);
        assert_eq!(back("\t\t|"), None);
        // Not leading whitespace, a selection, the very start.
        assert_eq!(back("x    |"), None);
        assert_eq!(back("«    »"), None);
        assert_eq!(back("|    "), None);
        assert_eq!(back("\u{1f600}\n    |").as_deref(), Some("\u{1f600}\n|"));
    }

    #[test]
    fn backspace_removes_an_empty_pair() {
        let back = |m: &str| backspace(&at(m)).map(|s| show(&s));
        assert_eq!(back("f(|)").as_deref(), Some("f|"));
        assert_eq!(back("x = [|]").as_deref(), Some("x = |"));
        assert_eq!(back("{|}").as_deref(), Some("|"));
        assert_eq!(back("x = '|'").as_deref(), Some("x = |"));
        assert_eq!(
            back("\u{e9}\"|\"\u{1f600}").as_deref(),
            Some("\u{e9}|\u{1f600}")
        );
        // Not a pair, not empty, or inside a string or comment.
        assert_eq!(back("(|]"), None);
        assert_eq!(back("(x|)"), None);
        assert_eq!(back("'a(|)'"), None);
        assert_eq!(back("# f(|)"), None);
        // The pair check comes first: `    (|)` is not leading whitespace.
        assert_eq!(back("    (|)").as_deref(), Some("    |"));
    }

    #[test]
    fn first_and_last_line() {
        let cases = [
            ("a|\nb", true, false),
            ("a\nb|", false, true),
            ("ab|", true, true),
            ("|", true, true),
            ("«a»", false, false),
            ("\u{1f600}|\nx", true, false),
            ("\u{1f600}\n|x", false, true),
        ];
        for (m, first, last) in cases {
            assert_eq!(cursor_on_first_line(&at(m)), first, "{m}");
            assert_eq!(cursor_on_last_line(&at(m)), last, "{m}");
        }
    }

    #[test]
    fn odd_offsets_are_clamped_and_rounded() {
        let past_end = EditorState {
            text: "ab".into(),
            sel_start: 9,
            sel_end: 7,
        };
        assert_eq!(show(&indent(&past_end)), "ab  |");
        let mid_pair = EditorState {
            text: "\u{1f600}x".into(),
            sel_start: 1,
            sel_end: 1,
        };
        assert_eq!(show(&newline(&mid_pair)), "\u{1f600}\n|x");
    }
}
