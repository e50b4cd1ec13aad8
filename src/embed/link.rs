//! What a page address carries: the widget's options (`?embed#code=…`) and
//! share links (`#z=…`), see `docs/embed.md`. Parsing and building are
//! pure; compressing a share payload is the browser's job (`ui::share`).

use base64::Engine;
use serde::{Deserialize, Serialize};
use tci_api::Output;

use crate::model::settings::Theme;

/// Widgets that name no session share this one.
pub const DEFAULT_SESSION: &str = "default";

#[derive(Clone, Debug, PartialEq)]
pub struct LinkOptions {
    pub embed: bool,
    pub code: Option<String>,
    /// A share payload, still compressed (see [`encode_payload`]).
    pub share: Option<String>,
    /// Recorded outputs as JSON text, shown until the first run.
    pub outputs: Option<String>,
    pub autorun: bool,
    pub readonly: bool,
    pub theme: Option<Theme>,
    /// `None`: the widget grows with its content.
    pub fixed_height: Option<u32>,
    pub session: String,
    pub api: Option<String>,
    pub show_key: bool,
}

impl LinkOptions {
    /// Options from a location's `search` and `hash` (with or without their
    /// leading `?`/`#`); the fragment wins where both name an option.
    pub fn parse(query: &str, fragment: &str) -> Self {
        let query = pairs(query.strip_prefix('?').unwrap_or(query));
        let fragment = pairs(fragment.strip_prefix('#').unwrap_or(fragment));
        let get = |name: &str| {
            fragment
                .iter()
                .chain(query.iter())
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        let flag = |name: &str| get(name).is_some_and(|value| !matches!(value, "0" | "false"));
        let text = |name: &str| get(name).map(str::to_owned);
        LinkOptions {
            embed: query.iter().any(|(key, _)| key == "embed"),
            code: text("code"),
            share: text("z").filter(|payload| !payload.is_empty()),
            outputs: text("outputs").filter(|outputs| !outputs.is_empty()),
            autorun: flag("autorun"),
            readonly: flag("readonly"),
            theme: get("theme").map(Theme::parse),
            fixed_height: get("height")
                .and_then(|height| pixels(height.strip_suffix("px").unwrap_or(height)))
                .filter(|height| *height > 0),
            session: get("session")
                .filter(|name| !name.is_empty())
                .unwrap_or(DEFAULT_SESSION)
                .to_owned(),
            api: text("api").filter(|api| !api.trim().is_empty()),
            show_key: flag("show-key"),
        }
    }

    /// Whether the address brings code (a share link or a `code` option).
    pub fn brings_code(&self) -> bool {
        self.code.is_some() || self.share.is_some()
    }
}

fn pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

/// Decodes `%XX` escapes and `+` (a space, as forms and `URLSearchParams`
/// write it); a malformed escape stays as it was.
pub fn percent_decode(text: &str) -> String {
    let spaced = text.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map_or_else(
            // Bytes that are not UTF-8 cannot be code; keep the text as it came.
            |_| text.to_owned(),
            std::borrow::Cow::into_owned,
        )
}

/// A whole number of pixels: ASCII digits only (no sign), at most five.
fn pixels(text: &str) -> Option<u32> {
    let digits = (1..=5).contains(&text.len()) && text.bytes().all(|byte| byte.is_ascii_digit());
    digits.then(|| text.parse().ok()).flatten()
}

/// What a share link carries, as JSON before compression: the code, and
/// the outputs unless there are none.
#[derive(Serialize)]
struct Payload<'a> {
    code: &'a str,
    #[serde(skip_serializing_if = "no_outputs")]
    outputs: &'a [Output],
}

fn no_outputs(outputs: &&[Output]) -> bool {
    outputs.is_empty()
}

#[derive(Deserialize)]
struct ReadPayload {
    code: String,
    #[serde(default)]
    outputs: Vec<Output>,
}

/// The JSON a share link carries, before compression.
pub fn encode_payload(code: &str, outputs: &[Output]) -> String {
    serde_json::to_string(&Payload { code, outputs }).unwrap_or_default()
}

/// Code and outputs of a decompressed share payload.
pub fn decode_payload(text: &str) -> Option<(String, Vec<Output>)> {
    let payload: ReadPayload = serde_json::from_str(text).ok()?;
    Some((payload.code, payload.outputs))
}

/// Recorded outputs given as JSON text (`outputs=` or `data-tci-outputs`).
pub fn decode_outputs(text: &str) -> Option<Vec<Output>> {
    serde_json::from_str(text).ok()
}

/// Share links are written in base64's URL-safe alphabet without padding
/// (nothing in it needs escaping in a URL) and read in either alphabet,
/// padded or not, since people pass links through tools that rewrite them.
const SHARE_BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    base64::engine::GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// The compressed payload of a share link's `z`; `None` unless it is
/// base64.
pub fn share_bytes(payload: &str) -> Option<Vec<u8>> {
    let url_safe: String = payload
        .chars()
        .map(|symbol| match symbol {
            '+' => '-',
            '/' => '_',
            other => other,
        })
        .collect();
    SHARE_BASE64.decode(url_safe).ok()
}

