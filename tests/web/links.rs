//! What a share link left in the scrollback.

use tci_playground::model::storage_keys;
use wasm_bindgen_test::wasm_bindgen_test;

use super::support::*;

// ---------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn a_shared_cell_is_read_only_and_offers_run() {
    reset_storage();
    let saved = r#"{
        "version": 1,
        "cells": [{
            "id": 0,
            "code": "print('from a link')",
            "status": "shared",
            "outputs": [{"type": "stdout", "data": "from a link\n"}],
            "started_at": 1700000000000
        }],
        "next_cell_id": 1
    }"#;
    local_storage()
        .set_item(storage_keys::SCROLLBACK, saved)
        .expect("store the scrollback");
    let app = mount_app().await;
    let cell = app.one("[data-testid=cell]");
    assert_eq!(attr(&cell, "data-status").as_deref(), Some("shared"));
    assert!(text(&cell).contains("read-only until you run it"));
    assert_eq!(text(&one(&cell, "[data-testid=rerun]")).trim(), "Run");
    assert!(text(&one(&cell, "[data-testid=output]")).contains("from a link"));
    reset_storage();
}
