//! Markdown to HTML, with the facts the rest of the site needs about each page.
//!
//! Owns the pulldown-cmark options and every rewrite of its event stream: heading ids
//! and anchor links, callouts from GitHub alerts, scrollable tables, `.md` link
//! resolution to URLs, unsafe URL schemes, and the raw HTML policy. Returns
//! [`Rendered`]: HTML plus headings, checked-later links, word count and summary.
//! It does not check anchors in other pages (it cannot see them); the caller does.
//!
//! [`render`] reads as its stages: `blocks` keeps HTML blocks that never close from
//! swallowing the Markdown after them; pulldown-cmark parses; `raw_html` applies the raw
//! HTML policy to each fragment (with `lexer`'s tokens and the `allow_list`); the event
//! loop below rewrites links, headings and definition terms (`headings`: ids,
//! `{#id .class}`) and callouts, and renders `snippets` into the page where included;
//! pulldown-cmark writes the HTML; ammonia repairs how sanitised fragments nest.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use crate::config::{LinkLevel, RawHtml};
use crate::content::{Permalink, Snippets, resolve, split_fragment};
use crate::diagnostic::{Diagnostic, LineIndex, Severity};
use crate::images::Images;

mod allow_list;
mod blocks;
mod headings;
mod lexer;
mod raw_html;
mod snippets;

pub use headings::heading_id;
use headings::{UniqueIds, check_attributes};
use raw_html::Located;
pub use snippets::{included, snippet};

/// Ids the themes use for their own elements; headings never take them.
pub const RESERVED_IDS: &[&str] =
    &["main-content", "site-header", "site-nav", "toc", "footnotes", "search", "top", "browse"];

/// Words read per minute, for reading time.
const WORDS_PER_MINUTE: usize = 200;

/// One heading of the page, for the table of contents and anchor checks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The `id` attribute.
    pub id: String,
    /// Plain text.
    pub title: String,
    /// Byte range of the heading in the file, for `tend check`'s heading-order rules.
    #[serde(skip)]
    pub range: Range<usize>,
}

/// A link or image destination as the author wrote it, for `tend check`'s link and
/// image rules (the HTML gets the rewritten URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// The URL as written, trimmed.
    pub url: String,
    /// For an image, its alt text; `None` for a link.
    pub alt: Option<String>,
    /// Byte range of the link or image in the file.
    pub range: Range<usize>,
}

/// A table-of-contents entry: an `h2` with its `h3`s.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TocEntry {
    /// Heading level.
    pub level: u8,
    /// Anchor id.
    pub id: String,
    /// Plain text.
    pub title: String,
    /// Sub-headings.
    pub children: Vec<TocEntry>,
}

/// A link to another source file (or this one) whose anchor must be checked once every
/// page has been rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The target's source path, relative to the site root.
    pub target: PathBuf,
    /// The `#fragment`, if any.
    pub anchor: String,
    /// Byte range of the link in the file.
    pub range: Range<usize>,
    /// The snippet the link is written in, when it is not the page's own file (`range`
    /// is then in the snippet).
    pub written_in: Option<PathBuf>,
}

/// A page's rendered Markdown.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The HTML body.
    pub html: String,
    /// Every heading, in order.
    pub headings: Vec<Heading>,
    /// Ids a link may point at: headings, definition list terms and footnotes.
    pub anchors: HashSet<String>,
    /// Links with fragments, for anchor checks.
    pub links: Vec<Link>,
    /// Words in the body's text (code excluded).
    pub word_count: usize,
    /// The first paragraph as plain text, at most about 300 characters.
    pub summary: String,
    /// The body as plain text (for readability checks and search).
    pub plain_text: String,
    /// Every link and image, as written.
    pub destinations: Vec<Destination>,
    /// Byte ranges of the file holding prose (text outside code and raw HTML), with
    /// ranges separated only by white space merged, for word checks.
    pub prose: Vec<Range<usize>>,
    /// Problems found (broken links, unsafe URLs).
    pub diagnostics: Vec<Diagnostic>,
}

impl Rendered {
    /// Minutes to read, at least 1.
    pub fn reading_time(&self) -> usize {
        self.word_count.div_ceil(WORDS_PER_MINUTE).max(1)
    }

    /// `h2` entries with their `h3` children.
    pub fn toc(&self) -> Vec<TocEntry> {
        let mut toc: Vec<TocEntry> = Vec::new();
        for heading in self.headings.iter().filter(|h| (2..=3).contains(&h.level)) {
            let entry = TocEntry {
                level: heading.level,
                id: heading.id.clone(),
                title: heading.title.clone(),
                children: Vec::new(),
            };
            match toc.last_mut() {
                Some(parent) if heading.level == 3 => parent.children.push(entry),
                _ => toc.push(entry),
            }
        }
        toc
    }
}

