use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A JSON member that may be absent, `null`, or hold a value.
///
/// Together's responses use both an absent `errors` and `errors: null` for
/// "no errors"; keeping the three states apart lets a response be written
/// back exactly as it arrived. The owner of the member marks it
/// `#[serde(default = "Nullable::default", skip_serializing_if = "Nullable::is_absent")]`:
/// absence is then the default, and an absent member stays out (the path
/// keeps serde from asking for `T: Default`).
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

    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(value) => Some(value),
            Nullable::Absent | Nullable::Null => None,
        }
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

/// An absent member is skipped by its owner, so only `null` and a value are
/// ever written here.
impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_ref().serialize(serializer)
    }
}

/// Only reached for a member that is present; absence is the owner's default.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Nullable::from)
    }
}
