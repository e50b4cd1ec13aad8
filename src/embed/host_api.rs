//! The widget's `postMessage` protocol with the page that embeds it
//! (version 1, see `docs/embed.md`): which origins may talk, which messages
//! are understood, and what the widget says. Anything not understood is
//! ignored, so a page cannot confuse the widget by sending junk.

use serde::Serialize;
use serde_json::Value;
use tci_api::{FileEncoding, FileUpload, Output};

use crate::model::cell::Status;
use crate::model::settings::Theme;

pub const VERSION: u64 = 1;

#[derive(Clone, Debug, PartialEq)]
pub enum HostMessage {
    SetCode(String),
    Run,
    ResetSession,
    SetTheme(Theme),
    /// Files for the next run, and what the host could not provide.
    AttachFiles(Vec<FileUpload>, Option<String>),
}

impl HostMessage {
    /// A message in the shape of version 1, or `None`.
    pub fn parse(message: &Value) -> Option<Self> {
        let text = |name: &str| message.get(name)?.as_str();
        if message.get("tci")?.as_u64()? != VERSION {
            return None;
        }
        match text("type")? {
            "set-code" => Some(HostMessage::SetCode(text("code")?.to_owned())),
            "run" => Some(HostMessage::Run),
            "reset-session" => Some(HostMessage::ResetSession),
            "attach-files" => Some(HostMessage::AttachFiles(
                message
                    .get("files")?
                    .as_array()?
                    .iter()
                    .map(file_upload)
                    .collect::<Option<_>>()?,
                text("error").map(str::to_owned),
            )),
            "set-theme" => match text("theme")? {
                theme @ ("light" | "dark" | "system") => {
                    Some(HostMessage::SetTheme(Theme::parse(theme)))
                }
                _ => None,
            },
            _ => None,
        }
    }
}

/// `{name, encoding, content}`, every member a string.
fn file_upload(file: &Value) -> Option<FileUpload> {
    let text = |name: &str| file.get(name)?.as_str().map(str::to_owned);
    let encoding = match file.get("encoding")?.as_str()? {
        "string" => FileEncoding::String,
        "base64" => FileEncoding::Base64,
        _ => return None,
    };
    Some(FileUpload {
        name: text("name")?,
        encoding,
        content: text("content")?,
    })
}

/// What the widget tells its host: `{"tci": 1, "type": ..., ...}`.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum WidgetMessage<'a> {
    Ready,
    Resize {
        height: u32,
    },
    RunStart {
        code: &'a str,
    },
    RunEnd {
        status: Status,
        outputs: &'a [Output],
    },
    Error {
        message: &'a str,
    },
}

impl WidgetMessage<'_> {
    pub fn to_json(self) -> String {
        #[derive(Serialize)]
        struct Versioned<'a> {
            tci: u64,
            #[serde(flatten)]
            message: WidgetMessage<'a>,
        }
        serde_json::to_string(&Versioned {
            tci: VERSION,
            message: self,
        })
        .unwrap_or_default()
    }
}

/// The origins the widget talks with: its own, and those the server lists
/// as allowed to embed it.
pub fn allowed_origins(own: &str, embed_origins: &[String]) -> Vec<String> {
    let mut origins = vec![own.to_owned()];
    for origin in embed_origins {
        let origin = origin.trim_end_matches('/');
        if is_exact_origin(origin) && !origins.iter().any(|known| known == origin) {
            origins.push(origin.to_owned());
        }
    }
    origins
}

/// The origins the widget's messages go to, of `allowed` (separated by
/// spaces): the embedding page's alone when it is allowed, none when it is
/// not. Posting to an origin that is not the parent's makes the browser log
/// an error (and deliver nothing), so every allowed origin is named only
/// when the parent's is unknown (`parent` empty); the browser then delivers
/// to the one that matches.
pub fn targets<'a>(parent: &'a str, allowed: &'a str) -> impl Iterator<Item = &'a str> {
    allowed
        .split(' ')
        .filter(move |origin| parent.is_empty() || *origin == parent)
}

/// The embedding page's origin from what the browser tells a frame:
/// `location.ancestorOrigins[0]` where there is one (Chromium, Safari), else
/// the origin of `document.referrer` (empty under `no-referrer`).
pub fn parent_origin<'a>(ancestor: Option<&'a str>, referrer: &'a str) -> Option<&'a str> {
    match ancestor {
        // An embedder that hides itself shows as the opaque origin.
        Some(origin) if !origin.is_empty() && origin != "null" => Some(origin),
        _ => origin_of(referrer),
    }
}

/// `https://host[:port]` of an http(s) URL.
fn origin_of(url: &str) -> Option<&str> {
    let scheme = ["https://", "http://"]
        .into_iter()
        .find(|scheme| url.starts_with(scheme))?;
    // By bytes: a pattern search would bring core's searchers to the wasm.
    let end = url
        .bytes()
        .skip(scheme.len())
        .position(|byte| matches!(byte, b'/' | b'?' | b'#'))
        .map_or(url.len(), |at| scheme.len() + at);
    (end > scheme.len()).then(|| &url[..end])
}

