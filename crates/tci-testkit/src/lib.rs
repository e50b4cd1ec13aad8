//! What tci-server's integration tests and benchmarks share: a real local
//! backend (real Python from the project's .venv) behind the router driven
//! with `oneshot`, every response checked against the OpenAPI schemas; the
//! real binary on a free port; a stub of Together's API; headless Chromium.
//! A dev-dependency only: none of it is built into the server.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

pub mod browser;
mod request_log;
pub mod stub_upstream;

pub use request_log::RequestLog;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tci_api::contract::Schemas;
use tci_server::app::{App, AppState, Site, app};
use tci_server::config::LocalArgs;
use tci_server::local::{LocalBackend, LocalConfig};
use tower::ServiceExt;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// The project's Python environment, made by `scripts/python-env.sh`.
pub fn python() -> PathBuf {
    let python = workspace_root().join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `bash scripts/test.sh` (it creates the Python environment)",
        python.display()
    );
    python
}

pub fn schemas() -> &'static Schemas {
    static SCHEMAS: OnceLock<Schemas> = OnceLock::new();
    SCHEMAS.get_or_init(Schemas::load)
}

/// The server's own defaults, with the project's Python, no sandbox, and one
/// interpreter kept waiting instead of two (tests start many backends at once).
pub fn config(work_root: &Path) -> LocalConfig {
    LocalConfig {
        python: python(),
        pool_size: 1,
        ..LocalArgs::default().to_local_config(work_root.to_path_buf(), false)
    }
}

/// A server with a real local backend; its sessions live in a temporary
/// folder removed with it.
#[derive(Debug)]
pub struct TestServer {
    pub router: App,
    pub backend: LocalBackend,
    pub work_root: tempfile::TempDir,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::with(|_| {}, None).await
    }

    pub async fn with(adjust: impl FnOnce(&mut LocalConfig), token: Option<&str>) -> Self {
        let work_root = tempfile::tempdir().unwrap();
        let mut config = config(work_root.path());
        adjust(&mut config);
        let backend = LocalBackend::start(config)
            .await
            .expect("local backend starts");
        let state = AppState {
            token: token.map(Into::into),
            ..AppState::new(tci_server::app::Backend::Local(backend.clone()))
        };
        let site = Site {
            body_limit: 64 << 10,
            ..Site::new(workspace_root().join("dist"))
        };
        let router = app(state, &site);
        TestServer {
            router,
            backend,
            work_root,
        }
    }

    pub async fn request(&self, request: Request<Body>) -> (StatusCode, Value) {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            panic!(
                "{status}: body is not JSON: {}",
                String::from_utf8_lossy(&bytes)
            )
        });
        (status, body)
    }

    /// POSTs a raw body to `path` and checks the answer against the schema.
    pub async fn post_raw(&self, path: &str, body: impl Into<Body>) -> (StatusCode, Value) {
        let request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.into())
            .unwrap();
        let (status, body) = self.request(request).await;
        schemas().assert_valid("ExecuteResponse", &body);
        (status, body)
    }

    pub async fn execute(&self, body: Value) -> (StatusCode, Value) {
        self.post_raw("/v1/tci/execute", body.to_string()).await
    }

    /// Runs `code` and expects success; returns `(session_id, outputs)`.
    pub async fn run(&self, code: &str, session_id: Option<&str>) -> (String, Vec<Value>) {
        let mut body = json!({"code": code, "language": "python"});
        if let Some(id) = session_id {
            body["session_id"] = json!(id);
        }
        let (status, body) = self.execute(body).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let data = &body["data"];
        (
            data["session_id"].as_str().unwrap().to_owned(),
            data["outputs"].as_array().unwrap().clone(),
        )
    }

    pub async fn sessions(&self) -> Value {
        let (status, body) = self
            .request(
                Request::get("/v1/tci/sessions")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        schemas().assert_valid("SessionListResponse", &body);
        body
    }
}

/// The concatenated text of the outputs of `kind`.
pub fn text_of(outputs: &[Value], kind: &str) -> String {
    outputs
        .iter()
        .filter(|output| output["type"] == kind)
        .filter_map(|output| output["data"].as_str())
        .collect()
}

pub fn kinds(outputs: &[Value]) -> Vec<&str> {
    outputs
        .iter()
        .map(|output| output["type"].as_str().unwrap())
        .collect()
}

/// The real `tci-server` binary on a free port, killed when dropped.
#[derive(Debug)]
pub struct RunningServer {
    pub url: String,
    child: std::process::Child,
}

impl RunningServer {
    /// With one pooled interpreter, enough for a test.
    pub fn start(extra_args: &[&str]) -> Self {
        Self::start_with_env(extra_args, &[])
    }

    pub fn start_with_env(extra_args: &[&str], env: &[(&str, &str)]) -> Self {
        Self::launch(&[&["--pool-size", "1"], extra_args].concat(), env)
    }

    /// On a free loopback port with exactly `args` besides the address, and
    /// no upstream key from the caller's environment.
    pub fn launch(args: &[&str], env: &[(&str, &str)]) -> Self {
        Self::spawn(args, env, std::process::Stdio::inherit())
    }

    /// Like `start`, and every request the server receives is recorded (its
    /// log at debug level, read from its stderr).
    pub fn start_logging_requests(extra_args: &[&str]) -> (Self, RequestLog) {
        let args = [&["--pool-size", "1"], extra_args].concat();
        let env = [("RUST_LOG", "warn,tower_http=debug"), ("NO_COLOR", "1")];
        let mut server = Self::spawn(&args, &env, std::process::Stdio::piped());
        let stderr = server.child.stderr.take().unwrap();
        (server, RequestLog::read(stderr))
    }

    fn spawn(args: &[&str], env: &[(&str, &str)], stderr: std::process::Stdio) -> Self {
        use std::io::BufRead;
        let mut child = std::process::Command::new(server_binary())
            .current_dir(workspace_root())
            .args(["--bind", "127.0.0.1:0"])
            .args(args)
            .env("RUST_LOG", "warn,tower_http=off")
            .env_remove("TOGETHER_API_KEY")
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("tci-server starts");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in the start-up line {line:?}"))
            .to_owned();
        RunningServer { url, child }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

/// The `tci-server` binary that cargo built for the test or bench running
/// now: cargo builds a package's binaries before its integration tests and
/// benchmarks, into the folder above theirs (`target/<profile>/`).
/// `CARGO_BIN_EXE_tci-server` would name it too, but only at the compile
/// time of tci-server's own test crates, not of this one.
pub fn server_binary() -> PathBuf {
    let test = std::env::current_exe().unwrap();
    let binary = test
        .parent()
        .and_then(Path::parent)
        .map(|profile| profile.join("tci-server"))
        .unwrap();
    assert!(
        binary.exists(),
        "{} is missing: run the test through cargo, which builds it",
        binary.display()
    );
    binary
}

/// A process's resident memory in KiB, and its parent, from /proc.
pub fn process_status(pid: u32) -> Option<(u64, u32)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .map(|value| value.trim().trim_end_matches(" kB").to_owned())
    };
    Some((
        field("VmRSS:")?.parse().ok()?,
        field("PPid:")?.parse().ok()?,
    ))
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
