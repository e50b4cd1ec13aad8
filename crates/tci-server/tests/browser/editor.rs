//! The code editor under real key presses in Chromium (WebDriver key
//! actions are trusted events, as a user's are), served by the real
//! tci-server binary. Every undo and redo is checked against the exact texts
//! the editor showed.

use fantoccini::elements::Element;
use serde_json::json;
use tci_testkit::RunningServer;
use tci_testkit::browser::Browser;

// WebDriver key codes; RELEASE lets go of the held modifiers.
const ENTER: &str = "\u{E007}";
const TAB: &str = "\u{E004}";
const BACKSPACE: &str = "\u{E003}";
const SHIFT: &str = "\u{E008}";
const CONTROL: &str = "\u{E009}";
const UP: &str = "\u{E013}";
const DOWN: &str = "\u{E015}";
const HOME: &str = "\u{E011}";
const END: &str = "\u{E010}";
const RELEASE: &str = "\u{E000}";

fn ctrl(key: &str) -> String {
    format!("{CONTROL}{key}{RELEASE}")
}

fn ctrl_shift(key: &str) -> String {
    format!("{CONTROL}{SHIFT}{key}{RELEASE}")
}

/// The editor, focused.
async fn editor(browser: &Browser) -> Element {
    let editor = browser.wait_for("[data-testid=editor]").await;
    editor.click().await.unwrap();
    editor
}

async fn value(editor: &Element) -> String {
    editor.prop("value").await.unwrap().unwrap_or_default()
}

/// Presses `keys` `times` times and returns the text after each press.
async fn press(editor: &Element, keys: &str, times: usize) -> Vec<String> {
    let mut seen = Vec::with_capacity(times);
    for _ in 0..times {
        editor.send_keys(keys).await.unwrap();
        seen.push(value(editor).await);
    }
    seen
}

async fn wait_for_value(editor: &Element, expected: &str) {
    for _ in 0..100 {
        if value(editor).await == expected {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(value(editor).await, expected);
}

async fn typed(editor: &Element, keys: &str) -> String {
    editor.send_keys(keys).await.unwrap();
    value(editor).await
}

#[tokio::test]
async fn undo_and_redo_give_back_exactly_the_texts_typed() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    let editor = editor(&browser).await;

    // Enter with auto-indent is a step of its own between two runs of typing.
    assert_eq!(
        typed(&editor, &format!("if x:{ENTER}y = 1")).await,
        "if x:\n    y = 1"
    );
    assert_eq!(
        press(&editor, &ctrl("z"), 4).await,
        ["if x:\n    ", "if x:", "", ""]
    );
    assert_eq!(
        press(&editor, &ctrl_shift("z"), 4).await,
        [
            "if x:",
            "if x:\n    ",
            "if x:\n    y = 1",
            "if x:\n    y = 1"
        ]
    );

    // Then, in the same editor, Tab (to the next tab stop) between two runs
    // of typing.
    assert_eq!(
        typed(&editor, &format!("{}{BACKSPACE}", ctrl("a"))).await,
        ""
    );
    assert_eq!(typed(&editor, &format!("abc{TAB}d")).await, "abc d");
    assert_eq!(press(&editor, &ctrl("z"), 3).await, ["abc ", "abc", ""]);
    // One more brings back what was selected and deleted.
    assert_eq!(press(&editor, &ctrl("z"), 1).await, ["if x:\n    y = 1"]);
    assert_eq!(
        press(&editor, &ctrl("y"), 5).await,
        ["", "abc", "abc ", "abc d", "abc d"]
    );

    // Undo puts the cursor back where the undone change was made.
    assert_eq!(press(&editor, &ctrl("z"), 2).await, ["abc ", "abc"]);
    assert_eq!(typed(&editor, "!").await, "abc!");
    // A new change ends the redo branch.
    assert_eq!(press(&editor, &ctrl_shift("z"), 1).await, ["abc!"]);
    browser.close().await;
}

#[tokio::test]
async fn each_editing_key_is_one_undo_step() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    let editor = editor(&browser).await;

    // Brackets and quotes close as typed and are stepped over.
    assert_eq!(typed(&editor, "print('hi')").await, "print('hi')");
    assert_eq!(
        press(&editor, &ctrl("z"), 4).await,
        ["print('')", "print()", "print", ""]
    );
    assert_eq!(
        press(&editor, &ctrl_shift("z"), 4).await,
        ["print", "print()", "print('')", "print('hi')"]
    );

    // Shift+Tab, then Tab, one step each.
    assert_eq!(
        typed(&editor, &format!("{ENTER}{TAB}x")).await,
        "print('hi')\n    x"
    );
    assert_eq!(
        typed(&editor, &format!("{SHIFT}{TAB}{RELEASE}")).await,
        "print('hi')\nx"
    );
    assert_eq!(
        press(&editor, &ctrl("z"), 3).await,
        ["print('hi')\n    x", "print('hi')\n    ", "print('hi')\n"]
    );

    assert_eq!(
        press(&editor, &ctrl_shift("z"), 3).await,
        ["print('hi')\n    ", "print('hi')\n    x", "print('hi')\nx"]
    );

    // Ctrl+/ comments the selected lines, and again uncomments them.
    editor.send_keys(&ctrl("a")).await.unwrap();
    assert_eq!(
        press(&editor, &ctrl("/"), 2).await,
        ["# print('hi')\n# x", "print('hi')\nx"]
    );
    assert_eq!(
        press(&editor, &ctrl("z"), 2).await,
        ["# print('hi')\n# x", "print('hi')\nx"]
    );

    // Paste is a step.
    editor.send_keys(&ctrl("a")).await.unwrap();
    editor.send_keys(&ctrl("c")).await.unwrap();
    editor
        .send_keys(&format!("{CONTROL}{END}{RELEASE}"))
        .await
        .unwrap();
    assert_eq!(
        typed(&editor, &format!("{ENTER}{}", ctrl("v"))).await,
        "print('hi')\nx\nprint('hi')\nx"
    );
    assert_eq!(
        press(&editor, &ctrl("z"), 2).await,
        ["print('hi')\nx\n", "print('hi')\nx"]
    );
    browser.close().await;
}

