//! The cells shown above the editor, oldest first.

use leptos::prelude::*;

use crate::model::cell::{Cell, Status};

#[derive(Clone, Copy, Debug)]
pub struct Scrollback {
    cells: RwSignal<Vec<RwSignal<Cell>>>,
    next_cell_id: StoredValue<u64>,
}

impl Scrollback {
    pub(super) fn new(cells: Vec<Cell>, next_cell_id: u64) -> Self {
        Scrollback {
            cells: RwSignal::new(cells.into_iter().map(RwSignal::new).collect()),
            next_cell_id: StoredValue::new(next_cell_id),
        }
    }

    /// The cells, tracked: a view listing them follows additions and
    /// removals (each cell is a signal of its own).
    pub fn cells(&self) -> Vec<RwSignal<Cell>> {
        self.cells.get()
    }

    /// No cell yet (tracked): the welcome shows.
    pub fn is_empty(&self) -> bool {
        // Through `get`, which the page uses anyway: a `with` of its own
        // would cost the wasm more than copying the handles.
        self.cells.get().is_empty()
    }

    /// The newest cell as it is now.
    pub fn last(&self) -> Option<Cell> {
        self.cells
            .with_untracked(|cells| cells.last().map(|cell| cell.get_untracked()))
    }

    /// Appends the cell `make` builds from a fresh id.
    pub(super) fn push(&self, make: impl FnOnce(u64) -> Cell) -> RwSignal<Cell> {
        let id = self.next_cell_id.get_value();
        self.next_cell_id.set_value(id + 1);
        let cell = RwSignal::new(make(id));
        self.cells.update(|cells| cells.push(cell));
        cell
    }

    pub(super) fn clear(&self) {
        self.cells.set(Vec::new());
    }

    pub(super) fn cell(&self, id: u64) -> Option<RwSignal<Cell>> {
        self.cells
            .get_untracked()
            .into_iter()
            .find(|cell| cell.get_untracked().id == id)
    }

    pub fn snapshot(&self) -> Vec<Cell> {
        self.cells
            .get_untracked()
            .iter()
            .map(|cell| cell.get_untracked())
            .collect()
    }

    /// The imported cells waiting for Run all, oldest first.
    pub(super) fn not_run(&self) -> Vec<RwSignal<Cell>> {
        self.cells
            .get_untracked()
            .into_iter()
            .filter(|cell| cell.with_untracked(|cell| cell.status == Status::NotRun))
            .collect()
    }

    pub(super) fn next_cell_id(&self) -> u64 {
        self.next_cell_id.get_value()
    }

    /// What a replay of `cell_id` runs: the code of the earlier cells that
    /// ran in the session it found gone, then its own. The cell no longer
    /// offers the replay.
    pub(super) fn take_replay(&self, cell_id: u64) -> Option<Vec<String>> {
        let cells = self.snapshot();
        let lost = cells.iter().find(|cell| cell.id == cell_id)?;
        let mut codes: Vec<String> = cells
            .iter()
            .take_while(|cell| cell.id != cell_id)
            .filter(|cell| {
                matches!(cell.status, Status::Ok | Status::Error)
                    && cell.session_id == lost.session_id
            })
            .map(|cell| cell.code.clone())
            .collect();
        codes.push(lost.code.clone());
        if let Some(cell) = self.cell(cell_id) {
            cell.update(|cell| cell.session_lost = false);
        }
        Some(codes)
    }
}
