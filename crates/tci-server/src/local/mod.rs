//! The local backend: Together's Code Interpreter API answered by Python
//! sessions on this machine, so the playground works with no key and no
//! internet.
//!
//! A session is one interpreter process plus its own working folder. Its
//! executions run one at a time in arrival order (a fair async mutex);
//! sessions run in parallel. A small pool of started interpreters makes a
//! new session's first execution as fast as any other. Sessions end when
//! their lifetime or idle time runs out, when their process dies, or when an
//! execution ignores an interrupt; then their folder is removed. When the
//! server stops, running executions are interrupted and answered, and every
//! interpreter is killed before it exits.
//!
//! Nobody locks everyone else out: one client holds at most
//! `sessions_per_client` live sessions, and at the global cap a new session
//! takes the place of the longest-idle one that is not running (its owner's
//! next call gets `session_not_found`, as after expiry). Only when every
//! session is running is a new one refused.

mod files;
mod interpreter;
mod pool;
pub mod sandbox;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tci_api::Output;
use tokio_util::sync::CancellationToken;

pub use files::{FileError, SessionFile};
pub use interpreter::StartError;
use interpreter::{Interpreter, Launch, RunOutcome};
use pool::Pool;

/// Settings of the local backend; see `config.rs` for their defaults.
#[derive(Clone, Debug)]
pub struct LocalConfig {
    pub python: PathBuf,
    pub work_root: PathBuf,
    pub pool_size: usize,
    pub max_sessions: usize,
    pub session_lifetime: Duration,
    pub idle_timeout: Duration,
    pub exec_timeout: Duration,
    pub interrupt_grace: Duration,
    pub output_cap: usize,
    pub memory_limit: Option<u64>,
    pub file_size_limit: Option<u64>,
    pub sandbox: bool,
    /// Modules pooled interpreters import while they wait.
    pub preload: Vec<String>,
    /// Live sessions one client may hold (0: no limit).
    pub sessions_per_client: usize,
}

/// One request to run code.
#[derive(Clone, Debug)]
pub struct Execution {
    pub code: String,
    pub session_id: Option<String>,
    pub files: Vec<SessionFile>,
    /// Who asks: a new session is counted against this client's cap.
    pub client: Arc<str>,
}

#[derive(Clone, Debug)]
pub struct Executed {
    pub session_id: String,
    pub outputs: Vec<Output>,
}

