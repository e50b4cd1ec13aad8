//! Browser tier: the Leptos components mounted in headless Chromium by
//! `wasm-bindgen-test-runner`.
//!
//! Run with `cargo test --target wasm32-unknown-unknown -p tci-playground`
//! (no `-q`: the runner rejects it). Each test mounts into a fresh `<div>`,
//! clears localStorage it relies on, and removes its DOM at the end, so the
//! tests (which run one at a time in one page) do not see each other.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use wasm_bindgen_test::wasm_bindgen_test_configure;

wasm_bindgen_test_configure!(run_in_browser);

/// One test binary; each feature's tests in a file of `tests/web/`.
mod web {
    mod support;

    mod app;
    mod first_page;
    mod html_frame;
    mod links;
    mod long_outputs;
    mod outputs;
    mod storage;
    mod widget;
}
