//! One output, shown the way [`crate::render::output_view`] chose. Untrusted content
//! never becomes markup in this page: text is text, images are `<img>`
//! sources, and everything richer (HTML, Markdown, LaTeX, JSON, charts) goes
//! to the output frame, a sandboxed iframe without same-origin rights
//! (see `frame_view`).

use leptos::either::EitherOf6;
use leptos::prelude::*;
use tci_api::Output;

use super::frame_view::OutputFrame;
use crate::render::ansi;
use crate::render::output_view::{self, View};

#[component]
pub fn OutputView(output: Output) -> impl IntoView {
    let kind = output.type_name().to_owned();
    // One enum instead of `AnyView`s: no type erasure per kind of output.
    let body = match output_view::view(&output) {
        View::Stdout(text) => EitherOf6::A(view! { <LongText text=text class="stream stdout"/> }),
        View::Stderr(text) => EitherOf6::A(view! { <LongText text=text class="stream stderr"/> }),
        View::Plain(text) => EitherOf6::A(view! { <LongText text=text class="plain"/> }),
        View::Error(text) => EitherOf6::B(view! { <Traceback text=text/> }),
        View::Image { src, mime } => {
            EitherOf6::C(view! { <img class="rich-image" src=src alt=format!("{mime} output")/> })
        }
        View::Framed { mime, data } => EitherOf6::D(view! { <OutputFrame mime=mime data=data/> }),
        View::Unsupported(mimes) => EitherOf6::E(view! {
            <p class="unsupported">{format!("Output of a type this page cannot show: {}", mimes.join(", "))}</p>
        }),
        View::Unknown { kind, text } => EitherOf6::F(view! {
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
