//! Which way to show an output: the richest MIME type of a bundle that can
//! be shown safely, as Jupyter would pick it, falling back to `text/plain`
//! and finally to a note naming what arrived. Nothing here touches the DOM.

use base64::Engine;
use serde_json::Value;
use tci_api::{MimeBundle, Output, StreamName};

/// How one output is shown.
#[derive(Clone, Debug, PartialEq)]
pub enum View {
    Stdout(String),
    Stderr(String),
    /// A traceback with ANSI colours (see [`crate::render::ansi`]).
    Error(String),
    /// An `<img>` source: images are never inserted as markup (SVG included),
    /// so scripts inside them cannot run.
    Image {
        src: String,
        mime: &'static str,
    },
    /// Shown in the output frame (see [`crate::render::frame`]): `data` is
    /// the bundle's value for `mime`.
    Framed {
        mime: String,
        data: Value,
    },
    Plain(String),
    /// A bundle with nothing we can show: the MIME types it held.
    Unsupported(Vec<String>),
    /// An output type this app does not know, shown as JSON text.
    Unknown {
        kind: String,
        text: String,
    },
}

const BASE64_IMAGES: [&str; 3] = ["image/png", "image/jpeg", "image/gif"];

/// The MIME types [`view_bundle`] shows, most preferred first; `v*` stands
/// for any version number. The first three and the text types after the
/// images go to the output frame. embed.js picks among its own subset in the
/// same order (tests/contracts.rs reads both).
pub const MIME_PREFERENCE: [&str; 13] = [
    "application/vnd.plotly.v1+json",
    "application/vnd.vegalite.v*+json",
    "application/vnd.vega.v*+json",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/svg+xml",
    "text/html",
    "text/markdown",
    "text/latex",
    "application/javascript",
    "application/json",
    "text/plain",
];

/// Whether `mime` is `pattern`, or a version of it when the pattern has `v*`.
pub fn mime_matches(pattern: &str, mime: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == mime,
        Some((head, tail)) => mime
            .strip_prefix(head)
            .and_then(|rest| rest.strip_suffix(tail))
            .is_some_and(|version| {
                !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit())
            }),
    }
}

pub fn view(output: &Output) -> View {
    match output {
        Output::Stream {
            name: StreamName::Stdout,
            text,
        } => View::Stdout(text.clone()),
        Output::Stream {
            name: StreamName::Stderr,
            text,
        } => View::Stderr(text.clone()),
        Output::Error(text) => View::Error(text.clone()),
        Output::Rich { bundle, .. } => view_bundle(bundle),
        Output::Unknown { kind, data } => View::Unknown {
            kind: kind.clone(),
            text: match data {
                Value::String(text) => text.clone(),
                other => pretty(other),
            },
        },
    }
}

/// Jupyter's order of preference, restricted to what is safe here.
pub fn view_bundle(bundle: &MimeBundle) -> View {
    let framed = |pattern: &str| {
        let mime = bundle
            .mime_types()
            .into_iter()
            .find(|mime| mime_matches(pattern, mime))?;
        let data = bundle.value(mime)?;
        // Text types arrive as strings; anything else is not that type.
        if (mime.starts_with("text/") || mime.ends_with("javascript")) && !data.is_string() {
            return None;
        }
        Some(View::Framed {
            mime: mime.to_owned(),
            data: data.clone(),
        })
    };
    for pattern in &MIME_PREFERENCE[..3] {
        if let Some(view) = framed(pattern) {
            return view;
        }
    }
    for mime in BASE64_IMAGES {
        if let Some(data) = bundle.text(mime) {
            return View::Image {
                src: format!("data:{mime};base64,{}", strip_whitespace(data)),
                mime,
            };
        }
    }
    if let Some(svg) = bundle.text("image/svg+xml") {
        return View::Image {
            src: format!(
                "data:image/svg+xml;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(svg)
            ),
            mime: "image/svg+xml",
        };
    }
    for mime in &MIME_PREFERENCE[7..12] {
        if let Some(view) = framed(mime) {
            return view;
        }
    }
    if let Some(plain) = bundle.text("text/plain") {
        return View::Plain(plain.to_owned());
    }
    View::Unsupported(bundle.mime_types().into_iter().map(str::to_owned).collect())
}

