use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::envelope::set_once;
use crate::{Envelope, Nullable};

/// Body of `POST /tci/execute`. Unknown members are ignored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExecuteRequest {
    pub code: String,
    /// Optional on the wire: the schema gives `python` as its default.
    #[serde(default)]
    pub language: Language,
    /// Absent for a new session; the schema forbids `null`, so it is never
    /// written as one (a `null` read means absent).
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

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Python => "python",
        }
    }
}

/// A file written into the session's working directory before the code runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileUpload {
    pub name: String,
    pub encoding: FileEncoding,
    pub content: String,
}

impl FileUpload {
    /// Why a server would refuse `name` as a file's name, if it would: the
    /// file must land inside the session's folder. Sub-folders are allowed
    /// (`data/x.csv`); an empty name, a NUL byte, an absolute path, a `..`
    /// part, or a name that is only the folder itself (`.`, `./`) are not.
    /// The local backend refuses exactly these, and the app checks the same
    /// before sending.
    pub fn name_problem(name: &str) -> Option<&'static str> {
        if name.is_empty() {
            return Some("it is empty");
        }
        if name.contains('\0') {
            return Some("it contains a NUL byte");
        }
        if name.starts_with('/') {
            return Some("absolute paths would leave the session folder");
        }
        let mut parts = name
            .split('/')
            .filter(|part| !part.is_empty() && *part != ".");
        if name.split('/').any(|part| part == "..") {
            return Some("'..' would leave the session folder");
        }
        if parts.next().is_none() {
            return Some("it names the session folder itself");
        }
        None
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileEncoding {
    /// UTF-8 text.
    String,
    Base64,
}

impl FileEncoding {
    pub fn as_str(self) -> &'static str {
        match self {
            FileEncoding::String => "string",
            FileEncoding::Base64 => "base64",
        }
    }
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
    /// all seen); shown, never relied on. A `null` reads as absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ExecutionStatus>,
    /// Members this crate does not know, kept for a lossless round trip.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Member by member, like [`Envelope`]'s, for the same reason.
impl<'de> Deserialize<'de> for ExecuteData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ExecuteDataVisitor;

        impl<'de> Visitor<'de> for ExecuteDataVisitor {
            type Value = ExecuteData;

            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("the data of an execute response")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let (mut session_id, mut outputs, mut status) =
                    (Nullable::Absent, Nullable::Absent, Nullable::Absent);
                let mut extra = Map::new();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "session_id" => set_once(&mut session_id, map.next_value()?, "session_id")?,
                        "outputs" => set_once(&mut outputs, map.next_value()?, "outputs")?,
                        "status" => set_once(&mut status, map.next_value()?, "status")?,
                        _ => {
                            extra.insert(key, map.next_value()?);
                        }
                    }
                }
                Ok(ExecuteData {
                    session_id: session_id.into_option().unwrap_or_default(),
                    outputs: outputs.into_option().unwrap_or_default(),
                    status: status.into_option(),
                    extra,
                })
            }
        }

        deserializer.deserialize_map(ExecuteDataVisitor)
    }
}

/// Any string: the values this crate does not know are kept as they are.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub enum ExecutionStatus {
    Success,
    Error,
    Completed,
    Other(String),
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

impl From<String> for ExecutionStatus {
    fn from(text: String) -> Self {
        match text.as_str() {
            "success" => ExecutionStatus::Success,
            "error" => ExecutionStatus::Error,
            "completed" => ExecutionStatus::Completed,
            _ => ExecutionStatus::Other(text),
        }
    }
}

impl Serialize for ExecutionStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
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

/// An output as it travels: its `type` and whatever `data` holds. Other
/// members of an output are not kept.
#[derive(Serialize, Deserialize)]
struct WireOutput<K, D> {
    #[serde(rename = "type")]
    kind: K,
    #[serde(default)]
    data: D,
}

/// `data` as written: a text, a bundle, or what an unknown output held.
#[derive(Serialize)]
#[serde(untagged)]
enum WireData<'a> {
    Text(&'a str),
    Bundle(&'a MimeBundle),
    Other(&'a Value),
}

impl Serialize for Output {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let data = match self {
            Output::Stream { text, .. } | Output::Error(text) => WireData::Text(text),
            Output::Rich { bundle, .. } => WireData::Bundle(bundle),
            Output::Unknown { data, .. } => WireData::Other(data),
        };
        WireOutput {
            kind: self.type_name(),
            data,
        }
        .serialize(serializer)
    }
}

/// Never fails on `data`: a shape this crate does not expect makes the
/// output [`Output::Unknown`]. Only a missing or non-string `type` fails.
impl<'de> Deserialize<'de> for Output {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let WireOutput { kind, data } = WireOutput::<String, Value>::deserialize(deserializer)?;
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
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
