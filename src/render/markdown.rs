//! A small, safe Markdown to HTML renderer for IPython `text/markdown` output.
//!
//! Output from running code is untrusted, so the renderer never passes HTML
//! through: every character of the input reaches the page escaped, and links
//! and images are emitted only for an allow-list of URL schemes. It covers the
//! common subset (headings, paragraphs, emphasis, code, fences, flat lists,
//! blockquotes, rules, links, images) rather than all of CommonMark; setext
//! headings, tables and nested lists render as plain text or flat items.
//! `$math$` is kept verbatim so a later math renderer sees it unmangled.

use std::fmt::Write as _;

use crate::render::highlight::push_escaped;

/// Deeper nesting (quotes, emphasis) renders as text; bounds recursion.
const MAX_DEPTH: usize = 8;

/// Renders `md` as HTML; raw HTML in it comes out as text.
pub fn to_html(md: &str) -> String {
    render_blocks(md, 0)
}

fn render_blocks(md: &str, depth: usize) -> String {
    let mut blocks = Blocks {
        out: String::with_capacity(md.len() + md.len() / 4 + 16),
        depth,
        para: Vec::new(),
        quote: Vec::new(),
        list: None,
        fence: None,
    };
    for line in md.lines() {
        blocks.line(line);
    }
    if blocks.fence.take().is_some() {
        blocks.out.push_str("</code></pre>\n");
    }
    blocks.flush_all();
    blocks.out
}

struct Blocks<'a> {
    out: String,
    depth: usize,
    para: Vec<&'a str>,
    quote: Vec<&'a str>,
    list: Option<List<'a>>,
    fence: Option<Fence>,
}

struct List<'a> {
    ordered: bool,
    item: Vec<&'a str>,
    saw_blank: bool,
}

struct Fence {
    marker: u8,
    len: usize,
    indent: usize,
}

impl<'a> Blocks<'a> {
    fn line(&mut self, line: &'a str) {
        if let Some(fence) = &self.fence {
            if closes_fence(line, fence) {
                self.fence = None;
                self.out.push_str("</code></pre>\n");
            } else {
                push_escaped(&mut self.out, strip_spaces(line, fence.indent));
                self.out.push('\n');
            }
            return;
        }
        let text = line.trim_start();
        if text.is_empty() {
            self.flush_para();
            self.flush_quote();
            if let Some(list) = &mut self.list {
                list.saw_blank = true;
            }
            return;
        }
        let indent = line.len() - text.len();
        if let Some(fence) = self.open_fence(text, indent) {
            self.fence = Some(fence);
        } else if let Some((level, content)) = heading(text).filter(|_| indent < 4) {
            self.flush_all();
            let tag = ["h1", "h2", "h3", "h4", "h5", "h6"][level - 1];
            self.wrap_inline(tag, content);
        } else if indent < 4 && is_rule(text) {
            self.flush_all();
            self.out.push_str("<hr>\n");
        } else if let Some(rest) = text
            .strip_prefix('>')
            .filter(|_| indent < 4 && self.depth < MAX_DEPTH)
        {
            self.flush_para();
            self.flush_list();
            self.quote.push(rest.strip_prefix(' ').unwrap_or(rest));
        } else if let Some((number, content)) = list_item(text) {
            self.item(number, content);
        } else if !self.quote.is_empty() {
            // A lazy continuation line, as in `> start\nmore of it`.
            self.quote.push(text);
        } else if let Some(list) = self.list.as_mut().filter(|l| !l.saw_blank || indent > 0) {
            list.item.push(text);
            list.saw_blank = false;
        } else {
            self.flush_list();
            self.para.push(text);
        }
    }

