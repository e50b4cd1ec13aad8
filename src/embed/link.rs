//! What a page address carries: the widget's options (`?embed#code=…`) and
//! share links (`#z=…`), see `docs/embed.md`. Parsing and building are
//! pure; compressing a share payload is the browser's job (`ui::share`).

use tci_api::Output;
use tci_api::json::{self, FromJson, Json, Object, ToJson};

use crate::base64::{self, Alphabet};
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
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => decoded.push(b' '),
            b'%' if index + 2 < bytes.len() => {
                match (hex_value(bytes[index + 1]), hex_value(bytes[index + 2])) {
                    (Some(high), Some(low)) => {
                        decoded.push(high << 4 | low);
                        index += 2;
                    }
                    _ => decoded.push(b'%'),
                }
            }
            byte => decoded.push(byte),
        }
        index += 1;
    }
    // Bytes that are not UTF-8 cannot be code; keep the text as it came.
    String::from_utf8(decoded).unwrap_or_else(|_| text.to_owned())
}

/// A whole number of pixels: ASCII digits only, at most five of them.
fn pixels(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 5 {
        return None;
    }
    text.bytes().try_fold(0, |value, digit| {
        digit
            .is_ascii_digit()
            .then(|| value * 10 + u32::from(digit - b'0'))
    })
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// The JSON a share link carries, before compression.
pub fn encode_payload(code: &str, outputs: &[Output]) -> String {
    let mut payload = Object::new().with("code", code);
    if !outputs.is_empty() {
        payload.push("outputs", outputs.to_json());
    }
    Json::from(payload).compact()
}

/// Code and outputs of a decompressed share payload.
pub fn decode_payload(text: &str) -> Option<(String, Vec<Output>)> {
    let mut payload = Object::from_json(json::parse(text).ok()?).ok()?;
    let code = payload.take_required("code").ok()?;
    let outputs = payload.take_or_default("outputs").ok()?;
    Some((code, outputs))
}

/// Recorded outputs given as JSON text (`outputs=` or `data-tci-outputs`).
pub fn decode_outputs(text: &str) -> Option<Vec<Output>> {
    json::from_str(text).ok()
}

/// The full playground's address for a share link: `page` without its query
/// and fragment, plus the compressed payload.
pub fn share_link(page: &str, compressed: &[u8]) -> String {
    let end = page.find(['?', '#']).unwrap_or(page.len());
    format!(
        "{}#z={}",
        &page[..end],
        base64::encode(compressed, Alphabet::UrlSafe)
    )
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
