//! Brackets and quotes that close as they are typed.
//!
//! The rules are CodeMirror's `closeBrackets` ones, which Jupyter users
//! know, judged statelessly from the text: an opener gets its closer when
//! the cursor is in code and nothing word-like follows; a closer typed in
//! front of the same closer steps over it; a selection gets wrapped. In a
//! string or a comment only wrapping and stepping out of the string apply,
//! since an apostrophe or a bracket there is prose.

use super::keys::{EditorState, byte_selection, collapsed, utf16_len};
use crate::render::highlight::{self, TokenKind, is_ident_char, is_string_prefix};

const PAIRS: [(char, char); 5] = [('(', ')'), ('[', ']'), ('{', '}'), ('\'', '\''), ('"', '"')];

/// What a position in Python source is inside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Context {
    Code,
    Comment,
    /// A string, and where it ends if it is closed.
    String {
        closed_at: Option<usize>,
    },
}

/// Typing `typed` over the selection, when it is a bracket or a quote and
/// that means more than inserting it; `None` leaves the key to the browser.
pub fn type_char(state: &EditorState, typed: char) -> Option<EditorState> {
    let text = &state.text;
    let (s, e) = byte_selection(state);
    let &(open, close) = PAIRS.iter().find(|&&(o, c)| o == typed || c == typed)?;
    if s != e {
        // A closer typed over a selection replaces it, as any character does.
        return (typed == open).then(|| wrap(state, s, e, open, close));
    }
    let next = text[s..].chars().next();
    let context = context_at(text, s);
    if open == close {
        if let Context::String {
            closed_at: Some(end),
        } = context
        {
            // Typing the closing quote (or one of `"""`) steps over it.
            if text[s..end].chars().all(|c| c == typed) {
                return Some(collapsed(text.clone(), state.sel_start + 1));
            }
        }
        if context != Context::Code || !closes_before(next) {
            return None;
        }
        let before = &text[..s];
        let empty_string: String = [typed; 2].iter().collect();
        let pair: String = if before.ends_with(empty_string.as_str()) {
            // `""` then `"`: a docstring is opened; close it as one.
            [typed; 4].iter().collect()
        } else if quote_may_open(before, typed) {
            [typed; 2].iter().collect()
        } else {
            return None;
        };
        return Some(insert_at_cursor(state, s, &pair));
    }
    if context != Context::Code {
        return None;
    }
    if typed == close {
        return (next == Some(close)).then(|| collapsed(text.clone(), state.sel_start + 1));
    }
    let pair: String = [open, close].iter().collect();
    closes_before(next).then(|| insert_at_cursor(state, s, &pair))
}

/// The byte offset of the opener when the cursor at `pos` sits between an
/// empty pair typed in code, which Backspace removes together.
pub(super) fn empty_pair_before(text: &str, pos: usize) -> Option<usize> {
    let before = text[..pos].chars().next_back()?;
    let after = text[pos..].chars().next()?;
    let opener = pos - before.len_utf8();
    (PAIRS.contains(&(before, after)) && context_at(text, opener) == Context::Code)
        .then_some(opener)
}

fn wrap(state: &EditorState, s: usize, e: usize, open: char, close: char) -> EditorState {
    let text = &state.text;
    let mut new = String::with_capacity(text.len() + 2);
    new.push_str(&text[..s]);
    new.push(open);
    new.push_str(&text[s..e]);
    new.push(close);
    new.push_str(&text[e..]);
    let start = utf16_len(&text[..s]) + 1;
    EditorState {
        text: new,
        sel_start: start,
        sel_end: start + utf16_len(&text[s..e]),
    }
}

/// Inserts `pair` at the cursor `s`, leaving the cursor after its first
/// half (one character, or three for a docstring's quotes).
fn insert_at_cursor(state: &EditorState, s: usize, pair: &str) -> EditorState {
    let text = &state.text;
    let mut new = String::with_capacity(text.len() + pair.len());
    new.push_str(&text[..s]);
    new.push_str(pair);
    new.push_str(&text[s..]);
    // Every pair is ASCII: its first half is one unit per byte.
    let first_half = if pair.len() == 4 { 1 } else { pair.len() / 2 };
    collapsed(new, utf16_len(&text[..s]) + first_half as u32)
}

