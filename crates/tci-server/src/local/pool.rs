//! Interpreters started ahead of time, each with its own folder, so that a
//! new session does not wait ~150 ms for Python and IPython to load, nor
//! for the modules of `--preload` (numpy, pandas and pyplot take ~0.6 s).
//! When the pool is empty a session gets an interpreter started there and
//! then, without the preload: it pays only for what its code imports. A
//! taken interpreter is replaced once the new session's first execution is
//! over, so that the replacement's start (~1 s of CPU with the preload)
//! does not compete with that execution, a first plot say, on a small
//! machine.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;

use super::interpreter::{Interpreter, Launch, Preload, StartError};
use super::lock;

#[derive(Debug)]
pub struct Pool {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    launch: Launch,
    work_root: PathBuf,
    size: usize,
    ready: Mutex<Vec<(Interpreter, PathBuf)>>,
    /// Set when the server stops: nothing more is started or kept.
    closed: AtomicBool,
    /// Wakes the task that keeps the pool filled.
    refill: Arc<Notify>,
}

/// Lets the pool replace what was taken when dropped.
#[derive(Debug)]
pub struct RefillWhenDropped<'a>(&'a Pool);

impl Drop for RefillWhenDropped<'_> {
    fn drop(&mut self) {
        self.0.shared.refill.notify_one();
    }
}

impl Pool {
    pub fn new(launch: Launch, work_root: PathBuf, size: usize) -> Self {
        Pool {
            shared: Arc::new(Shared {
                launch,
                work_root,
                size,
                ready: Mutex::default(),
                closed: AtomicBool::new(false),
                refill: Arc::new(Notify::new()),
            }),
        }
    }

    /// Starts one interpreter into the pool, reporting why if it fails, and
    /// logging which modules of the preload list it could not import.
    pub async fn warm_one(&self) -> Result<(), StartError> {
        let warm = self.shared.start(Preload::Modules).await?;
        for failure in warm.0.preload_failures() {
            tracing::warn!("--preload: sessions start without {failure}");
        }
        self.shared.keep(warm);
        Ok(())
    }

    /// Kills the interpreters waiting here, and any started later.
    pub fn close(&self) {
        self.shared.closed.store(true, Ordering::SeqCst);
        self.shared.refill.notify_one();
        self.shared.discard_ready();
    }

    /// Keeps the pool at its size in the background for as long as it lives.
    pub fn keep_filled(&self) {
        let shared = Arc::downgrade(&self.shared);
        tokio::spawn(async move {
            loop {
                let Some(pool) = shared.upgrade() else { return };
                if pool.closed.load(Ordering::SeqCst) {
                    return;
                }
                let missing = pool.size.saturating_sub(lock(&pool.ready).len());
                if missing == 0 {
                    let refill = pool.refill.clone();
                    drop(pool);
                    refill.notified().await;
                    continue;
                }
                match pool.start(Preload::Modules).await {
                    Ok(warm) => pool.keep(warm),
                    Err(error) => {
                        tracing::error!(%error, "could not start a pooled interpreter");
                        drop(pool);
                        tokio::time::sleep(Duration::from_secs(5)).await;
                    }
                }
            }
        });
    }

    /// A started interpreter and its folder: from the pool when one is
    /// waiting, otherwise started now. The pool replaces it when the guard
    /// from [`Pool::refill_when_dropped`] goes.
    pub async fn take(&self) -> Result<(Interpreter, PathBuf), StartError> {
        let warm = lock(&self.shared.ready).pop();
        match warm {
            Some(warm) => Ok(warm),
            None => self.shared.start(Preload::Nothing).await,
        }
    }

    /// Held while a new session's first execution runs.
    pub fn refill_when_dropped(&self) -> RefillWhenDropped<'_> {
        RefillWhenDropped(self)
    }
}

impl Shared {
    /// Into the pool, unless it has closed meanwhile.
    fn keep(&self, warm: (Interpreter, PathBuf)) {
        lock(&self.ready).push(warm);
        if self.closed.load(Ordering::SeqCst) {
            self.discard_ready();
        }
    }

    fn discard_ready(&self) {
        let ready: Vec<_> = lock(&self.ready).drain(..).collect();
        for (interpreter, dir) in ready {
            drop(interpreter);
            let _ = std::fs::remove_dir_all(dir);
        }
    }

    async fn start(&self, preload: Preload) -> Result<(Interpreter, PathBuf), StartError> {
        let dir = tempfile::Builder::new()
            .prefix("session-")
            .tempdir_in(&self.work_root)
            .map_err(|source| StartError::Folder {
                folder: self.work_root.display().to_string(),
                source,
            })?
            .keep();
        match Interpreter::start(&self.launch, &dir, preload).await {
            Ok(interpreter) => Ok((interpreter, dir)),
            Err(error) => {
                let _ = std::fs::remove_dir_all(&dir);
                Err(error)
            }
        }
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.discard_ready();
    }
}
