//! Command-line flags and environment variables, with their defaults.
//!
//! Every default is a constant in [`defaults`]: clap shows and applies it,
//! [`Site::new`](crate::app::Site::new) and [`LocalArgs::default`] (and so
//! the tests' local backend) start from it, and a test checks the README's
//! configuration table against clap's flags, environment variables and
//! defaults.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser};

use crate::app::Site;
use crate::local::LocalConfig;
use crate::middleware::{ApiGuard, RateLimiter};

/// The default of every flag that has one.
pub mod defaults {
    use super::{Mode, SandboxChoice};

    pub const BIND: &str = "127.0.0.1:8080";
    pub const DIST: &str = "dist";
    pub const BODY_LIMIT: usize = 16 << 20;
    pub const RATE_PER_MINUTE: u32 = 120;
    pub const CONCURRENT_PER_CLIENT: u32 = 4;
    pub const FRAME_ANCESTORS: &str = "'self'";
    pub const MODE: Mode = Mode::Auto;
    pub const UPSTREAM: &str = "https://api.together.ai/v1";
    pub const UPSTREAM_TIMEOUT: f64 = 600.0;
    pub const PYTHON: &str = ".venv/bin/python";
    pub const POOL_SIZE: usize = 2;
    pub const MAX_SESSIONS: usize = 32;
    /// `--sessions-per-client` where clients can be told apart.
    pub const SESSIONS_PER_CLIENT: usize = 8;
    pub const PRELOAD: &str = "numpy,pandas,matplotlib.pyplot";
    pub const SESSION_MINUTES: f64 = 60.0;
    pub const IDLE_MINUTES: f64 = 30.0;
    pub const EXEC_TIMEOUT: f64 = 120.0;
    pub const INTERRUPT_GRACE: f64 = 3.0;
    pub const OUTPUT_CAP: usize = 8 << 20;
    pub const MEMORY_MIB: u64 = 1024;
    pub const FILE_SIZE_MIB: u64 = 1024;
    pub const SANDBOX: SandboxChoice = SandboxChoice::Auto;
}

#[derive(Clone, Debug, Parser)]
#[command(name = "tci-server", version, about)]
pub struct Config {
    /// Address to listen on. Anything but loopback exposes code execution to
    /// the network: pair it with --token.
    #[arg(long, env = "TCI_BIND", default_value = defaults::BIND)]
    pub bind: SocketAddr,

    /// Folder of the built app (`trunk build --release` output).
    #[arg(long, env = "TCI_DIST", default_value = defaults::DIST)]
    pub dist: PathBuf,

    /// Require `Authorization: Bearer <token>` on the /tci API.
    #[arg(long, env = "TCI_TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Largest request body accepted, in bytes (files are sent inline).
    #[arg(long, env = "TCI_BODY_LIMIT", default_value_t = defaults::BODY_LIMIT)]
    pub body_limit: usize,

    /// Web origins besides this server's own whose pages may call the API
    /// (comma-separated, e.g. `https://docs.example.com`; `*` for any).
    #[arg(long, env = "TCI_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,

    /// Requests per minute one client may make to the API (0: no limit).
    /// The default applies in proxy mode and on a non-loopback bind; on a
    /// loopback bind the local backend has no limit unless this is given.
    #[arg(long, env = "TCI_RATE_PER_MINUTE", default_value_t = defaults::RATE_PER_MINUTE)]
    pub rate_per_minute: u32,

    /// API requests one client may have in flight at once (0: no limit).
    /// The default applies as --rate-per-minute's does.
    #[arg(long, env = "TCI_CONCURRENT_PER_CLIENT", default_value_t = defaults::CONCURRENT_PER_CLIENT)]
    pub concurrent_per_client: u32,

    /// Which of the two limits above were given (flag or environment)
    /// rather than defaulted; set by [`Config::try_from_args`].
    #[arg(skip)]
    pub limits_given: LimitsGiven,

    /// Identify clients by the first X-Forwarded-For address (only behind a
    /// reverse proxy that sets it).
    #[arg(long, env = "TCI_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,

    /// CSP `frame-ancestors` of the app: the pages allowed to embed it
    /// (e.g. `'self' https://docs.example.com`).
    #[arg(long, env = "TCI_FRAME_ANCESTORS", default_value = defaults::FRAME_ANCESTORS)]
    pub frame_ancestors: String,

    /// `local` runs Python here; `proxy` forwards to --upstream with the
    /// server's key; `auto` is proxy when a key is configured, else local.
    #[arg(long, env = "TCI_MODE", value_enum, default_value_t = defaults::MODE)]
    pub mode: Mode,

