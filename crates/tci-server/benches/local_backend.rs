//! Figures of the local backend over loopback HTTP against the release
//! binary: `cargo bench -p tci-server --bench local_backend`.
//!
//! Prints: round trip of `x = 1` (p50/p99), first execute of a new session
//! with the pool warm and cold, idle memory per session (with the default
//! `--preload` and with none), and 20 sessions
//! running 200 executes each at once (throughput, p99, errors).
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::time::{Duration, Instant};

use tci_testkit::http::{self, HttpClient};
use tci_testkit::{RunningServer, process_status};

fn start(extra_args: &[&str]) -> RunningServer {
    // One client hammers the server here: no per-client limits.
    let args = [
        "--sandbox",
        "off",
        "--max-sessions",
        "64",
        "--rate-per-minute",
        "0",
        "--concurrent-per-client",
        "0",
    ];
    RunningServer::launch(&[&args[..], extra_args].concat(), &[])
}

/// Resident memory of the server's Python children (pooled and in sessions).
fn python_children_rss_kib(server: &RunningServer) -> Vec<u64> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(process_status)
        .filter(|(_, parent)| *parent == server.pid())
        .map(|(rss, _)| rss)
        .collect()
}

/// Long enough for a pooled interpreter to start and preload here.
const POOL_REFILL: Duration = Duration::from_millis(2500);

fn print_idle_memory(server: &RunningServer, label: &str) {
    let rss = python_children_rss_kib(server);
    let mut sorted = rss.clone();
    sorted.sort();
    println!(
        "idle memory per session, {label} (RSS of {} interpreters after `x = 1`): median {:.1} MB, max {:.1} MB",
        rss.len(),
        sorted[sorted.len() / 2] as f64 / 1024.0,
        *sorted.last().unwrap() as f64 / 1024.0
    );
}

async fn execute(
    client: &HttpClient,
    url: &str,
    code: &str,
    session: Option<&str>,
) -> Result<String, String> {
    Ok(http::execute(client, url, &[], code, session)
        .await?
        .session_id)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(duration: Duration) -> String {
    format!("{:.3} ms", duration.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let client = http::http_client();

    let server = start(&["--pool-size", "2"]);
    let session = execute(&client, &server.url, "x = 0", None).await.unwrap();
    for _ in 0..200 {
        execute(&client, &server.url, "x = 1", Some(&session))
            .await
            .unwrap();
    }
    let mut times = Vec::new();
    for _ in 0..2000 {
        let start = Instant::now();
        execute(&client, &server.url, "x = 1", Some(&session))
            .await
            .unwrap();
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "round trip `x = 1` (2000 sequential): p50 {} p99 {}",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99))
    );

    let mut warm = Vec::new();
    for _ in 0..10 {
        // Let the pool refill: a pooled interpreter imports the --preload
        // modules (numpy, pandas, pyplot) before it is ready.
        tokio::time::sleep(POOL_REFILL).await;
        let start = Instant::now();
        execute(&client, &server.url, "x = 1", None).await.unwrap();
        warm.push(start.elapsed());
    }
    warm.sort();
    println!(
        "first execute of a new session, pool warm (10): p50 {} max {}",
        ms(percentile(&warm, 0.5)),
        ms(*warm.last().unwrap())
    );

    tokio::time::sleep(Duration::from_millis(500)).await;
    print_idle_memory(&server, "--preload default");
    drop(server);

    // The same sessions without preloaded modules.
    let server = start(&["--pool-size", "2", "--preload", ""]);
    for _ in 0..11 {
        tokio::time::sleep(Duration::from_millis(800)).await;
        execute(&client, &server.url, "x = 1", None).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    print_idle_memory(&server, "--preload \"\"");
    drop(server);

    let server = start(&["--pool-size", "0"]);
    execute(&client, &server.url, "x = 1", None).await.unwrap(); // takes the one started at boot
    let mut cold = Vec::new();
    for _ in 0..10 {
        let start = Instant::now();
        execute(&client, &server.url, "x = 1", None).await.unwrap();
        cold.push(start.elapsed());
    }
    cold.sort();
    println!(
        "first execute of a new session, pool empty (10): p50 {} max {}",
        ms(percentile(&cold, 0.5)),
        ms(*cold.last().unwrap())
    );
    drop(server);

    let server = start(&["--pool-size", "2"]);
    let start = Instant::now();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            let url = server.url.clone();
            tokio::spawn(async move {
                let mut times = Vec::new();
                let mut errors = 0;
                let session = match execute(&client, &url, "x = 0", None).await {
                    Ok(session) => session,
                    Err(_) => return (times, 200),
                };
                for _ in 0..200 {
                    let begin = Instant::now();
                    match execute(&client, &url, "x += 1", Some(&session)).await {
                        Ok(_) => times.push(begin.elapsed()),
                        Err(_) => errors += 1,
                    }
                }
                (times, errors)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (times, failed) = task.await.unwrap();
        all.extend(times);
        errors += failed;
    }
    let elapsed = start.elapsed();
    all.sort();
    println!(
        "20 sessions x 200 executes at once: {:.0} executes/s, p50 {} p99 {}, errors {errors}",
        all.len() as f64 / elapsed.as_secs_f64(),
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.99))
    );
}
