//! The site's content: every page and topic under `content/`, loaded and cross-checked.
//!
//! Owns reading `content/` (walk, sort, parse front matter in parallel), building the
//! topic tree, assigning URLs, and site-wide checks that need every page at once:
//! missing `_index.md`, `related` paths (who owns which URL is [`crate::routes`]). It knows nothing of Markdown
//! rendering or templates.

pub mod front_matter;
pub mod page;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, did_you_mean, display_path};
use crate::error::{Error, fs};
use crate::fingerprint::{Fingerprint, Kept};
pub use front_matter::{FrontMatter, Reference};
use front_matter::{Requirements, parse_file};
pub use page::{Page, Permalink, Topic};

/// All published content, sorted and cross-linked.
#[derive(Debug, Clone)]
pub struct Content {
    /// Each language's home page, navigation roots and tags, in [`Config::languages`]
    /// order (the default language first).
    pub languages: Vec<LanguageContent>,
    /// Every topic of every language, sorted by path; [`Topic::children`] and
    /// [`Topic::parent`] index here.
    pub topics: Vec<Topic>,
    /// Every page (articles and root pages) of every language, sorted by path.
    pub pages: Vec<Page>,
    /// Draft pages left out of this build, by path (so links to them get a clear error).
    pub drafts: Vec<PathBuf>,
    /// Every problem found loading: errors (a file that does not parse, a broken
    /// `related` entry) and warnings (files that are not published). Loading goes on past
    /// errors so that every stage can report its own; the build stops before writing.
    pub problems: Vec<Diagnostic>,
    /// Files that failed to parse, and the files inside a topic whose `_index.md` failed:
    /// still known by path, so links and `related` entries to them report nothing more
    /// (the file's own error is the one to fix).
    pub failed: Vec<PathBuf>,
    /// `content/_snippets/<name>.md` by name: Markdown that pages include with
    /// `<!-- snippet: name -->` (see [`crate::markdown`]). Never published on its own.
    pub snippets: Snippets,
}

/// What one language of the site has: its home page, the roots of its navigation and
/// its tags. Its topics and pages are those of [`Content`] with its [`Topic::lang`].
#[derive(Debug, Clone)]
pub struct LanguageContent {
    /// `content/_index.md`, or the language's `content/_index.<code>.md` (made from the
    /// language's title and description when there is no such file).
    pub home: Topic,
    /// Root pages (`content/<slug>.md`), ordered.
    pub root_pages: Vec<usize>,
    /// Top-level topics, ordered.
    pub root_topics: Vec<usize>,
    /// Tags of the language's pages, grouped by slug, sorted by slug.
    pub tags: Vec<Tag>,
}

/// Snippets by name, sorted.
pub type Snippets = std::collections::BTreeMap<String, Snippet>;

/// The folder of `content/` holding snippets.
pub const SNIPPETS_DIR: &str = "_snippets";

/// One file of `content/_snippets/`.
#[derive(Debug, Clone)]
pub struct Snippet {
    /// Path relative to the site root.
    pub path: PathBuf,
    /// The whole file: Markdown, no front matter.
    pub text: String,
}

/// A tag and the pages that carry it.
#[derive(Debug, Clone)]
pub struct Tag {
    /// The first spelling used.
    pub name: String,
    /// Its URL segment.
    pub slug: String,
    /// Its page's site path (`tags/sleep/`, `es/tags/sueno/`).
    pub site_path: String,
    /// Pages that carry it (indices into [`Content::pages`]), in page order.
    pub pages: Vec<usize>,
}

/// What a content file is, from its name and place.
enum FileKind {
    Home,
    Topic,
    Page { topic_dir: PathBuf, bundle: bool },
}

/// A file found by the walk, before parsing.
struct Found {
    rel: PathBuf,
    abs: PathBuf,
    kind: FileKind,
    /// Its language (index into [`Config::languages`]).
    lang: usize,
    /// The file it translates (itself for the default language).
    original: PathBuf,
}

impl Content {
    /// Loads `content/` of the site described by `config`.
    pub fn load(config: &Config) -> Result<Self, Error> {
        Self::load_cached(config, None)
    }

