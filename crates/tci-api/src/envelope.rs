use std::marker::PhantomData;

use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::members::{read_members, take};
use crate::{Errors, Nullable};

/// The `{data, errors}` shape every TCI response has: `data` on success,
/// `errors` on failure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Envelope<T> {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub data: Nullable<T>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub errors: Nullable<Errors>,
    /// Members this crate does not know, kept for a lossless round trip.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<T> Default for Envelope<T> {
    fn default() -> Self {
        Envelope {
            data: Nullable::Absent,
            errors: Nullable::Absent,
            extra: Map::new(),
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

impl<'de, T: DeserializeOwned> Deserialize<'de> for Envelope<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<T>(PhantomData<T>);
        impl<'de, T: DeserializeOwned> Visitor<'de> for Visit<T> {
            type Value = Envelope<T>;
            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("a TCI response object")
            }
            fn visit_map<A: MapAccess<'de>>(self, access: A) -> Result<Envelope<T>, A::Error> {
                let (mut data, mut errors) = (None, None);
                let extra = read_members(access, |key, access| match key {
                    "data" => take(access, &mut data, "data"),
                    "errors" => take(access, &mut errors, "errors"),
                    _ => Ok(false),
                })?;
                Ok(Envelope {
                    data: data.unwrap_or_default(),
                    errors: errors.unwrap_or_default(),
                    extra,
                })
            }
        }
        deserializer.deserialize_map(Visit(PhantomData))
    }
}
