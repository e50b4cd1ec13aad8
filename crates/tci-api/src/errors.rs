use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// The `errors` member of a TCI response.
///
/// The schema says a list of strings or objects; Together's generated docs
/// show the bare string `"<unknown>"`. Anything that is not a list is kept.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Errors {
    List(Vec<ErrorItem>),
    Other(Value),
}

impl Errors {
    /// Human-readable messages, one per error, in order.
    pub fn messages(&self) -> Vec<String> {
        match self {
            Errors::List(items) => items.iter().map(ErrorItem::message).collect(),
            Errors::Other(other) => vec![text_of(other)],
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Errors::List(items) if items.is_empty())
    }
}

/// Never fails on well-formed JSON: whatever `errors` holds is kept.
impl<'de> Deserialize<'de> for Errors {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(deserializer)? {
            Value::Array(items) => Errors::List(items.into_iter().map(ErrorItem::from).collect()),
            other => Errors::Other(other),
        })
    }
}

/// One entry of `errors`: a message, or an object that usually has one.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ErrorItem {
    Message(String),
    Object(Map<String, Value>),
    Other(Value),
}

impl<'de> Deserialize<'de> for ErrorItem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Value::deserialize(deserializer).map(ErrorItem::from)
    }
}

impl From<Value> for ErrorItem {
    fn from(value: Value) -> Self {
        match value {
            Value::String(text) => ErrorItem::Message(text),
            Value::Object(object) => ErrorItem::Object(object),
            other => ErrorItem::Other(other),
        }
    }
}

impl ErrorItem {
    pub fn message(&self) -> String {
        match self {
            ErrorItem::Message(text) => text.clone(),
            ErrorItem::Object(object) => object
                .get("message")
                .and_then(Value::as_str)
                .map_or_else(|| Value::Object(object.clone()).to_string(), str::to_owned),
            ErrorItem::Other(other) => other.to_string(),
        }
    }
}

/// A string as its text, anything else as compact JSON.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Together's general error object: `{"message", "type", "param", "code"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TogetherError {
    pub message: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<Value>,
}

/// The body this project's server answers a failed request with.
///
/// It is TCI's failed-execution shape (`data: null`, `errors: [...]`) and
/// also carries Together's general `error` object, so a client that knows
/// either shape finds the message; it validates against the OpenAPI schema.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    /// Always written, as `null` when `None`.
    pub data: Option<Value>,
    pub errors: Vec<ErrorItem>,
    pub error: TogetherError,
}

impl ApiError {
    /// `kind` is Together's error type (`invalid_request_error`, ...);
    /// `code` a stable machine-readable reason (`session_not_found`, ...).
    pub fn new(message: impl Into<String>, kind: &str, code: &str) -> Self {
        let message = message.into();
        let mut item = Map::new();
        item.insert("message".into(), Value::from(message.as_str()));
        item.insert("code".into(), Value::from(code));
        ApiError {
            data: None,
            errors: vec![ErrorItem::Object(item)],
            error: TogetherError {
                message,
                kind: Some(kind.into()),
                param: None,
                code: Some(Value::from(code)),
            },
        }
    }

    pub fn message(&self) -> &str {
        &self.error.message
    }
}

/// The message an error body carries, whichever of the known shapes it has:
/// TCI's `errors`, Together's `error`, or a bare `message` / `detail`.
pub fn message_from_error_body(body: &Value) -> Option<String> {
    let item_message = |item: &Value| match item {
        Value::Object(object) => object
            .get("message")
            .and_then(Value::as_str)
            .map_or_else(|| item.to_string(), str::to_owned),
        other => text_of(other),
    };
    match body.get("errors") {
        Some(Value::Array(items)) if !items.is_empty() => {
            return Some(
                items
                    .iter()
                    .map(item_message)
                    .collect::<Vec<_>>()
                    .join("; "),
            );
        }
        Some(Value::Array(_) | Value::Null) | None => {}
        Some(other) => return Some(item_message(other)),
    }
    if let Some(error) = body.get("error") {
        return match error {
            Value::String(text) => Some(text.clone()),
            other => other
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_owned),
        };
    }
    ["message", "detail"]
        .iter()
        .find_map(|key| body.get(key))
        .map(text_of)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn messages_come_from_every_known_shape() {
        let cases = [
            (r#"{"errors": ["bad key"]}"#, "bad key"),
            (r#"{"errors": [{"message": "gone", "code": 1}]}"#, "gone"),
            (r#"{"errors": "<unknown>"}"#, "<unknown>"),
            (
                r#"{"error": {"message": "Invalid API key", "type": "auth"}}"#,
                "Invalid API key",
            ),
            (r#"{"error": "plain"}"#, "plain"),
            (r#"{"detail": "Not Found"}"#, "Not Found"),
            (r#"{"message": "rate limited"}"#, "rate limited"),
        ];
        for (body, expected) in cases {
            assert_eq!(
                message_from_error_body(&serde_json::from_str(body).unwrap()).as_deref(),
                Some(expected),
                "{body}"
            );
        }
        assert_eq!(message_from_error_body(&json!({"data": {}})), None);
    }

    #[test]
    fn object_without_message_is_shown_as_json() {
        let errors: Errors = serde_json::from_str(r#"[{"code": 7}]"#).unwrap();
        assert_eq!(errors.messages(), vec![r#"{"code":7}"#.to_string()]);
    }

    #[test]
    fn api_error_carries_both_shapes() {
        let body = serde_json::to_value(ApiError::new(
            "no such session",
            "invalid_request_error",
            "session_not_found",
        ))
        .unwrap();
        assert_eq!(body.get("data"), Some(&Value::Null));
        let errors = body.get("errors").and_then(Value::as_array).unwrap();
        assert_eq!(errors[0].get("message"), Some(&json!("no such session")));
        assert_eq!(
            body.get("error").and_then(|error| error.get("code")),
            Some(&json!("session_not_found"))
        );
        assert_eq!(
            message_from_error_body(&body).as_deref(),
            Some("no such session")
        );
    }
}
