//! Why a run failed, from the HTTP status and body, and what to tell the
//! user. Execute is not idempotent, so no failure here is ever retried.

use serde_json::Value;
use tci_api::{ExecuteData, ExecuteResponse, message_from_error_body};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunFailure {
    /// 401/403: the key (or the server's token) was refused.
    Unauthorized {
        status: u16,
        detail: String,
    },
    /// The session is unknown or expired; the next run starts a new one.
    SessionGone {
        detail: String,
    },
    /// 404 without a session: the API base is probably wrong.
    NotFound {
        detail: String,
    },
    TooLarge,
    Invalid {
        status: u16,
        detail: String,
    },
    RateLimited {
        retry_after: Option<String>,
        detail: String,
    },
    Server {
        status: u16,
        detail: String,
    },
    /// fetch() itself failed: offline, server down, or a CORS block.
    Network {
        direct_to_together: bool,
    },
    NotJson {
        status: u16,
        snippet: String,
    },
    /// A 200 whose `errors` is set (or that has no `data`).
    Api {
        detail: String,
    },
}

/// Reads a finished HTTP exchange. `sent_session` says whether the request
/// named a session, which is what makes a 404 mean "session gone".
pub fn classify(
    status: u16,
    body: &str,
    retry_after: Option<&str>,
    sent_session: bool,
) -> Result<ExecuteData, RunFailure> {
    if (200..300).contains(&status) {
        let response: ExecuteResponse =
            serde_json::from_str(body).map_err(|_| RunFailure::NotJson {
                status,
                snippet: snippet(body),
            })?;
        let messages = response.error_messages();
        return match response.data.as_ref() {
            Some(data) if messages.is_empty() => Ok(data.clone()),
            // The reference docs show data together with `errors: "<unknown>"`;
            // data wins when it is there, the errors are shown beside it.
            Some(data) if !data.session_id.is_empty() && !mentions_session(&messages.join(" ")) => {
                Ok(data.clone())
            }
            _ if sent_session && mentions_session(&messages.join(" ")) => {
                Err(RunFailure::SessionGone {
                    detail: messages.join("; "),
                })
            }
            _ => Err(RunFailure::Api {
                detail: if messages.is_empty() {
                    "the response had neither data nor errors".into()
                } else {
                    messages.join("; ")
                },
            }),
        };
    }
    let json: Option<Value> = serde_json::from_str(body).ok();
    let detail = json
        .as_ref()
        .and_then(message_from_error_body)
        .unwrap_or_default();
    if json.is_none() && !body.trim().is_empty() && status != 413 && status < 500 {
        return Err(RunFailure::NotJson {
            status,
            snippet: snippet(body),
        });
    }
    Err(match status {
        401 | 403 => RunFailure::Unauthorized { status, detail },
        404 | 410 if sent_session => RunFailure::SessionGone { detail },
        404 => RunFailure::NotFound { detail },
        413 => RunFailure::TooLarge,
        429 => RunFailure::RateLimited {
            retry_after: retry_after.map(str::to_owned),
            detail,
        },
        400..=499 if sent_session && mentions_session(&detail) => {
            RunFailure::SessionGone { detail }
        }
        400..=499 => RunFailure::Invalid { status, detail },
        _ => RunFailure::Server { status, detail },
    })
}

fn mentions_session(text: &str) -> bool {
    let text = text.to_ascii_lowercase();
    let has = |needle: &str| text.contains(needle);
    has("session")
        && [
            "expired",
            "not found",
            "does not exist",
            "unknown",
            "invalid",
        ]
        .into_iter()
        .any(has)
}

fn snippet(body: &str) -> String {
    let trimmed = body.trim();
    match trimmed.char_indices().nth(160) {
        Some((cut, _)) => format!("{}…", &trimmed[..cut]),
        None => trimmed.to_owned(),
    }
}

impl RunFailure {
    pub fn session_lost(&self) -> bool {
        matches!(self, RunFailure::SessionGone { .. })
    }

