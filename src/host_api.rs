//! The widget's `postMessage` protocol with the page that embeds it
//! (version 1, see `docs/embed.md`): which origins may talk, which messages
//! are understood, and what the widget says. Anything not understood is
//! ignored, so a page cannot confuse the widget by sending junk.

use serde_json::Value;
use tci_api::Output;

use crate::cell::Status;
use crate::settings::Theme;

pub const VERSION: u64 = 1;

#[derive(Clone, Debug, PartialEq)]
pub enum HostMessage {
    SetCode(String),
    Run,
    ResetSession,
    SetTheme(Theme),
}

impl HostMessage {
    /// A message in the shape of version 1, or `None`.
    pub fn parse(message: &Value) -> Option<Self> {
        if message.get("tci")?.as_u64()? != VERSION {
            return None;
        }
        match message.get("type")?.as_str()? {
            "set-code" => Some(HostMessage::SetCode(
                message.get("code")?.as_str()?.to_owned(),
            )),
            "run" => Some(HostMessage::Run),
            "reset-session" => Some(HostMessage::ResetSession),
            "set-theme" => match message.get("theme")?.as_str()? {
                theme @ ("light" | "dark" | "system") => {
                    Some(HostMessage::SetTheme(Theme::parse(theme)))
                }
                _ => None,
            },
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug)]
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
        let quoted = |text: &str| serde_json::to_string(text).unwrap_or_default();
        let fields = match self {
            WidgetMessage::Ready => "\"type\":\"ready\"".to_owned(),
            WidgetMessage::Resize { height } => format!("\"type\":\"resize\",\"height\":{height}"),
            WidgetMessage::RunStart { code } => {
                format!("\"type\":\"run-start\",\"code\":{}", quoted(code))
            }
            WidgetMessage::RunEnd { status, outputs } => format!(
                "\"type\":\"run-end\",\"status\":\"{}\",\"outputs\":{}",
                status.as_str(),
                serde_json::to_string(outputs).unwrap_or_else(|_| "[]".into())
            ),
            WidgetMessage::Error { message } => {
                format!("\"type\":\"error\",\"message\":{}", quoted(message))
            }
        };
        format!("{{\"tci\":{VERSION},{fields}}}")
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

/// `scheme://host[:port]` and nothing else: no wildcard, path or keyword.
pub fn is_exact_origin(origin: &str) -> bool {
    let Some((scheme, rest)) = origin.split_once("://") else {
        return false;
    };
    matches!(scheme, "http" | "https")
        && !rest.is_empty()
        && !rest.contains(['/', '*', '?', '#', '@', ' ', '\''])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn understood_messages() {
        let parse = |value: Value| HostMessage::parse(&value);
        assert_eq!(
            parse(json!({"tci": 1, "type": "set-code", "code": "x = 1"})),
            Some(HostMessage::SetCode("x = 1".into()))
        );
        assert_eq!(
            parse(json!({"tci": 1, "type": "run"})),
            Some(HostMessage::Run)
        );
        assert_eq!(
            parse(json!({"tci": 1, "type": "reset-session", "extra": true})),
            Some(HostMessage::ResetSession)
        );
        assert_eq!(
            parse(json!({"tci": 1, "type": "set-theme", "theme": "dark"})),
            Some(HostMessage::SetTheme(Theme::Dark))
        );
    }

    #[test]
    fn everything_else_is_ignored() {
        for junk in [
            json!(null),
            json!("run"),
            json!(42),
            json!({"type": "run"}),
            json!({"tci": 2, "type": "run"}),
            json!({"tci": "1", "type": "run"}),
            json!({"tci": 1, "type": "launch"}),
            json!({"tci": 1, "type": "set-code"}),
            json!({"tci": 1, "type": "set-code", "code": 7}),
            json!({"tci": 1, "type": "set-theme", "theme": "pink"}),
            json!([{"tci": 1, "type": "run"}]),
        ] {
            assert_eq!(HostMessage::parse(&junk), None, "{junk}");
        }
    }

    #[test]
    fn widget_messages_carry_the_version() {
        let outputs = [Output::stdout("42\n")];
        let message: Value = serde_json::from_str(
            &WidgetMessage::RunEnd {
                status: Status::Ok,
                outputs: &outputs,
            }
            .to_json(),
        )
        .unwrap();
        assert_eq!(
            message,
            json!({"tci": 1, "type": "run-end", "status": "ok",
                   "outputs": [{"type": "stdout", "data": "42\n"}]})
        );
        let resize: Value =
            serde_json::from_str(&WidgetMessage::Resize { height: 320 }.to_json()).unwrap();
        assert_eq!(resize, json!({"tci": 1, "type": "resize", "height": 320}));
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
