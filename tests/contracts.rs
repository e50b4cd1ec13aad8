//! Fast tier: definitions that must be written twice, because two languages
//! or two tools read them, checked by reading both sides. `embed/embed.js`
//! runs on documentation pages without the app, so it carries its own copy of
//! the app's Python keywords and MIME preference; Trunk.toml carries its own
//! copy of the tool versions the lock files pin; the README repeats the
//! app's table of keyboard shortcuts; embed.js writes the `attach-files`
//! message the widget reads.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

use tci_playground::model::shortcuts::SHORTCUTS;
use tci_playground::render::highlight::{self, KEYWORDS, TokenKind};
use tci_playground::render::output_view::MIME_PREFERENCE;

fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|error| panic!("{}: {error}", full.display()))
}

/// The words of embed.js's `var NAME = words(' a b c ')`.
fn embed_word_list(embed: &str, name: &str) -> Vec<String> {
    let start = format!("var {name} = words('");
    let after = embed
        .split_once(&start)
        .unwrap_or_else(|| panic!("embed.js has no `{start}...')`"))
        .1;
    let list = after.split_once("')").expect("the list's closing `')`").0;
    list.split_whitespace().map(str::to_owned).collect()
}

/// The body of a top-level function of embed.js's closure (two-space indent).
fn embed_function<'a>(embed: &'a str, name: &str) -> &'a str {
    let start = format!("\n  function {name}(");
    let body = embed
        .split_once(&start)
        .unwrap_or_else(|| panic!("embed.js has no function {name}"))
        .1;
    body.split_once("\n  }\n").expect("the function's end").0
}

/// Single-quoted string literals that are MIME types, in source order.
fn mime_literals(js: &str) -> Vec<&str> {
    let is_mime = |text: &str| {
        text.split_once('/').is_some_and(|(kind, subtype)| {
            let token = |part: &str| {
                !part.is_empty()
                    && part.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b"+.-".contains(&b)
                    })
            };
            token(kind) && token(subtype)
        })
    };
    // Even pieces are code, odd ones the insides of quotes (embed.js's
    // strings escape no quotes).
    js.split('\'')
        .skip(1)
        .step_by(2)
        .filter(|text| is_mime(text))
        .collect()
}

fn lock_version<'a>(lock: &'a str, package: &str) -> &'a str {
    let entry = format!("[[package]]\nname = \"{package}\"\nversion = \"");
    let after = lock
        .split_once(&entry)
        .unwrap_or_else(|| panic!("Cargo.lock has no package {package}"))
        .1;
    after
        .split_once('"')
        .expect("the version's closing quote")
        .0
}

/// The value of the first `key = "value"` line of a TOML file.
fn toml_string<'a>(toml: &'a str, key: &str) -> &'a str {
    let start = format!("\n{key} = \"");
    let after = toml
        .split_once(&start)
        .unwrap_or_else(|| panic!("no `{key} = \"...\"` line"))
        .1;
    after.split_once('"').expect("the value's closing quote").0
}

#[test]
fn embed_js_colours_the_apps_python_keywords() {
    let mut embed = embed_word_list(&read("embed/embed.js"), "KEYWORDS");
    let mut app: Vec<String> = KEYWORDS.iter().map(|&word| word.to_owned()).collect();
    embed.sort();
    app.sort();
    assert_eq!(embed, app, "embed.js's KEYWORDS and highlight::KEYWORDS");
}

/// embed.js colours fewer builtins than the app (it stays small), never others.
#[test]
fn embed_js_builtins_are_builtins_in_the_app() {
    let builtins = embed_word_list(&read("embed/embed.js"), "BUILTINS");
    assert!(!builtins.is_empty());
    for word in builtins {
        let kinds: Vec<TokenKind> = highlight::tokenize(&word)
            .into_iter()
            .map(|token| token.kind)
            .collect();
        assert_eq!(
            kinds,
            [TokenKind::Builtin],
            "embed.js colours `{word}` as a builtin, the app does not"
        );
    }
}

/// embed.js shows recorded outputs by trying types in turn, so their order in
/// its source is its preference: the app's order, restricted to what it shows.
#[test]
fn embed_js_prefers_mime_types_in_the_apps_order() {
    let embed = read("embed/embed.js");
    let mut tried = mime_literals(embed_function(&embed, "renderOutput"));
    tried.dedup();
    assert!(
        tried.contains(&"text/plain"),
        "renderOutput's MIME types not found: {tried:?}"
    );
    let ranks: Vec<usize> = tried
        .iter()
        .map(|mime| {
            MIME_PREFERENCE
                .iter()
                .position(|known| known == mime)
                .unwrap_or_else(|| panic!("embed.js shows {mime}, the app does not"))
        })
        .collect();
    assert!(
        ranks.windows(2).all(|pair| pair[0] < pair[1]),
        "embed.js tries {tried:?}, out of the app's order {MIME_PREFERENCE:?}"
    );
}

/// The app's storage keys are defined once, in the app: embed.js must keep
/// nothing of its own (a widget keeps its state through the app).
#[test]
fn embed_js_uses_no_storage() {
    let embed = read("embed/embed.js");
    for api in [
        "localStorage",
        "sessionStorage",
        "indexedDB",
        "document.cookie",
    ] {
        assert!(!embed.contains(api), "embed.js uses {api}");
    }
    assert!(
        !embed.contains("'tci-playground"),
        "embed.js names one of the app's storage keys"
    );
}

