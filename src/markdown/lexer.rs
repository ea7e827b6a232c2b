//! The tokens of one raw HTML fragment, for the raw HTML policy ([`super::raw_html`]).
//!
//! Follows the HTML standard's tokenizer (§13.2.5) where a sanitiser needs it: tags and
//! their attributes (values decoded), comments and comment-like markup (`<?…>`, `<!…>`),
//! text, and the raw text of `<script>`-like elements, each with its byte range. Unlike a
//! browser it never lets a construct run past the end of its fragment: a comment, tag or
//! `<script>` the fragment leaves open becomes an [`Kind::Unclosed`] marker and the text
//! after it is read afresh, so a stray `<script>` or `<!--` can never swallow what follows.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

/// Elements whose content is text up to their end tag, never markup: a browser hides
/// everything after an unclosed one.
pub(super) const RAW_TEXT: &[&str] =
    &["script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea", "title", "plaintext"];

/// One token and the bytes of the fragment it was read from.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Token<'a> {
    pub(super) kind: Kind<'a>,
    pub(super) range: Range<usize>,
}

/// Whether `text` holds a line of nothing but white space between two line breaks.
fn has_blank_line(text: &str) -> bool {
    text.split('\n')
        .skip(1)
        .collect::<Vec<_>>()
        .split_last()
        .is_some_and(|(_, inner)| inner.iter().any(|line| line.trim().is_empty()))
}

/// What a token is.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Kind<'a> {
    /// Text, as written.
    Text,
    /// A start tag.
    Start(Tag<'a>),
    /// An end tag, by lowercase name.
    End(String),
    /// A complete comment, or `<?…>`, `<!…>` (doctype, CDATA) or `</ …>`, which
    /// browsers read as comments; also the ignored `</>`.
    Comment,
    /// The content of a raw text element; its end tag follows.
    RawText,
    /// Markup the fragment leaves open; the token covers its opening marker only
    /// (`<!--`, `<?`, `<!`, `</`, or the whole start tag of a raw text element without its
    /// end tag), except for an unfinished tag, which is all that is left of the fragment
    /// (reading it again from inside would read the rest again for every `<` in it).
    Unclosed(Unclosed),
}

/// The kind of markup left open.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Unclosed {
    /// `<!--` without `-->`, or `<?`, `<!`, `</ ` without `>` (or with a blank line
    /// before it).
    Comment,
    /// A tag cut off by the end of the fragment (often an unclosed quote).
    Tag,
    /// A raw text element's start tag without its end tag.
    RawText(Tag<'static>),
}

/// A start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Tag<'a> {
    /// Lowercase name.
    pub(super) name: String,
    /// Attributes in order, the first of each name only (as browsers keep).
    pub(super) attributes: Vec<Attribute<'a>>,
}

/// One attribute of a start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Attribute<'a> {
    /// Lowercase name.
    pub(super) name: String,
    /// The value with character references decoded; empty when there is none.
    pub(super) value: Cow<'a, str>,
    /// Where the attribute is in the fragment, name to value.
    pub(super) range: Range<usize>,
}

/// Reads `html` into tokens.
pub(super) fn tokenize(html: &str) -> Vec<Token<'_>> {
    let mut lexer = Lexer { html, bytes: html.as_bytes(), tokens: Vec::new(), finder: Finder::new(html) };
    lexer.run();
    lexer.tokens
}

struct Lexer<'a> {
    html: &'a str,
    bytes: &'a [u8],
    tokens: Vec<Token<'a>>,
    finder: Finder<'a>,
}

/// A tag as read: its kind, where it ends, and whether it is an end tag.
enum Read<'a> {
    Start(Tag<'a>, usize),
    End(String, usize),
}

impl<'a> Lexer<'a> {
    fn run(&mut self) {
        let (mut pos, mut text_start) = (0, 0);
        while let Some(found) = self.bytes[pos..].iter().position(|&b| b == b'<') {
            let start = pos + found;
            let Some((kind, end)) = self.markup(start) else {
                pos = start + 1;
                continue;
            };
            self.push(Kind::Text, text_start..start);
            let raw_text = match &kind {
                Kind::Start(tag) if RAW_TEXT.contains(&tag.name.as_str()) => Some(tag.clone()),
                _ => None,
            };
            match raw_text {
                Some(tag) => pos = self.raw_text(tag, start, end, kind),
                None => {
                    self.push(kind, start..end);
                    pos = end;
                }
            }
            text_start = pos;
        }
        self.push(Kind::Text, text_start..self.html.len());
    }

