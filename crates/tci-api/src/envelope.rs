use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{Errors, Nullable};

/// The `{data, errors}` shape every TCI response has: `data` on success,
/// `errors` on failure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
