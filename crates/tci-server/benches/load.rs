//! The local backend under load, and a new session's first plot beside
//! ipykernel's, against the release binary over loopback:
//! `cargo bench -p tci-server --bench load` (ipykernel comes from
//! `.venv-bench`, made by `bash scripts/python-env.sh --bench`).
//!
//! - Load: 20 clients (told apart by X-Forwarded-For) each open 5 sessions,
//!   100 live sessions in all, then each sends 100 executes in turn over its
//!   sessions: per session, 16 small executes, 3 pandas operations and one
//!   plot out of 20, at different moments in different sessions. Prints throughput, p50/p99 latency (all and per kind),
//!   errors (a non-200 answer or an error output), the RSS and PSS of the
//!   server's interpreters (`/proc/<pid>/smaps_rollup`) as sessions are
//!   added, and the growth per added session.
//! - First plot: a new session's first `import pandas, matplotlib.pyplot`
//!   and plot, with the default `--preload` and with none, and a fresh
//!   ipykernel's (jupyter_client) in the same run; and what a pooled
//!   interpreter costs with and without the preload.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed benchmark

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use tci_testkit::{RunningServer, process_status, workspace_root};

type HttpClient = Client<HttpConnector, Full<Bytes>>;

const CLIENTS: usize = 20;
const SESSIONS_PER_CLIENT: usize = 5;
const EXECUTES_PER_CLIENT: usize = 100;

const FIRST_PLOT: &str = "import pandas, matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()";

/// A notebook's first cell: what every session of the load runs first.
const SETUP: &str = "import numpy as np, pandas as pd, matplotlib.pyplot as plt\n\
    x = 0\n\
    df = pd.DataFrame({'k': np.arange(10_000) % 7, 'v': np.random.default_rng(0).random(10_000)})";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Kind {
    Small,
    Pandas,
    Plot,
}

impl Kind {
    /// The `n`th execute in a session: one plot and three pandas operations
    /// in every twenty.
    fn of(n: usize) -> Kind {
        match n % 20 {
            3 => Kind::Plot,
            1 | 8 | 14 => Kind::Pandas,
            _ => Kind::Small,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Kind::Small => "x += 1\nx",
            Kind::Pandas => "df.groupby('k')['v'].agg(['mean', 'sum', 'count'])",
            Kind::Plot => {
                "fig, ax = plt.subplots()\nax.plot(df['v'][:200].cumsum())\nax.set_title(f'run {x}')\nplt.show()"
            }
        }
    }

    /// The output each kind must produce besides no error.
    fn expected(self) -> &'static str {
        match self {
            Kind::Small => "text/plain",
            Kind::Pandas => "text/html",
            Kind::Plot => "image/png",
        }
    }
}

fn start(extra_args: &[&str]) -> RunningServer {
    // Many requests per client per minute: the per-minute limit is off.
    let args = ["--rate-per-minute", "0"];
    RunningServer::launch(&[&args[..], extra_args].concat(), &[])
}

/// One execute as `client`; the session id, or why it failed.
async fn execute(
    http: &HttpClient,
    url: &str,
    client: &str,
    code: &str,
    session: Option<&str>,
    expected: &str,
) -> Result<String, String> {
    let mut body = json!({"code": code, "language": "python"});
    if let Some(session) = session {
        body["session_id"] = json!(session);
    }
    let request = hyper::Request::post(format!("{url}v1/tci/execute"))
        .header("content-type", "application/json")
        .header("x-forwarded-for", client)
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap();
    let response = http.request(request).await.map_err(|e| e.to_string())?;
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{status}: {value}"));
    }
    let outputs = value["data"]["outputs"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if let Some(error) = outputs.iter().find(|output| output["type"] == "error") {
        return Err(format!("error output: {}", error["data"]));
    }
    if !expected.is_empty()
        && !outputs
            .iter()
            .any(|output| output["data"][expected].is_string())
    {
        return Err(format!("no {expected} in {outputs:?}"));
    }
    Ok(value["data"]["session_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

/// Memory of a process tree's members, in KiB.
#[derive(Clone, Copy, Debug, Default)]
struct Memory {
    processes: usize,
    rss: u64,
    pss: u64,
}

/// The server's Python interpreters (its descendants named python; the
/// bubblewrap processes around them are counted apart).
fn interpreters(server: &RunningServer) -> (Memory, Memory) {
    let mut parents = HashMap::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|name| name.parse::<u32>().ok())
        else {
            continue;
        };
        if let Some((_, parent)) = process_status(pid) {
            parents.insert(pid, parent);
        }
    }
    let descends = |mut pid: u32| {
        while let Some(&parent) = parents.get(&pid) {
            if parent == server.pid() {
                return true;
            }
            pid = parent;
        }
        false
    };
    let (mut python, mut bwrap) = (Memory::default(), Memory::default());
    for &pid in parents.keys().filter(|&&pid| descends(pid)) {
        let Some((rss, pss)) = smaps_rollup(pid) else {
            continue;
        };
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        let memory = if comm.trim() == "bwrap" {
            &mut bwrap
        } else {
            &mut python
        };
        memory.processes += 1;
        memory.rss += rss;
        memory.pss += pss;
    }
    (python, bwrap)
}

fn smaps_rollup(pid: u32) -> Option<(u64, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let field = |name: &str| -> Option<u64> {
        text.lines()
            .find_map(|line| line.strip_prefix(name))?
            .trim()
            .trim_end_matches(" kB")
            .trim()
            .parse()
            .ok()
    };
    Some((field("Rss:")?, field("Pss:")?))
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
}

/// Least-squares slope of `y` over `x`.
fn slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    let (sx, sy) = points
        .iter()
        .fold((0.0, 0.0), |(sx, sy), (x, y)| (sx + x, sy + y));
    let (mx, my) = (sx / n, sy / n);
    let covariance: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let variance: f64 = points.iter().map(|(x, _)| (x - mx).powi(2)).sum();
    covariance / variance
}

