//! Typed values to and from [`Json`]: the two traits the wire types
//! implement, their implementations for plain Rust types, and the error for
//! JSON of the wrong shape, which names where in the document it is.

use super::{Json, Number, Object};

pub trait ToJson {
    fn to_json(&self) -> Json;
}

pub trait FromJson: Sized {
    fn from_json(json: Json) -> Result<Self, ShapeError>;
}

/// JSON that parsed but does not have the shape a type needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShapeError {
    /// Where, as `files[0].encoding`; empty for the document itself.
    pub path: String,
    pub kind: ShapeErrorKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShapeErrorKind {
    MissingField(&'static str),
    DuplicateField(&'static str),
    InvalidType {
        expected: &'static str,
        found: &'static str,
    },
    UnknownVariant {
        found: String,
        expected: &'static str,
    },
}

impl ShapeError {
    pub fn new(kind: ShapeErrorKind) -> Self {
        ShapeError {
            path: String::new(),
            kind,
        }
    }

    /// `expected` (such as "a string") where `found` stands.
    pub fn invalid_type(expected: &'static str, found: &Json) -> Self {
        ShapeError::new(ShapeErrorKind::InvalidType {
            expected,
            found: found.kind(),
        })
    }

    /// The same error one level further out: inside member or index
    /// `segment` (`code`, `[0]`).
    pub fn within(mut self, segment: &str) -> Self {
        if !self.path.is_empty() && !self.path.starts_with('[') {
            self.path.insert(0, '.');
        }
        self.path.insert_str(0, segment);
        self
    }
}

impl std::fmt::Display for ShapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.path.is_empty() {
            write!(f, "`{}`: ", self.path)?;
        }
        match &self.kind {
            ShapeErrorKind::MissingField(name) => write!(f, "missing field `{name}`"),
            ShapeErrorKind::DuplicateField(name) => write!(f, "duplicate field `{name}`"),
            ShapeErrorKind::InvalidType { expected, found } => {
                write!(f, "invalid type: expected {expected}, found {found}")
            }
            ShapeErrorKind::UnknownVariant { found, expected } => {
                write!(f, "unknown variant `{found}`, expected {expected}")
            }
        }
    }
}

impl std::error::Error for ShapeError {}

/// Decoding an object member by member: each known member is taken out,
/// and what is left is the object's unknown members.
impl Object {
    /// The member `name`, removed; `None` when absent. A member given twice
    /// is an error, as it would be ambiguous.
    pub fn take(&mut self, name: &'static str) -> Result<Option<Json>, ShapeError> {
        let (value, count) = self.remove_counted(name);
        if count > 1 {
            return Err(ShapeError::new(ShapeErrorKind::DuplicateField(name)));
        }
        Ok(value)
    }

    /// A member that must be present.
    pub fn take_required<T: FromJson>(&mut self, name: &'static str) -> Result<T, ShapeError> {
        match self.take(name)? {
            Some(value) => T::from_json(value).map_err(|error| error.within(name)),
            None => Err(ShapeError::new(ShapeErrorKind::MissingField(name))),
        }
    }

    /// A member that may be absent; `null` means absent too.
    pub fn take_optional<T: FromJson>(
        &mut self,
        name: &'static str,
    ) -> Result<Option<T>, ShapeError> {
        self.take_or_default(name)
    }

    /// A member that may be absent, then `T`'s default (a present `null` is
    /// read as `T`, so it is an error unless `T` allows it).
    pub fn take_or_default<T: FromJson + Default>(
        &mut self,
        name: &'static str,
    ) -> Result<T, ShapeError> {
        match self.take(name)? {
            Some(value) => T::from_json(value).map_err(|error| error.within(name)),
            None => Ok(T::default()),
        }
    }

    /// Removes every member named `key`: the last one's value, and how many
    /// there were.
    pub(super) fn remove_counted(&mut self, key: &str) -> (Option<Json>, usize) {
        let (mut removed, mut count) = (None, 0);
        self.0.retain_mut(|(name, value)| {
            if name != key {
                return true;
            }
            count += 1;
            removed = Some(std::mem::take(value));
            false
        });
        (removed, count)
    }
}

impl ToJson for Json {
    fn to_json(&self) -> Json {
        self.clone()
    }
}

impl FromJson for Json {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        Ok(json)
    }
}

impl ToJson for Object {
    fn to_json(&self) -> Json {
        Json::Object(self.clone())
    }
}

impl FromJson for Object {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        match json {
            Json::Object(object) => Ok(object),
            other => Err(ShapeError::invalid_type("an object", &other)),
        }
    }
}

impl ToJson for str {
    fn to_json(&self) -> Json {
        Json::String(self.to_owned())
    }
}

impl ToJson for String {
    fn to_json(&self) -> Json {
        Json::String(self.clone())
    }
}

impl FromJson for String {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        match json {
            Json::String(text) => Ok(text),
            other => Err(ShapeError::invalid_type("a string", &other)),
        }
    }
}

impl ToJson for bool {
    fn to_json(&self) -> Json {
        Json::Bool(*self)
    }
}

impl FromJson for bool {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        match json {
            Json::Bool(value) => Ok(value),
            other => Err(ShapeError::invalid_type("a boolean", &other)),
        }
    }
}

impl ToJson for u64 {
    fn to_json(&self) -> Json {
        Json::Number(Number::from(*self))
    }
}

impl FromJson for u64 {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        match &json {
            Json::Number(number) => number.as_u64(),
            _ => None,
        }
        .ok_or_else(|| ShapeError::invalid_type("a non-negative integer", &json))
    }
}

impl ToJson for u32 {
    fn to_json(&self) -> Json {
        Json::Number(Number::from(*self))
    }
}

impl FromJson for u32 {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        // Through u64, so that one integer parser serves both.
        match &json {
            Json::Number(number) => number.as_u64().and_then(|value| u32::try_from(value).ok()),
            _ => None,
        }
        .ok_or_else(|| ShapeError::invalid_type("an integer from 0 to 4294967295", &json))
    }
}

/// NaN and the infinities, which JSON cannot hold, are written as `null`.
impl ToJson for f64 {
    fn to_json(&self) -> Json {
        Number::from_f64(*self).map_or(Json::Null, Json::Number)
    }
}

impl FromJson for f64 {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        match json {
            Json::Number(number) => Ok(number.as_f64()),
            other => Err(ShapeError::invalid_type("a number", &other)),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn to_json(&self) -> Json {
        Json::Array(self.iter().map(T::to_json).collect())
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Json {
        self.as_slice().to_json()
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        let items = match json {
            Json::Array(items) => items,
            other => return Err(ShapeError::invalid_type("an array", &other)),
        };
        // A plain loop: `collect` into a `Result` costs noticeably more code
        // per element type in the wasm.
        let mut values = Vec::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            match T::from_json(item) {
                Ok(value) => values.push(value),
                Err(error) => return Err(error.within(&format!("[{index}]"))),
            }
        }
        Ok(values)
    }
}

/// `None` is written as `null`; a member that should be left out instead
/// is skipped by the type that owns it.
impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Json {
        self.as_ref().map_or(Json::Null, T::to_json)
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        match json {
            Json::Null => Ok(None),
            other => T::from_json(other).map(Some),
        }
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn to_json(&self) -> Json {
        (**self).to_json()
    }
}