    /// [`Content::load`], reusing the parsed front matter in `cache` of files whose text
    /// is unchanged, and leaving this load's there for the next.
    pub fn load_cached(config: &Config, mut cache: Option<&mut FrontMatterCache>) -> Result<Self, Error> {
        let mut problems = Vec::new();
        let settings = walk_settings(config);
        // The last load's content is only good for this one if nothing since touched it.
        let last = cache.as_deref_mut().and_then(|cache| cache.content.take());
        let loaded_with = Fingerprint::new().text(&format!("{config:?}")).finish();
        // Asked once: it looks at the files on disk, which may change between two asks.
        let walk_reusable = cache.as_ref().is_some_and(|cache| {
            cache
                .walk
                .as_ref()
                .is_some_and(|kept| kept.settings == settings && cache.changed.leaves(&kept.walk.listed, &config.root))
        });
        let kept_walk = cache.as_ref().and_then(|cache| cache.walk.as_ref()).filter(|_| walk_reusable);
        if let (Some(walk), Some(last)) = (kept_walk.map(|kept| Arc::clone(&kept.walk)), last)
            && let Some(cache) = cache.as_deref_mut()
            && cache.loaded_with == loaded_with
            && let Some(content) = Self::patched(last, &walk, cache)
        {
            return Ok(content);
        }
        let kept = cache.as_ref().and_then(|cache| cache.walk.as_ref()).filter(|_| walk_reusable);
        let walked = match kept {
            Some(kept) => KeptWalk { settings, walk: Arc::clone(&kept.walk), problems: kept.problems.clone() },
            None => {
                let mut found = Vec::new();
                let walk = walk(config, &mut found)?;
                KeptWalk { settings, walk: Arc::new(walk), problems: found }
            }
        };
        problems.extend(walked.problems.iter().cloned());
        let walk = Arc::clone(&walked.walk);
        let previous = cache.as_ref().map(|cache| (&cache.entries, &cache.changed));
        let results: Vec<_> = walk.files.par_iter().map(|found| parse_one(found, previous)).collect();
        let mut parsed = Vec::with_capacity(results.len());
        let mut entries = HashMap::with_capacity(results.len());
        let (mut fresh, mut read) = (0, 0);
        for (found, (result, entry)) in walk.files.iter().zip(results) {
            if let Some(entry) = entry {
                fresh += usize::from(entry.fresh);
                read += usize::from(entry.read);
                entries.insert(found.rel.clone().into(), (entry.fingerprint, entry.kept));
            }
            parsed.push(result);
        }
        if let Some(cache) = cache {
            // Every kept text is now the file's text as read by this load.
            let changed = if cache.watched { Changed::Only(BTreeSet::new()) } else { Changed::Anything };
            let walk = Some(walked);
            let content = None;
            let watched = cache.watched;
            *cache = FrontMatterCache { entries, changed, watched, parsed: fresh, read, walk, content, loaded_with };
        }
        let mut homes: Vec<Option<Topic>> = vec![None; config.languages.len()];
        let mut topics = Vec::new();
        let mut pages = Vec::new();
        let mut drafts = Vec::new();
        let mut failed = walk.orphans.clone();
        for (found, result) in walk.files.iter().zip(parsed) {
            let (text, front, body_offset) = match result {
                Ok(ok) => ok,
                Err(mut errors) => {
                    problems.append(&mut errors);
                    failed.push(found.rel.clone());
                    if matches!(found.kind, FileKind::Home) {
                        // Keep a stand-in, so the rest of the site is still checked.
                        homes[found.lang] = Some(topic(found, Arc::from(""), FrontMatter::default(), 0));
                    }
                    continue;
                }
            };
            if config.drafts || !front.draft {
                problems.extend(front.warnings.iter().cloned());
            }
            match &found.kind {
                FileKind::Home => homes[found.lang] = Some(topic(found, text, front, body_offset)),
                FileKind::Topic => topics.push(topic(found, text, front, body_offset)),
                FileKind::Page { .. } if front.draft && !config.drafts => drafts.push(found.rel.clone()),
                FileKind::Page { topic_dir, bundle } => {
                    let assets = if *bundle { walk.bundle_assets(&found.rel) } else { Vec::new() };
                    pages.push((
                        topic_dir.clone(),
                        Page {
                            path: found.rel.clone(),
                            lang: found.lang,
                            original: found.original.clone(),
                            text,
                            body_offset,
                            front,
                            topic: None,
                            permalink: Permalink::home(),
                            assets,
                            related: Vec::new(),
                        },
                    ));
                }
            }
        }
        let mut homes = homes.into_iter().enumerate().map(|(lang, home)| {
            // A language with no home page of its own gets one from its settings.
            home.or_else(|| (lang > 0).then(|| generated_home(config, lang)))
        });
        let Some(home) = homes.next().flatten() else {
            problems.push(
                Diagnostic::error("content/_index.md", "the home page `content/_index.md` is missing")
                    .with_hint("create it with front matter `title: …` and a short welcome text"),
            );
            return Err(Error::Site(problems));
        };
        // A topic that failed takes its folder with it: its articles and sub-topics would
        // otherwise move to the root and report collisions that are not real.
        let broken: Vec<(PathBuf, usize)> = failed
            .iter()
            .filter_map(|path| {
                let (lang, original) = language_of(path, config).ok()?;
                let dir = path.parent()?;
                (original.file_name()? == "_index.md" && dir != Path::new("content")).then(|| (dir.to_path_buf(), lang))
            })
            .collect();
        leave_out(&broken, &mut topics, &mut pages, &mut failed);
        // A draft topic is left out with everything in it, like a draft article.
        if home.front.draft {
            problems.push(
                home.front_matter()
                    .error_at_key("draft", "the home page cannot be a draft")
                    .with_hint("remove `draft`; to keep a topic or article back, mark that one as a draft"),
            );
        }
        // A draft original holds back its translations too (a draft topic, its folder in
        // every language): advice not yet published must not go out in another language.
        let languages_of_draft = |lang: usize| if lang == 0 { 0..config.languages.len() } else { lang..lang + 1 };
        let held_back: Vec<(PathBuf, usize)> = topics
            .iter()
            .filter(|topic| topic.front.draft && !config.drafts)
            .filter_map(|topic| Some((topic.path.parent()?.to_path_buf(), topic.lang)))
            .flat_map(|(dir, lang)| languages_of_draft(lang).map(move |l| (dir.clone(), l)))
            .collect();
        leave_out(&held_back, &mut topics, &mut pages, &mut drafts);
        if !config.drafts {
            let draft_originals: std::collections::HashSet<PathBuf> = drafts.iter().cloned().collect();
            pages.retain(|(_, page)| {
                let held = page.lang > 0 && draft_originals.contains(&page.original);
                if held {
                    drafts.push(page.path.clone());
                }
                !held
            });
        }
        let mut languages = Vec::with_capacity(config.languages.len());
        for (lang, mut home) in std::iter::once(home).chain(homes.flatten()).enumerate() {
            if home.front.slug.is_some() {
                problems.push(Diagnostic {
                    severity: crate::diagnostic::Severity::Warning,
                    ..home
                        .front_matter()
                        .error_at_key("slug", "a home page has no `slug`: it is published at its language's root")
                        .with_hint(
                            "remove `slug`; the home page's address is the site's (or `/<code>/` for a language)",
                        )
                });
            }
            home.permalink = Permalink::from_site_path(&config.languages[lang].prefix);
            languages.push(LanguageContent { home, root_pages: Vec::new(), root_topics: Vec::new(), tags: Vec::new() });
        }
        let mut content = Self {
            languages,
            topics,
            pages: Vec::new(),
            drafts,
            problems: Vec::new(),
            failed,
            snippets: read_snippets(&walk.snippets, &mut problems),
        };
        content.link_tree(config, pages, &mut problems);
        for (lang, language) in config.languages.iter().enumerate().skip(1) {
            let has_pages =
                content.topics.iter().any(|t| t.lang == lang) || content.pages.iter().any(|p| p.lang == lang);
            if !has_pages && content.languages[lang].home.text.is_empty() {
                let code = &language.code;
                problems.push(
                    config
                        .source
                        .at_key(
                            &["languages", code],
                            crate::diagnostic::Severity::Warning,
                            format!("`{code}` has no pages yet: `/{code}/` is published with only a home page made from site.yaml"),
                        )
                        .with_hint(format!(
                            "translate the home page and a first article (`tend new --lang {code} /`), or leave `{code}` out of `languages:` until then"
                        )),
                );
            }
        }
        for lang in 0..content.languages.len() {
            content.languages[lang].tags = content.collect_tags(config, lang, &mut problems);
        }
        content.resolve_related(config, &mut problems);
        content.problems = problems;
        Ok(content)
    }

