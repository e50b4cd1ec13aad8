use serde::{Deserialize, Serialize};

/// `config.json`, which tci-server writes next to the app and the app reads
/// at startup: where the API is, whether the browser must send a key, which
/// backend answers, and which pages may embed the app. A static host has no
/// such file; the app then calls Together directly.
///
/// Only `apiBase` is required; unknown members are ignored, so a newer
/// server's file still reads.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppConfig {
    /// Absolute, or relative to the page (the server's `/v1`).
    pub api_base: String,
    /// The server wants a token of its own (`--token`).
    #[serde(default)]
    pub key_required: bool,
    /// `local` or `proxy`, for the status line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<String>,
    /// Who may embed the app (the server's `frame-ancestors` sources); an
    /// embedded app talks by `postMessage` with the exact origins among them.
    #[serde(default)]
    pub embed_origins: Vec<String>,
    /// The largest execute request body the API accepts, in bytes, so the
    /// app refuses too large a set of files before sending it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_limit: Option<u64>,
}

impl AppConfig {
    /// Its name next to the app's `index.html`.
    pub const FILE_NAME: &str = "config.json";

    /// The request-body limit assumed where none is known: Together does not
    /// publish one for `/tci/execute`, so proxy mode reports no more than
    /// this, and the app assumes it when it calls an API directly. The local
    /// backend's default `--body-limit` is the same 16 MiB.
    pub const DEFAULT_BODY_LIMIT: u64 = 16 << 20;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_with_its_defaults_and_writes_every_member() {
        let full: AppConfig = serde_json::from_str(
            r#"{"apiBase": "/v1", "keyRequired": false, "backend": "local", "new": 1}"#,
        )
        .unwrap();
        let local = AppConfig {
            api_base: "/v1".into(),
            key_required: false,
            backend: Some("local".into()),
            embed_origins: Vec::new(),
            body_limit: None,
        };
        assert_eq!(full, local);
        let limited: AppConfig =
            serde_json::from_str(r#"{"apiBase": "/v1", "bodyLimit": 1024}"#).unwrap();
        assert_eq!(limited.body_limit, Some(1024));
        let minimal: AppConfig = serde_json::from_str(r#"{"apiBase": "/v1"}"#).unwrap();
        assert!(!minimal.key_required && minimal.backend.is_none());
        assert!(serde_json::from_str::<AppConfig>("{}").is_err());
        assert_eq!(
            serde_json::to_value(&local).unwrap(),
            serde_json::json!({"apiBase": "/v1", "keyRequired": false, "backend": "local", "embedOrigins": []})
        );
    }
}
