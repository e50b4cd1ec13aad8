use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{Errors, Nullable};

/// Response of `GET /tci/sessions`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
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
