//! ANSI SGR escapes to styled spans.
//!
//! Python and IPython tracebacks arrive coloured with terminal escape codes.
//! The playground shows them as HTML, so the colour and attribute changes
//! (SGR, `ESC[...m`) become [`Style`]s, and every other control sequence
//! (cursor moves, window titles, hyperlinks) is dropped: it means nothing in a
//! page and must never reach it raw.
//!
//! Every colour is shown as one of the 16 basic ones, as a CSS class, so the
//! theme decides it: the stylesheet's palette keeps each hue and reads at
//! 4.5:1 or better on both themes (a test checks). 256-palette and true
//! colours go to the basic colour of their hue and lightness: IPython 9
//! highlights the source lines of a traceback with the 256 palette (its
//! near-white 255 on a white page, its light cyan 81, ...), which no fixed
//! colour could show legibly on both a light and a dark page.

use crate::render::highlight::push_escaped;

const ESC: u8 = 0x1b;
const BEL: u8 = 0x07;

/// A terminal colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    /// xterm palette index: 0-7 basic, 8-15 bright, 16-231 cube, 232-255 greys.
    Palette(u8),
    /// 24-bit colour.
    Rgb(u8, u8, u8),
}

/// The attributes in effect for a run of text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Style {
    pub fg: Option<Color>,
    pub bg: Option<Color>,
    pub bold: bool,
    pub dim: bool,
    pub italic: bool,
    pub underline: bool,
}

/// A run of text sharing one style; never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub style: Style,
}

impl Style {
    /// CSS classes for the whole style, e.g. `"ansi-fg-1 ansi-bold"`.
    pub fn class_names(&self) -> String {
        let mut classes = String::new();
        self.push_class_names(&mut classes);
        classes
    }

    /// Appends [`Style::class_names`] to `out`; digits by hand, which keeps
    /// the formatting machinery out of the loop over every span.
    fn push_class_names(&self, out: &mut String) {
        let start = out.len();
        let mut add = |name: &str, number: Option<u8>| {
            if out.len() > start {
                out.push(' ');
            }
            out.push_str(name);
            if let Some(number) = number {
                if number >= 10 {
                    out.push('1');
                }
                out.push(char::from(b'0' + number % 10));
            }
        };
        if let Some(color) = self.fg {
            add("ansi-fg-", Some(color.basic()));
        }
        if let Some(color) = self.bg {
            add("ansi-bg-", Some(color.basic()));
        }
        for (on, name) in [
            (self.bold, "ansi-bold"),
            (self.dim, "ansi-dim"),
            (self.italic, "ansi-italic"),
            (self.underline, "ansi-underline"),
        ] {
            if on {
                add(name, None);
            }
        }
    }
}

/// `text` as HTML: a `<span>` with the classes of each styled run, every
/// character escaped, every escape sequence dropped.
pub fn to_html(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + text.len() / 2);
    for span in parse(text) {
        if span.style == Style::default() {
            push_escaped(&mut html, &span.text);
            continue;
        }
        html.push_str("<span class=\"");
        span.style.push_class_names(&mut html);
        html.push_str("\">");
        push_escaped(&mut html, &span.text);
        html.push_str("</span>");
    }
    html
}

impl Color {
    /// Its red, green and blue as xterm shows them by default.
    pub fn rgb(self) -> (u8, u8, u8) {
        match self {
            Color::Palette(n) => palette_rgb(n),
            Color::Rgb(r, g, b) => (r, g, b),
        }
    }

    /// The basic colour (0-15) that shows it: itself for those, else the one
    /// of its hue (greys by lightness), bright when it is light. A true
    /// colour goes through its nearest colour of xterm's 6×6×6 cube, as a
    /// 256-colour terminal shows it.
    pub fn basic(self) -> u8 {
        let n = match self {
            Color::Palette(n) => n,
            Color::Rgb(r, g, b) => 16 + 36 * cube_level(r) + 6 * cube_level(g) + cube_level(b),
        };
        BASIC_OF_PALETTE[usize::from(n)]
    }
}