    fn push(&mut self, kind: Kind<'a>, range: Range<usize>) {
        if !(kind == Kind::Text && range.is_empty()) {
            self.tokens.push(Token { kind, range });
        }
    }

    /// The markup starting with the `<` at `start`, and where it ends; `None` when the
    /// `<` is just text.
    fn markup(&mut self, start: usize) -> Option<(Kind<'a>, usize)> {
        let rest = &self.bytes[start + 1..];
        let unclosed = |kind, len| Some((Kind::Unclosed(kind), start + len));
        match rest {
            [b'!', b'-', b'-', ..] => Some(self.comment(start)),
            [b'/', b'>', ..] => Some((Kind::Comment, start + 3)),
            // `</` at the very end is text, as in browsers.
            [b'/'] => None,
            [b'/', c, ..] if c.is_ascii_alphabetic() => match self.tag(start + 2, true) {
                Some(Read::End(name, end)) => Some((Kind::End(name), end)),
                _ => unclosed(Unclosed::Tag, self.html.len() - start),
            },
            [c, ..] if c.is_ascii_alphabetic() => match self.tag(start + 1, false) {
                Some(Read::Start(tag, end)) => Some((Kind::Start(tag), end)),
                _ => unclosed(Unclosed::Tag, self.html.len() - start),
            },
            // A browser reads `<?…>` and `<!…>` as a comment up to the next `>`; across a
            // blank line that is never meant (`<?php` hiding the paragraphs after it):
            // unclosed, so only the opener goes.
            [b'!' | b'?' | b'/', ..] => match self.finder.next(">", start + 2) {
                Some(close) if !has_blank_line(&self.html[start..close]) => Some((Kind::Comment, close + 1)),
                _ => unclosed(Unclosed::Comment, 2),
            },
            _ => None,
        }
    }

    /// `<!--…-->` (also the abrupt `<!-->` and `<!--->`, and `--!>`).
    fn comment(&mut self, start: usize) -> (Kind<'a>, usize) {
        let body = start + 4;
        if self.bytes[body..].starts_with(b">") {
            return (Kind::Comment, body + 1);
        }
        if self.bytes[body..].starts_with(b"->") {
            return (Kind::Comment, body + 2);
        }
        let dashes = self.finder.next("-->", body).map(|at| at + 3);
        let bang = self.finder.next("--!>", body).map(|at| at + 4);
        match (dashes, bang) {
            (Some(a), Some(b)) => (Kind::Comment, a.min(b)),
            (Some(end), None) | (None, Some(end)) => (Kind::Comment, end),
            (None, None) => (Kind::Unclosed(Unclosed::Comment), body),
        }
    }

