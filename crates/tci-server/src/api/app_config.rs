//! `config.json`: what the app learns from the server that fronts the API.

use std::sync::Arc;

use axum::Json;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tci_api::AppConfig;

use crate::app::{AppState, Backend};

/// Tells the app that this server fronts the API, so it asks for no key
/// (unless the server itself wants a token), and which pages may embed it:
/// an embedded app talks by `postMessage` only with those (it keeps the exact
/// origins of the list and drops keywords and wildcards), and how large a
/// request may be: the local backend's `body_limit`; in proxy mode no more
/// than [`AppConfig::DEFAULT_BODY_LIMIT`] either, since Together's own limit
/// is not published.
pub async fn app_config(
    state: AppState,
    embed_origins: Arc<[String]>,
    body_limit: usize,
) -> Response {
    let body_limit = body_limit as u64;
    let body_limit = match state.backend {
        Backend::Local(_) => body_limit,
        Backend::Proxy(_) => body_limit.min(AppConfig::DEFAULT_BODY_LIMIT),
    };
    let body = Json(AppConfig {
        api_base: "/v1".into(),
        key_required: state.token.is_some(),
        backend: Some(state.backend.name().into()),
        embed_origins: embed_origins.to_vec(),
        body_limit: Some(body_limit),
    });
    ([(header::CACHE_CONTROL, "no-cache")], body).into_response()
}
