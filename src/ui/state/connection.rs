//! Where the API is and the key sent to it: settled at startup from
//! `config.json` and the user's settings, changed in the Settings panel.

use leptos::prelude::*;

use tci_api::AppConfig;

use crate::model::backend_kind::BackendKind;
use crate::model::settings::{self, Backend};
use crate::model::storage_keys;
use crate::ui::browser;

#[derive(Clone, Copy, Debug)]
pub struct Connection {
    /// `None` until `config.json` has been asked.
    backend: RwSignal<Option<Backend>>,
    server: RwSignal<Option<AppConfig>>,
    key: RwSignal<String>,
}

impl Connection {
    /// The key remembered on this device, else the one kept for this tab.
    pub(super) fn restore() -> Self {
        let key = browser::load(storage_keys::API_KEY)
            .or_else(|| browser::load_session(storage_keys::API_KEY))
            .unwrap_or_default();
        Connection {
            backend: RwSignal::new(None),
            server: RwSignal::new(None),
            key: RwSignal::new(key),
        }
    }

    pub fn backend(&self) -> Option<Backend> {
        self.backend.get()
    }

    pub(super) fn backend_untracked(&self) -> Option<Backend> {
        self.backend.get_untracked()
    }

    pub fn key(&self) -> String {
        self.key.get()
    }

    pub(super) fn key_untracked(&self) -> String {
        self.key.get_untracked()
    }

    /// Which backend answers, as the page names it.
    pub fn backend_kind(&self) -> BackendKind {
        self.backend()
            .map_or(BackendKind::Unknown, |backend| backend.kind)
    }

    /// The API wants a key and none has been given.
    pub fn needs_key(&self) -> bool {
        self.backend
            .with(|backend| backend.as_ref().is_some_and(|backend| backend.key_required))
            && self.key.with(String::is_empty)
    }

    /// Where the API is, now that `config.json` (`server`) has been asked:
    /// `user_api_base` (a widget's `api` option, or the user's own base
    /// from Settings) wins over the server's.
    pub fn settle(&self, server: Option<AppConfig>, user_api_base: Option<&str>) {
        self.backend
            .set(Some(settings::resolve(server.as_ref(), user_api_base)));
        self.server.set(server);
    }

    /// The API base the user typed in Settings, if any.
    pub fn stored_api_base() -> Option<String> {
        browser::load(storage_keys::API_BASE)
    }

    /// The user's own API base (blank: the default), kept for later visits.
    pub fn set_api_base(&self, text: &str) {
        if text.trim().is_empty() {
            browser::remove(storage_keys::API_BASE);
        } else {
            browser::store(storage_keys::API_BASE, text.trim());
        }
        let server = self.server.get_untracked();
        self.backend
            .set(Some(settings::resolve(server.as_ref(), Some(text))));
    }

    /// Whether the key is kept on this device rather than for this tab.
    pub fn remembers_key() -> bool {
        browser::load(storage_keys::API_KEY).is_some()
    }

    /// Sets the key and keeps it on this device (`remember`) or for this
    /// tab only; an empty key is forgotten everywhere.
    pub fn set_key(&self, key: String, remember: bool) {
        self.key.set(key);
        self.keep_key(remember);
    }

    /// Keeps the key on this device (`remember`) or for this tab only.
    pub fn keep_key(&self, remember: bool) {
        browser::remove(storage_keys::API_KEY);
        browser::remove_session(storage_keys::API_KEY);
        let key = self.key.get_untracked();
        if key.is_empty() {
            return;
        }
        if remember {
            browser::store(storage_keys::API_KEY, &key);
        } else {
            browser::store_session(storage_keys::API_KEY, &key);
        }
    }
}
