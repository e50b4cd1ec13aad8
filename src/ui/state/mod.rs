//! The playground's state, in narrow handles: each component takes from
//! the Leptos context only the ones it shows or acts on. Fields are
//! private; what can change, and how, are the handles' methods.
//!
//! - [`Session`]: the TCI session's id, run count and expiry.
//! - [`Scrollback`]: the cells.
//! - [`Draft`]: the editor's text and the submission history.
//! - [`Connection`]: the API base and key.
//! - [`Notices`]: the page's notice and the last share link.
//! - [`Clock`]: the time elapsed-time displays follow.
//! - [`Attachments`]: the files going with the next run.
//! - [`Notebook`]: actions across those (run, stop, replay, clear, new
//!   session) and saving them.

mod attachments;
mod clock;
mod connection;
mod draft;
mod notebook;
mod notices;
mod scrollback;
mod session;

use leptos::prelude::*;

pub use attachments::Attachments;
pub use clock::Clock;
pub use connection::Connection;
pub use draft::Draft;
pub use notebook::Notebook;
pub use notices::Notices;
pub use scrollback::Scrollback;
pub use session::Session;

use crate::model::storage::{self, Loaded, Saved};
use crate::model::storage_keys;
use crate::ui::browser;

/// Restores what the last visit left, or starts clean with a notice when
/// that cannot be read; provides every handle.
pub fn restore() -> Notebook {
    let (saved, notice) = match storage::load(browser::load(storage_keys::SCROLLBACK).as_deref()) {
        Loaded::Fresh => (Saved::default(), None),
        Loaded::Restored(saved) => (saved, None),
        Loaded::Discarded { reason } => (
            Saved::default(),
            Some(format!(
                "Started clean: {reason}. Nothing of it could be shown."
            )),
        ),
    };
    let draft = browser::load(storage_keys::DRAFT).unwrap_or_default();
    provide(saved, draft, notice, None)
}

/// A widget's state, with `code` in its editor: nothing restored but the id
/// of its named session; provides every handle.
pub fn for_widget(session_name: &str, code: String) -> Notebook {
    // One per page, for the page's whole life.
    let key = storage_keys::widget_session(session_name).leak();
    provide(Saved::default(), code, None, Some(key))
}

fn provide(
    saved: Saved,
    draft: String,
    notice: Option<String>,
    widget_key: Option<&'static str>,
) -> Notebook {
    let session = Session::new(saved.session_id, saved.execution_count, widget_key);
    session.reload_widget_session();
    let scrollback = Scrollback::new(saved.cells, saved.next_cell_id);
    let draft = Draft::new(draft, saved.history, widget_key.is_some());
    let connection = Connection::restore();
    let notices = Notices::new(notice);
    let attachments = Attachments::new(notices);
    let notebook = Notebook::new(session, scrollback, draft, connection, notices, attachments);
    provide_context(session);
    provide_context(scrollback);
    provide_context(draft);
    provide_context(connection);
    provide_context(notices);
    provide_context(attachments);
    provide_context(Clock::new());
    provide_context(notebook);
    notebook
}
