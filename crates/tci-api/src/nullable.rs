use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A JSON member that may be absent, `null`, or hold a value.
///
/// Together's responses use both an absent `errors` and `errors: null` for
/// "no errors"; keeping the three states apart lets a response be written
/// back exactly as it arrived. Use with
/// `#[serde(default, skip_serializing_if = "Nullable::is_absent")]`.
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

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(value) => value.serialize(serializer),
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Only called when the member is present; absence comes from Default.
        Ok(Option::<T>::deserialize(deserializer)?.into())
    }
}
