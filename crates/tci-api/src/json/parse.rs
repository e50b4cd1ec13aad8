//! The parser: recursive descent over the text's bytes (every token that
//! matters is ASCII, so slicing between them keeps UTF-8 intact), with a
//! nesting limit so that hostile input cannot exhaust the stack.

use super::{Json, Number, Object};

/// The deepest nesting of arrays and objects accepted (serde_json's limit
/// too); far beyond any TCI body, far below what exhausts a stack.
pub const MAX_DEPTH: usize = 128;

/// Why text is not JSON, and where: `offset` in bytes, `line` and `column`
/// (in characters) counted from 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// Something else stood where this was expected.
    Expected(&'static str),
    /// The text ended where this was expected.
    EndOfText(&'static str),
    InvalidNumber,
    InvalidEscape,
    /// A `\u` escape of half a UTF-16 surrogate pair without its other half.
    LoneSurrogate,
    /// A raw control character (below U+0020) inside a string.
    ControlCharacter,
    /// Arrays and objects nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// More text after the value.
    TrailingText,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            SyntaxErrorKind::Expected(what) => write!(f, "expected {what}")?,
            SyntaxErrorKind::EndOfText(what) => write!(f, "the text ends where {what} should be")?,
            SyntaxErrorKind::InvalidNumber => f.write_str("invalid number")?,
            SyntaxErrorKind::InvalidEscape => f.write_str("invalid escape in a string")?,
            SyntaxErrorKind::LoneSurrogate => {
                f.write_str("a \\u escape is half of a surrogate pair without its other half")?
            }
            SyntaxErrorKind::ControlCharacter => {
                f.write_str("control character in a string (it must be escaped)")?
            }
            SyntaxErrorKind::TooDeep => write!(f, "nested more than {MAX_DEPTH} levels deep")?,
            SyntaxErrorKind::TrailingText => f.write_str("unexpected text after the value")?,
        }
        write!(f, " at line {}, column {}", self.line, self.column)
    }
}

impl std::error::Error for SyntaxError {}

pub(super) fn parse(text: &str) -> Result<Json, SyntaxError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
    };
    let value = parser.value()?;
    parser.skip_whitespace();
    if parser.at < parser.bytes.len() {
        return Err(parser.fail(SyntaxErrorKind::TrailingText));
    }
    Ok(value)
}

/// Whether all of `text` is one JSON number.
pub(super) fn is_number(text: &str) -> bool {
    number_end(text.as_bytes(), 0) == Some(text.len())
}

