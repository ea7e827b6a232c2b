//! What templates see: small, serializable views of the site, built once and shared.
//!
//! Lists of pages are metadata-only [`PageRef`]s computed once per page, so a sidebar
//! listing a topic's 500 articles costs a copy of 500 small records, not a re-render
//! (Zola's O(N²) sidebar is the counter-example). `themes/README.md` documents these
//! fields for theme authors; keep the two in step.

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use std::collections::HashMap;
use std::path::Path;

use crate::config::Config;
use crate::content::{Content, Page, Reference, Topic};
use crate::fingerprint::Fingerprint;
use crate::markdown::{Rendered, TocEntry};
use crate::theme::Strings;

/// A date in both machine and human form.
#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    /// `2026-11-28`.
    pub iso: String,
    /// `28 November 2026`.
    pub display: String,
}

impl DateView {
    /// Both forms of `date`, the human one as the theme writes dates in `language`.
    pub fn new(date: NaiveDate, strings: &Strings, language: &str) -> Self {
        Self { iso: date.format("%Y-%m-%d").to_string(), display: strings.date(language, date) }
    }
}

/// A language of the site, for the language switcher.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageRef {
    /// Its code (`es`).
    pub code: String,
    /// Its name in itself (`Español`).
    pub name: String,
    /// Its home page's URL path.
    pub url: String,
    /// Whether it is the language of the page being rendered.
    pub current: bool,
}

/// One language version of a page (for `hreflang` links and the language switcher).
#[derive(Debug, Clone, Serialize)]
pub struct TranslationRef {
    /// Its language's code.
    pub code: String,
    /// Its language's name in itself.
    pub name: String,
    /// URL path with base path.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// Whether it is the page being rendered.
    pub current: bool,
    /// Whether it is in the site's default language (the `x-default` version).
    pub default: bool,
}

/// A link to a page with what a list needs to show it.
#[derive(Debug, Clone, Serialize)]
pub struct PageRef {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// URL path, with the base path (`/guide/feelings/low/`).
    pub url: String,
    /// Topic title, if any.
    pub topic: Option<String>,
    /// Publication date.
    pub date: Option<DateView>,
    /// Minutes to read.
    pub reading_time: usize,
    /// The page's site path in the default language (`get-help/`), the same for every
    /// version of it whatever its own `slug`: what `extra` settings such as `help_page`
    /// name, matched in any language.
    pub key: String,
    /// Its language's code.
    pub lang: String,
    /// Its language's name in itself (to say so when a page of another language is listed).
    pub lang_name: String,
}

impl PageRef {
    /// The fingerprint of everything a template can read from it, hashed field by field
    /// (faster than its JSON, and a new field cannot be forgotten here: the pattern names
    /// every one).
    pub fn digest(&self) -> u128 {
        let Self { title, description, url, topic, date, reading_time, key, lang, lang_name } = self;
        let mut fingerprint = Fingerprint::new();
        fingerprint.text(title).text(description).text(url).text(key).text(lang).text(lang_name);
        match topic {
            Some(topic) => fingerprint.text("topic").text(topic),
            None => fingerprint.text(""),
        };
        match date {
            Some(DateView { iso, display }) => fingerprint.text(iso).text(display),
            None => fingerprint.text(""),
        };
        fingerprint.bytes(&reading_time.to_le_bytes()).finish()
    }
}

/// The fingerprint of a list of page refs, from their digests.
pub fn refs_digest(digests: impl IntoIterator<Item = u128>) -> u128 {
    let mut fingerprint = Fingerprint::new();
    let mut count = 0_u64;
    for digest in digests {
        fingerprint.digest(digest);
        count += 1;
    }
    fingerprint.bytes(&count.to_le_bytes()).finish()
}

/// A topic in navigation: no articles, so the whole tree is cheap to share.
#[derive(Debug, Clone, Serialize)]
pub struct TopicNav {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// URL path with base path.
    pub url: String,
    /// Number of articles directly in the topic.
    pub article_count: usize,
    /// Sub-topics.
    pub children: Vec<TopicNav>,
}

