use crate::json::{FromJson, Json, Object, ShapeError, ShapeErrorKind, ToJson};
use crate::{Envelope, Nullable};

/// Body of `POST /tci/execute`. Unknown members are ignored.
#[derive(Clone, Debug, PartialEq)]
pub struct ExecuteRequest {
    pub code: String,
    /// Optional on the wire: the schema gives `python` as its default.
    pub language: Language,
    /// Absent for a new session; the schema forbids `null`, so it is never
    /// written as one (a `null` read means absent).
    pub session_id: Option<String>,
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

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Language {
    #[default]
    Python,
}

/// A file written into the session's working directory before the code runs.
#[derive(Clone, Debug, PartialEq)]
pub struct FileUpload {
    pub name: String,
    pub encoding: FileEncoding,
    pub content: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
                extra: Object::new(),
            }),
            errors: Nullable::Null,
            extra: Object::new(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExecuteData {
    pub session_id: String,
    pub outputs: Vec<Output>,
    /// Unreliable upstream (`success`, `error`, `completed` and absence are
    /// all seen); shown, never relied on.
    pub status: Option<ExecutionStatus>,
    /// Members this crate does not know, kept for a lossless round trip.
    pub extra: Object,
}

#[derive(Clone, Debug, PartialEq, Eq)]
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
        data: Json,
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

/// A MIME bundle (`{"text/plain": ..., "image/png": ...}`), or the bare
/// string some responses send in its place, which means `text/plain`.
#[derive(Clone, Debug, PartialEq)]
pub enum MimeBundle {
    Map(Object),
    Text(String),
}

impl MimeBundle {
    /// The value for `mime` if it is a string (text and base64 types).
    pub fn text(&self, mime: &str) -> Option<&str> {
        match self {
            MimeBundle::Map(map) => map.get(mime).and_then(Json::as_str),
            MimeBundle::Text(text) => (mime == "text/plain").then_some(text.as_str()),
        }
    }

    /// The raw value for `mime` (JSON types are objects).
    pub fn value(&self, mime: &str) -> Option<&Json> {
        match self {
            MimeBundle::Map(map) => map.get(mime),
            MimeBundle::Text(_) => None,
        }
    }

    pub fn mime_types(&self) -> Vec<&str> {
        match self {
            MimeBundle::Map(map) => map.keys().collect(),
            MimeBundle::Text(_) => vec!["text/plain"],
        }
    }
}

impl ToJson for ExecuteRequest {
    fn to_json(&self) -> Json {
        let mut object = Object::new()
            .with("code", self.code.as_str())
            .with("language", self.language.as_str());
        if let Some(session_id) = &self.session_id {
            object.push("session_id", session_id.to_json());
        }
        if let Some(files) = &self.files {
            object.push("files", files.to_json());
        }
        Json::Object(object)
    }
}

impl FromJson for ExecuteRequest {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        let mut object = Object::from_json(json)?;
        Ok(ExecuteRequest {
            code: object.take_required("code")?,
            language: object.take_or_default("language")?,
            session_id: object.take_optional("session_id")?,
            files: object.take_optional("files")?,
        })
    }
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Python => "python",
        }
    }
}

impl FromJson for Language {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        match String::from_json(json)?.as_str() {
            "python" => Ok(Language::Python),
            other => Err(unknown_variant(other, "`python`")),
        }
    }
}

impl ToJson for FileUpload {
    fn to_json(&self) -> Json {
        Object::new()
            .with("name", self.name.as_str())
            .with("encoding", self.encoding.as_str())
            .with("content", self.content.as_str())
            .into()
    }
}

impl FromJson for FileUpload {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        let mut object = Object::from_json(json)?;
        Ok(FileUpload {
            name: object.take_required("name")?,
            encoding: object.take_required("encoding")?,
            content: object.take_required("content")?,
        })
    }
}

impl FileEncoding {
    pub fn as_str(self) -> &'static str {
        match self {
            FileEncoding::String => "string",
            FileEncoding::Base64 => "base64",
        }
    }
}

impl FromJson for FileEncoding {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        match String::from_json(json)?.as_str() {
            "string" => Ok(FileEncoding::String),
            "base64" => Ok(FileEncoding::Base64),
            other => Err(unknown_variant(other, "`string` or `base64`")),
        }
    }
}

fn unknown_variant(found: &str, expected: &'static str) -> ShapeError {
    ShapeError::new(ShapeErrorKind::UnknownVariant {
        found: found.to_owned(),
        expected,
    })
}

impl ToJson for ExecuteData {
    fn to_json(&self) -> Json {
        let mut object = Object::new()
            .with("session_id", self.session_id.as_str())
            .with("outputs", self.outputs.to_json());
        if let Some(status) = &self.status {
            object.push("status", Json::from(status.as_str()));
        }
        object.extend(self.extra.clone());
        Json::Object(object)
    }
}

impl FromJson for ExecuteData {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        let mut object = Object::from_json(json)?;
        Ok(ExecuteData {
            session_id: object.take_or_default("session_id")?,
            outputs: object.take_or_default("outputs")?,
            status: object.take_optional("status")?,
            extra: object,
        })
    }
}

/// Any string: the values this crate does not know are kept as they are.
impl FromJson for ExecutionStatus {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        let text = String::from_json(json)?;
        Ok(match text.as_str() {
            "success" => ExecutionStatus::Success,
            "error" => ExecutionStatus::Error,
            "completed" => ExecutionStatus::Completed,
            _ => ExecutionStatus::Other(text),
        })
    }
}

/// `{type, data}`; other members of an output are not kept.
impl ToJson for Output {
    fn to_json(&self) -> Json {
        let data = match self {
            Output::Stream { text, .. } | Output::Error(text) => Json::String(text.clone()),
            Output::Rich { bundle, .. } => match bundle {
                MimeBundle::Map(map) => Json::Object(map.clone()),
                MimeBundle::Text(text) => Json::String(text.clone()),
            },
            Output::Unknown { data, .. } => data.clone(),
        };
        Object::new()
            .with("type", self.type_name())
            .with("data", data)
            .into()
    }
}

/// Never fails on `data`: a shape this crate does not expect makes the
/// output [`Output::Unknown`]. Only a missing or non-string `type` fails.
impl FromJson for Output {
    fn from_json(json: Json) -> Result<Self, ShapeError> {
        let mut object = Object::from_json(json)?;
        let kind: String = object.take_required("type")?;
        let data = object.take("data")?.unwrap_or_default();
        let rich_kind = match kind.as_str() {
            "display_data" => Some(RichKind::DisplayData),
            "execute_result" => Some(RichKind::ExecuteResult),
            _ => None,
        };
        Ok(match (kind.as_str(), rich_kind, data) {
            ("stdout", _, Json::String(text)) => Output::stdout(text),
            ("stderr", _, Json::String(text)) => Output::stderr(text),
            ("error", _, Json::String(text)) => Output::Error(text),
            (_, Some(kind), Json::Object(map)) => Output::Rich {
                kind,
                bundle: MimeBundle::Map(map),
            },
            (_, Some(kind), Json::String(text)) => Output::Rich {
                kind,
                bundle: MimeBundle::Text(text),
            },
            (_, _, data) => Output::Unknown { kind, data },
        })
    }
}