/// Whether a closer may be added in front of `next`: at the end, before
/// space, or before what ends an expression, never before a word.
fn closes_before(next: Option<char>) -> bool {
    next.is_none_or(|c| c.is_whitespace() || matches!(c, ')' | ']' | '}' | ',' | ':' | ';'))
}

/// A quote opens a string after an operator or space, or after a string
/// prefix (`f"`, `rb'`), but not after a word (`don't`) or the same quote.
fn quote_may_open(before: &str, quote: char) -> bool {
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_ident_char(c))
        .last()
        .map_or(before.len(), |(i, _)| i);
    let word = &before[word_start..];
    let prev = before[..word_start].chars().next_back();
    (word.is_empty() || is_string_prefix(word)) && prev != Some(quote)
}

/// What `pos` is inside, read from the highlighter's tokens: a position
/// right after a closed string is code again, while one at the end of an
/// unterminated string or of a comment is still inside it.
fn context_at(text: &str, pos: usize) -> Context {
    for token in highlight::tokenize(text) {
        if token.start >= pos {
            break;
        }
        if token.end < pos {
            continue;
        }
        match token.kind {
            TokenKind::Comment => return Context::Comment,
            TokenKind::String => {
                let closed = is_closed(&text[token.start..token.end]);
                if pos < token.end || !closed {
                    return Context::String {
                        closed_at: closed.then_some(token.end),
                    };
                }
            }
            _ => {}
        }
    }
    Context::Code
}