/// `scheme://host[:port]` and nothing else: no wildcard, path or keyword.
pub fn is_exact_origin(origin: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
    else {
        return false;
    };
    !rest.is_empty() && !rest.contains(['/', '*', '?', '#', '@', ' ', '\''])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Option<HostMessage> {
        HostMessage::parse(&serde_json::from_str(text).unwrap())
    }

    #[test]
    fn understood_messages() {
        assert_eq!(
            parse(r#"{"tci": 1, "type": "set-code", "code": "x = 1"}"#),
            Some(HostMessage::SetCode("x = 1".into()))
        );
        assert_eq!(
            parse(r#"{"tci": 1, "type": "run"}"#),
            Some(HostMessage::Run)
        );
        assert_eq!(
            parse(r#"{"tci": 1, "type": "reset-session", "extra": true}"#),
            Some(HostMessage::ResetSession)
        );
        assert_eq!(
            parse(r#"{"tci": 1, "type": "set-theme", "theme": "dark"}"#),
            Some(HostMessage::SetTheme(Theme::Dark))
        );
        assert_eq!(
            parse(
                r#"{"tci": 1, "type": "attach-files", "files": [{"name": "a.csv", "encoding": "base64", "content": "eA=="}], "error": "b.csv: 404"}"#
            ),
            Some(HostMessage::AttachFiles(
                vec![FileUpload {
                    name: "a.csv".into(),
                    encoding: FileEncoding::Base64,
                    content: "eA==".into()
                }],
                Some("b.csv: 404".into())
            ))
        );
    }

    #[test]
    fn everything_else_is_ignored() {
        for junk in [
            "null",
            r#""run""#,
            "42",
            r#"{"type": "run"}"#,
            r#"{"tci": 2, "type": "run"}"#,
            r#"{"tci": "1", "type": "run"}"#,
            r#"{"tci": 1.5, "type": "run"}"#,
            r#"{"tci": 1, "type": "launch"}"#,
            r#"{"tci": 1, "type": "set-code"}"#,
            r#"{"tci": 1, "type": "set-code", "code": 7}"#,
            r#"{"tci": 1, "type": "set-theme", "theme": "pink"}"#,
            r#"{"tci": 1, "type": "attach-files"}"#,
            r#"{"tci": 1, "type": "attach-files", "files": [{"name": "a", "encoding": "hex", "content": ""}]}"#,
            r#"{"tci": 1, "type": "attach-files", "files": [{"name": "a", "encoding": "string"}]}"#,
            r#"[{"tci": 1, "type": "run"}]"#,
        ] {
            assert_eq!(parse(junk), None, "{junk}");
        }
    }

    #[test]
    fn widget_messages_carry_the_version() {
        let outputs = [Output::stdout("42\n")];
        let message = WidgetMessage::RunEnd {
            status: Status::Ok,
            outputs: &outputs,
        }
        .to_json();
        assert_eq!(
            serde_json::from_str::<Value>(&message).unwrap(),
            serde_json::json!({"tci": 1, "type": "run-end", "status": "ok",
                "outputs": [{"type": "stdout", "data": "42\n"}]})
        );
        assert_eq!(
            WidgetMessage::Ready.to_json(),
            r#"{"tci":1,"type":"ready"}"#
        );
        assert_eq!(
            WidgetMessage::RunStart { code: "x" }.to_json(),
            r#"{"tci":1,"type":"run-start","code":"x"}"#
        );
        assert_eq!(
            WidgetMessage::Resize { height: 320 }.to_json(),
            r#"{"tci":1,"type":"resize","height":320}"#
        );
        assert_eq!(
            WidgetMessage::Error {
                message: "a \"quote\""
            }
            .to_json(),
            r#"{"tci":1,"type":"error","message":"a \"quote\""}"#
        );
    }

    #[test]
    fn messages_go_to_the_parent_only_when_it_is_allowed() {
        let allowed = allowed_origins(
            "http://127.0.0.1:8080",
            &["https://docs.example.com".into()],
        )
        .join(" ");
        let targets = |parent| targets(parent, &allowed).collect::<Vec<_>>();
        assert_eq!(
            targets("https://docs.example.com"),
            ["https://docs.example.com"]
        );
        assert_eq!(targets("http://127.0.0.1:8080"), ["http://127.0.0.1:8080"]);
        assert!(targets("https://evil.example").is_empty());
        assert_eq!(
            targets(""),
            ["http://127.0.0.1:8080", "https://docs.example.com"]
        );
    }

    #[test]
    fn the_parents_origin_comes_from_its_ancestors_or_its_referrer() {
        let referrer = "https://docs.example.com:8443/guide/start?x=1#top";
        assert_eq!(
            parent_origin(Some("http://127.0.0.1:8080"), referrer),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            parent_origin(None, referrer),
            Some("https://docs.example.com:8443")
        );
        assert_eq!(
            parent_origin(Some("null"), "http://a.example"),
            Some("http://a.example")
        );
        assert_eq!(
            parent_origin(Some(""), "https://a.example?q"),
            Some("https://a.example")
        );
        for unknown in ["", "about:blank", "https://", "file:///x.html"] {
            assert_eq!(parent_origin(None, unknown), None, "{unknown}");
        }
    }

    #[test]
    fn only_exact_origins_are_trusted() {
        let origins = allowed_origins(
            "http://127.0.0.1:8080",
            &[
                "'self'".into(),
                "https://docs.example.com/".into(),
                "https://*.example.com".into(),
                "*".into(),
                "http://127.0.0.1:8080".into(),
                "https://docs.example.com/guide".into(),
                "javascript://x".into(),
            ],
        );
        assert_eq!(
            origins,
            ["http://127.0.0.1:8080", "https://docs.example.com"]
        );
    }
}
