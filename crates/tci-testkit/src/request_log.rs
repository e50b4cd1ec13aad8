//! The requests a running `tci-server` received, from its own log: the
//! server's tower-http trace layer logs each request at debug level, so a
//! count there is what reached the network, whatever the browser cached.

use std::io::{BufRead, BufReader};
use std::process::ChildStderr;
use std::sync::{Arc, Mutex, PoisonError};

const REQUEST_STARTED: &str = "tower_http::trace::on_request: started processing request";

#[derive(Clone, Debug, Default)]
pub struct RequestLog {
    paths: Arc<Mutex<Vec<String>>>,
}

impl RequestLog {
    /// Reads the server's stderr until it closes; lines that are not
    /// request starts are passed on to the test's stderr.
    pub(crate) fn read(stderr: ChildStderr) -> Self {
        let log = RequestLog::default();
        let paths = log.paths.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if line.contains(REQUEST_STARTED) {
                    if let Some(path) = uri_of(&line) {
                        paths
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .push(path.to_owned());
                    }
                } else if !line.contains("tower_http::trace::") {
                    eprintln!("{line}");
                }
            }
        });
        log
    }

    /// The path and query of every request so far, in arrival order.
    pub fn paths(&self) -> Vec<String> {
        self.paths
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How many requests so far had a path ending in `suffix`.
    pub fn count_ending_with(&self, suffix: &str) -> usize {
        self.paths()
            .iter()
            .filter(|path| path.split('?').next().unwrap_or(path).ends_with(suffix))
            .count()
    }
}

/// The `uri=` field of a trace line's span: `request{method=GET uri=/a version=HTTP/1.1}`.
fn uri_of(line: &str) -> Option<&str> {
    let start = line.find(" uri=")? + " uri=".len();
    let rest = &line[start..];
    Some(&rest[..rest.find(' ')?])
}
