//! The rendered site: every output file in memory (or as a file to copy), ready to write.
//!
//! Owns the render stage: Markdown for every page (in parallel), cross-page anchor
//! checks, tags, template rendering (in parallel), feeds, sitemap, redirects, and the
//! list of static files. It does not touch the output folder: [`crate::output`] does.

pub mod context;
mod feeds;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::SyncSender;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{Config, LinkLevel};
use crate::content::{Content, Permalink, Tag};
use crate::diagnostic::{Diagnostic, display_path};
use crate::error::Error;
use crate::fingerprint::{CacheStats, Fingerprint, Kept, take_kept};
use crate::images::Images;
use crate::markdown::{self, Rendered, Source};
pub use crate::output::{Contents, OutputFile};
use crate::routes::Routes;
use crate::theme::Theme;
use context::{Context, PageRef, SharedValue, TagRef, Views, simple_page, url};

/// The whole built site.
#[derive(Debug, Clone)]
pub struct Site {
    /// Every file, sorted by path.
    pub files: Vec<OutputFile>,
    /// Non-fatal problems.
    pub warnings: Vec<Diagnostic>,
    /// Articles and root pages rendered.
    pub page_count: usize,
    /// Topics rendered.
    pub topic_count: usize,
    /// Tags (each language's own).
    pub tag_count: usize,
    /// Languages the site is published in.
    pub language_count: usize,
    /// What the search index should hold (empty when search is off).
    pub search: Vec<crate::search::Record>,
}

/// Which template a rendered page comes from (and, for generated pages, in which language).
enum Job {
    Home(usize),
    Topic(usize),
    Page(usize),
    Tags(usize),
    Tag(usize, usize),
    NotFound(usize),
    Search(usize),
}

impl Job {
    /// The language of the page.
    fn language(&self, content: &Content) -> usize {
        match *self {
            Self::Home(lang) | Self::Tags(lang) | Self::Tag(lang, _) | Self::Search(lang) | Self::NotFound(lang) => {
                lang
            }
            Self::Topic(t) => content.topics[t].lang,
            Self::Page(p) => content.pages[p].lang,
        }
    }
}

/// What one render of the site lends the next (`tend serve` keeps one between saves):
/// each value under the fingerprint of its inputs (see [`crate::cache`]).
#[derive(Default)]
pub struct Memo {
    /// Source path → (fingerprint, rendered Markdown).
    pub(crate) markdown: Kept<Rendered>,
    /// Output path → the page as last rendered.
    pub(crate) pages: HashMap<PathBuf, KeptPage>,
    /// The feeds, sitemap and redirects, with the fingerprint of their inputs.
    pub(crate) feeds: Option<(u128, Vec<OutputFile>)>,
    /// Each topic's article list as templates see it, by its digest.
    pub(crate) lists: HashMap<u128, tera::Value>,
    /// Source path → (fingerprint, search record or none).
    pub(crate) records: Kept<Option<crate::search::Record>>,
    /// What the last render did (the load stage's counts come in here too).
    pub(crate) stats: CacheStats,
}

/// A page as the last render left it.
pub(crate) struct KeptPage {
    /// The fingerprint of its template context.
    fingerprint: u128,
    /// For an article or root page, the fingerprint of what its context is built from
    /// (see `Shared::page_key`): when it is unchanged, so is the context, which is then
    /// not built at all.
    key: Option<u128>,
    html: Arc<[u8]>,
}

/// What the render stage needs: the loaded site and its route table.
#[derive(Clone, Copy)]
pub struct Inputs<'a> {
    /// The validated configuration.
    pub config: &'a Config,
    /// The compiled theme.
    pub theme: &'a Theme,
    /// Every page and topic.
    pub content: &'a Content,
    /// Who owns which output file.
    pub routes: &'a Routes,
}

impl Site {
    /// Renders the site.
    pub fn render(inputs: Inputs<'_>) -> Result<Self, Error> {
        Self::render_cached(inputs, None)
    }

    /// Renders the site, reusing the Markdown and pages in `cache` whose inputs have not
    /// changed, and leaving this render's work there for the next.
    pub fn render_cached(inputs: Inputs<'_>, cache: Option<&mut Memo>) -> Result<Self, Error> {
        Self::render_inner(inputs, cache, None)
    }

    /// Renders the site, sending the search records to `records` as soon as the Markdown
    /// is rendered and checked, before the templates: `tend build` indexes them on another
    /// thread while the pages render. Nothing is sent when the build fails before that
    /// point; [`Site::search`] stays empty.
    pub fn render_sending_records(
        inputs: Inputs<'_>,
        records: SyncSender<Vec<crate::search::Record>>,
    ) -> Result<Self, Error> {
        Self::render_inner(inputs, None, Some(records))
    }