/// A value of the search index's `topic` filter (a topic's title) and how many searchable
/// pages have it.
#[derive(Debug, Clone, Serialize)]
pub struct SearchTopic {
    /// The topic's title, as the index has it.
    pub title: String,
    /// Searchable pages directly in a topic of this title.
    pub pages: usize,
}

/// A breadcrumb.
#[derive(Debug, Clone, Serialize)]
pub struct Crumb {
    /// Link text.
    pub title: String,
    /// URL path.
    pub url: String,
}

/// A tag with its page count.
#[derive(Debug, Clone, Serialize)]
pub struct TagRef {
    /// The tag as first written.
    pub name: String,
    /// URL path of the tag's page.
    pub url: String,
    /// Number of pages with the tag.
    pub count: usize,
}

/// Site-wide values, the same on every page.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    /// Site title.
    pub title: String,
    /// Site description.
    pub description: String,
    /// Full base URL (`https://example.org/guide/`).
    pub base_url: String,
    /// Base path (`/guide/`); prefix for every internal link.
    pub base_path: String,
    /// The page's language tag.
    pub language: String,
    /// The page's language's writing direction: `rtl` (Arabic, Hebrew, Persian, Urdu…) or
    /// `ltr`, for `<html dir>`.
    pub direction: &'static str,
    /// The site's default language tag.
    pub default_language: String,
    /// The page's language's home page URL path (`/guide/`, `/guide/es/`).
    pub home_url: String,
    /// That language's search page URL path.
    pub search_url: String,
    /// That language's tag index URL path.
    pub tags_url: String,
    /// That language's Atom feed URL path.
    pub feed_url: String,
    /// Every language of the site, the default first.
    pub languages: Vec<LanguageRef>,
    /// Default author.
    pub author: Option<String>,
    /// Repository URL.
    pub repository: Option<String>,
    /// Top-level topics with their sub-topics.
    pub topics: Vec<TopicNav>,
    /// Standalone pages at the content root (about, help…).
    pub pages: Vec<PageRef>,
    /// Theme data from `site.yaml`'s `extra`.
    pub extra: serde_json::Value,
    /// Whether the site has search (`search.enabled`): themes show the search box only then.
    pub search: bool,
}

/// A source in a page's `references`, with every field present (null when the front
/// matter leaves it out), so a template may print `{{ ref.year }}` without a test.
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceView {
    /// Title of the source.
    pub title: String,
    /// Where to read it.
    pub url: String,
    /// Journal, organisation or website.
    pub publisher: Option<String>,
    /// Year of publication.
    pub year: Option<i32>,
}

impl From<&Reference> for ReferenceView {
    fn from(reference: &Reference) -> Self {
        let Reference { title, url, publisher, year } = reference.clone();
        Self { title, url, publisher, year }
    }
}

/// The page being rendered (home, topic, article or root page). Generated pages (tags,
/// a tag, 404, search) get one too, with every field present, empty or null, so one
/// `base.html` can read any field on every page: Tera 2 refuses to print a missing one.
/// Templates also see `content`, the rendered body, which `Context::insert_page` adds:
/// it is hashed as bytes for the fingerprint, not serialized.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PageView {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// URL path with base path.
    pub url: String,
    /// Absolute canonical URL.
    pub permalink: String,
    /// Table of contents (h2 with h3 children).
    pub toc: Vec<TocEntry>,
    /// Words in the body.
    pub word_count: usize,
    /// Minutes to read.
    pub reading_time: usize,
    /// First paragraph as plain text.
    pub summary: String,
    /// Dates.
    pub date: Option<DateView>,
    /// Last meaningful update.
    pub updated: Option<DateView>,
    /// Last full review.
    pub last_reviewed: Option<DateView>,
    /// Next review due.
    pub next_review: Option<DateView>,
    /// Reviewer.
    pub reviewed_by: Option<String>,
    /// Authors (the site's author when the page names none).
    pub authors: Vec<String>,
    /// Shown before the article.
    pub content_note: Option<String>,
    /// Summary box.
    pub key_points: Vec<String>,
    /// Sources.
    pub references: Vec<ReferenceView>,
    /// Tags with their URLs.
    pub tags: Vec<TagRef>,
    /// Related pages.
    pub related: Vec<PageRef>,
    /// Home › Topic › … (excluding the page itself).
    pub breadcrumbs: Vec<Crumb>,
    /// Previous article in the topic.
    pub prev: Option<PageRef>,
    /// Next article in the topic.
    pub next: Option<PageRef>,
    /// "Edit this page" link.
    pub edit_url: Option<String>,
    /// "Report a problem with this page" link.
    pub report_url: Option<String>,
    /// Source path relative to the site root.
    pub source_path: String,
    /// Front matter `extra`.
    pub extra: serde_json::Value,
    /// Every language version of this page, this one included, the default first; empty
    /// when it has no translation.
    pub translations: Vec<TranslationRef>,
}

