//! The browser UI (Leptos, client-side rendered). Components stay small;
//! the decisions they show are made in the crate's plain modules.

mod api;
mod browser;
mod cell_view;
mod editor;
mod output;
mod session_bar;
mod settings_panel;
mod state;

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::settings::{self, Theme};
use cell_view::CellView;
use editor::Editor;
pub use output::OutputView;
use session_bar::SessionBar;
use settings_panel::SettingsPanel;
pub use state::Playground;

/// The whole playground.
#[component]
pub fn App() -> impl IntoView {
    let playground = Playground::restore();
    provide_context(playground);
    let theme = RwSignal::new(Theme::parse(
        &browser::load(settings::THEME_KEY).unwrap_or_default(),
    ));
    let show_settings = RwSignal::new(false);
    // A memo, so the panel is built only when it opens.
    let settings_shown = Memo::new(move |_| show_settings.get());

    spawn_local(async move {
        let server = api::server_config().await;
        let user_base = browser::load(settings::API_BASE_KEY);
        playground.backend.set(Some(settings::resolve(
            server.as_ref(),
            user_base.as_deref(),
        )));
        playground.server_config.set(server);
    });
    // The elapsed-time display and the session countdown tick once a second,
    // ten times a second while a cell runs.
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
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-theme", theme.get().as_str());
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
        if needs_key() {
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
                <Editor/>
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