    fn render_inner(
        inputs: Inputs<'_>,
        mut cache: Option<&mut Memo>,
        records_to: Option<SyncSender<Vec<crate::search::Record>>>,
    ) -> Result<Self, Error> {
        let Inputs { config, content, .. } = inputs;
        let previous = cache.as_deref_mut().map(|cache| std::mem::take(&mut cache.markdown));
        let (rendered, fingerprints) =
            RenderedContent::new(config, content, inputs.routes, &inputs.theme.strings, previous);
        let loaded = cache.as_deref().map(|cache| cache.stats).unwrap_or_default();
        let mut stats = CacheStats {
            theme_compiled: loaded.theme_compiled,
            files_read: loaded.files_read,
            front_matter_parsed: loaded.front_matter_parsed,
            markdown_rendered: rendered.fresh,
            markdown_reused: rendered.count() - rendered.fresh,
            pages_rendered: 0,
            pages_reused: 0,
        };
        let mut problems = rendered.diagnostics(content, config.links.internal);
        problems.extend(content.problems.iter().cloned());
        problems.extend(inputs.routes.problems.iter().cloned());
        let site = if problems.iter().any(Diagnostic::is_error) {
            Err(Error::Site(problems))
        } else {
            let records = if config.search.enabled {
                search_records(config, content, &rendered, fingerprints.as_deref(), cache.as_deref_mut())
            } else {
                Vec::new()
            };
            let search = match records_to {
                Some(channel) => {
                    // The receiver only goes away if the indexing thread died; the build
                    // then reports that, so there is nothing to do here.
                    let _ = channel.send(records);
                    Vec::new()
                }
                None => records,
            };
            let markdown = fingerprints.as_deref();
            Self::from_markdown(inputs, &rendered, markdown, problems, cache.as_deref_mut(), &mut stats)
                .map(|site| Self { search, ..site })
        };
        if let (Some(cache), Some(fingerprints)) = (cache, fingerprints) {
            cache.markdown = rendered.into_cache(config, content, fingerprints);
            cache.stats = stats;
        }
        site
    }

    /// Templates, feeds and static files, once the Markdown is rendered and its `problems`
    /// (warnings only) are known.
    fn from_markdown(
        inputs: Inputs<'_>,
        rendered: &RenderedContent,
        markdown: Option<&[u128]>,
        mut problems: Vec<Diagnostic>,
        mut cache: Option<&mut Memo>,
        stats: &mut CacheStats,
    ) -> Result<Self, Error> {
        let Inputs { config, theme, content, routes } = inputs;
        let views = Views::new(config, content, &theme.strings, &rendered.pages);
        // A list whose refs are unchanged is not converted for the templates again.
        let converted = cache.as_deref_mut().map(|cache| std::mem::take(&mut cache.lists)).unwrap_or_default();
        let topic_articles: Vec<SharedValue> =
            content.topics.iter().map(|topic| views.topic_articles(topic, &converted)).collect();
        let lists: HashMap<u128, tera::Value> =
            topic_articles.iter().map(|list| (list.digest(), list.value().clone())).collect();
        let previous = cache.as_ref().zip(markdown).map(|(cache, markdown)| {
            // Everything every page's key shares: the site's settings and the theme.
            let settings = Fingerprint::new().text(&format!("{config:?}")).digest(theme.fingerprint()).finish();
            // The pages' Markdown fingerprints, after the home pages' and the topics'.
            let pages = &markdown[content.languages.len() + content.topics.len()..];
            Previous { pages: &cache.pages, settings, markdown: pages }
        });
        let shared: Vec<Shared<'_>> = (0..content.languages.len())
            .map(|lang| Shared::new(config, content, &views, lang, rendered, previous, &topic_articles))
            .collect();
        let mut jobs = Vec::new();
        for lang in 0..content.languages.len() {
            jobs.extend([Job::Home(lang), Job::Tags(lang), Job::NotFound(lang)]);
            // The search page exists when the theme has one and the site has search.
            if config.search.enabled && theme.has("search.html") {
                jobs.push(Job::Search(lang));
            }
        }
        jobs.extend((0..content.topics.len()).map(Job::Topic));
        jobs.extend((0..content.pages.len()).map(Job::Page));
        for (lang, language) in content.languages.iter().enumerate() {
            jobs.extend((0..language.tags.len()).map(|i| Job::Tag(lang, i)));
        }
        let results: Vec<Result<RenderedPage, Diagnostic>> =
            jobs.par_iter().map(|job| shared[job.language(content)].render(theme, job)).collect();
        drop(shared);
        let mut files = Vec::with_capacity(results.len() + 16);
        let mut template_problems = Vec::new();
        let mut pages = HashMap::new();
        for result in results {
            match result {
                Ok(page) => {
                    if page.reused {
                        stats.pages_reused += 1;
                    } else {
                        stats.pages_rendered += 1;
                    }
                    if let (Some(fingerprint), Contents::Bytes(bytes)) = (page.fingerprint, &page.file.contents) {
                        let kept = KeptPage { fingerprint, key: page.key, html: Arc::clone(bytes) };
                        pages.insert(page.file.path.clone(), kept);
                    }
                    files.push(page.file);
                }
                Err(problem) => template_problems.push(problem),
            }
        }
        if let Some(cache) = cache.as_deref_mut() {
            cache.pages = pages;
            cache.lists = lists;
        }
        problems.extend(merge_repeats(template_problems));
        if problems.iter().any(Diagnostic::is_error) {
            return Err(Error::Site(problems));
        }
        // The feeds, sitemap and redirects are kept while what they are made of is unchanged.
        let key = markdown.map(|markdown| feeds::key(config, content, markdown, routes));
        let kept = cache.as_deref_mut().and_then(|cache| cache.feeds.take()).filter(|(old, _)| Some(*old) == key);
        let feed_files = match kept {
            Some((_, kept)) => kept,
            None => feeds::files(config, content, &rendered.pages, routes),
        };
        if let (Some(cache), Some(key)) = (cache, key) {
            cache.feeds = Some((key, feed_files.clone()));
        }
        files.extend(feed_files);
        files.extend(routes.statics().map(|(path, source)| OutputFile {
            path: path.to_path_buf(),
            contents: Contents::Copy(source.to_path_buf()),
        }));
        files.sort_by(|a, b| path_order(&a.path, &b.path));
        Ok(Self {
            files,
            warnings: problems,
            page_count: content.pages.len(),
            topic_count: content.topics.len(),
            tag_count: content.languages.iter().map(|language| language.tags.len()).sum(),
            language_count: content.languages.len(),
            search: Vec::new(),
        })
    }
}