/// Trunk reads wasm-bindgen's and wasm-opt's versions from Trunk.toml, not
/// from the lock files that decide what gets installed.
#[test]
fn trunk_toml_pins_the_locked_tool_versions() {
    let trunk = read("Trunk.toml");
    let wasm_bindgen = lock_version(&read("Cargo.lock"), "wasm-bindgen").to_owned();
    assert_eq!(
        toml_string(&trunk, "wasm_bindgen"),
        wasm_bindgen,
        "Trunk.toml's wasm_bindgen and Cargo.lock's wasm-bindgen"
    );

    let npm_lock = read("package-lock.json");
    let binaryen = npm_lock
        .split_once("\"node_modules/binaryen\": {")
        .expect("package-lock.json locks binaryen")
        .1
        .split_once("\"version\": \"")
        .expect("binaryen's version")
        .1
        .split_once('.')
        .expect("a major version")
        .0;
    assert_eq!(
        toml_string(&trunk, "wasm_opt"),
        format!("version_{binaryen}"),
        "Trunk.toml's wasm_opt and package-lock.json's binaryen"
    );
}

/// The README's "Keyboard shortcuts" table is the app's, row for row.
#[test]
fn the_readme_lists_the_apps_keyboard_shortcuts() {
    let readme = read("README.md");
    let section = readme
        .split_once("\n## Keyboard shortcuts\n")
        .expect("README.md has a Keyboard shortcuts section")
        .1;
    let section = section
        .split_once("\n## ")
        .map_or(section, |(body, _)| body);
    let rows: Vec<Vec<String>> = section
        .lines()
        .filter(|line| line.starts_with('|'))
        // The header and its rule.
        .skip(2)
        .map(|line| {
            line.trim_matches('|')
                .split(" | ")
                .map(|cell| cell.trim().trim_matches('`').to_owned())
                .collect()
        })
        .collect();
    let app: Vec<Vec<String>> = SHORTCUTS
        .iter()
        .flat_map(|group| {
            group.shortcuts.iter().map(|shortcut| {
                vec![
                    group.place.to_owned(),
                    shortcut.keys.to_owned(),
                    shortcut.action.to_owned(),
                ]
            })
        })
        .collect();
    assert_eq!(
        rows, app,
        "README.md's table and model::shortcuts::SHORTCUTS"
    );
}

/// The `attach-files` message embed.js builds for `data-tci-files` is one
/// the widget's host protocol reads: its type and its files' members are the
/// ones `HostMessage::parse` takes.
#[test]
fn embed_js_attaches_files_the_widget_understands() {
    use tci_playground::embed::host_api::HostMessage;

    let embed = read("embed/embed.js");
    let fetch_files = embed_function(&embed, "fetchFiles");
    for member in [
        "type: 'attach-files'",
        "files: files.filter(Boolean)",
        "name: name",
        "encoding: 'base64'",
        "content: ",
        "message.error = ",
    ] {
        assert!(fetch_files.contains(member), "fetchFiles lacks {member}");
    }
    let message = serde_json::json!({
        "tci": 1, "type": "attach-files", "error": "Could not fetch b.csv (404)",
        "files": [{"name": "data/a.csv", "encoding": "base64", "content": "eCx5Cg=="}],
    });
    match HostMessage::parse(&message) {
        Some(HostMessage::AttachFiles(files, Some(error))) => {
            assert_eq!(files[0].name, "data/a.csv");
            assert!(error.contains("b.csv"));
        }
        other => panic!("not understood: {other:?}"),
    }
}

/// The output frame's protocol is written twice, in `src/render/frame.rs`
/// and in `frame/frame.js`: the version and every message kind must agree.
#[test]
fn the_output_frame_speaks_the_apps_protocol() {
    use tci_playground::render::frame;
    let js = read("frame/frame.js");
    let constant = |name: &str| {
        let start = format!("\n  var {name} = ");
        let after = js
            .split_once(&start)
            .unwrap_or_else(|| panic!("frame.js has no `var {name} = …;`"))
            .1;
        after
            .split_once(';')
            .expect("the statement's end")
            .0
            .trim()
            .to_owned()
    };
    assert_eq!(constant("PROTOCOL"), frame::PROTOCOL.to_string());
    for (name, kind) in [
        ("RENDER", frame::RENDER),
        ("THEME", frame::THEME),
        ("HEIGHT", frame::HEIGHT),
    ] {
        assert_eq!(constant(name), format!("'{kind}'"), "{name}");
    }
    // The app frames the document the build puts there.
    assert_eq!(frame::FRAME_URL, "renderers/frame.html");
    assert!(read("scripts/vendor-renderers.sh").contains("frame/frame.html"));
}

/// Every file frame.js loads on demand is one the build vendors.
#[test]
fn the_frame_loads_only_vendored_renderers() {
    let js = read("frame/frame.js");
    let table = js
        .split_once("var FILES = {")
        .expect("frame.js's FILES table")
        .1
        .split_once("};")
        .expect("its end")
        .0;
    let vendor = read("scripts/vendor-renderers.sh");
    let names: Vec<&str> = table.split('\'').skip(1).step_by(2).collect();
    assert!(names.len() >= 4, "{names:?}");
    for name in names {
        assert!(
            vendor.contains(&format!(" {name}\"")),
            "frame.js loads {name}, which scripts/vendor-renderers.sh does not vendor"
        );
    }
}

/// The server's browser tests store a theme as the app does: the key they
/// use is the app's.
#[test]
fn the_test_kit_stores_the_theme_under_the_apps_key() {
    let kit = read("crates/tci-testkit/src/browser.rs");
    let expected = format!(
        "pub const THEME_STORAGE_KEY: &str = \"{}\";",
        tci_playground::model::storage_keys::THEME
    );
    assert!(kit.contains(&expected), "the test kit has no {expected}");
}
