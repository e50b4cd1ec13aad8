//! What the playground knows and keeps: scrollback cells, the history of
//! submissions, what is stored in the browser, where the API is, and why a
//! run failed.

pub mod cell;
pub mod failure;
pub mod history;
pub mod settings;
pub mod storage;
pub mod storage_keys;