/// Markdown rendered for the home pages, every topic and every page.
pub struct RenderedContent {
    /// Each language's home page's, in [`Content::languages`] order.
    pub homes: Vec<Rendered>,
    /// Each topic's, in [`Content::topics`] order.
    pub topics: Vec<Rendered>,
    /// Each page's, in [`Content::pages`] order.
    pub pages: Vec<Rendered>,
    /// How many were rendered rather than reused.
    fresh: usize,
    /// The site's image files (for `tend check`'s size budget).
    pub images: Images,
}

/// One Markdown source, as [`markdown::render`] needs it.
struct Input<'a> {
    path: &'a Path,
    text: &'a str,
    body_offset: usize,
    link_base: &'a Path,
    /// The language code of a translation (`None` in the default language).
    language: Option<&'a str>,
}

impl RenderedContent {
    /// The Markdown stage on its own (what `tend check` needs): every source rendered once,
    /// links resolved, with [`RenderedContent::diagnostics`] holding the problems.
    pub fn render(config: &Config, content: &Content, routes: &Routes, strings: &crate::theme::Strings) -> Self {
        Self::new(config, content, routes, strings, None).0
    }

    /// Renders every source in parallel, reusing what `previous` holds for sources whose
    /// fingerprint is unchanged. Returns the fingerprints when caching.
    fn new(
        config: &Config,
        content: &Content,
        routes: &Routes,
        strings: &crate::theme::Strings,
        mut previous: Option<Kept<Rendered>>,
    ) -> (Self, Option<Vec<u128>>) {
        let targets = content.link_targets(config);
        let words: std::collections::BTreeMap<String, markdown::Words> = config
            .languages
            .iter()
            .map(|language| {
                (
                    language.code.clone(),
                    markdown::Words::of(|key| strings.text(&language.code, key, &[]), &language.name),
                )
            })
            .collect();
        let images = crate::images::measure(routes.statics());
        let settings = markdown::Settings {
            targets: &targets,
            drafts: &content.drafts,
            base_path: config.base_url.path(),
            raw_html: config.markdown.raw_html,
            links: config.links.internal,
            snippets: &content.snippets,
            images: &images,
            words: &words,
            default_language: &config.language,
        };
        let inputs = Self::inputs(config, content);
        let fingerprints = previous.as_ref().map(|_| {
            let shared = settings_fingerprint(&settings);
            inputs
                .par_iter()
                .map(|input| {
                    let mut fingerprint = Fingerprint::new();
                    fingerprint.digest(shared).text(&display_path(input.path)).text(input.text);
                    fingerprint.value(&input.body_offset).text(&display_path(input.link_base));
                    // The snippets it includes are rendered into it: their text is an input.
                    for name in markdown::included(input.text) {
                        let snippet = markdown::snippet(&content.snippets, name, input.language);
                        fingerprint.text(name).value(&snippet.map(|snippet| snippet.text.as_str()));
                    }
                    fingerprint.finish()
                })
                .collect::<Vec<u128>>()
        });
        let kept: Vec<Option<Rendered>> = match (&mut previous, &fingerprints) {
            (Some(previous), Some(fingerprints)) => {
                inputs.iter().zip(fingerprints).map(|(input, new)| take_kept(previous, input.path, *new)).collect()
            }
            _ => inputs.iter().map(|_| None).collect(),
        };
        let fresh = kept.iter().filter(|kept| kept.is_none()).count();
        let all: Vec<Rendered> = inputs
            .par_iter()
            .zip(kept)
            .map(|(input, kept)| {
                kept.unwrap_or_else(|| {
                    let source = Source {
                        path: input.path,
                        text: input.text,
                        body_offset: input.body_offset,
                        link_base: input.link_base,
                        language: input.language,
                    };
                    markdown::render(&source, &settings)
                })
            })
            .collect();
        let mut all = all.into_iter();
        let homes = all.by_ref().take(content.languages.len()).collect();
        let topics = all.by_ref().take(content.topics.len()).collect();
        let pages = all.collect();
        (Self { homes, topics, pages, fresh, images }, fingerprints)
    }

