//! A scrollback of 200 rich outputs, in headless Chromium against the
//! release binary (needs `trunk build --release` first):
//! `cargo bench -p tci-server --bench rich_outputs`.
//!
//! One cell shows 200 outputs that each go to an output frame, in turn a
//! Markdown table with math, a pandas table, a LaTeX formula and a
//! Vega-Lite chart. Figures, each the median of the runs:
//!
//! - Run: from the click on Run until the cell has settled and every
//!   frame near the viewport has drawn (reported a height).
//! - Reload: the page loaded again with the scrollback restored from
//!   storage, from navigation start until the frames near the viewport
//!   have drawn.
//! - How many frames have loaded then (the rest wait until they scroll
//!   near), and after scrolling to the end.
//! - Scrolling through it in 40 steps: the longest gap between animation
//!   frames, and the typing delay in the editor afterwards.
//! - Memory: the proportional set size (PSS) of all the browser's
//!   processes before the cell, after it, and after scrolling to the end.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed benchmark

use std::time::{Duration, Instant};

use serde_json::Value;
use tci_testkit::RunningServer;
use tci_testkit::browser::{Browser, WAIT};

const RUNS: usize = 3;
const OUTPUTS: usize = 200;

fn cell() -> String {
    format!(
        r#"import pandas as pd
from IPython.display import display, Markdown, Latex
frame = pd.DataFrame({{'x': range(5), 'y': [v * v for v in range(5)]}})
chart = {{'data': {{'values': [{{'a': 'A', 'b': 3}}, {{'a': 'B', 'b': 5}}]}}, 'mark': 'bar',
          'encoding': {{'x': {{'field': 'a', 'type': 'nominal'}}, 'y': {{'field': 'b', 'type': 'quantitative'}}}}}}
for i in range({OUTPUTS}):
    kind = i % 4
    if kind == 0:
        display(Markdown(f'| n | $n^2$ |\n|---|---|\n| {{i}} | {{i * i}} |'))
    elif kind == 1:
        display(frame)
    elif kind == 2:
        display(Latex(rf'$\sum_{{{{k=1}}}}^{{{{{{i}}}}}} k = {{i * (i + 1) // 2}}$'))
    else:
        display({{'application/vnd.vegalite.v5+json': chart, 'text/plain': 'chart'}}, raw=True)"#
    )
}

/// Frames that have drawn: their height is no longer the placeholder's.
const DRAWN: &str = "return [...document.querySelectorAll('iframe[data-testid=output-frame]')]
    .filter(frame => frame.style.height !== '60px').length";

const FRAMES: &str = "return document.querySelectorAll('iframe[data-testid=output-frame]').length";

/// Frames within 600 px of the viewport that have not drawn yet.
const NEAR_AND_WAITING: &str = "return [...document.querySelectorAll('iframe[data-testid=output-frame]')]
    .filter(frame => { const box = frame.getBoundingClientRect();
        return box.bottom > -600 && box.top < innerHeight + 600 && frame.style.height === '60px'; }).length";

async fn number(browser: &Browser, source: &str) -> f64 {
    browser
        .client
        .execute(source, vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap()
}

async fn until(browser: &Browser, what: &str, source: &str) {
    let deadline = Instant::now() + WAIT * 4;
    while number(browser, source).await != 0.0 {
        assert!(Instant::now() < deadline, "{what} never happened");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn pss_mib(browser: &Browser) -> f64 {
    let kib: u64 = browser
        .processes()
        .into_iter()
        .filter_map(|pid| {
            let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
            let line = text.lines().find(|line| line.starts_with("Pss:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .sum();
    kib as f64 / 1024.0
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Scrolls to the end in 40 steps, two animation frames each; returns the
/// longest gap between animation frames (ms).
async fn scroll_through(browser: &Browser) -> f64 {
    let gap = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             let last = performance.now(), worst = 0, step = 0;
             const total = document.documentElement.scrollHeight;
             function tick(now) {
                 worst = Math.max(worst, now - last); last = now;
                 if (step % 2 === 0) scrollTo(0, total * (step / 2 + 1) / 40);
                 if (++step < 80) requestAnimationFrame(tick); else done(worst);
             }
             requestAnimationFrame(tick);",
            vec![],
        )
        .await
        .unwrap();
    gap.as_f64().unwrap()
}

/// From a key press in the editor to the next animation frame after its
/// input event (ms).
async fn typing_delay(browser: &Browser) -> f64 {
    browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const editor = document.querySelector('[data-testid=editor]');
             editor.focus();
             const start = performance.now();
             editor.addEventListener('input', () => requestAnimationFrame(() => done(performance.now() - start)), {once: true});
             editor.value += 'x';
             editor.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap()
}

#[tokio::main]
async fn main() {
    let server = RunningServer::start(&[]);
    let code = cell();
    let (mut run_ms, mut reload_ms, mut gaps, mut typing) = (vec![], vec![], vec![], vec![]);
    let (mut loaded_first, mut loaded_end) = (vec![], vec![]);
    let (mut before, mut after_run, mut after_scroll) = (vec![], vec![], vec![]);
    for _ in 0..RUNS {
        let browser = Browser::open(&server.url).await;
        browser.wait_for("[data-testid=editor]").await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        before.push(pss_mib(&browser));

        browser.set_code(&code).await;
        let start = Instant::now();
        browser.click("[data-testid=run]").await;
        browser.wait_settled(1).await;
        assert_eq!(number(&browser, FRAMES).await, OUTPUTS as f64);
        until(&browser, "the frames in view drawing", NEAR_AND_WAITING).await;
        run_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        tokio::time::sleep(Duration::from_secs(1)).await;
        after_run.push(pss_mib(&browser));

        browser.client.refresh().await.unwrap();
        browser.wait_settled(1).await;
        until(
            &browser,
            "the restored frames in view drawing",
            NEAR_AND_WAITING,
        )
        .await;
        let since_navigation = browser
            .client
            .execute("return performance.now()", vec![])
            .await
            .unwrap();
        reload_ms.push(since_navigation.as_f64().unwrap());
        loaded_first.push(number(&browser, DRAWN).await);

        browser
            .client
            .execute("scrollTo(0, 0)", vec![])
            .await
            .unwrap();
        gaps.push(scroll_through(&browser).await);
        until(&browser, "the frames at the end drawing", NEAR_AND_WAITING).await;
        loaded_end.push(number(&browser, DRAWN).await);
        typing.push(typing_delay(&browser).await);
        tokio::time::sleep(Duration::from_secs(1)).await;
        after_scroll.push(pss_mib(&browser));
        let _: Value = browser
            .client
            .execute("localStorage.clear()", vec![])
            .await
            .unwrap();
        browser.close().await;
    }
    println!("{OUTPUTS} rich outputs in one cell, {RUNS} runs (medians):");
    println!(
        "  run: click to the frames in view drawn: {:.0} ms",
        median(run_ms)
    );
    println!(
        "  reload with the scrollback restored: navigation to the frames in view drawn: {:.0} ms",
        median(reload_ms)
    );
    println!(
        "  frames drawn after the reload: {:.0} of {OUTPUTS}; after scrolling to the end: {:.0}",
        median(loaded_first),
        median(loaded_end)
    );
    println!(
        "  scrolling through in 40 steps: longest gap between animation frames {:.0} ms; typing delay after it {:.1} ms",
        median(gaps),
        median(typing)
    );
    println!(
        "  browser PSS: {:.0} MiB before the cell, {:.0} MiB after it, {:.0} MiB after scrolling to the end",
        median(before),
        median(after_run),
        median(after_scroll)
    );
}