/// Builds views from the loaded content and rendered Markdown.
pub struct Views<'a> {
    config: &'a Config,
    content: &'a Content,
    strings: &'a Strings,
    /// Each original's language versions: (language, site path), in language order.
    versions: HashMap<&'a Path, Vec<(usize, &'a str)>>,
    /// One ref per page, by page index.
    pub page_refs: Vec<PageRef>,
    /// Each page ref's [`PageRef::digest`], by page index.
    pub ref_digests: Vec<u128>,
    /// Each page's place among its topic's articles, by page index (found once, so a
    /// page's neighbours cost the same in a topic of 5 articles or 5,000).
    positions: Vec<Option<usize>>,
}

impl<'a> Views<'a> {
    /// Computes the shared page refs.
    pub fn new(config: &'a Config, content: &'a Content, strings: &'a Strings, rendered: &[Rendered]) -> Self {
        // Keyed by the path's bytes (paths are normalised when read): hashing a `Path`
        // walks its components, a visible cost at 10,000 pages.
        let originals: HashMap<&std::ffi::OsStr, &str> =
            content.pages.iter().filter(|p| p.lang == 0).map(|p| (p.path.as_os_str(), p.permalink.as_str())).collect();
        let key = |page: &Page| match originals.get(page.original.as_os_str()) {
            Some(site_path) => (*site_path).to_owned(),
            None => {
                let own = page.permalink.as_str();
                own.strip_prefix(config.languages[page.lang].prefix.as_str()).unwrap_or(own).to_owned()
            }
        };
        // Each date once per language, not once per page: formatting in the theme's words
        // was ~7% of a 10,000-page `serve` rebuild, and sites have far fewer dates than pages.
        let mut dates: HashMap<(usize, NaiveDate), DateView> = HashMap::new();
        for page in &content.pages {
            if let Some(date) = page.front.date {
                let code = &config.languages[page.lang].code;
                dates.entry((page.lang, date)).or_insert_with(|| DateView::new(date, strings, code));
            }
        }
        // In parallel: at 10,000 pages this is a visible part of a `serve` rebuild.
        let page_refs = content
            .pages
            .par_iter()
            .zip(rendered)
            .map(|(page, rendered)| PageRef {
                title: page.front.title.clone(),
                description: page.front.description.clone(),
                url: url(config, page.permalink.as_str()),
                topic: page.topic.map(|t| content.topics[t].front.title.clone()),
                date: page.front.date.and_then(|date| dates.get(&(page.lang, date)).cloned()),
                reading_time: rendered.reading_time(),
                key: key(page),
                lang: config.languages[page.lang].code.clone(),
                lang_name: config.languages[page.lang].name.clone(),
            })
            .collect::<Vec<PageRef>>();
        let ref_digests = page_refs.par_iter().map(PageRef::digest).collect();
        let versions = content
            .versions()
            .into_iter()
            .map(|(original, list)| (original, list.into_iter().map(|(lang, p)| (lang, p.as_str())).collect()))
            .collect();
        let mut positions = vec![None; content.pages.len()];
        for topic in &content.topics {
            for (position, &page) in topic.pages.iter().enumerate() {
                positions[page] = Some(position);
            }
        }
        Self { config, content, strings, versions, page_refs, ref_digests, positions }
    }