/// The file being rendered and what its links can reach.
pub struct Source<'a> {
    /// Path relative to the site root.
    pub path: &'a Path,
    /// The whole file.
    pub text: &'a str,
    /// Byte offset of the Markdown body in `text`.
    pub body_offset: usize,
    /// Folder relative links are resolved from.
    pub link_base: &'a Path,
    /// The language code of a translation (`None` in the default language): its links to
    /// `x.md` lead to `x.<code>.md` when that exists, and its snippets are `name.<code>.md`
    /// when that exists.
    pub language: Option<&'a str>,
}

/// Site-wide settings for rendering.
pub struct Settings<'a> {
    /// Source path → URL of every page and topic.
    pub targets: &'a HashMap<PathBuf, Permalink>,
    /// Draft pages left out of this build.
    pub drafts: &'a [PathBuf],
    /// The base URL's path, e.g. `/` or `/guide/`.
    pub base_path: &'a str,
    /// Raw HTML policy.
    pub raw_html: RawHtml,
    /// How links to missing files and drafts are reported.
    pub links: LinkLevel,
    /// The snippets pages may include.
    pub snippets: &'a Snippets,
    /// The site's image files, for `<img>`'s `width` and `height`.
    pub images: &'a Images,
    /// The words tend writes into pages, by language code.
    pub words: &'a std::collections::BTreeMap<String, Words>,
    /// The default language's code (the language of a source whose `language` is `None`).
    pub default_language: &'a str,
}

/// The words tend writes into a page's HTML (callout titles, labels for screen readers),
/// in one language: the theme's `markdown.*` strings.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Words {
    /// Callout titles: note, tip, important, warning, caution.
    pub callouts: [String; 5],
    /// A table's label, with `{n}` for its number.
    pub table: String,
    /// A heading anchor's label, with `{title}` for the heading.
    pub section: String,
    /// A task list item's state: done, not done.
    pub task: [String; 2],
    /// The language's name in itself, after a link to a page in it from another language.
    pub name: String,
}

impl Words {
    /// The English words.
    pub fn english() -> Self {
        Self {
            callouts: ["Note", "Tip", "Important", "Warning", "Caution"].map(str::to_owned),
            table: "Table {n}".into(),
            section: "Section titled “{title}”".into(),
            task: ["done", "not done"].map(str::to_owned),
            name: "English".into(),
        }
    }

    /// The words a language named `name` in itself has for each `markdown.*` key (`lookup`
    /// gives the theme's string for a key, `markdown.table`), English where it has none.
    pub fn of(lookup: impl Fn(&str) -> Option<String>, name: &str) -> Self {
        let english = Self::english();
        let text =
            |key: &str, fallback: &str| lookup(&format!("markdown.{key}")).unwrap_or_else(|| fallback.to_owned());
        let kinds = ["note", "tip", "important", "warning", "caution"];
        Self {
            callouts: std::array::from_fn(|i| text(&format!("callout.{}", kinds[i]), &english.callouts[i])),
            table: text("table", &english.table),
            section: text("section", &english.section),
            task: [text("task.done", &english.task[0]), text("task.not_done", &english.task[1])],
            name: name.to_owned(),
        }
    }
}

/// pulldown-cmark's extensions that tend enables.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_DEFINITION_LIST
}

/// Renders a page body.
pub fn render(source: &Source<'_>, settings: &Settings<'_>) -> Rendered {
    render_part(source, settings, UniqueIds::new(RESERVED_IDS), None).0
}

