//! API base, key and theme. The key is a password field, kept for this tab
//! only unless "remember on this device" is ticked, and sent only to the
//! configured API base.

use leptos::prelude::*;

use super::browser;
use super::state::Playground;
use crate::model::settings::{self, Theme};

#[component]
pub fn SettingsPanel(theme: RwSignal<Theme>) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let remember = RwSignal::new(browser::load(settings::API_KEY_KEY).is_some());
    let api_base_text = RwSignal::new(browser::load(settings::API_BASE_KEY).unwrap_or_default());

    let store_key = move || {
        let key = playground.api_key.get_untracked();
        browser::remove(settings::API_KEY_KEY);
        browser::remove_session(settings::API_KEY_KEY);
        if key.is_empty() {
            return;
        }
        if remember.get_untracked() {
            browser::store(settings::API_KEY_KEY, &key);
        } else {
            browser::store_session(settings::API_KEY_KEY, &key);
        }
    };
    let set_api_base = move |text: String| {
        api_base_text.set(text.clone());
        if text.trim().is_empty() {
            browser::remove(settings::API_BASE_KEY);
        } else {
            browser::store(settings::API_BASE_KEY, text.trim());
        }
        let server = playground.server_config.get_untracked();
        playground
            .backend
            .set(Some(settings::resolve(server.as_ref(), Some(&text))));
    };
    let key_hint = move || match playground.backend.get() {
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
                    placeholder=move || playground.backend.get().map(|backend| backend.api_base).unwrap_or_else(|| settings::TOGETHER_API_BASE.into())
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
                    prop:value=move || playground.api_key.get()
                    on:input=move |event| {
                        playground.api_key.set(event_target_value(&event));
                        store_key();
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
                        store_key();
                    }
                />
                "Remember the key on this device"
            </label>
            <button type="button" on:click=move |_| {
                playground.api_key.set(String::new());
                store_key();
            }>"Forget key"</button>
            <label>
                "Theme"
                <select on:change=move |event| {
                    let chosen = Theme::parse(&event_target_value(&event));
                    browser::store(settings::THEME_KEY, chosen.as_str());
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