    #[command(flatten)]
    pub proxy: ProxyArgs,

    #[command(flatten)]
    pub local: LocalArgs,
}

/// Whether each rate limit was asked for explicitly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LimitsGiven {
    pub rate_per_minute: bool,
    pub concurrent_per_client: bool,
}

impl Config {
    /// The flags from `args` (the program's name first) and the
    /// environment, noting which rate limits were given.
    pub fn try_from_args<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let matches = Config::command().try_get_matches_from(args)?;
        let mut config = Config::from_arg_matches(&matches)?;
        let given = |id: &str| {
            matches!(
                matches.value_source(id),
                Some(ValueSource::CommandLine | ValueSource::EnvVariable)
            )
        };
        config.limits_given = LimitsGiven {
            rate_per_minute: given("rate_per_minute"),
            concurrent_per_client: given("concurrent_per_client"),
        };
        Ok(config)
    }

    /// The per-client limits in force. People point their own test suites
    /// (Together's SDKs) at a local backend on loopback and send thousands
    /// of requests, so there the limits are off unless asked for; in proxy
    /// mode (the server's key is spent) and on any non-loopback bind (other
    /// people can reach it) the defaults apply.
    pub fn rate_limiter(&self, proxy: bool) -> Option<RateLimiter> {
        let defaults_apply = proxy || !self.bind.ip().is_loopback();
        let pick = |value: u32, given: bool| if defaults_apply || given { value } else { 0 };
        RateLimiter::new(
            pick(self.rate_per_minute, self.limits_given.rate_per_minute),
            pick(
                self.concurrent_per_client,
                self.limits_given.concurrent_per_client,
            ),
        )
    }

    /// How the site around the API is served.
    pub fn site(&self) -> Site {
        Site {
            dist: self.dist.clone(),
            body_limit: self.body_limit,
            frame_ancestors: self.frame_ancestors.clone(),
        }
    }

    /// The Origin check and the rate limits in front of the API (proxy
    /// mode or the local backend).
    pub fn api_guard(&self, proxy: bool) -> ApiGuard {
        ApiGuard {
            allowed_origins: self.allowed_origins.clone(),
            limits: self.rate_limiter(proxy),
            trust_forwarded_for: self.trust_forwarded_for,
        }
    }

    /// `--sessions-per-client`, else its default: on a loopback bind without
    /// --trust-forwarded-for every request comes from one client (this
    /// machine, or a reverse proxy here), whom a cap per client would only
    /// hold below --max-sessions.
    pub fn sessions_per_client(&self) -> usize {
        self.local.sessions_per_client.unwrap_or(
            if self.bind.ip().is_loopback() && !self.trust_forwarded_for {
                0
            } else {
                defaults::SESSIONS_PER_CLIENT
            },
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    Auto,
    Local,
    Proxy,
}

/// Settings of proxy mode.
#[derive(Clone, Debug, clap::Args)]
pub struct ProxyArgs {
    /// The API that proxy mode forwards to.
    #[arg(long, env = "TCI_UPSTREAM", default_value = defaults::UPSTREAM)]
    pub upstream: String,

    /// File holding the upstream API key (else TOGETHER_API_KEY is used).
    #[arg(long, env = "TCI_KEY_FILE")]
    pub key_file: Option<PathBuf>,

    /// Seconds an upstream exchange may take (executions can run minutes).
    #[arg(long, env = "TCI_UPSTREAM_TIMEOUT", value_parser = non_negative, default_value_t = defaults::UPSTREAM_TIMEOUT)]
    pub upstream_timeout: f64,
}

impl ProxyArgs {
    /// The key from --key-file, else from TOGETHER_API_KEY.
    pub fn key(&self) -> Result<Option<crate::proxy::ApiKey>, String> {
        match &self.key_file {
            Some(path) => std::fs::read_to_string(path)
                .map(crate::proxy::ApiKey::new)
                .map_err(|error| format!("cannot read the key file {}: {error}", path.display())),
            None => Ok(std::env::var("TOGETHER_API_KEY")
                .ok()
                .and_then(crate::proxy::ApiKey::new)),
        }
    }
}

/// Settings of the local backend (Python sessions on this machine).
#[derive(Clone, Debug, clap::Args)]
pub struct LocalArgs {
    /// Python interpreter with IPython installed (the start script makes a
    /// virtualenv at .venv).
    #[arg(long, env = "TCI_PYTHON", default_value = defaults::PYTHON)]
    pub python: PathBuf,

    /// Where session working directories are made (default: a fresh
    /// temporary folder).
    #[arg(long, env = "TCI_WORK_DIR")]
    pub work_dir: Option<PathBuf>,

    /// Interpreters kept started and waiting for new sessions.
    #[arg(long, env = "TCI_POOL_SIZE", default_value_t = defaults::POOL_SIZE)]
    pub pool_size: usize,

    /// Live sessions at most; a new session beyond it takes the place of the
    /// longest-idle session that is not running (503 when all are running).
    #[arg(long, env = "TCI_MAX_SESSIONS", default_value_t = defaults::MAX_SESSIONS)]
    pub max_sessions: usize,

    /// Live sessions one client may hold (429 beyond; 0: no limit). Default:
    /// 8 where clients can be told apart (a non-loopback bind, or
    /// --trust-forwarded-for), else no limit.
    #[arg(long, env = "TCI_SESSIONS_PER_CLIENT")]
    pub sessions_per_client: Option<usize>,

    /// Modules pooled interpreters import while they wait, so that a
    /// session's first use of them is instant (comma-separated; "" for none).
    #[arg(
        long,
        env = "TCI_PRELOAD",
        value_delimiter = ',',
        default_value = defaults::PRELOAD
    )]
    pub preload: Vec<String>,

    /// Minutes a session lives after it starts.
    #[arg(long, env = "TCI_SESSION_MINUTES", value_parser = non_negative, default_value_t = defaults::SESSION_MINUTES)]
    pub session_minutes: f64,

    /// Minutes without an execution after which a session ends.
    #[arg(long, env = "TCI_IDLE_MINUTES", value_parser = non_negative, default_value_t = defaults::IDLE_MINUTES)]
    pub idle_minutes: f64,

    /// Seconds one execution may run before it is interrupted.
    #[arg(long, env = "TCI_EXEC_TIMEOUT", value_parser = non_negative, default_value_t = defaults::EXEC_TIMEOUT)]
    pub exec_timeout: f64,

    /// Seconds an interrupted execution gets to stop before its session is
    /// killed.
    #[arg(long, env = "TCI_INTERRUPT_GRACE", value_parser = non_negative, default_value_t = defaults::INTERRUPT_GRACE)]
    pub interrupt_grace: f64,

    /// Bytes of output one execution may produce; the rest is dropped with
    /// a visible marker.
    #[arg(long, env = "TCI_OUTPUT_CAP", default_value_t = defaults::OUTPUT_CAP)]
    pub output_cap: usize,

    /// Address-space limit of a session's Python process, in MiB (0: none).
    #[arg(long, env = "TCI_MEMORY_MIB", default_value_t = defaults::MEMORY_MIB)]
    pub memory_mib: u64,

    /// Largest file a session may write, in MiB (0: no limit): a write
    /// past it fails with Python's `OSError: [Errno 27] File too large`.
    #[arg(long, env = "TCI_FILE_SIZE_MIB", default_value_t = defaults::FILE_SIZE_MIB)]
    pub file_size_mib: u64,

    /// Run sessions in bubblewrap (read-only root, no network, only their own
    /// folder writable): `auto` uses it when `bwrap` works, `on` requires it.
    #[arg(long, env = "TCI_SANDBOX", value_enum, default_value_t = defaults::SANDBOX)]
    pub sandbox: SandboxChoice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SandboxChoice {
    Auto,
    On,
    Off,
}

