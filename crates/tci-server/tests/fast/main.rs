//! The fast tier: everything that needs nothing outside cargo (no Python,
//! no Chromium, no build in `dist/`), so a plain `cargo test` runs it on a
//! fresh clone. Proxy mode and the guards against a stub upstream, the
//! static files from temporary dist folders, the binary's start-up without
//! Python, and the flags against the README.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod config;
mod keep_alive;
mod process;
mod proxy;
mod static_files;
mod upstream_faults;
