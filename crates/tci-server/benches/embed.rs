//! Figures of embedding, in headless Chromium against the release binary
//! serving `embed/demo.html` (needs `trunk build --release` first):
//! `cargo bench -p tci-server --bench embed`.
//!
//! - Bytes a page with snippets fetches before the first click: the page
//!   and everything it loaded, as transfer sizes (headers and compressed
//!   bodies).
//! - Time from clicking Run in a widget that has not started to its execute
//!   request leaving the browser: the click as the host page's clock saw it,
//!   the request as the widget's resource timing saw it (`fetchStart`; also
//!   `requestStart`, when the request went out on the connection), both
//!   turned into wall-clock time with each document's `performance.timeOrigin`.
//!   Cold: a new browser profile per run, nothing cached. Warm: the same
//!   browser reloading the page, the app in its HTTP cache.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed benchmark

use std::time::{Duration, Instant};

use serde_json::Value;
use tci_testkit::RunningServer;
use tci_testkit::browser::{Browser, WAIT};

const RUNS: usize = 11;

/// Notes when the first click happened, on the page's clock.
const WATCH_CLICKS: &str = "document.addEventListener('click', () => {
    if (window.clickedAt === undefined) window.clickedAt = performance.timeOrigin + performance.now();
  }, true);";

/// After the click: milliseconds from it to the widget's execute request,
/// or null while there is none yet. The frame is the page's origin here, so
/// the page can read the frame's resource timing.
const TIME_TO_EXECUTE: &str = "const frame = document.getElementById('set-x');
  if (!frame || frame.tagName !== 'IFRAME' || !frame.contentWindow) return null;
  const clock = frame.contentWindow.performance;
  const entry = clock.getEntriesByType('resource').find(entry => entry.name.includes('/tci/execute'));
  if (!entry) return null;
  return {fetchStart: clock.timeOrigin + entry.fetchStart - window.clickedAt,
          requestStart: clock.timeOrigin + entry.requestStart - window.clickedAt};";

const BYTES_SO_FAR: &str = "return [...performance.getEntriesByType('navigation'),
    ...performance.getEntriesByType('resource')].reduce((sum, entry) => sum + entry.transferSize, 0);";

struct Click {
    fetch_start: f64,
    request_start: f64,
}

async fn script(browser: &Browser, source: &str) -> Value {
    browser.client.execute(source, vec![]).await.unwrap()
}

/// On a freshly loaded demo page: clicks Run on the first snippet and waits
/// for its execute request.
async fn click_and_time(browser: &Browser) -> Click {
    script(browser, WATCH_CLICKS).await;
    browser
        .wait_for("#set-x [data-testid=embed-run]")
        .await
        .click()
        .await
        .unwrap();
    let deadline = Instant::now() + WAIT;
    loop {
        let times = script(browser, TIME_TO_EXECUTE).await;
        if !times.is_null() {
            return Click {
                fetch_start: times["fetchStart"].as_f64().unwrap(),
                request_start: times["requestStart"].as_f64().unwrap(),
            };
        }
        assert!(Instant::now() < deadline, "no execute request");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn report(label: &str, clicks: &[Click]) {
    let fetch: Vec<f64> = clicks.iter().map(|click| click.fetch_start).collect();
    let request: Vec<f64> = clicks.iter().map(|click| click.request_start).collect();
    println!(
        "{label}: click to execute fetchStart median {:.0} ms (min {:.0}, max {:.0}), to requestStart median {:.0} ms; {} runs",
        median(fetch.clone()),
        fetch.iter().copied().fold(f64::INFINITY, f64::min),
        fetch.iter().copied().fold(0.0, f64::max),
        median(request),
        clicks.len()
    );
}

#[tokio::main]
async fn main() {
    let server = RunningServer::start(&[]);
    let page = format!("{}embed/demo.html", server.url);

    let mut cold = Vec::new();
    let mut bytes = Vec::new();
    for _ in 0..RUNS {
        let browser = Browser::open(&page).await;
        browser.wait_for("[data-testid=embed-block]").await;
        bytes.push(script(&browser, BYTES_SO_FAR).await.as_u64().unwrap());
        cold.push(click_and_time(&browser).await);
        browser.close().await;
    }

    let browser = Browser::open(&page).await;
    click_and_time(&browser).await;
    let mut warm = Vec::new();
    for _ in 0..RUNS {
        browser.client.refresh().await.unwrap();
        browser.wait_for("[data-testid=embed-block]").await;
        warm.push(click_and_time(&browser).await);
    }
    browser.close().await;

    bytes.sort_unstable();
    println!(
        "before the first click: {} to {} bytes transferred (page and embed.js)",
        bytes[0],
        bytes[bytes.len() - 1]
    );
    report("cold (new profile)", &cold);
    report("warm (app cached)  ", &warm);
}
