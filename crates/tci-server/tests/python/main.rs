//! The Python tier (feature `python-tests`): the local backend with real
//! Python sessions from the project's `.venv` (the API, its limits and
//! sandbox, the binary's start-up, fairness between clients and preloaded
//! sessions) and Together's SDKs from `.venv-sdk-*`
//! against the real binary. `scripts/python-env.sh` makes the virtualenvs.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod api;
mod fairness;
mod faults;
mod files;
mod keep_alive;
mod limits;
mod process;
mod sdk;