#[tokio::test]
async fn history_recall_and_running_are_undo_steps() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    let editor = editor(&browser).await;
    // The parenthesis closes as typed.
    assert_eq!(typed(&editor, "print(6 * 7").await, "print(6 * 7)");
    // Ctrl+Enter runs and empties the editor.
    editor
        .send_keys(&format!("{CONTROL}{ENTER}{RELEASE}"))
        .await
        .unwrap();
    assert_eq!(browser.wait_settled(1).await, "ok");
    assert!(browser.last_cell_text().await.contains("42"));
    assert_eq!(value(&editor).await, "");

    assert_eq!(typed(&editor, "x").await, "x");
    assert_eq!(press(&editor, UP, 1).await, ["print(6 * 7)"]);
    assert_eq!(press(&editor, DOWN, 1).await, ["x"]);
    assert_eq!(
        press(&editor, &ctrl("z"), 5).await,
        ["print(6 * 7)", "x", "", "print(6 * 7)", "print()"]
    );
    browser.close().await;
}

#[tokio::test]
async fn brackets_indents_and_comments_follow_python() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    let editor = editor(&browser).await;

    // Nothing closes inside a comment or a string.
    assert_eq!(
        typed(&editor, &format!("# don't ({ENTER}s = \"it's (\"")).await,
        "# don't (\ns = \"it's (\""
    );
    typed(&editor, &ctrl("a")).await;
    typed(&editor, BACKSPACE).await;

    // Backspace between an empty pair removes both.
    assert_eq!(typed(&editor, "x = [").await, "x = []");
    assert_eq!(typed(&editor, BACKSPACE).await, "x = ");
    // A selection is wrapped and stays selected.
    assert_eq!(
        typed(&editor, &format!("a + b{SHIFT}{HOME}{RELEASE}")).await,
        "x = a + b"
    );
    assert_eq!(typed(&editor, "(").await, "(x = a + b)");
    assert_eq!(typed(&editor, "[").await, "([x = a + b])");
    typed(&editor, &ctrl("a")).await;
    typed(&editor, BACKSPACE).await;

    // Enter indents after `:` and dedents after `return`; Backspace in
    // leading whitespace removes one level.
    assert_eq!(
        typed(&editor, &format!("def f(x):{ENTER}if x:{ENTER}")).await,
        "def f(x):\n    if x:\n        "
    );
    assert_eq!(
        typed(&editor, BACKSPACE).await,
        "def f(x):\n    if x:\n    "
    );
    assert_eq!(
        typed(&editor, &format!("return 1{ENTER}")).await,
        "def f(x):\n    if x:\n    return 1\n"
    );
    // Ctrl+/ on the cursor's line only; the cursor stays with its text.
    typed(&editor, &format!("{UP}{END}")).await;
    assert_eq!(
        typed(&editor, &ctrl("/")).await,
        "def f(x):\n    if x:\n    # return 1\n"
    );
    assert_eq!(
        typed(&editor, "0").await,
        "def f(x):\n    if x:\n    # return 10\n"
    );
    browser.close().await;
}

