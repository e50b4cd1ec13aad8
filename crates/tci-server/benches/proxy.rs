//! Figures of proxy mode against the release binary:
//! `cargo bench -p tci-server --bench proxy`.
//!
//! Prints the latency the proxy adds over calling a local stub upstream
//! directly (p50/p99), and the proxy's memory while 1,000 executes are held
//! open by a slow upstream.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed benchmark

// The benchmark needs the stub's answers, not its recording.
#[allow(dead_code)]
#[path = "../tests/support/stub_upstream.rs"]
mod stub_upstream;

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use stub_upstream::StubUpstream;

type HttpClient = Client<HttpConnector, Full<Bytes>>;

struct ProxyProcess {
    child: Child,
    url: String,
}

impl ProxyProcess {
    fn start(upstream: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tci-server"))
            .args([
                "--bind",
                "127.0.0.1:0",
                "--mode",
                "proxy",
                "--upstream",
                upstream,
            ])
            .args(["--rate-per-minute", "0", "--concurrent-per-client", "0"])
            .env("TOGETHER_API_KEY", "bench-key")
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap()
            .to_owned();
        ProxyProcess { child, url }
    }

    fn rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kib: f64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .unwrap()
            .trim()
            .trim_end_matches(" kB")
            .parse()
            .unwrap();
        kib / 1024.0
    }
}

impl Drop for ProxyProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn execute(client: &HttpClient, url: &str, code: &str) -> u16 {
    let body = serde_json::json!({"code": code, "language": "python"}).to_string();
    let request = hyper::Request::post(url)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    let response = client.request(request).await.unwrap();
    let status = response.status().as_u16();
    response.into_body().collect().await.unwrap();
    status
}

async fn latencies(client: &HttpClient, url: &str) -> Vec<Duration> {
    for _ in 0..200 {
        execute(client, url, "x = 1").await;
    }
    let mut times = Vec::with_capacity(3000);
    for _ in 0..3000 {
        let start = Instant::now();
        assert_eq!(execute(client, url, "x = 1").await, 200);
        times.push(start.elapsed());
    }
    times.sort();
    times
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
    let (_stub, upstream) = StubUpstream::start().await;
    let proxy = ProxyProcess::start(&upstream);

    let direct = latencies(&client, &format!("{upstream}/tci/execute")).await;
    let proxied = latencies(&client, &format!("{}v1/tci/execute", proxy.url)).await;
    println!(
        "stub directly:  p50 {:.3} ms  p99 {:.3} ms",
        percentile(&direct, 0.5),
        percentile(&direct, 0.99)
    );
    println!(
        "via the proxy:  p50 {:.3} ms  p99 {:.3} ms",
        percentile(&proxied, 0.5),
        percentile(&proxied, 0.99)
    );
    println!(
        "added by the proxy: p50 {:.3} ms  p99 {:.3} ms",
        percentile(&proxied, 0.5) - percentile(&direct, 0.5),
        percentile(&proxied, 0.99) - percentile(&direct, 0.99)
    );

    let idle = proxy.rss_mib();
    let url = format!("{}v1/tci/execute", proxy.url);
    let held: Vec<_> = (0..1000)
        .map(|_| {
            let client = client.clone();
            let url = url.clone();
            tokio::spawn(async move { execute(&client, &url, "sleep:6").await })
        })
        .collect();
    let mut peak: f64 = 0.0;
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        peak = peak.max(proxy.rss_mib());
    }
    let mut ok = 0;
    for request in held {
        if request.await.unwrap() == 200 {
            ok += 1;
        }
    }
    println!(
        "1,000 executes held open by a slow upstream: proxy RSS {idle:.1} MiB idle, {peak:.1} MiB peak ({:.1} KiB per request); {ok} answered 200",
        (peak - idle) * 1024.0 / 1000.0
    );
}