/// A live session as `GET /tci/sessions` lists it; times in microseconds
/// since the Unix epoch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionSummary {
    pub id: String,
    pub execute_count: u64,
    pub started_at: i64,
    pub last_execute_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum ExecuteError {
    #[error("session {0} does not exist or has expired; run without session_id to start a new one")]
    UnknownSession(String),
    #[error("all {0} sessions are running; try again when one finishes")]
    TooManySessions(usize),
    #[error("the server is stopping; try again when it is back")]
    ShuttingDown,
    #[error(
        "this client already has {limit} live sessions, the most one client may hold; run in one of them (session_id), or retry in {} s when the next one expires",
        retry_after.as_secs()
    )]
    ClientSessionCap { limit: usize, retry_after: Duration },
    #[error(transparent)]
    File(#[from] FileError),
    #[error("could not start a Python session: {0}")]
    Unavailable(#[from] StartError),
    #[error("internal error: {0}")]
    Internal(String),
}

#[derive(Clone, Debug)]
pub struct LocalBackend {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: LocalConfig,
    registry: Mutex<Registry>,
    pool: Pool,
    /// Fired when the server stops: running executions are interrupted.
    stopping: CancellationToken,
}

#[derive(Debug, Default)]
struct Registry {
    sessions: HashMap<String, Arc<Session>>,
    /// New sessions waiting for an interpreter, by client; they count
    /// against both caps.
    starting: HashMap<Arc<str>, usize>,
}

#[derive(Debug)]
struct Session {
    id: String,
    /// The client that started it.
    owner: Arc<str>,
    dir: PathBuf,
    started_at: i64,
    activity: Mutex<Activity>,
    /// `None` once the process has ended.
    interpreter: Arc<tokio::sync::Mutex<Option<Interpreter>>>,
    /// The interpreter's process group, to kill it without waiting for its
    /// turn.
    process_group: Option<u32>,
}

#[derive(Debug)]
struct Activity {
    execute_count: u64,
    last_execute_at: i64,
}

impl LocalBackend {
    /// Checks that Python and IPython work (one clear error if not), then
    /// starts the pool and the task that ends expired sessions.
    pub async fn start(config: LocalConfig) -> Result<Self, StartError> {
        let cache_dir = config.work_root.join(".cache");
        std::fs::create_dir_all(&cache_dir).map_err(|source| StartError::Folder {
            folder: cache_dir.display().to_string(),
            source,
        })?;
        let launch = Launch {
            python: config.python.clone(),
            output_cap: config.output_cap,
            memory_limit: config.memory_limit,
            file_size_limit: config.file_size_limit,
            sandbox_cache: config.sandbox.then(|| cache_dir.clone()),
            cache_dir,
            preload: config.preload.clone(),
        };
        let pool = Pool::new(launch, config.work_root.clone(), config.pool_size);
        // The first interpreter proves the environment works; it then waits
        // in the pool for the first session.
        pool.warm_one().await?;
        let backend = LocalBackend {
            inner: Arc::new(Inner {
                config,
                registry: Mutex::default(),
                pool,
                stopping: CancellationToken::new(),
            }),
        };
        backend.inner.pool.keep_filled();
        backend.spawn_reaper();
        Ok(backend)
    }

    /// The settings it runs with.
    pub fn config(&self) -> &LocalConfig {
        &self.inner.config
    }

    /// Waits its turn in the session (a fair lock: arrival order), then runs
    /// to completion even if the caller stops waiting, as an HTTP client that
    /// disconnects does: the interpreter's reply must still be read, or the
    /// next execution in the session would get this one's answer.
    pub async fn execute(&self, execution: Execution) -> Result<Executed, ExecuteError> {
        for file in &execution.files {
            files::relative_path(&file.name)?;
        }
        if self.inner.stopping.is_cancelled() {
            return Err(ExecuteError::ShuttingDown);
        }
        // However the first execution of a new session ends.
        let _refill = execution
            .session_id
            .is_none()
            .then(|| self.inner.pool.refill_when_dropped());
        let session = match &execution.session_id {
            Some(id) => self.live_session(id)?,
            None => self.new_session(&execution.client).await?,
        };
        let turn = session.interpreter.clone().lock_owned().await;
        let backend = self.clone();
        tokio::spawn(async move { backend.run_turn(session, turn, execution).await })
            .await
            .unwrap_or_else(|error| Err(ExecuteError::Internal(error.to_string())))
    }

    async fn run_turn(
        &self,
        session: Arc<Session>,
        mut interpreter: tokio::sync::OwnedMutexGuard<Option<Interpreter>>,
        execution: Execution,
    ) -> Result<Executed, ExecuteError> {
        let Some(running) = interpreter.as_mut() else {
            return Err(ExecuteError::UnknownSession(session.id.clone()));
        };
        // Queued behind an execution that the shutdown interrupted.
        if self.inner.stopping.is_cancelled() {
            return Err(ExecuteError::ShuttingDown);
        }
        if !execution.files.is_empty() {
            let dir = session.dir.clone();
            let files = execution.files;
            tokio::task::spawn_blocking(move || files::write_all(&dir, &files))
                .await
                .map_err(|error| FileError::Write(String::new(), error.to_string()))??;
        }
        let config = &self.inner.config;
        let outcome = running
            .run(
                &execution.code,
                config.exec_timeout,
                config.interrupt_grace,
                &self.inner.stopping,
            )
            .await;
        {
            let mut activity = lock(&session.activity);
            activity.execute_count += 1;
            activity.last_execute_at = now_micros();
        }
        let outputs = match outcome {
            RunOutcome::Finished(outputs) => outputs,
            RunOutcome::Ended(outputs) => {
                interpreter.take();
                lock(&self.inner.registry).sessions.remove(&session.id);
                tracing::info!(session = %session.id, "session ended by its execution");
                outputs
            }
        };
        Ok(Executed {
            session_id: session.id.clone(),
            outputs,
        })
    }

    /// The server is stopping: new executions are refused, running ones are
    /// interrupted (each is answered, and its session ends), and no
    /// interpreter starts any more.
    pub fn shut_down(&self) {
        self.inner.stopping.cancel();
        self.inner.pool.close();
    }

    /// Kills every interpreter and removes every session folder, waiting at
    /// most `grace` in all for executions still running (after
    /// [`shut_down`] they stop within the interrupt grace).
    ///
    /// [`shut_down`]: LocalBackend::shut_down
    pub async fn close(&self, grace: Duration) {
        self.shut_down();
        let sessions: Vec<_> = lock(&self.inner.registry)
            .sessions
            .drain()
            .map(|(_, session)| session)
            .collect();
        let deadline = tokio::time::Instant::now() + grace;
        for session in sessions {
            // Waiting for the turn lets a running execution send its answer.
            match tokio::time::timeout_at(deadline, session.interpreter.clone().lock_owned()).await
            {
                Ok(mut interpreter) => drop(interpreter.take()),
                Err(_) => {
                    // Its turn still holds the session, which would remove
                    // the folder when dropped: the process may end first.
                    interpreter::kill_process_group(session.process_group);
                    let _ = std::fs::remove_dir_all(&session.dir);
                }
            }
        }
    }

    pub fn sessions(&self) -> Vec<SessionSummary> {
        let registry = lock(&self.inner.registry);
        let mut sessions: Vec<_> = registry
            .sessions
            .values()
            .map(|session| session.summary(&self.inner.config))
            .collect();
        sessions.sort_by_key(|session| session.started_at);
        sessions
    }

    fn live_session(&self, id: &str) -> Result<Arc<Session>, ExecuteError> {
        let mut registry = lock(&self.inner.registry);
        let session = registry
            .sessions
            .get(id)
            .cloned()
            .ok_or_else(|| ExecuteError::UnknownSession(id.to_owned()))?;
        if session.summary(&self.inner.config).expires_at <= now_micros() {
            registry.sessions.remove(id);
            return Err(ExecuteError::UnknownSession(id.to_owned()));
        }
        Ok(session)
    }

    async fn new_session(&self, client: &Arc<str>) -> Result<Arc<Session>, ExecuteError> {
        let reclaimed = {
            let mut registry = lock(&self.inner.registry);
            let reclaimed = self.make_room(&mut registry, client)?;
            *registry.starting.entry(client.clone()).or_default() += 1;
            reclaimed
        };
        // Ended outside the lock: its folder is removed as it drops.
        if let Some(session) = reclaimed {
            tracing::info!(session = %session.id, "session reclaimed for a new one: the session cap was reached and it was the longest idle");
            drop(session);
        }
        let warm = self.inner.pool.take().await;
        let mut registry = lock(&self.inner.registry);
        if let Some(count) = registry.starting.get_mut(client) {
            *count -= 1;
            if *count == 0 {
                registry.starting.remove(client);
            }
        }
        let (interpreter, dir) = warm?;
        if self.inner.stopping.is_cancelled() {
            drop(interpreter);
            let _ = std::fs::remove_dir_all(dir);
            return Err(ExecuteError::ShuttingDown);
        }
        let now = now_micros();
        let session = Arc::new(Session {
            id: new_session_id(),
            owner: client.clone(),
            dir,
            started_at: now,
            activity: Mutex::new(Activity {
                execute_count: 0,
                last_execute_at: now,
            }),
            process_group: interpreter.process_group(),
            interpreter: Arc::new(tokio::sync::Mutex::new(Some(interpreter))),
        });
        registry
            .sessions
            .insert(session.id.clone(), session.clone());
        tracing::info!(session = %session.id, "session started");
        Ok(session)
    }

    /// Checks that `client` may start one more session, and at the global
    /// cap ends the longest-idle session that is not running to make room
    /// (returned, to be dropped outside the lock).
    fn make_room(
        &self,
        registry: &mut Registry,
        client: &Arc<str>,
    ) -> Result<Option<Arc<Session>>, ExecuteError> {
        let config = &self.inner.config;
        let per_client = config.sessions_per_client;
        if per_client > 0 {
            let owned = registry
                .sessions
                .values()
                .filter(|session| session.owner == *client)
                .count()
                + registry.starting.get(client).copied().unwrap_or(0);
            if owned >= per_client {
                let now = now_micros();
                let next_expiry = registry
                    .sessions
                    .values()
                    .filter(|session| session.owner == *client)
                    .map(|session| session.summary(config).expires_at)
                    .min()
                    .unwrap_or(now);
                let seconds = u64::try_from(next_expiry.saturating_sub(now) / 1_000_000)
                    .unwrap_or(0)
                    .max(1);
                return Err(ExecuteError::ClientSessionCap {
                    limit: per_client,
                    retry_after: Duration::from_secs(seconds),
                });
            }
        }
        let starting: usize = registry.starting.values().sum();
        if registry.sessions.len() + starting < config.max_sessions {
            return Ok(None);
        }
        // Not running: nobody holds or waits for its interpreter, so taking
        // the interpreter out cannot cut an execution short.
        let idlest = registry
            .sessions
            .values()
            .filter_map(|session| {
                let idle_since = lock(&session.activity).last_execute_at;
                Some((
                    idle_since,
                    session,
                    session.interpreter.clone().try_lock_owned().ok()?,
                ))
            })
            .min_by_key(|(idle_since, _, _)| *idle_since)
            .map(|(_, session, turn)| (session.id.clone(), turn));
        let Some((id, mut turn)) = idlest else {
            return Err(ExecuteError::TooManySessions(config.max_sessions));
        };
        turn.take();
        Ok(registry.sessions.remove(&id))
    }

    fn spawn_reaper(&self) {
        let backend = Arc::downgrade(&self.inner);
        let config = &self.inner.config;
        let period = (config.idle_timeout.min(config.session_lifetime) / 10)
            .clamp(Duration::from_millis(100), Duration::from_secs(10));
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(period).await;
                let Some(inner) = backend.upgrade() else {
                    return;
                };
                let now = now_micros();
                lock(&inner.registry).sessions.retain(|id, session| {
                    let alive = session.summary(&inner.config).expires_at > now;
                    if !alive {
                        tracing::info!(session = %id, "session expired");
                    }
                    alive
                });
            }
        });
    }
}

