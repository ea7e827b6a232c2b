//! Includes: a line `<!-- snippet: name -->` (an HTML comment on its own, so GitHub and
//! any other Markdown viewer show nothing, and no prose can be read as one) is replaced
//! by `content/_snippets/name.md`, rendered as part of the page.
//!
//! This module finds includes; `State::include` renders them. The include becomes a
//! placeholder [`Event::DisplayMath`] holding the name between parsing and rendering:
//! tend never enables math, so no other event can be mistaken for it, and the raw HTML
//! policy passes it by (the include is tend's, not raw HTML).

use pulldown_cmark::{Event, Tag, TagEnd};

use super::Reporter;
use super::raw_html::Located;
use crate::content::Snippets;

/// What a line says, if it is an include: `Ok(name)`, or `Err(())` when it starts like
/// one but the name is not a plain one.
fn directive(line: &str) -> Option<Result<&str, ()>> {
    let inner = line.trim().strip_prefix("<!--")?.strip_suffix("-->")?.trim();
    let name = inner.strip_prefix("snippet:")?.trim();
    let plain = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    Some(if plain { Ok(name) } else { Err(()) })
}

/// The snippets `text` includes (and perhaps a few more: an include written inside a
/// code block is listed too), for the fingerprint that decides when a page is rendered
/// again: a page must be re-rendered when any snippet it includes changes.
pub fn included(text: &str) -> impl Iterator<Item = &str> {
    // Most pages include nothing, and this runs on every page at every save: one substring
    // search (SIMD) skips them, where splitting into lines cost ~18% of a 10k-page rebuild.
    let text = if text.contains("snippet:") { text } else { "" };
    text.lines().filter_map(|line| directive(line)?.ok())
}

/// The snippet `name` as a page in `language` includes it: `name.<language>.md` when
/// there is one, else `name.md`.
pub fn snippet<'s>(snippets: &'s Snippets, name: &str, language: Option<&str>) -> Option<&'s crate::content::Snippet> {
    language.and_then(|code| snippets.get(&format!("{name}.{code}"))).or_else(|| snippets.get(name))
}

/// Replaces each HTML block that is only an include by the placeholder holding its
/// name; an include with a name that is not plain is an error (and stays a comment).
pub(super) fn mark_includes<'e>(events: Vec<Located<'e>>, reporter: &mut Reporter<'_>) -> Vec<Located<'e>> {
    let mut out = Vec::with_capacity(events.len());
    let mut events = events.into_iter().peekable();
    while let Some((event, range)) = events.next() {
        if !matches!(event, Event::Start(Tag::HtmlBlock)) {
            out.push((event, range));
            continue;
        }
        let mut block = vec![(event, range)];
        while let Some(next) = events.next_if(|(e, _)| !matches!(e, Event::End(TagEnd::HtmlBlock))) {
            block.push(next);
        }
        block.extend(events.next());
        let found = match block.as_slice() {
            [_, (Event::Html(html), range), _] => directive(html).map(|found| (found, range.clone())),
            _ => None,
        };
        match found {
            Some((Ok(name), range)) => out.push((Event::DisplayMath(name.to_owned().into()), range)),
            Some((Err(()), range)) => {
                reporter.error(
                    &range,
                    "a snippet include names its snippet with letters, digits, `-` and `_` only".into(),
                    "write `<!-- snippet: ec-timings -->` for `content/_snippets/ec-timings.md`",
                );
                out.extend(block);
            }
            None => out.extend(block),
        }
    }
    out
}

/// The hint for an include of a snippet that does not exist.
pub(super) fn missing_hint(name: &str, snippets: &Snippets) -> String {
    // `name.es` is the Spanish version of `name`, not a name an include can use.
    let includable: Vec<&str> = snippets.keys().map(String::as_str).filter(|n| !n.contains('.')).collect();
    if let Some(best) = crate::diagnostic::did_you_mean(name, includable.iter().copied()) {
        return format!("did you mean `{best}`?");
    }
    if let Some(translation) = snippets.keys().find(|n| n.split_once('.').is_some_and(|(base, _)| base == name)) {
        return format!(
            "`content/_snippets/{translation}.md` is a translation; create the original, `content/_snippets/{name}.md`, too"
        );
    }
    if includable.is_empty() {
        return format!("create `content/_snippets/{name}.md` with the Markdown to include");
    }
    let names: Vec<String> = includable.iter().take(10).map(|n| format!("`{n}`")).collect();
    format!("the snippets are {}; or create `content/_snippets/{name}.md`", names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_whole_line_comments_naming_a_snippet() {
        assert_eq!(directive("<!-- snippet: ec-timings -->\n"), Some(Ok("ec-timings")));
        assert_eq!(directive("  <!--snippet:a_b-->"), Some(Ok("a_b")));
        assert_eq!(directive("<!-- snippet: ../secret -->"), Some(Err(())));
        assert_eq!(directive("<!-- snippet: -->"), Some(Err(())));
        assert_eq!(directive("<!-- a note about snippets -->"), None);
        assert_eq!(directive("See <!-- snippet: x --> here"), None);
        let text = "a\n<!-- snippet: one -->\n```\n<!-- snippet: two -->\n```\n";
        assert_eq!(included(text).collect::<Vec<_>>(), ["one", "two"]);
    }
}
