//! The actions that change several parts of the state at once (run, stop,
//! replay, clear, a new session, a shared cell), and saving what they
//! changed.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tci_api::{ExecuteRequest, Output};
use web_sys::AbortController;

use super::{Attachments, Connection, Draft, Notices, Scrollback, Session};
use crate::model::attach;
use crate::model::cell::{Cell, Status};
use crate::model::notebook_file::Imported;
use crate::model::storage::{self, Saved};
use crate::model::storage_keys;
use crate::ui::{api, browser};

#[derive(Clone, Copy, Debug)]
pub struct Notebook {
    session: Session,
    scrollback: Scrollback,
    draft: Draft,
    connection: Connection,
    notices: Notices,
    attachments: Attachments,
    /// The id of the cell waiting for its answer.
    running: RwSignal<Option<u64>>,
    abort: StoredValue<Option<AbortController>, LocalStorage>,
}

impl Notebook {
    pub(super) fn new(
        session: Session,
        scrollback: Scrollback,
        draft: Draft,
        connection: Connection,
        notices: Notices,
        attachments: Attachments,
    ) -> Self {
        Notebook {
            session,
            scrollback,
            draft,
            connection,
            notices,
            attachments,
            running: RwSignal::new(None),
            abort: StoredValue::new_local(None),
        }
    }

    /// A cell is waiting for its answer (tracked).
    pub fn is_running(&self) -> bool {
        self.running.with(Option::is_some)
    }

    pub fn is_running_untracked(&self) -> bool {
        self.running.with_untracked(Option::is_some)
    }

    /// Writes the scrollback to localStorage, trimmed to its budget; a
    /// widget writes only its named session's id.
    fn save(&self) {
        if self.session.save_for_widget() {
            return;
        }
        let saved = Saved {
            version: storage::VERSION,
            cells: self.scrollback.snapshot(),
            session_id: self.session.current(),
            history: self.draft.history(),
            execution_count: self.session.execution_count(),
            next_cell_id: self.scrollback.next_cell_id(),
        };
        let (json, trimmed) = storage::serialize(&saved, storage::BUDGET_BYTES);
        if !browser::store(storage_keys::SCROLLBACK, &json) {
            self.notices.notify(
                "The browser refused to store the scrollback; it will not survive a reload.",
            );
        } else if trimmed {
            self.notices.notify(
                "Storage is nearly full: outputs of the oldest cells were dropped (their code is kept).",
            );
        }
    }

    /// Runs the editor's code and clears the editor; a run whose files
    /// make too large a request is refused first, and the code stays.
    pub fn submit(self) {
        let code = self.draft.current();
        if code.trim().is_empty() || self.is_running_untracked() || !self.fits(&code) {
            return;
        }
        self.draft.submitted(&code);
        self.run_in_turn(vec![code]);
    }

    /// The request `code` makes with the attached files, if it fits the
    /// API's body limit; a notice names the limit when it does not.
    fn request(&self, code: String) -> Option<ExecuteRequest> {
        let mut request = ExecuteRequest::python(code, self.session.current());
        let files = self.attachments.pending();
        if files.is_empty() {
            return Some(request);
        }
        request.files = Some(files);
        let limit = self
            .connection
            .backend_untracked()
            .map_or(tci_api::AppConfig::DEFAULT_BODY_LIMIT, |backend| {
                backend.body_limit
            });
        match attach::check(&request, limit) {
            Ok(()) => Some(request),
            Err(why) => {
                self.notices.notify(why);
                None
            }
        }
    }

    fn fits(&self, code: &str) -> bool {
        self.attachments.pending().is_empty() || self.request(code.to_owned()).is_some()
    }

    /// Runs each of `codes` as a new cell, one after another, without
    /// waiting for them; stops at the first that could not run, then
    /// refreshes the session's status line.
    pub fn run_in_turn(self, codes: Vec<String>) {
        self.run_queue(codes.into_iter().map(|code| (code, None)).collect(), false);
    }

    /// Runs the imported cells not run yet, in place and in order, in the
    /// current session; stops at the first that fails or raises.
    pub fn run_all(self) {
        self.run_cells(self.scrollback.not_run());
    }

    /// Runs `cells` in place, in order; stops at the first that fails or
    /// raises.
    pub fn run_cells(self, cells: Vec<RwSignal<Cell>>) {
        if self.is_running_untracked() {
            return;
        }
        let jobs = cells
            .into_iter()
            .map(|cell| (cell.with_untracked(|cell| cell.code.clone()), Some(cell)))
            .collect();
        self.run_queue(jobs, true);
    }

    /// The one place that awaits [`Notebook::run`], so submit, re-run,
    /// replay and Run all share one way of running cells (and the wasm one
    /// copy of it): each code as a new cell or in its imported cell's place,
    /// in turn; stops at the first that could not run (or, with
    /// `stop_at_error`, raised), then refreshes the session's status line.
    fn run_queue(self, jobs: Vec<(String, Option<RwSignal<Cell>>)>, stop_at_error: bool) {
        spawn_local(async move {
            for (code, into) in jobs {
                match self.run(code, into).await {
                    None => break,
                    Some(Status::Error) if stop_at_error => break,
                    Some(_) => {}
                }
            }
            self.refresh_session_info().await;
        });
    }

