//! Files in and notebooks out, end to end: files attached with the picker
//! and by a real drop, the body limit checked before sending, a widget's
//! `data-tci-files`, and notebooks exported (validated by nbformat itself)
//! and imported (made by nbformat itself), against the real binary with its
//! local Python backend. Needs `trunk build --release` and
//! `scripts/python-env.sh --test` (nbformat's virtualenv) first.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use tci_testkit::browser::{Browser, WAIT};
use tci_testkit::{RunningServer, workspace_root};

/// The virtualenv with nbformat (`tests/python/requirements.txt`).
fn nbformat_python() -> PathBuf {
    let python = workspace_root().join(".venv-nbformat/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `bash scripts/python-env.sh --test`",
        python.display()
    );
    python
}

/// Runs `script` with nbformat's Python, `args` after it; its stdout.
fn nbformat(script: &str, args: &[&Path]) -> String {
    let output = Command::new(nbformat_python())
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

async fn attach(browser: &Browser, path: &Path) {
    let before = browser.count("[data-testid=attached-file]").await;
    browser
        .wait_for("[data-testid=file-input]")
        .await
        .send_keys(&path.display().to_string())
        .await
        .unwrap();
    wait_count(browser, "[data-testid=attached-file]", before + 1).await;
}

async fn wait_count(browser: &Browser, css: &str, count: usize) {
    let deadline = Instant::now() + WAIT;
    while browser.count(css).await != count {
        assert!(Instant::now() < deadline, "never {count} of {css}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The newest file in the browser's downloads ending in `extension`, once
/// it is complete.
async fn downloaded(browser: &Browser, extension: &str) -> PathBuf {
    let deadline = Instant::now() + WAIT;
    loop {
        let found = std::fs::read_dir(browser.downloads())
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .find(|path| path.extension().is_some_and(|ext| ext == extension));
        if let Some(path) = found {
            return path;
        }
        let listing: Vec<_> = std::fs::read_dir(browser.downloads())
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.file_name())
            .collect();
        assert!(
            Instant::now() < deadline,
            "no .{extension} was downloaded: {listing:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn cell_codes(browser: &Browser) -> Vec<String> {
    let mut codes = Vec::new();
    for cell in browser
        .client
        .find_all(Locator::Css(
            "[data-testid=cell]:not([data-status=note]) [data-testid=cell-code]",
        ))
        .await
        .unwrap()
    {
        codes.push(cell.prop("textContent").await.unwrap().unwrap_or_default());
    }
    codes
}

#[tokio::test]
async fn a_chosen_csv_and_a_dropped_file_are_read_by_the_next_run() {
    let server = RunningServer::start(&[]);
    let folder = tempfile::tempdir().unwrap();
    let csv = folder.path().join("sales.csv");
    std::fs::write(&csv, "region,units\nnorth,120\nsouth,80\n").unwrap();
    let browser = Browser::open(&server.url).await;
    attach(&browser, &csv).await;
    let chip = browser.text("[data-testid=attached-file]").await;
    assert!(
        chip.contains("sales.csv") && chip.contains("32 B"),
        "{chip}"
    );
    let code = "import pandas as pd\nprint(pd.read_csv('sales.csv')['units'].sum())";
    assert_eq!(browser.run(code).await, "ok");
    assert!(browser.last_cell_text().await.contains("200"));
    assert_eq!(
        browser.text("[data-testid=cell-files]").await,
        "Files sent: sales.csv"
    );
    // Delivered: the chip is gone, and the file stays in the session.
    assert_eq!(browser.count("[data-testid=attached-file]").await, 0);

    // Bytes that are not UTF-8 travel as base64, dropped on the editor.
    let binary = folder.path().join("blob.bin");
    std::fs::write(&binary, [0xff, 0x00, 0x80, 0x7f]).unwrap();
    browser.drop_files("[data-testid=editor]", &[&binary]).await;
    wait_count(&browser, "[data-testid=attached-file]", 1).await;
    let chip = browser.text("[data-testid=attached-file]").await;
    assert!(chip.contains("blob.bin") && chip.contains("4 B"), "{chip}");
    assert_eq!(
        browser
            .run("print(list(open('blob.bin', 'rb').read()), len(open('sales.csv').read()))")
            .await,
        "ok"
    );
    assert!(
        browser
            .last_cell_text()
            .await
            .contains("[255, 0, 128, 127] 32")
    );
    browser.close().await;
}

#[tokio::test]
async fn a_too_large_file_is_refused_before_sending_with_the_limit_named() {
    let (server, log) = RunningServer::start_logging_requests(&["--body-limit", "100000"]);
    let folder = tempfile::tempdir().unwrap();
    let big = folder.path().join("big.txt");
    std::fs::write(&big, "x".repeat(150_000)).unwrap();
    let browser = Browser::open(&server.url).await;
    attach(&browser, &big).await;
    browser.set_code("print(len(open('big.txt').read()))").await;
    browser.click("[data-testid=run]").await;
    let notice = browser.text("[data-testid=notice]").await;
    assert!(
        notice.contains("at most 97.7 KB (100000 bytes)") && notice.contains("Not sent"),
        "{notice}"
    );
    // Nothing was sent, nothing lost: no cell, the code and the file stay.
    assert_eq!(browser.count("[data-testid=cell]").await, 0);
    assert_eq!(browser.count("[data-testid=attached-file]").await, 1);
    let code: String = browser
        .client
        .execute(
            "return document.querySelector('[data-testid=editor]').value",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    assert!(code.contains("big.txt"), "{code}");
    assert_eq!(
        log.count_ending_with("/tci/execute"),
        0,
        "an execute was sent"
    );
    // Removed, the run goes through.
    browser.click("[data-testid=attached-file] button").await;
    browser.click("[data-testid=run]").await;
    assert_eq!(browser.wait_settled(1).await, "error");
    assert!(browser.last_cell_text().await.contains("FileNotFoundError"));
    browser.close().await;
}

#[tokio::test]
async fn a_widget_on_a_docs_page_reads_its_data_tci_files() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&format!("{}embed/files.html", server.url)).await;
    browser
        .click("#sales[data-testid=embed-block] [data-testid=embed-run]")
        .await;
    browser
        .wait_for("iframe#sales[data-testid=embed-frame]")
        .await
        .enter_frame()
        .await
        .unwrap();
    let output = browser
        .wait_for("[data-testid=cell]:not([data-status=running]) [data-testid=output]")
        .await;
    assert_eq!(output.text().await.unwrap(), "3 regions, 245 units");
    assert_eq!(
        browser.text("[data-testid=cell-files]").await,
        "Files sent: data/sales.csv"
    );
    browser.close().await;
}

#[tokio::test]
async fn an_export_validates_with_nbformat_and_reimports_to_the_same_cells() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    let codes = [
        "print('hello from TCI')",
        "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()",
        "1 / 0",
    ];
    assert_eq!(browser.run(codes[0]).await, "ok");
    assert_eq!(browser.run(codes[1]).await, "ok");
    assert_eq!(browser.run(codes[2]).await, "error");
    browser.click("[data-testid=export-ipynb]").await;
    let notebook = downloaded(&browser, "ipynb").await;
    let name = notebook.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("tci-ses_") && name.len() > 20, "{name}");
    let summary = nbformat(
        "import sys, nbformat\n\
         nb = nbformat.read(sys.argv[1], as_version=nbformat.NO_CONVERT)\n\
         nbformat.validate(nb)\n\
         for cell in nb.cells:\n\
         \x20   print(cell.execution_count, [o.output_type for o in cell.outputs], \
         [o.get('ename') for o in cell.outputs if o.output_type == 'error'], \
         ['image/png' in o.get('data', {}) for o in cell.outputs if o.output_type == 'display_data'])",
        &[&notebook],
    );
    assert_eq!(
        summary,
        "1 ['stream'] [] []\n2 ['display_data'] [] [True]\n3 ['error'] ['ZeroDivisionError'] []\n"
    );
    // Chromium holds a .py from a site never visited before as a possibly
    // dangerous download until the reader keeps it, which a test cannot:
    // the link the app clicks and its blob are read instead (the page's CSP
    // lets no script fetch a blob: address).
    browser
        .client
        .execute(
            "const make = URL.createObjectURL;\
             URL.createObjectURL = blob => { window.exportedBlob = blob; return make(blob); };\
             HTMLAnchorElement.prototype.click = function () {\
               window.exported = this.download;\
               window.exportedBlob.text().then(text => { window.exportedText = text; });\
             };",
            vec![],
        )
        .await
        .unwrap();
    browser.click("[data-testid=export-py]").await;
    let deadline = Instant::now() + WAIT;
    let py = loop {
        let text = browser
            .client
            .execute("return window.exportedText || null", vec![])
            .await
            .unwrap();
        if let Some(text) = text.as_str() {
            break text.to_owned();
        }
        if Instant::now() > deadline {
            let state = browser
                .client
                .execute(
                    "return [String(window.exported), String(HTMLAnchorElement.prototype.click)]",
                    vec![],
                )
                .await
                .unwrap();
            panic!("the .py was never made: {state}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let py_name = browser
        .client
        .execute("return window.exported", vec![])
        .await
        .unwrap();
    assert!(py_name.as_str().unwrap().ends_with(".py"), "{py_name}");
    assert!(
        py.starts_with("# %%\nprint('hello from TCI')\n\n# %%\nimport matplotlib"),
        "{py}"
    );
    browser.client.refresh().await.unwrap();
    browser.wait_settled(3).await;
    browser.click("[data-testid=export-md]").await;
    let md = std::fs::read_to_string(downloaded(&browser, "md").await).unwrap();
    assert!(md.contains("```\nhello from TCI\n```") && md.contains("](data:image/png;base64,"));

    // Into a fresh scrollback, the same cells come back, not run yet, with
    // their outputs.
    browser.click("[data-testid=clear]").await;
    wait_count(&browser, "[data-testid=cell]", 0).await;
    browser
        .wait_for("[data-testid=import-input]")
        .await
        .send_keys(&notebook.display().to_string())
        .await
        .unwrap();
    wait_count(&browser, "[data-testid=cell][data-status=notrun]", 3).await;
    assert_eq!(cell_codes(&browser).await, codes);
    assert_eq!(browser.count("[data-testid=cell] img").await, 1);
    assert!(browser.last_cell_text().await.contains("ZeroDivisionError"));
    browser.close().await;
}

#[tokio::test]
async fn a_notebook_made_by_nbformat_imports_and_run_all_prints_its_result() {
    let server = RunningServer::start(&[]);
    let folder = tempfile::tempdir().unwrap();
    let notebook = folder.path().join("made.ipynb");
    nbformat(
        "import sys, nbformat\nfrom nbformat.v4 import new_notebook, new_code_cell, new_markdown_cell\n\
         nb = new_notebook(cells=[new_markdown_cell('# The answer\\n\\nComputed *twice*.'),\n\
         new_code_cell('x = 6 * 7'), new_code_cell('print(f\"x is {x}\")')])\n\
         nbformat.write(nb, sys.argv[1])",
        &[&notebook],
    );
    let damaged = folder.path().join("damaged.ipynb");
    std::fs::write(&damaged, "{\"nbformat\": 4, \"cells\": [").unwrap();
    let browser = Browser::open(&server.url).await;
    let import = |path: PathBuf| {
        let browser = &browser;
        async move {
            browser
                .wait_for("[data-testid=import-input]")
                .await
                .send_keys(&path.display().to_string())
                .await
                .unwrap();
        }
    };
    import(damaged).await;
    let notice = browser.text("[data-testid=notice]").await;
    assert!(
        notice.contains("damaged.ipynb could not be imported: it is not valid JSON"),
        "{notice}"
    );
    assert_eq!(browser.count("[data-testid=cell]").await, 0);

    // A notebook dropped on the page is imported, not attached.
    browser.drop_files("main", &[&notebook]).await;
    wait_count(&browser, "[data-testid=cell]", 3).await;
    assert_eq!(browser.count("[data-testid=attached-file]").await, 0);
    assert_eq!(
        browser
            .count("[data-testid=cell][data-status=notrun]")
            .await,
        2
    );
    // A Markdown cell is a Markdown output, drawn in its output frame.
    let note = browser
        .in_frame(
            "[data-testid=cell][data-status=note] iframe[data-testid=output-frame]",
            "#out h1",
            "return [document.querySelector('#out h1').textContent, document.querySelector('#out em').textContent]",
        )
        .await;
    assert_eq!(note, serde_json::json!(["The answer", "twice"]), "{note}");
    assert!(
        browser
            .text("[data-testid=cell][data-status=notrun]")
            .await
            .contains("not run yet")
    );
    browser.click("[data-testid=run-all]").await;
    wait_count(&browser, "[data-testid=cell][data-status=ok]", 2).await;
    assert_eq!(browser.count("[data-testid=cell]").await, 3);
    assert!(browser.last_cell_text().await.contains("x is 42"));

    // Run all stops at the first error.
    import(notebook.clone()).await;
    let broken = folder.path().join("broken.py");
    std::fs::write(
        &broken,
        "# %%\nraise ValueError('stop here')\n# %%\nprint('never')\n",
    )
    .unwrap();
    import(broken).await;
    wait_count(&browser, "[data-testid=cell][data-status=notrun]", 4).await;
    browser.click("[data-testid=run-all]").await;
    wait_count(&browser, "[data-testid=cell][data-status=error]", 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        browser
            .count("[data-testid=cell][data-status=notrun]")
            .await,
        1
    );
    assert!(!browser.text("main").await.contains("never\n"));
    browser.close().await;
}

#[tokio::test]
async fn files_stay_attached_when_the_run_fails_before_python_answers() {
    // No session may start: every run is a 503 from the server.
    let server = RunningServer::start(&["--max-sessions", "0"]);
    let folder = tempfile::tempdir().unwrap();
    let csv = folder.path().join("kept.csv");
    std::fs::write(&csv, "a,b\n1,2\n").unwrap();
    let browser = Browser::open(&server.url).await;
    attach(&browser, &csv).await;
    assert_eq!(
        browser.run("print(open('kept.csv').read())").await,
        "failed"
    );
    assert!(browser.last_cell_text().await.contains("(503)"));
    let chip = browser.text("[data-testid=attached-file]").await;
    assert!(chip.contains("kept.csv"), "{chip}");
    browser.close().await;
}
