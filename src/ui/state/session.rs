//! The TCI session the page runs in: its id, how many runs it has had, and
//! what the API last said about it (expiry, execute count).

use leptos::prelude::*;
use tci_api::SessionInfo;

use crate::ui::browser;

#[derive(Clone, Copy, Debug)]
pub struct Session {
    id: RwSignal<Option<String>>,
    info: RwSignal<Option<SessionInfo>>,
    execution_count: RwSignal<u32>,
    /// In a widget: where the session it shares with the other widgets of
    /// its session name keeps its id.
    widget_key: Option<&'static str>,
}

impl Session {
    pub(super) fn new(
        id: Option<String>,
        execution_count: u32,
        widget_key: Option<&'static str>,
    ) -> Self {
        Session {
            id: RwSignal::new(id),
            info: RwSignal::new(None),
            execution_count: RwSignal::new(execution_count),
            widget_key,
        }
    }

    /// The session's id; `None` until a run starts one.
    pub fn id(&self) -> Option<String> {
        self.id.get()
    }

    pub fn info(&self) -> Option<SessionInfo> {
        self.info.get()
    }

    pub fn is_widget(&self) -> bool {
        self.widget_key.is_some()
    }

    pub(super) fn current(&self) -> Option<String> {
        self.id.get_untracked()
    }

    pub(super) fn execution_count(&self) -> u32 {
        self.execution_count.get_untracked()
    }

    /// Counts a run that reached Python; its `In [n]`.
    pub(super) fn count_run(&self) -> u32 {
        let count = self.execution_count.get_untracked() + 1;
        self.execution_count.set(count);
        count
    }

    /// The id the API answered a run sent with `sent`, when it is a new
    /// one. (Compared with what the run sent, not with the current id: a
    /// "new session" pressed meanwhile stays pressed.)
    pub(super) fn adopt(&self, sent: Option<&str>, answered: &str) {
        if sent != Some(answered) && !answered.is_empty() {
            self.id.set(Some(answered.to_owned()));
        }
    }

    /// The API says the session is gone.
    pub(super) fn lose(&self) {
        self.id.set(None);
        self.info.set(None);
    }

    /// Forgets the session: the next run starts a fresh one.
    pub(super) fn reset(&self) {
        self.lose();
        self.execution_count.set(0);
    }

    pub(super) fn set_info(&self, info: Option<SessionInfo>) {
        self.info.set(info);
    }

    /// Widgets of one session name run one after another, each in its own
    /// frame: the id another widget stored is the current one.
    pub(super) fn reload_widget_session(&self) {
        if let Some(key) = self.widget_key {
            self.id.set(browser::load(key));
        }
    }

    /// A widget stores only its session's id; true when this is a widget's
    /// session and so nothing else is to be stored.
    pub(super) fn save_for_widget(&self) -> bool {
        let Some(key) = self.widget_key else {
            return false;
        };
        match self.id.get_untracked() {
            Some(id) => {
                browser::store(key, &id);
            }
            None => browser::remove(key),
        }
        true
    }
}