impl Session {
    fn summary(&self, config: &LocalConfig) -> SessionSummary {
        let activity = lock(&self.activity);
        let lifetime_end = self.started_at + micros(config.session_lifetime);
        let idle_end = activity.last_execute_at + micros(config.idle_timeout);
        SessionSummary {
            id: self.id.clone(),
            execute_count: activity.execute_count,
            started_at: self.started_at,
            last_execute_at: activity.last_execute_at,
            expires_at: lifetime_end.min(idle_end),
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // The interpreter (dropped with the session) kills its process group;
        // the folder goes too.
        if let Err(error) = std::fs::remove_dir_all(&self.dir) {
            tracing::warn!(session = %self.id, %error, "could not remove the session folder");
        }
    }
}

/// `ses_` and 21 random base-62 characters, the shape of Together's ids
/// (about 125 bits: unguessable).
fn new_session_id() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut id = String::from("ses_");
    let mut bytes = [0u8; 64];
    while id.len() < 25 {
        getrandom::fill(&mut bytes).expect("the OS random source works");
        // Rejection sampling keeps every character equally likely.
        for byte in bytes.iter().filter(|byte| **byte < 248) {
            if id.len() == 25 {
                break;
            }
            id.push(ALPHABET[usize::from(*byte) % 62] as char);
        }
    }
    id
}

pub(crate) fn now_micros() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, micros)
}

fn micros(duration: Duration) -> i64 {
    i64::try_from(duration.as_micros()).unwrap_or(i64::MAX)
}

/// Locks a std mutex; a panic elsewhere while holding it leaves plain data
/// that is still consistent, so poisoning is ignored.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_ids_look_like_togethers_and_differ() {
        let ids: std::collections::HashSet<_> = (0..1000).map(|_| new_session_id()).collect();
        assert_eq!(ids.len(), 1000);
        for id in ids {
            assert_eq!(id.len(), 25);
            assert!(id.starts_with("ses_"));
            assert!(id[4..].bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
        }
    }
}
