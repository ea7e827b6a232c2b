//! The raw HTML policy: what happens to HTML written inside Markdown.
//!
//! Each raw HTML fragment (an HTML block, or one inline tag) is handled on its own, from
//! its [tokens](super::lexer), before the Markdown around it is rendered; so nothing in
//! one fragment can reach into the prose after it.
//!
//! - `sanitize` rewrites each fragment to the [allow-list](super::allow_list) and warns, at its place,
//!   about everything it removes. A `<script>` or `<style>` goes with its content (code)
//!   when the fragment (or, inline, the paragraph) also closes it; otherwise only its tag
//!   goes and the text after it stays. Any other element removed leaves its text. The
//!   rendered page then goes through ammonia with the same allow-list, which repairs the
//!   nesting (and would catch anything missed here).
//! - `trust` keeps the HTML, but refuses what would make a browser hide the rest of the
//!   page (an unclosed `<script>` or `<!--`, a tag without its `>`).
//! - `escape` is left to the renderer, which shows raw HTML as text.
//!
//! It also enforces the nesting limit, which keeps that ammonia pass (whose tree building
//! costs time in proportion to depth for each element) linear.

use std::collections::{HashMap, VecDeque};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::lexer::{self, Kind, Unclosed};
use super::{Reporter, allow_list};
use crate::config::RawHtml;

/// Deepest nesting of Markdown blocks and inline markup plus raw HTML elements.
pub(super) const MAX_NESTING: usize = 100;

const HINT_REMOVED: &str = "under `raw_html: sanitize` raw HTML keeps formatting tags and attributes only; write it in \
     Markdown, or set `markdown: {raw_html: trust}` in site.yaml if every author is trusted";

/// What applying the policy found.
#[derive(Default)]
pub(super) struct Outcome {
    /// Whether any sanitised fragment kept a tag (so the page needs the ammonia pass).
    pub(super) kept_markup: bool,
    /// Whether the nesting limit was passed (the page is an error, and is not cleaned).
    pub(super) too_deep: bool,
}

/// An event with its byte range in the file.
pub(super) type Located<'e> = (Event<'e>, Range<usize>);

/// Applies `policy` to the raw HTML among `events`, reporting what it changes.
pub(super) fn apply<'e>(
    events: Vec<Located<'e>>,
    policy: RawHtml,
    reporter: &mut Reporter<'_>,
) -> (Vec<Located<'e>>, Outcome) {
    let removed = if policy == RawHtml::Escape { Vec::new() } else { inline_elements(&events) };
    let mut pass = Pass { policy, reporter, depth: 0, open: Vec::new(), inline: false, outcome: Outcome::default() };
    let mut out = Vec::with_capacity(events.len());
    let mut removed = removed.into_iter().peekable();
    let mut events = events.into_iter().enumerate();
    while let Some((i, (event, range))) = events.next() {
        if let Some((_, end, name)) = removed.next_if(|(start, ..)| *start == i) {
            let element =
                std::iter::once((event, range.clone())).chain(events.by_ref().take(end - i - 1).map(|(_, e)| e));
            if policy == RawHtml::Sanitize {
                pass.removed_element(&range, &name);
                element.for_each(drop);
            } else {
                out.extend(element);
            }
            continue;
        }
        match event {
            Event::Start(Tag::HtmlBlock) if policy != RawHtml::Escape => {
                let mut lines = Vec::new();
                for (_, (event, range)) in events.by_ref() {
                    match event {
                        Event::Html(html) => lines.push((html, range)),
                        _ => break,
                    }
                }
                out.push((Event::Start(Tag::HtmlBlock), range.clone()));
                out.push((Event::Html(pass.block(lines)), range.clone()));
                out.push((Event::End(TagEnd::HtmlBlock), range));
            }
            Event::InlineHtml(html) if policy != RawHtml::Escape => {
                pass.inline = true;
                let places = Places::of(&html, &range);
                let html = pass.fragment(html, &places);
                pass.inline = false;
                out.push((Event::InlineHtml(html), range));
            }
            // pulldown-cmark writes HTML lines only inside blocks; should one come alone,
            // it is a fragment all the same.
            Event::Html(html) if policy != RawHtml::Escape => {
                let places = Places::of(&html, &range);
                let html = pass.fragment(html, &places);
                out.push((Event::Html(html), range));
            }
            Event::Start(tag) => {
                pass.nest(&range, &tag);
                out.push((Event::Start(tag), range));
            }
            Event::End(tag) => {
                pass.leave(&range, &mut out);
                out.push((Event::End(tag), range));
            }
            event => out.push((event, range)),
        }
    }
    pass.finish();
    (out, pass.outcome)
}