    /// The last load's content `last` with the text of each file changed since, when the
    /// same walk found them all and each changed only below its front matter (which is
    /// byte for byte the same, so every page's place, URL, tags and links are too), and
    /// neither load had a problem (a snippet's or any other, whose text could have
    /// changed). `None` when a full load is needed; `cache` is then as it was.
    fn patched(mut last: Self, walk: &Arc<Walk>, cache: &mut FrontMatterCache) -> Option<Self> {
        if !last.problems.is_empty() {
            return None;
        }
        let Changed::Only(_) = &cache.changed else { return None };
        let changed: Vec<&Found> = walk.files.iter().filter(|found| cache.changed.includes(&found.rel)).collect();
        let mut snippet_problems = Vec::new();
        let snippets = read_snippets(&walk.snippets, &mut snippet_problems);
        if !snippet_problems.is_empty() {
            return None;
        }
        let mut updates = Vec::with_capacity(changed.len());
        for found in changed {
            let (_, old) = cache.entries.get(found.rel.as_os_str())?;
            let Ok((old_front, old_offset)) = &old.parsed else { return None };
            let (Ok((text, front, offset)), Some(entry)) = parse_one(found, Some((&cache.entries, &cache.changed)))
            else {
                return None;
            };
            let same = *old_offset == offset
                && &front == old_front
                && text.get(..offset).is_some_and(|head| old.text.get(..offset) == Some(head));
            if !same {
                return None;
            }
            updates.push((found.rel.clone(), text, entry));
        }
        let read = updates.len();
        let fresh = updates.iter().filter(|(_, _, entry)| entry.fresh).count();
        for (rel, text, entry) in updates {
            let topics = last.languages.iter_mut().map(|language| &mut language.home).chain(last.topics.iter_mut());
            if let Some(topic) = topics.into_iter().find(|topic| topic.path == rel) {
                topic.text = text;
            } else if let Some(page) = last.pages.iter_mut().find(|page| page.path == rel) {
                page.text = text;
            }
            // (A draft left out has no page to patch: its text is not shown.)
            cache.entries.insert(rel.into(), (entry.fingerprint, entry.kept));
        }
        last.snippets = snippets;
        cache.changed = Changed::Only(BTreeSet::new());
        cache.parsed = fresh;
        cache.read = read;
        Some(last)
    }

    /// Assigns topics their parents and URLs, pages their topics and URLs, and orders both,
    /// in each language. A translation whose topic has no version in its language is an
    /// error and left out (as failed, so links to it report nothing more).
    fn link_tree(&mut self, config: &Config, pages: Vec<(PathBuf, Page)>, problems: &mut Vec<Diagnostic>) {
        let dir_of = |path: &Path| path.parent().unwrap_or(Path::new("")).to_path_buf();
        let content_dir = Path::new("content");
        // Parents first: a folder's `_index.md` can sort after a sub-folder named `1-…`.
        let mut order: Vec<usize> = (0..self.topics.len()).collect();
        order.sort_by_key(|&i| (self.topics[i].path.components().count(), i));
        let mut by_dir: HashMap<(usize, PathBuf), usize> = HashMap::new();
        // A translation keeps its original's `slug` unless it sets its own.
        let original_slugs: HashMap<PathBuf, String> = self
            .topics
            .iter()
            .filter(|t| t.lang == 0)
            .map(|t| (&t.path, &t.front.slug))
            .chain(pages.iter().filter(|(_, p)| p.lang == 0).map(|(_, p)| (&p.path, &p.front.slug)))
            .filter_map(|(path, slug)| Some((path.clone(), slug.clone()?)))
            .collect();
        let slug_of =
            |front: &FrontMatter, original: &Path| front.slug.clone().or_else(|| original_slugs.get(original).cloned());
        let mut dropped = Vec::new();
        // Folders whose topic is left out: what is inside goes with it, reported once.
        let mut dropped_dirs: std::collections::HashSet<(usize, PathBuf)> = std::collections::HashSet::new();
        for i in order {
            let (lang, dir) = (self.topics[i].lang, dir_of(&self.topics[i].path));
            let parent_dir = dir.parent().unwrap_or(content_dir);
            let parent = by_dir.get(&(lang, parent_dir.to_path_buf())).copied();
            if parent.is_none() && parent_dir != content_dir {
                if !dropped_dirs.contains(&(lang, parent_dir.to_path_buf())) {
                    problems.push(untranslated_topic(config, &self.topics[i].path, parent_dir, lang));
                }
                dropped.push(i);
                dropped_dirs.insert((lang, dir));
                continue;
            }
            let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let base = parent
                .map_or_else(|| self.languages[lang].home.permalink.clone(), |p| self.topics[p].permalink.clone());
            let segment =
                slug_of(&self.topics[i].front, &self.topics[i].original).unwrap_or_else(|| page::slugify(&name));
            self.topics[i].permalink = base.child(&segment);
            self.topics[i].parent = parent;
            by_dir.insert((lang, dir), i);
        }
        if !dropped.is_empty() {
            // Take the dropped topics out, renumbering what indexes topics.
            let mut renumber = vec![None; self.topics.len()];
            let mut kept = Vec::with_capacity(self.topics.len());
            for (i, topic) in std::mem::take(&mut self.topics).into_iter().enumerate() {
                if dropped.contains(&i) {
                    self.failed.push(topic.path);
                } else {
                    renumber[i] = Some(kept.len());
                    kept.push(topic);
                }
            }
            for topic in &mut kept {
                topic.parent = topic.parent.and_then(|p| renumber[p]);
            }
            for index in by_dir.values_mut() {
                *index = renumber[*index].unwrap_or(usize::MAX);
            }
            by_dir.retain(|_, index| *index != usize::MAX);
            self.topics = kept;
        }
        for i in 0..self.topics.len() {
            match self.topics[i].parent {
                Some(p) => self.topics[p].children.push(i),
                None => self.languages[self.topics[i].lang].root_topics.push(i),
            }
        }
        for (topic_dir, mut page) in pages {
            let topic = by_dir.get(&(page.lang, topic_dir.clone())).copied();
            if topic.is_none() && topic_dir != content_dir {
                if !dropped_dirs.contains(&(page.lang, topic_dir.clone())) {
                    problems.push(untranslated_topic(config, &page.path, &topic_dir, page.lang));
                }
                self.failed.push(page.path);
                continue;
            }
            let base = topic
                .map_or_else(|| self.languages[page.lang].home.permalink.clone(), |t| self.topics[t].permalink.clone());
            let stem = if page.original.file_name().is_some_and(|n| n == "index.md") {
                page.original.parent().and_then(Path::file_name)
            } else {
                page.original.file_stem()
            };
            let name = stem.map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            page.permalink = base.child(&slug_of(&page.front, &page.original).unwrap_or_else(|| page::slugify(&name)));
            page.topic = topic;
            self.pages.push(page);
        }
        self.pages.sort_by(|a, b| a.path.cmp(&b.path));
        for (i, page) in self.pages.iter().enumerate() {
            match page.topic {
                Some(t) => self.topics[t].pages.push(i),
                None => self.languages[page.lang].root_pages.push(i),
            }
        }
        let pages = &self.pages;
        let page_key = |&i: &usize| page::sibling_key(&pages[i].front, &pages[i].path);
        // Each topic's place among all topics; siblings sort by it without borrowing topics.
        let mut ranked: Vec<usize> = (0..self.topics.len()).collect();
        ranked.sort_by_cached_key(|&i| page::sibling_key(&self.topics[i].front, &self.topics[i].path));
        let mut rank = vec![0; ranked.len()];
        for (place, &i) in ranked.iter().enumerate() {
            rank[i] = place;
        }
        let topic_key = |&i: &usize| rank[i];
        for topic in &mut self.topics {
            topic.pages.sort_by_cached_key(page_key);
            topic.children.sort_by_key(topic_key);
        }
        for language in &mut self.languages {
            language.root_pages.sort_by_cached_key(page_key);
            language.root_topics.sort_by_key(topic_key);
        }
    }

