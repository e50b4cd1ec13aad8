//! The current session: its id, execute count and time left.

use leptos::prelude::*;
use tci_api::timestamp;

use super::state::{Clock, Notebook, Session};
use crate::model::settings::short_session_id;

#[component]
pub fn SessionBar() -> impl IntoView {
    let session = expect_context::<Session>();
    let clock = expect_context::<Clock>();
    let notebook = expect_context::<Notebook>();
    let label = move || match session.id() {
        Some(id) => short_session_id(&id),
        None => "new session on next run".to_owned(),
    };
    let details = move || {
        let info = session.info()?;
        let expires_ms = timestamp::parse_micros(&info.expires_at)? as f64 / 1000.0;
        let left = ((expires_ms - clock.now()) / 1000.0).max(0.0) as u64;
        Some(format!(
            "{} run{} · expires in {}:{:02}",
            info.execute_count,
            if info.execute_count == 1 { "" } else { "s" },
            left / 60,
            left % 60
        ))
    };
    view! {
        <div class="session-bar">
            <span>"Session "</span>
            <code data-testid="session-id" title=move || session.id().unwrap_or_default()>{label}</code>
            <span class="session-details">{details}</span>
            <button type="button" data-testid="new-session" on:click=move |_| notebook.new_session()
                title="Forget this session; the next run starts a fresh one">
                "New session"
            </button>
        </div>
    }
}
