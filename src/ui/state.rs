//! The playground's state and the actions on it (run, stop, replay, new
//! session), shared by the components through context.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tci_api::{ExecuteRequest, SessionInfo};
use web_sys::AbortController;

use super::{api, browser};
use crate::model::cell::{Cell, Status};
use crate::model::history::History;
use crate::model::settings::{self, Backend};
use crate::model::storage::{self, Loaded, Saved};

#[derive(Clone, Copy, Debug)]
pub struct Playground {
    pub cells: RwSignal<Vec<RwSignal<Cell>>>,
    pub session_id: RwSignal<Option<String>>,
    pub session_info: RwSignal<Option<SessionInfo>>,
    pub execution_count: RwSignal<u32>,
    pub draft: RwSignal<String>,
    pub history: StoredValue<History>,
    /// `None` until `config.json` has been asked.
    pub backend: RwSignal<Option<Backend>>,
    pub server_config: RwSignal<Option<tci_api::AppConfig>>,
    pub api_key: RwSignal<String>,
    pub running: RwSignal<Option<u64>>,
    pub notice: RwSignal<Option<String>>,
    /// The last share link made, shown until closed.
    pub share_link: RwSignal<Option<String>>,
    /// Ticks while a cell runs, for its elapsed-time display.
    pub now: RwSignal<f64>,
    next_cell_id: StoredValue<u64>,
    abort: StoredValue<Option<AbortController>, LocalStorage>,
    /// In a widget: the name of the session it shares with other widgets.
    /// A widget keeps its code in the editor and stores nothing but that
    /// session's id.
    widget_session: Option<&'static str>,
}

impl Playground {
    /// Restores what the last visit left, or starts clean with a notice
    /// when that cannot be read.
    pub fn restore() -> Self {
        let (saved, notice) = match storage::load(browser::load(storage::KEY).as_deref()) {
            Loaded::Fresh => (Saved::default(), None),
            Loaded::Restored(saved) => (saved, None),
            Loaded::Discarded { reason } => (
                Saved::default(),
                Some(format!(
                    "Started clean: {reason}. Nothing of it could be shown."
                )),
            ),
        };
        let draft = browser::load(storage::DRAFT_KEY).unwrap_or_default();
        Self::new(saved, draft, notice, None)
    }

    /// A widget's state: nothing restored but the id of its named session.
    pub fn for_widget(session_name: &str, code: String) -> Self {
        // One per page, for the page's whole life.
        let key = storage::widget_session_key(session_name).leak();
        let playground = Self::new(Saved::default(), code, None, Some(key));
        playground.reload_widget_session();
        playground
    }

    fn new(
        saved: Saved,
        draft: String,
        notice: Option<String>,
        widget_session: Option<&'static str>,
    ) -> Self {
        let key = browser::load(settings::API_KEY_KEY)
            .or_else(|| browser::load_session(settings::API_KEY_KEY))
            .unwrap_or_default();
        Playground {
            cells: RwSignal::new(saved.cells.into_iter().map(RwSignal::new).collect()),
            session_id: RwSignal::new(saved.session_id),
            session_info: RwSignal::new(None),
            execution_count: RwSignal::new(saved.execution_count),
            draft: RwSignal::new(draft),
            history: StoredValue::new(saved.history),
            backend: RwSignal::new(None),
            server_config: RwSignal::new(None),
            api_key: RwSignal::new(key),
            running: RwSignal::new(None),
            notice: RwSignal::new(notice),
            share_link: RwSignal::new(None),
            now: RwSignal::new(browser::now_ms()),
            next_cell_id: StoredValue::new(saved.next_cell_id),
            abort: StoredValue::new_local(None),
            widget_session,
        }
    }

    pub fn is_widget(&self) -> bool {
        self.widget_session.is_some()
    }

    /// Widgets of one session name run one after another, each in its own
    /// frame: the id another widget stored is the current one.
    fn reload_widget_session(&self) {
        if let Some(key) = self.widget_session {
            self.session_id.set(browser::load(key));
        }
    }

    /// Writes the scrollback to localStorage, trimmed to its budget; a
    /// widget writes only its named session's id.
    pub fn save(&self) {
        if let Some(key) = self.widget_session {
            match self.session_id.get_untracked() {
                Some(id) => {
                    browser::store(key, &id);
                }
                None => browser::remove(key),
            }
            return;
        }
        let saved = Saved {
            version: storage::VERSION,
            cells: self
                .cells
                .get_untracked()
                .iter()
                .map(|cell| cell.get_untracked())
                .collect(),
            session_id: self.session_id.get_untracked(),
            history: self.history.get_value(),
            execution_count: self.execution_count.get_untracked(),
            next_cell_id: self.next_cell_id.get_value(),
        };
        let (json, trimmed) = storage::serialize(&saved, storage::BUDGET_BYTES);
        if !browser::store(storage::KEY, &json) {
            self.notice.set(Some(
                "The browser refused to store the scrollback; it will not survive a reload.".into(),
            ));
        } else if trimmed {
            self.notice.set(Some(
                "Storage is nearly full: outputs of the oldest cells were dropped (their code is kept).".into(),
            ));
        }
    }

