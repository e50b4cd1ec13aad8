use crate::json::{FromJson, Json, Object, ShapeError, ToJson};

/// The `errors` member of a TCI response.
///
/// The schema says a list of strings or objects; Together's generated docs
/// show the bare string `"<unknown>"`. Anything that is not a list is kept.
#[derive(Clone, Debug, PartialEq)]
pub enum Errors {
    List(Vec<ErrorItem>),
    Other(Json),
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

/// One entry of `errors`: a message, or an object that usually has one.
#[derive(Clone, Debug, PartialEq)]
pub enum ErrorItem {
    Message(String),
    Object(Object),
    Other(Json),
}

impl ToJson for Errors {
    fn to_json(&self) -> Json {
        match self {
            Errors::List(items) => items.to_json(),
            Errors::Other(other) => other.clone(),
        }
    }
}

/// Never fails: whatever `errors` holds is kept.
impl FromJson for Errors {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        Ok(match json {
            Json::Array(items) => Errors::List(items.into_iter().map(ErrorItem::from).collect()),
            other => Errors::Other(other),
        })
    }
}

impl ToJson for ErrorItem {
    fn to_json(&self) -> Json {
        match self {
            ErrorItem::Message(text) => Json::String(text.clone()),
            ErrorItem::Object(object) => Json::Object(object.clone()),
            ErrorItem::Other(other) => other.clone(),
        }
    }
}

impl From<Json> for ErrorItem {
    fn from(value: Json) -> Self {
        match value {
            Json::String(text) => ErrorItem::Message(text),
            Json::Object(object) => ErrorItem::Object(object),
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
                .and_then(Json::as_str)
                .map_or_else(|| Json::Object(object.clone()).compact(), str::to_owned),
            ErrorItem::Other(other) => other.compact(),
        }
    }
}

/// A string as its text, anything else as compact JSON.
fn text_of(value: &Json) -> String {
    match value {
        Json::String(text) => text.clone(),
        other => other.compact(),
    }
}

/// Together's general error object: `{"message", "type", "param", "code"}`.
#[derive(Clone, Debug, PartialEq)]
pub struct TogetherError {
    pub message: String,
    /// `type` on the wire.
    pub kind: Option<String>,
    pub param: Option<Json>,
    pub code: Option<Json>,
}

impl ToJson for TogetherError {
    fn to_json(&self) -> Json {
        let mut object = Object::new().with("message", self.message.as_str());
        let optional = [
            ("type", self.kind.as_deref().map(Json::from)),
            ("param", self.param.clone()),
            ("code", self.code.clone()),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                object.push(name, value);
            }
        }
        Json::Object(object)
    }
}

/// The body this project's server answers a failed request with.
///
/// It is TCI's failed-execution shape (`data: null`, `errors: [...]`) and
/// also carries Together's general `error` object, so a client that knows
/// either shape finds the message; it validates against the OpenAPI schema.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub data: Option<Json>,
    pub errors: Vec<ErrorItem>,
    pub error: TogetherError,
}

impl ApiError {
    /// `kind` is Together's error type (`invalid_request_error`, ...);
    /// `code` a stable machine-readable reason (`session_not_found`, ...).
    pub fn new(message: impl Into<String>, kind: &str, code: &str) -> Self {
        let message = message.into();
        let item = Object::new()
            .with("message", message.as_str())
            .with("code", code);
        ApiError {
            data: None,
            errors: vec![ErrorItem::Object(item)],
            error: TogetherError {
                message,
                kind: Some(kind.into()),
                param: None,
                code: Some(Json::from(code)),
            },
        }
    }

    pub fn message(&self) -> &str {
        &self.error.message
    }
}

impl ToJson for ApiError {
    fn to_json(&self) -> Json {
        Object::new()
            .with("data", self.data.to_json())
            .with("errors", self.errors.to_json())
            .with("error", self.error.to_json())
            .into()
    }
}

/// The message an error body carries, whichever of the known shapes it has:
/// TCI's `errors`, Together's `error`, or a bare `message` / `detail`.
pub fn message_from_error_body(body: &Json) -> Option<String> {
    let item_message = |item: &Json| match item {
        Json::Object(object) => object
            .get("message")
            .and_then(Json::as_str)
            .map_or_else(|| item.compact(), str::to_owned),
        other => text_of(other),
    };
    match body.get("errors") {
        Some(Json::Array(items)) if !items.is_empty() => {
            return Some(
                items
                    .iter()
                    .map(item_message)
                    .collect::<Vec<_>>()
                    .join("; "),
            );
        }
        Some(Json::Array(_) | Json::Null) | None => {}
        Some(other) => return Some(item_message(other)),
    }
    if let Some(error) = body.get("error") {
        return match error {
            Json::String(text) => Some(text.clone()),
            other => other
                .get("message")
                .and_then(Json::as_str)
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
    use crate::json;

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
                message_from_error_body(&json::parse(body).unwrap()).as_deref(),
                Some(expected),
                "{body}"
            );
        }
        assert_eq!(
            message_from_error_body(&json::parse(r#"{"data": {}}"#).unwrap()),
            None
        );
    }

    #[test]
    fn object_without_message_is_shown_as_json() {
        let errors: Errors = json::from_str(r#"[{"code": 7}]"#).unwrap();
        assert_eq!(errors.messages(), vec![r#"{"code":7}"#.to_string()]);
    }

    #[test]
    fn api_error_carries_both_shapes() {
        let body = ApiError::new(
            "no such session",
            "invalid_request_error",
            "session_not_found",
        )
        .to_json();
        assert_eq!(body.get("data"), Some(&Json::Null));
        let errors = body.get("errors").and_then(Json::as_array).unwrap();
        assert_eq!(
            errors[0].get("message"),
            Some(&Json::from("no such session"))
        );
        assert_eq!(
            body.get("error").and_then(|error| error.get("code")),
            Some(&Json::from("session_not_found"))
        );
        assert_eq!(
            message_from_error_body(&body).as_deref(),
            Some("no such session")
        );
    }
}
