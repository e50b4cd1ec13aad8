use crate::json::{FromJson, Json, ShapeError, ToJson};

/// A JSON member that may be absent, `null`, or hold a value.
///
/// Together's responses use both an absent `errors` and `errors: null` for
/// "no errors"; keeping the three states apart lets a response be written
/// back exactly as it arrived. The owner of the member leaves it out when
/// [`Nullable::is_absent`].
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Nullable<T> {
    #[default]
    Absent,
    Null,
    Value(T),
}

impl<T> Nullable<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Nullable::Value(value) => Some(value),
            Nullable::Absent | Nullable::Null => None,
        }
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Nullable::Null, Nullable::Value)
    }
}

impl<T: ToJson> ToJson for Nullable<T> {
    fn to_json(&self) -> Json {
        self.as_ref().map_or(Json::Null, T::to_json)
    }
}

/// Only reached for a member that is present; absence is the default.
impl<T: FromJson> FromJson for Nullable<T> {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        Option::<T>::from_json(json).map(Nullable::from)
    }
}
