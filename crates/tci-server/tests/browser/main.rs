//! The browser tier (feature `browser-tests`): the release build in `dist/`
//! (`trunk build --release`) served by the real binary and driven in
//! headless Chromium through chromedriver, as a page and embedded, and
//! through a server fault.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod accessibility;
mod e2e;
mod editor;
mod embed;
mod faults;
mod files;
mod first_page;
mod rich_outputs;
