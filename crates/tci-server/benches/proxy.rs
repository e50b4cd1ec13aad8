//! Figures of proxy mode against the release binary:
//! `cargo bench -p tci-server --bench proxy`.
//!
//! Prints the latency the proxy adds over calling a local stub upstream
//! directly (p50/p99), and the proxy's memory while 1,000 executes are held
//! open by a slow upstream.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed benchmark

use std::time::{Duration, Instant};

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use tci_testkit::http::{HttpClient, http_client};
use tci_testkit::stub_upstream::StubUpstream;
use tci_testkit::{RunningServer, process_status};

fn start_proxy(upstream: &str) -> RunningServer {
    let args = [
        "--mode",
        "proxy",
        "--upstream",
        upstream,
        "--rate-per-minute",
        "0",
        "--concurrent-per-client",
        "0",
    ];
    RunningServer::launch(&args, &[("TOGETHER_API_KEY", "bench-key")])
}

fn rss_mib(server: &RunningServer) -> f64 {
    process_status(server.pid()).unwrap().0 as f64 / 1024.0
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
    let client = http_client();
    let (_stub, upstream) = StubUpstream::start().await;
    let proxy = start_proxy(&upstream);

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

    let idle = rss_mib(&proxy);
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
        peak = peak.max(rss_mib(&proxy));
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
