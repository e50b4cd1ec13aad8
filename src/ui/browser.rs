//! Small wrappers over browser APIs the UI uses: storage, time, clipboard,
//! the page's address.

use web_sys::Storage;

use crate::embed::host_api;
use crate::embed::link::LinkOptions;

fn local_storage() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn session_storage() -> Option<Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

pub fn load(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// Stores `value`; false when the browser refused (quota, private mode).
pub fn store(key: &str, value: &str) -> bool {
    local_storage().is_some_and(|storage| storage.set_item(key, value).is_ok())
}

pub fn remove(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}

pub fn load_session(key: &str) -> Option<String> {
    session_storage()?.get_item(key).ok().flatten()
}

pub fn store_session(key: &str, value: &str) {
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(key, value);
    }
}

pub fn remove_session(key: &str) {
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(key);
    }
}

/// Milliseconds since the epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Today, `YYYY-MM-DD` (UTC).
pub fn today() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
        .chars()
        .take(10)
        .collect()
}

/// Offers `text` as a download named `name`; false when the browser
/// refused to make it.
pub fn download(name: &str, mime: &str, text: &str) -> bool {
    use wasm_bindgen::JsCast;
    let make = || -> Result<(), wasm_bindgen::JsValue> {
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let parts = js_sys::Array::of1(&text.into());
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
        // Not revoked: the download may start after this returns, and one
        // export's text is freed with the page.
        let url = web_sys::Url::create_object_url_with_blob(&blob)?;
        let document = web_sys::window().and_then(|window| window.document());
        let link = document.ok_or("no document")?.create_element("a")?;
        link.set_attribute("href", &url)?;
        link.set_attribute("download", name)?;
        link.unchecked_ref::<web_sys::HtmlElement>().click();
        Ok(())
    };
    make().is_ok()
}

pub fn copy_to_clipboard(text: String) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(&text);
    }
}

/// The options the page's address carries.
pub fn link_options() -> LinkOptions {
    let location = web_sys::window().map(|window| window.location());
    let part = |read: fn(&web_sys::Location) -> Result<String, wasm_bindgen::JsValue>| {
        location
            .as_ref()
            .and_then(|location| read(location).ok())
            .unwrap_or_default()
    };
    LinkOptions::parse(
        &part(web_sys::Location::search),
        &part(web_sys::Location::hash),
    )
}

pub fn page_url() -> Option<String> {
    web_sys::window()?.location().href().ok()
}

/// The origin of the page that embeds this one, when the browser tells it
/// (see [`host_api::parent_origin`]).
pub fn parent_origin() -> Option<String> {
    let window = web_sys::window()?;
    // A DOMStringList where there is one; `undefined` elsewhere, where
    // reading its first item fails.
    let nearest = js_sys::Reflect::get(&window.location(), &"ancestorOrigins".into())
        .and_then(|list| js_sys::Reflect::get(&list, &0.into()))
        .ok()
        .and_then(|origin| origin.as_string());
    let referrer = window
        .document()
        .map(|document| document.referrer())
        .unwrap_or_default();
    host_api::parent_origin(nearest.as_deref(), &referrer).map(str::to_owned)
}

/// The event's target, or its nearest ancestor, that matches `selector`.
pub fn closest_to_target(event: &web_sys::Event, selector: &str) -> Option<web_sys::Element> {
    use wasm_bindgen::JsCast;
    event
        .target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest(selector)
        .ok()
        .flatten()
}

pub fn own_origin() -> String {
    web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .unwrap_or_default()
}

/// Drops the fragment from the address bar (without reloading), so that a
/// reload does not bring a consumed share link back.
pub fn forget_fragment() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let (Ok(path), Ok(query)) = (location.pathname(), location.search()) else {
        return;
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{query}")),
        );
    }
}