/// JSON text indented by two spaces per level, for people to read.
pub fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// The plain text of an output, for copy buttons.
pub fn plain_text(output: &Output) -> Option<String> {
    match output {
        Output::Stream { text, .. } => Some(text.clone()),
        Output::Error(text) => Some(crate::render::ansi::strip(text)),
        Output::Rich { bundle, .. } => bundle.text("text/plain").map(str::to_owned),
        Output::Unknown { .. } => None,
    }
}

fn strip_whitespace(data: &str) -> String {
    data.chars().filter(|c| !c.is_ascii_whitespace()).collect()
}

/// Long outputs are shown collapsed: the first lines, and a count of the
/// rest, so that a 10 MB stdout does not freeze the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Collapse {
    /// Byte length of the part shown while collapsed.
    pub shown: usize,
    pub hidden_lines: usize,
    pub hidden_bytes: usize,
}

pub const COLLAPSE_LINES: usize = 200;
pub const COLLAPSE_BYTES: usize = 100 * 1024;

/// `None` when `text` is short enough to show whole.
pub fn collapse(text: &str) -> Option<Collapse> {
    let mut shown = 0;
    for (lines, line) in text.split_inclusive('\n').enumerate() {
        if lines == COLLAPSE_LINES || shown + line.len() > COLLAPSE_BYTES {
            let mut cut = shown;
            if lines == 0 {
                // One huge line: cut it at a character boundary.
                cut = COLLAPSE_BYTES;
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
            }
            let rest = &text[cut..];
            return Some(Collapse {
                shown: cut,
                hidden_lines: rest.split_inclusive('\n').count(),
                hidden_bytes: rest.len(),
            });
        }
        shown += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, json};
    use tci_api::RichKind;

    /// A display_data output whose bundle is the JSON object `text`.
    fn bundle(text: &str) -> Output {
        Output::Rich {
            kind: RichKind::DisplayData,
            bundle: MimeBundle::Map(serde_json::from_str::<Map<String, Value>>(text).unwrap()),
        }
    }

    /// The type [`view_bundle`] chose, read back from its view.
    fn chosen(view: &View) -> String {
        match view {
            View::Image { mime, .. } => (*mime).to_owned(),
            View::Framed { mime, .. } => mime.clone(),
            View::Plain(_) => "text/plain".to_owned(),
            other => panic!("not a choice among a bundle's types: {other:?}"),
        }
    }

    #[test]
    fn bundles_are_shown_in_the_order_of_mime_preference() {
        let concrete = |pattern: &str| pattern.replace('*', "5");
        for (i, first) in MIME_PREFERENCE.iter().map(|p| concrete(p)).enumerate() {
            let alone = bundle(&format!(r#"{{"{first}": "x"}}"#));
            assert_eq!(chosen(&view(&alone)), first, "{first} alone");
            for later in MIME_PREFERENCE[i + 1..].iter().map(|p| concrete(p)) {
                let both = bundle(&format!(r#"{{"{later}": "x", "{first}": "x"}}"#));
                assert_eq!(chosen(&view(&both)), first, "{first} over {later}");
            }
        }
    }

    #[test]
    fn versioned_types_match_any_version_only() {
        let pattern = "application/vnd.vegalite.v*+json";
        for mime in [
            "application/vnd.vegalite.v5+json",
            "application/vnd.vegalite.v6+json",
            "application/vnd.vegalite.v10+json",
        ] {
            assert!(mime_matches(pattern, mime), "{mime}");
        }
        for mime in [
            "application/vnd.vegalite.v+json",
            "application/vnd.vegalite.v5.1+json",
            "application/vnd.vegalite.v5+json+x",
            "application/vnd.vega.v5+json",
        ] {
            assert!(!mime_matches(pattern, mime), "{mime}");
        }
        let spec = json!({"mark": "bar"});
        assert_eq!(
            view(&bundle(
                r#"{"text/plain": "<Chart>", "application/vnd.vegalite.v6+json": {"mark": "bar"}}"#
            )),
            View::Framed {
                mime: "application/vnd.vegalite.v6+json".into(),
                data: spec
            }
        );
    }

    #[test]
    fn a_text_type_that_is_not_text_is_passed_over() {
        assert_eq!(
            view(&bundle(r#"{"text/plain": "p", "text/html": {"a": 1}}"#)),
            View::Plain("p".into())
        );
    }

    #[test]
    fn images_win_over_text() {
        let output = bundle(r#"{"text/plain": "<Figure>", "image/png": "iVBO\nRw0K"}"#);
        assert_eq!(
            view(&output),
            View::Image {
                src: "data:image/png;base64,iVBORw0K".into(),
                mime: "image/png"
            }
        );
    }

    #[test]
    fn svg_becomes_an_image_source_never_markup() {
        let svg = "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>";
        let bundle = Output::Rich {
            kind: RichKind::DisplayData,
            bundle: MimeBundle::Map(Map::from_iter([("image/svg+xml".into(), json!(svg))])),
        };
        let View::Image { src, mime } = view(&bundle) else {
            panic!("expected an image");
        };
        assert_eq!(mime, "image/svg+xml");
        assert!(src.starts_with("data:image/svg+xml;base64,"));
        assert!(!src.contains('<'));
        // Standard base64, padded, as `data:` URLs take it.
        let tiny = Output::Rich {
            kind: RichKind::DisplayData,
            bundle: MimeBundle::Map(Map::from_iter([(
                "image/svg+xml".into(),
                json!("<svg>\u{ff}"),
            )])),
        };
        assert!(
            matches!(view(&tiny), View::Image { src, .. } if src == "data:image/svg+xml;base64,PHN2Zz7Dvw==")
        );
    }

    #[test]
    fn preference_order_follows_jupyter() {
        let all = r#"{"text/plain": "p", "text/html": "<b>h</b>", "text/markdown": "m", "text/latex": "$x$", "application/json": {"a": 1}}"#;
        let framed = |mime: &str, data: Value| View::Framed {
            mime: mime.into(),
            data,
        };
        assert_eq!(view(&bundle(all)), framed("text/html", json!("<b>h</b>")));
        assert_eq!(
            view(&bundle(r##"{"text/plain": "p", "text/markdown": "# m"}"##)),
            framed("text/markdown", json!("# m"))
        );
        assert_eq!(
            view(&bundle(r#"{"text/plain": "p", "text/latex": "$x$"}"#)),
            framed("text/latex", json!("$x$"))
        );
        assert_eq!(
            view(&bundle(r#"{"text/plain": "p", "application/json": [1]}"#)),
            framed("application/json", json!([1]))
        );
        assert_eq!(
            view(&bundle(
                r#"{"text/html": "<div>", "application/vnd.plotly.v1+json": {"data": []}}"#
            )),
            framed("application/vnd.plotly.v1+json", json!({"data": []}))
        );
        assert_eq!(
            view(&bundle(
                r#"{"text/plain": "p", "application/pdf": "JVBER"}"#
            )),
            View::Plain("p".into())
        );
        assert_eq!(
            view(&bundle(r#"{"application/vnd.widget-view+json": {}}"#)),
            View::Unsupported(vec!["application/vnd.widget-view+json".into()])
        );
    }

    #[test]
    fn bare_strings_and_unknown_types_are_shown() {
        let bare = Output::Rich {
            kind: RichKind::ExecuteResult,
            bundle: MimeBundle::Text("42".into()),
        };
        assert_eq!(view(&bare), View::Plain("42".into()));
        let unknown = Output::Unknown {
            kind: "progress".into(),
            data: json!({"percent": 5}),
        };
        assert!(
            matches!(view(&unknown), View::Unknown { kind, text } if kind == "progress" && text.contains("percent"))
        );
    }

    #[test]
    fn json_is_shown_indented_by_two_spaces() {
        assert_eq!(
            pretty(&json!({"a": [1, {"b": null}], "c": {}, "e": "x\ny"})),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"c\": {},\n  \"e\": \"x\\ny\"\n}"
        );
    }

    #[test]
    fn long_text_collapses_by_lines_and_by_bytes() {
        assert_eq!(collapse("short\n"), None);
        let many: String = (0..500).map(|i| format!("{i}\n")).collect();
        let cut = collapse(&many).unwrap();
        assert_eq!(many[..cut.shown].lines().count(), COLLAPSE_LINES);
        assert_eq!(cut.hidden_lines, 300);
        let one_line = "é".repeat(COLLAPSE_BYTES);
        let cut = collapse(&one_line).unwrap();
        assert!(cut.shown <= COLLAPSE_BYTES && one_line.is_char_boundary(cut.shown));
        assert_eq!(cut.shown + cut.hidden_bytes, one_line.len());
    }
}