/// [`Color::basic`] of every palette index, worked out when the crate is
/// built: the wasm carries the 256 answers, not the arithmetic.
const BASIC_OF_PALETTE: [u8; 256] = {
    let mut table = [0; 256];
    let mut n = 0;
    while n < 256 {
        table[n] = if n < 16 {
            n as u8
        } else {
            let (r, g, b) = palette_rgb(n as u8);
            basic_of_rgb(r, g, b)
        };
        n += 1;
    }
    table
};

const fn palette_rgb(n: u8) -> (u8, u8, u8) {
    // xterm's defaults for the 16 basic colours.
    const BASIC: [(u8, u8, u8); 16] = [
        (0, 0, 0),
        (205, 0, 0),
        (0, 205, 0),
        (205, 205, 0),
        (0, 0, 238),
        (205, 0, 205),
        (0, 205, 205),
        (229, 229, 229),
        (127, 127, 127),
        (255, 0, 0),
        (0, 255, 0),
        (255, 255, 0),
        (92, 92, 255),
        (255, 0, 255),
        (0, 255, 255),
        (255, 255, 255),
    ];
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    match n {
        0..=15 => BASIC[n as usize],
        16..=231 => {
            let i = (n - 16) as usize;
            (LEVELS[i / 36], LEVELS[i / 6 % 6], LEVELS[i % 6])
        }
        _ => {
            let grey = 8 + 10 * (n - 232);
            (grey, grey, grey)
        }
    }
}

/// The cube's nearest level (0-5) to a channel's value.
fn cube_level(value: u8) -> u8 {
    match value {
        0..=47 => 0,
        48..=114 => 1,
        115..=154 => 2,
        155..=194 => 3,
        195..=234 => 4,
        _ => 5,
    }
}

const fn basic_of_rgb(r: u8, g: u8, b: u8) -> u8 {
    let (r, g, b) = (r as i32, g as i32, b as i32);
    let max = if r > g { r } else { g };
    let max = if max > b { max } else { b };
    let min = if r < g { r } else { g };
    let min = if min < b { min } else { b };
    let spread = max - min;
    // Less than a quarter saturated, or too dark to have a hue: a grey.
    if spread * 4 < max || max < 48 {
        return match max {
            0..=63 => 0,
            64..=143 => 8,
            144..=207 => 7,
            _ => 15,
        };
    }
    let hue = if max == r {
        (60 * (g - b) / spread).rem_euclid(360)
    } else if max == g {
        120 + 60 * (b - r) / spread
    } else {
        240 + 60 * (r - g) / spread
    };
    let base = match hue {
        30..=89 => 3,
        90..=149 => 2,
        150..=209 => 6,
        210..=269 => 4,
        270..=329 => 5,
        _ => 1,
    };
    if max >= 208 { base + 8 } else { base }
}

/// Splits `text` into styled spans, dropping every escape sequence.
pub fn parse(text: &str) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    let mut style = Style::default();
    for piece in Scanner::new(text) {
        match piece {
            Piece::Sgr(params) => apply_sgr(&mut style, params),
            Piece::Text(t) => match spans.last_mut() {
                Some(last) if last.style == style => last.text.push_str(t),
                _ => spans.push(Span {
                    text: t.to_owned(),
                    style: style.clone(),
                }),
            },
        }
    }
    spans
}

/// The plain text without any escapes, for copying.
pub fn strip(text: &str) -> String {
    Scanner::new(text)
        .filter_map(|piece| match piece {
            Piece::Text(t) => Some(t),
            Piece::Sgr(_) => None,
        })
        .collect()
}

enum Piece<'a> {
    /// Non-empty text free of escapes.
    Text(&'a str),
    /// The parameter bytes of an `ESC[...m`.
    Sgr(&'a str),
}

/// Walks the input once; every delimiter it cuts at is ASCII, so slicing
/// there always lands on a character boundary.
struct Scanner<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Self { text, pos: 0 }
    }

    /// Skips the escape at `self.pos`, returning its SGR parameters if it is one.
    fn escape(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        match bytes.get(start + 1) {
            Some(b'[') => {
                let params = start + 2;
                let mut i = params;
                while bytes.get(i).is_some_and(|b| (0x20..=0x3f).contains(b)) {
                    i += 1;
                }
                match bytes.get(i) {
                    Some(&fin) if (0x40..=0x7e).contains(&fin) => {
                        self.pos = i + 1;
                        return (fin == b'm').then(|| &self.text[params..i]);
                    }
                    // A broken sequence: drop what looked like it, keep the rest.
                    _ => self.pos = i,
                }
            }
            Some(b']') => {
                // OSC ends at BEL or ST (`ESC \`); a stray ESC also ends it so a
                // missing terminator cannot swallow the colours that follow.
                let mut i = start + 2;
                while i < bytes.len() && bytes[i] != BEL && bytes[i] != ESC {
                    i += 1;
                }
                self.pos = match bytes.get(i) {
                    Some(&BEL) => i + 1,
                    Some(&ESC) if bytes.get(i + 1) == Some(&b'\\') => i + 2,
                    _ => i,
                };
            }
            _ => self.pos = start + 1,
        }
        None
    }
}

