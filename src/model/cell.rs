//! One entry of the scrollback: the code that ran and what came of it.

use serde::{Deserialize, Serialize, Serializer};
use tci_api::Output;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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
    /// Code imported from a notebook or a `.py` file, waiting for Run all.
    NotRun,
    /// An imported notebook's Markdown cell: shown, never run.
    Note,
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
            Status::NotRun => "notrun",
            Status::Note => "note",
        }
    }
}

/// Stored as JSON (see [`crate::model::storage`]); every member but `id`, `code`,
/// `status` and `started_at` may be missing and then takes its default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub id: u64,
    pub code: String,
    pub status: Status,
    #[serde(default)]
    pub outputs: Vec<Output>,
    /// `In [n]`: counts successful runs in this page's session.
    #[serde(default)]
    pub execution_count: Option<u32>,
    /// Wall-clock start, milliseconds since the epoch.
    #[serde(serialize_with = "whole_millis")]
    pub started_at: f64,
    #[serde(default, serialize_with = "optional_whole_millis")]
    pub duration_ms: Option<f64>,
    /// What went wrong with the request itself, for the user.
    #[serde(default)]
    pub message: Option<String>,
    /// The run found its session gone: offer Replay.
    #[serde(default)]
    pub session_lost: bool,
    /// Outputs were dropped to fit storage.
    #[serde(default)]
    pub outputs_trimmed: bool,
    /// The session the cell ran in, to tell which cells a replay needs.
    #[serde(default)]
    pub session_id: Option<String>,
    /// The names of the files sent with this run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
}

/// Times are stored as whole milliseconds (`Date.now()` has no finer
/// grain); earlier versions wrote `1732600000000.0`, which reads the same.
fn whole_millis<S: Serializer>(millis: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    // `as` saturates: a negative duration (the clock was set back) is 0.
    serializer.serialize_u64(millis.round() as u64)
}

fn optional_whole_millis<S: Serializer>(
    millis: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match millis {
        Some(millis) => whole_millis(millis, serializer),
        None => serializer.serialize_none(),
    }
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
            files: Vec::new(),
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
