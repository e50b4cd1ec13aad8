use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::members::{read_members, take};
use crate::{Envelope, Nullable};

/// Body of `POST /tci/execute`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExecuteRequest {
    pub code: String,
    /// Optional on the wire: the schema gives `python` as its default.
    #[serde(default)]
    pub language: Language,
    /// Absent for a new session; the schema forbids `null`, so it is never
    /// written as one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<FileUpload>>,
}

impl ExecuteRequest {
    pub fn python(code: impl Into<String>, session_id: Option<String>) -> Self {
        ExecuteRequest {
            code: code.into(),
            language: Language::Python,
            session_id,
            files: None,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Python,
}

/// A file written into the session's working directory before the code runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileUpload {
    pub name: String,
    pub encoding: FileEncoding,
    pub content: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileEncoding {
    /// UTF-8 text.
    String,
    Base64,
}

/// Response of `POST /tci/execute`.
pub type ExecuteResponse = Envelope<ExecuteData>;

impl ExecuteResponse {
    /// A successful response in the exact shape the OpenAPI schema requires
    /// (`errors` present and `null`).
    pub fn success(session_id: impl Into<String>, outputs: Vec<Output>) -> Self {
        Envelope {
            data: Nullable::Value(ExecuteData {
                session_id: session_id.into(),
                outputs,
                status: Some(ExecutionStatus::Success),
                extra: Map::new(),
            }),
            errors: Nullable::Null,
            extra: Map::new(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ExecuteData {
    #[serde(default)]
    pub session_id: String,
    #[serde(default)]
    pub outputs: Vec<Output>,
    /// Unreliable upstream (`success`, `error`, `completed` and absence are
    /// all seen); shown, never relied on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ExecutionStatus>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExecutionStatus {
    Success,
    Error,
    Completed,
    Other(String),
}

impl<'de> Deserialize<'de> for ExecuteData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = ExecuteData;
            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("an execution result object")
            }
            fn visit_map<A: MapAccess<'de>>(self, access: A) -> Result<ExecuteData, A::Error> {
                let (mut session_id, mut outputs, mut status) = (None, None, None);
                let extra = read_members(access, |key, access| match key {
                    "session_id" => take(access, &mut session_id, "session_id"),
                    "outputs" => take(access, &mut outputs, "outputs"),
                    "status" => take(access, &mut status, "status"),
                    _ => Ok(false),
                })?;
                Ok(ExecuteData {
                    session_id: session_id.unwrap_or_default(),
                    outputs: outputs.unwrap_or_default(),
                    status: status.flatten(),
                    extra,
                })
            }
        }
        deserializer.deserialize_map(Visit)
    }
}

impl ExecutionStatus {
    pub fn as_str(&self) -> &str {
        match self {
            ExecutionStatus::Success => "success",
            ExecutionStatus::Error => "error",
            ExecutionStatus::Completed => "completed",
            ExecutionStatus::Other(other) => other,
        }
    }
}

impl Serialize for ExecutionStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ExecutionStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match String::deserialize(deserializer)?.as_str() {
            "success" => ExecutionStatus::Success,
            "error" => ExecutionStatus::Error,
            "completed" => ExecutionStatus::Completed,
            other => ExecutionStatus::Other(other.to_owned()),
        })
    }
}

/// One output of an execution, `{type, data}` on the wire.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    Stream {
        name: StreamName,
        text: String,
    },
    /// A traceback, possibly with ANSI colour escapes.
    Error(String),
    Rich {
        kind: RichKind,
        bundle: MimeBundle,
    },
    /// An output type this crate does not know, or a known type whose `data`
    /// has an unexpected shape: kept verbatim so it can still be shown.
    Unknown {
        kind: String,
        data: Value,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamName {
    Stdout,
    Stderr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RichKind {
    DisplayData,
    ExecuteResult,
}

impl Output {
    pub fn stdout(text: impl Into<String>) -> Self {
        Output::Stream {
            name: StreamName::Stdout,
            text: text.into(),
        }
    }

    pub fn stderr(text: impl Into<String>) -> Self {
        Output::Stream {
            name: StreamName::Stderr,
            text: text.into(),
        }
    }

    /// The wire `type`.
    pub fn type_name(&self) -> &str {
        match self {
            Output::Stream {
                name: StreamName::Stdout,
                ..
            } => "stdout",
            Output::Stream {
                name: StreamName::Stderr,
                ..
            } => "stderr",
            Output::Error(_) => "error",
            Output::Rich {
                kind: RichKind::DisplayData,
                ..
            } => "display_data",
            Output::Rich {
                kind: RichKind::ExecuteResult,
                ..
            } => "execute_result",
            Output::Unknown { kind, .. } => kind,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct RawOutput {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    data: Value,
}

impl Serialize for Output {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let data = match self {
            Output::Stream { text, .. } | Output::Error(text) => Value::String(text.clone()),
            Output::Rich { bundle, .. } => match bundle {
                MimeBundle::Map(map) => Value::Object(map.clone()),
                MimeBundle::Text(text) => Value::String(text.clone()),
            },
            Output::Unknown { data, .. } => data.clone(),
        };
        RawOutput {
            kind: self.type_name().to_owned(),
            data,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Output {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let RawOutput { kind, data } = RawOutput::deserialize(deserializer)?;
        let rich_kind = match kind.as_str() {
            "display_data" => Some(RichKind::DisplayData),
            "execute_result" => Some(RichKind::ExecuteResult),
            _ => None,
        };
        Ok(match (kind.as_str(), rich_kind, data) {
            ("stdout", _, Value::String(text)) => Output::stdout(text),
            ("stderr", _, Value::String(text)) => Output::stderr(text),
            ("error", _, Value::String(text)) => Output::Error(text),
            (_, Some(kind), Value::Object(map)) => Output::Rich {
                kind,
                bundle: MimeBundle::Map(map),
            },
            (_, Some(kind), Value::String(text)) => Output::Rich {
                kind,
                bundle: MimeBundle::Text(text),
            },
            (_, _, data) => Output::Unknown { kind, data },
        })
    }
}

/// A MIME bundle (`{"text/plain": ..., "image/png": ...}`), or the bare
/// string some responses send in its place, which means `text/plain`.
#[derive(Clone, Debug, PartialEq)]
pub enum MimeBundle {
    Map(Map<String, Value>),
    Text(String),
}

impl MimeBundle {
    /// The value for `mime` if it is a string (text and base64 types).
    pub fn text(&self, mime: &str) -> Option<&str> {
        match self {
            MimeBundle::Map(map) => map.get(mime).and_then(Value::as_str),
            MimeBundle::Text(text) => (mime == "text/plain").then_some(text.as_str()),
        }
    }

    /// The raw value for `mime` (JSON types are objects).
    pub fn value(&self, mime: &str) -> Option<&Value> {
        match self {
            MimeBundle::Map(map) => map.get(mime),
            MimeBundle::Text(_) => None,
        }
    }

    pub fn mime_types(&self) -> Vec<&str> {
        match self {
            MimeBundle::Map(map) => map.keys().map(String::as_str).collect(),
            MimeBundle::Text(_) => vec!["text/plain"],
        }
    }
}
