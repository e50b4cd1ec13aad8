use crate::Envelope;
use crate::json::{FromJson, Json, Object, ShapeError, ToJson};

/// Response of `GET /tci/sessions`. The schema types `errors` as a list, so
/// a server omits it rather than writing `null` (which Together itself does).
pub type SessionListResponse = Envelope<SessionList>;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SessionList {
    pub sessions: Vec<SessionInfo>,
}

/// One live session. Timestamps are kept as sent (ISO 8601 with
/// microseconds, `Z` or `+00:00`); [`crate::timestamp`] reads them.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionInfo {
    pub id: String,
    pub execute_count: u64,
    pub started_at: String,
    pub last_execute_at: String,
    pub expires_at: String,
}

impl ToJson for SessionList {
    fn to_json(&self) -> Json {
        Object::new()
            .with("sessions", self.sessions.to_json())
            .into()
    }
}

impl FromJson for SessionList {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        let mut object = Object::from_json(json)?;
        Ok(SessionList {
            sessions: object.take_required("sessions")?,
        })
    }
}

impl ToJson for SessionInfo {
    fn to_json(&self) -> Json {
        Object::new()
            .with("id", self.id.as_str())
            .with("execute_count", self.execute_count.to_json())
            .with("started_at", self.started_at.as_str())
            .with("last_execute_at", self.last_execute_at.as_str())
            .with("expires_at", self.expires_at.as_str())
            .into()
    }
}

impl FromJson for SessionInfo {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        let mut object = Object::from_json(json)?;
        Ok(SessionInfo {
            id: object.take_required("id")?,
            execute_count: object.take_required("execute_count")?,
            started_at: object.take_required("started_at")?,
            last_execute_at: object.take_required("last_execute_at")?,
            expires_at: object.take_required("expires_at")?,
        })
    }
}