    fn open_fence(&mut self, text: &str, indent: usize) -> Option<Fence> {
        let marker = *text
            .as_bytes()
            .first()
            .filter(|&&b| b == b'`' || b == b'~')?;
        let len = text.bytes().take_while(|&b| b == marker).count();
        let info = text[len..].trim();
        // A backtick in the info string makes it inline code, not a fence.
        if len < 3 || (marker == b'`' && info.contains('`')) {
            return None;
        }
        self.flush_all();
        let lang = info.split_whitespace().next().unwrap_or("");
        if lang.is_empty()
            || !lang
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-_.#".contains(&b))
        {
            self.out.push_str("<pre><code>");
        } else {
            self.out.push_str("<pre><code class=\"language-");
            push_escaped(&mut self.out, lang);
            self.out.push_str("\">");
        }
        Some(Fence {
            marker,
            len,
            indent,
        })
    }

    fn item(&mut self, number: Option<u64>, content: &'a str) {
        self.flush_para();
        self.flush_quote();
        let ordered = number.is_some();
        if self.list.as_ref().is_some_and(|l| l.ordered == ordered) {
            self.finish_item();
        } else {
            self.flush_list();
            match number {
                None => self.out.push_str("<ul>\n"),
                Some(1) => self.out.push_str("<ol>\n"),
                Some(n) => {
                    let _ = writeln!(self.out, "<ol start=\"{n}\">");
                }
            }
        }
        self.list = Some(List {
            ordered,
            item: vec![content],
            saw_blank: false,
        });
    }

    fn finish_item(&mut self) {
        if let Some(list) = &mut self.list {
            let item = std::mem::take(&mut list.item).join("\n");
            self.wrap_inline("li", item.trim_end());
        }
    }

    fn flush_list(&mut self) {
        self.finish_item();
        if let Some(list) = self.list.take() {
            self.out
                .push_str(if list.ordered { "</ol>\n" } else { "</ul>\n" });
        }
    }

    fn flush_para(&mut self) {
        if !self.para.is_empty() {
            let text = std::mem::take(&mut self.para).join("\n");
            self.wrap_inline("p", text.trim_end());
        }
    }

    fn flush_quote(&mut self) {
        if !self.quote.is_empty() {
            let inner = std::mem::take(&mut self.quote).join("\n");
            self.out.push_str("<blockquote>\n");
            self.out.push_str(&render_blocks(&inner, self.depth + 1));
            self.out.push_str("</blockquote>\n");
        }
    }

    fn flush_all(&mut self) {
        self.flush_para();
        self.flush_quote();
        self.flush_list();
    }

    fn wrap_inline(&mut self, tag: &str, text: &str) {
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push('>');
        render_inline(text, 0, false, &mut self.out);
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push_str(">\n");
    }
}

fn closes_fence(line: &str, fence: &Fence) -> bool {
    let text = line.trim_start();
    let len = text.bytes().take_while(|&b| b == fence.marker).count();
    len >= fence.len && text[len..].trim().is_empty()
}

fn strip_spaces(line: &str, max: usize) -> &str {
    let n = line.bytes().take(max).take_while(|&b| b == b' ').count();
    &line[n..]
}

/// `# Title #` as level and content.
fn heading(text: &str) -> Option<(usize, &str)> {
    let level = text.bytes().take_while(|&b| b == b'#').count();
    let rest = &text[level..];
    if !(1..=6).contains(&level) || !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let rest = rest.trim();
    let unclosed = rest.trim_end_matches('#');
    Some(if unclosed.is_empty() {
        (level, "")
    } else if unclosed.ends_with([' ', '\t']) {
        (level, unclosed.trim_end())
    } else {
        (level, rest)
    })
}

/// `---`, `***`, `___`, spaces allowed between.
fn is_rule(text: &str) -> bool {
    let marker = text.as_bytes()[0];
    matches!(marker, b'-' | b'*' | b'_')
        && text.bytes().filter(|&b| b == marker).count() >= 3
        && text.bytes().all(|b| b == marker || b == b' ' || b == b'\t')
}

