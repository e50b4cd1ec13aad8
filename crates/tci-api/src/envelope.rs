use crate::json::{FromJson, Json, Object, ShapeError, ToJson};
use crate::{Errors, Nullable};

/// The `{data, errors}` shape every TCI response has: `data` on success,
/// `errors` on failure.
#[derive(Clone, Debug, PartialEq)]
pub struct Envelope<T> {
    pub data: Nullable<T>,
    pub errors: Nullable<Errors>,
    /// Members this crate does not know, kept for a lossless round trip.
    pub extra: Object,
}

impl<T> Default for Envelope<T> {
    fn default() -> Self {
        Envelope {
            data: Nullable::Absent,
            errors: Nullable::Absent,
            extra: Object::new(),
        }
    }
}

impl<T> Envelope<T> {
    /// The errors the response reports, if any (an empty list counts as none).
    pub fn error_messages(&self) -> Vec<String> {
        self.errors
            .as_ref()
            .map(Errors::messages)
            .unwrap_or_default()
    }
}

impl<T: ToJson> ToJson for Envelope<T> {
    fn to_json(&self) -> Json {
        let mut object = Object::new();
        if !self.data.is_absent() {
            object.push("data", self.data.to_json());
        }
        if !self.errors.is_absent() {
            object.push("errors", self.errors.to_json());
        }
        object.extend(self.extra.clone());
        Json::Object(object)
    }
}

impl<T: FromJson> FromJson for Envelope<T> {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        let mut object = Object::from_json(json)?;
        Ok(Envelope {
            data: object.take_or_default("data")?,
            errors: object.take_or_default("errors")?,
            extra: object,
        })
    }
}