impl Default for LocalArgs {
    /// The flags' defaults, as `tci-server` with no flags would run.
    fn default() -> Self {
        LocalArgs {
            python: defaults::PYTHON.into(),
            work_dir: None,
            pool_size: defaults::POOL_SIZE,
            max_sessions: defaults::MAX_SESSIONS,
            sessions_per_client: None,
            preload: defaults::PRELOAD.split(',').map(str::to_owned).collect(),
            session_minutes: defaults::SESSION_MINUTES,
            idle_minutes: defaults::IDLE_MINUTES,
            exec_timeout: defaults::EXEC_TIMEOUT,
            interrupt_grace: defaults::INTERRUPT_GRACE,
            output_cap: defaults::OUTPUT_CAP,
            memory_mib: defaults::MEMORY_MIB,
            file_size_mib: defaults::FILE_SIZE_MIB,
            sandbox: defaults::SANDBOX,
        }
    }
}

impl LocalArgs {
    pub fn to_local_config(&self, work_root: PathBuf, sandbox: bool) -> LocalConfig {
        LocalConfig {
            // Absolute but not canonical: a virtualenv's python is a symlink
            // whose own path is what selects the environment.
            python: std::path::absolute(&self.python).unwrap_or_else(|_| self.python.clone()),
            work_root,
            pool_size: self.pool_size,
            max_sessions: self.max_sessions,
            session_lifetime: Duration::from_secs_f64(self.session_minutes * 60.0),
            idle_timeout: Duration::from_secs_f64(self.idle_minutes * 60.0),
            exec_timeout: Duration::from_secs_f64(self.exec_timeout),
            interrupt_grace: Duration::from_secs_f64(self.interrupt_grace),
            output_cap: self.output_cap,
            memory_limit: (self.memory_mib > 0).then_some(self.memory_mib << 20),
            file_size_limit: (self.file_size_mib > 0).then_some(self.file_size_mib << 20),
            sandbox,
            preload: self
                .preload
                .iter()
                .map(|module| module.trim().to_owned())
                .filter(|module| !module.is_empty())
                .collect(),
            sessions_per_client: self
                .sessions_per_client
                .unwrap_or(defaults::SESSIONS_PER_CLIENT),
        }
    }
}

