//! The local backend under load, and a new session's first plot beside
//! ipykernel's, against the release binary over loopback:
//! `cargo bench -p tci-server --bench load` (`-- --load-only` or
//! `-- --first-plot-only` for one part). ipykernel runs from `.venv-bench`,
//! which `bash scripts/python-env.sh --bench` makes.
//!
//! - Load: 20 clients (told apart by X-Forwarded-For) each open 5 sessions,
//!   100 live sessions in all, then each sends 100 executes in turn over its
//!   sessions: per session, 16 small executes, 3 pandas operations and one
//!   plot out of 20, at different moments in different sessions. Prints
//!   throughput, p50/p99 latency (all and per kind), errors (a non-200
//!   answer or an error output), the RSS and PSS of the server's
//!   interpreters (`/proc/<pid>/smaps_rollup`) as sessions are added, and
//!   the growth per added session.
//! - First plot: a new session's first `import pandas, matplotlib.pyplot`
//!   and plot with the default `--preload`, with none, and in a fresh
//!   ipykernel (jupyter_client), taken in turn; and what a pooled
//!   interpreter holds with and without the preload.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed benchmark

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::Value;
use tci_testkit::http::{self, HttpClient};
use tci_testkit::{RunningServer, process_status, workspace_root};

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
/// One execute as `client` (its X-Forwarded-For); an error output, or no
/// `expected` MIME type among the outputs, is an error too.
async fn execute(
    http: &HttpClient,
    url: &str,
    client: &str,
    code: &str,
    session: Option<&str>,
    expected: &str,
) -> Result<String, String> {
    let executed = http::execute(http, url, &[("x-forwarded-for", client)], code, session).await?;
    let outputs = &executed.outputs;
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
    Ok(executed.session_id)
}

/// Memory of a process tree's members, in KiB.
#[derive(Clone, Copy, Debug, Default)]
struct Memory {
    processes: usize,
    rss: u64,
    pss: u64,
}

/// The server's descendants.
fn descendants(server: &RunningServer) -> Vec<u32> {
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
    parents
        .keys()
        .copied()
        .filter(|&pid| descends(pid))
        .collect()
}

