//! Figures of the local backend over loopback HTTP against the release
//! binary: `cargo bench -p tci-server --bench local_backend`.
//!
//! Prints: round trip of `x = 1` (p50/p99), first execute of a new session
//! with the pool warm and cold, idle memory per session, and 20 sessions
//! running 200 executes each at once (throughput, p99, errors).
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};

type HttpClient = Client<HttpConnector, Full<Bytes>>;

struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut child = Command::new(env!("CARGO_BIN_EXE_tci-server"))
            .current_dir(&root)
            .args([
                "--bind",
                "127.0.0.1:0",
                "--sandbox",
                "off",
                "--max-sessions",
                "64",
            ])
            // One client hammers the server here: no per-client limits.
            .args(["--rate-per-minute", "0", "--concurrent-per-client", "0"])
            .args(args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .expect("tci-server starts");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap()
            .to_owned();
        Server { child, url }
    }

    fn python_children_rss_kib(&self) -> Vec<u64> {
        let parent = self.child.id().to_string();
        let mut sizes = Vec::new();
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(status) = std::fs::read_to_string(entry.path().join("status")) else {
                continue;
            };
            let field = |name: &str| {
                status
                    .lines()
                    .find_map(|line| line.strip_prefix(name))
                    .map(|value| value.trim().trim_end_matches(" kB").to_owned())
            };
            if field("PPid:").as_deref() == Some(parent.as_str())
                && let Some(rss) = field("VmRSS:").and_then(|v| v.parse().ok())
            {
                sizes.push(rss);
            }
        }
        sizes
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn execute(
    client: &HttpClient,
    url: &str,
    code: &str,
    session: Option<&str>,
) -> Result<String, String> {
    let mut body = json!({"code": code, "language": "python"});
    if let Some(session) = session {
        body["session_id"] = json!(session);
    }
    let request = hyper::Request::post(format!("{url}v1/tci/execute"))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap();
    let response = client.request(request).await.map_err(|e| e.to_string())?;
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
    Ok(value["data"]["session_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(duration: Duration) -> String {
    format!("{:.3} ms", duration.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();

    let server = Server::start(&["--pool-size", "2"]);
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
        tokio::time::sleep(Duration::from_millis(800)).await; // let the pool refill
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
    let rss = server.python_children_rss_kib();
    let mut sorted = rss.clone();
    sorted.sort();
    println!(
        "idle memory per session (RSS of {} interpreters after `x = 1`): median {:.1} MB, max {:.1} MB",
        rss.len(),
        sorted[sorted.len() / 2] as f64 / 1024.0,
        *sorted.last().unwrap() as f64 / 1024.0
    );
    drop(server);

    let server = Server::start(&["--pool-size", "0"]);
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

    let server = Server::start(&["--pool-size", "2"]);
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
