//! The app through a server fault: the real binary killed with SIGKILL
//! while a cell runs, then started again on the same port.

use std::time::Duration;

use nix::sys::signal::Signal;
use tci_testkit::RunningServer;
use tci_testkit::browser::Browser;

/// The cell at `index` (from 1), by its data-testid.
fn cell(index: usize) -> String {
    format!("[data-testid=cell]:nth-of-type({index})")
}

#[tokio::test]
async fn a_server_killed_mid_run_and_started_again_keeps_the_page_and_replay_recovers() {
    let mut server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    assert_eq!(browser.run("x = 42").await, "ok");
    let session = browser.text("[data-testid=session-id]").await;
    assert!(session.starts_with("ses_"), "{session}");

    browser.set_code("import time\ntime.sleep(60)").await;
    browser.click("[data-testid=run]").await;
    browser
        .wait_for(&format!("{}[data-status=running]", cell(2)))
        .await;
    // Let the execute reach the interpreter.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.signal(Signal::SIGKILL);
    assert!(server.wait_exit(Duration::from_secs(10)).is_some());
    let address = server.address().to_owned();
    drop(server);

    // A clear error on the cell that was running; its code and the
    // scrollback before it are kept.
    assert_eq!(browser.wait_settled(2).await, "failed");
    let text = browser.text(&cell(2)).await;
    assert!(text.contains("Could not reach the API"), "{text}");
    assert!(text.contains("Your code is kept"), "{text}");
    let code = browser
        .text(&format!("{} [data-testid=cell-code]", cell(2)))
        .await;
    assert!(code.contains("time.sleep(60)"), "{code}");
    assert_eq!(browser.count("[data-testid=cell]").await, 2);
    assert_eq!(
        browser
            .wait_for(&cell(1))
            .await
            .attr("data-status")
            .await
            .unwrap()
            .as_deref(),
        Some("ok")
    );

    // The server comes back on the same port without the old session: the
    // next run is told so and offers Replay, which rebuilds the session.
    let _again = RunningServer::start_at(&address, &[]);
    assert_eq!(browser.run("print(x)").await, "failed");
    let text = browser.text(&cell(3)).await;
    assert!(text.contains("no longer exists"), "{text}");
    browser
        .click(&format!("{} [data-testid=replay]", cell(3)))
        .await;
    // Replay runs `x = 42` (the sleep failed, so it is left out) and then
    // `print(x)` in a new session.
    assert_eq!(browser.wait_settled(5).await, "ok");
    assert_eq!(browser.count("[data-testid=cell]").await, 5);
    let replayed = browser
        .text(&format!("{} [data-testid=cell-code]", cell(4)))
        .await;
    assert_eq!(replayed, "x = 42");
    assert!(browser.last_cell_text().await.contains("42"));
    let recovered = browser.text("[data-testid=session-id]").await;
    assert!(
        recovered.starts_with("ses_") && recovered != session,
        "{recovered} after {session}"
    );
    browser.close().await;
}
