//! TCI Playground: a browser playground for Together's Code Interpreter.
//!
//! - [`model`]: cells, history, storage schema, settings, failures.
//! - [`render`]: output selection, ANSI colours, highlighting, Markdown.
//! - [`embed`]: link options, share payloads, the widget's host protocol.
//! - [`editor`]: the code editor's key handling.
//! - `ui`: the Leptos components, only in the browser build
//!   (`target_arch = "wasm32"`); everything else builds and tests natively.

pub mod editor;
pub mod embed;
pub mod model;
pub mod render;

#[cfg(target_arch = "wasm32")]
pub mod ui;

#[cfg(target_arch = "wasm32")]
pub use ui::App;