    /// Adds an imported file's cells to the scrollback, not run yet.
    pub fn add_imported(&self, cells: Vec<Imported>) {
        let now = browser::now_ms();
        for imported in cells {
            self.scrollback.push(|id| imported.into_cell(id, now));
        }
        self.save();
    }

    /// Runs `code` as a new cell, or in the place of the imported cell
    /// `into`; the cell's status when Python answered (with or without an
    /// exception), `None` when it did not run.
    async fn run(self, code: String, into: Option<RwSignal<Cell>>) -> Option<Status> {
        let Some(backend) = self.connection.backend_untracked() else {
            self.notices
                .notify("Still finding the API; try again in a moment.");
            return None;
        };
        self.session.reload_widget_session();
        let request = self.request(code.clone())?;
        let files = request.files.clone().unwrap_or_default();
        let names: Vec<String> = files.iter().map(|file| file.name.clone()).collect();
        let started = browser::now_ms();
        let cell = match into {
            Some(cell) => {
                cell.update(|cell| *cell = Cell::running(cell.id, code, started));
                cell
            }
            None => self.scrollback.push(|id| Cell::running(id, code, started)),
        };
        cell.update(|cell| cell.files = names);
        self.running.set(Some(cell.with_untracked(|cell| cell.id)));
        self.save();

        let Ok(controller) = AbortController::new() else {
            return None;
        };
        let signal = controller.signal();
        self.abort.set_value(Some(controller));
        let session_id = request.session_id.clone();
        let key = self.connection.key_untracked();
        let result = api::execute(&backend, &key, &request, &signal).await;
        self.abort.set_value(None);

        let duration = browser::now_ms() - started;
        let mut ran = None;
        // A stopped cell has been marked already; a late answer is dropped.
        if cell.get_untracked().status == Status::Running {
            match result {
                Ok(data) => {
                    ran = Some(Cell::status_of(&data.outputs));
                    self.attachments.delivered(&files);
                    let count = self.session.count_run();
                    self.session.adopt(session_id.as_deref(), &data.session_id);
                    cell.update(|cell| {
                        cell.status = Cell::status_of(&data.outputs);
                        cell.outputs = data.outputs;
                        cell.execution_count = Some(count);
                        cell.duration_ms = Some(duration);
                        cell.session_id = Some(data.session_id);
                    });
                }
                Err(api::CallError::Aborted) => {}
                Err(api::CallError::Failed(failure)) => {
                    if failure.session_lost() {
                        self.session.lose();
                    }
                    cell.update(|cell| {
                        cell.status = Status::Failed;
                        cell.message = Some(failure.message());
                        cell.session_lost = failure.session_lost();
                        cell.duration_ms = Some(duration);
                        cell.session_id = session_id.clone();
                    });
                }
            }
        }
        self.running.set(None);
        self.save();
        ran
    }

    /// Stops waiting for the running cell. The request is aborted; the code
    /// may still finish in the session.
    pub fn stop(&self) {
        let Some(id) = self.running.get_untracked() else {
            return;
        };
        if let Some(controller) = self.abort.get_value() {
            controller.abort();
        }
        if let Some(cell) = self.scrollback.cell(id) {
            let started = cell.get_untracked().started_at;
            cell.update(|cell| {
                cell.status = Status::Stopped;
                cell.duration_ms = Some(browser::now_ms() - started);
                cell.message = Some(
                    "Stopped waiting. The code may still be running in the session, and its effects (variables, files) may appear later."
                        .into(),
                );
            });
        }
    }

    /// Runs again, in a new session, the code of the cells that ran in the
    /// session `cell_id` found gone, then that cell's own code.
    pub fn replay(self, cell_id: u64) {
        if let Some(codes) = self.scrollback.take_replay(cell_id) {
            self.run_in_turn(codes);
        }
    }

    /// Adds a link's code and outputs to the scrollback, read-only.
    pub fn add_shared(&self, code: String, outputs: Vec<Output>) {
        let now = browser::now_ms();
        self.scrollback
            .push(|id| Cell::shared(id, code, outputs, now));
        self.save();
    }

    /// Forgets the session: the next run starts a fresh one.
    pub fn new_session(&self) {
        self.session.reset();
        self.save();
    }

    pub fn clear(&self) {
        if self.is_running_untracked() {
            return;
        }
        self.scrollback.clear();
        self.save();
    }

    /// Asks the API for the session's expiry and execute count (a widget
    /// shows neither).
    async fn refresh_session_info(self) {
        let (Some(id), Some(backend), false) = (
            self.session.current(),
            self.connection.backend_untracked(),
            self.session.is_widget(),
        ) else {
            return;
        };
        let info = api::sessions(&backend, &self.connection.key_untracked())
            .await
            .and_then(|sessions| sessions.into_iter().find(|session| session.id == id));
        self.session.set_info(info);
    }
}
