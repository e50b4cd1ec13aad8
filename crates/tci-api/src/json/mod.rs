//! A small JSON codec: a value type, a parser and two writers, and the
//! conversions between JSON and typed values.
//!
//! It exists so that the browser build carries no serde: one hand-written
//! codec, shared by the app and the server, costs a fraction of serde_json's
//! code in the wasm. What it keeps matters for the playground, which shows
//! responses and writes them back: object members keep their order (and
//! duplicates, where the last one wins on lookup, as in JavaScript; typed
//! decoding refuses a known member given twice), and a number keeps the
//! exact text it was written with, so nothing changes in a round trip.

mod convert;
mod parse;
mod write;

pub use convert::{FromJson, ShapeError, ShapeErrorKind, ToJson};
pub use parse::{MAX_DEPTH, SyntaxError, SyntaxErrorKind};

/// A JSON value.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Json {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Json>),
    Object(Object),
}

/// A JSON number as the text it was written with (always valid JSON number
/// syntax), so that `1.0`, `1e3` and integers beyond 2^53 survive unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Number(String);

/// A JSON object: its members in the order they were written.
#[derive(Clone, Debug, Default)]
pub struct Object(Vec<(String, Json)>);

/// Why text could not be read as a typed value: it was not JSON at all, or
/// JSON of the wrong shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    Syntax(SyntaxError),
    Shape(ShapeError),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Syntax(error) => error.fmt(f),
            Error::Shape(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

/// Parses `text` as one JSON value (surrounding whitespace allowed).
pub fn parse(text: &str) -> Result<Json, SyntaxError> {
    parse::parse(text)
}

/// Parses `text` and converts it to `T`.
pub fn from_str<T: FromJson>(text: &str) -> Result<T, Error> {
    T::from_json(parse(text).map_err(Error::Syntax)?).map_err(Error::Shape)
}

/// `value` as compact JSON text.
pub fn to_string<T: ToJson + ?Sized>(value: &T) -> String {
    value.to_json().compact()
}

impl Json {
    /// Compact JSON text: no whitespace between tokens.
    pub fn compact(&self) -> String {
        let mut out = String::new();
        write::compact(self, &mut out);
        out
    }

    /// JSON text indented by two spaces per level, for people to read.
    pub fn pretty(&self) -> String {
        let mut out = String::new();
        write::pretty(self, 0, &mut out);
        out
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Json::Object(object) => Some(object),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// The member `key` if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.as_object()?.get(key)
    }

    /// What kind of value this is, as error messages name it.
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }
}

/// Compact JSON text, as [`Json::compact`].
impl std::fmt::Display for Json {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.compact())
    }
}

impl From<&str> for Json {
    fn from(text: &str) -> Self {
        Json::String(text.to_owned())
    }
}

impl From<String> for Json {
    fn from(text: String) -> Self {
        Json::String(text)
    }
}

impl From<Object> for Json {
    fn from(object: Object) -> Self {
        Json::Object(object)
    }
}

impl Number {
    /// `text` if it is a JSON number, so that every `Number` writes valid JSON.
    pub fn from_text(text: &str) -> Option<Number> {
        parse::is_number(text).then(|| Number(text.to_owned()))
    }

    /// A finite float in the shortest text that reads back as the same
    /// value; `None` for NaN and the infinities, which JSON cannot hold.
    pub fn from_f64(value: f64) -> Option<Number> {
        value.is_finite().then(|| Number(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value if it is a non-negative integer that fits (no fraction or
    /// exponent in the text).
    pub fn as_u64(&self) -> Option<u64> {
        self.0.parse().ok()
    }

    pub fn as_i64(&self) -> Option<i64> {
        self.0.parse().ok()
    }

    /// The nearest float (large integers may lose precision).
    pub fn as_f64(&self) -> f64 {
        // Valid JSON number text always parses as a float.
        self.0.parse().unwrap_or(f64::NAN)
    }
}

impl From<u64> for Number {
    fn from(value: u64) -> Self {
        Number(value.to_string())
    }
}

impl From<u32> for Number {
    fn from(value: u32) -> Self {
        Number(value.to_string())
    }
}

impl From<i64> for Number {
    fn from(value: i64) -> Self {
        Number(value.to_string())
    }
}

impl Object {
    pub fn new() -> Self {
        Object(Vec::new())
    }

    /// The value of `key`; the last one if the key was given more than once.
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.0
            .iter()
            .rev()
            .find_map(|(name, value)| (name == key).then_some(value))
    }

    /// Sets `key`, in place if it is there (every earlier copy of a
    /// duplicated key is removed), else at the end.
    pub fn insert(&mut self, key: impl Into<String>, value: Json) {
        let key = key.into();
        match self.0.iter().position(|(name, _)| *name == key) {
            Some(first) => {
                self.0[first].1 = value;
                let mut index = 0;
                self.0.retain(|(name, _)| {
                    index += 1;
                    index - 1 == first || *name != key
                });
            }
            None => self.0.push((key, value)),
        }
    }

    /// Appends a member without looking for an earlier one: for building
    /// objects whose keys are known to be distinct, and for the parser,
    /// which keeps what it reads.
    pub fn push(&mut self, key: impl Into<String>, value: Json) {
        self.0.push((key.into(), value));
    }

    /// Builder form of [`Object::push`].
    pub fn with(mut self, key: impl Into<String>, value: impl Into<Json>) -> Self {
        self.push(key, value.into());
        self
    }

    /// Removes every member named `key` and returns the last one's value.
    pub fn remove(&mut self, key: &str) -> Option<Json> {
        self.remove_counted(key).0
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Json)> {
        self.0.iter().map(|(name, value)| (name.as_str(), value))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(name, _)| name.as_str())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Appends every member of `other`, in order.
    pub fn extend(&mut self, other: Object) {
        self.0.extend(other.0);
    }
}

/// Objects are equal when they hold the same members, in any order: member
/// order carries no meaning in JSON, and a typed round trip may reorder.
impl PartialEq for Object {
    fn eq(&self, other: &Object) -> bool {
        // Through `get`, so a duplicated key compares by the value it reads as.
        let covers = |a: &Object, b: &Object| a.keys().all(|key| a.get(key) == b.get(key));
        self.len() == other.len() && covers(self, other) && covers(other, self)
    }
}

impl IntoIterator for Object {
    type Item = (String, Json);
    type IntoIter = std::vec::IntoIter<(String, Json)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl FromIterator<(String, Json)> for Object {
    fn from_iter<I: IntoIterator<Item = (String, Json)>>(members: I) -> Self {
        Object(members.into_iter().collect())
    }
}
