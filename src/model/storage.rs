//! What the page keeps in localStorage, under a versioned schema: the
//! scrollback, the session and the history of submissions. The draft has a
//! key of its own (see [`crate::model::storage_keys`]): it is saved on every
//! keystroke.
//! Storage that is corrupt or from an unknown version is set aside with a
//! notice, never allowed to break the page.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::cell::{Cell, Status};
use crate::model::history::History;

pub const VERSION: u32 = 1;
/// localStorage holds about 5 MB per origin (UTF-16 in some browsers);
/// stay well inside it.
pub const BUDGET_BYTES: usize = 2 * 1024 * 1024;

/// The stored JSON object; every member but `version` may be missing and
/// then takes its default.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    pub version: u32,
    #[serde(default)]
    pub cells: Vec<Cell>,
    #[serde(default)]
    pub session_id: Option<String>,
    #[serde(default)]
    pub history: History,
    #[serde(default)]
    pub execution_count: u32,
    #[serde(default)]
    pub next_cell_id: u64,
}

#[derive(Debug, PartialEq)]
pub enum Loaded {
    Fresh,
    Restored(Saved),
    /// The stored text could not be used; the page starts clean and says so.
    Discarded {
        reason: String,
    },
}

pub fn load(raw: Option<&str>) -> Loaded {
    let Some(raw) = raw.filter(|raw| !raw.trim().is_empty()) else {
        return Loaded::Fresh;
    };
    // The version is read on its own first, so that data of another version
    // is recognised as such, not as corrupt.
    #[derive(Deserialize)]
    struct Version {
        version: Option<Value>,
    }
    let version = match serde_json::from_str::<Version>(raw) {
        Ok(Version { version }) => version,
        // The parser's own message (a position in a text the user never
        // wrote) would not help.
        Err(error) if !error.is_data() => {
            return Loaded::Discarded {
                reason: "saved data was corrupt (not JSON)".into(),
            };
        }
        Err(_) => None,
    };
    match version {
        None | Some(Value::Null) => {
            return Loaded::Discarded {
                reason: "saved data has no version".into(),
            };
        }
        Some(version) if version.as_u64() != Some(u64::from(VERSION)) => {
            return Loaded::Discarded {
                reason: format!("saved data is from another version ({version}) of the playground"),
            };
        }
        Some(_) => {}
    }
    // Read from the text, not from a parsed `Value`: every stored type is
    // then decoded by the one deserializer the app already has for
    // responses, instead of a second copy of each for `Value`.
    match serde_json::from_str::<Saved>(raw) {
        Ok(mut saved) => {
            for cell in &mut saved.cells {
                // The page went away while this ran; its answer is lost.
                if cell.status == Status::Running {
                    cell.status = Status::Stopped;
                    cell.message = Some(
                        "The page was closed while this ran; it may have finished in the session."
                            .into(),
                    );
                }
            }
            saved.next_cell_id = saved.next_cell_id.max(
                saved
                    .cells
                    .iter()
                    .map(|cell| cell.id + 1)
                    .max()
                    .unwrap_or(0),
            );
            Loaded::Restored(saved)
        }
        Err(_) => Loaded::Discarded {
            reason: "saved data did not have the shape this version writes".into(),
        },
    }
}

/// The JSON to store, trimmed to `budget` bytes: outputs of the oldest
/// cells go first (their code is always kept). Returns whether it trimmed.
pub fn serialize(saved: &Saved, budget: usize) -> (String, bool) {
    let json = to_json(saved);
    if json.len() <= budget {
        return (json, false);
    }
    // Each cell's outputs are measured once; re-serializing the whole
    // scrollback per dropped cell would freeze the page on a 10 MB output.
    let mut excess = json.len() - budget;
    let mut trimmed = saved.clone();
    for cell in &mut trimmed.cells {
        if excess == 0 {
            break;
        }
        if cell.outputs.is_empty() {
            continue;
        }
        let size = to_json(&cell.outputs).len();
        cell.outputs.clear();
        cell.outputs_trimmed = true;
        excess = excess.saturating_sub(size.saturating_sub(2));
    }
    (to_json(&trimmed), true)
}

