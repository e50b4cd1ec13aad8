//! The output frame: one iframe per rich output, on `renderers/frame.html`
//! with `sandbox="allow-scripts"` and no `allow-same-origin`, so the output's
//! code runs in an opaque origin that cannot read this page's storage (the
//! key), cookies or DOM, nor navigate it. `loading="lazy"` leaves a frame
//! unloaded until it scrolls near the viewport; once loaded it is sent its
//! output (see [`crate::render::frame`]) and tells its height.

use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::JsValue;

use crate::model::settings::Theme;
use crate::render::frame;

#[component]
pub fn OutputFrame(mime: String, data: Value) -> impl IntoView {
    let theme = use_context::<RwSignal<Theme>>().unwrap_or_else(|| RwSignal::new(Theme::System));
    let element = NodeRef::<leptos::html::Iframe>::new();
    let height = RwSignal::new(60);
    let loaded = RwSignal::new(false);
    let listener = window_event_listener(leptos::ev::message, move |event| {
        // Identity, not `instanceof Window`: a sandboxed frame's window is a
        // cross-origin object, which fails that check. Every other frame's
        // messages are not this one's.
        let from_frame = match (
            event.source(),
            element
                .get_untracked()
                .and_then(|frame| frame.content_window()),
        ) {
            (Some(source), Some(window)) => JsValue::from(source) == JsValue::from(window),
            _ => false,
        };
        if let Some(reported) = event
            .data()
            .as_string()
            .filter(|_| from_frame)
            .and_then(|message| frame::reported_height(&message))
        {
            height.set(reported);
        }
    });
    on_cleanup(move || listener.remove());
    let post = move |message: String| {
        if let Some(window) = element
            .get_untracked()
            .and_then(|frame| frame.content_window())
        {
            // Any origin: the frame's is opaque, and what it is sent is the
            // output it shows.
            let _ = window.post_message(&message.into(), "*");
        }
    };
    Effect::new(move |_| {
        let chosen = theme.get();
        if loaded.get_untracked() {
            post(frame::theme_message(chosen.as_str()));
        }
    });
    let title = format!("{mime} output");
    let on_load = move |_| {
        post(frame::render_message(
            &mime,
            &data,
            theme.get_untracked().as_str(),
        ));
        loaded.set(true);
    };
    view! {
        // `loading` is set before the frame enters the page, which is when
        // it would start loading.
        <iframe
            prop:loading="lazy"
            class="output-frame"
            data-testid="output-frame"
            node_ref=element
            sandbox="allow-scripts"
            src=frame::FRAME_URL
            title=title
            on:load=on_load
            style=move || format!("height:{}px", height.get())
        ></iframe>
    }
}