/// The full playground's address for a share link: `page` without its query
/// and fragment, plus the compressed payload.
pub fn share_link(page: &str, compressed: &[u8]) -> String {
    let end = page.find(['?', '#']).unwrap_or(page.len());
    format!("{}#z={}", &page[..end], SHARE_BASE64.encode(compressed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widget_options_from_query_and_fragment() {
        let options = LinkOptions::parse(
            "?embed&theme=light&code=ignored",
            "#code=print(%22hi%22)%0Ax%20%2B%201&autorun&readonly=0&height=240px&session=intro&show-key=1",
        );
        assert!(options.embed && options.autorun && options.show_key);
        assert!(!options.readonly);
        assert_eq!(options.code.as_deref(), Some("print(\"hi\")\nx + 1"));
        assert_eq!(options.theme, Some(Theme::Light));
        assert_eq!(options.fixed_height, Some(240));
        assert_eq!(options.session, "intro");
    }

    #[test]
    fn defaults_and_bad_values() {
        let options = LinkOptions::parse("", "");
        assert!(!options.embed && !options.autorun && !options.brings_code());
        assert_eq!(options.session, DEFAULT_SESSION);
        assert_eq!(options.fixed_height, None);
        assert_eq!(LinkOptions::parse("", "height=99999x").fixed_height, None);
        assert_eq!(LinkOptions::parse("", "height=1234567").fixed_height, None);
        let options = LinkOptions::parse("embed=1", "height=auto&session=&api=%20&theme=pink&z=");
        assert!(options.embed);
        assert_eq!(options.fixed_height, None);
        assert_eq!(options.session, DEFAULT_SESSION);
        assert_eq!(options.api, None);
        assert_eq!(options.theme, Some(Theme::System));
        assert_eq!(options.share, None);
        // `embed` selects the widget only from the query: a fragment is
        // what share links carry, and those open the full page.
        assert!(!LinkOptions::parse("", "embed").embed);
    }

    #[test]
    fn percent_coding() {
        assert_eq!(percent_decode("a%zz%4"), "a%zz%4");
        assert_eq!(percent_decode("%E2%9C%93+ok"), "✓ ok");
        assert_eq!(percent_decode("%FF%FE"), "%FF%FE");
        // What embed.js's encodeURIComponent makes of a snippet.
        assert_eq!(
            percent_decode(
                "for%20i%20in%20range(3)%3A%0A%20%20%20%20print(i%2C%20'%C3%BC'%2C%20%22%26%3D%23%3F%2B%25%22)"
            ),
            "for i in range(3):\n    print(i, 'ü', \"&=#?+%\")"
        );
    }

    #[test]
    fn payloads_round_trip() {
        let outputs = vec![
            Output::stdout("42\n"),
            Output::Error("\u{1b}[31mboom".into()),
        ];
        let json = encode_payload("print(42)", &outputs);
        assert_eq!(
            decode_payload(&json),
            Some(("print(42)".to_owned(), outputs))
        );
        let json = encode_payload("x = 1", &[]);
        assert!(!json.contains("outputs"));
        assert_eq!(
            decode_payload(&json),
            Some(("x = 1".to_owned(), Vec::new()))
        );
        assert_eq!(decode_payload("{\"outputs\": []}"), None);
        assert_eq!(decode_payload("not json"), None);
        assert_eq!(
            decode_outputs(r#"[{"type":"stdout","data":"hi\n"}]"#),
            Some(vec![Output::stdout("hi\n")])
        );
    }

    #[test]
    fn share_payloads_round_trip_and_read_either_alphabet() {
        for length in 0..=10 {
            let bytes: Vec<u8> = (0..length).map(|at| (at * 97 + 200) as u8).collect();
            let link = share_link("https://p.example/", &bytes);
            let payload = link.strip_prefix("https://p.example/#z=").unwrap();
            assert!(!payload.contains(['+', '/', '=']), "{payload}");
            assert_eq!(share_bytes(payload), Some(bytes));
        }
        assert_eq!(share_bytes("aGk/"), Some(b"hi?".to_vec()));
        assert_eq!(share_bytes("aGk_"), Some(b"hi?".to_vec()));
        assert_eq!(share_bytes("aGk="), Some(b"hi".to_vec()));
        assert_eq!(share_bytes("PHN2Zz7/"), Some(b"<svg>\xff".to_vec()));
        assert_eq!(share_bytes("a b"), None);
    }

    #[test]
    fn share_links_drop_the_old_query_and_fragment() {
        assert_eq!(
            share_link("https://play.example.com/p/?embed#code=x", b"hi?"),
            "https://play.example.com/p/#z=aGk_"
        );
        assert_eq!(
            share_link("http://127.0.0.1:8080/", b""),
            "http://127.0.0.1:8080/#z="
        );
    }
}