    /// The site-wide view for pages in language `lang`.
    pub fn site(&self, lang: usize) -> SiteView {
        let config = self.config;
        let language = &config.languages[lang];
        let in_language = &self.content.languages[lang];
        let at = |path: &str| url(config, &format!("{}{path}", language.prefix));
        SiteView {
            title: language.title.clone(),
            description: language.description.clone(),
            base_url: config.base_url.as_str().to_owned(),
            base_path: config.base_url.path().to_owned(),
            language: language.code.clone(),
            direction: direction(&language.code),
            default_language: config.language.clone(),
            home_url: at(""),
            search_url: at("search/"),
            tags_url: at("tags/"),
            feed_url: at("atom.xml"),
            languages: config
                .languages
                .iter()
                .enumerate()
                .map(|(i, l)| LanguageRef {
                    code: l.code.clone(),
                    name: l.name.clone(),
                    url: url(config, &l.prefix),
                    current: i == lang,
                })
                .collect(),
            author: config.author.clone(),
            repository: config.repository.clone(),
            topics: in_language.root_topics.iter().map(|&t| self.topic_nav(t)).collect(),
            pages: self.root_pages(lang),
            extra: serde_json::to_value(&config.extra).unwrap_or_default(),
            search: config.search.enabled,
        }
    }

    /// The root pages (About, Get help…) of language `lang`, then those of the default
    /// language that have no `lang` version: a reader of a translation still finds help,
    /// in the default language (`PageRef::lang` says which).
    fn root_pages(&self, lang: usize) -> Vec<PageRef> {
        let own = &self.content.languages[lang].root_pages;
        let mut pages: Vec<PageRef> = own.iter().map(|&p| self.page_refs[p].clone()).collect();
        if lang > 0 {
            let translated: std::collections::HashSet<&str> = pages.iter().map(|p| p.key.as_str()).collect();
            let missing: Vec<PageRef> = self.content.languages[0]
                .root_pages
                .iter()
                .map(|&p| &self.page_refs[p])
                .filter(|p| !translated.contains(p.key.as_str()))
                .cloned()
                .collect();
            pages.extend(missing);
        }
        pages
    }

    /// The language versions of the page translating `original`, seen from `lang`'s;
    /// empty when there is only one.
    pub fn translations(&self, original: &Path, lang: usize) -> Vec<TranslationRef> {
        match self.versions.get(original) {
            Some(versions) if versions.len() > 1 => self.translation_refs(versions, lang),
            _ => Vec::new(),
        }
    }

    /// [`TranslationRef`]s of `versions` (language, site path), seen from `lang`'s.
    pub fn translation_refs(&self, versions: &[(usize, &str)], lang: usize) -> Vec<TranslationRef> {
        versions
            .iter()
            .map(|&(l, site_path)| {
                let language = &self.config.languages[l];
                TranslationRef {
                    code: language.code.clone(),
                    name: language.name.clone(),
                    url: url(self.config, site_path),
                    permalink: self.config.base_url.join(site_path),
                    current: l == lang,
                    default: l == 0,
                }
            })
            .collect()
    }

    /// The theme's string `key` in language `lang`, with `{name}` placeholders filled.
    pub fn text(&self, lang: usize, key: &str, values: &[(&str, String)]) -> Option<String> {
        self.strings.text(&self.config.languages[lang].code, key, values)
    }

    fn topic_nav(&self, index: usize) -> TopicNav {
        let topic = &self.content.topics[index];
        TopicNav {
            title: topic.front.title.clone(),
            description: topic.front.description.clone(),
            url: url(self.config, topic.permalink.as_str()),
            article_count: topic.pages.len(),
            children: topic.children.iter().map(|&c| self.topic_nav(c)).collect(),
        }
    }

