//! The app's side of the output frame's `postMessage` protocol
//! (`frame/frame.js` is the other; tests/contracts.rs reads both). Every
//! message is a JSON string with `"tci": PROTOCOL`: the app sends `render`
//! (one output and the theme) once the frame has loaded, and `theme` when
//! the theme changes; the frame sends `height`. Nothing a frame sends ever
//! becomes markup in the app: a height is all the app reads.

use serde_json::Value;

/// The frame document, relative to the app's page (built into
/// `renderers/` by `scripts/vendor-renderers.sh`).
pub const FRAME_URL: &str = "renderers/frame.html";

pub const PROTOCOL: u32 = 1;
pub const RENDER: &str = "render";
pub const THEME: &str = "theme";
pub const HEIGHT: &str = "height";

/// A frame's height stays within these bounds, whatever it reports.
pub const MIN_HEIGHT: u32 = 20;
pub const MAX_HEIGHT: u32 = 10_000;

/// Asks a frame to show `data`, the bundle's value for `mime`.
pub fn render_message(mime: &str, data: &Value, theme: &str) -> String {
    format!(
        r#"{{"tci":{PROTOCOL},"kind":"{RENDER}","mime":{},"theme":"{theme}","data":{}}}"#,
        Value::from(mime),
        data
    )
}

pub fn theme_message(theme: &str) -> String {
    format!(r#"{{"tci":{PROTOCOL},"kind":"{THEME}","theme":"{theme}"}}"#)
}

/// The height a frame reported, within bounds; `None` for anything else.
pub fn reported_height(message: &str) -> Option<u32> {
    let message: Value = serde_json::from_str(message).ok()?;
    if message.get("tci")?.as_u64()? != u64::from(PROTOCOL)
        || message.get("kind")?.as_str()? != HEIGHT
    {
        return None;
    }
    let height = message.get("height")?.as_f64()?;
    Some(height.clamp(f64::from(MIN_HEIGHT), f64::from(MAX_HEIGHT)) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn render_messages_carry_the_output_as_json() {
        let data = json!("<b>\"quoted\"</b>\u{2028}");
        let message: Value =
            serde_json::from_str(&render_message("text/html", &data, "dark")).unwrap();
        assert_eq!(
            message,
            json!({"tci": 1, "kind": "render", "mime": "text/html", "theme": "dark", "data": data})
        );
        let message: Value = serde_json::from_str(&theme_message("light")).unwrap();
        assert_eq!(
            message,
            json!({"tci": 1, "kind": "theme", "theme": "light"})
        );
    }

    #[test]
    fn only_a_height_of_this_protocol_is_read() {
        assert_eq!(
            reported_height(r#"{"tci":1,"kind":"height","height":312.4}"#),
            Some(312)
        );
        assert_eq!(
            reported_height(r#"{"tci":1,"kind":"height","height":1e9}"#),
            Some(MAX_HEIGHT)
        );
        assert_eq!(
            reported_height(r#"{"tci":1,"kind":"height","height":-5}"#),
            Some(MIN_HEIGHT)
        );
        for other in [
            r#"{"tci":2,"kind":"height","height":100}"#,
            r#"{"kind":"height","height":100}"#,
            r#"{"tci":1,"kind":"render","height":100}"#,
            r#"{"tci":1,"kind":"height","height":"100"}"#,
            r#"{"tci":1,"kind":"height","html":"<img src=x onerror=alert(1)>"}"#,
            "300",
            "not json",
        ] {
            assert_eq!(reported_height(other), None, "{other}");
        }
    }
}
