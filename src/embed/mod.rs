//! The page's address and the page around it: link options and share
//! payloads, and the embedded widget's protocol with its host page.

pub mod host_api;
pub mod link;