/// Renders a page body, or a snippet included in `page` (whose ids it takes from `ids`).
fn render_part(
    source: &Source<'_>,
    settings: &Settings<'_>,
    ids: UniqueIds,
    page: Option<&Path>,
) -> (Rendered, UniqueIds) {
    let body = &source.text[source.body_offset..];
    let prepared = blocks::prepare(body, options());
    let parsed = parse(&prepared, body, source.body_offset);
    let mut state = State::new(source, settings, ids, page);
    let parsed = snippets::mark_includes(parsed, &mut state.reporter);
    let (parsed, raw_html) = raw_html::apply(parsed, settings.raw_html, &mut state.reporter);
    let mut events: Vec<Event<'_>> = Vec::with_capacity(parsed.len());
    // A heading or a definition list's term, held until its end gives it an id.
    let mut anchored: Option<(Vec<Event<'_>>, Range<usize>)> = None;
    for (event, range) in parsed {
        if let Event::DisplayMath(name) = &event {
            state.include(name, &range, &mut events);
            continue;
        }
        let event = state.rewrite(event, &range);
        match (&mut anchored, event) {
            (None, event @ Event::Start(Tag::Heading { .. } | Tag::DefinitionListTitle)) => {
                anchored = Some((vec![event], range));
            }
            (Some((buffer, start)), Event::End(end @ (TagEnd::Heading(_) | TagEnd::DefinitionListTitle))) => {
                let (buffer, start) = (std::mem::take(buffer), start.clone());
                anchored = None;
                match end {
                    TagEnd::Heading(level) => state.emit_heading(buffer, level, start, &mut events),
                    _ => state.emit_term(buffer, &mut events),
                }
            }
            (Some((buffer, _)), event) => buffer.push(event),
            (None, event) => state.push(event, &mut events),
        }
    }
    let events = state.images(events);
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if state.tables > 0 {
        html = align_with_classes(&html);
    }
    // Each fragment is clean already; this repairs how they nest in the page. A page
    // nested too deep is an error, and is not worth the time.
    if raw_html.kept_markup && !raw_html.too_deep && settings.raw_html == RawHtml::Sanitize {
        html = allow_list::cleaner().clean(&html).to_string();
    }
    let ids = std::mem::replace(&mut state.ids, UniqueIds::new(&[]));
    (state.finish(html), ids)
}

/// The events of `prepared` (the body, `body_offset` bytes into its file), with their
/// byte ranges in the file; HTML lines carry the text the author wrote.
fn parse<'p>(prepared: &'p blocks::Prepared<'_>, body: &'p str, body_offset: usize) -> Vec<Located<'p>> {
    Parser::new_ext(&prepared.text, options())
        .into_offset_iter()
        .map(|(event, range)| {
            let event = match event {
                Event::Html(html) => Event::Html(prepared.original(body, html, &range)),
                event => event,
            };
            (event, range.start + body_offset..range.end + body_offset)
        })
        .collect()
}

/// Diagnostics for one file, placed by byte range: at most [`Reporter::MAX`] errors and
/// as many warnings, so that a file of a million mistakes costs no more than a few
/// screenfuls (each diagnostic finds and copies its line).
struct Reporter<'s> {
    path: &'s Path,
    text: &'s str,
    index: LineIndex,
    found: Vec<Diagnostic>,
    /// Errors and warnings listed, and over the limit.
    listed: (usize, usize),
    unlisted: (usize, usize),
}

impl<'s> Reporter<'s> {
    const MAX: usize = 200;

    fn new(path: &'s Path, text: &'s str) -> Self {
        Self { path, text, index: LineIndex::new(text), found: Vec::new(), listed: (0, 0), unlisted: (0, 0) }
    }

    /// Whether further errors are only counted.
    fn is_full(&self) -> bool {
        self.listed.0 >= Self::MAX
    }

    /// An error at `range` of the file.
    fn error(&mut self, range: &Range<usize>, message: String, hint: &str) {
        if self.is_full() {
            self.unlisted.0 += 1;
            return;
        }
        self.listed.0 += 1;
        let diagnostic = self.place(Diagnostic::error(self.path, message), range);
        self.found.push(diagnostic.with_hint(hint));
    }

    /// An error or a warning at `range` of the file, as `severity` says.
    fn report(&mut self, severity: Severity, range: &Range<usize>, message: String, hint: &str) {
        match severity {
            Severity::Error => self.error(range, message, hint),
            Severity::Warning => self.warning(range, message, hint),
        }
    }

    /// Diagnostics placed already (a snippet's, in its own file).
    fn extend(&mut self, placed: Vec<Diagnostic>) {
        self.found.extend(placed);
    }

    /// A warning at `range` of the file.
    fn warning(&mut self, range: &Range<usize>, message: String, hint: &str) {
        if self.listed.1 >= Self::MAX {
            self.unlisted.1 += 1;
            return;
        }
        self.listed.1 += 1;
        let diagnostic = self.place(Diagnostic::warning(self.path, message), range);
        self.found.push(diagnostic.with_hint(hint));
    }

    /// Points `diagnostic` at `range`, finding its line from the range (not by counting
    /// lines from the top, which costs the whole file for each diagnostic).
    fn place(&self, diagnostic: Diagnostic, range: &Range<usize>) -> Diagnostic {
        let span = self.index.span(self.text, range.clone());
        let start = self.text.floor_char_boundary(range.start.min(self.text.len()));
        let line_start = self.text[..start].rfind('\n').map_or(0, |at| at + 1);
        let line_end = self.text[start..].find('\n').map_or(self.text.len(), |at| start + at);
        diagnostic.at_line(self.text[line_start..line_end].trim_end_matches('\r'), span)
    }

    /// Everything found, with a count of what was not listed.
    fn finish(mut self) -> Vec<Diagnostic> {
        let hint = "fix the ones listed and run again";
        let (errors, warnings) = self.unlisted;
        if errors > 0 {
            self.found.push(Diagnostic::error(self.path, format!("{errors} more errors in this file")).with_hint(hint));
        }
        if warnings > 0 {
            let message = format!("{warnings} more warnings in this file");
            self.found.push(Diagnostic::warning(self.path, message).with_hint(hint));
        }
        self.found
    }
}