    /// A tag whose name starts at `pos`; `None` when the fragment ends inside it.
    fn tag(&mut self, mut pos: usize, end_tag: bool) -> Option<Read<'a>> {
        let name_start = pos;
        while pos < self.bytes.len() && !is_space(self.bytes[pos]) && !matches!(self.bytes[pos], b'/' | b'>') {
            pos += 1;
        }
        let name = self.html[name_start..pos].to_ascii_lowercase();
        let mut attributes: Vec<Attribute<'a>> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        loop {
            while pos < self.bytes.len() && (is_space(self.bytes[pos]) || self.bytes[pos] == b'/') {
                if self.bytes[pos..].starts_with(b"/>") {
                    break;
                }
                pos += 1;
            }
            match self.bytes.get(pos) {
                None => return None,
                Some(b'>') => pos += 1,
                Some(b'/') => pos += 2,
                Some(_) => {
                    let (attribute, end) = self.attribute(pos)?;
                    if seen.insert(attribute.name.clone()) {
                        attributes.push(attribute);
                    }
                    pos = end;
                    continue;
                }
            }
            return Some(if end_tag { Read::End(name, pos) } else { Read::Start(Tag { name, attributes }, pos) });
        }
    }

    /// One attribute starting at `pos`, and where it ends.
    fn attribute(&mut self, mut pos: usize) -> Option<(Attribute<'a>, usize)> {
        let start = pos;
        // A leading `=` belongs to the name, as in browsers.
        pos += 1;
        while pos < self.bytes.len() && !is_space(self.bytes[pos]) && !matches!(self.bytes[pos], b'/' | b'>' | b'=') {
            pos += 1;
        }
        let name = self.html[start..pos].to_ascii_lowercase();
        let after_name = pos;
        pos = self.skip_space(pos);
        if self.bytes.get(pos) != Some(&b'=') {
            let attribute = Attribute { name, value: Cow::Borrowed(""), range: start..after_name };
            return Some((attribute, after_name));
        }
        pos = self.skip_space(pos + 1);
        let (raw, end) = match *self.bytes.get(pos)? {
            quote @ (b'"' | b'\'') => {
                let close = self.finder.next(if quote == b'"' { "\"" } else { "'" }, pos + 1)?;
                (&self.html[pos + 1..close], close + 1)
            }
            b'>' => ("", pos),
            _ => {
                let value_start = pos;
                while pos < self.bytes.len() && !is_space(self.bytes[pos]) && self.bytes[pos] != b'>' {
                    pos += 1;
                }
                (&self.html[value_start..pos], pos)
            }
        };
        let value = html_escape::decode_html_entities(raw);
        Some((Attribute { name, value, range: start..end }, end))
    }

    fn skip_space(&self, mut pos: usize) -> usize {
        while pos < self.bytes.len() && is_space(self.bytes[pos]) {
            pos += 1;
        }
        pos
    }

    /// Pushes a raw text element's start tag (read from `start` to `end`), its content
    /// and end tag; or, when the end tag never comes, an [`Unclosed::RawText`] marker.
    /// Returns where reading goes on.
    fn raw_text(&mut self, tag: Tag<'a>, start: usize, end: usize, kind: Kind<'a>) -> usize {
        let close = if tag.name == "plaintext" { None } else { self.finder.end_tag(&tag.name, end) };
        let Some(close) = close else {
            let tag = Tag { name: tag.name, attributes: Vec::new() };
            self.push(Kind::Unclosed(Unclosed::RawText(tag)), start..end);
            return end;
        };
        self.push(kind, start..end);
        self.push(Kind::RawText, end..close);
        match self.tag(close + 2, true) {
            Some(Read::End(name, after)) => {
                self.push(Kind::End(name), close..after);
                after
            }
            // `</script` cut off by the end of the fragment: the rest is text.
            _ => close,
        }
    }
}

/// HTML's ASCII white space (after newline normalisation, plus `\r`).
fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

/// Finds the next occurrence of a needle, remembering the last answer so that repeated
/// searches from increasing positions read each byte once: without it, a fragment of
/// many unclosed `<!--` or `<script>` would be read again from each of them.
struct Finder<'a> {
    html: &'a str,
    /// The fragment in ASCII lowercase, for end tags; made on first use.
    lower: Option<String>,
    /// Per needle: searched from, and found at.
    last: HashMap<String, (usize, Option<usize>)>,
}

impl<'a> Finder<'a> {
    fn new(html: &'a str) -> Self {
        Self { html, lower: None, last: HashMap::new() }
    }

    /// The first `needle` at or after `from`.
    fn next(&mut self, needle: &str, from: usize) -> Option<usize> {
        if let Some(&(searched, found)) = self.last.get(needle)
            && searched <= from
            && found.is_none_or(|at| at >= from)
        {
            return found;
        }
        let found = self.html.get(from..).and_then(|rest| rest.find(needle)).map(|at| from + at);
        self.last.insert(needle.to_owned(), (from, found));
        found
    }

    /// The first end tag `</name` (any case) at or after `from` that a browser would take
    /// as the end of a raw text element: followed by white space, `/` or `>`.
    fn end_tag(&mut self, name: &str, mut from: usize) -> Option<usize> {
        let needle = format!("</{name}");
        loop {
            let at = self.next_lowercase(&needle, from)?;
            match self.html.as_bytes().get(at + needle.len()) {
                Some(&b) if is_space(b) || b == b'/' || b == b'>' => return Some(at),
                _ => from = at + 1,
            }
        }
    }

