use serde::{Deserialize, Serialize};

use crate::Envelope;

/// Response of `GET /tci/sessions`. The schema types `errors` as a list, so
/// a server omits it rather than writing `null` (which Together itself does).
pub type SessionListResponse = Envelope<SessionList>;

/// Unknown members are ignored.
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
