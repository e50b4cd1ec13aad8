//! TCI Playground: a browser playground for Together's Code Interpreter.
//!
//! The pure logic (ANSI colours, highlighting, editor keys, output selection,
//! storage schema, settings, error classification, link options, the
//! widget's host protocol) lives in plain modules that build and test
//! natively; the Leptos UI in [`ui`] exists only in the browser build
//! (`target_arch = "wasm32"`).

pub mod ansi;
pub mod cell;
pub mod editor_ops;
pub mod failure;
pub mod highlight;
pub mod history;
pub mod host_api;
pub mod link;
pub mod markdown;
pub mod output_view;
pub mod settings;
pub mod storage;

#[cfg(target_arch = "wasm32")]
pub mod ui;

#[cfg(target_arch = "wasm32")]
pub use ui::App;
