//! The current session: its id, execute count and time left.

use leptos::prelude::*;
use tci_api::timestamp;

use super::state::Playground;
use crate::model::settings::short_session_id;

#[component]
pub fn SessionBar() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let label = move || match playground.session_id.get() {
        Some(id) => short_session_id(&id),
        None => "new session on next run".to_owned(),
    };
    let details = move || {
        let info = playground.session_info.get()?;
        let expires_ms = timestamp::parse_micros(&info.expires_at)? as f64 / 1000.0;
        let left = ((expires_ms - playground.now.get()) / 1000.0).max(0.0) as u64;
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
            <code data-testid="session-id" title=move || playground.session_id.get().unwrap_or_default()>{label}</code>
            <span class="session-details">{details}</span>
            <button type="button" data-testid="new-session" on:click=move |_| playground.new_session()
                title="Forget this session; the next run starts a fresh one">
                "New session"
            </button>
        </div>
    }
}