/// Where the number starting at `at` ends, following JSON's grammar
/// `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`; `None` if none starts.
fn number_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    let digits = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count()
    };
    if bytes.get(at) == Some(&b'-') {
        at += 1;
    }
    match bytes.get(at) {
        Some(b'0') => at += 1,
        Some(b'1'..=b'9') => at += digits(at),
        _ => return None,
    }
    if bytes.get(at) == Some(&b'.') {
        let fraction = digits(at + 1);
        if fraction == 0 {
            return None;
        }
        at += 1 + fraction;
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        let exponent = digits(at);
        if exponent == 0 {
            return None;
        }
        at += exponent;
    }
    Some(at)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn fail(&self, kind: SyntaxErrorKind) -> SyntaxError {
        let kind = match kind {
            SyntaxErrorKind::Expected(what) if self.at >= self.bytes.len() => {
                SyntaxErrorKind::EndOfText(what)
            }
            other => other,
        };
        let offset = self.at.min(self.bytes.len());
        let before = &self.text[..offset];
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        SyntaxError {
            kind,
            offset,
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.at += 1;
        }
        found
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn value(&mut self) -> Result<Json, SyntaxError> {
        self.skip_whitespace();
        match self.peek() {
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.fail(SyntaxErrorKind::Expected("a value"))),
        }
    }

    fn nested(
        &mut self,
        parse: fn(&mut Self) -> Result<Json, SyntaxError>,
    ) -> Result<Json, SyntaxError> {
        if self.depth == MAX_DEPTH {
            return Err(self.fail(SyntaxErrorKind::TooDeep));
        }
        self.depth += 1;
        self.at += 1;
        let value = parse(self);
        self.depth -= 1;
        value
    }

    fn literal(&mut self, word: &str, value: Json) -> Result<Json, SyntaxError> {
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.fail(SyntaxErrorKind::Expected("a value")))
        }
    }

    fn number(&mut self) -> Result<Json, SyntaxError> {
        let end = number_end(self.bytes, self.at)
            .ok_or_else(|| self.fail(SyntaxErrorKind::InvalidNumber))?;
        let text = &self.text[self.at..end];
        self.at = end;
        Ok(Json::Number(Number(text.to_owned())))
    }

    /// After the `[`.
    fn array(&mut self) -> Result<Json, SyntaxError> {
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.eat(b']') {
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_whitespace();
            if self.eat(b']') {
                return Ok(Json::Array(items));
            }
            if !self.eat(b',') {
                return Err(self.fail(SyntaxErrorKind::Expected("`,` or `]`")));
            }
        }
    }

    /// After the `{`.
    fn object(&mut self) -> Result<Json, SyntaxError> {
        let mut object = Object::new();
        self.skip_whitespace();
        if self.eat(b'}') {
            return Ok(Json::Object(object));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.fail(SyntaxErrorKind::Expected("a string key")));
            }
            let key = self.string()?;
            self.skip_whitespace();
            if !self.eat(b':') {
                return Err(self.fail(SyntaxErrorKind::Expected("`:`")));
            }
            let value = self.value()?;
            object.push(key, value);
            self.skip_whitespace();
            if self.eat(b'}') {
                return Ok(Json::Object(object));
            }
            if !self.eat(b',') {
                return Err(self.fail(SyntaxErrorKind::Expected("`,` or `}`")));
            }
        }
    }

    /// At the opening quote.
    fn string(&mut self) -> Result<String, SyntaxError> {
        self.at += 1;
        let mut text = String::new();
        loop {
            let run = self.bytes[self.at..]
                .iter()
                .take_while(|byte| !matches!(byte, b'"' | b'\\' | 0..=0x1f))
                .count();
            text.push_str(&self.text[self.at..self.at + run]);
            self.at += run;
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(text);
                }
                Some(b'\\') => {
                    self.at += 1;
                    text.push(self.escape()?);
                }
                Some(_) => return Err(self.fail(SyntaxErrorKind::ControlCharacter)),
                None => return Err(self.fail(SyntaxErrorKind::EndOfText("`\"`"))),
            }
        }
    }

    /// After the backslash.
    fn escape(&mut self) -> Result<char, SyntaxError> {
        let Some(byte) = self.peek() else {
            return Err(self.fail(SyntaxErrorKind::EndOfText("an escape")));
        };
        self.at += 1;
        Ok(match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(),
            _ => {
                self.at -= 1;
                return Err(self.fail(SyntaxErrorKind::InvalidEscape));
            }
        })
    }

    /// After `\u`: one code point, or a surrogate pair written as two
    /// escapes (`\ud83d\ude00`).
    fn unicode_escape(&mut self) -> Result<char, SyntaxError> {
        let high = self.hex4()?;
        let code = match high {
            0xd800..=0xdbff => {
                if !self.text[self.at..].starts_with("\\u") {
                    return Err(self.fail(SyntaxErrorKind::LoneSurrogate));
                }
                self.at += 2;
                let low = self.hex4()?;
                if !(0xdc00..=0xdfff).contains(&low) {
                    return Err(self.fail(SyntaxErrorKind::LoneSurrogate));
                }
                0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00)
            }
            0xdc00..=0xdfff => return Err(self.fail(SyntaxErrorKind::LoneSurrogate)),
            other => other,
        };
        char::from_u32(code).ok_or_else(|| self.fail(SyntaxErrorKind::InvalidEscape))
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self
            .bytes
            .get(self.at..self.at + 4)
            .filter(|digits| digits.iter().all(u8::is_ascii_hexdigit))
            .ok_or_else(|| self.fail(SyntaxErrorKind::InvalidEscape))?;
        let value = digits.iter().fold(0, |value, digit| {
            // The filter above admits hex digits only.
            value * 16 + char::from(*digit).to_digit(16).unwrap_or(0)
        });
        self.at += 4;
        Ok(value)
    }
}
