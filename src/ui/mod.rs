//! The browser UI (Leptos, client-side rendered). Components stay small and
//! take from the context only the state handles they need (see [`state`]);
//! the decisions they show are made in the crate's plain modules.

mod api;
mod app;
mod browser;
mod cell_view;
mod editor;
mod files;
mod frame_view;
mod output;
mod session_bar;
mod settings_panel;
mod share;
mod shortcuts;
mod startup;
pub mod state;
mod welcome;
pub mod widget;

pub use app::App;
pub use output::OutputView;
