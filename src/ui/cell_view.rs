//! One scrollback entry: its code, status, timing, outputs and actions.

use leptos::prelude::*;

use super::browser;
use super::output::OutputView;
use super::share;
use super::state::{Clock, Notebook, Notices};
use crate::model::cell::{Cell, Status};
use crate::render::{highlight, output_view};

#[component]
pub fn CellView(cell: RwSignal<Cell>) -> impl IntoView {
    let notebook = expect_context::<Notebook>();
    let clock = expect_context::<Clock>();
    let notices = expect_context::<Notices>();
    let status = move || cell.with(|cell| cell.status);
    // One closure for both `data-status` attributes: one render effect type.
    let status_name = move || status().as_str();
    let id = cell.with_untracked(|cell| cell.id);
    let code_html = cell.with_untracked(|cell| highlight::to_html(&cell.code));
    let prompt = move || match cell.with(|cell| cell.execution_count) {
        Some(count) => format!("In [{count}]"),
        None if status() == Status::Running => "In [*]".to_owned(),
        None => "In [ ]".to_owned(),
    };
    let timing = move || {
        let (started, duration) = cell.with(|cell| (cell.started_at, cell.duration_ms));
        let millis = duration.unwrap_or_else(|| clock.now() - started);
        format_duration(millis)
    };
    let copy_code =
        move |_| browser::copy_to_clipboard(cell.with_untracked(|cell| cell.code.clone()));
    let copy_output = move |_| {
        let text: String = cell.with_untracked(|cell| {
            cell.outputs
                .iter()
                .filter_map(output_view::plain_text)
                .collect::<Vec<_>>()
                .join("")
        });
        browser::copy_to_clipboard(text);
    };
    // An imported cell runs in its place; any other runs again below.
    let rerun = move |_| {
        if status() == Status::NotRun {
            notebook.run_cells(vec![cell]);
        } else {
            notebook.run_in_turn(vec![cell.with_untracked(|cell| cell.code.clone())]);
        }
    };
    let files = move || cell.with(|cell| format!("Files sent: {}", cell.files.join(", ")));
    let share_cell = move |_| {
        let (code, outputs) = cell.with_untracked(|cell| (cell.code.clone(), cell.outputs.clone()));
        share::share(notices, code, outputs);
    };
    let busy = move || notebook.is_running();
    let session_lost = Memo::new(move |_| cell.with(|cell| cell.session_lost));
    // One paragraph for what went wrong and for trimmed outputs, hidden when
    // there is neither.
    let message = Memo::new(move |_| {
        cell.with(|cell| {
            let trimmed = cell
                .outputs_trimmed
                .then_some("Outputs were dropped to fit the browser's storage; the code is kept.");
            match (&cell.message, trimmed) {
                (Some(message), Some(trimmed)) => format!("{message} {trimmed}"),
                (Some(message), None) => message.clone(),
                (None, trimmed) => trimmed.unwrap_or_default().to_owned(),
            }
        })
    });

    view! {
        <article class="cell" data-testid="cell" data-status=status_name aria-busy=move || if status() == Status::Running { "true" } else { "false" }>
            <header class="cell-header">
                <span class="prompt">{prompt}</span>
                <span class="status" data-status=status_name>{move || status_label(status())}</span>
                <span class="timing" title="Duration">{timing}</span>
                <span class="cell-actions">
                    <button type="button" data-testid="copy-code" on:click=copy_code title="Copy the code">"Copy code"</button>
                    <button type="button" data-testid="copy-output" on:click=copy_output title="Copy the text output" disabled=move || cell.with(|cell| cell.outputs.is_empty())>"Copy output"</button>
                    <button type="button" data-testid="rerun" on:click=rerun disabled=busy title="Run this code (again) in the current session">
                        {move || if matches!(status(), Status::Shared | Status::NotRun) { "Run" } else { "Re-run" }}
                    </button>
                    <button type="button" data-testid="share" on:click=share_cell title="Copy a link to this code and its outputs">"Share"</button>
                </span>
            </header>
            // Long lines scroll sideways: the keyboard reaches it too.
            <pre class="cell-code" data-testid="cell-code" tabindex="0" role="group" aria-label="Code" inner_html=code_html></pre>
            <p class="cell-files" data-testid="cell-files" hidden=move || cell.with(|cell| cell.files.is_empty())>{files}</p>
            <p class="cell-message" role="status" hidden=move || message.with(String::is_empty)>{message}</p>
            {move || session_lost.get().then(|| view! {
                <button type="button" class="replay" data-testid="replay" disabled=busy on:click=move |_| notebook.replay(id)>
                    "Replay earlier cells in a new session"
                </button>
            })}
            <div class="outputs">
                {move || cell.with(|cell| cell.outputs.clone()).into_iter().map(|output| view! { <OutputView output=output/> }).collect_view()}
            </div>
        </article>
    }
}

pub(super) fn status_label(status: Status) -> &'static str {
    match status {
        Status::Running => "running…",
        Status::Ok => "done",
        Status::Error => "raised an exception",
        Status::Stopped => "stopped",
        Status::Failed => "failed",
        Status::Shared => "shared with a link: read-only until you run it",
        Status::NotRun => "not run yet",
        Status::Note => "",
    }
}

/// `850 ms`, `2.3 s` (tenths, truncated), `4m 05s`.
pub(super) fn format_duration(millis: f64) -> String {
    let millis = millis.max(0.0) as u64;
    if millis < 1000 {
        format!("{millis} ms")
    } else if millis < 60_000 {
        format!("{}.{} s", millis / 1000, millis % 1000 / 100)
    } else {
        format!("{}m {:02}s", millis / 60_000, millis / 1000 % 60)
    }
}