    /// The home pages, then every topic, then every page: the order of `new`'s output.
    fn inputs<'c>(config: &'c Config, content: &'c Content) -> Vec<Input<'c>> {
        let language = |lang: usize| (lang > 0).then(|| config.languages[lang].code.as_str());
        content
            .sections()
            .map(|t| Input {
                path: &t.path,
                text: &t.text,
                body_offset: t.body_offset,
                link_base: t.link_base(),
                language: language(t.lang),
            })
            .chain(content.pages.iter().map(|p| Input {
                path: &p.path,
                text: &p.text,
                body_offset: p.body_offset,
                link_base: p.link_base(),
                language: language(p.lang),
            }))
            .collect()
    }

    /// How many sources: the home pages, topics and pages.
    pub fn count(&self) -> usize {
        self.homes.len() + self.topics.len() + self.pages.len()
    }

    /// This render's Markdown, filed by source path for the next render.
    fn into_cache(self, config: &Config, content: &Content, fingerprints: Vec<u128>) -> Kept<Rendered> {
        let paths = Self::inputs(config, content).into_iter().map(|input| input.path.into());
        let rendered = self.homes.into_iter().chain(self.topics).chain(self.pages);
        paths.zip(fingerprints.into_iter().zip(rendered)).collect()
    }

    /// Every Markdown problem, plus links to headings that do not exist in their target
    /// (reported at `links`' severity).
    pub fn diagnostics(&self, content: &Content, links: LinkLevel) -> Vec<Diagnostic> {
        let mut anchors: HashMap<&Path, &Rendered> = HashMap::new();
        let rendered_sections = self.homes.iter().chain(&self.topics);
        anchors.extend(content.sections().map(|t| t.path.as_path()).zip(rendered_sections.clone()));
        anchors.extend(content.pages.iter().map(|p| p.path.as_path()).zip(&self.pages));
        let sources = content
            .sections()
            .zip(rendered_sections)
            .map(|(t, r)| (&t.path, &t.text, r))
            .chain(content.pages.iter().zip(&self.pages).map(|(p, r)| (&p.path, &p.text, r)));
        let mut problems = Vec::new();
        // Sorted once per target and indexed once per file: a page with thousands of
        // headings and thousands of broken links must not cost their product.
        let mut sorted: HashMap<&Path, Vec<&str>> = HashMap::new();
        let snippets: HashMap<&Path, &str> =
            content.snippets.values().map(|snippet| (snippet.path.as_path(), snippet.text.as_str())).collect();
        for (path, text, rendered) in sources {
            problems.extend(rendered.diagnostics.iter().cloned());
            let mut index = None;
            let mut snippet_index = HashMap::new();
            let mut broken = 0;
            for link in &rendered.links {
                let Some(target) = anchors.get(link.target.as_path()) else { continue };
                if link.anchor.is_empty() || target.anchors.contains(&link.anchor) {
                    continue;
                }
                let known = sorted.entry(link.target.as_path()).or_insert_with(|| {
                    let mut known: Vec<&str> = target.anchors.iter().map(String::as_str).collect();
                    known.sort_unstable();
                    known
                });
                broken += 1;
                let hint = anchor_hint(&link.anchor, known, &link.target, broken <= SUGGESTED_PER_FILE);
                let message = format!(
                    "link to `#{}` in `{}`, which has no such heading",
                    link.anchor,
                    display_path(&link.target)
                );
                // A link written in a snippet is placed in the snippet.
                let (path, text, index) = match link.written_in.as_deref() {
                    Some(snippet) => {
                        let text = snippets.get(snippet).copied().unwrap_or_default();
                        let index =
                            snippet_index.entry(snippet).or_insert_with(|| crate::diagnostic::LineIndex::new(text));
                        (snippet, text, &*index)
                    }
                    None => (
                        path.as_path(),
                        &**text,
                        &*index.get_or_insert_with(|| crate::diagnostic::LineIndex::new(text)),
                    ),
                };
                let diagnostic = Diagnostic { severity: links.severity(), ..Diagnostic::error(path, message) };
                problems.push(diagnostic.at_bytes(index, text, link.range.clone()).with_hint(hint));
            }
        }
        // A snippet included by several pages reports its problems once.
        let mut seen = std::collections::HashSet::new();
        problems.retain(|problem| {
            let in_snippet = problem.path.starts_with(Path::new("content").join(crate::content::SNIPPETS_DIR));
            !in_snippet || seen.insert((problem.location(), problem.message.clone()))
        });
        problems
    }
}

