//! Where the API is and whether a key is needed: the server's
//! `config.json` when a server fronts the API, otherwise Together directly
//! with the user's key. The user's own API base overrides both.

use tci_api::AppConfig;

use super::backend_kind::{self, BackendKind};

pub const TOGETHER_API_BASE: &str = "https://api.together.ai/v1";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backend {
    /// Absolute, or relative to the page (a server's `/v1`).
    pub api_base: String,
    pub key_required: bool,
    /// A server next to the app answers the API (no key in the browser).
    pub via_server: bool,
    /// Which backend that is, as the page names it.
    pub kind: BackendKind,
    /// The largest request body it accepts, in bytes: the server's figure,
    /// or [`AppConfig::DEFAULT_BODY_LIMIT`] for an API called directly.
    pub body_limit: u64,
}

pub fn resolve(server: Option<&AppConfig>, user_api_base: Option<&str>) -> Backend {
    let user_api_base = user_api_base.map(str::trim).filter(|base| !base.is_empty());
    let (api_base, key_required, via_server) = match (server, user_api_base) {
        (_, Some(base)) => (
            base.to_owned(),
            server.is_none_or(|server| server.api_base != base || server.key_required),
            server.is_some_and(|server| server.api_base == base),
        ),
        (Some(server), None) => (server.api_base.clone(), server.key_required, true),
        (None, None) => (TOGETHER_API_BASE.to_owned(), true, false),
    };
    let server_backend = server
        .filter(|_| via_server)
        .and_then(|server| server.backend.as_deref());
    let body_limit = server
        .filter(|_| via_server)
        .and_then(|server| server.body_limit)
        .unwrap_or(AppConfig::DEFAULT_BODY_LIMIT);
    Backend {
        kind: backend_kind::classify(via_server, server_backend, &api_base),
        body_limit,
        api_base,
        key_required,
        via_server,
    }
}

pub fn endpoint(api_base: &str, path: &str) -> String {
    format!("{}{path}", api_base.trim_end_matches('/'))
}

/// A direct call to Together, where a failed fetch is most likely CORS.
pub fn is_together(api_base: &str) -> bool {
    // The host, compared by its end: Together's name elsewhere in the
    // address (a path, a query) does not make it Together.
    let after_scheme = ["https://", "http://"]
        .into_iter()
        .find_map(|scheme| api_base.strip_prefix(scheme))
        .unwrap_or(api_base);
    let host = after_scheme.split(['/', ':']).next().unwrap_or_default();
    host.ends_with("api.together.ai") || host.ends_with("api.together.xyz")
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn parse(text: &str) -> Theme {
        match text {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// `ses_CM42NfvvzCab123` shown as `ses_CM42…b123`.
pub fn short_session_id(id: &str) -> String {
    // Byte offsets of the 9th character and of the 4th from the end.
    let head_end = id.char_indices().nth(8).map(|(at, _)| at);
    let tail_start = id.char_indices().nth_back(3).map(|(at, _)| at);
    match (head_end, tail_start) {
        (Some(head_end), Some(tail_start)) if id[..tail_start].chars().count() > 10 => {
            let mut short = String::with_capacity(head_end + 3 + id.len() - tail_start);
            short.push_str(&id[..head_end]);
            short.push('…');
            short.push_str(&id[tail_start..]);
            short
        }
        _ => id.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local() -> AppConfig {
        AppConfig {
            api_base: "/v1".into(),
            key_required: false,
            backend: Some("local".into()),
            embed_origins: Vec::new(),
            body_limit: Some(1 << 20),
        }
    }

    #[test]
    fn a_server_means_no_key() {
        let backend = resolve(Some(&local()), None);
        assert_eq!(backend.api_base, "/v1");
        assert!(!backend.key_required && backend.via_server);
        assert_eq!(backend.body_limit, 1 << 20);
    }

    #[test]
    fn no_server_means_together_with_a_key() {
        let backend = resolve(None, None);
        assert_eq!(backend.api_base, TOGETHER_API_BASE);
        assert!(backend.key_required && !backend.via_server);
        assert_eq!(backend.body_limit, AppConfig::DEFAULT_BODY_LIMIT);
    }

    #[test]
    fn the_users_base_wins() {
        let backend = resolve(Some(&local()), Some(" https://tci.example.com/v1 "));
        assert_eq!(backend.api_base, "https://tci.example.com/v1");
        assert!(backend.key_required && !backend.via_server);
        assert!(!resolve(Some(&local()), Some("/v1")).key_required);
        assert_eq!(resolve(None, Some("")).api_base, TOGETHER_API_BASE);
    }

    #[test]
    fn endpoints_and_short_ids() {
        assert_eq!(endpoint("/v1/", "/tci/execute"), "/v1/tci/execute");
        assert_eq!(
            endpoint(TOGETHER_API_BASE, "/tci/sessions"),
            "https://api.together.ai/v1/tci/sessions"
        );
        assert_eq!(short_session_id("ses_CM42NfvvzCab123"), "ses_CM42…b123");
        assert_eq!(short_session_id("test_session"), "test_session");
        // Up to 14 characters stay whole; characters, not bytes, count.
        assert_eq!(short_session_id("abcdefghijklmn"), "abcdefghijklmn");
        assert_eq!(short_session_id("abcdefghijklmno"), "abcdefgh…lmno");
        assert_eq!(short_session_id("ééééééééééééééé"), "éééééééé…éééé");
        assert!(is_together(TOGETHER_API_BASE) && !is_together("/v1"));
        assert!(is_together("https://api.together.xyz:443/v1/"));
        assert!(!is_together(
            "https://tci.example.com/v1?via=api.together.ai"
        ));
    }
}
