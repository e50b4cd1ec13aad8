//! Files in and notebooks out: the chips of the files attached to the next
//! run and their picker, dropping files on the page (a notebook dropped is
//! imported, anything else attached), and the bar that exports the
//! scrollback, imports a notebook and runs its cells. All of it is markup
//! whose clicks and changes the code input's section hears ([`Actions`]).

use js_sys::Uint8Array;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DragEvent, File, FileList, HtmlInputElement};

use super::browser;
use super::state::{Attachments, Notebook, Notices, Scrollback, Session};
use crate::model::attach;
use crate::model::cell::Status;
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

/// How files taken in are used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Use {
    Attach,
    Import,
    /// Dropped: notebooks (`.ipynb`) imported, anything else attached.
    Drop,
}

/// Takes `chosen` in, one after another.
fn take(intake: Intake, chosen: Vec<File>, by: Use) {
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
            let notebook_file = name.to_ascii_lowercase().ends_with(".ipynb");
            if by == Use::Import || (by == Use::Drop && notebook_file) {
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
            take(intake, dropped, Use::Drop);
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

/// The bar's buttons and picker, which never change: markup set once, their
/// clicks and changes heard by [`Actions`] on the section around them,
/// which costs the wasm less than views with handlers of their own (README,
/// "What files and notebooks cost").
pub const NOTEBOOK_BAR: &str = concat!(
    r#"<button type="button" data-action="run-all" data-testid="run-all" title="Run the cells not run yet, in order, stopping at the first error">Run all</button>"#,
    r#"<button type="button" data-action="ipynb" data-testid="export-ipynb">Export .ipynb</button>"#,
    r#"<button type="button" data-action="py" data-testid="export-py">Export .py</button>"#,
    r#"<button type="button" data-action="md" data-testid="export-md">Export .md</button>"#,
    r#"<label class="button">Import notebook<input type="file" accept=".ipynb,.py" class="picker" data-testid="import-input"></label>"#,
);

/// What the code input's section does with the clicks and changes of the
/// files' and the notebook's controls in it (markup: the chips of
/// `attach::chips_html` and [`NOTEBOOK_BAR`]).
#[derive(Clone, Copy, Debug)]
pub struct Actions {
    intake: Intake,
    scrollback: Scrollback,
    session: Session,
}

impl Actions {
    pub fn from_context() -> Self {
        Actions {
            intake: Intake::from_context(),
            scrollback: expect_context(),
            session: expect_context(),
        }
    }

    /// The chips and the picker, as markup (tracked).
    pub fn chips_html(self) -> String {
        self.intake.attachments.with_files(attach::chips_html)
    }

    pub fn click(self, event: leptos::ev::MouseEvent) {
        let Intake {
            attachments,
            notebook,
            notices,
        } = self.intake;
        if let Some(name) = browser::closest_to_target(&event, "[data-remove]")
            .and_then(|button| button.get_attribute("data-remove"))
        {
            attachments.remove(&name);
            return;
        }
        let Some(action) = browser::closest_to_target(&event, "[data-action]")
            .and_then(|button| button.get_attribute("data-action"))
        else {
            return;
        };
        let cells = self.scrollback.snapshot();
        let (mime, text) = match action.as_str() {
            "run-all" => {
                if !cells.iter().any(|cell| cell.status == Status::NotRun) {
                    notices.notify("No cell waits to be run: import a notebook first.");
                }
                notebook.run_all();
                return;
            }
            "ipynb" => ("application/x-ipynb+json", notebook_file::to_ipynb(&cells)),
            "py" => ("text/x-python", notebook_file::to_py(&cells)),
            _ => ("text/markdown", notebook_file::to_markdown(&cells)),
        };
        let name =
            notebook_file::export_name(self.session.id().as_deref(), &browser::today(), &action);
        if !browser::download(&name, mime, &text) {
            notices.notify("The browser refused the download.");
        }
    }

    /// A file input changed: the import picker imports, the other attaches.
    pub fn change(self, event: leptos::ev::Event) {
        let by = if browser::closest_to_target(&event, "[accept]").is_some() {
            Use::Import
        } else {
            Use::Attach
        };
        take(self.intake, chosen(&event), by);
    }
}