/// How many broken anchors of one file get a "did you mean".
pub(crate) const SUGGESTED_PER_FILE: usize = 50;

/// The hint for a link to `#anchor` that `target` (whose anchors are `known`, sorted) does
/// not have: the closest anchor, or the first few there are.
/// `suggest` is false past the first [`SUGGESTED_PER_FILE`] broken anchors of a file:
/// comparing each of thousands of broken links with thousands of headings would cost
/// minutes for suggestions nobody reads.
pub(crate) fn anchor_hint(anchor: &str, known: &[&str], target: &Path, suggest: bool) -> String {
    const SHOWN: usize = 10;
    let best = if suggest { crate::diagnostic::did_you_mean(anchor, known.iter().copied()) } else { None };
    match best {
        Some(best) => format!("did you mean `#{best}`?"),
        None if known.is_empty() => format!("`{}` has no headings to link to", display_path(target)),
        None => {
            let listed: Vec<String> = known.iter().take(SHOWN).map(|a| format!("#{a}")).collect();
            let more = known.len().saturating_sub(SHOWN);
            let more = if more > 0 { format!(" and {more} more") } else { String::new() };
            format!("headings there: {}{more}", listed.join(", "))
        }
    }
}

/// The search records of every page, reusing the cached record of a page whose file,
/// URL and topic, and the site's search settings, are all unchanged.
fn search_records(
    config: &Config,
    content: &Content,
    rendered: &RenderedContent,
    markdown: Option<&[u128]>,
    cache: Option<&mut Memo>,
) -> Vec<crate::search::Record> {
    let (Some(markdown), Some(cache)) = (markdown, cache) else {
        return crate::search::records(config, content, &rendered.pages);
    };
    let synonyms = crate::search::Synonyms::for_languages(config);
    let settings = Fingerprint::new().text(&format!("{:?} {:?}", config.search, config.languages)).finish();
    let first_page = content.languages.len() + content.topics.len();
    let fingerprints: Vec<u128> = content
        .pages
        .iter()
        .enumerate()
        .map(|(i, page)| {
            // The Markdown fingerprint covers the whole file, so the front matter too.
            let topic = page.topic.map(|t| content.topics[t].front.title.as_str());
            let mut fingerprint = Fingerprint::new();
            fingerprint.digest(settings).digest(markdown[first_page + i]).text(page.permalink.as_str());
            fingerprint.text(topic.unwrap_or_default()).finish()
        })
        .collect();
    let mut previous = std::mem::take(&mut cache.records);
    let kept: Vec<Option<Option<crate::search::Record>>> =
        content.pages.iter().zip(&fingerprints).map(|(page, new)| take_kept(&mut previous, &page.path, *new)).collect();
    let records: Vec<Option<crate::search::Record>> = content
        .pages
        .par_iter()
        .zip(&rendered.pages)
        .zip(kept)
        .map(|((page, rendered), kept)| {
            kept.unwrap_or_else(|| crate::search::record(config, content, page, rendered, &synonyms[page.lang]))
        })
        .collect();
    cache.records = content
        .pages
        .iter()
        .zip(fingerprints)
        .zip(&records)
        .map(|((page, fingerprint), record)| (page.path.as_path().into(), (fingerprint, record.clone())))
        .collect();
    records.into_iter().flatten().collect()
}

