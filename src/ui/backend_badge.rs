//! The top bar's name of the backend that answers (see
//! [`crate::model::backend_kind`]); it opens Settings, where the API base
//! and the key are.

use leptos::prelude::*;

use super::state::Connection;

#[component]
pub fn BackendBadge(show_settings: RwSignal<bool>) -> impl IntoView {
    let connection = expect_context::<Connection>();
    view! {
        <button type="button" class="backend-badge" data-testid="backend"
            title="Where your code runs (opens Settings)" on:click=move |_| show_settings.set(true)>
            {move || connection.backend_kind().badge(connection.needs_key())}
        </button>
    }
}