    /// Each original file's versions in the site's languages (language, permalink),
    /// default first, for the pages that have more than one.
    pub fn versions(&self) -> HashMap<&Path, Vec<(usize, &Permalink)>> {
        let mut versions: HashMap<&Path, Vec<(usize, &Permalink)>> = HashMap::new();
        if self.languages.len() > 1 {
            let sections = self.sections().map(|t| (t.original.as_path(), t.lang, &t.permalink));
            let pages = self.pages.iter().map(|p| (p.original.as_path(), p.lang, &p.permalink));
            for (original, lang, permalink) in sections.chain(pages) {
                versions.entry(original).or_default().push((lang, permalink));
            }
            versions.retain(|_, list| list.len() > 1);
            for list in versions.values_mut() {
                list.sort_unstable();
            }
        }
        versions
    }

    /// The default language's home page.
    pub fn home(&self) -> &Topic {
        &self.languages[0].home
    }

    /// Every home page, topic and page: what has Markdown to render, in that order.
    pub fn sections(&self) -> impl Iterator<Item = &Topic> {
        self.languages.iter().map(|language| &language.home).chain(&self.topics)
    }

    /// Tags of every page, grouped by slug; the first spelling names the tag. A tag with
    /// no letter or digit would have no page and vanish from its article: an error.
    fn collect_tags(&self, config: &Config, lang: usize, problems: &mut Vec<Diagnostic>) -> Vec<Tag> {
        let mut tags: BTreeMap<String, Tag> = BTreeMap::new();
        let prefix = &config.languages[lang].prefix;
        for (i, page) in self.pages.iter().enumerate().filter(|(_, page)| page.lang == lang) {
            for name in &page.front.tags {
                let slug = page::slugify(name);
                if slug.is_empty() {
                    let document = page.front_matter();
                    problems.push(
                        document
                            .error_at_key(
                                "tags",
                                format!("the tag `{name}` has no letter or digit, so it cannot have a page"),
                            )
                            .with_hint("write the tag as a word, or remove it"),
                    );
                    continue;
                }
                if let Some(first) = tags.get(&slug).filter(|tag| tag.name.to_lowercase() != name.to_lowercase()) {
                    let message = format!(
                        "the tags `{}` and `{name}` share one page, `/{}`, titled `{}`",
                        first.name, first.site_path, first.name
                    );
                    problems.push(
                        Diagnostic {
                            severity: crate::diagnostic::Severity::Warning,
                            ..page.front_matter().error_at_key("tags", message)
                        }
                        .with_hint(
                            "tag URLs keep only letters and digits: use one spelling, or words that differ in them",
                        ),
                    );
                }
                let tag = tags.entry(slug.clone()).or_insert_with(|| Tag {
                    name: name.clone(),
                    site_path: format!("{prefix}{}", crate::sitepath::tag_path(&slug)),
                    slug,
                    pages: Vec::new(),
                });
                if !tag.pages.contains(&i) {
                    tag.pages.push(i);
                }
            }
        }
        tags.into_values().collect()
    }

    /// Turns each page's `related` paths into page indices.
    fn resolve_related(&mut self, config: &Config, problems: &mut Vec<Diagnostic>) {
        let index: HashMap<&Path, usize> = self.pages.iter().enumerate().map(|(i, p)| (p.path.as_path(), i)).collect();
        let mut resolved = Vec::with_capacity(self.pages.len());
        for (me, page) in self.pages.iter().enumerate() {
            let mut related = Vec::new();
            let document = page.front_matter();
            // Read only when an entry has a problem to point at.
            let mut outline = None;
            for (i, target) in page.front.related.iter().enumerate() {
                let (path, _) = split_fragment(target);
                let at = |outline: &mut Option<crate::yaml::Outline>| {
                    let outline = outline.get_or_insert_with(|| document.outline());
                    outline.value(&["related", &i.to_string()]).unwrap_or_else(|| document.key_span("related"))
                };
                // In a translation, `../x.md` is the same language's version when there is one.
                let full = resolve(page.link_base(), path).map(|full| {
                    match (page.lang, translated_path(&full, &config.languages[page.lang].code)) {
                        (lang, Some(own)) if lang > 0 && index.contains_key(own.as_path()) => own,
                        _ => full,
                    }
                });
                let problem = match full {
                    Some(full) if index.get(full.as_path()) == Some(&me) => Some(
                        Diagnostic::warning(&page.path, format!("`related` entry `{target}` is this page itself"))
                            .with_hint("list other pages under `related`; remove this entry"),
                    ),
                    Some(full) if related.contains(&index.get(full.as_path()).copied().unwrap_or(usize::MAX)) => Some(
                        Diagnostic::warning(&page.path, format!("`related` lists `{target}` a second time"))
                            .with_hint("each related page is shown once; remove this entry"),
                    ),
                    Some(full) if index.contains_key(full.as_path()) => {
                        related.push(index[full.as_path()]);
                        None
                    }
                    Some(full) if self.failed.contains(&full) => None,
                    Some(full) if self.drafts.contains(&full) => Some(
                        Diagnostic::error(&page.path, format!("`related` entry `{target}` is a draft"))
                            .with_hint("publish that page first (remove `draft: true` from it, or from its topic or the page it translates), or remove it from `related`"),
                    ),
                    _ => Some(self.missing_page(&document, target, page.link_base(), &index)),
                };
                if let Some(problem) = problem {
                    problems.push(problem.at(document.file, at(&mut outline)));
                }
            }
            resolved.push(related);
        }
        for (page, related) in self.pages.iter_mut().zip(resolved) {
            page.related = related;
        }
    }