/// Everything besides a file's own text that changes its rendered Markdown.
fn settings_fingerprint(settings: &markdown::Settings<'_>) -> u128 {
    let mut targets: Vec<(String, &str)> =
        settings.targets.iter().map(|(path, permalink)| (display_path(path), permalink.as_str())).collect();
    targets.sort_unstable();
    let drafts: Vec<String> = settings.drafts.iter().map(|path| display_path(path)).collect();
    let mut fingerprint = Fingerprint::new();
    let mut images: Vec<(&String, &crate::images::Image)> = settings.images.iter().collect();
    images.sort_unstable();
    fingerprint.value(&targets).value(&drafts).text(settings.base_path).value(&images);
    fingerprint.text(&format!("{:?} {}", settings.words, settings.default_language));
    fingerprint.text(&format!("{:?} {:?}", settings.raw_html, settings.links)).finish()
}

/// Values computed once and shared by every render job.
/// Values computed once per language and shared by every render job of that language.
struct Shared<'a> {
    config: &'a Config,
    content: &'a Content,
    views: &'a Views<'a>,
    /// The language (index into [`Config::languages`]).
    lang: usize,
    tags: &'a [Tag],
    rendered: &'a RenderedContent,
    /// The previous render's pages, when caching.
    previous: Option<Previous<'a>>,
    site_view: context::SiteView,
    site: SharedValue,
    tag_refs: Vec<TagRef>,
    tag_index: HashMap<String, usize>,
    /// Each topic's articles (of every language, computed once).
    topic_articles: &'a [SharedValue],
}

/// The previous render's pages, and what this render's page keys are made of.
#[derive(Clone, Copy)]
struct Previous<'a> {
    pages: &'a HashMap<PathBuf, KeptPage>,
    /// The fingerprint of the site's settings and the theme.
    settings: u128,
    /// Each page's Markdown fingerprint, by page index.
    markdown: &'a [u128],
}

/// One page out of a render job.
struct RenderedPage {
    file: OutputFile,
    /// Its template context's fingerprint, when caching.
    fingerprint: Option<u128>,
    /// Its key, when caching an article or root page (see [`KeptPage::key`]).
    key: Option<u128>,
    /// Whether the previous render's HTML was reused.
    reused: bool,
}

/// A topic with its articles, for the home page.
#[derive(Serialize)]
struct TopicWithArticles<'a> {
    #[serde(flatten)]
    nav: &'a context::TopicNav,
    articles: &'a tera::Value,
}

impl<'a> Shared<'a> {
    fn new(
        config: &'a Config,
        content: &'a Content,
        views: &'a Views<'a>,
        lang: usize,
        rendered: &'a RenderedContent,
        previous: Option<Previous<'a>>,
        topic_articles: &'a [SharedValue],
    ) -> Self {
        let caching = previous.is_some();
        let tags = &content.languages[lang].tags;
        let tag_refs: Vec<TagRef> = tags
            .iter()
            .map(|t| TagRef { name: t.name.clone(), url: url(config, &t.site_path), count: t.pages.len() })
            .collect();
        let tag_index = tags.iter().enumerate().map(|(i, t)| (t.slug.clone(), i)).collect();
        let site_view = views.site(lang);
        let site = SharedValue::new(&site_view, caching);
        Self {
            config,
            content,
            views,
            lang,
            tags,
            rendered,
            previous,
            site_view,
            site,
            tag_refs,
            tag_index,
            topic_articles,
        }
    }

    /// The theme's string `key` in this language (every theme has tend's own keys: it
    /// inherits the built-in default theme's strings, see [`crate::theme::strings::ENGINE_KEYS`]).
    fn text(&self, key: &str, values: &[(&str, String)]) -> String {
        self.views.text(self.lang, key, values).unwrap_or_else(|| key.to_owned())
    }

    /// The view of a generated page at `path` under each language's prefix: the same page
    /// exists in every language.
    fn generated(&self, title: &str, description: &str, path: &str) -> context::PageView {
        let prefix = &self.config.languages[self.lang].prefix;
        let mut view = simple_page(self.config, title, description, &format!("{prefix}{path}"));
        if self.config.languages.len() > 1 {
            let paths: Vec<String> = self.config.languages.iter().map(|l| format!("{}{path}", l.prefix)).collect();
            let versions: Vec<(usize, &str)> = paths.iter().map(String::as_str).enumerate().collect();
            view.translations = self.views.translation_refs(&versions, self.lang);
        }
        view
    }

    fn page_tags(&self, names: &[String]) -> Vec<TagRef> {
        let mut seen = Vec::new();
        for name in names {
            if let Some(&i) = self.tag_index.get(&crate::content::page::slugify(name))
                && !seen.contains(&i)
            {
                seen.push(i);
            }
        }
        seen.into_iter().map(|i| self.tag_refs[i].clone()).collect()
    }

