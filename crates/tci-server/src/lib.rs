//! tci-server: serves the playground and answers Together's Code
//! Interpreter API at `/v1/tci/*`, either with Python sessions on this
//! machine (the local backend, the default) or as a proxy that holds the
//! Together key and forwards upstream.
//!
//! `main.rs` only parses flags; [`run`] wires the pieces and [`app::app`]
//! is the router that tests drive directly.

pub mod api;
pub mod app;
pub mod config;
pub mod local;
pub mod middleware;
pub mod proxy;
pub mod site;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use app::Backend;
use config::{Config, Mode, SandboxChoice};
use local::{LocalBackend, StartError};
use proxy::Proxy;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error(
        "the local backend cannot start Python sessions: {0}\n\
         Run `bash scripts/start.sh` (it makes .venv with IPython), or point --python / TCI_PYTHON at a Python that has the packages of requirements.txt."
    )]
    Python(StartError),
    #[error("--sandbox on was asked for, but bubblewrap does not work here: {0}")]
    Sandbox(String),
    #[error("cannot create the session folder {0}: {1}")]
    WorkDir(String, std::io::Error),
    #[error("server failed: {0}")]
    Serve(std::io::Error),
    #[error("proxy mode needs the upstream API key: set TOGETHER_API_KEY or --key-file")]
    NoKey,
    #[error("{0}")]
    Key(String),
}

/// Starts everything and serves until Ctrl+C or SIGTERM.
pub async fn run(config: Config) -> Result<(), ServerError> {
    let key = config.proxy.key().map_err(ServerError::Key)?;
    let use_proxy = match config.mode {
        Mode::Proxy => true,
        Mode::Local => false,
        Mode::Auto => key.is_some(),
    };
    // Held until the server stops: a temporary work root is removed then.
    let mut _work_root_guard = None;
    let (backend, description) = if use_proxy {
        let key = key.ok_or(ServerError::NoKey)?;
        let timeout = Duration::from_secs_f64(config.proxy.upstream_timeout);
        let proxy = Proxy::new(&config.proxy.upstream, key, timeout)
            .map_err(|error| ServerError::Key(error.to_string()))?;
        let description = format!("proxy to {}", proxy.upstream());
        (Backend::Proxy(proxy), description)
    } else {
        let (local, sandbox, guard) = start_local(&config).await?;
        _work_root_guard = guard;
        let description = format!(
            "local Python, sandbox: {}",
            if sandbox { "bubblewrap" } else { "off" }
        );
        (Backend::Local(local), description)
    };

    let listener = TcpListener::bind(config.bind)
        .await
        .map_err(|error| ServerError::Bind(config.bind, error))?;
    let address = listener.local_addr().map_err(ServerError::Serve)?;
    if !address.ip().is_loopback() && config.token.is_none() {
        tracing::warn!(
            "listening on {address} WITHOUT a token: anyone who can reach this address can {}. Pass --token or bind to 127.0.0.1.",
            if use_proxy {
                "spend the API key"
            } else {
                "run arbitrary code on this machine"
            }
        );
    }
    if !config.dist.join("index.html").exists() {
        tracing::warn!(
            "no built app in {}: the API works, the page does not (run `trunk build --release`)",
            config.dist.display()
        );
    }
    // Printed on stdout, whatever the log level: scripts and tests read it.
    println!("TCI playground: http://{address}/  (backend: {description})");

    if config.allowed_origins.iter().any(|origin| origin == "*") {
        tracing::warn!(
            "--allowed-origins includes '*': any web page can use this server's API{}",
            if use_proxy { " and spend its key" } else { "" }
        );
    }
    let site = config.site();
    let state = app::AppState {
        backend,
        guard: Arc::new(config.api_guard()),
        token: config.token.map(Arc::from),
    };
    let app = app::app(state, &site);
    axum::serve(
        listener,
        axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
            std::net::SocketAddr,
        >(app),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(ServerError::Serve)
}

async fn start_local(
    config: &Config,
) -> Result<(LocalBackend, bool, Option<tempfile::TempDir>), ServerError> {
    let sandbox = match config.local.sandbox {
        SandboxChoice::Off => false,
        SandboxChoice::Auto => local::sandbox::works().is_ok(),
        SandboxChoice::On => {
            local::sandbox::works().map_err(ServerError::Sandbox)?;
            true
        }
    };
    let (work_root, guard) = match &config.local.work_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|error| ServerError::WorkDir(dir.display().to_string(), error))?;
            (dir.canonicalize().unwrap_or_else(|_| dir.clone()), None)
        }
        None => {
            let dir = tempfile::Builder::new()
                .prefix("tci-sessions-")
                .tempdir()
                .map_err(|error| ServerError::WorkDir("(temporary)".into(), error))?;
            (dir.path().to_path_buf(), Some(dir))
        }
    };
    let backend = LocalBackend::start(config.local.to_local_config(work_root, sandbox))
        .await
        .map_err(ServerError::Python)?;
    Ok((backend, sandbox, guard))
}

async fn shutdown_signal() {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM handler installs");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
}