    fn missing_page(
        &self,
        document: &crate::yaml::Document<'_>,
        target: &str,
        base: &Path,
        index: &HashMap<&Path, usize>,
    ) -> Diagnostic {
        let candidates: Vec<String> = index.keys().filter_map(|p| relative_to(p, base)).collect();
        let hint = match did_you_mean(target, candidates.iter().map(String::as_str)) {
            Some(best) => format!("did you mean `{best}`? Paths are relative to this file"),
            None => "give the path of another article relative to this file, e.g. `../topic/article.md`".to_owned(),
        };
        Diagnostic::error(document.path, format!("`related` entry `{target}` is not a page of this site"))
            .with_hint(hint)
    }

    /// Every source file (topics and pages) with its permalink, for link resolution.
    pub fn link_targets(&self, config: &Config) -> HashMap<PathBuf, Permalink> {
        let mut targets = HashMap::new();
        for topic in self.sections() {
            targets.insert(topic.path.clone(), topic.permalink.clone());
        }
        for page in &self.pages {
            targets.insert(page.path.clone(), page.permalink.clone());
        }
        // A file that failed to parse is still a page: links to it resolve (to where it
        // would be), so its one error is not repeated in every file that links to it.
        for path in &self.failed {
            targets.entry(path.clone()).or_insert_with(|| permalink_from_path(config, path));
        }
        targets
    }

    /// The chain of topics from the top level down to `topic`.
    pub fn ancestry(&self, topic: Option<usize>) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut current = topic;
        while let Some(t) = current {
            chain.push(t);
            current = self.topics[t].parent;
        }
        chain.reverse();
        chain
    }
}

/// Splits `path#fragment`.
pub fn split_fragment(link: &str) -> (&str, Option<&str>) {
    match link.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (link, None),
    }
}

pub use crate::sitepath::resolve_file as resolve;

/// `path` written relative to folder `base`, if it can be.
pub fn relative_to(path: &Path, base: &Path) -> Option<String> {
    let mut up = String::new();
    let mut ancestor = base;
    loop {
        if let Ok(rest) = path.strip_prefix(ancestor) {
            return Some(format!("{up}{}", crate::diagnostic::display_path(rest)));
        }
        ancestor = ancestor.parent()?;
        up.push_str("../");
    }
}

/// Where a file would be published judging by its path alone (no `slug`), for files that
/// failed to parse.
fn permalink_from_path(config: &Config, path: &Path) -> Permalink {
    let (lang, original) = language_of(path, config).unwrap_or((0, path.to_path_buf()));
    let home = Permalink::from_site_path(&config.languages[lang].prefix);
    let inside = original.strip_prefix("content").unwrap_or(&original);
    let folder = match inside.file_name().and_then(|n| n.to_str()) {
        Some("_index.md" | "index.md") => inside.parent().unwrap_or(Path::new("")).to_path_buf(),
        _ => inside.with_extension(""),
    };
    folder
        .components()
        .fold(home, |permalink, part| permalink.child(&page::slugify(&part.as_os_str().to_string_lossy())))
}

/// The language of a content file from its name, and the file it translates:
/// `x.es.md` is the `es` version of `x.md` when `es` is one of the site's languages.
/// A suffix that looks like a language code but names none of them (or names the default
/// language) is an error: the file would otherwise be published as a page `x.fr`.
fn language_of(rel: &Path, config: &Config) -> Result<(usize, PathBuf), Diagnostic> {
    let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let Some((base, code)) = name.strip_suffix(".md").and_then(|stem| stem.rsplit_once('.')) else {
        return Ok((0, rel.to_path_buf()));
    };
    let original = rel.with_file_name(format!("{base}.md"));
    match config.language_index(code) {
        Some(0) => Err(Diagnostic::error(
            rel,
            format!("`{code}` is the site's default language, so its files have no language suffix"),
        )
        .with_hint(format!("rename the file `{base}.md`"))),
        Some(lang) => Ok((lang, original)),
        None if looks_like_language_code(code) => {
            let known: Vec<&str> = config.languages[1..].iter().map(|l| l.code.as_str()).collect();
            let same = known.iter().find(|k| k.eq_ignore_ascii_case(code));
            let hint = match same {
                Some(same) => format!("language codes are written as in site.yaml: rename it `{base}.{same}.md`"),
                None => format!(
                    "add `{code}` under `languages:` in site.yaml to publish it as a translation of `{base}.md`, \
                     or rename the file without the `.{code}` (file names may not end in a language code)"
                ),
            };
            Err(Diagnostic::error(rel, format!("`.{code}.md`: `{code}` is not one of the site's languages"))
                .with_hint(hint))
        }
        None => Ok((0, rel.to_path_buf())),
    }
}

/// A suffix a file name could mean as a language: a language tag whose primary subtag is
/// an ISO 639 code (`fr`, `pt-BR`, `zh-Hant`; not `js` of `node.js.md`).
fn looks_like_language_code(text: &str) -> bool {
    crate::config::is_language_tag(text) && crate::config::iso_language(text).is_some()
}

/// `x.md`'s version in the language `code`: `x.<code>.md` (`_index.md`, `index.md` alike).
/// `None` for a file that is not Markdown.
pub fn translated_path(original: &Path, code: &str) -> Option<PathBuf> {
    let stem = original.file_name()?.to_str()?.strip_suffix(".md")?;
    Some(original.with_file_name(format!("{stem}.{code}.md")))
}

