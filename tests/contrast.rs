//! Fast tier: the stylesheet's colours meet WCAG 2.1 AA contrast (4.5:1 for
//! text, 3:1 for the focus ring) in both themes. axe-core checks the colours
//! a page happens to show (the end-to-end tests); this checks every colour of
//! the palette against every background it can sit on, traceback colours
//! that no test output uses included.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashMap;
use std::path::Path;

const TEXT: f64 = 4.5;
const NON_TEXT: f64 = 3.0;

/// `--name: light-dark(#light, #dark)` and `--name: #both` from `:root`.
fn palette() -> HashMap<String, [String; 2]> {
    let css = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("style/main.css"))
        .expect("style/main.css");
    let root = css
        .split_once(":root {")
        .and_then(|(_, rest)| rest.split_once('}'))
        .expect("a :root block")
        .0;
    let mut colours = HashMap::new();
    for declaration in without_comments(root).split(';') {
        let Some((name, value)) = declaration.trim().split_once(':') else {
            continue;
        };
        let Some(name) = name.trim().strip_prefix("--") else {
            continue;
        };
        let value = value.trim();
        let pair = match value
            .strip_prefix("light-dark(")
            .and_then(|inner| inner.strip_suffix(')'))
        {
            Some(inner) => {
                let (light, dark) = inner.split_once(',').expect("two colours");
                [light.trim().to_owned(), dark.trim().to_owned()]
            }
            None => [value.to_owned(), value.to_owned()],
        };
        if pair
            .iter()
            .all(|colour| colour.starts_with('#') && colour.len() == 7)
        {
            colours.insert(name.to_owned(), pair);
        }
    }
    colours
}

fn without_comments(css: &str) -> String {
    let mut kept = String::new();
    let mut rest = css;
    while let Some((before, after)) = rest.split_once("/*") {
        kept.push_str(before);
        rest = after.split_once("*/").expect("a closed comment").1;
    }
    kept.push_str(rest);
    kept
}

fn luminance(hex: &str) -> f64 {
    let channel = |at: usize| {
        let value = f64::from(u8::from_str_radix(&hex[at..at + 2], 16).expect("hex")) / 255.0;
        if value <= 0.04045 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (a, b) = (luminance(a), luminance(b));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// Every failing pair of `foregrounds` on `backgrounds`, in both themes.
fn failures(
    colours: &HashMap<String, [String; 2]>,
    foregrounds: &[String],
    backgrounds: &[String],
    minimum: f64,
) -> Vec<String> {
    let colour = |name: &str, theme: usize| {
        colours
            .get(name)
            .unwrap_or_else(|| panic!("--{name} is not in :root"))[theme]
            .clone()
    };
    let mut failed = Vec::new();
    for (theme, theme_name) in ["light", "dark"].into_iter().enumerate() {
        for foreground in foregrounds {
            for background in backgrounds {
                let ratio = contrast(&colour(foreground, theme), &colour(background, theme));
                if ratio < minimum {
                    failed.push(format!(
                        "{theme_name}: --{foreground} on --{background} is {ratio:.2}:1"
                    ));
                }
            }
        }
    }
    failed
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|name| (*name).to_owned()).collect()
}

/// `.ansi-bg-N { background: color-mix(in srgb, var(--X) P%, var(--Y)); }`
/// as (X, P, Y).
fn tint_rule(css: &str, n: u8) -> (String, u32, String) {
    let rule = format!(".ansi-bg-{n} {{ background: color-mix(in srgb, var(--");
    let after = css
        .split_once(&rule)
        .unwrap_or_else(|| panic!("no color-mix rule for .ansi-bg-{n}"))
        .1;
    let (tinted, after) = after.split_once(") ").expect("the tint's colour");
    let (percent, after) = after.split_once("%, var(--").expect("the tint's share");
    let (base, _) = after.split_once("))").expect("the colour under the tint");
    (
        tinted.to_owned(),
        percent.parse().expect("a whole percentage"),
        base.to_owned(),
    )
}

/// CSS `color-mix(in srgb, a p%, b)`: each gamma-encoded channel mixed.
fn mix(a: &str, percent: u32, b: &str) -> String {
    let channel =
        |hex: &str, at: usize| f64::from(u8::from_str_radix(&hex[at..at + 2], 16).expect("hex"));
    let share = f64::from(percent) / 100.0;
    let mixed: Vec<String> = [1, 3, 5]
        .into_iter()
        .map(|at| {
            format!(
                "{:02x}",
                (channel(a, at) * share + channel(b, at) * (1.0 - share)).round() as u8
            )
        })
        .collect();
    format!("#{}", mixed.concat())
}

#[test]
fn terminal_colours_read_on_every_background_of_their_theme() {
    let mut colours = palette();
    let css = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("style/main.css"))
        .expect("style/main.css");
    let mut backgrounds = names(&["bg", "panel", "code-bg"]);
    for n in 0..16 {
        let (tinted, percent, base) = tint_rule(&css, n);
        assert_eq!(
            tinted,
            format!("ansi-{n}"),
            "a background tints its own colour"
        );
        let tint =
            [0, 1].map(|theme| mix(&colours[&tinted][theme], percent, &colours[&base][theme]));
        colours.insert(format!("tint-{n}"), tint);
        backgrounds.push(format!("tint-{n}"));
    }
    let foregrounds: Vec<String> = (0..16).map(|n| format!("ansi-{n}")).collect();
    let failed = failures(&colours, &foregrounds, &backgrounds, TEXT);
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
fn page_text_and_code_read_on_their_backgrounds() {
    let colours = palette();
    let text = names(&[
        "text",
        "muted",
        "accent",
        "error",
        "tok-keyword",
        "tok-builtin",
        "tok-string",
        "tok-number",
        "tok-comment",
        "tok-decorator",
        "tok-definition",
        "tok-operator",
    ]);
    let failed = failures(&colours, &text, &names(&["bg", "panel", "code-bg"]), TEXT);
    assert!(failed.is_empty(), "{failed:#?}");
    let stderr = failures(&colours, &names(&["text"]), &names(&["stderr-bg"]), TEXT);
    assert!(stderr.is_empty(), "{stderr:#?}");
    let run = failures(
        &colours,
        &names(&["accent-text"]),
        &names(&["primary"]),
        TEXT,
    );
    assert!(run.is_empty(), "{run:#?}");
}

#[test]
fn the_focus_ring_stands_out_from_every_background() {
    let colours = palette();
    let failed = failures(
        &colours,
        &names(&["focus"]),
        &names(&["bg", "panel", "code-bg"]),
        NON_TEXT,
    );
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
fn contrast_is_computed_as_wcag_defines_it() {
    assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 1e-9);
    assert!((contrast("#777777", "#ffffff") - 4.48).abs() < 0.01);
    let colours = palette();
    assert_eq!(colours["ansi-0"], ["#24292f", "#939ca6"]);
    assert_eq!(colours["accent-text"], ["#ffffff", "#ffffff"]);
    assert_eq!(
        colours
            .keys()
            .filter(|name| name.starts_with("ansi-"))
            .count(),
        16
    );
    assert_eq!(mix("#000000", 10, "#ffffff"), "#e6e6e6");
    assert_eq!(mix("#7d4e00", 10, "#ffffff"), "#f2ede6");
}