/// The memory of the server's Python interpreters (its descendants but the
/// bubblewrap processes around them, which are counted apart).
fn interpreters(server: &RunningServer) -> (Memory, Memory) {
    let (mut python, mut bwrap) = (Memory::default(), Memory::default());
    for pid in descendants(server) {
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

/// CPU time of all of a process's threads, from the scheduler's count.
fn cpu_time(pid: u32) -> Duration {
    let threads = std::fs::read_dir(format!("/proc/{pid}/task"))
        .into_iter()
        .flatten()
        .flatten();
    let nanos: u64 = threads
        .filter_map(|thread| std::fs::read_to_string(thread.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(nanos)
}

/// The CPU time of each of the server's descendants.
fn interpreter_cpu(server: &RunningServer) -> HashMap<u32, Duration> {
    descendants(server)
        .into_iter()
        .map(|pid| (pid, cpu_time(pid)))
        .collect()
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

/// A fresh ipykernel per first plot, through `ipykernel_first_plot.py` in
/// `.venv-bench`.
struct Ipykernel {
    child: std::process::Child,
    requests: std::process::ChildStdin,
    answers: std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
    versions: String,
    _scratch: tempfile::TempDir,
}

impl Ipykernel {
    fn start() -> Option<Ipykernel> {
        use std::io::BufRead;
        let python = workspace_root().join(".venv-bench/bin/python");
        if !python.exists() {
            println!(
                "first plot, ipykernel: skipped, {} is missing (bash scripts/python-env.sh --bench makes it)",
                python.display()
            );
            return None;
        }
        let scratch = tempfile::tempdir().unwrap();
        let code = scratch.path().join("first_plot.py");
        std::fs::write(&code, FIRST_PLOT).unwrap();
        let mut child = std::process::Command::new(&python)
            .arg(workspace_root().join("crates/tci-server/benches/ipykernel_first_plot.py"))
            .arg(&code)
            .current_dir(scratch.path())
            .env("MPLCONFIGDIR", scratch.path().join("matplotlib"))
            .env("IPYTHONDIR", scratch.path().join("ipython"))
            .env("JUPYTER_RUNTIME_DIR", scratch.path().join("runtime"))
            // As the server's sessions run.
            .env("OPENBLAS_NUM_THREADS", "1")
            .env("OMP_NUM_THREADS", "1")
            .env("MKL_NUM_THREADS", "1")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let requests = child.stdin.take().unwrap();
        let mut answers = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let versions: Value = serde_json::from_str(&answers.next().unwrap().unwrap()).unwrap();
        Some(Ipykernel {
            child,
            requests,
            answers,
            versions: format!(
                "ipykernel {} with jupyter_client {}",
                versions["ipykernel"].as_str().unwrap(),
                versions["jupyter_client"].as_str().unwrap()
            ),
            _scratch: scratch,
        })
    }

    /// A new kernel's start, its first plot, and the CPU time the kernel
    /// spent on the plot.
    fn first_plot(&mut self) -> (Duration, Duration, Duration) {
        use std::io::Write;
        writeln!(self.requests, "run").unwrap();
        let answer: Value = serde_json::from_str(&self.answers.next().unwrap().unwrap()).unwrap();
        let ms = |key: &str| Duration::from_secs_f64(answer[key].as_f64().unwrap() / 1000.0);
        (ms("start_ms"), ms("first_plot_ms"), ms("cpu_ms"))
    }
}

impl Drop for Ipykernel {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn summary(times: &mut [Duration]) -> String {
    times.sort();
    format!(
        "p50 {:.0} ms, min {:.0} ms, max {:.0} ms",
        percentile(times, 0.5),
        times[0].as_secs_f64() * 1000.0,
        times.last().unwrap().as_secs_f64() * 1000.0
    )
}

/// A new session's first plot with the default preload, with none, and a
/// fresh ipykernel's, taken in turn so that all three see the same machine,
/// each after `pause`, in which the pools refill. Also what a pooled
/// interpreter holds before, and every interpreter after.
async fn first_plots(http: &HttpClient, runs: usize, pause: Duration) {
    let configurations = [
        (
            "--preload default (numpy,pandas,matplotlib.pyplot)",
            start(&[]),
        ),
        ("--preload \"\"", start(&["--preload", ""])),
    ];
    let mut ipykernel = Ipykernel::start();
    tokio::time::sleep(pause).await;
    for (label, server) in &configurations {
        let (pooled, _) = interpreters(server);
        println!(
            "first plot, {label}: a pooled interpreter: RSS {:.1} MiB, PSS {:.1} MiB ({} pooled)",
            mib(pooled.rss) / pooled.processes as f64,
            mib(pooled.pss) / pooled.processes as f64,
            pooled.processes
        );
    }
    let mut measured = vec![(Vec::new(), Vec::new()); configurations.len()];
    let (mut kernel_starts, mut kernel_plots, mut kernel_cpu) =
        (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        // A pause before each: a taken interpreter's replacement starts at
        // once, and must not run beside the next measurement.
        for ((_, server), (times, cpu)) in configurations.iter().zip(&mut measured) {
            tokio::time::sleep(pause).await;
            let before = interpreter_cpu(server);
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
            // What the interpreters there before spent: the one the session
            // took (the other waits idle), not the replacement it started.
            cpu.push(
                before
                    .iter()
                    .map(|(pid, was)| cpu_time(*pid).saturating_sub(*was))
                    .sum(),
            );
        }
        if let Some(kernel) = &mut ipykernel {
            tokio::time::sleep(pause).await;
            let (start, plot, cpu) = kernel.first_plot();
            kernel_starts.push(start);
            kernel_plots.push(plot);
            kernel_cpu.push(cpu);
        }
    }
    for ((label, server), (times, cpu)) in configurations.iter().zip(&mut measured) {
        println!(
            "first plot, {label} ({runs} new sessions, pool refilled): {}; the interpreter's CPU time {}",
            summary(times),
            summary(cpu)
        );
        let (after, _) = interpreters(server);
        println!(
            "first plot, {label}: then {} interpreters ({runs} sessions that plotted, the rest pooled): PSS {:.1} MiB each on average",
            after.processes,
            mib(after.pss) / after.processes as f64
        );
    }
    if let Some(kernel) = &ipykernel {
        println!(
            "first plot, {} ({runs} fresh kernels): {}; the kernel's CPU time {}; kernel start {}",
            kernel.versions,
            summary(&mut kernel_plots),
            summary(&mut kernel_cpu),
            summary(&mut kernel_starts)
        );
    }
}

#[tokio::main]
async fn main() {
    let http = http::http_client();
    let load_only = std::env::args().any(|arg| arg == "--load-only");
    let plots_only = std::env::args().any(|arg| arg == "--first-plot-only");
    if !plots_only {
        load(&http).await;
    }
    if !load_only {
        first_plots(&http, 11, Duration::from_secs(3)).await;
    }
}
