//! What the playground knows and keeps: scrollback cells, the history of
//! submissions, what is stored in the browser, where the API is (and which
//! backend that is), why a run failed, and what the first page offers: the
//! examples and the table of keyboard shortcuts; files attached to a run
//! (`attach`) and the scrollback as a notebook file and back
//! (`notebook_file`).

pub mod attach;
pub mod backend_kind;
pub mod cell;
pub mod examples;
pub mod failure;
pub mod history;
pub mod notebook_file;
pub mod settings;
pub mod shortcuts;
pub mod storage;
pub mod storage_keys;
