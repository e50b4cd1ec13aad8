//! Headless Chromium driven through chromedriver, for the end-to-end tests
//! and the benchmarks that need a real browser: a fresh profile per browser,
//! both processes ended by `close`, or when a failed test drops it.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use super::workspace_root;

pub const WAIT: Duration = Duration::from_secs(30);

/// The app's localStorage key of the chosen theme (`storage_keys::THEME`
/// in the app; tests/contracts.rs checks that the two agree).
pub const THEME_STORAGE_KEY: &str = "tci-playground-theme";

#[derive(Debug)]
pub struct Browser {
    pub client: Client,
    driver: Child,
    /// chromedriver's, for what fantoccini has no command for.
    driver_port: u16,
    profile: tempfile::TempDir,
}

impl Browser {
    pub async fn open(url: &str) -> Self {
        assert!(
            workspace_root().join("dist/index.html").exists(),
            "dist/ is missing: run `trunk build --release` (the test command does)"
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is installed (scripts/install-tools.sh --test)");
        let profile = tempfile::tempdir().unwrap();
        let mut capabilities = serde_json::Map::new();
        // Every frame's console messages, for `console_problems`.
        capabilities.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--no-first-run", "--window-size=1200,900",
                         format!("--user-data-dir={}", profile.path().display())],
                // Downloads (exported notebooks) land where tests read them,
                // more than one per page without asking.
                "prefs": {"download.default_directory": profile.path().join("downloads"),
                          "download.prompt_for_download": false,
                          "profile.default_content_setting_values.automatic_downloads": 1},
            }),
        );
        let mut client = None;
        for _ in 0..100 {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(connected) => {
                    client = Some(connected);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        let client = client.expect("chromedriver answers");
        client.goto(url).await.unwrap();
        Browser {
            client,
            driver,
            driver_port: port,
            profile,
        }
    }

    /// Loads `url` as a new page, even when it differs from the current
    /// address only in its fragment (which would not reload the page).
    pub async fn load(&self, url: &str) {
        self.client.goto("about:blank").await.unwrap();
        self.client.goto(url).await.unwrap();
    }

    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|error| panic!("{css} never appeared: {error}"))
    }

    /// Clicks the first element matching `css`, once there is one.
    pub async fn click(&self, css: &str) {
        self.wait_for(css).await.click().await.unwrap();
    }

    /// The text of the first element matching `css`, once there is one.
    pub async fn text(&self, css: &str) -> String {
        self.wait_for(css).await.text().await.unwrap()
    }

    pub async fn count(&self, css: &str) -> usize {
        self.client.find_all(Locator::Css(css)).await.unwrap().len()
    }

    /// Runs `script` (a WebDriver script body) in the first frame
    /// `frame_css` matches, once `ready` matches there, and comes back to the
    /// enclosing document. The frame is scrolled into view first: output
    /// frames load lazily.
    pub async fn in_frame(&self, frame_css: &str, ready: &str, script: &str) -> serde_json::Value {
        let frame = self.wait_for(frame_css).await;
        self.enter_frame_in_view(frame).await;
        self.wait_for(ready).await;
        let value = self.client.execute(script, vec![]).await.unwrap();
        self.client.enter_parent_frame().await.unwrap();
        value
    }

    /// Forgets the page's storage, stores `theme` as the chosen theme and
    /// reloads, as a reader who picked it in an earlier visit; returns once
    /// the editor is there.
    pub async fn reload_with_theme(&self, theme: &str) {
        self.client
            .execute(
                "localStorage.clear(); localStorage.setItem(arguments[0], arguments[1]);",
                vec![json!(THEME_STORAGE_KEY), json!(theme)],
            )
            .await
            .unwrap();
        self.client.refresh().await.unwrap();
        self.wait_for("[data-testid=editor]").await;
    }

    /// Scrolls `element` to the middle of the viewport (output frames load
    /// only near it) and enters it, a frame.
    pub async fn enter_frame_in_view(&self, element: fantoccini::elements::Element) {
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'})",
                vec![serde_json::to_value(&element).unwrap()],
            )
            .await
            .unwrap();
        element.enter_frame().await.unwrap();
    }

    /// The current document's cell once it has run, checked to have
    /// succeeded.
    pub async fn succeeded_cell(&self) -> fantoccini::elements::Element {
        let cell = self
            .wait_for("[data-testid=cell]:not([data-status=running])")
            .await;
        assert_eq!(
            cell.attr("data-status").await.unwrap().as_deref(),
            Some("ok")
        );
        cell
    }

    /// Puts `code` in the editor as if pasted.
    pub async fn set_code(&self, code: &str) {
        self.wait_for("[data-testid=editor]").await;
        self.client
            .execute(
                "const editor = document.querySelector('[data-testid=editor]');\
                 editor.value = arguments[0];\
                 editor.dispatchEvent(new Event('input', {bubbles: true}));",
                vec![json!(code)],
            )
            .await
            .unwrap();
    }

    /// Runs `code` as the next cell and waits until that cell settles;
    /// returns its status.
    pub async fn run(&self, code: &str) -> String {
        let before = self.count("[data-testid=cell]").await;
        self.set_code(code).await;
        self.client
            .find(Locator::Css("[data-testid=run]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        self.wait_settled(before + 1).await
    }

    /// Waits until there are `cells` cells and none is running.
    pub async fn wait_settled(&self, cells: usize) -> String {
        let css = format!("[data-testid=cell]:nth-of-type({cells}):not([data-status=running])");
        let cell = self.wait_for(&css).await;
        cell.attr("data-status").await.unwrap().unwrap_or_default()
    }

    pub async fn last_cell_text(&self) -> String {
        let cells = self
            .client
            .find_all(Locator::Css("[data-testid=cell]"))
            .await
            .unwrap();
        cells.last().unwrap().text().await.unwrap()
    }

    /// Together's documented session-reuse example, as a user would run it.
    pub async fn run_session_reuse_example(&self) {
        assert_eq!(self.run("x = 42").await, "ok");
        assert_eq!(self.run("print(f\"The value of x is {x}\")").await, "ok");
        assert!(self.last_cell_text().await.contains("The value of x is 42"));
    }

    /// Presses `keys` together (modifiers first) and lets go, at whatever
    /// has the focus: unlike an element's `send_keys`, this focuses and
    /// clicks nothing first, as a keyboard-only reader would.
    pub async fn press(&self, keys: &[char]) {
        let mut actions = KeyActions::new("keyboard".into());
        for &key in keys {
            actions = actions.then(KeyAction::Down { value: key });
        }
        for &key in keys.iter().rev() {
            actions = actions.then(KeyAction::Up { value: key });
        }
        self.client.perform_actions(actions).await.unwrap();
    }

    /// Types `text` at whatever has the focus, a key at a time.
    pub async fn type_text(&self, text: &str) {
        let mut actions = KeyActions::new("keyboard".into());
        for key in text.chars() {
            actions = actions
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key });
        }
        self.client.perform_actions(actions).await.unwrap();
    }

    /// The console's warnings and errors (of the page and its frames)
    /// logged since the last call, as chromedriver collected them: it files
    /// some of what the console shows as errors (a `postMessage` to the
    /// wrong origin) as warnings.
    pub async fn console_problems(&self) -> Vec<String> {
        let log = self
            .driver_command("se/log", json!({"type": "browser"}))
            .await;
        log["value"]
            .as_array()
            .expect("chromedriver's log entries")
            .iter()
            .filter(|entry| entry["level"] == "SEVERE" || entry["level"] == "WARNING")
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// A Chrome DevTools Protocol command in the current page, through
    /// chromedriver; its result.
    pub async fn cdp(&self, command: &str, params: serde_json::Value) -> serde_json::Value {
        let answer = self
            .driver_command(
                "goog/cdp/execute",
                json!({"cmd": command, "params": params}),
            )
            .await;
        answer["value"].clone()
    }

    /// Drops the files at `paths` on the middle of the first element
    /// matching `css`, as a reader dragging them from a file manager does:
    /// Chromium's own drag events (enter, over, drop) carrying the files.
    pub async fn drop_files(&self, css: &str, paths: &[&std::path::Path]) {
        self.wait_for(css).await;
        let middle = self
            .client
            .execute(
                "const box = document.querySelector(arguments[0]).getBoundingClientRect();\
                 return [box.x + box.width / 2, box.y + box.height / 2];",
                vec![json!(css)],
            )
            .await
            .unwrap();
        let files: Vec<String> = paths
            .iter()
            .map(|path| path.display().to_string())
            .collect();
        for kind in ["dragEnter", "dragOver", "drop"] {
            let answer = self
                .cdp(
                    "Input.dispatchDragEvent",
                    json!({"type": kind, "x": middle[0], "y": middle[1],
                           "data": {"items": [], "files": files, "dragOperationsMask": 1}}),
                )
                .await;
            assert!(answer.get("error").is_none(), "{kind}: {answer}");
        }
    }

    /// Where downloads land (the profile's `downloads` folder).
    pub fn downloads(&self) -> std::path::PathBuf {
        self.profile.path().join("downloads")
    }

    /// POSTs `body` to chromedriver's `path` under this session, for what
    /// fantoccini has no command for.
    async fn driver_command(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        use http_body_util::{BodyExt, Full};
        use hyper_util::client::legacy::Client as HttpClient;
        use hyper_util::rt::TokioExecutor;

        let session = self.client.session_id().await.unwrap().unwrap();
        let request = axum::http::Request::post(format!(
            "http://127.0.0.1:{}/session/{session}/{path}",
            self.driver_port
        ))
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .body(Full::new(axum::body::Bytes::from(body.to_string())))
        .unwrap();
        let response = HttpClient::builder(TokioExecutor::new())
            .build_http()
            .request(request)
            .await
            .unwrap();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        serde_json::from_slice(&body).unwrap()
    }

    /// The browser's processes (Chromium and its renderers, GPU and
    /// utility processes): everything chromedriver started.
    pub fn processes(&self) -> Vec<u32> {
        super::descendants(self.driver.id())
    }

    /// Ends the WebDriver session, which quits Chromium; dropping ends
    /// the processes.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // Chromium outlives a killed chromedriver (a test that panicked
        // never closed the session): its processes are the ones started
        // with this browser's profile.
        let profile = format!("--user-data-dir={}", self.profile.path().display());
        let Ok(processes) = std::fs::read_dir("/proc") else {
            return;
        };
        for process in processes.flatten() {
            let Ok(pid) = process.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            let Ok(command_line) = std::fs::read(process.path().join("cmdline")) else {
                continue;
            };
            if command_line
                .split(|&byte| byte == 0)
                .any(|argument| argument == profile.as_bytes())
            {
                let _ = nix::sys::signal::kill(
                    nix::unistd::Pid::from_raw(pid),
                    nix::sys::signal::Signal::SIGKILL,
                );
            }
        }
    }
}
