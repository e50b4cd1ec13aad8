use serde::{Deserialize, Serialize};
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
            Errors::Other(Value::String(text)) => vec![text.clone()],
            Errors::Other(other) => vec![other.to_string()],
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Errors::List(items) if items.is_empty())
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

// Read through `Value` rather than `untagged`: same result, far less code.
impl<'de> Deserialize<'de> for Errors {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(deserializer)? {
            Value::Array(items) => Errors::List(items.into_iter().map(ErrorItem::from).collect()),
            other => Errors::Other(other),
        })
    }
}

impl<'de> Deserialize<'de> for ErrorItem {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
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

/// Together's general error body: `{"error": {"message", "type", "param", "code"}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TogetherErrorBody {
    pub error: TogetherError,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TogetherError {
    #[serde(default)]
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
        item.insert("message".into(), Value::String(message.clone()));
        item.insert("code".into(), Value::String(code.into()));
        ApiError {
            data: None,
            errors: vec![ErrorItem::Object(item)],
            error: TogetherError {
                message,
                kind: Some(kind.into()),
                param: None,
                code: Some(Value::String(code.into())),
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
    // Walks the JSON by hand rather than through `Errors`' deserializer: the
    // browser build then carries one deserializer less.
    let item_message = |item: &Value| match item {
        Value::String(text) => text.clone(),
        Value::Object(object) => object
            .get("message")
            .and_then(Value::as_str)
            .map_or_else(|| item.to_string(), str::to_owned),
        other => other.to_string(),
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
        .find_map(|key| body.get(*key))
        .map(|value| match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn messages_come_from_every_known_shape() {
        let cases = [
            (json!({"errors": ["bad key"]}), "bad key"),
            (json!({"errors": [{"message": "gone", "code": 1}]}), "gone"),
            (json!({"errors": "<unknown>"}), "<unknown>"),
            (
                json!({"error": {"message": "Invalid API key", "type": "auth"}}),
                "Invalid API key",
            ),
            (json!({"error": "plain"}), "plain"),
            (json!({"detail": "Not Found"}), "Not Found"),
            (json!({"message": "rate limited"}), "rate limited"),
        ];
        for (body, expected) in cases {
            assert_eq!(
                message_from_error_body(&body).as_deref(),
                Some(expected),
                "{body}"
            );
        }
        assert_eq!(message_from_error_body(&json!({"data": {}})), None);
    }

    #[test]
    fn object_without_message_is_shown_as_json() {
        let errors: Errors = serde_json::from_value(json!([{"code": 7}])).unwrap();
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
        assert_eq!(body["data"], Value::Null);
        assert_eq!(body["errors"][0]["message"], "no such session");
        assert_eq!(body["error"]["code"], "session_not_found");
        assert_eq!(
            message_from_error_body(&body).as_deref(),
            Some("no such session")
        );
    }
}