/// Whether a string token ends with its closing quote(s) rather than at the
/// end of its line or of the text; a quote after an odd run of backslashes
/// is escaped.
fn is_closed(token: &str) -> bool {
    let body = token.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let Some(quote) = body.chars().next() else {
        return false;
    };
    let triple: String = [quote; 3].iter().collect();
    let opener = if body.starts_with(&triple) { 3 } else { 1 };
    if body.len() < 2 * opener || !body[opener..].ends_with(&triple[..opener]) {
        return false;
    }
    let inner = &body[..body.len() - opener];
    let backslashes = inner.len() - inner.trim_end_matches('\\').len();
    backslashes % 2 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` with `|` as the cursor or `«…»` around the selection (ASCII
    /// only here: the offsets are checked in UTF-16 by the keys tests).
    fn at(marked: &str) -> EditorState {
        let text: String = marked.chars().filter(|c| !"|«»".contains(*c)).collect();
        let unit = |c: char| marked.find(c).map(|i| marked[..i].chars().count() as u32);
        match unit('|') {
            Some(cursor) => collapsed(text, cursor),
            None => EditorState {
                text,
                sel_start: unit('«').unwrap(),
                sel_end: unit('»').unwrap() - 1,
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

    fn typed(marked: &str, c: char) -> Option<String> {
        type_char(&at(marked), c).map(|s| show(&s))
    }

    #[test]
    fn openers_close_in_code() {
        assert_eq!(typed("f|", '(').as_deref(), Some("f(|)"));
        assert_eq!(typed("x = |", '[').as_deref(), Some("x = [|]"));
        assert_eq!(typed("d = {|}", '{').as_deref(), Some("d = {{|}}"));
        assert_eq!(typed("f(|, 2)", '(').as_deref(), Some("f((|), 2)"));
        assert_eq!(typed("x = |\ny", '"').as_deref(), Some("x = \"|\"\ny"));
        assert_eq!(typed("print(|)", '\'').as_deref(), Some("print('|')"));
        assert_eq!(typed("f|", '"').as_deref(), Some("f\"|\""));
        assert_eq!(typed("x = rb|", '\'').as_deref(), Some("x = rb'|'"));
    }

    #[test]
    fn no_closer_where_it_would_be_wrong() {
        // Before a word, the user is wrapping it by hand.
        assert_eq!(typed("|x", '('), None);
        assert_eq!(typed("|x", '"'), None);
        // After a word, a quote is an apostrophe.
        assert_eq!(typed("don|", '\''), None);
        // Inside strings and comments.
        assert_eq!(typed("'a |'", '('), None);
        assert_eq!(typed("x = 'it|", '\''), None);
        assert_eq!(typed("# see |", '('), None);
        assert_eq!(typed("# it|", '\''), None);
        assert_eq!(typed("\"\"\"doc |\n\"\"\"", '\''), None);
        // Not a bracket at all.
        assert_eq!(typed("x|", 'a'), None);
        assert_eq!(typed("x|", '<'), None);
    }

    #[test]
    fn closers_step_over() {
        assert_eq!(typed("f(x|)", ')').as_deref(), Some("f(x)|"));
        assert_eq!(typed("[1, [2|]]", ']').as_deref(), Some("[1, [2]|]"));
        assert_eq!(typed("'abc|'", '\'').as_deref(), Some("'abc'|"));
        assert_eq!(typed("f\"|\"", '"').as_deref(), Some("f\"\"|"));
        assert_eq!(typed("x = 'a\\'|'", '\'').as_deref(), Some("x = 'a\\''|"));
        // No closer there: the browser types it.
        assert_eq!(typed("f(x|", ')'), None);
        assert_eq!(typed("f(x|]", ')'), None);
        // Another string's quote is not this one's end.
        assert_eq!(typed("\"a|\" + 'b'", '\''), None);
    }

    #[test]
    fn docstring_quotes() {
        assert_eq!(typed("\"\"|", '"').as_deref(), Some("\"\"\"|\"\"\""));
        assert_eq!(
            typed("\"\"\"doc|\"\"\"", '"').as_deref(),
            Some("\"\"\"doc\"|\"\"")
        );
        assert_eq!(
            typed("\"\"\"doc\"\"|\"", '"').as_deref(),
            Some("\"\"\"doc\"\"\"|")
        );
    }

    #[test]
    fn selections_are_wrapped() {
        assert_eq!(typed("x = «a + b»", '(').as_deref(), Some("x = («a + b»)"));
        assert_eq!(typed("«name»", '"').as_deref(), Some("\"«name»\""));
        assert_eq!(typed("# «note»", '[').as_deref(), Some("# [«note»]"));
        assert_eq!(typed("«a\nb»", '{').as_deref(), Some("{«a\nb»}"));
        // A closer replaces the selection like any other character.
        assert_eq!(typed("«x»", ')'), None);
    }

    #[test]
    fn contexts() {
        let ctx = |text: &str, pos: usize| context_at(text, pos);
        assert_eq!(ctx("x = 1", 2), Context::Code);
        assert_eq!(ctx("x # c", 2), Context::Code);
        assert_eq!(ctx("x # c", 3), Context::Comment);
        assert_eq!(ctx("x # c\ny", 5), Context::Comment);
        assert_eq!(ctx("x # c\ny", 6), Context::Code);
        assert_eq!(ctx("'ab'", 0), Context::Code);
        assert_eq!(ctx("'ab'", 2), Context::String { closed_at: Some(4) });
        assert_eq!(ctx("'ab'", 4), Context::Code);
        assert_eq!(ctx("'ab", 3), Context::String { closed_at: None });
        assert_eq!(ctx("'a\\'", 4), Context::String { closed_at: None });
        assert_eq!(ctx("f'ab' x", 6), Context::Code);
        assert_eq!(ctx("\"\"\"a\nb", 6), Context::String { closed_at: None });
        assert_eq!(ctx("'''a'''", 7), Context::Code);
        assert_eq!(ctx("'''", 3), Context::String { closed_at: None });
        assert_eq!(ctx("''", 2), Context::Code);
    }
}
