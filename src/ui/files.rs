//! Files in and notebooks out: the chips of the files attached to the next
//! run and their picker, dropping files on the page (a notebook dropped is
//! imported, anything else attached), and the bar that exports the
//! scrollback, imports a notebook and runs its cells.

use js_sys::Uint8Array;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DragEvent, File, FileList, HtmlInputElement};

use super::browser;
use super::state::{Attachments, Notebook, Notices, Scrollback, Session};
use crate::model::attach;
use crate::model::notebook_file;

/// Every file of `list`, in order.
fn files(list: Option<FileList>) -> Vec<File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|index| list.get(index))
        .collect()
}

/// The files an `<input type=file>` change chose; the input is emptied so
/// that choosing the same file again is a change too.
fn chosen(event: &leptos::ev::Event) -> Vec<File> {
    let Some(input) = event
        .target()
        .and_then(|target| target.dyn_into::<HtmlInputElement>().ok())
    else {
        return Vec::new();
    };
    let chosen = files(input.files());
    input.set_value("");
    chosen
}

async fn bytes(file: &File) -> Option<Vec<u8>> {
    let buffer = JsFuture::from(file.array_buffer()).await.ok()?;
    Some(Uint8Array::new(&buffer).to_vec())
}

/// Where files taken in go: attached, or imported as cells.
#[derive(Clone, Copy, Debug)]
struct Intake {
    attachments: Attachments,
    notebook: Notebook,
    notices: Notices,
}

impl Intake {
    fn from_context() -> Self {
        Intake {
            attachments: expect_context(),
            notebook: expect_context(),
            notices: expect_context(),
        }
    }
}

/// Attaches `chosen` (or imports the notebooks among them, when
/// `notebooks_import`), one after another.
fn take(intake: Intake, chosen: Vec<File>, notebooks_import: bool) {
    let Intake {
        attachments,
        notebook,
        notices,
    } = intake;
    spawn_local(async move {
        for file in chosen {
            let name = file.name();
            let Some(bytes) = bytes(&file).await else {
                notices.notify(format!("{name} could not be read."));
                continue;
            };
            if notebooks_import && name.to_ascii_lowercase().ends_with(".ipynb") {
                import(notebook, notices, &name, bytes);
            } else {
                attachments.add(attach::upload(name, bytes));
            }
        }
    });
}

fn import(notebook: Notebook, notices: Notices, name: &str, bytes: Vec<u8>) {
    let Ok(text) = String::from_utf8(bytes) else {
        notices.notify(format!(
            "{name} could not be imported: it is not UTF-8 text."
        ));
        return;
    };
    match notebook_file::import(name, &text) {
        Ok(cells) => notebook.add_imported(cells),
        Err(why) => notices.notify(why),
    }
}

/// Files dropped anywhere on the page: the editor, the scrollback, the
/// widget. A drag without files (text, say) is left to the browser.
pub fn listen_for_drops() {
    let intake = Intake::from_context();
    // One handler for both events: over says a drop is welcome, drop takes.
    let on_drag = move |event: DragEvent| {
        if !carries_files(&event) {
            return;
        }
        event.prevent_default();
        if event.type_() == "drop" {
            let dropped = files(event.data_transfer().and_then(|data| data.files()));
            take(intake, dropped, true);
        }
    };
    let over = window_event_listener(leptos::ev::dragover, on_drag);
    let drop = window_event_listener(leptos::ev::drop, on_drag);
    on_cleanup(move || {
        over.remove();
        drop.remove();
    });
}

fn carries_files(event: &DragEvent) -> bool {
    event
        .data_transfer()
        .is_some_and(|data| data.types().includes(&"Files".into(), 0))
}

/// The attached files as chips, and the button that picks more: markup
/// (`attach::chips_html`), its clicks and changes heard here.
#[component]
pub fn AttachedFiles() -> impl IntoView {
    let intake = Intake::from_context();
    let attachments = intake.attachments;
    let remove = move |event: leptos::ev::MouseEvent| {
        if let Some(name) = browser::closest_to_target(&event, "[data-remove]")
            .and_then(|button| button.get_attribute("data-remove"))
        {
            attachments.remove(&name);
        }
    };
    view! {
        <div class="attached" on:click=remove on:change=move |event| take(intake, chosen(&event), false)
            inner_html=move || attachments.with_files(attach::chips_html)></div>
    }
}

/// The bar's buttons and picker that never change: markup set once, their
/// clicks and changes heard on the bar, which costs the wasm less than a
/// view per button (README, "What files and notebooks cost").
const NOTEBOOK_BAR: &str = concat!(
    r#"<button type="button" data-export="ipynb" data-testid="export-ipynb">Export .ipynb</button>"#,
    r#"<button type="button" data-export="py" data-testid="export-py">Export .py</button>"#,
    r#"<button type="button" data-export="md" data-testid="export-md">Export .md</button>"#,
    r#"<label class="button">Import notebook<input type="file" accept=".ipynb,.py" class="picker" data-testid="import-input"></label>"#,
);

/// Export of the scrollback, import of a notebook, and Run all.
#[component]
pub fn NotebookBar() -> impl IntoView {
    let notebook = expect_context::<Notebook>();
    let scrollback = expect_context::<Scrollback>();
    let session = expect_context::<Session>();
    let notices = expect_context::<Notices>();
    let export = move |event: leptos::ev::MouseEvent| {
        let Some(extension) = browser::closest_to_target(&event, "[data-export]")
            .and_then(|button| button.get_attribute("data-export"))
        else {
            return;
        };
        let cells = scrollback.snapshot();
        let (mime, text) = match extension.as_str() {
            "ipynb" => ("application/x-ipynb+json", notebook_file::to_ipynb(&cells)),
            "py" => ("text/x-python", notebook_file::to_py(&cells)),
            _ => ("text/markdown", notebook_file::to_markdown(&cells)),
        };
        let name =
            notebook_file::export_name(session.id().as_deref(), &browser::today(), &extension);
        if !browser::download(&name, mime, &text) {
            notices.notify("The browser refused the download.");
        }
    };
    // The picker is the bar's only input: every change is a file chosen.
    let import_chosen = move |event: leptos::ev::Event| {
        for file in chosen(&event) {
            spawn_local(async move {
                let name = file.name();
                match bytes(&file).await {
                    Some(bytes) => import(notebook, notices, &name, bytes),
                    None => notices.notify(format!("{name} could not be read.")),
                }
            });
        }
    };
    view! {
        <div class="notebook-bar" on:click=export on:change=import_chosen>
            <button type="button" data-testid="run-all" disabled=move || notebook.is_running() || !scrollback.has_not_run()
                on:click=move |_| notebook.run_all() title="Run the cells not run yet, in order, stopping at the first error">
                "Run all"
            </button>
            <span class="contents" inner_html=NOTEBOOK_BAR></span>
        </div>
    }
}
