//! A small Python tokenizer for syntax highlighting.
//!
//! The editor is a transparent `<textarea>` over a `<pre>` that shows the
//! same text coloured, so this runs on every keystroke: one linear pass over
//! the bytes, no regex engine, and tokens that cover the input exactly (any
//! gap or overlap would shift the overlay against the caret). It only has to
//! look right, not be a full lexer: f-string replacement fields, for one, are
//! coloured as part of their string.

/// What a token is, which decides its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Keyword,
    Builtin,
    String,
    Number,
    Comment,
    Decorator,
    Operator,
    Name,
    /// The name right after `def` or `class`.
    Definition,
    Whitespace,
}

impl TokenKind {
    /// The CSS class of a coloured token; `None` for plain text.
    pub fn class_name(self) -> Option<&'static str> {
        Some(match self {
            Self::Keyword => "tok-keyword",
            Self::Builtin => "tok-builtin",
            Self::String => "tok-string",
            Self::Number => "tok-number",
            Self::Comment => "tok-comment",
            Self::Decorator => "tok-decorator",
            Self::Operator => "tok-operator",
            Self::Definition => "tok-definition",
            Self::Name | Self::Whitespace => return None,
        })
    }
}

/// A token as byte offsets into the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

/// Splits `src` into tokens that cover it contiguously, in order.
pub fn tokenize(src: &str) -> Vec<Token> {
    let mut lexer = Lexer {
        src,
        bytes: src.as_bytes(),
        tokens: Vec::with_capacity(src.len() / 3 + 1),
        at_line_start: true,
        depth: 0,
        after_def: false,
    };
    let mut pos = 0;
    while pos < src.len() {
        let (kind, end) = lexer.token_at(pos);
        lexer.tokens.push(Token {
            kind,
            start: pos,
            end,
        });
        pos = end;
    }
    lexer.tokens
}

/// The source as HTML with `<span class="tok-…">` around coloured tokens.
///
/// A `<pre>` does not give a trailing newline a line of its own, while the
/// textarea does show that empty last line; so when `src` ends with `'\n'`
/// one space is appended to keep the overlay as tall as the textarea.
pub fn to_html(src: &str) -> String {
    let mut out = String::with_capacity(src.len() * 2 + 1);
    for token in tokenize(src) {
        let text = &src[token.start..token.end];
        match token.kind.class_name() {
            Some(class) => {
                out.push_str("<span class=\"");
                out.push_str(class);
                out.push_str("\">");
                push_escaped(&mut out, text);
                out.push_str("</span>");
            }
            None => push_escaped(&mut out, text),
        }
    }
    if src.ends_with('\n') {
        out.push(' ');
    }
    out
}

/// Appends `text` with the five HTML-significant characters escaped, which
/// makes it safe both as element content and inside a quoted attribute.
pub(crate) fn push_escaped(out: &mut String, text: &str) {
    let mut done = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[done..i]);
        out.push_str(entity);
        done = i + 1;
    }
    out.push_str(&text[done..]);
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    tokens: Vec<Token>,
    /// Only whitespace since the last newline: where `@` starts a decorator.
    at_line_start: bool,
    /// Bracket nesting; inside brackets a line-leading `@` is matrix multiply.
    depth: usize,
    after_def: bool,
}