/// `- item` as `(None, "item")`, `3. item` as `(Some(3), "item")`.
fn list_item(text: &str) -> Option<(Option<u64>, &str)> {
    let bytes = text.as_bytes();
    let (number, marker_len) = if matches!(bytes[0], b'-' | b'*' | b'+') {
        (None, 1)
    } else {
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        if !(1..=9).contains(&digits) || !matches!(bytes.get(digits), Some(b'.' | b')')) {
            return None;
        }
        (Some(text[..digits].parse().ok()?), digits + 1)
    };
    let rest = &text[marker_len..];
    (rest.is_empty() || rest.starts_with([' ', '\t'])).then(|| (number, rest.trim()))
}

/// Renders inline markup. `in_link` forbids nested links; `depth` bounds the
/// recursion into emphasis and link text.
fn render_inline(text: &str, depth: usize, in_link: bool, out: &mut String) {
    let mut inline = Inline {
        text,
        bytes: text.as_bytes(),
        pairs: BracketPairs::of(text.as_bytes()),
        no_closer: Vec::new(),
        depth,
        in_link,
    };
    let b = inline.bytes;
    let mut plain = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if !matches!(c, b'\\' | b'`' | b'$' | b'*' | b'_' | b'!' | b'[') {
            i += 1;
            continue;
        }
        push_escaped(out, &text[plain..i]);
        plain = i;
        // Only delimiters need their run length; measuring it for `[` or `\`
        // at every position would be quadratic on a long run of them.
        let is_delimiter = matches!(c, b'`' | b'$' | b'*' | b'_');
        let run = if is_delimiter {
            b[i..].iter().take_while(|&&x| x == c).count()
        } else {
            1
        };
        let rendered = match c {
            b'\\' if b.get(i + 1).is_some_and(u8::is_ascii_punctuation) => {
                push_escaped(out, &text[i + 1..i + 2]);
                Some(i + 2)
            }
            b'`' => inline.code(i, run, out),
            b'$' => inline.math(i, run, out),
            b'*' | b'_' => inline.emphasis(i, run, out),
            b'!' => inline.link(i + 1, true, out),
            b'[' => inline.link(i, false, out),
            _ => None,
        };
        match rendered {
            Some(next) => (plain, i) = (next, next),
            // A delimiter run that closes nothing is text as a whole.
            None => i += run,
        }
    }
    push_escaped(out, &text[plain..]);
}

struct Inline<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pairs: BracketPairs,
    /// `(byte, kind, from)` of closer searches that failed. A later search
    /// of the same kind sees only a subset of the text and would fail too, so
    /// hostile input like `**a **b **c ...` stays linear.
    no_closer: Vec<(u8, usize, usize)>,
    depth: usize,
    in_link: bool,
}