    /// Sub-topic navigation for `topic`'s children.
    pub fn children_nav(&self, topic: &Topic) -> Vec<TopicNav> {
        topic.children.iter().map(|&c| self.topic_nav(c)).collect()
    }

    /// The articles of a topic, in order, as a shared value (its digest from the refs'),
    /// taken from `converted` (by digest) when it holds that list already.
    pub(crate) fn topic_articles(&self, topic: &Topic, converted: &HashMap<u128, tera::Value>) -> SharedValue {
        let digest = refs_digest(topic.pages.iter().map(|&p| self.ref_digests[p]));
        let value = converted.get(&digest).cloned().unwrap_or_else(|| {
            let refs: Vec<&PageRef> = topic.pages.iter().map(|&p| &self.page_refs[p]).collect();
            tera::Value::from_serializable(&refs)
        });
        SharedValue { value, digest }
    }

    /// The view of a topic or the home page.
    pub fn topic_page(&self, topic: &Topic, rendered: &Rendered, tags: Vec<TagRef>) -> PageView {
        let home = &self.content.languages[topic.lang].home;
        let crumbs = if topic.permalink == home.permalink { Vec::new() } else { self.crumbs(topic.lang, topic.parent) };
        let links = PageLinks { crumbs, tags, ..PageLinks::default() };
        self.page_view(topic, topic.lang, &topic.original, &topic.path, topic.permalink.as_str(), rendered, links)
    }

    /// The view of an article or root page, with its neighbours.
    pub fn article(&self, index: usize, rendered: &Rendered, tags: Vec<TagRef>) -> PageView {
        let page: &Page = &self.content.pages[index];
        let siblings: &[usize] = match page.topic {
            Some(t) => &self.content.topics[t].pages,
            None => &[],
        };
        let position = self.positions[index];
        let neighbour = |offset: isize| -> Option<PageRef> {
            let at = position?.checked_add_signed(offset)?;
            siblings.get(at).map(|&p| self.page_refs[p].clone())
        };
        let links = PageLinks {
            crumbs: self.crumbs(page.lang, page.topic),
            tags,
            related: page.related.iter().map(|&p| self.page_refs[p].clone()).collect(),
            prev: neighbour(-1),
            next: neighbour(1),
        };
        self.page_view(page, page.lang, &page.original, &page.path, page.permalink.as_str(), rendered, links)
    }

    /// Adds to `fingerprint` everything [`Views::article`] reads about page `index` from
    /// the rest of the site, so a page whose key is unchanged need not have its view built:
    /// its path, language, URL and topic, each ancestor topic's title and URL (the
    /// breadcrumbs), its related pages' and neighbours' refs, and its language versions.
    /// Its own file (so its front matter and body) is its Markdown fingerprint's part, the
    /// tags its caller's, and the site's settings and theme strings the render's.
    pub fn article_inputs(&self, index: usize, fingerprint: &mut Fingerprint) {
        let page: &Page = &self.content.pages[index];
        fingerprint.bytes(page.path.as_os_str().as_encoded_bytes()).bytes(&page.lang.to_le_bytes());
        fingerprint.bytes(page.original.as_os_str().as_encoded_bytes()).text(page.permalink.as_str());
        for t in self.content.ancestry(page.topic) {
            let topic = &self.content.topics[t];
            fingerprint.text(&topic.front.title).text(topic.permalink.as_str());
        }
        fingerprint.value(&usize::MAX);
        let siblings: &[usize] = page.topic.map_or(&[], |t| &self.content.topics[t].pages);
        let neighbour = |offset: isize| {
            let at = self.positions[index]?.checked_add_signed(offset)?;
            siblings.get(at).map(|&p| self.ref_digests[p])
        };
        fingerprint.digest(refs_digest(page.related.iter().map(|&p| self.ref_digests[p])));
        fingerprint.digest(refs_digest(neighbour(-1))).digest(refs_digest(neighbour(1)));
        fingerprint.value(&self.versions.get(page.original.as_path()));
    }

