//! The page: the top bar, the scrollback (or, while it is empty, the
//! welcome) and the code input. The widget (`?embed`) is the same view, with
//! the CSS under `:root[data-embed]` hiding what it does not show.

use leptos::prelude::*;

use super::cell_view::CellView;
use super::editor::Editor;
use super::files::{self, Actions};
use super::session_bar::SessionBar;
use super::settings_panel::SettingsPanel;
use super::share::ShareBar;
use super::shortcuts;
use super::startup::{self, Started};
use super::state::{Connection, Notebook, Notices, Scrollback};
use super::welcome::Welcome;

/// The whole playground, or with `?embed` in its address the widget: the
/// same page with only the editor, Run and the latest outputs, talking with
/// the page that embeds it (see [`super::widget`]).
#[component]
pub fn App() -> impl IntoView {
    let Started {
        theme,
        embedded,
        readonly,
        show_key,
    } = startup::start();
    let notebook = expect_context::<Notebook>();
    let scrollback = expect_context::<Scrollback>();
    let connection = expect_context::<Connection>();
    let notices = expect_context::<Notices>();
    let show_settings = RwSignal::new(false);
    // A memo, so the panel is built only when it opens.
    let settings_shown = Memo::new(move |_| show_settings.get());
    let running = move || notebook.is_running();
    // Opened for a missing key, the panel stays open while the key is typed.
    Effect::new(move |_| {
        if connection.needs_key() && show_key {
            show_settings.set(true);
        }
    });
    if !embedded {
        shortcuts::listen();
    }
    files::listen_for_drops();
    let actions = Actions::from_context();

    view! {
        <header class="top-bar">
            <h1>"TCI Playground"</h1>
            <SessionBar/>
            // Opens the shortcuts (see `shortcuts::listen`).
            <button type="button" data-testid="shortcuts-button" aria-haspopup="dialog">"Keyboard shortcuts"</button>
            // The badge naming the backend is part of the button to the
            // Settings that choose it.
            <button type="button" data-testid="settings" aria-expanded=move || if show_settings.get() { "true" } else { "false" }
                on:click=move |_| show_settings.update(|shown| *shown = !*shown)>
                "Settings "
                <span class="backend-badge" data-testid="backend">
                    {move || connection.backend_kind().badge(connection.needs_key())}
                </span>
            </button>
        </header>
        {move || settings_shown.get().then(|| view! { <SettingsPanel theme=theme/> })}
        <ShareBar/>
        {move || notices.notice().map(|notice| view! {
            <div class="notice" data-testid="notice" role="alert">
                <span>{notice}</span>
                <button type="button" on:click=move |_| notices.dismiss() aria-label="Dismiss the notice">"×"</button>
            </div>
        })}
        <main>
            <Welcome/>
            <section class="scrollback" role="log" aria-live="polite" aria-label="Scrollback">
                <For each=move || scrollback.cells() key=|cell| cell.with_untracked(|cell| cell.id) let:cell>
                    <CellView cell=cell/>
                </For>
            </section>
            <section class="input" aria-label="Code input"
                on:click=move |event| actions.click(event) on:change=move |event| actions.change(event)>
                <div class="attached" inner_html=move || actions.chips_html()></div>
                <Editor readonly=readonly/>
                <div class="actions">
                    <button type="button" class="primary" data-testid="run" disabled=running
                        on:click=move |_| notebook.submit() title="Run (Ctrl+Enter or Shift+Enter)">
                        "Run"
                    </button>
                    <button type="button" data-testid="stop" disabled=move || !running() on:click=move |_| notebook.stop()>
                        "Stop"
                    </button>
                    <button type="button" data-testid="clear" disabled=running on:click=move |_| notebook.clear()>
                        "Clear scrollback"
                    </button>
                    <span class="notebook-bar" inner_html=files::NOTEBOOK_BAR></span>
                </div>
            </section>
        </main>
    }
}