/// Rewriting state for one page.
struct State<'s> {
    source: &'s Source<'s>,
    settings: &'s Settings<'s>,
    reporter: Reporter<'s>,
    rendered: Rendered,
    ids: UniqueIds,
    /// Footnote labels defined so far.
    footnotes: HashSet<String>,
    code_depth: usize,
    in_first_paragraph: Option<bool>,
    tables: usize,
    /// Index in `rendered.destinations` of the image whose alt text is being read.
    image: Option<usize>,
    /// When rendering a snippet, the page that includes it.
    page: Option<&'s Path>,
    /// Images written so far.
    images_seen: usize,
    /// The language of the page the link being rewritten leads to, when it is not this
    /// page's (a translation linking an untranslated original).
    link_language: Option<String>,
    /// The language of the open link when it was written as HTML (to carry `hreflang`),
    /// so its end is too, with the language's name.
    raw_link_open: Option<String>,
}

impl<'s> State<'s> {
    fn new(source: &'s Source<'s>, settings: &'s Settings<'s>, ids: UniqueIds, page: Option<&'s Path>) -> Self {
        Self {
            source,
            settings,
            reporter: Reporter::new(source.path, source.text),
            rendered: Rendered::default(),
            ids,
            footnotes: HashSet::new(),
            code_depth: 0,
            in_first_paragraph: None,
            tables: 0,
            image: None,
            page,
            images_seen: 0,
            link_language: None,
            raw_link_open: None,
        }
    }