impl Inline<'_> {
    /// Finds the first run of bytes `c` at or after `from` that `accept`
    /// takes (given its start and length), returning its start and length.
    /// `accept` may only look at the run and its neighbours, and `kind` must
    /// name it, for the failure cache to hold.
    fn find_run(
        &mut self,
        c: u8,
        kind: usize,
        from: usize,
        accept: impl Fn(usize, usize) -> bool,
    ) -> Option<(usize, usize)> {
        if self
            .no_closer
            .iter()
            .any(|&(k, n, at)| (k, n) == (c, kind) && at <= from)
        {
            return None;
        }
        let b = self.bytes;
        let mut i = from.min(b.len());
        while let Some(offset) = b[i..].iter().position(|&x| x == c) {
            let start = i + offset;
            let run = b[start..].iter().take_while(|&&x| x == c).count();
            if accept(start, run) {
                return Some((start, run));
            }
            i = start + run;
        }
        self.no_closer.push((c, kind, from));
        None
    }

    fn code(&mut self, i: usize, run: usize, out: &mut String) -> Option<usize> {
        let (close, _) = self.find_run(b'`', run, i + run, |_, len| len == run)?;
        let content = self.text[i + run..close].replace('\n', " ");
        let content = match content.strip_prefix(' ').and_then(|c| c.strip_suffix(' ')) {
            Some(inner) if !inner.trim().is_empty() => inner,
            _ => &content,
        };
        out.push_str("<code>");
        push_escaped(out, content);
        out.push_str("</code>");
        Some(close + run)
    }

    /// `$x$` and `$$x$$` stay verbatim. Like Pandoc, a single `$` must hug
    /// its content and not be followed by a digit, so prices stay prices.
    fn math(&mut self, i: usize, run: usize, out: &mut String) -> Option<usize> {
        let b = self.bytes;
        let hugs = |at: usize| b.get(at).is_some_and(|c| !c.is_ascii_whitespace());
        if run > 2 || (run == 1 && !hugs(i + 1)) {
            return None;
        }
        let (close, _) = self.find_run(b'$', run, i + run, |at, len| {
            len == run
                && (run == 2
                    || (!b[at - 1].is_ascii_whitespace()
                        && !b.get(at + 1).is_some_and(u8::is_ascii_digit)))
        })?;
        push_escaped(out, &self.text[i..close + run]);
        Some(close + run)
    }

    /// `*em*`, `_em_`, `**strong**`, `__strong__`. Openers must be followed
    /// and closers preceded by non-space, and `_` only counts at word edges
    /// so `snake_case_names` stay intact.
    fn emphasis(&mut self, i: usize, run: usize, out: &mut String) -> Option<usize> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        let (b, text) = (self.bytes, self.text);
        let c = b[i];
        let after_opener = text[i + run..].chars().next();
        let before_opener = text[..i].chars().next_back();
        if after_opener.is_none_or(char::is_whitespace)
            || (c == b'_' && before_opener.is_some_and(is_word_char))
        {
            return None;
        }
        let closer_ok = |start: usize, len: usize| {
            let before = text[..start].chars().next_back();
            let after = text[start + len..].chars().next();
            before.is_some_and(|ch| !ch.is_whitespace())
                && !(c == b'_' && after.is_some_and(is_word_char))
        };
        // Strong takes the first two bytes of its opening run and the last
        // two of its closing run, so `***both***` is strong around em.
        let width = run.min(2);
        let (start, len) = self.find_run(c, width, i + run, |at, len| {
            (if width == 2 { len >= 2 } else { len == 1 }) && closer_ok(at, len)
        })?;
        let close = start + len - width;
        let tag = if width == 2 { "strong" } else { "em" };
        out.push('<');
        out.push_str(tag);
        out.push('>');
        render_inline(&text[i + width..close], self.depth + 1, self.in_link, out);
        out.push_str("</");
        out.push_str(tag);
        out.push('>');
        Some(start + len)
    }

    /// `[text](url)` at `open`, or `![alt](url)` when `image`; `None` when
    /// the brackets do not form one.
    fn link(&mut self, open: usize, image: bool, out: &mut String) -> Option<usize> {
        if self.bytes.get(open) != Some(&b'[')
            || (!image && (self.in_link || self.depth >= MAX_DEPTH))
        {
            return None;
        }
        let label_end = self.pairs.closer(open)?;
        let paren = label_end + 1;
        let paren_end = self.pairs.closer(paren)?;
        let label = &self.text[open + 1..label_end];
        let dest = self.text[paren + 1..paren_end]
            .split_whitespace()
            .next()
            .unwrap_or("");
        let url = dest
            .strip_prefix('<')
            .and_then(|d| d.strip_suffix('>'))
            .unwrap_or(dest);
        if image {
            if is_safe_image(url) {
                out.push_str("<img src=\"");
                push_escaped(out, url);
                out.push_str("\" alt=\"");
                push_escaped(out, label);
                out.push_str("\">");
            } else {
                push_escaped(out, label);
            }
        } else if is_safe_link(url) {
            out.push_str("<a href=\"");
            push_escaped(out, url);
            out.push_str("\" rel=\"noopener noreferrer\" target=\"_blank\">");
            render_inline(label, self.depth + 1, true, out);
            out.push_str("</a>");
        } else {
            render_inline(label, self.depth + 1, true, out);
        }
        Some(paren_end + 1)
    }
}

