//! `GET /tci/sessions`: the live sessions here, or the upstream's list.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use tci_api::{Nullable, SESSIONS_PATH, SessionInfo, SessionList, SessionListResponse, timestamp};

use crate::app::{AppState, Backend};
use crate::local::SessionSummary;

pub async fn sessions(State(state): State<AppState>) -> Response {
    match &state.backend {
        Backend::Local(local) => {
            let sessions = local.sessions().into_iter().map(session_info).collect();
            Json(SessionListResponse {
                data: Nullable::Value(SessionList { sessions }),
                ..Default::default()
            })
            .into_response()
        }
        Backend::Proxy(proxy) => {
            proxy
                .forward(Method::GET, SESSIONS_PATH, None, Bytes::new())
                .await
        }
    }
}

fn session_info(session: SessionSummary) -> SessionInfo {
    SessionInfo {
        id: session.id,
        execute_count: session.execute_count,
        started_at: timestamp::format_micros(session.started_at),
        last_execute_at: timestamp::format_micros(session.last_execute_at),
        expires_at: timestamp::format_micros(session.expires_at),
    }
}