    /// Writes each Markdown image as `<img>` itself, as pulldown-cmark would, plus the
    /// file's `width` and `height` (so the page does not shift as it loads) and
    /// `loading="lazy"` on every image but the page's first (which is likely on the first
    /// screen; a snippet's images are all lazy). Raw HTML `<img>` is left as written.
    fn images<'e>(&mut self, events: Vec<Event<'e>>) -> Vec<Event<'e>> {
        let mut out = Vec::with_capacity(events.len());
        let mut image: Option<(CowStr<'e>, CowStr<'e>, String, usize)> = None;
        for event in events {
            let Some((url, title, alt, nest)) = &mut image else {
                match event {
                    Event::Start(Tag::Image { dest_url, title, .. }) => {
                        image = Some((dest_url, title, String::new(), 0))
                    }
                    event => out.push(event),
                }
                continue;
            };
            match event {
                Event::End(TagEnd::Image) if *nest == 0 => {
                    let tag = self.img_tag(url, title, alt);
                    out.push(Event::InlineHtml(tag.into()));
                    image = None;
                }
                Event::Start(_) => *nest += 1,
                Event::End(_) => *nest -= 1,
                Event::Text(text) | Event::Code(text) | Event::InlineHtml(text) => alt.push_str(&text),
                Event::SoftBreak | Event::HardBreak => alt.push(' '),
                _ => {}
            }
        }
        out
    }

    /// One `<img>`: pulldown-cmark's markup, with the size and loading added.
    fn img_tag(&mut self, url: &str, title: &str, alt: &str) -> String {
        let mut tag = String::from("<img src=\"");
        let _ = pulldown_cmark_escape::escape_href(&mut tag, url);
        tag.push_str("\" alt=\"");
        let _ = pulldown_cmark_escape::escape_html(&mut tag, alt);
        if !title.is_empty() {
            tag.push_str("\" title=\"");
            let _ = pulldown_cmark_escape::escape_html(&mut tag, title);
        }
        tag.push('"');
        if let Some((width, height)) = self.local_image(url).and_then(|image| image.size) {
            tag.push_str(&format!(" width=\"{width}\" height=\"{height}\""));
        }
        if self.images_seen > 0 || self.page.is_some() {
            tag.push_str(" loading=\"lazy\"");
        }
        self.images_seen += 1;
        tag.push_str(" />");
        tag
    }

    /// The site's image file at `url` (as rewritten: site-absolute ones start with the
    /// base path, relative ones are relative to the page's address).
    fn local_image(&self, url: &str) -> Option<crate::images::Image> {
        let url = url.split(['#', '?']).next().unwrap_or_default();
        if url.is_empty() || url.starts_with("//") || crate::sitepath::scheme(url).is_some() {
            return None;
        }
        let site_path = match url.strip_prefix(self.settings.base_path) {
            Some(inside) if url.starts_with('/') => crate::sitepath::join("", inside)?,
            _ if url.starts_with('/') => return None,
            _ => {
                let page = self.page.unwrap_or(self.source.path);
                crate::sitepath::join(self.settings.targets.get(page)?.as_str(), url)?
            }
        };
        self.settings.images.get(&site_path).copied()
    }

    /// Renders snippet `name` in place of its include at `range`, with this page's ids;
    /// its problems are reported in its own file.
    fn include<'e>(&mut self, name: &str, range: &Range<usize>, out: &mut Vec<Event<'e>>) {
        if self.page.is_some() {
            let message = format!("snippet `{name}` is included from another snippet");
            self.error(range, message, "snippets cannot include snippets: include both from the page");
            return;
        }
        let Some(snippet) = snippets::snippet(self.settings.snippets, name, self.source.language) else {
            let message = format!("no snippet `{name}`: `content/_snippets/{name}.md` does not exist");
            let hint = snippets::missing_hint(name, self.settings.snippets);
            self.error(range, message, &hint);
            return;
        };
        if let Some(code) = self.source.language
            && !snippet.path.to_string_lossy().ends_with(&format!(".{code}.md"))
        {
            self.reporter.warning(
                range,
                format!("snippet `{name}` has no `{code}` version, so this page shows it in the default language"),
                &format!("translate it as `content/_snippets/{name}.{code}.md`"),
            );
        }
        let link_base = snippet.path.parent().unwrap_or(Path::new("content"));
        let source = Source {
            path: &snippet.path,
            text: &snippet.text,
            body_offset: 0,
            link_base,
            language: self.source.language,
        };
        let ids = std::mem::replace(&mut self.ids, UniqueIds::new(&[]));
        let (part, ids) = render_part(&source, self.settings, ids, Some(self.source.path));
        self.ids = ids;
        out.push(Event::Html(part.html.into()));
        self.rendered.anchors.extend(part.anchors);
        self.rendered.links.extend(part.links);
        self.rendered.word_count += part.word_count;
        self.rendered.plain_text.push_str(&part.plain_text);
        self.reporter.extend(part.diagnostics);
    }

    /// A link as this file records it: in a snippet, `#anchor` links point into the page.
    fn link(&self, target: Option<PathBuf>, anchor: String, range: &Range<usize>) -> Link {
        let written_in = self.page.map(|_| self.source.path.to_path_buf());
        let target = target.unwrap_or_else(|| self.page.unwrap_or(self.source.path).to_path_buf());
        Link { target, anchor, range: range.clone(), written_in }
    }

    /// Rewrites one event: links, images, raw HTML; tracks text for counts.
    fn rewrite<'e>(&mut self, event: Event<'e>, range: &Range<usize>) -> Event<'e> {
        match event {
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                self.destination(&dest_url, None, range);
                let dest_url = self.link_url(link_type, dest_url, range);
                // A page in another language: say so, to browsers and screen readers
                // (`hreflang`) and to readers (the language's name after the link text).
                match self.link_language.take() {
                    Some(code) => {
                        self.raw_link_open = Some(code.clone());
                        let title =
                            if title.is_empty() { String::new() } else { format!(" title=\"{}\"", escape(&title)) };
                        Event::InlineHtml(
                            format!("<a href=\"{}\" hreflang=\"{}\"{title}>", escape(&dest_url), escape(&code)).into(),
                        )
                    }
                    None => Event::Start(Tag::Link { link_type, dest_url, title, id }),
                }
            }
            Event::End(TagEnd::Link) if self.raw_link_open.is_some() => {
                let code = self.raw_link_open.take().unwrap_or_default();
                let name = self.settings.words.get(&code).map_or(code.as_str(), |words| words.name.as_str());
                let note = format!(
                    " <span class=\"link-language\" lang=\"{}\" data-pagefind-ignore>({})</span>",
                    escape(&code),
                    escape(name)
                );
                Event::InlineHtml(format!("{note}</a>").into())
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                self.image = Some(self.rendered.destinations.len());
                self.destination(&dest_url, Some(String::new()), range);
                let dest_url = self.link_url(link_type, dest_url, range);
                // An image leading to a page carries no language note.
                self.link_language = None;
                Event::Start(Tag::Image { link_type, dest_url, title, id })
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.footnote_id(&label, range);
                Event::Start(Tag::FootnoteDefinition(label))
            }
            // Raw HTML was handled by the policy already (see `raw_html`); `escape` is this.
            Event::Html(html) | Event::InlineHtml(html) if self.settings.raw_html == RawHtml::Escape => {
                Event::Text(html)
            }
            event @ (Event::Html(_) | Event::InlineHtml(_)) => event,
            event => {
                self.observe(&event, range);
                event
            }
        }
    }

    /// A footnote's id is its label: refuses one that a heading or the theme has.
    fn footnote_id(&mut self, label: &str, range: &Range<usize>) {
        if self.ids.take(label) {
            self.footnotes.insert(label.to_owned());
            return;
        }
        if self.footnotes.contains(label) {
            self.error(range, format!("footnote `[^{label}]` is defined twice"), "remove or rename one of them");
            return;
        }
        let owner = if RESERVED_IDS.contains(&label) { "the theme" } else { "a heading" };
        let message = format!("footnote `[^{label}]` needs the id `{label}`, which {owner} uses");
        self.error(range, message, "rename the footnote (its label is its id), e.g. `[^1]`");
    }

    fn destination(&mut self, url: &str, alt: Option<String>, range: &Range<usize>) {
        self.rendered.destinations.push(Destination { url: url.trim().to_owned(), alt, range: range.clone() });
    }

    /// Records a prose range, merged with the previous one when only white space separates them.
    fn prose(&mut self, range: &Range<usize>) {
        let text = self.source.text;
        if let Some(last) = self.rendered.prose.last_mut()
            && last.end <= range.start
            && text.get(last.end..range.start).is_some_and(|gap| gap.chars().all(char::is_whitespace))
        {
            last.end = range.end;
        } else {
            self.rendered.prose.push(range.clone());
        }
    }

    /// Counts words and captures the summary, alt text and prose ranges.
    fn observe(&mut self, event: &Event<'_>, range: &Range<usize>) {
        if let (Some(i), Event::Text(text) | Event::Code(text)) = (self.image, event)
            && let Some(alt) = &mut self.rendered.destinations[i].alt
        {
            alt.push_str(text);
        }
        match event {
            Event::End(TagEnd::Image) => self.image = None,
            Event::Start(Tag::CodeBlock(_)) => self.code_depth += 1,
            Event::End(TagEnd::CodeBlock) => self.code_depth = self.code_depth.saturating_sub(1),
            Event::Start(Tag::Paragraph) if self.in_first_paragraph.is_none() => self.in_first_paragraph = Some(true),
            Event::End(TagEnd::Paragraph) if self.in_first_paragraph == Some(true) => {
                self.in_first_paragraph = Some(false);
            }
            Event::FootnoteReference(_) => {}
            Event::Text(text) | Event::Code(text) if self.code_depth == 0 => {
                if matches!(event, Event::Text(_)) {
                    self.prose(range);
                }
                self.rendered.word_count += text.split_whitespace().count();
                self.rendered.plain_text.push_str(text);
                if self.in_first_paragraph == Some(true) {
                    self.rendered.summary.push_str(text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                self.rendered.plain_text.push(' ');
                if self.in_first_paragraph == Some(true) {
                    self.rendered.summary.push(' ');
                }
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::DefinitionListTitle
                | TagEnd::DefinitionListDefinition,
            ) => {
                self.rendered.plain_text.push('\n');
            }
            _ => {}
        }
    }

    /// Adds an event to the output, wrapping callouts and tables.
    fn push<'e>(&mut self, event: Event<'e>, out: &mut Vec<Event<'e>>) {
        match event {
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, index) = callout(kind);
                let label = escape(&self.words().callouts[index]);
                out.push(Event::Html(
                    format!("<div class=\"callout callout-{class}\" role=\"note\">\n<p class=\"callout-title\">{label}</p>\n")
                        .into(),
                ));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => out.push(Event::Html("</div>\n".into())),
            Event::Start(Tag::Table(alignments)) => {
                self.tables += 1;
                let label = escape(&self.words().table.replace("{n}", &self.tables.to_string()));
                let open =
                    format!("<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{label}\">\n");
                out.push(Event::Html(open.into()));
                out.push(Event::Start(Tag::Table(alignments)));
            }
            Event::End(TagEnd::Table) => {
                out.push(Event::End(TagEnd::Table));
                out.push(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.rendered.anchors.insert(label.to_string());
                out.push(Event::Start(Tag::FootnoteDefinition(label)));
            }
            // pulldown-cmark's checkbox has no accessible name; say its state in words.
            Event::TaskListMarker(done) => {
                let words = &self.words().task;
                let (checked, label) = if done { (" checked", &words[0]) } else { ("", &words[1]) };
                let label = escape(label);
                out.push(Event::InlineHtml(
                    format!("<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\"> ").into(),
                ));
            }
            event => out.push(event),
        }
    }

    /// Emits a buffered heading with a unique id and an anchor link after it.
    fn emit_heading<'e>(
        &mut self,
        buffer: Vec<Event<'e>>,
        level: HeadingLevel,
        range: Range<usize>,
        out: &mut Vec<Event<'e>>,
    ) {
        let mut events = buffer.into_iter();
        let Some(Event::Start(Tag::Heading { id, classes, attrs, .. })) = events.next() else {
            return;
        };
        let inner: Vec<Event<'e>> = events.collect();
        let title = plain(&inner);
        let source = &self.source.text[range.clone()];
        let checked = check_attributes(source, id, classes, &attrs);
        for (at, message, hint) in checked.problems {
            self.error(&(range.start + at.start..range.start + at.end), message, hint);
        }
        let (id, classes) = (checked.id, checked.classes);
        let wanted = id.map_or_else(|| heading_id(&title), |id| id.to_string());
        let id = self.ids.claim(&wanted);
        let level_number = level as u8;
        self.rendered.headings.push(Heading { level: level_number, id: id.clone(), title: title.clone(), range });
        self.rendered.anchors.insert(id.clone());
        out.push(Event::Html(format!("<div class=\"heading-wrapper level-h{level_number}\">").into()));
        out.push(Event::Start(Tag::Heading { level, id: Some(id.clone().into()), classes, attrs: Vec::new() }));
        out.extend(inner);
        out.push(Event::End(TagEnd::Heading(level)));
        let label = escape(&self.words().section.replace("{title}", &title));
        out.push(Event::Html(
            format!(
                "<a class=\"heading-anchor\" href=\"#{id}\" data-pagefind-ignore><span aria-hidden=\"true\">#</span><span class=\"visually-hidden\">{label}</span></a></div>\n",
                id = escape(&id)
            )
            .into(),
        ));
    }

    /// Emits a buffered definition list term (`<dt>`) with a unique id from its text,
    /// taken from the same ids as the headings', so `#term` links resolve and are checked
    /// as heading anchors are (as Hugo's definition lists do).
    fn emit_term<'e>(&mut self, buffer: Vec<Event<'e>>, out: &mut Vec<Event<'e>>) {
        let inner: Vec<Event<'e>> = buffer.into_iter().skip(1).collect();
        let id = self.ids.claim(&heading_id(&plain(&inner)));
        out.push(Event::Html(format!("<dt id=\"{}\">", escape(&id)).into()));
        self.rendered.anchors.insert(id);
        out.extend(inner);
        out.push(Event::Html("</dt>\n".into()));
    }

    /// The URL a link or image points at, after resolution; records problems.
    fn link_url<'e>(&mut self, link_type: LinkType, url: CowStr<'e>, range: &Range<usize>) -> CowStr<'e> {
        if matches!(link_type, LinkType::Email) {
            return url;
        }
        let text = url.trim();
        if let Some(scheme) = crate::sitepath::scheme(text) {
            if SCHEMES.contains(&scheme.as_str()) {
                let Some(why) = crate::sitepath::incomplete(text, &scheme) else { return url };
                let hint = match scheme.as_str() {
                    "mailto" => "write the address after it, e.g. `mailto:help@example.org`",
                    "tel" => "write the number after it, e.g. `tel:+441234567890`",
                    _ => "write the whole web address, e.g. `https://example.org/page`",
                };
                self.error(range, format!("`{text}` is not a whole address: {why}"), hint);
                return "#".into();
            }
            self.error(range, format!("links with the `{scheme}:` scheme are not allowed"), "use an https:// link");
            return "#".into();
        }
        if let Some(host) = protocol_relative_host(text) {
            let (message, hint) = leaves_the_site(&format!("`{text}`"), host, text);
            self.reporter.warning(range, message, &hint);
            return url;
        }
        if let Some(site_path) = text.strip_prefix('/') {
            return format!("{}{site_path}", self.settings.base_path).into();
        }
        let (path, fragment) = split_fragment(text);
        if path.is_empty() {
            let anchor = fragment.unwrap_or_default().to_owned();
            let link = self.link(None, anchor, range);
            self.rendered.links.push(link);
            return url;
        }
        // `page.md?x=1`: the query stays, after the page's URL.
        let (path, query) = path.split_once('?').map_or((path, None), |(path, query)| (path, Some(query)));
        if !path.to_ascii_lowercase().ends_with(".md") {
            if self.page.is_some() {
                self.error(
                    range,
                    format!("`{text}` in a snippet is relative, so it would lead somewhere else from each page"),
                    "in a snippet, link files from the site root (`/images/x.png`) and pages by their `.md` file",
                );
            }
            return url;
        }
        self.markdown_link(path, query, fragment, range).map_or(url, CowStr::from)
    }

    /// Resolves a link to another Markdown file to its published URL.
    fn markdown_link(
        &mut self,
        path: &str,
        query: Option<&str>,
        fragment: Option<&str>,
        range: &Range<usize>,
    ) -> Option<String> {
        let severity = self.settings.links.severity();
        let Some(target) = resolve(self.source.link_base, path) else {
            let message = format!("link `{path}` points outside the site");
            self.reporter.report(severity, range, message, "link to a file inside `content/`");
            return None;
        };
        // In a translation, a link to `x.md` leads to the same language's `x.<code>.md`.
        let target = match self.source.language.and_then(|code| crate::content::translated_path(&target, code)) {
            Some(own) if self.settings.targets.contains_key(&own) => own,
            _ => target,
        };
        let Some(permalink) = self.settings.targets.get(&target) else {
            if self.settings.drafts.contains(&target) {
                self.reporter.report(
                    severity,
                    range,
                    format!("link to `{path}`, which is a draft"),
                    "publish the target first (remove `draft: true` from it, or from its topic or the page it translates), or remove the link",
                );
            } else {
                // The hint reads every target: only worth it for a diagnostic that is shown.
                let hint = if self.reporter.is_full() { String::new() } else { self.closest_target(&target) };
                self.reporter.report(severity, range, format!("link to `{path}`, which does not exist"), &hint);
            }
            return None;
        };
        let target_language = self.language_of(&target);
        self.link_language = (target_language != self.source.language)
            .then(|| target_language.unwrap_or(self.settings.default_language).to_owned());
        let mut href = format!("{}{}", self.settings.base_path, permalink.as_str());
        if let Some(query) = query {
            href.push('?');
            href.push_str(query);
        }
        if let Some(fragment) = fragment {
            let link = self.link(Some(target), fragment.to_owned(), range);
            self.rendered.links.push(link);
            href.push('#');
            href.push_str(fragment);
        }
        Some(href)
    }

    fn closest_target(&self, missing: &Path) -> String {
        let missing = crate::content::relative_to(missing, self.source.link_base).unwrap_or_default();
        let mut paths: Vec<String> = self
            .settings
            .targets
            .keys()
            // A page of this one's language: an English page is not pointed at a translation.
            .filter(|p| self.language_of(p) == self.source.language)
            .filter_map(|p| crate::content::relative_to(p, self.source.link_base))
            .collect();
        paths.sort();
        match crate::diagnostic::did_you_mean(&missing, paths.iter().map(String::as_str)) {
            Some(best) => format!("did you mean `{best}`? Paths are relative to this file"),
            None => "check the file name; paths are relative to this file".into(),
        }
    }

    /// The language of content file `path`: `Some(code)` for a translation (`x.<code>.md`),
    /// `None` for the default language.
    fn language_of(&self, path: &Path) -> Option<&'s str> {
        let name = path.file_name()?.to_str()?.strip_suffix(".md")?;
        let (_, code) = name.rsplit_once('.')?;
        let (code, _) = self.settings.words.get_key_value(code)?;
        (code != self.settings.default_language).then_some(code.as_str())
    }

    /// The words of this page's language.
    fn words(&self) -> &'s Words {
        let language = self.source.language.unwrap_or(self.settings.default_language);
        self.settings.words.get(language).unwrap_or(&ENGLISH)
    }

    fn error(&mut self, range: &Range<usize>, message: String, hint: &str) {
        self.reporter.error(range, message, hint);
    }

    fn finish(mut self, html: String) -> Rendered {
        self.rendered.html = html;
        self.rendered.diagnostics = self.reporter.finish();
        let summary = self.rendered.summary.split_whitespace().collect::<Vec<_>>().join(" ");
        self.rendered.summary = truncate_words(&summary, 300);
        self.rendered
    }
}

