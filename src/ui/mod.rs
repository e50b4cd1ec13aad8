//! The browser UI (Leptos, client-side rendered). Components stay small;
//! the decisions they show are made in the crate's plain modules.

mod api;
mod browser;
mod cell_view;
mod editor;
mod output;
mod session_bar;
mod settings_panel;
mod share;
mod state;
pub mod widget;

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::model::settings::{self, Theme};
use cell_view::CellView;
use editor::Editor;
pub use output::OutputView;
use session_bar::SessionBar;
use settings_panel::SettingsPanel;
use share::ShareBar;
pub use state::Playground;
use tci_api::AppConfig;

/// Asks for `config.json` and settles where the API is: `api_override`
/// (a widget's `api` option) or the user's own base, else the server's.
async fn find_backend(playground: Playground, api_override: Option<String>) -> Option<AppConfig> {
    let server = api::server_config().await;
    let user_base = api_override.or_else(|| browser::load(settings::API_BASE_KEY));
    playground.backend.set(Some(settings::resolve(
        server.as_ref(),
        user_base.as_deref(),
    )));
    playground.server_config.set(server.clone());
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
fn start_clock(playground: Playground) {
    if let Ok(handle) = set_interval_with_handle(
        move || {
            let running = playground.running.get_untracked().is_some();
            let now = browser::now_ms();
            if running || (now - playground.now.get_untracked()) >= 1000.0 {
                playground.now.set(now);
            }
        },
        Duration::from_millis(100),
    ) {
        on_cleanup(move || handle.clear());
    }
}

/// The whole playground, or with `?embed` in its address the widget: the
/// same page with only the editor, Run and the latest outputs, talking with
/// the page that embeds it (see [`widget`]).
#[component]
pub fn App() -> impl IntoView {
    let options = browser::link_options();
    let embedded = options.embed;
    let playground = if embedded {
        Playground::for_widget(&options.session, options.code.clone().unwrap_or_default())
    } else {
        Playground::restore()
    };
    provide_context(playground);
    let theme = RwSignal::new(match options.theme {
        Some(theme) if embedded => theme,
        _ => Theme::parse(&browser::load(settings::THEME_KEY).unwrap_or_default()),
    });
    start_clock(playground);
    follow_theme(theme, embedded);
    let show_settings = RwSignal::new(false);
    // A memo, so the panel is built only when it opens.
    let settings_shown = Memo::new(move |_| show_settings.get());

    let options_readonly = options.readonly;
    let host = embedded.then(|| widget::connect(playground, theme, options.fixed_height.is_none()));
    let (show_key, autorun) = (options.show_key || !embedded, options.autorun);
    let api_override = options.api.clone().filter(|_| embedded);
    // What a link brought becomes a read-only cell (in a widget, the outputs
    // recorded for its code); a widget's editor gets the code.
    spawn_local(async move {
        if options.brings_code() || (embedded && options.outputs.is_some()) {
            let complain = |complaint: &str| playground.notice.set(Some(complaint.to_owned()));
            match share::shared_from(&options, complain).await {
                Some((code, outputs)) if embedded => {
                    if options.share.is_some() {
                        playground.draft.set(code.clone());
                    }
                    if !outputs.is_empty() {
                        playground.add_shared(code, outputs);
                    }
                }
                Some((code, outputs)) => {
                    playground.add_shared(code, outputs);
                    // Kept in the scrollback now; a reload must not add it twice.
                    browser::forget_fragment();
                }
                None => {}
            }
        }
        let server = find_backend(playground, api_override).await;
        if let Some(host) = host {
            host.ready(server.as_ref(), playground, autorun);
        }
    });
    let needs_key = move || {
        playground
            .backend
            .get()
            .is_some_and(|backend| backend.key_required)
            && playground.api_key.get().is_empty()
    };
    let running = move || playground.running.get().is_some();
    // Opened for a missing key, the panel stays open while the key is typed.
    Effect::new(move |_| {
        if needs_key() && show_key {
            show_settings.set(true);
        }
    });

    view! {
        <header class="top-bar">
            <h1>"TCI Playground"</h1>
            <SessionBar/>
            <button type="button" data-testid="settings" aria-expanded=move || if show_settings.get() { "true" } else { "false" }
                on:click=move |_| show_settings.update(|shown| *shown = !*shown)>
                "Settings"
            </button>
        </header>
        {move || settings_shown.get().then(|| view! { <SettingsPanel theme=theme/> })}
        <ShareBar/>
        {move || playground.notice.get().map(|notice| view! {
            <div class="notice" data-testid="notice" role="alert">
                <span>{notice}</span>
                <button type="button" on:click=move |_| playground.notice.set(None) aria-label="Dismiss">"×"</button>
            </div>
        })}
        <main>
            <section class="scrollback" role="log" aria-live="polite" aria-label="Scrollback">
                <For each=move || playground.cells.get() key=|cell| cell.with_untracked(|cell| cell.id) let:cell>
                    <CellView cell=cell/>
                </For>
            </section>
            <section class="input" aria-label="Code input">
                <Editor readonly=options_readonly/>
                <div class="actions">
                    <button type="button" class="primary" data-testid="run" disabled=running
                        on:click=move |_| playground.submit() title="Run (Ctrl+Enter or Shift+Enter)">
                        "Run"
                    </button>
                    <button type="button" data-testid="stop" disabled=move || !running() on:click=move |_| playground.stop()>
                        "Stop"
                    </button>
                    <button type="button" data-testid="clear" disabled=running on:click=move |_| playground.clear()>
                        "Clear"
                    </button>
                </div>
            </section>
        </main>
    }
}
