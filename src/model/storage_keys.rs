//! Every key the page uses in the browser's localStorage and
//! sessionStorage, in one place: the app and its browser tests both read
//! them from here.

/// The scrollback, session and history (see [`crate::model::storage`]).
pub const SCROLLBACK: &str = "tci-playground";
/// The editor's text, kept apart from the scrollback because it is saved
/// on every keystroke.
pub const DRAFT: &str = "tci-playground-draft";
/// The user's own API base (Settings).
pub const API_BASE: &str = "tci-playground-api-base";
/// The user's API key: in localStorage with "remember on this device",
/// otherwise in sessionStorage.
pub const API_KEY: &str = "tci-playground-api-key";
pub const THEME: &str = "tci-playground-theme";

/// Where widgets of one session name keep that session's id (widgets store
/// nothing else).
pub fn widget_session(session_name: &str) -> String {
    format!("tci-widget-session:{session_name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_keys_collide() {
        let keys = [
            SCROLLBACK.to_owned(),
            DRAFT.to_owned(),
            API_BASE.to_owned(),
            API_KEY.to_owned(),
            THEME.to_owned(),
            widget_session(""),
            widget_session("tci-playground"),
        ];
        for (i, key) in keys.iter().enumerate() {
            assert!(!keys[i + 1..].contains(key), "{key} is used twice");
        }
    }
}
