//! Share links: code (and the outputs it gave) compressed into a link's
//! fragment, and what the page shows when opened with one. Compression is
//! the browser's own `CompressionStream`.

use js_sys::Uint8Array;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tci_api::Output;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableWritablePair, Response};

use super::browser;
use super::state::Notices;
use crate::embed::link;

#[wasm_bindgen]
extern "C" {
    /// A `CompressionStream` or `DecompressionStream`: a readable/writable
    /// pair that `pipeThrough` accepts.
    type CodecStream;
    #[wasm_bindgen(constructor, js_class = "CompressionStream", catch)]
    fn compressor(format: &str) -> Result<CodecStream, JsValue>;
    #[wasm_bindgen(constructor, js_class = "DecompressionStream", catch)]
    fn decompressor(format: &str) -> Result<CodecStream, JsValue>;
}

/// The link's format: raw DEFLATE, as `docs/embed.md` specifies.
const FORMAT: &str = "deflate-raw";

fn piped(input: Response, codec: CodecStream) -> Option<Response> {
    let stream = input
        .body()?
        .pipe_through(codec.unchecked_ref::<ReadableWritablePair>());
    Response::new_with_opt_readable_stream(Some(&stream)).ok()
}

async fn compress(text: &str) -> Option<Vec<u8>> {
    let input = Response::new_with_opt_str(Some(text)).ok()?;
    let output = piped(input, CodecStream::compressor(FORMAT).ok()?)?;
    let buffer = JsFuture::from(output.array_buffer().ok()?).await.ok()?;
    Some(Uint8Array::new(&buffer).to_vec())
}

async fn decompress(mut bytes: Vec<u8>) -> Option<String> {
    let input = Response::new_with_opt_u8_array(Some(&mut bytes)).ok()?;
    let output = piped(input, CodecStream::decompressor(FORMAT).ok()?)?;
    JsFuture::from(output.text().ok()?).await.ok()?.as_string()
}

/// A link to the full playground that shows `code` and `outputs`.
pub async fn link_for(code: &str, outputs: &[Output]) -> Option<String> {
    let compressed = compress(&link::encode_payload(code, outputs)).await?;
    Some(link::share_link(&browser::page_url()?, &compressed))
}

/// Code and outputs of a `z` payload; `None` for a damaged link.
pub async fn open(payload: &str) -> Option<(String, Vec<Output>)> {
    let json = decompress(link::share_bytes(payload)?).await?;
    link::decode_payload(&json)
}

/// What a link brought: its code and outputs. What cannot be read is
/// reported through `complain`, and whatever can still be shown is.
pub async fn shared_from(
    options: &link::LinkOptions,
    complain: impl Fn(&str),
) -> Option<(String, Vec<Output>)> {
    if let Some(payload) = &options.share {
        let opened = open(payload).await;
        if opened.is_none() {
            complain(
                "This share link is damaged (was it cut short?): it holds no code that can be shown.",
            );
        }
        return opened;
    }
    let outputs = match options.outputs.as_deref().map(link::decode_outputs) {
        Some(None) => {
            complain(
                "The recorded outputs in this address are not a JSON list of TCI outputs; they are not shown.",
            );
            Vec::new()
        }
        Some(Some(outputs)) => outputs,
        None => Vec::new(),
    };
    Some((options.code.clone().unwrap_or_default(), outputs))
}

/// Makes the link, copies it, and shows it (the clipboard may be refused,
/// in a frame above all).
pub fn share(notices: Notices, code: String, outputs: Vec<Output>) {
    spawn_local(async move {
        match link_for(&code, &outputs).await {
            Some(link) => {
                browser::copy_to_clipboard(link.clone());
                notices.show_share_link(link);
            }
            None => notices
                .notify("This browser cannot compress a share link (it lacks CompressionStream)."),
        }
    });
}

/// The last link made, ready to copy by hand.
#[component]
pub fn ShareBar() -> impl IntoView {
    let notices = expect_context::<Notices>();
    view! {
        <div class="share-bar" role="status" hidden=move || !notices.has_share_link()>
            <label>
                "Link copied (the key is never in it): "
                <input type="text" readonly data-testid="share-link" prop:value=move || notices.share_link().unwrap_or_default()
                    on:focus=move |event| { event_target::<web_sys::HtmlInputElement>(&event).select(); }/>
            </label>
            <button type="button" on:click=move |_| notices.close_share_link() aria-label="Close the share link">"×"</button>
        </div>
    }
}
