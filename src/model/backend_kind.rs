//! Which backend answers the page's runs, named for the reader: the badge
//! in the top bar and the welcome both say it.

use super::settings;

/// Settled when the API is (see [`settings::resolve`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendKind {
    /// `config.json` has not answered yet.
    Unknown,
    /// The server next to the page runs Python itself (`--mode local`).
    LocalPython,
    /// The server next to the page forwards to Together with its own key.
    TogetherViaServer,
    /// A server next to the page that names no backend this page knows.
    Server,
    /// The page calls Together directly, with the reader's key.
    Together,
    /// The page calls another API base set in Settings, with the reader's key.
    OtherApi,
}

/// `via_server`: the server next to the page answers the API;
/// `server_backend`: its `config.json`'s `backend` (`local` or `proxy`).
pub fn classify(via_server: bool, server_backend: Option<&str>, api_base: &str) -> BackendKind {
    match (via_server, server_backend) {
        (true, Some("local")) => BackendKind::LocalPython,
        (true, Some("proxy")) => BackendKind::TogetherViaServer,
        (true, _) => BackendKind::Server,
        (false, _) if settings::is_together(api_base) => BackendKind::Together,
        (false, _) => BackendKind::OtherApi,
    }
}

impl BackendKind {
    fn name(self) -> &'static str {
        match self {
            BackendKind::Unknown => "Finding the API…",
            BackendKind::LocalPython => "Local Python",
            BackendKind::TogetherViaServer => "Together via server",
            BackendKind::Server => "Server's API",
            BackendKind::Together => "Together",
            BackendKind::OtherApi => "Custom API",
        }
    }

    /// The badge's text; `needs_key`: a key is wanted and none is given.
    pub fn badge(self, needs_key: bool) -> String {
        let name = self.name();
        match self {
            BackendKind::Unknown => name.to_owned(),
            _ if needs_key => [name, ": key needed"].concat(),
            BackendKind::Together | BackendKind::OtherApi => [name, " (your key)"].concat(),
            _ => name.to_owned(),
        }
    }

    /// One sentence for the welcome: where the code goes.
    pub fn explanation(self) -> &'static str {
        match self {
            BackendKind::Unknown => "Finding the backend…",
            BackendKind::LocalPython => {
                "It runs in this server's local Python backend: no key needed."
            }
            BackendKind::TogetherViaServer => "This server sends it to Together with its own key.",
            BackendKind::Server => "It goes to this server's API.",
            BackendKind::Together => "It goes straight to Together, with your API key.",
            BackendKind::OtherApi => "It goes to the API base in Settings, with your key.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::settings::{TOGETHER_API_BASE, resolve};
    use tci_api::AppConfig;

    fn server(backend: Option<&str>) -> AppConfig {
        AppConfig {
            api_base: "/v1".into(),
            key_required: false,
            backend: backend.map(Into::into),
            embed_origins: Vec::new(),
            body_limit: Some(1 << 20),
        }
    }

    #[test]
    fn the_server_says_which_backend_it_is() {
        let kind = |backend| resolve(Some(&server(backend)), None).kind;
        assert_eq!(kind(Some("local")), BackendKind::LocalPython);
        assert_eq!(kind(Some("proxy")), BackendKind::TogetherViaServer);
        assert_eq!(kind(Some("other")), BackendKind::Server);
        assert_eq!(kind(None), BackendKind::Server);
        // The reader's base set to the server's own is still the server.
        let local = server(Some("local"));
        assert_eq!(
            resolve(Some(&local), Some("/v1")).kind,
            BackendKind::LocalPython
        );
    }

    #[test]
    fn without_a_server_the_readers_key_goes_to_together_or_their_base() {
        assert_eq!(resolve(None, None).kind, BackendKind::Together);
        assert_eq!(
            resolve(None, Some("https://api.together.xyz/v1")).kind,
            BackendKind::Together
        );
        // The server's name does not matter once the reader chose a base.
        let local = server(Some("local"));
        let other = resolve(Some(&local), Some("https://tci.example.com/v1"));
        assert_eq!(other.kind, BackendKind::OtherApi);
        assert_eq!(
            classify(false, None, TOGETHER_API_BASE),
            BackendKind::Together
        );
    }

    #[test]
    fn badges_name_the_backend_and_a_missing_key() {
        assert_eq!(BackendKind::LocalPython.badge(false), "Local Python");
        assert_eq!(
            BackendKind::TogetherViaServer.badge(false),
            "Together via server"
        );
        assert_eq!(BackendKind::Together.badge(false), "Together (your key)");
        assert_eq!(BackendKind::Together.badge(true), "Together: key needed");
        assert_eq!(BackendKind::OtherApi.badge(true), "Custom API: key needed");
        // A server that wants a token of its own (`--token`).
        assert_eq!(
            BackendKind::LocalPython.badge(true),
            "Local Python: key needed"
        );
        assert_eq!(BackendKind::Unknown.badge(true), "Finding the API…");
    }
}