/// The matching `]` of each `[` and `)` of each `(`, found in one pass so
/// that link parsing never scans ahead (`[[[[…` would otherwise be
/// quadratic). Escaped ones do not count.
///
/// Entries are made as openers appear, so they are sorted by position and
/// a lookup is a binary search.
struct BracketPairs(Vec<(usize, Option<usize>)>);

impl BracketPairs {
    fn of(b: &[u8]) -> Self {
        let mut pairs = Vec::new();
        if !b.contains(&b'[') {
            return BracketPairs(pairs);
        }
        // Indexes into `pairs` of the openers still waiting for a closer.
        let (mut squares, mut parens) = (Vec::new(), Vec::new());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 1,
                b'[' => {
                    squares.push(pairs.len());
                    pairs.push((i, None));
                }
                b'(' => {
                    parens.push(pairs.len());
                    pairs.push((i, None));
                }
                b']' => {
                    if let Some(entry) = squares.pop() {
                        pairs[entry].1 = Some(i);
                    }
                }
                b')' => {
                    if let Some(entry) = parens.pop() {
                        pairs[entry].1 = Some(i);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        BracketPairs(pairs)
    }

    fn closer(&self, open: usize) -> Option<usize> {
        let entry = self.0.binary_search_by_key(&open, |&(at, _)| at).ok()?;
        self.0[entry].1
    }
}

/// A letter or digit for the `_` word-edge rule. Every non-ASCII non-space
/// character counts; that only differs from Unicode's letters for `_`
/// beside non-ASCII punctuation.
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || (!c.is_ascii() && !c.is_whitespace())
}

fn has_prefix_ignore_case(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

fn is_safe_link(url: &str) -> bool {
    ["http://", "https://", "mailto:", "#"]
        .iter()
        .any(|p| has_prefix_ignore_case(url, p))
}

/// Raster data URLs only: an SVG image could carry script.
fn is_safe_image(url: &str) -> bool {
    [
        "http://",
        "https://",
        "data:image/png;base64,",
        "data:image/jpeg;base64,",
        "data:image/gif;base64,",
    ]
    .iter()
    .any(|p| has_prefix_ignore_case(url, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inline(md: &str) -> String {
        let html = to_html(md);
        html.strip_prefix("<p>")
            .and_then(|h| h.strip_suffix("</p>\n"))
            .unwrap_or_else(|| panic!("not one paragraph: {html}"))
            .to_owned()
    }

    #[test]
    fn headings_paragraphs_and_rules() {
        assert_eq!(
            to_html(
                "# Title\n\nSome text\nmore text\n\n###### Six ##\n#hashtag\n---\n####### seven"
            ),
            "<h1>Title</h1>\n<p>Some text\nmore text</p>\n<h6>Six</h6>\n<p>#hashtag</p>\n<hr>\n\
             <p>####### seven</p>\n"
        );
        assert_eq!(to_html("a\n* * *\nb"), "<p>a</p>\n<hr>\n<p>b</p>\n");
        assert_eq!(to_html("##\n"), "<h2></h2>\n");
        assert_eq!(to_html(""), "");
    }

    #[test]
    fn emphasis_and_code() {
        assert_eq!(
            inline("**bold** *em* _em_ `c<d>`"),
            "<strong>bold</strong> <em>em</em> <em>em</em> <code>c&lt;d&gt;</code>"
        );
        assert_eq!(inline("***both***"), "<strong><em>both</em></strong>");
        assert_eq!(inline("*a **b** c*"), "<em>a <strong>b</strong> c</em>");
        assert_eq!(
            inline("snake_case_name and __init__"),
            "snake_case_name and <strong>init</strong>"
        );
        assert_eq!(inline("x_y z_ (_a_)"), "x_y z_ (<em>a</em>)");
        assert_eq!(
            inline("naïve_é_name"),
            "naïve_é_name",
            "non-ASCII letters are word edges"
        );
        assert_eq!(inline("2 * 3 * 4"), "2 * 3 * 4");
        assert_eq!(inline("a*b*c"), "a<em>b</em>c");
        assert_eq!(
            inline("**unclosed *and* `open"),
            "**unclosed <em>and</em> `open"
        );
        assert_eq!(inline("`` a ` b `` ```x"), "<code>a ` b</code> ```x");
        assert_eq!(
            inline("`*not em*` \\*lit\\* \\a"),
            "<code>*not em*</code> *lit* \\a"
        );
    }

    #[test]
    fn math_is_left_alone() {
        assert_eq!(
            inline("$a_1 * b_2 * c$ and $$x_i^*$$"),
            "$a_1 * b_2 * c$ and $$x_i^*$$"
        );
        assert_eq!(inline("$5 and $10 *yes*"), "$5 and $10 <em>yes</em>");
    }

    #[test]
    fn fenced_code() {
        assert_eq!(
            to_html("```python\nif a < b:\n    print('&')\n```\nafter"),
            "<pre><code class=\"language-python\">if a &lt; b:\n    print(&#39;&amp;&#39;)\n</code></pre>\n<p>after</p>\n"
        );
        assert_eq!(
            to_html("~~~~\n```\n# no\n~~~~"),
            "<pre><code>```\n# no\n</code></pre>\n"
        );
        assert_eq!(to_html("```\nopen"), "<pre><code>open\n</code></pre>\n");
        assert_eq!(
            to_html("``` x\"><script>\ny\n```"),
            "<pre><code>y\n</code></pre>\n"
        );
        assert_eq!(to_html("```a``` b"), "<p><code>a</code> b</p>\n");
        assert_eq!(
            to_html("  ```\n    x\n  ```"),
            "<pre><code>  x\n</code></pre>\n"
        );
    }

    #[test]
    fn lists() {
        assert_eq!(
            to_html("- one\n* two\n  continued\n\n+ three\n\npara"),
            "<ul>\n<li>one</li>\n<li>two\ncontinued</li>\n<li>three</li>\n</ul>\n<p>para</p>\n"
        );
        assert_eq!(
            to_html("1. a\n2) b"),
            "<ol>\n<li>a</li>\n<li>b</li>\n</ol>\n"
        );
        assert_eq!(
            to_html("3. a\n- b"),
            "<ol start=\"3\">\n<li>a</li>\n</ol>\n<ul>\n<li>b</li>\n</ul>\n"
        );
        assert_eq!(
            to_html("text\n- item"),
            "<p>text</p>\n<ul>\n<li>item</li>\n</ul>\n"
        );
        assert_eq!(
            to_html("-not a list\n1.5 million"),
            "<p>-not a list\n1.5 million</p>\n"
        );
    }

    #[test]
    fn blockquotes() {
        assert_eq!(
            to_html("> quoted **text**\nlazy\n> > nested\n\nout"),
            "<blockquote>\n<p>quoted <strong>text</strong>\nlazy</p>\n<blockquote>\n<p>nested</p>\n</blockquote>\n</blockquote>\n<p>out</p>\n"
        );
        let deep = format!("{} x", ">".repeat(10_000));
        let html = to_html(&deep);
        assert_eq!(html.matches("<blockquote>").count(), MAX_DEPTH);
        assert!(html.contains("&gt;&gt;"));
    }

    #[test]
    fn brackets_pair_innermost_first_and_skip_escapes() {
        let pairs = BracketPairs::of(b"[a [b] \\] c](x(y)) [open (");
        assert_eq!(pairs.closer(0), Some(11));
        assert_eq!(pairs.closer(3), Some(5));
        assert_eq!(pairs.closer(12), Some(17));
        assert_eq!(pairs.closer(14), Some(16));
        assert_eq!(pairs.closer(19), None, "never closed");
        assert_eq!(pairs.closer(25), None, "never closed");
        assert_eq!(pairs.closer(1), None, "not a bracket");
        assert_eq!(
            BracketPairs::of(b"(x)").closer(0),
            None,
            "no link without `[`"
        );
    }

    #[test]
    fn links_and_images() {
        assert_eq!(
            inline("[the *docs*](https://x.org/a_(b)?q=1&r=2 \"title\")"),
            "<a href=\"https://x.org/a_(b)?q=1&amp;r=2\" rel=\"noopener noreferrer\" target=\"_blank\">the <em>docs</em></a>"
        );
        assert_eq!(
            inline("[m](mailto:a@b.c) [t](#top)")
                .matches("<a href=")
                .count(),
            2
        );
        assert_eq!(
            inline("[rel](page.html) [no link] [x] (y)"),
            "rel [no link] [x] (y)"
        );
        assert_eq!(
            inline("![a \"plot\"](data:image/png;base64,iVBO=)"),
            "<img src=\"data:image/png;base64,iVBO=\" alt=\"a &quot;plot&quot;\">"
        );
        assert_eq!(
            inline("[![badge](https://i/b.png)](https://site)"),
            "<a href=\"https://site\" rel=\"noopener noreferrer\" target=\"_blank\"><img src=\"https://i/b.png\" alt=\"badge\"></a>"
        );
        assert_eq!(
            inline("[a [b](#c)](#d)"),
            "<a href=\"#d\" rel=\"noopener noreferrer\" target=\"_blank\">a [b](#c)</a>"
        );
        assert_eq!(inline("wow! [x"), "wow! [x");
    }

    #[test]
    fn hostile_input_is_escaped() {
        assert_eq!(
            to_html("<script>alert(1)</script>"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        );
        assert_eq!(inline("[x](javascript:alert(1))"), "x");
        assert_eq!(inline("[x](JaVaScRiPt:alert(1))"), "x");
        assert_eq!(inline("[x]( javascript:alert(1) )"), "x");
        assert_eq!(inline("![x](javascript:alert(1))"), "x");
        assert_eq!(inline("![x](data:image/svg+xml;base64,PHN2Zz4=)"), "x");
        assert_eq!(inline("[x](data:text/html,<script>)"), "x");
        let html =
            inline("[\"><img src=x onerror=alert(1)>](https://a.b/\"onmouseover=\"alert(1))");
        assert_eq!(
            html,
            "<a href=\"https://a.b/&quot;onmouseover=&quot;alert(1)\" rel=\"noopener noreferrer\" target=\"_blank\">\
             &quot;&gt;&lt;img src=x onerror=alert(1)&gt;</a>"
        );
        let html = to_html(
            "# <img src=x onerror=alert(1)>\n> <iframe>\n- <b onclick='x'>\n`<svg onload=x>`",
        );
        assert!(
            !html.contains("<img")
                && !html.contains("<iframe")
                && !html.contains("<b ")
                && !html.contains("<svg")
        );
    }

    #[test]
    fn pathological_input_terminates() {
        for md in [
            "[".repeat(20_000),
            "\\".repeat(20_000),
            "[a](".repeat(5_000),
            "**a ".repeat(5_000),
            "*".repeat(20_000),
            "`a ``".repeat(5_000),
            "_a *b ".repeat(5_000),
        ] {
            let html = to_html(&md);
            assert!(html.starts_with("<"), "{}", &html[..20]);
        }
    }

    #[test]
    fn nesting_is_bounded() {
        assert_eq!(
            inline("**a _b *c* b_ a**"),
            "<strong>a <em>b <em>c</em> b</em> a</strong>"
        );
        let mut out = String::new();
        render_inline("*a* [b](#c)", MAX_DEPTH, false, &mut out);
        assert_eq!(out, "*a* [b](#c)");
    }
}