    /// What the cell says. Never contains the key.
    pub fn message(&self) -> String {
        let with = |text: &str, detail: &str| {
            if detail.is_empty() {
                text.to_owned()
            } else {
                format!("{text} The API said: {detail}")
            }
        };
        match self {
            RunFailure::Unauthorized { status, detail } => with(
                &format!("The API refused the key ({status}). Check the API key in Settings."),
                detail,
            ),
            RunFailure::SessionGone { detail } => with(
                "The session has expired or no longer exists. The next run starts a new session; use Replay to run the earlier cells in it.",
                detail,
            ),
            RunFailure::NotFound { detail } => with(
                "The API answered 404 Not Found: check the API base in Settings.",
                detail,
            ),
            RunFailure::TooLarge => "The request is too large for the API (413). Make the code or its files smaller.".into(),
            RunFailure::Invalid { status, detail } => with(&format!("The API rejected the request ({status})."), detail),
            RunFailure::RateLimited { retry_after, detail } => with(
                &match retry_after {
                    Some(after) => format!("Rate limited (429): try again in {after} s."),
                    None => "Rate limited (429): wait a moment before running again.".into(),
                },
                detail,
            ),
            RunFailure::Server { status, detail } => with(
                &format!("The API failed ({status}). The code may or may not have run; nothing was retried."),
                detail,
            ),
            RunFailure::Network { direct_to_together: true } => "Could not reach the API. If you are online, the browser probably blocked the call (CORS): Together may not accept calls straight from a web page. Run this playground through its server (`tci-server` in proxy mode holds the key) and use it as the API base.".into(),
            RunFailure::Network { direct_to_together: false } => "Could not reach the API: the server may be down or unreachable. Your code is kept; run again when it is back.".into(),
            RunFailure::NotJson { status, snippet } => format!("The API answered {status} with something that is not TCI JSON: {snippet}"),
            RunFailure::Api { detail } => format!("The API reported an error: {detail}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_their_failures() {
        let together =
            r#"{"error":{"message":"Invalid API key provided","type":"invalid_request_error"}}"#;
        assert!(
            matches!(classify(401, together, None, false), Err(RunFailure::Unauthorized { status: 401, detail }) if detail == "Invalid API key provided")
        );
        assert!(matches!(
            classify(403, "", None, false),
            Err(RunFailure::Unauthorized { .. })
        ));
        assert!(matches!(
            classify(404, "{}", None, true),
            Err(RunFailure::SessionGone { .. })
        ));
        assert!(matches!(
            classify(410, "", None, true),
            Err(RunFailure::SessionGone { .. })
        ));
        assert!(matches!(
            classify(404, "{}", None, false),
            Err(RunFailure::NotFound { .. })
        ));
        assert_eq!(
            classify(413, "<html>too big</html>", None, false),
            Err(RunFailure::TooLarge)
        );
        assert!(matches!(
            classify(422, r#"{"errors":["code: field required"]}"#, None, false),
            Err(RunFailure::Invalid { status: 422, .. })
        ));
        assert!(
            matches!(classify(429, "{}", Some("7"), false), Err(RunFailure::RateLimited { retry_after: Some(after), .. }) if after == "7")
        );
        assert!(matches!(
            classify(502, "Bad Gateway", None, false),
            Err(RunFailure::Server { status: 502, .. })
        ));
        assert!(matches!(
            classify(400, "<html>", None, false),
            Err(RunFailure::NotJson { status: 400, .. })
        ));
        assert!(matches!(
            classify(
                400,
                r#"{"errors":["Session ses_1 has expired"]}"#,
                None,
                true
            ),
            Err(RunFailure::SessionGone { .. })
        ));
    }

    #[test]
    fn a_200_can_still_fail() {
        assert!(matches!(
            classify(200, "<!doctype html>", None, false),
            Err(RunFailure::NotJson { .. })
        ));
        assert!(
            matches!(classify(200, r#"{"data":null,"errors":["boom"]}"#, None, false), Err(RunFailure::Api { detail }) if detail == "boom")
        );
        assert!(matches!(
            classify(
                200,
                r#"{"data":null,"errors":["session not found"]}"#,
                None,
                true
            ),
            Err(RunFailure::SessionGone { .. })
        ));
        assert!(matches!(
            classify(200, r#"{}"#, None, false),
            Err(RunFailure::Api { .. })
        ));
    }

    #[test]
    fn data_with_placeholder_errors_is_kept() {
        let body = r#"{"errors":"<unknown>","data":{"outputs":[{"type":"stdout","data":"x"}],"session_id":"ses_1"}}"#;
        assert_eq!(
            classify(200, body, None, false).unwrap().session_id,
            "ses_1"
        );
    }

    #[test]
    fn messages_say_what_to_do_and_never_leak_the_key() {
        let failure = classify(401, r#"{"error":{"message":"bad"}}"#, None, false).unwrap_err();
        assert!(failure.message().contains("Settings"));
        assert!(
            RunFailure::Network {
                direct_to_together: true
            }
            .message()
            .contains("CORS")
        );
        assert!(classify(404, "", None, true).unwrap_err().session_lost());
    }
}
