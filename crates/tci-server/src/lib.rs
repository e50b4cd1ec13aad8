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

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use app::Backend;
use config::{Config, Mode, SandboxChoice};
use local::{LocalBackend, LocalConfig, StartError};
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

/// How long requests still open when the server is told to stop may take
/// to be answered. Executions of the local backend are interrupted at once
/// and answer within `--interrupt-grace`; proxy mode's upstream calls get
/// this long.
const SHUTDOWN_LIMIT: Duration = Duration::from_secs(10);

/// Starts everything and serves until Ctrl+C or SIGTERM; then answers the
/// requests still open (interrupting running executions) and kills every
/// interpreter before returning.
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
        let settings = local.config();
        let description = format!(
            "local Python, sandbox: {}, preload: {}, sessions per client: {}",
            sandbox,
            match settings.preload.as_slice() {
                [] => "none".to_owned(),
                modules => modules.join(","),
            },
            match settings.sessions_per_client {
                0 => "no limit".to_owned(),
                cap => format!("{cap} of {}", settings.max_sessions),
            }
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
    let guard = config.api_guard(use_proxy);
    let limits = match &guard.limits {
        Some(limits) => format!("{limits} per client"),
        None => "off".to_owned(),
    };
    // Printed on stdout, whatever the log level: scripts and tests read it.
    println!("TCI playground: http://{address}/  (backend: {description}; rate limits: {limits})");

    if config.allowed_origins.iter().any(|origin| origin == "*") {
        tracing::warn!(
            "--allowed-origins includes '*': any web page can use this server's API{}",
            if use_proxy { " and spend its key" } else { "" }
        );
    }
    let site = config.site();
    let local = match &backend {
        Backend::Local(local) => Some(local.clone()),
        Backend::Proxy(_) => None,
    };
    let grace = Duration::from_secs_f64(config.local.interrupt_grace) + Duration::from_secs(1);
    let state = app::AppState {
        backend,
        guard: Arc::new(guard),
        token: config.token.map(Arc::from),
    };
    let app = app::app(state, &site);
    let stopped = Arc::new(tokio::sync::Notify::new());
    let signal = {
        let (local, stopped) = (local.clone(), stopped.clone());
        async move {
            shutdown_signal().await;
            tracing::info!("stopping: answering the requests still open");
            if let Some(local) = local {
                local.shut_down();
            }
            stopped.notify_one();
        }
    };
    let serving = axum::serve(
        listener,
        axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
            std::net::SocketAddr,
        >(app),
    )
    .with_graceful_shutdown(signal)
    .into_future();
    let served = tokio::select! {
        served = serving => served.map_err(ServerError::Serve),
        () = async {
            stopped.notified().await;
            tokio::time::sleep(SHUTDOWN_LIMIT).await;
        } => {
            tracing::warn!("requests still open {SHUTDOWN_LIMIT:?} after the signal to stop; stopping without answering them");
            Ok(())
        }
    };
    if let Some(local) = local {
        local.close(grace).await;
    }
    served
}

/// Whether sessions run in bubblewrap, and if not, why: the start-up line
/// says it.
#[derive(Debug)]
enum Sandbox {
    Bubblewrap,
    Off(String),
}

impl std::fmt::Display for Sandbox {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Sandbox::Bubblewrap => formatter.write_str("bubblewrap"),
            Sandbox::Off(why) => write!(formatter, "off ({why})"),
        }
    }
}

/// `--sandbox auto` on a machine where bubblewrap cannot run (not
/// installed, or no user namespaces in a container) still starts, and says
/// so loudly: sessions then run with this user's rights.
fn choose_sandbox(choice: SandboxChoice) -> Result<Sandbox, ServerError> {
    match choice {
        SandboxChoice::Off => Ok(Sandbox::Off("--sandbox off".into())),
        SandboxChoice::On => {
            local::sandbox::works().map_err(ServerError::Sandbox)?;
            Ok(Sandbox::Bubblewrap)
        }
        SandboxChoice::Auto => match local::sandbox::works() {
            Ok(()) => Ok(Sandbox::Bubblewrap),
            Err(error) => {
                // One line: the start-up line holds it too.
                let error = error.lines().next().unwrap_or("no reason given").trim();
                tracing::warn!(
                    "bubblewrap cannot run here ({error}): sessions run WITHOUT a sandbox and can read and write whatever this user can, and reach the network. Install bubblewrap (scripts/start.sh does), or pass --sandbox off to say this is intended."
                );
                Ok(Sandbox::Off(format!("bubblewrap cannot run here: {error}")))
            }
        },
    }
}

async fn start_local(
    config: &Config,
) -> Result<(LocalBackend, Sandbox, Option<tempfile::TempDir>), ServerError> {
    let sandbox = choose_sandbox(config.local.sandbox)?;
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
    let sandboxed = matches!(sandbox, Sandbox::Bubblewrap);
    let local = LocalConfig {
        sessions_per_client: config.sessions_per_client(),
        ..config.local.to_local_config(work_root, sandboxed)
    };
    let backend = LocalBackend::start(local)
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
