//! One output, shown the way [`crate::render::output_view`] chose. Untrusted content
//! never becomes markup in this page: text is text, images are `<img>`
//! sources, HTML goes to a sandboxed iframe without same-origin rights.

use leptos::either::EitherOf9;
use leptos::prelude::*;
use tci_api::{FRAME_SCRIPT, Output};
use wasm_bindgen::JsValue;

use crate::render::ansi;
use crate::render::output_view::{self, View};

#[component]
pub fn OutputView(output: Output) -> impl IntoView {
    let kind = output.type_name().to_owned();
    // One enum instead of `AnyView`s: no type erasure per kind of output.
    let body = match output_view::view(&output) {
        View::Stdout(text) => EitherOf9::A(view! { <LongText text=text class="stream stdout"/> }),
        View::Stderr(text) => EitherOf9::A(view! { <LongText text=text class="stream stderr"/> }),
        View::Plain(text) => EitherOf9::A(view! { <LongText text=text class="plain"/> }),
        View::Error(text) => EitherOf9::B(view! { <Traceback text=text/> }),
        View::Image { src, mime } => {
            EitherOf9::C(view! { <img class="rich-image" src=src alt=format!("{mime} output")/> })
        }
        View::Html(html) => EitherOf9::D(view! { <HtmlFrame html=html/> }),
        // Rendered with every raw HTML tag escaped (see `markdown.rs`).
        View::Markdown(html) => {
            EitherOf9::E(view! { <div class="markdown" inner_html=html></div> })
        }
        View::Json(value) => {
            let text = output_view::pretty(&value);
            EitherOf9::F(view! {
                <details class="json" open>
                    <summary>"JSON"</summary>
                    <pre>{text}</pre>
                </details>
            })
        }
        View::Latex(text) => EitherOf9::G(view! { <pre class="latex" title="LaTeX">{text}</pre> }),
        View::Unsupported(mimes) => EitherOf9::H(view! {
            <p class="unsupported">{format!("Output of a type this page cannot show: {}", mimes.join(", "))}</p>
        }),
        View::Unknown { kind, text } => EitherOf9::I(view! {
            <div class="unknown">
                <p class="unsupported">{format!("Unknown output type “{kind}”:")}</p>
                <pre>{text}</pre>
            </div>
        }),
    };
    view! { <div class="output" data-testid="output" data-output-type=kind>{body}</div> }
}

/// Text that may be huge: collapsed to its first lines with a "show all".
#[component]
fn LongText(text: String, class: &'static str) -> impl IntoView {
    let collapse = output_view::collapse(&text);
    let expanded = RwSignal::new(false);
    let text = StoredValue::new(text);
    let shown = move || match collapse {
        Some(cut) if !expanded.get() => text.with_value(|text| text[..cut.shown].to_owned()),
        _ => text.get_value(),
    };
    view! {
        <pre class=class>{shown}</pre>
        {collapse.map(|cut| view! {
            {move || (!expanded.get()).then(|| view! {
                <button class="show-all" on:click=move |_| expanded.set(true)>
                    {format!("Show all ({} more lines, {} KB)", cut.hidden_lines, cut.hidden_bytes.div_ceil(1024))}
                </button>
            })}
        })}
    }
}

/// Its spans come as markup, every character escaped (see `ansi::to_html`):
/// a view per span cost the wasm more than the string.
#[component]
fn Traceback(text: String) -> impl IntoView {
    // Its lines keep their width and scroll sideways: the keyboard reaches it.
    view! { <pre class="traceback" tabindex="0" role="group" aria-label="Traceback" inner_html=ansi::to_html(&text)></pre> }
}

/// HTML from the session (pandas tables and the like) in an iframe whose
/// sandbox allows scripts but not same-origin: they run in an opaque origin
/// with no access to this page, its storage or the key. The only thing the
/// frame tells the page is its height.
#[component]
fn HtmlFrame(html: String) -> impl IntoView {
    let frame = NodeRef::<leptos::html::Iframe>::new();
    let height = RwSignal::new(60);
    let listener = window_event_listener(leptos::ev::message, move |event| {
        let Some(element) = frame.get_untracked() else {
            return;
        };
        // Identity, not `instanceof Window`: a sandboxed frame's window is a
        // cross-origin object, which fails that check.
        let from_frame = match (event.source(), element.content_window()) {
            (Some(source), Some(window)) => JsValue::from(source) == JsValue::from(window),
            _ => false,
        };
        if !from_frame {
            return;
        }
        if let Some(reported) = event.data().as_f64() {
            height.set((reported.ceil() as i32).clamp(20, 4000));
        }
    });
    on_cleanup(move || listener.remove());
    let document = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><style>{FRAME_STYLE}</style></head><body>{html}<script>{FRAME_SCRIPT}</script></body></html>"
    );
    view! {
        <iframe
            class="html-output"
            node_ref=frame
            sandbox="allow-scripts"
            title="HTML output"
            srcdoc=document
            style=move || format!("height:{}px", height.get())
        ></iframe>
    }
}

// `color-scheme` lets the frame paint its own dark canvas under the light
// text of a dark system theme, rather than a white one.
const FRAME_STYLE: &str = ":root{color-scheme:light dark}body{margin:0;padding:4px;font:14px system-ui,sans-serif;color:#222;background:transparent}\
table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:2px 8px;text-align:right}\
@media (prefers-color-scheme:dark){body{color:#ddd}th,td{border-color:#555}}";