/// The error for a translation whose topic folder has no version in its language.
fn untranslated_topic(config: &Config, path: &Path, topic_dir: &Path, lang: usize) -> Diagnostic {
    let language = &config.languages[lang];
    let index = topic_dir.join(format!("_index.{}.md", language.code));
    Diagnostic::error(
        path,
        format!(
            "this `{}` translation is in the topic `{}`, which has no `{}` version, so it has no place in that language's navigation",
            language.code,
            display_path(topic_dir),
            language.code
        ),
    )
    .with_hint(format!("translate the topic first: create `{}` with its `title:` and `description:`", display_path(&index)))
}

/// The home page of a language whose `content/_index.<code>.md` does not exist: its title
/// and description from site.yaml, no text.
fn generated_home(config: &Config, lang: usize) -> Topic {
    let language = &config.languages[lang];
    let path = PathBuf::from(format!("content/_index.{}.md", language.code));
    let front = FrontMatter {
        title: language.title.clone(),
        description: language.description.clone(),
        ..FrontMatter::default()
    };
    Topic {
        path: path.clone(),
        lang,
        original: PathBuf::from("content/_index.md"),
        text: Arc::from(""),
        body_offset: 0,
        front,
        permalink: Permalink::home(),
        parent: None,
        children: Vec::new(),
        pages: Vec::new(),
    }
}

/// Takes every topic and page of a language inside one of its `dirs` out of `topics` and
/// `pages`, adding its path to `into`.
fn leave_out(
    dirs: &[(PathBuf, usize)],
    topics: &mut Vec<Topic>,
    pages: &mut Vec<(PathBuf, Page)>,
    into: &mut Vec<PathBuf>,
) {
    let inside = |path: &Path, lang: usize| dirs.iter().any(|(dir, l)| *l == lang && path.starts_with(dir));
    topics.retain(|topic| {
        !inside(&topic.path, topic.lang) || {
            into.push(topic.path.clone());
            false
        }
    });
    pages.retain(|(_, page)| {
        !inside(&page.path, page.lang) || {
            into.push(page.path.clone());
            false
        }
    });
}

/// The walk's result: content files in order, plus every other file for bundles.
struct Walk {
    /// Every file found (relative to the site root), published or not.
    listed: std::collections::HashSet<PathBuf>,
    files: Vec<Found>,
    /// Markdown files in a folder with no `_index.md` (reported once, for the folder).
    orphans: Vec<PathBuf>,
    others: Vec<(PathBuf, PathBuf)>,
    /// `content/_snippets/*.md`: relative and absolute paths.
    snippets: Vec<(PathBuf, PathBuf)>,
}

impl Walk {
    /// Files inside the bundle folder of `index` (relative to the bundle).
    fn bundle_assets(&self, index: &Path) -> Vec<(PathBuf, PathBuf)> {
        let dir = index.parent().unwrap_or(Path::new(""));
        self.others
            .iter()
            .filter_map(|(rel, abs)| rel.strip_prefix(dir).ok().map(|inner| (abs.clone(), inner.to_path_buf())))
            .collect()
    }
}

pub use crate::error::fs::is_ignored_name;

fn walk(config: &Config, problems: &mut Vec<Diagnostic>) -> Result<Walk, Error> {
    let content = config.content_dir();
    if !content.is_dir() {
        return Err(Error::one(
            Diagnostic::error("content", "the `content/` folder is missing")
                .with_hint("create `content/_index.md` for the home page, then a folder per topic"),
        ));
    }
    let content_rel = PathBuf::from("content");
    let (entries, links) = fs::files_and_links_under(&content)?;
    problems.extend(links.iter().map(|link| fs::skipped_link(&config.root, link)));
    let entries: Vec<(PathBuf, PathBuf)> = entries.into_iter().map(|(rel, abs)| (content_rel.join(rel), abs)).collect();
    let all: std::collections::HashSet<PathBuf> = entries.iter().map(|(rel, _)| rel.clone()).collect();
    let has = |dir: &Path, name: &str| all.contains(&dir.join(name));
    let bundle_dirs: Vec<PathBuf> = entries
        .iter()
        .filter(|(rel, _)| rel.file_name().is_some_and(|n| n == "index.md"))
        .filter_map(|(rel, _)| rel.parent().map(Path::to_path_buf))
        .collect();
    let in_bundle = |rel: &Path| bundle_dirs.iter().any(|dir| rel.starts_with(dir));
    let mut files = Vec::new();
    let mut others = Vec::new();
    let mut missing_index: Vec<PathBuf> = Vec::new();
    let mut orphans = Vec::new();
    let mut snippets = Vec::new();
    let snippets_dir = content_rel.join(SNIPPETS_DIR);
    let mut translations = Vec::new();
    for (rel, abs) in entries {
        let dir = rel.parent().unwrap_or(Path::new("")).to_path_buf();
        let is_markdown = rel.extension().is_some_and(|e| e == "md");
        // Markdown in an article folder, besides its `index.md`, is one of its files.
        let bundle_file =
            in_bundle(&rel) && !rel.file_name().is_some_and(|n| n.to_string_lossy().starts_with("index."));
        let (lang, original) = if is_markdown && !rel.starts_with(&snippets_dir) && !bundle_file {
            match language_of(&rel, config) {
                Ok(found) => found,
                Err(problem) => {
                    problems.push(problem);
                    continue;
                }
            }
        } else {
            (0, rel.clone())
        };
        // A translation is classified by its original's name: `_index.es.md` is a topic.
        let name = original.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if lang > 0 {
            translations.push((rel.clone(), original.clone()));
        }
        if rel.starts_with(&snippets_dir) {
            if dir == snippets_dir && is_markdown {
                snippets.push((rel, abs));
            } else {
                problems.push(
                    Diagnostic::warning(&rel, "this file is not a snippet, and `content/_snippets/` is not published")
                        .with_hint(
                            "a snippet is a Markdown file directly in `content/_snippets/`, e.g. `ec-timings.md`",
                        ),
                );
            }
        } else if name == "_index.md" {
            if lang == 0 && has(&dir, "index.md") {
                problems.push(
                    Diagnostic::error(
                        &rel,
                        "a folder cannot hold both `_index.md` (a topic) and `index.md` (an article)",
                    )
                    .with_hint("keep `_index.md` for a topic, or `index.md` for an article with its images"),
                );
                continue;
            }
            let kind = if dir == content_rel { FileKind::Home } else { FileKind::Topic };
            files.push(Found { rel, abs, kind, lang, original });
        } else if name == "index.md" && dir != content_rel {
            let topic_dir = dir.parent().unwrap_or(Path::new("")).to_path_buf();
            files.push(Found { rel, abs, kind: FileKind::Page { topic_dir, bundle: true }, lang, original });
        } else if in_bundle(&rel) {
            others.push((rel, abs));
        } else if is_markdown {
            if dir != content_rel && !has(&dir, "_index.md") {
                if !missing_index.contains(&dir) {
                    missing_index.push(dir.clone());
                }
                orphans.push(rel);
                continue;
            }
            files.push(Found { rel, abs, kind: FileKind::Page { topic_dir: dir, bundle: false }, lang, original });
        } else {
            problems.push(
                Diagnostic::warning(
                    &rel,
                    "this file is not published: only Markdown and article folders are read here",
                )
                .with_hint("put images beside an article's `index.md` (an article folder), or in `static/`"),
            );
        }
    }
    // A translation needs its original: the original is the page; the translation is its
    // version in another language.
    let originals: std::collections::HashSet<&Path> = files
        .iter()
        .filter(|f| f.lang == 0)
        .map(|f| f.rel.as_path())
        .chain(orphans.iter().map(PathBuf::as_path))
        .collect();
    let mut orphaned_translations = Vec::new();
    for (rel, original) in &translations {
        if originals.contains(original.as_path()) || !files.iter().any(|f| &f.rel == rel) {
            continue;
        }
        let siblings = originals
            .iter()
            .filter(|p| p.parent() == original.parent())
            .filter_map(|p| p.file_name().and_then(|n| n.to_str()));
        let wanted = original.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let hint = match did_you_mean(wanted, siblings) {
            Some(best) => format!("did you mean to translate `{best}`? Name the translation after it"),
            None => format!(
                "a translation is a file beside its original, named after it: write `{}` first, or rename this file",
                display_path(original)
            ),
        };
        problems.push(
            Diagnostic::error(
                rel,
                format!("this is a translation of `{}`, which does not exist", display_path(original)),
            )
            .with_hint(hint),
        );
        orphaned_translations.push(rel.clone());
    }
    files.retain(|f| !orphaned_translations.contains(&f.rel));
    for dir in missing_index {
        let index = dir.join("_index.md");
        problems.push(
            Diagnostic::error(&dir, "this folder holds articles but has no `_index.md`, so it is not a topic")
                .with_hint(format!(
                    "create `{}` with `title:` and `description:`",
                    crate::diagnostic::display_path(&index)
                )),
        );
    }
    orphans.extend(orphaned_translations);
    Ok(Walk { listed: all, files, orphans, others, snippets })
}

