//! The output frame: one iframe per rich output, on `renderers/frame.html`
//! with `sandbox="allow-scripts"` and no `allow-same-origin`, so the output's
//! code runs in an opaque origin that cannot read this page's storage (the
//! key), cookies or DOM, nor navigate it. A frame has no document until it
//! comes within [`NEAR`] of the viewport (one observer for all of them);
//! once loaded it is sent its output (see [`crate::render::frame`]) and
//! tells its height.

use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};

use crate::model::settings::Theme;
use crate::render::frame;

/// How close to the viewport a frame gets its document. Chromium's own
/// `loading="lazy"` starts frames well over a thousand pixels away: on a
/// scrollback of charts that is dozens of renderers parsed before the first
/// one in view has drawn.
const NEAR: &str = "600px";

thread_local! {
    static NEAR_VIEWPORT: Option<IntersectionObserver> = near_viewport();
}

/// The observer that gives each frame it watches its `data-src` as `src`
/// once the frame comes near, then stops watching it.
fn near_viewport() -> Option<IntersectionObserver> {
    let on_near = Closure::<dyn Fn(js_sys::Array, IntersectionObserver)>::new(
        |entries: js_sys::Array, observer: IntersectionObserver| {
            for entry in entries.iter() {
                let entry: IntersectionObserverEntry = entry.unchecked_into();
                if entry.is_intersecting() {
                    let frame = entry.target();
                    observer.unobserve(&frame);
                    load(&frame);
                }
            }
        },
    );
    let options = IntersectionObserverInit::new();
    options.set_root_margin(NEAR);
    let observer =
        IntersectionObserver::new_with_options(on_near.as_ref().unchecked_ref(), &options).ok();
    // Lives as long as the page, as the observer does.
    on_near.forget();
    observer
}

fn load(frame: &web_sys::Element) {
    if let Some(src) = frame.get_attribute("data-src") {
        let _ = frame.set_attribute("src", &src);
    }
}

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
    Effect::new(move |_| {
        if let Some(frame) = element.get() {
            NEAR_VIEWPORT.with(|observer| match observer {
                Some(observer) => observer.observe(&frame),
                None => load(&frame),
            });
        }
    });
    on_cleanup(move || {
        if let Some(frame) = element.get_untracked() {
            NEAR_VIEWPORT.with(|observer| {
                if let Some(observer) = observer {
                    observer.unobserve(&frame);
                }
            });
        }
    });
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
        <iframe
            class="output-frame"
            data-testid="output-frame"
            node_ref=element
            sandbox="allow-scripts"
            data-src=frame::FRAME_URL
            title=title
            on:load=on_load
            style=move || format!("height:{}px", height.get())
        ></iframe>
    }
}