    /// The key of article or root page `index`: a fingerprint of everything its context is
    /// built from (its file, through its Markdown fingerprint; its place in the site and
    /// its neighbours', related pages' and tags' refs; its topic and the topic's article
    /// list; the site view, settings and theme). Cheaper than building the context, so an
    /// unchanged page costs this and a lookup.
    fn page_key(&self, index: usize, previous: Previous<'_>) -> u128 {
        let page = &self.content.pages[index];
        let mut key = Fingerprint::new();
        key.digest(previous.settings).digest(self.site.digest()).digest(previous.markdown[index]);
        self.views.article_inputs(index, &mut key);
        key.value(&self.page_tags(&page.front.tags));
        if let Some(t) = page.topic {
            let topic = &self.content.topics[t];
            key.text(&topic.front.title).text(&topic.front.description).text(topic.permalink.as_str());
            key.digest(self.topic_articles[t].digest());
        }
        key.finish()
    }

    fn render(&self, theme: &Theme, job: &Job) -> Result<RenderedPage, Diagnostic> {
        // An article or root page whose key is unchanged keeps its HTML; its context is
        // not even built.
        let key = match (job, self.previous) {
            (Job::Page(p), Some(previous)) => {
                let key = self.page_key(*p, previous);
                let path = self.content.pages[*p].permalink.output_file();
                if let Some(kept) = previous.pages.get(&path)
                    && kept.key == Some(key)
                {
                    let file = OutputFile { path, contents: Contents::Bytes(Arc::clone(&kept.html)) };
                    return Ok(RenderedPage {
                        file,
                        fingerprint: Some(kept.fingerprint),
                        key: Some(key),
                        reused: true,
                    });
                }
                Some(key)
            }
            _ => None,
        };
        let mut context = Context::new(self.previous.is_some());
        context.insert_shared("site", &self.site);
        context.insert("lang", self.site_view.language.as_str());
        let prefix = &self.config.languages[self.lang].prefix;
        let (template, permalink, source) = match job {
            Job::Home(_) => self.home(&mut context),
            Job::Topic(t) => self.topic(&mut context, *t),
            Job::Page(p) => self.page(&mut context, theme, *p),
            Job::Tags(_) => {
                context.insert("kind", "tags");
                context.insert("tags", &self.tag_refs);
                let title = self.text("tags.title", &[]);
                let description = self.text("tags.description", &[]);
                context.insert_page(self.generated(&title, &description, "tags/"), "");
                ("tags.html", Permalink::from_site_path(&format!("{prefix}tags/")), PathBuf::from("tags"))
            }
            Job::Tag(_, i) => {
                let tag = &self.tags[*i];
                let pages: Vec<&PageRef> = tag.pages.iter().map(|&p| &self.views.page_refs[p]).collect();
                let digest = context::refs_digest(tag.pages.iter().map(|&p| self.views.ref_digests[p]));
                context.insert("kind", "tag");
                context.insert("tag", &self.tag_refs[*i]);
                context.insert_digested("pages", pages, digest);
                let title = self.text("tag.title", &[("name", tag.name.clone())]);
                context.insert_page(simple_page(self.config, &title, &title, &tag.site_path), "");
                ("tag.html", Permalink::from_site_path(&tag.site_path), PathBuf::from("tags"))
            }
            Job::Search(_) => {
                context.insert("kind", "search");
                context.insert("topics", &self.site_view.topics);
                context.insert("search_topics", self.search_topics());
                let title = self.text("search.title", &[]);
                let description = self.text("search.description", &[]);
                context.insert_page(self.generated(&title, &description, "search/"), "");
                ("search.html", Permalink::from_site_path(&format!("{prefix}search/")), PathBuf::from("search"))
            }
            Job::NotFound(_) => {
                context.insert("kind", "404");
                let title = self.text("not_found.title", &[]);
                let description = self.text("not_found.description", &[]);
                let path = format!("{prefix}404.html");
                context.insert_page(simple_page(self.config, &title, &description, &path), "");
                ("404.html", Permalink::from_site_path(&path), PathBuf::from("404.html"))
            }
        };
        let path = permalink.output_file();
        let fingerprint = context.finish(template, theme.fingerprint());
        if let (Some(new), Some(previous)) = (fingerprint, self.previous)
            && let Some(kept) = previous.pages.get(&path)
            && kept.fingerprint == new
        {
            let file = OutputFile { path, contents: Contents::Bytes(Arc::clone(&kept.html)) };
            return Ok(RenderedPage { file, fingerprint, key, reused: true });
        }
        let html = theme.render(template, &context.to_tera(), &source)?;
        let file = OutputFile { path, contents: Contents::Bytes(html.into_bytes().into()) };
        Ok(RenderedPage { file, fingerprint, key, reused: false })
    }