/// Reads every snippet; one that cannot be read is an error at its file (and is left
/// out, so its includes report nothing more than a missing snippet would).
fn read_snippets(found: &[(PathBuf, PathBuf)], problems: &mut Vec<Diagnostic>) -> Snippets {
    let mut snippets = Snippets::new();
    for (rel, abs) in found {
        let text = match fs::read(abs).map(|bytes| crate::diagnostic::decode_utf8(&bytes, rel)) {
            Ok(Ok(text)) => text,
            Ok(Err(problem)) => {
                problems.push(problem);
                continue;
            }
            Err(error) => {
                problems.push(Diagnostic::error(rel, error.to_string()));
                continue;
            }
        };
        if text.lines().next().is_some_and(|line| line.trim_end() == "---") {
            let index = crate::diagnostic::LineIndex::new(&text);
            problems.push(
                Diagnostic::error(rel, "a snippet has no front matter: it is included as written")
                    .at_bytes(&index, &text, 0..3)
                    .with_hint("remove the `---` block; a snippet holds only the Markdown to include"),
            );
        }
        let name = rel.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        snippets.insert(name, Snippet { path: rel.clone(), text });
    }
    snippets
}

type Parsed = Result<(Arc<str>, FrontMatter, usize), Vec<Diagnostic>>;

/// A content file's front matter and where its body starts, or what is wrong with it.
type ParsedFrontMatter = Result<(FrontMatter, usize), Vec<Diagnostic>>;

/// Content files kept between loads (for `tend serve`), by source path: each file's text
/// and parsed front matter.
#[derive(Default)]
pub struct FrontMatterCache {
    entries: Kept<KeptFile>,
    /// Which files the next load must read again.
    changed: Changed,
    /// Whether a watcher reports the changes (see [`FrontMatterCache::note_changes`]).
    watched: bool,
    /// Files parsed (rather than reused) by the last load.
    pub parsed: usize,
    /// Files read from disk by the last load.
    pub read: usize,
    /// The last load's walk of `content/`: a load told that only files it listed changed
    /// (and are still files) takes it again instead of listing the folders.
    walk: Option<KeptWalk>,
    /// The content the last load returned (given back by [`FrontMatterCache::keep`]): a
    /// load that finds only bodies changed patches their text into it (see
    /// `Content::patched`).
    content: Option<Content>,
    /// The fingerprint of the settings of the last load (`site.yaml` and the overrides).
    loaded_with: u128,
}

/// A walk of `content/`, with its problems and the settings it depends on.
struct KeptWalk {
    /// [`walk_settings`] when it was made.
    settings: u128,
    walk: Arc<Walk>,
    problems: Vec<Diagnostic>,
}

/// What a walk depends on besides the files: where the site is, and its languages (a
/// file's name says which language it is in).
fn walk_settings(config: &Config) -> u128 {
    Fingerprint::new().text(&format!("{:?} {:?}", config.root, config.languages)).finish()
}

/// Which content files may differ from the text kept for them.
#[derive(Debug, Default)]
enum Changed {
    /// Any of them: read every file.
    #[default]
    Anything,
    /// Only these paths (relative to the site root) and the files inside them.
    Only(BTreeSet<PathBuf>),
}

impl Changed {
    fn includes(&self, rel: &Path) -> bool {
        match self {
            Self::Anything => true,
            Self::Only(paths) => rel.ancestors().any(|dir| paths.contains(dir)),
        }
    }

    /// Whether a walk that found the files `listed` (relative to `root`) would find the
    /// same ones now: every changed path under `content/` is one of them and still a
    /// file, or has a name the walk skips. A folder, a new file, a removed one or a file
    /// become a link means walking again.
    fn leaves(&self, listed: &std::collections::HashSet<PathBuf>, root: &Path) -> bool {
        let Self::Only(paths) = self else {
            return false;
        };
        let content = Path::new("content");
        paths.iter().all(|path| {
            let Ok(inside) = path.strip_prefix(content) else {
                // Outside `content/`, unless it holds it.
                return !content.starts_with(path);
            };
            let skipped = inside.components().any(|part| is_ignored_name(&part.as_os_str().to_string_lossy()));
            skipped
                || (listed.contains(path)
                    && std::fs::symlink_metadata(root.join(path)).is_ok_and(|metadata| metadata.is_file()))
        })
    }
}

