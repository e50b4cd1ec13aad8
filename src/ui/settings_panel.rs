//! API base, key and theme. The key is a password field, kept for this tab
//! only unless "remember on this device" is ticked, and sent only to the
//! configured API base.

use leptos::prelude::*;

use super::browser;
use super::state::Connection;
use crate::model::settings::{self, Theme};
use crate::model::storage_keys;

#[component]
pub fn SettingsPanel(theme: RwSignal<Theme>) -> impl IntoView {
    let connection = expect_context::<Connection>();
    let remember = RwSignal::new(Connection::remembers_key());
    let api_base_text = RwSignal::new(Connection::stored_api_base().unwrap_or_default());

    let set_api_base = move |text: String| {
        api_base_text.set(text.clone());
        connection.set_api_base(&text);
    };
    let key_hint = move || match connection.backend() {
        Some(backend) if !backend.key_required => {
            "Not needed: the server next to this page holds the key."
        }
        _ => "Sent only to the API base above, in the Authorization header.",
    };

    view! {
        <section class="settings" aria-label="Settings">
            <label>
                "API base"
                <input
                    type="url"
                    data-testid="api-base"
                    placeholder=move || connection.backend().map(|backend| backend.api_base).unwrap_or_else(|| settings::TOGETHER_API_BASE.into())
                    prop:value=move || api_base_text.get()
                    on:change=move |event| set_api_base(event_target_value(&event))
                />
            </label>
            <label>
                "API key"
                <input
                    type="password"
                    data-testid="api-key"
                    autocomplete="off"
                    prop:value=move || connection.key()
                    on:input=move |event| {
                        connection.set_key(event_target_value(&event), remember.get_untracked());
                    }
                />
            </label>
            <p class="hint">{key_hint}</p>
            <label class="inline">
                <input
                    type="checkbox"
                    prop:checked=move || remember.get()
                    on:change=move |event| {
                        remember.set(event_target_checked(&event));
                        connection.keep_key(remember.get_untracked());
                    }
                />
                "Remember the key on this device"
            </label>
            <button type="button" on:click=move |_| {
                connection.set_key(String::new(), remember.get_untracked());
            }>"Forget key"</button>
            <label>
                "Theme"
                <select on:change=move |event| {
                    let chosen = Theme::parse(&event_target_value(&event));
                    browser::store(storage_keys::THEME, chosen.as_str());
                    theme.set(chosen);
                }>
                    {[Theme::System, Theme::Light, Theme::Dark].into_iter().map(|option| view! {
                        <option value=option.as_str() selected=move || theme.get() == option>{option.as_str()}</option>
                    }).collect_view()}
                </select>
            </label>
        </section>
    }
}