fn client_address(client: usize) -> String {
    format!("198.51.100.{}", client + 1)
}

async fn load(http: &HttpClient) {
    let server = start(&[
        "--trust-forwarded-for",
        "--max-sessions",
        "100",
        "--sessions-per-client",
        "5",
    ]);
    let url = server.url.clone();
    tokio::time::sleep(Duration::from_secs(3)).await; // the pool fills
    let (idle, _) = interpreters(&server);
    println!(
        "load: before any session: {} pooled interpreters, RSS {:.1} MiB, PSS {:.1} MiB",
        idle.processes,
        mib(idle.rss),
        mib(idle.pss)
    );

    // Sessions are added in waves of one per client, memory read after each.
    let mut sessions: Vec<Vec<String>> = vec![Vec::new(); CLIENTS];
    let mut points = vec![(0.0, idle.pss as f64)];
    let mut setup_times = Vec::new();
    let mut errors = 0;
    for wave in 0..SESSIONS_PER_CLIENT {
        let tasks: Vec<_> = (0..CLIENTS)
            .map(|client| {
                let (http, url) = (http.clone(), url.clone());
                tokio::spawn(async move {
                    let begin = Instant::now();
                    let made = execute(&http, &url, &client_address(client), SETUP, None, "").await;
                    (client, made, begin.elapsed())
                })
            })
            .collect();
        for task in tasks {
            let (client, made, took) = task.await.unwrap();
            match made {
                Ok(session) => {
                    sessions[client].push(session);
                    setup_times.push(took);
                }
                Err(error) => {
                    errors += 1;
                    eprintln!("setup failed: {error}");
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (memory, _) = interpreters(&server);
        let live = (wave + 1) * CLIENTS;
        println!(
            "load: {live:>3} sessions: {} interpreters, RSS {:>7.1} MiB, PSS {:>7.1} MiB",
            memory.processes,
            mib(memory.rss),
            mib(memory.pss)
        );
        points.push((live as f64, memory.pss as f64));
    }
    setup_times.sort();
    println!(
        "load: a session's first cell (imports numpy, pandas, pyplot; builds a frame), 100 sessions made by 20 clients at once: p50 {:.1} ms, p99 {:.1} ms, errors {errors}",
        percentile(&setup_times, 0.5),
        percentile(&setup_times, 0.99)
    );
    println!(
        "load: memory per added session (slope of PSS over the waves): {:.1} MiB",
        mib(slope(&points) as u64)
    );

    let begin = Instant::now();
    let tasks: Vec<_> = sessions
        .into_iter()
        .enumerate()
        .map(|(client, own)| {
            let (http, url) = (http.clone(), url.clone());
            tokio::spawn(async move {
                let address = client_address(client);
                let mut times = Vec::new();
                let mut errors = Vec::new();
                for n in 0..EXECUTES_PER_CLIENT {
                    let (index, turn) = (n % own.len(), n / own.len());
                    // Offset per session, so that clients do not all plot
                    // at the same moment.
                    let kind = Kind::of(turn + client + index);
                    let session = &own[index];
                    let start = Instant::now();
                    match execute(
                        &http,
                        &url,
                        &address,
                        kind.code(),
                        Some(session),
                        kind.expected(),
                    )
                    .await
                    {
                        Ok(_) => times.push((kind, start.elapsed())),
                        Err(error) => errors.push(error),
                    }
                }
                (times, errors)
            })
        })
        .collect();
    let mut times = Vec::new();
    let mut failures = Vec::new();
    for task in tasks {
        let (done, failed) = task.await.unwrap();
        times.extend(done);
        failures.extend(failed);
    }
    let elapsed = begin.elapsed();
    for failure in failures.iter().take(5) {
        eprintln!("load: failed: {failure}");
    }
    let mut all: Vec<_> = times.iter().map(|(_, time)| *time).collect();
    all.sort();
    println!(
        "load: {} executes from {CLIENTS} clients over 100 sessions: {:.0} executes/s, p50 {:.1} ms, p99 {:.1} ms, errors {}",
        all.len() + failures.len(),
        all.len() as f64 / elapsed.as_secs_f64(),
        percentile(&all, 0.5),
        percentile(&all, 0.99),
        failures.len()
    );
    for kind in [Kind::Small, Kind::Pandas, Kind::Plot] {
        let mut of_kind: Vec<_> = times
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, time)| *time)
            .collect();
        of_kind.sort();
        println!(
            "load:   {kind:?} ({}): p50 {:.1} ms, p99 {:.1} ms",
            of_kind.len(),
            percentile(&of_kind, 0.5),
            percentile(&of_kind, 0.99)
        );
    }
    let (python, bwrap) = interpreters(&server);
    println!(
        "load: after: {} interpreters, RSS {:.1} MiB, PSS {:.1} MiB ({:.1} MiB PSS per interpreter); {} bubblewrap processes, PSS {:.1} MiB",
        python.processes,
        mib(python.rss),
        mib(python.pss),
        mib(python.pss) / python.processes.max(1) as f64,
        bwrap.processes,
        mib(bwrap.pss)
    );
}

/// p50, min and max of `runs` new sessions' first plot, each after the pool
/// has had `pause` to refill; the pooled interpreters' memory before, and
/// every interpreter's after.
async fn first_plots(http: &HttpClient, label: &str, args: &[&str], runs: usize, pause: Duration) {
    let server = start(args);
    tokio::time::sleep(pause).await;
    let (pooled, _) = interpreters(&server);
    println!(
        "first plot, {label}: a pooled interpreter: RSS {:.1} MiB, PSS {:.1} MiB ({} pooled)",
        mib(pooled.rss) / pooled.processes as f64,
        mib(pooled.pss) / pooled.processes as f64,
        pooled.processes
    );
    let mut times = Vec::new();
    for run in 0..runs {
        if run > 0 {
            tokio::time::sleep(pause).await;
        }
        let begin = Instant::now();
        execute(
            http,
            &server.url,
            "127.0.0.1",
            FIRST_PLOT,
            None,
            "image/png",
        )
        .await
        .unwrap();
        times.push(begin.elapsed());
    }
    times.sort();
    println!(
        "first plot, {label} ({runs} new sessions, pool refilled): p50 {:.0} ms, min {:.0} ms, max {:.0} ms",
        percentile(&times, 0.5),
        times[0].as_secs_f64() * 1000.0,
        times.last().unwrap().as_secs_f64() * 1000.0
    );
    let (after, _) = interpreters(&server);
    println!(
        "first plot, {label}: then {} interpreters ({runs} sessions that plotted, the rest pooled): PSS {:.1} MiB each on average",
        after.processes,
        mib(after.pss) / after.processes as f64
    );
}

fn ipykernel_first_plots(runs: usize) {
    let python = workspace_root().join(".venv-bench/bin/python");
    if !python.exists() {
        println!(
            "first plot, ipykernel: skipped, {} is missing (bash scripts/python-env.sh --bench makes it)",
            python.display()
        );
        return;
    }
    let scratch = tempfile::tempdir().unwrap();
    let code = scratch.path().join("first_plot.py");
    std::fs::write(&code, FIRST_PLOT).unwrap();
    // The server's sessions get these too.
    let output = std::process::Command::new(&python)
        .arg(workspace_root().join("crates/tci-server/benches/ipykernel_first_plot.py"))
        .arg(runs.to_string())
        .arg(&code)
        .current_dir(scratch.path())
        .env("MPLCONFIGDIR", scratch.path().join("matplotlib"))
        .env("IPYTHONDIR", scratch.path().join("ipython"))
        .env("JUPYTER_RUNTIME_DIR", scratch.path().join("runtime"))
        .env("OPENBLAS_NUM_THREADS", "1")
        .env("OMP_NUM_THREADS", "1")
        .env("MKL_NUM_THREADS", "1")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value = serde_json::from_slice(&output.stdout).unwrap();
    let sorted = |key: &str| {
        let mut times: Vec<_> = result[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|ms| Duration::from_secs_f64(ms.as_f64().unwrap() / 1000.0))
            .collect();
        times.sort();
        times
    };
    let (starts, plots) = (sorted("start_ms"), sorted("first_plot_ms"));
    println!(
        "first plot, ipykernel {} with jupyter_client {} ({runs} fresh kernels): p50 {:.0} ms, min {:.0} ms, max {:.0} ms; kernel start p50 {:.0} ms",
        result["ipykernel"].as_str().unwrap(),
        result["jupyter_client"].as_str().unwrap(),
        percentile(&plots, 0.5),
        plots[0].as_secs_f64() * 1000.0,
        plots.last().unwrap().as_secs_f64() * 1000.0,
        percentile(&starts, 0.5)
    );
}

#[tokio::main]
async fn main() {
    let http: HttpClient = Client::builder(TokioExecutor::new()).build_http();
    let load_only = std::env::args().any(|arg| arg == "--load-only");
    let plots_only = std::env::args().any(|arg| arg == "--first-plot-only");
    if !plots_only {
        load(&http).await;
    }
    if !load_only {
        let pause = Duration::from_secs(3);
        first_plots(
            &http,
            "--preload default (numpy,pandas,matplotlib.pyplot)",
            &[],
            11,
            pause,
        )
        .await;
        first_plots(&http, "--preload \"\"", &["--preload", ""], 11, pause).await;
        ipykernel_first_plots(11);
    }
}