    fn crumbs(&self, lang: usize, topic: Option<usize>) -> Vec<Crumb> {
        let home = self.text(lang, "nav.home", &[]).unwrap_or_else(|| "nav.home".into());
        let mut crumbs = vec![Crumb { title: home, url: url(self.config, &self.config.languages[lang].prefix) }];
        for t in self.content.ancestry(topic) {
            let topic = &self.content.topics[t];
            crumbs.push(Crumb { title: topic.front.title.clone(), url: url(self.config, topic.permalink.as_str()) });
        }
        crumbs
    }

    #[allow(clippy::too_many_arguments)]
    fn page_view(
        &self,
        source: &impl HasFront,
        lang: usize,
        original: &Path,
        path: &Path,
        permalink: &str,
        rendered: &Rendered,
        links: PageLinks,
    ) -> PageView {
        let front = source.front();
        let source_path = crate::diagnostic::display_path(path);
        let config = self.config;
        let edit_url =
            config.repository.as_ref().map(|repo| format!("{repo}/edit/{}/{source_path}", config.repository_branch));
        let report_url = config.repository.as_ref().map(|repo| {
            let title: String =
                url::form_urlencoded::byte_serialize(format!("Problem with “{}”", front.title).as_bytes()).collect();
            let body: String = url::form_urlencoded::byte_serialize(
                format!(
                    "Page: {}\nFile: {source_path}\n\nWhat is wrong or missing?\n",
                    config.base_url.join(permalink)
                )
                .as_bytes(),
            )
            .collect();
            match &config.report_form {
                Some(form) => {
                    let page: String =
                        url::form_urlencoded::byte_serialize(config.base_url.join(permalink).as_bytes()).collect();
                    let form: String = url::form_urlencoded::byte_serialize(form.as_bytes()).collect();
                    format!("{repo}/issues/new?template={form}&title={title}&page={page}")
                }
                None => format!("{repo}/issues/new?title={title}&body={body}"),
            }
        });
        let authors =
            if front.authors.is_empty() { config.author.iter().cloned().collect() } else { front.authors.clone() };
        let code = &config.languages[lang].code;
        let date = |date: Option<NaiveDate>| date.map(|date| DateView::new(date, self.strings, code));
        PageView {
            title: front.title.clone(),
            description: front.description.clone(),
            url: url(config, permalink),
            permalink: config.base_url.join(permalink),
            toc: rendered.toc(),
            word_count: rendered.word_count,
            reading_time: rendered.reading_time(),
            summary: rendered.summary.clone(),
            date: date(front.date),
            updated: date(front.updated),
            last_reviewed: date(front.last_reviewed),
            next_review: date(front.next_review),
            reviewed_by: front.reviewed_by.clone(),
            authors,
            content_note: front.content_note.clone(),
            key_points: front.key_points.clone(),
            references: front.references.iter().map(ReferenceView::from).collect(),
            tags: links.tags,
            related: links.related,
            breadcrumbs: links.crumbs,
            prev: links.prev,
            next: links.next,
            edit_url,
            report_url,
            source_path,
            extra: serde_json::to_value(&front.extra).unwrap_or_default(),
            translations: self.translations(original, lang),
        }
    }
}

/// Links around a page that depend on its place in the site.
#[derive(Default)]
struct PageLinks {
    crumbs: Vec<Crumb>,
    tags: Vec<TagRef>,
    related: Vec<PageRef>,
    prev: Option<PageRef>,
    next: Option<PageRef>,
}

/// Pages and topics both have front matter.
trait HasFront {
    fn front(&self) -> &crate::content::FrontMatter;
}

impl HasFront for Page {
    fn front(&self) -> &crate::content::FrontMatter {
        &self.front
    }
}

impl HasFront for Topic {
    fn front(&self) -> &crate::content::FrontMatter {
        &self.front
    }
}

