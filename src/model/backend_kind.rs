//! Which backend answers the page's runs, named for the reader: the badge
//! in the top bar and the welcome both say it.

use super::settings::{self, Backend};

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

/// `server_backend` is `config.json`'s `backend` (`local` or `proxy`).
pub fn classify(backend: Option<&Backend>, server_backend: Option<&str>) -> BackendKind {
    match backend {
        None => BackendKind::Unknown,
        Some(backend) if backend.via_server => match server_backend {
            Some("local") => BackendKind::LocalPython,
            Some("proxy") => BackendKind::TogetherViaServer,
            _ => BackendKind::Server,
        },
        Some(backend) if settings::is_together(&backend.api_base) => BackendKind::Together,
        Some(_) => BackendKind::OtherApi,
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
            _ if needs_key => format!("{name}: key needed"),
            BackendKind::Together | BackendKind::OtherApi => format!("{name} (your key)"),
            _ => name.to_owned(),
        }
    }

    /// One sentence for the welcome: where the code goes.
    pub fn explanation(self) -> &'static str {
        match self {
            BackendKind::Unknown => "Finding out which backend answers…",
            BackendKind::LocalPython => {
                "It runs in the local Python backend of this page's server: no key needed."
            }
            BackendKind::TogetherViaServer => {
                "It goes through this page's server to Together, with the server's key: you need none."
            }
            BackendKind::Server => "It goes to the API of this page's server.",
            BackendKind::Together => {
                "It goes from this page straight to Together, with your API key (Settings)."
            }
            BackendKind::OtherApi => "It goes to the API base set in Settings, with your key.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::settings::TOGETHER_API_BASE;

    fn backend(api_base: &str, key_required: bool, via_server: bool) -> Backend {
        Backend {
            api_base: api_base.into(),
            key_required,
            via_server,
        }
    }

    #[test]
    fn the_server_says_which_backend_it_is() {
        let server = backend("/v1", false, true);
        assert_eq!(
            classify(Some(&server), Some("local")),
            BackendKind::LocalPython
        );
        assert_eq!(
            classify(Some(&server), Some("proxy")),
            BackendKind::TogetherViaServer
        );
        assert_eq!(classify(Some(&server), Some("other")), BackendKind::Server);
        assert_eq!(classify(Some(&server), None), BackendKind::Server);
        assert_eq!(classify(None, Some("local")), BackendKind::Unknown);
    }

    #[test]
    fn without_a_server_the_readers_key_goes_to_together_or_their_base() {
        let together = backend(TOGETHER_API_BASE, true, false);
        assert_eq!(classify(Some(&together), None), BackendKind::Together);
        // The server's name does not matter once the reader chose a base.
        let other = backend("https://tci.example.com/v1", true, false);
        assert_eq!(classify(Some(&other), Some("local")), BackendKind::OtherApi);
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