    pub fn save_draft(&self) {
        if self.is_widget() {
            return;
        }
        browser::store(storage::DRAFT_KEY, &self.draft.get_untracked());
    }

    /// Runs the editor's code and clears the editor.
    pub fn submit(self) {
        let code = self.draft.get_untracked();
        if code.trim().is_empty() || self.running.get_untracked().is_some() {
            return;
        }
        self.history.update_value(|history| history.push(&code));
        // A widget is a notebook cell: its code stays to be edited and rerun.
        if !self.is_widget() {
            self.draft.set(String::new());
            self.save_draft();
        }
        self.run_in_turn(vec![code]);
    }

    /// Runs each of `codes` as a new cell, one after another, without
    /// waiting for them; stops at the first that could not run, then
    /// refreshes the session's status line.
    ///
    /// The one place that awaits [`Playground::run`], so submit, re-run and
    /// replay share one way of running cells.
    pub fn run_in_turn(self, codes: Vec<String>) {
        spawn_local(async move {
            for code in codes {
                if !self.run(code).await {
                    break;
                }
            }
            self.refresh_session_info().await;
        });
    }

    /// Runs `code` as a new cell; true when it ran (with or without a
    /// Python exception).
    async fn run(self, code: String) -> bool {
        let Some(backend) = self.backend.get_untracked() else {
            self.notice
                .set(Some("Still finding the API; try again in a moment.".into()));
            return false;
        };
        self.reload_widget_session();
        let id = self.next_cell_id.get_value();
        self.next_cell_id.set_value(id + 1);
        let started = browser::now_ms();
        let cell = RwSignal::new(Cell::running(id, code.clone(), started));
        self.cells.update(|cells| cells.push(cell));
        self.running.set(Some(id));
        self.save();

        let Ok(controller) = AbortController::new() else {
            return false;
        };
        let signal = controller.signal();
        self.abort.set_value(Some(controller));
        let session_id = self.session_id.get_untracked();
        let request = ExecuteRequest::python(code, session_id.clone());
        let key = self.api_key.get_untracked();
        let result = api::execute(&backend, &key, &request, &signal).await;
        self.abort.set_value(None);

        let duration = browser::now_ms() - started;
        let mut ran = false;
        // A stopped cell has been marked already; a late answer is dropped.
        if cell.get_untracked().status == Status::Running {
            match result {
                Ok(data) => {
                    ran = true;
                    let count = self.execution_count.get_untracked() + 1;
                    self.execution_count.set(count);
                    if session_id.as_deref() != Some(data.session_id.as_str())
                        && !data.session_id.is_empty()
                    {
                        self.session_id.set(Some(data.session_id.clone()));
                    }
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
                        self.session_id.set(None);
                        self.session_info.set(None);
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
        if let Some(cell) = self.cell(id) {
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
        let cells: Vec<Cell> = self
            .cells
            .get_untracked()
            .iter()
            .map(|cell| cell.get_untracked())
            .collect();
        let Some(lost) = cells.iter().find(|cell| cell.id == cell_id) else {
            return;
        };
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
        self.run_in_turn(codes);
    }

    /// Adds a link's code and outputs to the scrollback, read-only.
    pub fn add_shared(&self, code: String, outputs: Vec<tci_api::Output>) {
        let id = self.next_cell_id.get_value();
        self.next_cell_id.set_value(id + 1);
        let cell = Cell::shared(id, code, outputs, browser::now_ms());
        self.cells.update(|cells| cells.push(RwSignal::new(cell)));
        self.save();
    }

    pub fn new_session(&self) {
        self.session_id.set(None);
        self.session_info.set(None);
        self.execution_count.set(0);
        self.save();
    }

    pub fn clear(&self) {
        if self.running.get_untracked().is_some() {
            return;
        }
        self.cells.set(Vec::new());
        self.save();
    }

    fn cell(&self, id: u64) -> Option<RwSignal<Cell>> {
        self.cells
            .get_untracked()
            .into_iter()
            .find(|cell| cell.get_untracked().id == id)
    }

    /// Asks the API for the session's expiry and execute count (a widget
    /// shows neither).
    async fn refresh_session_info(self) {
        let (Some(id), Some(backend), false) = (
            self.session_id.get_untracked(),
            self.backend.get_untracked(),
            self.is_widget(),
        ) else {
            return;
        };
        let info = api::sessions(&backend, &self.api_key.get_untracked())
            .await
            .and_then(|sessions| sessions.into_iter().find(|session| session.id == id));
        self.session_info.set(info);
    }
}