/// Table cell alignment as classes (`align-left`, `align-center`, `align-right`): the
/// `style` attributes pulldown-cmark writes are blocked by a Content Security Policy
/// without `'unsafe-inline'` styles, which tend's themes use.
fn align_with_classes(html: &str) -> String {
    html.replace(" style=\"text-align: left\"", " class=\"align-left\"")
        .replace(" style=\"text-align: center\"", " class=\"align-center\"")
        .replace(" style=\"text-align: right\"", " class=\"align-right\"")
}

/// The host a protocol-relative URL (`//host/x`) leads to.
fn protocol_relative_host(url: &str) -> Option<&str> {
    url.trim_start().strip_prefix("//")?.split(['/', '?', '#']).next()
}

/// The warning for a protocol-relative `url`, written as `shown`, leading to `host`:
/// message and hint. It leaves the site, which an author may not mean (`//page/`).
fn leaves_the_site(shown: &str, host: &str, url: &str) -> (String, String) {
    (
        format!("{shown} starts with `//`, so it leads to the site `{host}`, not to a page of this one"),
        format!("write `https:{}` if you mean that site, or start with one `/` for a page of this site", url.trim()),
    )
}

/// The schemes links and raw HTML URLs may use.
const SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// A callout's class and the index of its title in [`Words::callouts`].
fn callout(kind: BlockQuoteKind) -> (&'static str, usize) {
    match kind {
        BlockQuoteKind::Note => ("note", 0),
        BlockQuoteKind::Tip => ("tip", 1),
        BlockQuoteKind::Important => ("important", 2),
        BlockQuoteKind::Warning => ("warning", 3),
        BlockQuoteKind::Caution => ("caution", 4),
    }
}

/// English, for settings that give no words for a language.
static ENGLISH: std::sync::LazyLock<Words> = std::sync::LazyLock::new(Words::english);

/// The plain text of a heading's or term's events.
fn plain(events: &[Event<'_>]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect()
}

fn truncate_words(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut cut = text[..text.floor_char_boundary(max)].to_owned();
    if let Some(space) = cut.rfind(' ') {
        cut.truncate(space);
    }
    cut.push('…');
    cut
}

fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

#[cfg(test)]
mod tests;
