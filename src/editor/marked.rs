//! Editor states written as text for the tests: `|` is the cursor, `«…»`
//! a selection.

use super::keys::EditorState;

/// `text` with `|` as the cursor or `«…»` around the selection.
pub fn at(marked: &str) -> EditorState {
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

pub fn show(state: &EditorState) -> String {
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