    /// The search index's `topic` filter values with the number of searchable pages each
    /// has, in the order of the topic tree: the search page renders its topic chips from
    /// these, so they are in place before the index loads (no layout shift).
    fn search_topics(&self) -> Vec<context::SearchTopic> {
        let mut pages: HashMap<&str, usize> = HashMap::new();
        for page in self.content.pages.iter().filter(|page| page.lang == self.lang) {
            if let Some(topic) = page.topic
                && crate::search::is_searchable(&self.config.search, page)
            {
                *pages.entry(self.content.topics[topic].front.title.as_str()).or_default() += 1;
            }
        }
        let mut out: Vec<context::SearchTopic> = Vec::new();
        let mut stack: Vec<&context::TopicNav> = self.site_view.topics.iter().rev().collect();
        while let Some(nav) = stack.pop() {
            if let Some(count) = pages.remove(nav.title.as_str()) {
                out.push(context::SearchTopic { title: nav.title.clone(), pages: count });
            }
            stack.extend(nav.children.iter().rev());
        }
        out
    }

    fn home<'s>(&'s self, context: &mut Context<'s>) -> (&'static str, Permalink, PathBuf) {
        let language = &self.content.languages[self.lang];
        let rendered = &self.rendered.homes[self.lang];
        let view = self.views.topic_page(&language.home, rendered, Vec::new());
        let topics: Vec<TopicWithArticles<'_>> = language
            .root_topics
            .iter()
            .zip(&self.site_view.topics)
            .map(|(&t, nav)| TopicWithArticles { nav, articles: self.topic_articles[t].value() })
            .collect();
        // Fingerprinted by the lists' digests, not by serializing every article again.
        let mut digest = Fingerprint::new();
        for (&t, nav) in language.root_topics.iter().zip(&self.site_view.topics) {
            digest.value(nav).digest(self.topic_articles[t].digest());
        }
        context.insert("kind", "home");
        context.insert_page(view, &rendered.html);
        context.insert_digested("topics", topics, digest.finish());
        ("home.html", language.home.permalink.clone(), language.home.path.clone())
    }

    fn topic<'s>(&'s self, context: &mut Context<'s>, index: usize) -> (&'static str, Permalink, PathBuf) {
        let topic = &self.content.topics[index];
        let view = self.views.topic_page(topic, &self.rendered.topics[index], Vec::new());
        context.insert("kind", "topic");
        context.insert_page(view, &self.rendered.topics[index].html);
        context.insert_shared("articles", &self.topic_articles[index]);
        context.insert("subtopics", self.views.children_nav(topic));
        ("topic.html", topic.permalink.clone(), topic.path.clone())
    }

    fn page<'s>(
        &'s self,
        context: &mut Context<'s>,
        theme: &Theme,
        index: usize,
    ) -> (&'static str, Permalink, PathBuf) {
        let page = &self.content.pages[index];
        let view = self.views.article(index, &self.rendered.pages[index], self.page_tags(&page.front.tags));
        if let Some(t) = page.topic {
            let topic = &self.content.topics[t];
            context.insert(
                "topic",
                serde_json::json!({
                    "title": topic.front.title,
                    "description": topic.front.description,
                    "url": url(self.config, topic.permalink.as_str()),
                }),
            );
            context.insert_shared("articles", &self.topic_articles[t]);
        }
        let template = if page.topic.is_none() && theme.has("page.html") { "page.html" } else { "article.html" };
        context.insert("kind", if page.topic.is_some() { "article" } else { "page" });
        context.insert_page(view, &self.rendered.pages[index].html);
        (template, page.permalink.clone(), page.path.clone())
    }
}

/// The order of `Path::cmp` (component by component) for the relative, normalised paths
/// of output files, without splitting them into components: a separator sorts before
/// every other byte, so comparing the bytes so mapped compares the components. Sorting
/// 10,000 paths this way is several times faster.
fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    fn bytes(path: &Path) -> impl Iterator<Item = u8> + '_ {
        let separator = |byte: u8| std::path::is_separator(char::from(byte));
        path.as_os_str().as_encoded_bytes().iter().map(move |&byte| if separator(byte) { 0 } else { byte })
    }
    let order = bytes(a).cmp(bytes(b));
    debug_assert_eq!(order, a.cmp(b), "{} and {}", a.display(), b.display());
    order
}

/// One template bug fails every page that uses it: report it once, naming the first
/// page and how many more.
fn merge_repeats(problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut merged: Vec<(Diagnostic, usize)> = Vec::new();
    for problem in problems {
        match merged.iter_mut().find(|(d, _)| d.path == problem.path && d.message == problem.message) {
            Some((_, more)) => *more += 1,
            None => merged.push((problem, 0)),
        }
    }
    merged
        .into_iter()
        .map(|(mut diagnostic, more)| {
            if more > 0
                && let Some(hint) = &mut diagnostic.hint
            {
                *hint = hint.replacen(';', &format!(" and {more} more page(s);"), 1);
            }
            diagnostic
        })
        .collect()
}
