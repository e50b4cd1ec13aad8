use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{Errors, Nullable};

/// The `{data, errors}` shape every TCI response has: `data` on success,
/// `errors` on failure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Envelope<T> {
    #[serde(
        default = "Nullable::default",
        skip_serializing_if = "Nullable::is_absent"
    )]
    pub data: Nullable<T>,
    #[serde(
        default = "Nullable::default",
        skip_serializing_if = "Nullable::is_absent"
    )]
    pub errors: Nullable<Errors>,
    /// Members this crate does not know, kept for a lossless round trip.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Read member by member rather than derived with `#[serde(flatten)]`:
/// flatten buffers the object first and decodes every nested type a second
/// time from that buffer, which cost the browser build 1.5 KB (brotli).
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Envelope<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EnvelopeVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for EnvelopeVisitor<T> {
            type Value = Envelope<T>;

            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a TCI response object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut envelope = Envelope::default();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "data" => set_once(&mut envelope.data, map.next_value()?, "data")?,
                        "errors" => set_once(&mut envelope.errors, map.next_value()?, "errors")?,
                        _ => {
                            envelope.extra.insert(key, map.next_value()?);
                        }
                    }
                }
                Ok(envelope)
            }
        }

        deserializer.deserialize_map(EnvelopeVisitor(PhantomData))
    }
}

/// A known member given twice is refused, as derived code refuses it.
pub(crate) fn set_once<T, E: de::Error>(
    slot: &mut Nullable<T>,
    value: Nullable<T>,
    name: &'static str,
) -> Result<(), E> {
    if !slot.is_absent() {
        return Err(E::duplicate_field(name));
    }
    *slot = value;
    Ok(())
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