/// The writing direction of language `code`: `rtl` for the languages written right to
/// left in their usual script, `ltr` for every other (a `-Latn` tag is left to right).
fn direction(code: &str) -> &'static str {
    const RIGHT_TO_LEFT: &[&str] = &["ar", "arc", "ckb", "dv", "fa", "he", "ks", "ps", "sd", "ug", "ur", "yi"];
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or_default().to_ascii_lowercase();
    let latin = parts.any(|part| part.eq_ignore_ascii_case("latn"));
    if RIGHT_TO_LEFT.contains(&primary.as_str()) && !latin { "rtl" } else { "ltr" }
}

/// The view of a generated page (tags, a tag, 404, search), which has no source file.
pub fn simple_page(config: &Config, title: &str, description: &str, site_path: &str) -> PageView {
    PageView {
        title: title.to_owned(),
        description: description.to_owned(),
        url: url(config, site_path),
        permalink: config.base_url.join(site_path),
        extra: serde_json::Value::Object(serde_json::Map::new()),
        ..PageView::default()
    }
}

/// The URL path of a site path: base path + path.
pub fn url(config: &Config, site_path: &str) -> String {
    format!("{}{}", config.base_url.path(), site_path.trim_start_matches('/'))
}

/// A template context that, when caching, fingerprints everything put into it. The
/// values are kept as they are and turned into Tera's context only for a page that has
/// to be rendered, so a reused page costs a fingerprint, not a conversion.
pub(crate) struct Context<'a> {
    values: Vec<(&'static str, Entry<'a>)>,
    fingerprint: Option<Fingerprint>,
}

