//! HTML blocks that never close, kept from swallowing the Markdown after them.
//!
//! CommonMark ends an HTML block that starts with `<script`, `<pre`, `<style`,
//! `<textarea` (type 1), `<!--` (2), `<?` (3), `<!X` (4) or `<![CDATA[` (5) only at a line
//! holding its end marker (`</script>`, `-->`, …; pulldown-cmark matches it case-sensitively).
//! Without one, the block runs to the end of its block quote, list item or file, and every
//! paragraph, heading and list after the stray tag becomes raw HTML: gone under
//! `sanitize`, shown as source under `escape`, hidden by the browser under `trust`.
//!
//! [`prepare`] finds such blocks and turns the opener's name into `<p` (same length, so
//! every byte offset stays valid): the block becomes a type 6 block, which ends at the
//! next blank line like any other, and what follows is Markdown again. The events of the
//! changed lines get their original text back in [`Prepared::original`]; the raw HTML
//! policy then sees (and reports) the opener the author wrote.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};

/// Rounds of parsing: each round can only reveal blocks that an earlier unclosed block
/// swallowed, so this bounds the work on a file of many unclosed blocks in a row; any left
/// after it stay raw HTML, whose text the raw HTML policy still keeps.
const MAX_ROUNDS: usize = 16;

/// A body ready for pulldown-cmark.
pub(super) struct Prepared<'a> {
    /// The body, with each unclosed opener's name replaced.
    pub(super) text: Cow<'a, str>,
    /// Byte ranges of the body that were replaced, in order.
    replaced: Vec<Range<usize>>,
}

/// Finds the unclosed type 1–5 HTML blocks of `body` and makes them end at a blank line.
pub(super) fn prepare(body: &str, options: pulldown_cmark::Options) -> Prepared<'_> {
    let mut text = Cow::Borrowed(body);
    let mut replaced = Vec::new();
    // Parsing to look for them costs as much as rendering: only when one may be there.
    let may_have_one = body.match_indices('<').any(|(at, _)| opener(&body[at..]).is_some());
    for _ in 0..if may_have_one { MAX_ROUNDS } else { 0 } {
        let found = unclosed(&text, options);
        if found.is_empty() {
            break;
        }
        let mut bytes = text.into_owned().into_bytes();
        for range in found {
            bytes[range.start..range.start + 2].copy_from_slice(b"<p");
            bytes[range.start + 2..range.end].fill(b' ');
            replaced.push(range);
        }
        // Only whole characters were replaced, by ASCII, so this is still UTF-8.
        text = Cow::Owned(String::from_utf8_lossy(&bytes).into_owned());
    }
    replaced.sort_by_key(|range| range.start);
    Prepared { text, replaced }
}

impl Prepared<'_> {
    /// The text an event should carry: for an HTML line that was changed, the line as
    /// written in `body` (the original); otherwise the event's own text.
    pub(super) fn original<'e>(&self, body: &'e str, html: CowStr<'e>, range: &Range<usize>) -> CowStr<'e> {
        let next = self.replaced.partition_point(|r| r.end <= range.start);
        let changed = self.replaced.get(next).is_some_and(|r| r.start < range.end);
        match body.get(range.clone()) {
            Some(written) if changed && written.len() == html.len() => CowStr::Borrowed(written),
            _ => html,
        }
    }
}

