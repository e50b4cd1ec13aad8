//! The router: the `/tci` API (with and without `/v1`) behind its
//! middleware, the app's `config.json`, a health check, and the built app
//! with an SPA fallback.

use std::path::PathBuf;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware;
use axum::routing::{any, get, post};
use tower::ServiceExt;
use tower::util::MapRequest;
use tower_http::trace::TraceLayer;

use crate::api::{self, app_config::app_config, execute::execute, sessions::sessions};
use crate::config::defaults;
use crate::local::LocalBackend;
use crate::middleware::{
    ApiGuard, auth::require_token, origin, paths::collapse_slashes, rate_limit,
    unread_body::read_past_unread_body,
};
use crate::proxy::Proxy;
use crate::site;

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
    /// The site with the flags' defaults around `dist`.
    pub fn new(dist: impl Into<PathBuf>) -> Self {
        Site {
            dist: dist.into(),
            body_limit: defaults::BODY_LIMIT,
            frame_ancestors: defaults::FRAME_ANCESTORS.into(),
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
        .route("/tci/{*rest}", any(api::unknown_api_path))
        .method_not_allowed_fallback(api::method_not_allowed)
        // The last layer runs first: the Origin check, then CORS (which
        // answers preflights: they carry no token and are not counted), the
        // rate limit, the token, and the body limit. A refused origin or an
        // exhausted client costs nothing further.
        .layer(DefaultBodyLimit::max(site.body_limit))
        .layer(middleware::from_fn_with_state(state.clone(), require_token))
        .layer(middleware::from_fn_with_state(
            state.guard.clone(),
            rate_limit::limit,
        ))
        .layer(origin::cors())
        .layer(middleware::from_fn_with_state(
            state.guard.clone(),
            origin::check_origin,
        ))
        .with_state(state.clone());
    Router::new()
        .nest("/v1", api.clone())
        .merge(api)
        .route("/v1/{*rest}", any(api::unknown_api_path))
        .route(&format!("/{}", tci_api::AppConfig::FILE_NAME), {
            let embed_origins: Arc<[String]> = site
                .frame_ancestors
                .split_whitespace()
                .map(str::to_owned)
                .collect();
            let body_limit = site.body_limit;
            get(move |State(state): State<AppState>| {
                app_config(state, embed_origins.clone(), body_limit)
            })
        })
        .route(
            "/healthz",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .with_state(state)
        .fallback_service(site::service(site))
        // Outside every route and guard: whoever answered without reading
        // the body, the connection stays usable or is closed openly.
        .layer(middleware::from_fn(read_past_unread_body))
        .layer(TraceLayer::new_for_http())
}
