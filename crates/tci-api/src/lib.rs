//! Wire types of Together's Code Interpreter (TCI) API.
//!
//! These structs are exactly what travels over HTTP between the playground,
//! its server and Together: `POST /v1/tci/execute` and `GET /v1/tci/sessions`.
//! Both the browser app and the server depend on this crate, so neither can
//! drift from the other; domain types live in those crates and convert at
//! their edges.
//!
//! Parsing is liberal on purpose (see the contract's examples): a bare string
//! where a MIME bundle is expected, an unknown output type or `status`,
//! `errors` of an unexpected shape and a missing `errors` key all parse, and
//! whatever was not understood is kept so that it can be shown and written
//! back unchanged.
//!
//! The types are serde types; JSON this crate does not type is a
//! `serde_json::Value`. Both sides read and write them with serde, so the
//! app and the server agree on the wire by construction.

mod app_config;
mod envelope;
mod errors;
mod execute;
mod nullable;
mod sessions;
pub mod timestamp;

pub use app_config::AppConfig;
pub use envelope::Envelope;
pub use errors::{ApiError, ErrorItem, Errors, TogetherError};
pub use execute::{
    ExecuteData, ExecuteRequest, ExecuteResponse, ExecutionStatus, FileEncoding, FileUpload,
    Language, MimeBundle, Output, RichKind, StreamName,
};
pub use nullable::Nullable;
pub use sessions::{SessionInfo, SessionList, SessionListResponse};

/// Path of the execute endpoint, relative to an API base such as
/// `https://api.together.ai/v1`.
pub const EXECUTE_PATH: &str = "/tci/execute";
/// Path of the session list endpoint, relative to an API base.
pub const SESSIONS_PATH: &str = "/tci/sessions";

pub use errors::message_from_error_body;

#[cfg(feature = "contract")]
pub mod contract;