#[tokio::test]
async fn the_host_pages_set_code_is_one_undo_step() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&format!("{}?embed#code=x%20%3D%201", server.url)).await;
    let editor = editor(&browser).await;
    assert_eq!(value(&editor).await, "x = 1");
    assert_eq!(
        typed(&editor, &format!("{CONTROL}{END}{RELEASE}0")).await,
        "x = 10"
    );
    // The page itself is an allowed origin, standing in for its host.
    browser
        .client
        .execute(
            "window.postMessage(arguments[0], '*')",
            vec![json!({"tci": 1, "type": "set-code", "code": "print(2)"})],
        )
        .await
        .unwrap();
    wait_for_value(&editor, "print(2)").await;
    editor.click().await.unwrap();
    assert_eq!(
        press(&editor, &ctrl("z"), 3).await,
        ["x = 10", "x = 1", "x = 1"]
    );
    assert_eq!(
        press(&editor, &ctrl_shift("z"), 2).await,
        ["x = 10", "print(2)"]
    );
    browser.close().await;
}

#[tokio::test]
async fn undo_in_another_field_leaves_the_editor_alone() {
    let server = RunningServer::start(&[]);
    let browser = Browser::open(&server.url).await;
    let editor = editor(&browser).await;
    assert_eq!(typed(&editor, &format!("a = 1{ENTER}b")).await, "a = 1\nb");
    browser.click("[data-testid=settings]").await;
    let field = browser.wait_for("[data-testid=api-base]").await;
    field.click().await.unwrap();
    field.send_keys(&format!("{}x", ctrl("a"))).await.unwrap();
    // More undos than the field has: the page's stack reaches the editor's
    // typing, which must not change.
    for _ in 0..4 {
        field.send_keys(&ctrl("z")).await.unwrap();
    }
    assert_eq!(value(&editor).await, "a = 1\nb");
    // The editor's own history is intact.
    editor.click().await.unwrap();
    assert_eq!(
        press(&editor, &ctrl("z"), 3).await,
        ["a = 1\n", "a = 1", ""]
    );
    browser.close().await;
}

/// Why the editor keeps its own undo history (`src/editor/undo.rs`): what
/// Chromium's native undo does with the alternative, a plain textarea whose
/// scripted edits go through `execCommand('insertText')`. Should this start
/// failing, Chromium changed and the decision deserves a new look.
#[tokio::test]
async fn chromiums_native_undo_cannot_give_each_key_its_own_step() {
    let page = "data:text/html,<textarea id=native></textarea><input id=other>\
        <script>native.addEventListener('keydown', e => { if (e.key === 'Tab') {\
        e.preventDefault(); document.execCommand('insertText', false, ' '); } });</script>";
    let browser = Browser::open(page).await;
    let native = browser.wait_for("#native").await;
    native.click().await.unwrap();

    // The command's Tab joins the typing around it: one step for all.
    assert_eq!(typed(&native, &format!("abc{TAB}d")).await, "abc d");
    assert_eq!(press(&native, &ctrl("z"), 2).await, ["", ""]);

    // The stack is the page's: Ctrl+Z in the textarea undoes another field.
    let other = browser.wait_for("#other").await;
    other.click().await.unwrap();
    other.send_keys("key").await.unwrap();
    native.click().await.unwrap();
    assert_eq!(press(&native, &ctrl("z"), 1).await, [""]);
    assert_eq!(value(&other).await, "");

    // Assigning `value` corrupts it: redo invents a text never shown.
    browser.load(page).await;
    let native = browser.wait_for("#native").await;
    native.click().await.unwrap();
    assert_eq!(typed(&native, "abc").await, "abc");
    browser
        .client
        .execute("document.getElementById('native').value = 'xyz'", vec![])
        .await
        .unwrap();
    native.send_keys(&ctrl("z")).await.unwrap();
    assert_eq!(press(&native, &ctrl_shift("z"), 1).await, ["xyzabcabc"]);
    browser.close().await;
}
