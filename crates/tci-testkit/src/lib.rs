//! What tci-server's integration tests and benchmarks share: a real local
//! backend (real Python from the project's .venv) behind the router driven
//! with `oneshot`, every response checked against the OpenAPI schemas; the
//! real binary on a free port; a stub of Together's API; headless Chromium;
//! a keep-alive HTTP/1.1 client written by hand, and a pooling one for
//! benchmarks.
//! A dev-dependency only: none of it is built into the server.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

pub mod browser;
pub mod http;
pub mod raw_http;
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

/// The server's own defaults, with the project's Python, no sandbox, one
/// interpreter kept waiting instead of two and no modules preloaded (tests
/// start many backends at once), and no cap per client (as on the loopback
/// bind tests use). Tests about those set them.
pub fn config(work_root: &Path) -> LocalConfig {
    LocalConfig {
        python: python(),
        pool_size: 1,
        preload: Vec::new(),
        sessions_per_client: 0,
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

/// What `RunningServer::start` passes before the test's own flags.
const TEST_DEFAULTS: &[&str] = &["--pool-size", "1", "--preload", ""];

/// The real `tci-server` binary on a free port, killed when dropped.
#[derive(Debug)]
pub struct RunningServer {
    pub url: String,
    /// The line it printed on start-up (its URL, backend and limits).
    pub banner: String,
    child: std::process::Child,
}

impl RunningServer {
    /// With one pooled interpreter, enough for a test, and no modules
    /// preloaded (unless `extra_args` ask): tests start many servers at once.
    pub fn start(extra_args: &[&str]) -> Self {
        Self::start_with_env(extra_args, &[])
    }

    pub fn start_with_env(extra_args: &[&str], env: &[(&str, &str)]) -> Self {
        Self::launch(&[TEST_DEFAULTS, extra_args].concat(), env)
    }

    /// On a free loopback port with exactly `args` besides the address, and
    /// no upstream key from the caller's environment.
    pub fn launch(args: &[&str], env: &[(&str, &str)]) -> Self {
        Self::spawn("127.0.0.1:0", args, env, std::process::Stdio::inherit())
    }

    /// Like `start`, on `address` (`127.0.0.1:port`): a server started
    /// again where one was killed.
    pub fn start_at(address: &str, extra_args: &[&str]) -> Self {
        let args = [&["--pool-size", "1"], extra_args].concat();
        Self::spawn(address, &args, &[], std::process::Stdio::inherit())
    }

    /// Like `launch`, with the server's stderr (its log) handed back to be
    /// read to the end once the server is stopped.
    pub fn launch_capturing_log(
        args: &[&str],
        env: &[(&str, &str)],
    ) -> (Self, std::process::ChildStderr) {
        let mut server = Self::spawn("127.0.0.1:0", args, env, std::process::Stdio::piped());
        let stderr = server.child.stderr.take().unwrap();
        (server, stderr)
    }

    /// Stops the server and waits for it, so that its pipes reach their end.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// `127.0.0.1:port`, from the URL.
    pub fn address(&self) -> &str {
        self.url.trim_start_matches("http://").trim_end_matches('/')
    }

    /// Like `start`, and every request the server receives is recorded (its
    /// log at debug level, read from its stderr).
    pub fn start_logging_requests(extra_args: &[&str]) -> (Self, RequestLog) {
        let args = [TEST_DEFAULTS, extra_args].concat();
        let env = [("RUST_LOG", "warn,tower_http=debug"), ("NO_COLOR", "1")];
        let mut server = Self::spawn("127.0.0.1:0", &args, &env, std::process::Stdio::piped());
        let stderr = server.child.stderr.take().unwrap();
        (server, RequestLog::read(stderr))
    }

    fn spawn(bind: &str, args: &[&str], env: &[(&str, &str)], stderr: std::process::Stdio) -> Self {
        use std::io::BufRead;
        let mut child = std::process::Command::new(server_binary())
            .current_dir(workspace_root())
            .args(["--bind", bind])
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
        RunningServer {
            url,
            banner: line.trim_end().to_owned(),
            child,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends `signal` to the server process.
    pub fn signal(&self, signal: nix::sys::signal::Signal) {
        let pid = nix::unistd::Pid::from_raw(i32::try_from(self.pid()).unwrap());
        nix::sys::signal::kill(pid, signal).unwrap();
    }

    /// Its exit status, once it has exited within `limit`.
    pub fn wait_exit(&mut self, limit: std::time::Duration) -> Option<std::process::ExitStatus> {
        let deadline = std::time::Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if std::time::Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

/// Every process below `pid` (children, their children…), from /proc.
pub fn descendants(pid: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if let Some(parent) = parent_of(child) {
            parents.push((child, parent));
        }
    }
    let mut found = vec![pid];
    let mut index = 0;
    while index < found.len() {
        let parent = found[index];
        found.extend(
            parents
                .iter()
                .filter(|(_, of)| *of == parent)
                .map(|(child, _)| *child),
        );
        index += 1;
    }
    found.remove(0);
    found
}

/// The parent of `pid`, from its /proc stat line (after the command's
/// closing parenthesis: state, then the parent's pid).
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = stat.rsplit_once(") ")?;
    rest.split_whitespace().nth(1)?.parse().ok()
}

/// Whether `pid` is a process that has not ended (a zombie has).
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let (_, rest) = stat.rsplit_once(") ")?;
            rest.split_whitespace().next().map(|state| state != "Z")
        })
        .unwrap_or(false)
}

/// Waits up to `limit` for every process of `pids` to end; those left.
pub async fn survivors(pids: &[u32], limit: std::time::Duration) -> Vec<u32> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let left: Vec<u32> = pids.iter().copied().filter(|pid| alive(*pid)).collect();
        if left.is_empty() || tokio::time::Instant::now() > deadline {
            return left;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
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