    fn next_lowercase(&mut self, needle: &str, from: usize) -> Option<usize> {
        let key = format!("lower:{needle}");
        if let Some(&(searched, found)) = self.last.get(&key)
            && searched <= from
            && found.is_none_or(|at| at >= from)
        {
            return found;
        }
        let lower = self.lower.get_or_insert_with(|| self.html.to_ascii_lowercase());
        let found = lower.get(from..).and_then(|rest| rest.find(needle)).map(|at| from + at);
        self.last.insert(key, (from, found));
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(html: &str) -> Vec<(String, &str)> {
        tokenize(html)
            .into_iter()
            .map(|token| {
                let kind = match token.kind {
                    Kind::Text => "text".to_owned(),
                    Kind::Start(tag) => {
                        let attributes: Vec<String> =
                            tag.attributes.iter().map(|a| format!(" {}={:?}", a.name, a.value)).collect();
                        format!("<{}{}>", tag.name, attributes.concat())
                    }
                    Kind::End(name) => format!("</{name}>"),
                    Kind::Comment => "comment".to_owned(),
                    Kind::RawText => "raw".to_owned(),
                    Kind::Unclosed(unclosed) => format!("unclosed {unclosed:?}"),
                };
                (kind, &html[token.range])
            })
            .collect()
    }

    #[test]
    fn reads_tags_attributes_and_text() {
        assert_eq!(
            kinds("a <A HREF='x&amp;y' title=t disabled onclick=\"1\" href=z>b</a> < c"),
            [
                ("text".into(), "a "),
                (
                    "<a href=\"x&y\" title=\"t\" disabled=\"\" onclick=\"1\">".into(),
                    "<A HREF='x&amp;y' title=t disabled onclick=\"1\" href=z>"
                ),
                ("text".into(), "b"),
                ("</a>".into(), "</a>"),
                ("text".into(), " < c"),
            ]
        );
        assert_eq!(kinds("<br/><img\nsrc=a.png />")[1].0, "<img src=\"a.png\">");
    }

    #[test]
    fn reads_comments_like_browsers() {
        for comment in [
            "<!-- a -->",
            "<!-->",
            "<!--->",
            "<!-- a --!>",
            "<?php x ?>",
            "<!DOCTYPE html>",
            "<![CDATA[x]]>",
            "</ x>",
            "</>",
        ] {
            assert_eq!(kinds(comment), [("comment".into(), comment)], "{comment}");
        }
    }

    #[test]
    fn raw_text_ends_only_at_its_end_tag() {
        assert_eq!(
            kinds("<script>if (a<b) x('</p>')</SCRIPT >after"),
            [
                ("<script>".into(), "<script>"),
                ("raw".into(), "if (a<b) x('</p>')"),
                ("</script>".into(), "</SCRIPT >"),
                ("text".into(), "after"),
            ]
        );
    }

    #[test]
    fn nothing_left_open_swallows_what_follows() {
        let unclosed = |kind: &str, marker: &str, rest: &str, then: &str| {
            let html = format!("{marker}{rest}");
            let tokens = kinds(&html);
            assert_eq!(tokens[0].1, marker, "{html}: {tokens:?}");
            assert!(tokens[0].0.starts_with(&format!("unclosed {kind}")), "{html}: {tokens:?}");
            assert!(tokens.iter().any(|(_, t)| *t == then), "{html}: {tokens:?}");
        };
        unclosed("Comment", "<!--", " x <b>y", "<b>");
        // Comment-like markup ends at the first `>`, as in browsers; this has none.
        unclosed("Comment", "<?", "php y", "php y");
        // A `>` after a blank line does not close it: the paragraphs between stay.
        unclosed("Comment", "<?", "php\n\nWORD here.\n\n<b>", "php\n\nWORD here.\n\n");
        unclosed("Comment", "<!", "x\n \nWORD>", "x\n \nWORD>");
        unclosed("Comment", "<!", "DOCTYPE y", "DOCTYPE y");
        let tokens = kinds("a <div class=\"x <b>y");
        assert_eq!(tokens[1], ("unclosed Tag".into(), "<div class=\"x <b>y"), "an unfinished tag runs to the end");
        unclosed("RawText", "<script>", "x <b>y", "<b>");
        unclosed("RawText", "<plaintext>", "x <b>y</plaintext>", "<b>");
        unclosed("RawText", "<style>", "x <b>y</styles>", "<b>");
        assert_eq!(kinds("a </")[0], ("text".into(), "a </"));
    }

    #[test]
    fn many_unclosed_markers_are_read_once() {
        // Each search resumes from the last answer; this is linear, not quadratic.
        let html = "<!-- <script> <style> ".repeat(20_000);
        let tokens = tokenize(&html);
        assert_eq!(tokens.iter().filter(|t| matches!(t.kind, Kind::Unclosed(_))).count(), 60_000);
        // Each tag here runs over the rest (its quotes pair up with the next one's).
        let html = format!("<div>{}", "<a title=\"x ".repeat(20_000));
        assert_eq!(tokenize(&html).len(), 2);
    }
}