/// What is stored is plain data (string keys, no failing `Serialize`), so
/// writing it cannot fail.
fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tci_api::Output;

    fn cell(id: u64, output: &str) -> Cell {
        let mut cell = Cell::running(id, format!("print({id})"), 0.0);
        cell.status = Status::Ok;
        cell.outputs = vec![Output::stdout(output)];
        cell
    }

    #[test]
    fn round_trip_restores_everything() {
        let saved = Saved {
            version: VERSION,
            cells: vec![cell(0, "0\n"), cell(1, "1\n")],
            session_id: Some("ses_1".into()),
            execution_count: 2,
            next_cell_id: 2,
            ..Default::default()
        };
        let (json, trimmed) = serialize(&saved, BUDGET_BYTES);
        assert!(!trimmed);
        assert_eq!(load(Some(&json)), Loaded::Restored(saved));
    }

    #[test]
    fn what_earlier_versions_stored_still_loads() {
        // As earlier versions of the app stored it: floats with `.0`, nulls.
        let earlier = r#"{"version":1,"cells":[{"id":3,"code":"1/0","status":"error","outputs":[{"type":"error","data":"ZeroDivisionError"}],"execution_count":2,"started_at":1732600000000.0,"duration_ms":12.0,"message":null,"session_lost":false,"outputs_trimmed":false,"session_id":"ses_1"}],"session_id":"ses_1","history":{"entries":["1/0"]},"execution_count":2,"next_cell_id":4}"#;
        let Loaded::Restored(saved) = load(Some(earlier)) else {
            panic!("not restored");
        };
        let cell = &saved.cells[0];
        assert_eq!((cell.id, cell.status), (3, Status::Error));
        assert_eq!(cell.started_at, 1_732_600_000_000.0);
        assert_eq!(cell.duration_ms, Some(12.0));
        assert_eq!(
            cell.outputs,
            vec![Output::Error("ZeroDivisionError".into())]
        );
        assert_eq!(saved.history.entries(), ["1/0"]);
        // Times come back as integers; everything else as it was.
        let (written, _) = serialize(&saved, BUDGET_BYTES);
        assert_eq!(
            written,
            earlier
                .replace("1732600000000.0", "1732600000000")
                .replace("12.0", "12")
        );

        // Missing members take their defaults.
        let minimal = r#"{"version":1,"cells":[{"id":0,"code":"x","status":"ok","started_at":5}]}"#;
        let Loaded::Restored(saved) = load(Some(minimal)) else {
            panic!("not restored");
        };
        assert_eq!(saved.cells[0], {
            let mut cell = Cell::running(0, "x".into(), 5.0);
            cell.status = Status::Ok;
            cell
        });
        assert_eq!((saved.next_cell_id, saved.session_id), (1, None));
    }

    #[test]
    fn corrupt_or_foreign_storage_is_discarded_with_a_reason() {
        assert_eq!(load(None), Loaded::Fresh);
        assert_eq!(load(Some("")), Loaded::Fresh);
        for raw in [
            "{not json",
            "[]",
            r#"{"version": 99}"#,
            r#"{"version": 1, "cells": "nope"}"#,
            r#"{"version": 1, "cells": [{"id": 0, "code": "", "status": "new", "started_at": 0}]}"#,
        ] {
            assert!(matches!(load(Some(raw)), Loaded::Discarded { .. }), "{raw}");
        }
        assert_eq!(
            load(Some(r#"{"version": 99}"#)),
            Loaded::Discarded {
                reason: "saved data is from another version (99) of the playground".into()
            }
        );
    }

    #[test]
    fn a_cell_left_running_comes_back_stopped() {
        let saved = Saved {
            version: VERSION,
            cells: vec![Cell::running(4, "while True: pass".into(), 0.0)],
            ..Default::default()
        };
        let Loaded::Restored(restored) = load(Some(&serialize(&saved, BUDGET_BYTES).0)) else {
            panic!("not restored");
        };
        assert_eq!(restored.cells[0].status, Status::Stopped);
        assert_eq!(restored.next_cell_id, 5);
    }

    #[test]
    fn trimming_drops_oldest_outputs_and_keeps_code() {
        let big = "x".repeat(10_000);
        let saved = Saved {
            version: VERSION,
            cells: (0..5).map(|id| cell(id, &big)).collect(),
            ..Default::default()
        };
        let (json, trimmed) = serialize(&saved, 25_000);
        assert!(trimmed && json.len() <= 25_000);
        let Loaded::Restored(restored) = load(Some(&json)) else {
            panic!("not restored");
        };
        assert_eq!(restored.cells.len(), 5);
        assert!(restored.cells[0].outputs_trimmed && restored.cells[0].outputs.is_empty());
        assert!(!restored.cells[4].outputs_trimmed && !restored.cells[4].outputs.is_empty());
        assert!(restored.cells.iter().all(|cell| !cell.code.is_empty()));
    }
}
