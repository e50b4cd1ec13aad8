use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::members::{read_members, take};
use crate::{Errors, Nullable};

/// Response of `GET /tci/sessions`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SessionListResponse {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub data: Nullable<SessionList>,
    /// The schema types this as a list, so a server omits it rather than
    /// writing `null` (which Together itself does).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub errors: Nullable<Errors>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for SessionListResponse {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = SessionListResponse;
            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("a session list response object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                access: A,
            ) -> Result<SessionListResponse, A::Error> {
                let (mut data, mut errors) = (None, None);
                let extra = read_members(access, |key, access| match key {
                    "data" => take(access, &mut data, "data"),
                    "errors" => take(access, &mut errors, "errors"),
                    _ => Ok(false),
                })?;
                Ok(SessionListResponse {
                    data: data.unwrap_or_default(),
                    errors: errors.unwrap_or_default(),
                    extra,
                })
            }
        }
        deserializer.deserialize_map(Visit)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionList {
    pub sessions: Vec<SessionInfo>,
}

/// One live session. Timestamps are kept as sent (ISO 8601 with
/// microseconds, `Z` or `+00:00`); [`crate::timestamp`] reads them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: String,
    pub execute_count: u64,
    pub started_at: String,
    pub last_execute_at: String,
    pub expires_at: String,
}