impl<'a> Iterator for Scanner<'a> {
    type Item = Piece<'a>;

    fn next(&mut self) -> Option<Piece<'a>> {
        let bytes = self.text.as_bytes();
        while self.pos < bytes.len() {
            if bytes[self.pos] == ESC {
                if let Some(params) = self.escape() {
                    return Some(Piece::Sgr(params));
                }
                continue;
            }
            let start = self.pos;
            self.pos = bytes[start..]
                .iter()
                .position(|&b| b == ESC)
                .map_or(bytes.len(), |n| start + n);
            return Some(Piece::Text(&self.text[start..self.pos]));
        }
        None
    }
}

fn apply_sgr(style: &mut Style, params: &str) {
    // Private-mode markers and colon sub-parameters are not plain SGR; ignoring
    // the whole sequence is safer than guessing.
    if !params.bytes().all(|b| b.is_ascii_digit() || b == b';') {
        return;
    }
    // An empty parameter means 0, so `ESC[m` is a reset.
    let mut codes = params.split(';').map(|p| {
        if p.is_empty() {
            Some(0)
        } else {
            p.parse::<u32>().ok()
        }
    });
    while let Some(code) = codes.next() {
        let Some(code) = code else { continue };
        match code {
            0 => *style = Style::default(),
            1 => style.bold = true,
            2 => style.dim = true,
            3 => style.italic = true,
            4 => style.underline = true,
            22 => (style.bold, style.dim) = (false, false),
            23 => style.italic = false,
            24 => style.underline = false,
            30..=37 => style.fg = Some(Color::Palette((code - 30) as u8)),
            90..=97 => style.fg = Some(Color::Palette((code - 90 + 8) as u8)),
            40..=47 => style.bg = Some(Color::Palette((code - 40) as u8)),
            100..=107 => style.bg = Some(Color::Palette((code - 100 + 8) as u8)),
            39 => style.fg = None,
            49 => style.bg = None,
            38 => style.fg = extended_color(&mut codes).or(style.fg),
            48 => style.bg = extended_color(&mut codes).or(style.bg),
            _ => {}
        }
    }
}