impl FrontMatterCache {
    /// Keeps `content`, which the last load returned, so the next load can patch it
    /// instead of building it again.
    pub fn keep(&mut self, content: Content) {
        self.content = Some(content);
    }

    /// Says what changed on disk since the last load: `Some(paths)` (relative to the site
    /// root; a folder stands for everything in it) when a watcher saw every change, `None`
    /// when it may have missed some. Once called, a load reads only the files named since
    /// the last load that succeeded, and takes every other file's text from the cache; a
    /// cache that is never told reads every file on every load.
    pub fn note_changes(&mut self, paths: Option<&BTreeSet<PathBuf>>) {
        self.watched = true;
        match (&mut self.changed, paths) {
            (Changed::Only(pending), Some(paths)) => pending.extend(paths.iter().cloned()),
            (changed, None) => *changed = Changed::Anything,
            (Changed::Anything, Some(_)) => {}
        }
    }
}

/// A file's text and parse, as kept for the next load.
#[derive(Clone)]
struct KeptFile {
    text: Arc<str>,
    requirements: Requirements,
    parsed: ParsedFrontMatter,
}

/// A file's parse, filed for the next load.
struct CacheEntry {
    fingerprint: u128,
    kept: KeptFile,
    fresh: bool,
    read: bool,
}

/// Reads and parses one file; when caching, reuses `previous`'s parse of the same text,
/// and its text too when `changed` says the file was not touched.
fn parse_one(found: &Found, previous: Option<(&Kept<KeptFile>, &Changed)>) -> (Parsed, Option<CacheEntry>) {
    let requirements = match found.kind {
        FileKind::Page { .. } => Requirements::Page,
        FileKind::Home | FileKind::Topic => Requirements::Section,
    };
    let kept = previous.and_then(|(entries, changed)| {
        let (fingerprint, kept) = entries.get(found.rel.as_os_str()).filter(|_| !changed.includes(&found.rel))?;
        Some((*fingerprint, kept))
    });
    if let Some((fingerprint, kept)) = kept {
        // A file can change kind (an `_index.md` appearing beside it) without being
        // touched: then it is parsed again.
        if kept.requirements == requirements {
            let result = kept.parsed.clone().map(|(front, offset)| (kept.text.clone(), front, offset));
            return (result, Some(CacheEntry { fingerprint, kept: kept.clone(), fresh: false, read: false }));
        }
    }
    let text: Arc<str> = match fs::read(&found.abs).map(|bytes| crate::diagnostic::decode_utf8(&bytes, &found.rel)) {
        Ok(Ok(text)) => text.into(),
        Ok(Err(problem)) => return (Err(vec![problem]), None),
        Err(error) => return (Err(vec![Diagnostic::error(&found.rel, error.to_string())]), None),
    };
    let Some((previous, _)) = previous else {
        return (parse_file(&found.rel, &text, requirements).map(|(front, offset)| (text, front, offset)), None);
    };
    let fingerprint = front_matter_fingerprint(found, &text, requirements);
    let (parsed, fresh) = match previous.get(found.rel.as_os_str()).filter(|(old, _)| *old == fingerprint) {
        Some((_, kept)) => (kept.parsed.clone(), false),
        None => (parse_file(&found.rel, &text, requirements), true),
    };
    let result = parsed.clone().map(|(front, offset)| (text.clone(), front, offset));
    (result, Some(CacheEntry { fingerprint, kept: KeptFile { text, requirements, parsed }, fresh, read: true }))
}

/// What a file's parse depends on: its path, its text and whether it is a page or a topic.
fn front_matter_fingerprint(found: &Found, text: &str, requirements: Requirements) -> u128 {
    Fingerprint::new().text(&display_path(&found.rel)).text(text).text(&format!("{requirements:?}")).finish()
}

fn topic(found: &Found, text: Arc<str>, front: FrontMatter, body_offset: usize) -> Topic {
    Topic {
        path: found.rel.clone(),
        lang: found.lang,
        original: found.original.clone(),
        text,
        body_offset,
        front,
        permalink: Permalink::home(),
        parent: None,
        children: Vec::new(),
        pages: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_links() {
        let base = Path::new("content/feelings");
        assert_eq!(resolve(base, "../body/clean.md"), Some(PathBuf::from("content/body/clean.md")));
        assert_eq!(resolve(base, "./low%20mood.md"), Some(PathBuf::from("content/feelings/low mood.md")));
        assert_eq!(resolve(base, "../../../x.md"), None);
        assert_eq!(relative_to(Path::new("content/body/clean.md"), base).as_deref(), Some("../body/clean.md"));
    }

    #[test]
    fn editor_temp_files_are_ignored() {
        for name in [".#a.md", "a.md~", ".a.md.swp", "4913", "#a.md#"] {
            assert!(is_ignored_name(name), "{name}");
        }
        assert!(!is_ignored_name("a.md"));
    }

    // issue 13 (P4): a save of a file the last walk found reuses that walk; anything
    // that could change what a walk finds walks again.
    #[test]
    fn a_walk_is_reused_only_when_the_changed_paths_were_files_it_found() -> std::io::Result<()> {
        let root = tempfile::tempdir()?;
        std::fs::create_dir_all(root.path().join("content/t"))?;
        std::fs::write(root.path().join("content/t/a.md"), "x")?;
        let listed: std::collections::HashSet<PathBuf> = [PathBuf::from("content/t/a.md")].into();
        let leaves =
            |paths: &[&str]| Changed::Only(paths.iter().map(PathBuf::from).collect()).leaves(&listed, root.path());
        assert!(leaves(&[]));
        assert!(leaves(&["content/t/a.md", "site.yaml", "themes/x/base.html", "content/t/.a.md.swp"]));
        assert!(!leaves(&["content/t/b.md"]), "a new file");
        assert!(!leaves(&["content/t"]), "a folder");
        assert!(!leaves(&["content"]));
        assert!(!leaves(&[""]), "the whole site");
        assert!(!Changed::Anything.leaves(&listed, root.path()));
        std::fs::remove_file(root.path().join("content/t/a.md"))?;
        assert!(!leaves(&["content/t/a.md"]), "a removed file");
        Ok(())
    }
}
