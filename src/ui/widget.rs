//! The page as an embedded widget (`?embed`): how it talks with the page
//! around it, through [`crate::embed::host_api`] (see `docs/embed.md`). What it
//! shows is the full page's view with less of it (`App`, and the CSS under
//! `:root[data-embed]`), so the widget costs the build little.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, ResizeObserver};

use super::browser;
use super::state::{Attachments, Draft, Notebook, Notices, Scrollback};
use crate::embed::host_api::{self, HostMessage, WidgetMessage};
use crate::model::cell::Status;
use crate::model::settings::Theme;
use tci_api::AppConfig;

/// The embedding page, as far as the widget talks with it.
#[derive(Clone, Copy, Debug)]
pub struct Host {
    /// Origins messages are taken from and sent to, separated by spaces;
    /// the widget's own until `config.json` names more.
    origins: StoredValue<String>,
    /// The embedding page's origin, when the browser tells it; empty when
    /// it does not.
    parent_origin: StoredValue<String>,
}

impl Host {
    /// Posts to the parent's origin when it is allowed, always with an
    /// explicit target origin, so outputs never reach a page that is not
    /// allowed (see [`host_api::targets`]).
    fn tell(self, message: WidgetMessage) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Ok(Some(parent)) = window.parent() else {
            return;
        };
        if JsValue::from(&parent) == JsValue::from(&window) {
            return;
        }
        let Ok(message) = js_sys::JSON::parse(&message.to_json()) else {
            return;
        };
        let parent_origin = self.parent_origin.get_value();
        self.origins.with_value(|allowed| {
            for origin in host_api::targets(&parent_origin, allowed) {
                let _ = parent.post_message(&message, origin);
            }
        });
    }

    /// The API is known: widen the origins to the server's, say `ready`,
    /// and run if asked to.
    pub fn ready(self, server: Option<&AppConfig>, notebook: Notebook, autorun: bool) {
        let embed_origins = server.map_or(&[][..], |server| &server.embed_origins);
        self.origins
            .set_value(host_api::allowed_origins(&browser::own_origin(), embed_origins).join(" "));
        self.tell(WidgetMessage::Ready);
        if autorun {
            notebook.submit();
        }
    }
}

/// Listens to the host, tells it about runs and, with `auto_height`, about
/// the widget's height. The state handles come from the context.
pub fn connect(theme: RwSignal<Theme>, auto_height: bool) -> Host {
    let notebook = expect_context::<Notebook>();
    let draft = expect_context::<Draft>();
    let scrollback = expect_context::<Scrollback>();
    let attachments = expect_context::<Attachments>();
    let notices = expect_context::<Notices>();
    let host = Host {
        origins: StoredValue::new(browser::own_origin()),
        parent_origin: StoredValue::new(browser::parent_origin().unwrap_or_default()),
    };
    let listener = window_event_listener(leptos::ev::message, move |event: MessageEvent| {
        if !host
            .origins
            .with_value(|origins| origins.split(' ').any(|origin| origin == event.origin()))
        {
            return;
        }
        let Some(message) = js_sys::JSON::stringify(&event.data())
            .ok()
            .and_then(|text| serde_json::from_str(&String::from(text)).ok())
            .and_then(|value| HostMessage::parse(&value))
        else {
            return;
        };
        match message {
            HostMessage::SetCode(code) => draft.set(code),
            HostMessage::Run => notebook.submit(),
            HostMessage::ResetSession => notebook.new_session(),
            HostMessage::SetTheme(chosen) => theme.set(chosen),
            HostMessage::AttachFiles(files, error) => {
                for file in files {
                    attachments.add(file);
                }
                if let Some(error) = error {
                    notices.notify(error);
                }
            }
        }
    });
    on_cleanup(move || listener.remove());

    let was_running = StoredValue::new(false);
    Effect::new(move |_| {
        let running = notebook.is_running();
        let Some(cell) = scrollback.last() else {
            return;
        };
        match (was_running.get_value(), running) {
            (false, true) => host.tell(WidgetMessage::RunStart { code: &cell.code }),
            (true, false) => {
                host.tell(WidgetMessage::RunEnd {
                    status: cell.status,
                    outputs: &cell.outputs,
                });
                if let (Status::Failed, Some(message)) = (cell.status, &cell.message) {
                    host.tell(WidgetMessage::Error { message });
                }
            }
            _ => {}
        }
        was_running.set_value(running);
    });

    if auto_height {
        report_height(host);
    }
    host
}

/// Tells the host the page's height whenever it changes, so the frame grows
/// with the outputs instead of scrolling.
fn report_height(host: Host) {
    let Some(body) = document().body() else {
        return;
    };
    let measured = body.clone();
    let reported = std::cell::Cell::new(0u32);
    let on_resize = Closure::<dyn Fn()>::new(move || {
        let height = measured.get_bounding_client_rect().height().ceil() as u32;
        if height != reported.get() {
            reported.set(height);
            host.tell(WidgetMessage::Resize { height });
        }
    });
    if let Ok(observer) = ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
        observer.observe(&body);
    }
    // The observer lives as long as the page, and so must its callback.
    on_resize.forget();
}
