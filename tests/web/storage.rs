//! What the last visit left in localStorage: restored, or set aside with a
//! notice.

use tci_playground::model::storage_keys;
use wasm_bindgen_test::wasm_bindgen_test;

use super::support::*;

#[wasm_bindgen_test]
async fn app_restores_the_scrollback() {
    reset_storage();
    // As earlier versions of the app stored it: floats with `.0`.
    let saved = r#"{
        "version": 1,
        "cells": [
            {
                "id": 0,
                "code": "print('hi from storage')",
                "status": "ok",
                "outputs": [{"type": "stdout", "data": "hi from storage\n"}],
                "execution_count": 1,
                "started_at": 1700000000000.0,
                "duration_ms": 12.0,
                "session_id": "ses_restored"
            },
            {
                "id": 1,
                "code": "while True: pass",
                "status": "running",
                "outputs": [],
                "started_at": 1700000001000.0,
                "session_id": "ses_restored"
            }
        ],
        "session_id": "ses_restored",
        "execution_count": 1,
        "next_cell_id": 2
    }"#;
    local_storage()
        .set_item(storage_keys::SCROLLBACK, saved)
        .expect("store the scrollback");
    let app = mount_app().await;

    let cells = app.all("[data-testid=cell]");
    assert_eq!(cells.len(), 2, "{}", app.root.outer_html());
    assert_eq!(attr(&cells[0], "data-status").as_deref(), Some("ok"));
    assert_eq!(
        attr(&cells[1], "data-status").as_deref(),
        Some("stopped"),
        "a cell saved while running comes back stopped"
    );
    assert!(
        text(&one(&cells[1], ".cell-message")).contains("page was closed"),
        "{}",
        cells[1].outer_html()
    );

    assert_eq!(
        text(&one(&cells[0], "[data-testid=cell-code]")),
        "print('hi from storage')"
    );
    assert_eq!(
        text(&one(&cells[1], "[data-testid=cell-code]")),
        "while True: pass"
    );
    assert_eq!(text(&one(&cells[0], ".prompt")), "In [1]");

    let outputs = all(&cells[0], "[data-testid=output]");
    assert_eq!(outputs.len(), 1);
    assert_eq!(
        attr(&outputs[0], "data-output-type").as_deref(),
        Some("stdout")
    );
    assert_eq!(
        text(&one(&outputs[0], "pre.stream.stdout")),
        "hi from storage\n"
    );
    assert!(all(&cells[1], "[data-testid=output]").is_empty());

    assert_eq!(
        attr(&app.one("[data-testid=session-id]"), "title").as_deref(),
        Some("ses_restored")
    );
    assert!(app.find("[data-testid=notice]").is_none());

    drop(app);
    reset_storage();
}

#[wasm_bindgen_test]
async fn corrupt_storage_shows_a_notice_and_starts_clean() {
    reset_storage();
    local_storage()
        .set_item(storage_keys::SCROLLBACK, "{not json")
        .expect("store garbage");
    let app = mount_app().await;

    let notice = app.one("[data-testid=notice]");
    assert_eq!(attr(&notice, "role").as_deref(), Some("alert"));
    assert!(
        text(&notice).contains("corrupt"),
        "the notice says why: {}",
        text(&notice)
    );
    assert!(app.all("[data-testid=cell]").is_empty());
    app.one("[data-testid=editor]");
    app.one("[data-testid=run]");

    // The notice can be dismissed.
    click(&one(&notice, "button"));
    wait_for("the notice to go", || {
        app.find("[data-testid=notice]").is_none()
    })
    .await;

    drop(app);
    reset_storage();
}

#[wasm_bindgen_test]
async fn storage_from_another_version_shows_a_notice() {
    reset_storage();
    local_storage()
        .set_item(storage_keys::SCROLLBACK, r#"{"version":99,"cells":[]}"#)
        .expect("store a future version");
    let app = mount_app().await;

    assert!(text(&app.one("[data-testid=notice]")).contains("another version"));
    assert!(app.all("[data-testid=cell]").is_empty());

    drop(app);
    reset_storage();
}
