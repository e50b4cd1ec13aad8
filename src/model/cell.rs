//! One entry of the scrollback: the code that ran and what came of it.

use tci_api::Output;
use tci_api::json::{FromJson, Json, Number, Object, ShapeError, ShapeErrorKind, ToJson};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Running,
    /// Finished without an `error` output.
    Ok,
    /// Finished, and the code raised.
    Error,
    /// The user stopped waiting; the code may still run in the session.
    Stopped,
    /// The request failed: nothing (or nothing known) ran.
    Failed,
    /// Code (and the outputs recorded for it) that came with a link: shown
    /// read-only, never run here until the reader runs it.
    Shared,
}

impl Status {
    /// The name stored and used as a CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Ok => "ok",
            Status::Error => "error",
            Status::Stopped => "stopped",
            Status::Failed => "failed",
            Status::Shared => "shared",
        }
    }
}

/// Stored as JSON (see [`crate::model::storage`]); every member but `id`, `code`,
/// `status` and `started_at` may be missing and then takes its default.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub id: u64,
    pub code: String,
    pub status: Status,
    pub outputs: Vec<Output>,
    /// `In [n]`: counts successful runs in this page's session.
    pub execution_count: Option<u32>,
    /// Wall-clock start, milliseconds since the epoch.
    pub started_at: f64,
    pub duration_ms: Option<f64>,
    /// What went wrong with the request itself, for the user.
    pub message: Option<String>,
    /// The run found its session gone: offer Replay.
    pub session_lost: bool,
    /// Outputs were dropped to fit storage.
    pub outputs_trimmed: bool,
    /// The session the cell ran in, to tell which cells a replay needs.
    pub session_id: Option<String>,
}

impl Cell {
    pub fn running(id: u64, code: String, started_at: f64) -> Self {
        Cell {
            id,
            code,
            status: Status::Running,
            outputs: Vec::new(),
            execution_count: None,
            started_at,
            duration_ms: None,
            message: None,
            session_lost: false,
            outputs_trimmed: false,
            session_id: None,
        }
    }

    /// A link's code and recorded outputs.
    pub fn shared(id: u64, code: String, outputs: Vec<Output>, now: f64) -> Self {
        Cell {
            status: Status::Shared,
            outputs,
            duration_ms: Some(0.0),
            ..Cell::running(id, code, now)
        }
    }

    /// The status a finished run deserves from its outputs.
    pub fn status_of(outputs: &[Output]) -> Status {
        if outputs
            .iter()
            .any(|output| matches!(output, Output::Error(_)))
        {
            Status::Error
        } else {
            Status::Ok
        }
    }
}

impl FromJson for Status {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        let name = String::from_json(json)?;
        [
            Status::Running,
            Status::Ok,
            Status::Error,
            Status::Stopped,
            Status::Failed,
            Status::Shared,
        ]
        .into_iter()
        .find(|status| status.as_str() == name)
        .ok_or(ShapeError::new(ShapeErrorKind::UnknownVariant {
            found: name,
            expected: "`running`, `ok`, `error`, `stopped`, `failed` or `shared`",
        }))
    }
}

/// Times are whole milliseconds since the epoch (`Date.now()`), so they are
/// written as non-negative integers and read by their integer part: the
/// wasm then carries neither a float formatter nor a float parser (about
/// 10 KB each). Earlier versions wrote `1732600000000.0`, which reads the
/// same.
struct Millis(f64);

impl ToJson for Millis {
    fn to_json(&self) -> Json {
        // `as` saturates: a negative duration (the clock was set back) is 0.
        Json::Number(Number::from(self.0.round() as u64))
    }
}

impl FromJson for Millis {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        let whole = match &json {
            Json::Number(number) => {
                let text = number.as_str();
                let end = text
                    .bytes()
                    .position(|byte| matches!(byte, b'.' | b'e' | b'E'))
                    .unwrap_or(text.len());
                text[..end].parse::<u64>().ok()
            }
            _ => None,
        };
        whole
            .map(|millis| Millis(millis as f64))
            .ok_or_else(|| ShapeError::invalid_type("milliseconds", &json))
    }
}

impl ToJson for Cell {
    fn to_json(&self) -> Json {
        Object::new()
            .with("id", self.id.to_json())
            .with("code", self.code.as_str())
            .with("status", self.status.as_str())
            .with("outputs", self.outputs.to_json())
            .with("execution_count", self.execution_count.to_json())
            .with("started_at", Millis(self.started_at).to_json())
            .with("duration_ms", self.duration_ms.map(Millis).to_json())
            .with("message", self.message.to_json())
            .with("session_lost", self.session_lost.to_json())
            .with("outputs_trimmed", self.outputs_trimmed.to_json())
            .with("session_id", self.session_id.to_json())
            .into()
    }
}

impl FromJson for Cell {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        let mut object = Object::from_json(json)?;
        Ok(Cell {
            id: object.take_required("id")?,
            code: object.take_required("code")?,
            status: object.take_required("status")?,
            outputs: object.take_or_default("outputs")?,
            execution_count: object.take_optional("execution_count")?,
            started_at: object.take_required::<Millis>("started_at")?.0,
            duration_ms: object
                .take_optional::<Millis>("duration_ms")?
                .map(|millis| millis.0),
            message: object.take_optional("message")?,
            session_lost: object.take_or_default("session_lost")?,
            outputs_trimmed: object.take_or_default("outputs_trimmed")?,
            session_id: object.take_optional("session_id")?,
        })
    }
}
