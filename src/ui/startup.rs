//! What happens once, when the page opens: the state is restored (or a
//! widget's made), the clock and the theme start, a link's code is shown,
//! and `config.json` settles where the API is.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::{self, Clock, Connection, Draft, Notebook, Notices};
use super::{api, browser, share, widget};
use crate::embed::link::LinkOptions;
use crate::model::settings::Theme;
use crate::model::storage_keys;
use tci_api::AppConfig;

/// What the page's view needs from its startup.
#[derive(Clone, Copy, Debug)]
pub struct Started {
    pub theme: RwSignal<Theme>,
    /// `?embed`: the widget, which shows no top bar, welcome or dialogs.
    pub embedded: bool,
    /// A widget whose author froze the code.
    pub readonly: bool,
    /// Settings open by themselves when a key is missing (a widget can ask
    /// not to).
    pub show_key: bool,
}

/// Starts the page the address asks for: the full playground, or with
/// `?embed` the widget (see [`widget`]).
pub fn start() -> Started {
    let options = browser::link_options();
    let embedded = options.embed;
    let notebook = if embedded {
        state::for_widget(&options.session, options.code.clone().unwrap_or_default())
    } else {
        state::restore()
    };
    let theme = RwSignal::new(match options.theme {
        Some(theme) if embedded => theme,
        _ => Theme::parse(&browser::load(storage_keys::THEME).unwrap_or_default()),
    });
    start_clock(expect_context::<Clock>(), notebook);
    follow_theme(theme, embedded);
    // Output frames forward it to what they show.
    provide_context(theme);
    let started = Started {
        theme,
        embedded,
        readonly: options.readonly,
        show_key: options.show_key || !embedded,
    };
    let host = embedded.then(|| widget::connect(theme, options.fixed_height.is_none()));
    let (draft, notices) = (expect_context::<Draft>(), expect_context::<Notices>());
    let connection = expect_context::<Connection>();
    spawn_local(async move {
        open_link(&options, notebook, draft, notices).await;
        let api_override = options.api.clone().filter(|_| embedded);
        let server = find_backend(connection, api_override).await;
        if let Some(host) = host {
            host.ready(server.as_ref(), notebook, options.autorun);
        }
    });
    started
}

/// What a link brought becomes a read-only cell (in a widget, the outputs
/// recorded for its code); a widget's editor gets the code.
async fn open_link(options: &LinkOptions, notebook: Notebook, draft: Draft, notices: Notices) {
    let embedded = options.embed;
    if !(options.brings_code() || (embedded && options.outputs.is_some())) {
        return;
    }
    match share::shared_from(options, |complaint| notices.notify(complaint)).await {
        Some((code, outputs)) if embedded => {
            if options.share.is_some() {
                draft.set(code.clone());
            }
            if !outputs.is_empty() {
                notebook.add_shared(code, outputs);
            }
        }
        Some((code, outputs)) => {
            notebook.add_shared(code, outputs);
            // Kept in the scrollback now; a reload must not add it twice.
            browser::forget_fragment();
        }
        None => {}
    }
}

/// Asks for `config.json` and settles where the API is: `api_override`
/// (a widget's `api` option) or the user's own base, else the server's.
async fn find_backend(connection: Connection, api_override: Option<String>) -> Option<AppConfig> {
    let server = api::server_config().await;
    let user_base = api_override.or_else(Connection::stored_api_base);
    connection.settle(server.clone(), user_base.as_deref());
    server
}

/// `data-theme` (and for a widget `data-embed`) on `<html>`, for the CSS.
fn follow_theme(theme: RwSignal<Theme>, embedded: bool) {
    if let (true, Some(root)) = (embedded, document().document_element()) {
        let _ = root.set_attribute("data-embed", "");
    }
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-theme", theme.get().as_str());
        }
    });
}

/// The elapsed-time display and the session countdown tick once a second,
/// ten times a second while a cell runs.
fn start_clock(clock: Clock, notebook: Notebook) {
    if let Ok(handle) = set_interval_with_handle(
        move || clock.tick(notebook.is_running_untracked()),
        Duration::from_millis(100),
    ) {
        on_cleanup(move || handle.clear());
    }
}
