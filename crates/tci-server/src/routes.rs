//! HTTP routes: Together's `/tci` API (with and without `/v1`) answered by
//! the local backend or the proxy, the app's `config.json`, a health check,
//! and the built app with an SPA fallback. No other API path exists: in
//! proxy mode nothing else can reach the upstream.

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::{Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use base64::Engine;
use tci_api::{
    AppConfig, EXECUTE_PATH, ExecuteRequest, ExecuteResponse, FileEncoding, Nullable,
    SESSIONS_PATH, SessionInfo, SessionList, SessionListResponse, timestamp,
};
use tower::ServiceExt;
use tower::util::MapRequest;
use tower_http::trace::TraceLayer;

use crate::error::ApiFailure;
use crate::guard::{self, ApiGuard};
use crate::local::{Execution, LocalBackend, SessionFile, SessionSummary};
use crate::proxy::Proxy;
use crate::static_files;
use crate::wire::{JsonBody, body_bytes};

/// Who answers the API: Python sessions here, or the upstream via the proxy.
#[derive(Clone, Debug)]
pub enum Backend {
    Local(LocalBackend),
    Proxy(Proxy),
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Local(_) => "local",
            Backend::Proxy(_) => "proxy",
        }
    }
}

#[derive(Clone, Debug)]
pub struct AppState {
    pub backend: Backend,
    pub token: Option<Arc<str>>,
    pub guard: Arc<ApiGuard>,
}

impl AppState {
    /// No token, same-origin browsers only, no rate limits.
    pub fn new(backend: Backend) -> Self {
        AppState {
            backend,
            token: None,
            guard: Arc::default(),
        }
    }
}

/// The whole server, for `axum::serve` and for tests. Slashes are collapsed
/// before routing, which a layer on the router itself could not do.
pub type App = MapRequest<Router, fn(Request) -> Request>;

/// How the site around the API is served.
#[derive(Clone, Debug)]
pub struct Site {
    /// The built app (`trunk build --release` output).
    pub dist: PathBuf,
    /// Largest request body, in bytes.
    pub body_limit: usize,
    /// CSP `frame-ancestors`: who may embed the app in a frame.
    pub frame_ancestors: String,
}

impl Site {
    pub fn new(dist: impl Into<PathBuf>) -> Self {
        Site {
            dist: dist.into(),
            body_limit: 16 << 20,
            frame_ancestors: "'self'".into(),
        }
    }
}

pub fn app(state: AppState, site: &Site) -> App {
    let router = routes(state, site);
    ServiceExt::<Request>::map_request(router, collapse_slashes as fn(Request) -> Request)
}

fn routes(state: AppState, site: &Site) -> Router {
    let api = Router::new()
        .route("/tci/execute", post(execute))
        .route("/tci/sessions", get(sessions))
        .route("/tci/{*rest}", any(unknown_api_path))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(site.body_limit))
        .layer(middleware::from_fn_with_state(state.clone(), require_token))
        // Outermost: a preflight carries no token, and a refused origin or
        // an exhausted client should cost nothing further.
        .layer(middleware::from_fn_with_state(
            state.guard.clone(),
            guard::guard,
        ))
        .with_state(state.clone());
    Router::new()
        .nest("/v1", api.clone())
        .merge(api)
        .route("/v1/{*rest}", any(unknown_api_path))
        .route(&format!("/{}", AppConfig::FILE_NAME), {
            let embed_origins: Arc<[String]> = site
                .frame_ancestors
                .split_whitespace()
                .map(str::to_owned)
                .collect();
            get(move |State(state): State<AppState>| app_config(state, embed_origins.clone()))
        })
        .route(
            "/healthz",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .with_state(state)
        .fallback_service(static_files::service(site))
        .layer(TraceLayer::new_for_http())
}

async fn execute(State(state): State<AppState>, request: Request) -> Result<Response, ApiFailure> {
    match &state.backend {
        Backend::Local(local) => {
            let JsonBody(request) =
                JsonBody::<ExecuteRequest>::from_request(request, &state).await?;
            Ok(execute_locally(local, request).await?.into_response())
        }
        Backend::Proxy(proxy) => {
            let content_type = request.headers().get(header::CONTENT_TYPE).cloned();
            let body = body_bytes(request).await?;
            Ok(proxy
                .forward(Method::POST, EXECUTE_PATH, content_type, body)
                .await)
        }
    }
}

async fn execute_locally(
    backend: &LocalBackend,
    request: ExecuteRequest,
) -> Result<Json<ExecuteResponse>, ApiFailure> {
    let files = request
        .files
        .unwrap_or_default()
        .into_iter()
        .map(|file| {
            let contents = match file.encoding {
                FileEncoding::String => file.content.into_bytes(),
                FileEncoding::Base64 => base64::engine::general_purpose::STANDARD
                    .decode(file.content.trim())
                    .map_err(|error| {
                        ApiFailure::Unprocessable(format!(
                            "file {:?}: content is not valid base64 ({error})",
                            file.name
                        ))
                    })?,
            };
            Ok(SessionFile {
                name: file.name,
                contents,
            })
        })
        .collect::<Result<Vec<_>, ApiFailure>>()?;
    let executed = backend
        .execute(Execution {
            code: request.code,
            session_id: request.session_id,
            files,
        })
        .await?;
    Ok(Json(ExecuteResponse::success(
        executed.session_id,
        executed.outputs,
    )))
}

async fn sessions(State(state): State<AppState>) -> Response {
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

/// Tells the app that this server fronts the API, so it asks for no key
/// (unless the server itself wants a token), and which pages may embed it:
/// an embedded app talks by `postMessage` only with those (it keeps the exact
/// origins of the list and drops keywords and wildcards).
async fn app_config(state: AppState, embed_origins: Arc<[String]>) -> Response {
    let body = Json(AppConfig {
        api_base: "/v1".into(),
        key_required: state.token.is_some(),
        backend: Some(state.backend.name().into()),
        embed_origins: embed_origins.to_vec(),
    });
    ([(header::CACHE_CONTROL, "no-cache")], body).into_response()
}

async fn unknown_api_path(request: Request) -> ApiFailure {
    ApiFailure::NotFound(format!("no API endpoint at {}", request.uri().path()))
}

async fn method_not_allowed(request: Request) -> ApiFailure {
    ApiFailure::MethodNotAllowed(format!(
        "{} is not allowed on {}",
        request.method(),
        request.uri().path()
    ))
}

async fn require_token(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if let Some(token) = &state.token {
        let presented = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "));
        if !presented
            .is_some_and(|presented| constant_time_eq(presented.as_bytes(), token.as_bytes()))
        {
            return ApiFailure::Unauthorized.into_response();
        }
    }
    next.run(request).await
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `/v1//tci/execute` (what Together's 1.x SDK sends for a base URL with a
/// trailing slash) is `/v1/tci/execute`, as Together's own server treats it.
fn collapse_slashes(mut request: Request) -> Request {
    let uri = request.uri();
    if uri.path().contains("//") {
        let mut path: String = uri
            .path()
            .split('/')
            .filter(|part| !part.is_empty())
            .flat_map(|part| ["/", part])
            .collect();
        if path.is_empty() {
            path.push('/');
        }
        if let Some(query) = uri.query() {
            path.push('?');
            path.push_str(query);
        }
        if let Ok(rewritten) = path.parse() {
            *request.uri_mut() = rewritten;
        }
    }
    request
}