/// Reads the rest of `38;5;n` / `38;2;r;g;b`, consuming its parameters even
/// when they are invalid so the codes after it keep their meaning.
fn extended_color(codes: &mut impl Iterator<Item = Option<u32>>) -> Option<Color> {
    let mut channel = || codes.next().flatten().and_then(|v| u8::try_from(v).ok());
    match channel() {
        Some(5) => channel().map(Color::Palette),
        Some(2) => {
            let (r, g, b) = (channel(), channel(), channel());
            Some(Color::Rgb(r?, g?, b?))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fg(n: u8) -> Style {
        Style {
            fg: Some(Color::Palette(n)),
            ..Style::default()
        }
    }

    fn span(text: &str, style: Style) -> Span {
        Span {
            text: text.to_owned(),
            style,
        }
    }

    #[test]
    fn plain_text_is_one_unstyled_span() {
        assert_eq!(parse("hello"), vec![span("hello", Style::default())]);
        assert!(parse("").is_empty());
    }

    #[test]
    fn basic_colours_and_reset() {
        assert_eq!(
            parse("\x1b[31mred\x1b[0m plain"),
            vec![span("red", fg(1)), span(" plain", Style::default())]
        );
        assert_eq!(parse("\x1b[97mx")[0].style, fg(15));
        assert_eq!(
            parse("\x1b[44mx")[0].style.bg,
            Some(Color::Palette(4)),
            "40-47 are backgrounds"
        );
        assert_eq!(parse("\x1b[103mx")[0].style.bg, Some(Color::Palette(11)));
    }

    #[test]
    fn attributes_turn_on_and_off() {
        let spans = parse("\x1b[1;2;3;4ma\x1b[22mb\x1b[23;24mc");
        let all = Style {
            bold: true,
            dim: true,
            italic: true,
            underline: true,
            ..Style::default()
        };
        assert_eq!(spans[0], span("a", all.clone()));
        assert_eq!(
            spans[1].style,
            Style {
                bold: false,
                dim: false,
                ..all
            }
        );
        assert_eq!(spans[2], span("c", Style::default()));
    }

    #[test]
    fn default_colour_codes_clear_only_their_colour() {
        let spans = parse("\x1b[1;31;42ma\x1b[39mb\x1b[49mc");
        assert_eq!(spans[1].style.fg, None);
        assert_eq!(spans[1].style.bg, Some(Color::Palette(2)));
        assert_eq!(
            spans[2].style,
            Style {
                bold: true,
                ..Style::default()
            }
        );
    }

    #[test]
    fn empty_parameters_reset() {
        let spans = parse("\x1b[1mA\x1b[mB\x1b[1;;4mC");
        assert_eq!(spans[1], span("B", Style::default()));
        assert!(!spans[2].style.bold, "the empty parameter reset bold");
        assert!(spans[2].style.underline);
    }

    #[test]
    fn extended_colours() {
        let s = &parse("\x1b[38;5;196;48;2;1;2;3mx")[0].style;
        assert_eq!(s.fg, Some(Color::Palette(196)));
        assert_eq!(s.bg, Some(Color::Rgb(1, 2, 3)));
        assert_eq!(s.fg.map(Color::rgb), Some((0xff, 0x00, 0x00)));
        assert_eq!(s.bg.map(Color::rgb), Some((0x01, 0x02, 0x03)));
        // Shown in the themed palette: pure red as bright red, near-black as black.
        assert_eq!(s.class_names(), "ansi-fg-9 ansi-bg-0");
    }

    #[test]
    fn invalid_extended_colours_keep_later_codes_aligned() {
        let s = &parse("\x1b[38;5;300;1mx")[0].style;
        assert_eq!(s.fg, None);
        assert!(s.bold);
        let s = &parse("\x1b[38;2;1;999;3;4mx")[0].style;
        assert_eq!(s.fg, None);
        assert!(s.underline);
        assert_eq!(parse("\x1b[38;5mx")[0].style, Style::default());
        assert!(parse("\x1b[99999999999;1mx")[0].style.bold);
    }

    #[test]
    fn same_style_merges_and_no_empty_spans() {
        assert_eq!(parse("\x1b[31ma\x1b[31mb"), vec![span("ab", fg(1))]);
        assert_eq!(
            parse("a\x1b[1m\x1b[0mb"),
            vec![span("ab", Style::default())]
        );
        assert!(parse("\x1b[31m\x1b[0m").is_empty());
    }

    #[test]
    fn other_sequences_are_dropped() {
        assert_eq!(strip("a\x1b[2Kb\x1b[1;1Hc\x1b[?25ld"), "abcd");
        assert_eq!(strip("\x1b]0;title\x07x"), "x");
        assert_eq!(
            strip("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ end"),
            "link end"
        );
        assert_eq!(strip("a\x1bb\x1b"), "ab");
        assert_eq!(strip("a\x1b[31"), "a");
        assert_eq!(strip("a\x1b[31\u{e9}b"), "a\u{e9}b");
        // An unterminated OSC must not hide the colour that follows it.
        assert_eq!(parse("\x1b]0;t\x1b[31mx"), vec![span("x", fg(1))]);
        assert_eq!(parse("\x1b[?1;31mx")[0].style, Style::default());
    }

    #[test]
    fn ipython_traceback() {
        let tb = "\x1b[0;31m--------\x1b[0m\n\x1b[0;31mZeroDivisionError\x1b[0m  \
                  Traceback\n\x1b[0;32m----> 1\x1b[0m \x1b[38;5;241m1\x1b[39m\x1b[38;5;241m/\x1b[39m\x1b[38;5;241m0\x1b[39m\n";
        assert_eq!(
            strip(tb),
            "--------\nZeroDivisionError  Traceback\n----> 1 1/0\n"
        );
        let spans = parse(tb);
        assert_eq!(spans[0], span("--------", fg(1)));
        assert_eq!(spans[2], span("ZeroDivisionError", fg(1)));
        let grey = spans.iter().find(|s| s.text == "1/0");
        assert_eq!(
            grey.and_then(|s| s.style.fg).map(Color::rgb),
            Some((0x62, 0x62, 0x62))
        );
        assert_eq!(
            grey.map(|s| s.style.class_names()).as_deref(),
            Some("ansi-fg-8")
        );
        assert!(spans.iter().all(|s| !s.text.contains('\x1b')));
    }

    #[test]
    fn non_ascii_text_survives() {
        assert_eq!(
            parse("\x1b[32m\u{e9}\u{1f600}\x1b[0m\u{fc}"),
            vec![
                span("\u{e9}\u{1f600}", fg(2)),
                span("\u{fc}", Style::default())
            ]
        );
    }

    #[test]
    fn class_names_cover_basic_colours_and_attributes() {
        let style = Style {
            fg: Some(Color::Palette(1)),
            bg: Some(Color::Palette(12)),
            bold: true,
            underline: true,
            ..Style::default()
        };
        assert_eq!(
            style.class_names(),
            "ansi-fg-1 ansi-bg-12 ansi-bold ansi-underline"
        );
        assert_eq!(Style::default().class_names(), "");
    }

    #[test]
    fn html_has_a_span_per_styled_run_and_escapes_everything() {
        assert_eq!(
            to_html("\x1b[1;31m<b>\x1b[0m & \x1b[38;5;81;43m'x'\x1b[0m"),
            "<span class=\"ansi-fg-1 ansi-bold\">&lt;b&gt;</span> &amp; \
             <span class=\"ansi-fg-14 ansi-bg-3\">&#39;x&#39;</span>"
        );
        assert_eq!(to_html("plain\x1b[2K"), "plain");
        assert_eq!(to_html(""), "");
    }

    #[test]
    fn xterm_palette() {
        let rgb = |n| Color::Palette(n).rgb();
        assert_eq!(rgb(16), (0x00, 0x00, 0x00));
        assert_eq!(rgb(21), (0x00, 0x00, 0xff));
        assert_eq!(rgb(67), (0x5f, 0x87, 0xaf));
        assert_eq!(rgb(231), (0xff, 0xff, 0xff));
        assert_eq!(rgb(232), (0x08, 0x08, 0x08));
        assert_eq!(rgb(255), (0xee, 0xee, 0xee));
    }

    #[test]
    fn extended_colours_keep_their_hue_in_the_basic_palette() {
        let basic = |n| Color::Palette(n).basic();
        for n in 0..16 {
            assert_eq!(basic(n), n);
        }
        // IPython 9's source highlighting in tracebacks (its `linux` theme).
        assert_eq!(basic(255), 15, "near-white text");
        assert_eq!(basic(81), 14, "light cyan keywords");
        assert_eq!(basic(148), 11, "yellow-green names");
        assert_eq!(basic(141), 12, "light purple numbers");
        assert_eq!(basic(204), 9, "pink operators");
        assert_eq!(basic(186), 11, "khaki strings");
        assert_eq!(basic(245), 8, "grey comments");
        // The cube's darker corners stay dark, the greys go by lightness.
        assert_eq!(basic(22), 2, "dark green");
        assert_eq!(basic(88), 1, "dark red");
        assert_eq!(basic(18), 4, "dark blue");
        assert_eq!(basic(232), 0);
        assert_eq!(basic(250), 7);
        // True colours by the cube colour nearest them.
        for (rgb, expected) in [
            ((255, 136, 0), 11),
            ((170, 30, 30), 1),
            ((200, 30, 30), 9),
            ((128, 0, 128), 5),
            ((0, 128, 128), 6),
            ((10, 10, 12), 0),
        ] {
            assert_eq!(Color::Rgb(rgb.0, rgb.1, rgb.2).basic(), expected, "{rgb:?}");
        }
    }
}