/// Durations must be finite and not negative (they become `Duration`s).
fn non_negative(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value >= 0.0 => Ok(value),
        _ => Err(format!("{text:?} is not a number of zero or more")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(args: &[&str], proxy: bool) -> Option<(u32, u32)> {
        let config = Config::try_from_args([&["tci-server"], args].concat()).unwrap();
        config
            .rate_limiter(proxy)
            .map(|limiter| (limiter.per_minute(), limiter.concurrent()))
    }

    #[test]
    fn a_local_backend_on_loopback_has_no_rate_limit_unless_asked() {
        assert_eq!(limits(&[], false), None);
        assert_eq!(limits(&["--bind", "[::1]:9000"], false), None);
        assert_eq!(
            limits(&["--rate-per-minute", "500"], false),
            Some((500, 0)),
            "each limit given turns on that limit only"
        );
        assert_eq!(
            limits(&["--concurrent-per-client", "2"], false),
            Some((0, 2))
        );
        assert_eq!(
            limits(
                &["--rate-per-minute", "120", "--concurrent-per-client", "4"],
                false
            ),
            Some((120, 4)),
            "a value equal to the default counts as asked for"
        );
    }

    #[test]
    fn proxy_mode_and_public_binds_have_the_default_limits() {
        let default = Some((defaults::RATE_PER_MINUTE, defaults::CONCURRENT_PER_CLIENT));
        assert_eq!(limits(&[], true), default);
        assert_eq!(limits(&["--bind", "0.0.0.0:8080"], false), default);
        assert_eq!(limits(&["--bind", "192.168.1.5:8080"], true), default);
        assert_eq!(
            limits(&["--bind", "0.0.0.0:8080", "--rate-per-minute", "0"], false),
            Some((0, defaults::CONCURRENT_PER_CLIENT))
        );
        assert_eq!(
            limits(
                &["--rate-per-minute", "0", "--concurrent-per-client", "0"],
                true
            ),
            None,
            "zero still turns a limit off"
        );
    }

    fn parse(args: &[&str]) -> Config {
        Config::try_parse_from([&["tci-server"], args].concat()).unwrap()
    }

    #[test]
    fn clients_are_capped_only_where_they_can_be_told_apart() {
        assert_eq!(parse(&[]).sessions_per_client(), 0, "loopback: one client");
        assert_eq!(
            parse(&["--trust-forwarded-for"]).sessions_per_client(),
            defaults::SESSIONS_PER_CLIENT
        );
        assert_eq!(
            parse(&["--bind", "0.0.0.0:8080"]).sessions_per_client(),
            defaults::SESSIONS_PER_CLIENT
        );
        assert_eq!(
            parse(&["--sessions-per-client", "3"]).sessions_per_client(),
            3
        );
        assert_eq!(
            parse(&["--bind", "0.0.0.0:8080", "--sessions-per-client", "0"]).sessions_per_client(),
            0
        );
    }

    #[test]
    fn the_preload_list_is_comma_separated_and_can_be_emptied() {
        let modules = |args: &[&str]| {
            parse(args)
                .local
                .to_local_config(PathBuf::new(), false)
                .preload
        };
        assert_eq!(
            modules(&[]),
            ["numpy", "pandas", "matplotlib.pyplot"],
            "the default"
        );
        assert_eq!(
            modules(&["--preload", "polars, scipy"]),
            ["polars", "scipy"]
        );
        assert!(modules(&["--preload", ""]).is_empty());
        assert!(modules(&["--preload="]).is_empty());
    }
}