enum Entry<'a> {
    Value(Box<dyn erased_serde::Serialize + 'a>),
    Shared(&'a SharedValue),
    Page(Box<PageView>, &'a str),
}

/// What templates see as `page`: the view with its body.
#[derive(Serialize)]
struct PageWithContent<'v> {
    #[serde(flatten)]
    view: &'v PageView,
    content: &'v str,
}

/// A value shared by many contexts, converted and fingerprinted once.
pub(crate) struct SharedValue {
    value: tera::Value,
    digest: u128,
}

impl SharedValue {
    pub(crate) fn new<T: Serialize + ?Sized>(value: &T, caching: bool) -> Self {
        let digest = if caching { Fingerprint::new().value(value).finish() } else { 0 };
        let value = tera::Value::from_serializable(value);
        Self { value, digest }
    }

    pub(crate) fn value(&self) -> &tera::Value {
        &self.value
    }

    /// Its fingerprint (0 when not caching).
    pub(crate) fn digest(&self) -> u128 {
        self.digest
    }
}

impl<'a> Context<'a> {
    pub(crate) fn new(caching: bool) -> Self {
        Self { values: Vec::with_capacity(8), fingerprint: caching.then(Fingerprint::new) }
    }

    pub(crate) fn insert<T: Serialize + 'a>(&mut self, key: &'static str, value: T) {
        if let Some(fingerprint) = &mut self.fingerprint {
            fingerprint.text(key).value(&value);
        }
        self.values.push((key, Entry::Value(Box::new(value))));
    }

    /// Inserts `page`: the view, and `content`, its rendered body (HTML), which the
    /// fingerprint takes as bytes (memory speed) rather than as escaped JSON.
    pub(crate) fn insert_page(&mut self, view: PageView, content: &'a str) {
        if let Some(fingerprint) = &mut self.fingerprint {
            fingerprint.text("page").value(&view).text(content);
        }
        self.values.push(("page", Entry::Page(Box::new(view), content)));
    }

    /// Inserts `value`, whose fingerprint the caller knows (`digest`): it is then not
    /// serialized unless the page is rendered.
    pub(crate) fn insert_digested<T: Serialize + 'a>(&mut self, key: &'static str, value: T, digest: u128) {
        if let Some(fingerprint) = &mut self.fingerprint {
            fingerprint.text(key).digest(digest);
        }
        self.values.push((key, Entry::Value(Box::new(value))));
    }

    pub(crate) fn insert_shared(&mut self, key: &'static str, value: &'a SharedValue) {
        if let Some(fingerprint) = &mut self.fingerprint {
            fingerprint.text(key).digest(value.digest);
        }
        self.values.push((key, Entry::Shared(value)));
    }

    /// The fingerprint of the template's inputs, when caching.
    pub(crate) fn finish(&self, template: &str, theme: u128) -> Option<u128> {
        self.fingerprint.as_ref().map(|f| f.clone().text(template).digest(theme).finish())
    }

    /// Tera's context, for rendering.
    pub(crate) fn to_tera(&self) -> tera::Context {
        let mut context = tera::Context::new();
        for (key, entry) in &self.values {
            match entry {
                Entry::Value(value) => context.insert(*key, value),
                // An `Arc` clone: a topic's article list is shared, not copied, by every page.
                Entry::Shared(shared) => context.insert_value(*key, shared.value.clone()),
                Entry::Page(view, content) => context.insert(*key, &PageWithContent { view, content }),
            }
        }
        context
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_to_left_languages_are_told() {
        assert_eq!(direction("ar"), "rtl");
        assert_eq!(direction("he-IL"), "rtl");
        assert_eq!(direction("ku-Arab"), "ltr", "only the languages usually written right to left");
        assert_eq!(direction("ur-Latn"), "ltr");
        assert_eq!(direction("es"), "ltr");
    }

    #[test]
    fn contexts_differ_when_any_value_differs() {
        let shared = SharedValue::new(&["one", "two"], true);
        let build = |title: &str, list: &SharedValue| {
            let mut context = Context::new(true);
            context.insert("title", title.to_owned());
            context.insert_shared("list", list);
            context.finish("page.html", 1)
        };
        let first = build("A", &shared);
        assert!(first.is_some());
        assert_eq!(first, build("A", &shared));
        assert_ne!(first, build("B", &shared));
        assert_ne!(first, build("A", &SharedValue::new(&["one", "three"], true)));
        let mut other_template = Context::new(true);
        other_template.insert("title", "A");
        assert_eq!(other_template.to_tera().get("title"), Some(&tera::Value::from("A")));
        other_template.insert_shared("list", &shared);
        assert_ne!(first, other_template.finish("other.html", 1));
        assert_ne!(first, other_template.finish("page.html", 2));
    }

    // issue 13 lever 1: every article's context shares its topic's article list (one
    // `Arc`), where Tera 1's `Context::insert` copied the whole list into each page.
    #[test]
    fn a_shared_list_is_not_copied_into_each_context() {
        let shared = SharedValue::new(&["a", "b"], false);
        let pointer = |context: &Context<'_>| {
            context.to_tera().get("articles").and_then(tera::Value::as_array).map(<[tera::Value]>::as_ptr)
        };
        let mut one = Context::new(false);
        one.insert_shared("articles", &shared);
        let mut two = Context::new(false);
        two.insert_shared("articles", &shared);
        assert!(pointer(&one).is_some());
        assert_eq!(pointer(&one), pointer(&two));
    }

    // issue 12: the page body is hashed as bytes, without a thread-local switch.
    #[test]
    fn a_page_body_is_in_the_page_and_in_its_fingerprint() {
        let build = |body: &'static str| {
            let mut context = Context::new(true);
            context.insert_page(PageView { title: "T".into(), ..PageView::default() }, body);
            (context.finish("page.html", 1), context.to_tera())
        };
        let (first, tera) = build("<p>a</p>");
        let page = tera.get("page").and_then(tera::Value::as_map).expect("page");
        assert_eq!(page.get(&tera::value::Key::Str("content")).and_then(tera::Value::as_str), Some("<p>a</p>"));
        assert_eq!(page.get(&tera::value::Key::Str("title")).and_then(tera::Value::as_str), Some("T"));
        assert_eq!(first, build("<p>a</p>").0);
        assert_ne!(first, build("<p>b</p>").0);
    }

    #[test]
    fn nothing_is_fingerprinted_without_caching() {
        let mut context = Context::new(false);
        context.insert("title", "A");
        assert_eq!(context.finish("page.html", 1), None);
    }
}