/// The opener ranges (`<` and the name) of type 1–5 HTML blocks in `text` that no line
/// of the block closes; also of type 3–5 blocks (`<?`, `<!X`, `<![CDATA[`) that a blank
/// line comes before the close of: a browser reads them as comments ending at the next
/// `>`, and no one means a doctype or processing instruction to hide paragraphs.
fn unclosed(text: &str, options: pulldown_cmark::Options) -> Vec<Range<usize>> {
    struct Block<'t> {
        opener: Range<usize>,
        end: &'t str,
        closed: bool,
        blank_before_close: bool,
    }
    let mut found = Vec::new();
    let mut block: Option<Block<'_>> = None;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(Tag::HtmlBlock) => {
                block = opener(&text[range.start..]).map(|(len, end)| Block {
                    opener: range.start..range.start + len,
                    end,
                    closed: false,
                    blank_before_close: false,
                });
            }
            Event::Html(line) => {
                if let Some(block) = &mut block {
                    block.blank_before_close |= !block.closed && line.trim().is_empty();
                    block.closed |= line.contains(block.end);
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(block) = block.take() {
                    let comment_like = !block.end.starts_with("</") && block.end != "-->";
                    if !block.closed || comment_like && block.blank_before_close {
                        found.push(block.opener);
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// For text starting a type 1–5 HTML block: how many bytes to replace by `<p` and
/// spaces so that it starts a type 6 block instead, and the end marker it waits for.
fn opener(text: &str) -> Option<(usize, &'static str)> {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'<') {
        return None;
    }
    for (name, end) in [("pre", "</pre>"), ("style", "</style>"), ("script", "</script>"), ("textarea", "</textarea>")]
    {
        let after = 1 + name.len();
        if bytes.len() >= after
            && bytes[1..after].eq_ignore_ascii_case(name.as_bytes())
            && bytes.get(after).is_none_or(|b| b.is_ascii_whitespace() || *b == b'>')
        {
            return Some((after, end));
        }
    }
    if text.starts_with("<!--") {
        return Some((4, "-->"));
    }
    if text.starts_with("<![CDATA[") {
        return Some((9, "]]>"));
    }
    // `<?` and `<!X`: the replacement must be followed by a space, so take the next
    // character too unless it already is one.
    let end = match bytes.get(1) {
        Some(b'?') => "?>",
        Some(b'!') if bytes.get(2).is_some_and(u8::is_ascii_alphabetic) => ">",
        _ => return None,
    };
    let next = text[2..].chars().next().filter(|c| !c.is_ascii_whitespace() && *c != '>');
    Some((2 + next.map_or(0, char::len_utf8), end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prepared(body: &str) -> String {
        prepare(body, pulldown_cmark::Options::empty()).text.into_owned()
    }

    #[test]
    fn unclosed_openers_end_at_a_blank_line() {
        assert_eq!(prepared("<script>\nx\n\nProse."), "<p     >\nx\n\nProse.");
        assert_eq!(prepared("<!-- note\n\nProse."), "<p   note\n\nProse.");
        assert_eq!(prepared("<?php\n\nProse."), "<p hp\n\nProse.");
        assert_eq!(prepared("<?\n\nProse."), "<p\n\nProse.");
        assert_eq!(prepared("<!DOCTYPE\n\nProse."), "<p OCTYPE\n\nProse.");
        assert_eq!(prepared("> <pre>\n> x\n\nProse."), "> <p  >\n> x\n\nProse.");
        assert_eq!(prepared("- a\n\n   <style>\n\n  Prose."), "- a\n\n   <p    >\n\n  Prose.");
        assert_eq!(prepared("  <!-- x\n\nProse."), "  <p   x\n\nProse.");
        // pulldown-cmark closes only on the marker in the opener's case.
        assert_eq!(prepared("<SCRIPT>x</SCRIPT>\n\nProse."), "<p     >x</SCRIPT>\n\nProse.");
    }

    #[test]
    fn doctypes_and_instructions_end_at_a_blank_line() {
        assert_eq!(prepared("<!DOCTYPE\n\nProse.\n\n<b>\n"), "<p OCTYPE\n\nProse.\n\n<b>\n");
        assert_eq!(prepared("<?x\n\nProse. ?>\n"), "<p \n\nProse. ?>\n");
        assert_eq!(prepared("<!DOCTYPE html>\n\nProse.\n"), "<!DOCTYPE html>\n\nProse.\n");
    }

    #[test]
    fn closed_blocks_are_left_alone() {
        for body in ["<script>\nx\n</script>\n\nProse.", "<!-- a\n\nb -->\n\nProse.", "<pre>\na\n\nb\n</pre>"] {
            assert_eq!(prepared(body), body);
        }
    }

    #[test]
    fn each_round_reveals_the_next_swallowed_block() {
        let body = "<!-- a\n\n<!-- b\n\n<style>\n\nProse.";
        assert_eq!(prepared(body), "<p   a\n\n<p   b\n\n<p    >\n\nProse.");
    }
}