impl Lexer<'_> {
    /// The kind and end of the token starting at `pos` (a char boundary).
    fn token_at(&mut self, pos: usize) -> (TokenKind, usize) {
        let b = self.bytes[pos];
        let c = self.src[pos..].chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            let end = self.src[pos..]
                .char_indices()
                .find(|&(_, c)| !c.is_whitespace())
                .map_or(self.src.len(), |(i, _)| pos + i);
            if self.bytes[pos..end].contains(&b'\n') {
                self.at_line_start = true;
            }
            return (TokenKind::Whitespace, end);
        }
        let at_line_start = std::mem::replace(&mut self.at_line_start, false);
        let after_def = std::mem::replace(&mut self.after_def, false);
        match b {
            b'#' => (TokenKind::Comment, self.find_line_end(pos)),
            b'\'' | b'"' => (TokenKind::String, self.string_end(pos)),
            b'0'..=b'9' => (TokenKind::Number, self.number_end(pos)),
            b'.' if self.bytes.get(pos + 1).is_some_and(u8::is_ascii_digit) => {
                (TokenKind::Number, self.number_end(pos))
            }
            b'@' if at_line_start && self.depth == 0 => {
                let end = self.scan_while(pos + 1, |c| c == '.' || is_ident_char(c));
                (TokenKind::Decorator, end)
            }
            _ if is_ident_char(c) => self.word(pos, after_def),
            _ if b.is_ascii_punctuation() => (TokenKind::Operator, self.operator_end(pos)),
            // Control characters and the like: shown, not coloured.
            _ => (TokenKind::Name, pos + c.len_utf8()),
        }
    }

    fn word(&mut self, pos: usize, after_def: bool) -> (TokenKind, usize) {
        let end = self.scan_while(pos, is_ident_char);
        let word = &self.src[pos..end];
        if matches!(self.bytes.get(end), Some(b'\'' | b'"')) && is_string_prefix(word) {
            return (TokenKind::String, self.string_end(end));
        }
        // `re.match`, `obj.print`: after a dot it is an attribute, whatever its name.
        let after_dot = self
            .tokens
            .last()
            .is_some_and(|t| t.kind == TokenKind::Operator && self.bytes[t.end - 1] == b'.');
        let kind = if after_def {
            TokenKind::Definition
        } else if after_dot {
            TokenKind::Name
        } else if is_keyword(word) {
            self.after_def = matches!(word, "def" | "class");
            TokenKind::Keyword
        } else if is_builtin(word) {
            TokenKind::Builtin
        } else {
            TokenKind::Name
        };
        (kind, end)
    }

    fn scan_while(&self, pos: usize, keep: impl Fn(char) -> bool) -> usize {
        self.src[pos..]
            .char_indices()
            .find(|&(_, c)| !keep(c))
            .map_or(self.src.len(), |(i, _)| pos + i)
    }

    fn find_line_end(&self, pos: usize) -> usize {
        self.bytes[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.bytes.len(), |i| pos + i)
    }

    /// End of the string whose opening quote is at `quote_pos`. A backslash
    /// always protects the next byte, even in raw strings (`r"\""` is one
    /// string in Python); unterminated strings end at the line end, or at the
    /// end of input when triple-quoted. The end is always just after an ASCII
    /// byte or at a newline, so it is a char boundary.
    fn string_end(&self, quote_pos: usize) -> usize {
        let b = self.bytes;
        let quote = b[quote_pos];
        let triple = b.get(quote_pos + 1) == Some(&quote) && b.get(quote_pos + 2) == Some(&quote);
        let mut i = quote_pos + if triple { 3 } else { 1 };
        while i < b.len() {
            match b[i] {
                b'\\' => i += 2,
                b'\n' if !triple => return i,
                q if q == quote => {
                    if !triple {
                        return i + 1;
                    }
                    if b.get(i + 1) == Some(&quote) && b.get(i + 2) == Some(&quote) {
                        return i + 3;
                    }
                    i += 1;
                }
                _ => i += 1,
            }
        }
        b.len()
    }

    fn number_end(&self, start: usize) -> usize {
        let b = self.bytes;
        let digits = |mut i: usize| {
            while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
                i += 1;
            }
            i
        };
        if b[start] == b'0'
            && matches!(
                b.get(start + 1),
                Some(b'x' | b'X' | b'o' | b'O' | b'b' | b'B')
            )
        {
            let mut i = start + 2;
            while b
                .get(i)
                .is_some_and(|c| c.is_ascii_hexdigit() || *c == b'_')
            {
                i += 1;
            }
            return i;
        }
        let mut i = digits(start);
        if b.get(i) == Some(&b'.') {
            i = digits(i + 1);
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
            if b.get(i + 1 + sign).is_some_and(u8::is_ascii_digit) {
                i = digits(i + 1 + sign);
            }
        }
        if matches!(b.get(i), Some(b'j' | b'J')) {
            i += 1;
        }
        i
    }

    /// A run of punctuation becomes one token: fewer spans in the overlay.
    fn operator_end(&mut self, start: usize) -> usize {
        let b = self.bytes;
        let mut i = start;
        while let Some(&c) = b.get(i) {
            let starts_other = matches!(c, b'#' | b'\'' | b'"' | b'_')
                || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit));
            if !c.is_ascii_punctuation() || starts_other {
                break;
            }
            match c {
                b'(' | b'[' | b'{' => self.depth += 1,
                b')' | b']' | b'}' => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
            i += 1;
        }
        i
    }
}

/// Python identifiers may use almost any non-ASCII letter; accepting every
/// non-ASCII non-space character is close enough for colouring and editing.
pub(crate) fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || (!c.is_ascii() && !c.is_whitespace())
}

pub(crate) fn is_string_prefix(word: &str) -> bool {
    const PREFIXES: [&str; 11] = ["r", "u", "b", "f", "t", "br", "rb", "fr", "rf", "tr", "rt"];
    word.len() <= 2 && PREFIXES.iter().any(|p| p.eq_ignore_ascii_case(word))
}

/// Python's keywords, soft ones (`match`, `case`) included; embed.js colours
/// the same words (tests/contracts.rs reads both).
pub const KEYWORDS: [&str; 37] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "case", "class",
    "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if",
    "import", "in", "is", "lambda", "match", "nonlocal", "not", "or", "pass", "raise", "return",
    "try", "while", "with", "yield",
];

fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

fn is_builtin(word: &str) -> bool {
    let is_exception = word.starts_with(|c: char| c.is_ascii_uppercase())
        && (word.ends_with("Error") || word.ends_with("Exception") || word.ends_with("Warning"));
    is_exception
        || matches!(
            word,
            "abs"
                | "all"
                | "any"
                | "bin"
                | "bool"
                | "breakpoint"
                | "bytearray"
                | "bytes"
                | "callable"
                | "chr"
                | "classmethod"
                | "complex"
                | "delattr"
                | "dict"
                | "dir"
                | "divmod"
                | "enumerate"
                | "eval"
                | "exec"
                | "filter"
                | "float"
                | "format"
                | "frozenset"
                | "getattr"
                | "globals"
                | "hasattr"
                | "hash"
                | "help"
                | "hex"
                | "id"
                | "input"
                | "int"
                | "isinstance"
                | "issubclass"
                | "iter"
                | "len"
                | "list"
                | "locals"
                | "map"
                | "max"
                | "min"
                | "next"
                | "object"
                | "oct"
                | "open"
                | "ord"
                | "pow"
                | "print"
                | "property"
                | "range"
                | "repr"
                | "reversed"
                | "round"
                | "set"
                | "setattr"
                | "slice"
                | "sorted"
                | "staticmethod"
                | "str"
                | "sum"
                | "super"
                | "tuple"
                | "type"
                | "vars"
                | "zip"
                | "self"
                | "cls"
                | "KeyboardInterrupt"
                | "StopIteration"
                | "SystemExit"
                | "NotImplemented"
                | "Ellipsis"
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenKind::*;

    /// The non-whitespace tokens with their text.
    fn lex(src: &str) -> Vec<(TokenKind, &str)> {
        tokenize(src)
            .into_iter()
            .filter(|t| t.kind != Whitespace)
            .map(|t| (t.kind, &src[t.start..t.end]))
            .collect()
    }

    fn assert_contiguous(src: &str, tokens: &[Token]) {
        let mut pos = 0;
        for t in tokens {
            assert_eq!(t.start, pos, "gap or overlap at {t:?}");
            assert!(t.end > t.start, "empty token {t:?}");
            assert!(src.is_char_boundary(t.end));
            pos = t.end;
        }
        assert_eq!(pos, src.len());
    }

    #[test]
    fn definitions_keywords_builtins() {
        assert_eq!(
            lex("def foo(x):\n    return len(x)"),
            vec![
                (Keyword, "def"),
                (Definition, "foo"),
                (Operator, "("),
                (Name, "x"),
                (Operator, "):"),
                (Keyword, "return"),
                (Builtin, "len"),
                (Operator, "("),
                (Name, "x"),
                (Operator, ")"),
            ]
        );
        assert_eq!(lex("class  Foo(Base)")[1], (Definition, "Foo"));
        assert_eq!(
            lex("x = None if True else ValueError"),
            vec![
                (Name, "x"),
                (Operator, "="),
                (Keyword, "None"),
                (Keyword, "if"),
                (Keyword, "True"),
                (Keyword, "else"),
                (Builtin, "ValueError"),
            ]
        );
        assert_eq!(lex("match x:")[0], (Keyword, "match"));
        assert_eq!(lex("case _:")[0], (Keyword, "case"));
        assert_eq!(lex("printer")[0], (Name, "printer"));
    }

    #[test]
    fn attributes_are_names() {
        assert_eq!(
            lex("re.match(s).type"),
            vec![
                (Name, "re"),
                (Operator, "."),
                (Name, "match"),
                (Operator, "("),
                (Name, "s"),
                (Operator, ")."),
                (Name, "type"),
            ]
        );
        assert_eq!(lex("from . import x")[2], (Keyword, "import"));
    }

    #[test]
    fn strings_with_prefixes_and_escapes() {
        assert_eq!(
            lex(r#"rb'a' F"b" Rb"c" u'd' b = bx"e""#),
            vec![
                (String, "rb'a'"),
                (String, "F\"b\""),
                (String, "Rb\"c\""),
                (String, "u'd'"),
                (Name, "b"),
                (Operator, "="),
                (Name, "bx"),
                (String, "\"e\""),
            ]
        );
        assert_eq!(lex(r#""a\"b" x"#)[0], (String, r#""a\"b""#));
        assert_eq!(lex(r#"r"a\"b" x"#)[0], (String, r#"r"a\"b""#));
        assert_eq!(lex(r"'it\'s' x")[0], (String, r"'it\'s'"));
        assert_eq!(lex(r"'a\\' x")[0], (String, r"'a\\'"));
    }

    #[test]
    fn multiline_and_unterminated_strings() {
        assert_eq!(
            lex("s = \"\"\"a\n'b' \"\" c\"\"\"\nx"),
            vec![
                (Name, "s"),
                (Operator, "="),
                (String, "\"\"\"a\n'b' \"\" c\"\"\""),
                (Name, "x"),
            ]
        );
        assert_eq!(lex("'abc\nx")[..2], [(String, "'abc"), (Name, "x")]);
        assert_eq!(lex("'''abc\nx"), vec![(String, "'''abc\nx")]);
        assert_eq!(lex("'a\\\nb'"), vec![(String, "'a\\\nb'")]);
        assert_eq!(lex("'\\"), vec![(String, "'\\")]);
        assert_eq!(lex("'\\\u{e9}' x")[0], (String, "'\\\u{e9}'"));
    }

    #[test]
    fn numbers() {
        for n in [
            "0xFF",
            "0o17",
            "0b1010",
            "1_000_000",
            "3.14",
            ".5",
            "10.",
            "1e10",
            "1.5e-3",
            "2j",
            "1.5J",
            "1E+9j",
            "0",
        ] {
            assert_eq!(lex(n), vec![(Number, n)], "{n}");
        }
        assert_eq!(lex("1e"), vec![(Number, "1"), (Name, "e")]);
        assert_eq!(lex("x[1:-2]")[2], (Number, "1"));
        assert_eq!(lex("x1")[0], (Name, "x1"));
    }

    #[test]
    fn comments_and_decorators() {
        assert_eq!(
            lex("x # a 'quote'\ny"),
            vec![(Name, "x"), (Comment, "# a 'quote'"), (Name, "y")]
        );
        assert_eq!(
            lex("@app.route('/')\n  @cache\ndef f(): pass")[..2],
            [(Decorator, "@app.route"), (Operator, "(")]
        );
        assert_eq!(lex("  @cache\n")[0], (Decorator, "@cache"));
        assert_eq!(lex("a @ b")[1], (Operator, "@"));
        assert_eq!(lex("x = (a\n     @ b)")[4], (Operator, "@"));
        assert_eq!(lex("x = (a)\n@d")[5], (Decorator, "@d"));
    }

    #[test]
    fn non_ascii_identifiers() {
        let src = "caf\u{e9} = '\u{1f600}'\n\u{3c0}=3\n\u{5909}\u{6570}\u{3000}+ \u{1f600}";
        assert_eq!(
            lex(src),
            vec![
                (Name, "caf\u{e9}"),
                (Operator, "="),
                (String, "'\u{1f600}'"),
                (Name, "\u{3c0}"),
                (Operator, "="),
                (Number, "3"),
                (Name, "\u{5909}\u{6570}"),
                (Operator, "+"),
                (Name, "\u{1f600}"),
            ]
        );
        assert_contiguous(src, &tokenize(src));
    }

    #[test]
    fn odd_characters_still_covered() {
        let src = "a\u{0}b $ ? ` \\\n\u{7f}\r\n";
        assert_contiguous(src, &tokenize(src));
        assert!(tokenize("").is_empty());
    }

    #[test]
    fn two_thousand_lines_are_covered_contiguously() {
        let block = "@decorator.attr\nclass K\u{e9}(Base):\n    \"\"\"Doc\n    string\"\"\"\n    def m(self, x=0x1F, y=1.5e-3j):\n        s = f'{x!r}' + rb\"\\\"\" # c\u{f6}mment \u{1f600}\n        return [i ** 2 for i in range(10) if i % 2]\n\n";
        let lines_per_block = block.lines().count();
        let src = block.repeat(2000 / lines_per_block + 1);
        assert!(src.lines().count() >= 2000);
        let tokens = tokenize(&src);
        assert_contiguous(&src, &tokens);
        let blocks = src.matches("class ").count();
        let defs = tokens.iter().filter(|t| t.kind == Definition).count();
        assert_eq!(defs, blocks * 2, "one class and one def per block");
        let decorators = tokens.iter().filter(|t| t.kind == Decorator).count();
        assert_eq!(decorators, blocks);
    }

    #[test]
    fn html_escapes_and_wraps() {
        assert_eq!(
            to_html("x = \"<a href='&'>\""),
            "x <span class=\"tok-operator\">=</span> \
             <span class=\"tok-string\">&quot;&lt;a href=&#39;&amp;&#39;&gt;&quot;</span>"
        );
        assert_eq!(to_html("a<b"), "a<span class=\"tok-operator\">&lt;</span>b");
        assert_eq!(to_html(""), "");
    }

    #[test]
    fn html_keeps_a_trailing_empty_line() {
        assert_eq!(
            to_html("pass\n"),
            "<span class=\"tok-keyword\">pass</span>\n "
        );
        assert_eq!(to_html("pass"), "<span class=\"tok-keyword\">pass</span>");
    }
}