/// Inline `<script>` and `<style>` elements closed within their paragraph (or other container),
/// as (opener index, index after the closer, name), in order: all their events go, their
/// text being code, not prose. Each opener is matched with the first closer after it in
/// the same container, found through a queue per name and container, so this is linear.
fn inline_elements(events: &[Located<'_>]) -> Vec<(usize, usize, String)> {
    let mut containers = vec![0_usize];
    let mut next_container = 1;
    let mut openers = Vec::new();
    let mut closers: HashMap<(String, usize), VecDeque<usize>> = HashMap::new();
    for (i, (event, _)) in events.iter().enumerate() {
        let container = containers.last().copied().unwrap_or_default();
        match event {
            Event::Start(_) => {
                containers.push(next_container);
                next_container += 1;
            }
            Event::End(_) => {
                containers.pop();
            }
            Event::InlineHtml(html) => match lexer::tokenize(html).as_slice() {
                [lexer::Token { kind: Kind::Unclosed(Unclosed::RawText(tag)), .. }]
                    if allow_list::CODE.contains(&tag.name.as_str()) =>
                {
                    openers.push((i, tag.name.clone(), container));
                }
                [lexer::Token { kind: Kind::End(name), .. }] if allow_list::CODE.contains(&name.as_str()) => {
                    closers.entry((name.clone(), container)).or_default().push_back(i);
                }
                _ => {}
            },
            _ => {}
        }
    }
    let mut found = Vec::new();
    let mut covered = 0;
    for (opener, name, container) in openers {
        if opener < covered {
            continue;
        }
        let Some(queue) = closers.get_mut(&(name.clone(), container)) else { continue };
        while queue.front().is_some_and(|&closer| closer < opener) {
            queue.pop_front();
        }
        if let Some(closer) = queue.pop_front() {
            covered = closer + 1;
            found.push((opener, covered, name));
        }
    }
    found
}

/// Maps byte offsets in a fragment back to the file.
struct Places {
    /// (offset in the fragment, offset in the file, whether the piece is the file's text).
    pieces: Vec<(usize, usize, bool)>,
}

impl Places {
    /// A fragment from one event: the file's text at `range` unless its length differs
    /// (inline HTML over lines of a block quote comes without the `>` markers).
    fn of(html: &str, range: &Range<usize>) -> Self {
        Self { pieces: vec![(0, range.start, html.len() == range.len())] }
    }

    /// The file range of `range` in the fragment (the piece's start when the piece's
    /// text is not the file's, e.g. a line joined from a block quote).
    fn file_range(&self, range: &Range<usize>) -> Range<usize> {
        let piece = self.pieces.partition_point(|(start, ..)| *start <= range.start).saturating_sub(1);
        let (start, file, exact) = self.pieces.get(piece).copied().unwrap_or_default();
        if exact { file + range.start - start..file + range.end - start } else { file..file + 1 }
    }
}

/// A raw HTML element left open.
struct Open {
    name: String,
    /// File offset of its start tag.
    at: usize,
    /// Markdown nesting where it was opened: it is closed where that container ends.
    depth: usize,
    /// Whether it was opened by inline HTML (rather than an HTML block).
    inline: bool,
}

/// The state of the policy over one page.
struct Pass<'r, 's> {
    policy: RawHtml,
    reporter: &'r mut Reporter<'s>,
    /// Markdown nesting here.
    depth: usize,
    /// Raw HTML elements open, approximately as a browser would have them: for the
    /// nesting limit, and to close them where their Markdown container ends.
    open: Vec<Open>,
    /// Whether the fragment at hand is inline HTML.
    inline: bool,
    outcome: Outcome,
}

impl Pass<'_, '_> {
    /// An HTML block's lines, as one fragment.
    fn block<'e>(&mut self, lines: Vec<(CowStr<'e>, Range<usize>)>) -> CowStr<'e> {
        let mut html = String::new();
        let mut pieces = Vec::with_capacity(lines.len());
        for (line, range) in &lines {
            pieces.push((html.len(), range.start, line.len() == range.len()));
            html.push_str(line);
        }
        self.fragment(html.into(), &Places { pieces })
    }

    /// One fragment under the policy: the HTML to keep.
    fn fragment<'e>(&mut self, html: CowStr<'e>, places: &Places) -> CowStr<'e> {
        let tokens = lexer::tokenize(&html);
        if self.policy == RawHtml::Trust {
            for token in &tokens {
                self.check_trusted(&html, token, places);
            }
            return html;
        }
        let mut out = String::with_capacity(html.len());
        let mut skipping: Option<&str> = None;
        for token in &tokens {
            let text = &html[token.range.clone()];
            match &token.kind {
                Kind::Text => escape_text(text, &mut out),
                Kind::Start(tag) if allow_list::TAGS.contains(&tag.name.as_str()) => {
                    self.start_tag(tag, token.range.clone(), places, &mut out);
                }
                Kind::Start(tag) if allow_list::CODE.contains(&tag.name.as_str()) => {
                    self.removed_element(&places.file_range(&token.range), &tag.name);
                    skipping = Some(tag.name.as_str());
                }
                Kind::Start(tag) => self.warn(places, &token.range, format!("removed `<{}>`", tag.name), HINT_REMOVED),
                Kind::End(name) if skipping == Some(name.as_str()) => skipping = None,
                Kind::End(name) if allow_list::TAGS.contains(&name.as_str()) => {
                    self.close(name);
                    out.push_str(&format!("</{name}>"));
                }
                // The text of a `<textarea>` or `<xmp>` is the author's: it stays.
                Kind::RawText if skipping.is_none() => escape_text(text, &mut out),
                Kind::End(_) | Kind::Comment | Kind::RawText => {}
                Kind::Unclosed(unclosed) => self.unclosed(unclosed, &html, token, places, &mut out),
            }
        }
        self.outcome.kept_markup |= out.contains('<');
        out.into()
    }

    /// Writes an allowed start tag with its allowed attributes, warning about the rest.
    fn start_tag(&mut self, tag: &lexer::Tag<'_>, range: Range<usize>, places: &Places, out: &mut String) {
        out.push('<');
        out.push_str(&tag.name);
        for attribute in &tag.attributes {
            let name = attribute.name.as_str();
            match allow_list::attribute_problem(&tag.name, name, &attribute.value) {
                Some(why) => {
                    let message = format!("removed attribute `{name}` from `<{}>`{why}", tag.name);
                    self.warn(places, &attribute.range, message, HINT_REMOVED);
                }
                None => {
                    if let Some(host) = allow_list::protocol_relative_host(name, &attribute.value) {
                        let shown = format!("`{name}=\"{}\"`", attribute.value.trim());
                        let (message, hint) = super::leaves_the_site(&shown, host, &attribute.value);
                        self.warn(places, &attribute.range, message, &hint);
                    }
                    out.push_str(&format!(" {name}=\""));
                    escape_attribute(&attribute.value, out);
                    out.push('"');
                }
            }
        }
        out.push('>');
        if !allow_list::VOID.contains(&tag.name.as_str()) {
            self.open(&tag.name, places.file_range(&range));
        }
    }

    /// Under `trust`, refuses what a browser would let hide the rest of the page.
    fn check_trusted(&mut self, html: &str, token: &lexer::Token<'_>, places: &Places) {
        let Kind::Unclosed(unclosed) = &token.kind else { return };
        let (message, hint) = match unclosed {
            Unclosed::Comment => (
                format!("`{}` is never closed: browsers would hide everything after it", &html[token.range.clone()]),
                "close it (`-->` for a comment, `>` otherwise), or remove it".to_owned(),
            ),
            Unclosed::Tag => (
                format!(
                    "`{}` is never closed with `>`: browsers would read what follows as part of it",
                    tag_start(html, token)
                ),
                "add the missing `>` (or closing quote)".to_owned(),
            ),
            Unclosed::RawText(tag) => (
                format!("`<{}>` is never closed: browsers would hide everything after it", tag.name),
                format!("close it with `</{}>`, or remove it", tag.name),
            ),
        };
        let range = places.file_range(&token.range);
        self.reporter.error(&range, message, &hint);
    }

    /// Under `sanitize`, markup the fragment leaves open.
    fn unclosed(
        &mut self,
        unclosed: &Unclosed,
        html: &str,
        token: &lexer::Token<'_>,
        places: &Places,
        out: &mut String,
    ) {
        let (message, hint) = match unclosed {
            Unclosed::Comment => (
                format!("removed `{}`, which is never closed; the text after it is kept", &html[token.range.clone()]),
                "close it (`-->` for a comment, `>` otherwise), or remove it",
            ),
            Unclosed::Tag => {
                escape_text(&html[token.range.clone()], out);
                let start = tag_start(html, token);
                (
                    format!("`{start}` is never closed with `>`; it is shown as text, with what follows it here"),
                    "add the missing `>` (or closing quote)",
                )
            }
            Unclosed::RawText(tag) if allow_list::CODE.contains(&tag.name.as_str()) => (
                format!("removed `<{}>`, which is never closed; the text after it is kept", tag.name),
                "remove it, or close it (a script or style never shows under `raw_html: sanitize`)",
            ),
            Unclosed::RawText(tag) => (format!("removed `<{}>`", tag.name), HINT_REMOVED),
        };
        self.warn(places, &token.range, message, hint);
    }

    fn removed_element(&mut self, range: &Range<usize>, name: &str) {
        let message = format!("removed `<{name}>` and its content");
        let range = range.start..range.start + 1;
        self.warn_at(&range, message, HINT_REMOVED);
    }

    fn warn(&mut self, places: &Places, range: &Range<usize>, message: String, hint: &str) {
        let range = places.file_range(range);
        self.warn_at(&range, message, hint);
    }

    fn warn_at(&mut self, range: &Range<usize>, message: String, hint: &str) {
        self.reporter.warning(range, message, hint);
    }

    /// Enters a Markdown block or inline element.
    fn nest(&mut self, range: &Range<usize>, tag: &Tag<'_>) {
        self.depth += 1;
        if self.depth + self.open.len() > MAX_NESTING && !self.outcome.too_deep {
            let what = match tag {
                Tag::BlockQuote(_) => "block quotes",
                Tag::List(_) | Tag::Item => "lists",
                _ if self.open.is_empty() => "Markdown blocks and emphasis",
                _ => "Markdown and HTML elements",
            };
            self.too_deep(range, what);
        }
    }

    fn too_deep(&mut self, range: &Range<usize>, what: &str) {
        self.outcome.too_deep = true;
        let message = format!("{what} nested deeper than {MAX_NESTING} levels");
        self.reporter.error(
            &(range.start..range.start + 1),
            message,
            "flatten the structure: nothing readable needs this depth",
        );
    }

    /// Opens a raw HTML element, closing those a browser would close for it first.
    fn open(&mut self, name: &str, range: Range<usize>) {
        let closes: &[&str] = match name {
            "li" => &["p", "li"],
            "dt" | "dd" => &["p", "dt", "dd"],
            "tr" => &["td", "th", "tr"],
            "td" | "th" => &["td", "th"],
            "thead" | "tbody" | "tfoot" => &["td", "th", "tr", "thead", "tbody", "tfoot"],
            "rt" | "rp" => &["rt", "rp"],
            "a" | "abbr" | "b" | "bdi" | "bdo" | "cite" | "code" | "data" | "del" | "dfn" | "em" | "i" | "ins"
            | "kbd" | "mark" | "q" | "s" | "samp" | "small" | "span" | "strike" | "strong" | "sub" | "sup" | "time"
            | "tt" | "u" | "var" => &[],
            _ => &["p"],
        };
        while self.open.last().is_some_and(|open| open.depth == self.depth && closes.contains(&open.name.as_str())) {
            self.open.pop();
        }
        self.open.push(Open { name: name.to_owned(), at: range.start, depth: self.depth, inline: self.inline });
        if self.depth + self.open.len() > MAX_NESTING && !self.outcome.too_deep {
            self.too_deep(&range, "HTML elements");
        }
    }

    fn close(&mut self, name: &str) {
        if let Some(at) = self.open.iter().rposition(|open| open.name == name) {
            self.open.truncate(at);
        }
    }

    /// Leaves a Markdown container, closing the raw HTML elements opened in it: a browser
    /// would carry an unclosed `<a>` or `<b>` into every paragraph after it.
    fn leave<'e>(&mut self, range: &Range<usize>, out: &mut Vec<Located<'e>>) {
        while let Some(open) = self.open.pop_if(|open| open.depth == self.depth) {
            if !allow_list::OPTIONAL_END.contains(&open.name.as_str()) {
                let message =
                    format!("`<{}>` is never closed; it ends where its Markdown block or span ends", open.name);
                self.warn_at(&(open.at..open.at + 1), message, &format!("close it with `</{}>`", open.name));
            }
            let closer = CowStr::from(format!("</{}>", open.name));
            out.push((if open.inline { Event::InlineHtml(closer) } else { Event::Html(closer) }, range.clone()));
        }
        self.depth = self.depth.saturating_sub(1);
    }

    /// Warns about elements never closed at the top level, which wrap all that follows.
    fn finish(&mut self) {
        for open in std::mem::take(&mut self.open) {
            if !allow_list::OPTIONAL_END.contains(&open.name.as_str()) {
                let message = format!("`<{}>` is never closed, so what follows it is inside it", open.name);
                self.warn_at(&(open.at..open.at + 1), message, &format!("close it with `</{}>`", open.name));
            }
        }
    }
}

/// The start of an unfinished tag, for messages: `<div`.
fn tag_start<'h>(html: &'h str, token: &lexer::Token<'_>) -> &'h str {
    let rest = &html[token.range.start..];
    let end = rest[1..].find(|c: char| c.is_whitespace() || c == '<').map_or(rest.len(), |at| at + 1);
    &rest[..rest.floor_char_boundary(end.min(30))]
}

/// Text as written, with `<` and `>` escaped so it can start no markup.
fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

/// An attribute's decoded value, escaped for a double-quoted attribute.
fn escape_attribute(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}
