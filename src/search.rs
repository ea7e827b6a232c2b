//! Search: the Pagefind index, built in-process from the rendered site.
//!
//! Owns what goes into the index and how: one small synthetic document per searchable
//! page (title, description, topic, tags and the rendered Markdown body, never the
//! navigation or footer), the synonym expansion, and a private current-thread tokio
//! runtime so the rest of tend stays synchronous. It returns output files; writing them
//! is [`crate::output`]'s job.
//!
//! Pagefind has no synonyms. tend adds, to the indexed copy of a page only, a
//! low-weight "Related words" paragraph listing the other words of every synonym group
//! the page mentions. A reader who types any word of a group finds the page, and the
//! result's excerpt shows the words that matched. The published page is unchanged.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::{Config, SearchOptions};
use crate::content::{Content, Page};
use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::markdown::Rendered;
use crate::output::{Contents, OutputFile};

/// The folder of the index inside the output.
pub const BUNDLE_DIR: &str = "pagefind";

/// The vocabulary the search page suggests words from ("Did you mean …?"), one word a
/// line, the most used first.
pub const VOCABULARY_FILE: &str = "search/words.txt";

/// Whether an output path is one the indexing thread writes (the index or the vocabulary),
/// which `tend serve` adds to a snapshot after the pages.
pub fn is_index_file(path: &str) -> bool {
    let language_vocabulary = path
        .strip_suffix(VOCABULARY_FILE)
        .and_then(|prefix| prefix.strip_suffix('/'))
        .is_some_and(crate::config::is_language_tag);
    path.starts_with(BUNDLE_DIR) || path == VOCABULARY_FILE || language_vocabulary
}

/// What starts the paragraph of related words in an indexed page.
const RELATED_LABEL: &str = "Related words:";

/// At most this many words go in the vocabulary (the most used; about 8 bytes each).
const VOCABULARY_MAX: usize = 8000;

/// One page as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Site path with a leading slash and without the base path (Pagefind adds it in
    /// the browser from where the bundle is loaded).
    pub url: String,
    /// The synthetic HTML document that is indexed (shared: `tend serve` keeps it
    /// between rebuilds).
    pub html: std::sync::Arc<str>,
    /// The page's language (index into [`Config::languages`]): Pagefind keeps an index per
    /// language, and each language's search page searches its own.
    pub lang: usize,
}

/// Whether a page belongs in the index.
pub fn is_searchable(options: &SearchOptions, page: &Page) -> bool {
    let url = format!("/{}", page.permalink.as_str());
    page.front.search != Some(false) && !options.exclude.iter().any(|prefix| url.starts_with(prefix.as_str()))
}

/// The records for every searchable page.
pub fn records(config: &Config, content: &Content, rendered: &[Rendered]) -> Vec<Record> {
    let synonyms = Synonyms::for_languages(config);
    content
        .pages
        .par_iter()
        .zip(rendered)
        .filter_map(|(page, rendered)| record(config, content, page, rendered, &synonyms[page.lang]))
        .collect()
}

/// The record for one page, or `None` when it stays out of the index.
pub fn record(
    config: &Config,
    content: &Content,
    page: &Page,
    rendered: &Rendered,
    synonyms: &Synonyms<'_>,
) -> Option<Record> {
    if !is_searchable(&config.search, page) {
        return None;
    }
    let topic = page.topic.map(|t| content.topics[t].front.title.as_str());
    let language = &config.languages[page.lang].code;
    Some(Record {
        url: format!("/{}", page.permalink.as_str()),
        html: document(page, language, topic, rendered, synonyms).into(),
        lang: page.lang,
    })
}

/// The search index being built on a thread of its own (see [`Indexer::start`]).
pub struct Indexer {
    thread: std::thread::JoinHandle<Option<Result<Index, Error>>>,
}

/// A built (or reused) search index.
#[derive(Debug, Default)]
pub struct Index {
    /// Its files under `pagefind/`.
    pub files: Vec<OutputFile>,
    /// What it was built from and what it holds (for the output folder's marker), so the
    /// next build can reuse it; `None` when search is off.
    pub stamp: Option<String>,
    /// Whether the previous build's index was reused.
    pub reused: bool,
}

impl Indexer {
    /// Starts a thread that indexes the records sent to the returned channel. When the
    /// channel closes with nothing sent (the build failed first), the thread ends at once.
    ///
    /// The published folder `previous` is looked at first: when its marker says its index
    /// was built from exactly these records (same text, URLs, language, tend and
    /// dependencies) and its index files are intact, they are reused instead of rebuilt.
    /// A theme, template or stylesheet change leaves the records alone, so such rebuilds
    /// skip Pagefind entirely.
    pub fn start(config: &Config, previous: &crate::OutputDir) -> (std::sync::mpsc::SyncSender<Vec<Record>>, Self) {
        let (records, received) = std::sync::mpsc::sync_channel(1);
        let config = config.clone();
        let previous = previous.search_stamp().map(|stamp| (stamp, previous.path().join(BUNDLE_DIR)));
        let thread =
            std::thread::spawn(move || received.recv().ok().map(|records| build_or_reuse(&config, records, previous)));
        (records, Self { thread })
    }

    /// Waits for the index.
    pub fn finish(self) -> Result<Index, Error> {
        match self.thread.join() {
            Ok(Some(result)) => result,
            Ok(None) => Ok(Index::default()),
            Err(_) => Err(failed("the indexing thread stopped unexpectedly".into())),
        }
    }
}

fn build_or_reuse(config: &Config, records: Vec<Record>, previous: Option<(String, PathBuf)>) -> Result<Index, Error> {
    if !config.search.enabled {
        return Ok(Index::default());
    }
    let inputs = format!("{:032x}", inputs_fingerprint(config, &records));
    if let Some((stamp, dir)) = previous
        && let Some((inputs_before, files_before)) = stamp.split_once(' ')
        && inputs_before == inputs
        && let Some(mut files) = intact_files(&dir, files_before)
    {
        files.extend(vocabulary_files(config, &records));
        return Ok(Index { files, stamp: Some(stamp), reused: true });
    }
    let vocabulary = vocabulary_files(config, &records);
    let mut files = index(config, records)?;
    let digest = files_digest(files.iter().filter_map(|file| match &file.contents {
        Contents::Bytes(bytes) => Some((crate::diagnostic::display_path(&file.path), bytes.as_ref())),
        Contents::Copy(_) => None,
    }));
    files.extend(vocabulary);
    Ok(Index { files, stamp: Some(format!("{inputs} {digest:032x}")), reused: false })
}

/// Everything Pagefind's output depends on: the records, the language, and the versions
/// of tend and of every dependency (Pagefind's among them).
fn inputs_fingerprint(config: &Config, records: &[Record]) -> u128 {
    let mut fingerprint = crate::fingerprint::Fingerprint::new();
    // Bump INDEX_FORMAT when `index` changes how it calls Pagefind.
    const INDEX_FORMAT: &str = "tend-pagefind-2";
    fingerprint.text(INDEX_FORMAT).text(env!("CARGO_PKG_VERSION")).text(include_str!("../Cargo.lock"));
    fingerprint.text(&config.language).value(&config.languages.len());
    for record in records {
        fingerprint.text(&record.url).text(&record.html);
    }
    fingerprint.finish()
}

/// The previous index's files, if they are all there with the bytes the stamp records.
fn intact_files(dir: &std::path::Path, digest: &str) -> Option<Vec<OutputFile>> {
    let found = crate::error::fs::files_under(dir).ok()?;
    let mut contents = Vec::with_capacity(found.len());
    for (rel, abs) in &found {
        contents
            .push((crate::diagnostic::display_path(&PathBuf::from(BUNDLE_DIR).join(rel)), std::fs::read(abs).ok()?));
    }
    let actual = files_digest(contents.iter().map(|(path, bytes)| (path.clone(), bytes.as_slice())));
    (format!("{actual:032x}") == digest).then(|| {
        found
            .into_iter()
            .map(|(rel, abs)| OutputFile { path: PathBuf::from(BUNDLE_DIR).join(rel), contents: Contents::Copy(abs) })
            .collect()
    })
}

/// A fingerprint of index files (path and bytes), in path order.
fn files_digest<'a>(files: impl Iterator<Item = (String, &'a [u8])>) -> u128 {
    let mut files: Vec<(String, &[u8])> = files.collect();
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut fingerprint = crate::fingerprint::Fingerprint::new();
    for (path, bytes) in files {
        fingerprint.text(&path).bytes(bytes);
    }
    fingerprint.finish()
}

fn failed(message: String) -> Error {
    Error::one(
        Diagnostic::error(crate::config::FILE_NAME, format!("the search index could not be built: {message}"))
            .with_hint("set `search: {enabled: false}` in site.yaml to build without search, and report this"),
    )
}

/// Builds the index for `records` and returns its files under `pagefind/`.
pub fn index(config: &Config, records: Vec<Record>) -> Result<Vec<OutputFile>, Error> {
    if !config.search.enabled {
        return Ok(Vec::new());
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|error| failed(format!("no async runtime: {error}")))?;
    // One language: every page in its index, whatever a page says. Several: Pagefind reads
    // each document's `<html lang>` and keeps an index per language.
    let forced = (config.languages.len() == 1).then(|| config.language.split('-').next().unwrap_or("en").to_owned());
    let files = runtime.block_on(async move {
        let builder = pagefind::options::PagefindServiceConfig::builder();
        let options = match forced {
            Some(language) => builder.force_language(language).build(),
            None => builder.build(),
        };
        let mut index = pagefind::api::PagefindIndex::new(Some(options)).map_err(|e| e.to_string())?;
        let pages = records.into_iter().map(|record| (record.url, record.html.to_string())).collect();
        index.add_html_files(pages).await.map_err(|e| e.to_string())?;
        index.into_files().await.map_err(|e| e.to_string())
    });
    let files = files.map_err(failed)?;
    Ok(files
        .into_iter()
        .filter(|file| !is_unused_ui(&file.filename))
        .map(|file| OutputFile {
            path: PathBuf::from(BUNDLE_DIR).join(file.filename),
            contents: Contents::Bytes(file.contents.into()),
        })
        .collect())
}

/// Each language's vocabulary as its [`VOCABULARY_FILE`] (`search/words.txt`,
/// `es/search/words.txt`; see [`vocabulary`]).
pub fn vocabulary_files(config: &Config, records: &[Record]) -> Vec<OutputFile> {
    config
        .languages
        .iter()
        .enumerate()
        .map(|(lang, language)| {
            let of_language: Vec<&Record> = records.iter().filter(|record| record.lang == lang).collect();
            let mut text = vocabulary(of_language.into_iter()).join("\n");
            text.push('\n');
            OutputFile {
                path: PathBuf::from(format!("{}{VOCABULARY_FILE}", language.prefix)),
                contents: Contents::Bytes(text.into_bytes().into()),
            }
        })
        .collect()
}

/// The words a misspelled query may have meant: lower-cased words of 4 to 24 letters from
/// the indexed pages (titles, descriptions, headings, tags, bodies and related words) that
/// are on at least two pages or in a title or heading, the most used first (by pages, then
/// alphabetically), at most 8,000. Words on one page only are mostly names and
/// rare forms, and leaving them out keeps the file small.
pub fn vocabulary<'r>(records: impl Iterator<Item = &'r Record>) -> Vec<String> {
    // word → (pages, in a title or heading)
    let mut words: std::collections::HashMap<String, (usize, bool)> = std::collections::HashMap::new();
    for record in records {
        let mut seen: std::collections::HashMap<String, bool> = std::collections::HashMap::new();
        for (word, heading) in words_of(&record.html) {
            let entry = seen.entry(word).or_default();
            *entry |= heading;
        }
        for (word, heading) in seen {
            let entry = words.entry(word).or_default();
            entry.0 += 1;
            entry.1 |= heading;
        }
    }
    let mut kept: Vec<(String, usize)> =
        words.into_iter().filter(|(_, (pages, heading))| *pages >= 2 || *heading).map(|(w, (n, _))| (w, n)).collect();
    kept.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    kept.truncate(VOCABULARY_MAX);
    kept.into_iter().map(|(word, _)| word).collect()
}

/// The words of an indexed document's text, each with whether it is inside a heading
/// (`h1`…`h6`, the title among them). Tags, elements Pagefind ignores
/// (`data-pagefind-ignore`) and tend's own "Related words:" label are skipped; entities
/// break words; "partner's" is "partner".
fn words_of(html: &str) -> Vec<(String, bool)> {
    let html = html.replace(&format!(">{RELATED_LABEL} "), ">");
    let mut out = Vec::new();
    let mut word = String::new();
    let mut heading = 0usize;
    // The element being skipped and how deep in elements of its name we are.
    let mut ignored: Option<(String, usize)> = None;
    let mut rest = html.as_str();
    let flush = |word: &mut String, keep: bool, heading: bool, out: &mut Vec<(String, bool)>| {
        if keep && (4..=24).contains(&word.chars().count()) {
            out.push((word.to_lowercase(), heading));
        }
        word.clear();
    };
    while let Some(c) = rest.chars().next() {
        let keep = ignored.is_none();
        match c {
            '<' => {
                flush(&mut word, keep, heading > 0, &mut out);
                let end = rest.find('>').map_or(rest.len(), |i| i + 1);
                let tag = &rest[..end];
                let closing = tag.starts_with("</");
                let name: String =
                    tag.trim_start_matches(['<', '/']).chars().take_while(char::is_ascii_alphanumeric).collect();
                if let Some((skipped, depth)) = &mut ignored {
                    if *skipped == name {
                        if closing {
                            *depth -= 1;
                        } else if !tag.ends_with("/>") {
                            *depth += 1;
                        }
                    }
                    if *depth == 0 {
                        ignored = None;
                    }
                } else if !closing && tag.contains("data-pagefind-ignore") && !tag.ends_with("/>") {
                    ignored = Some((name.clone(), 1));
                }
                if matches!(name.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
                    heading = if closing { heading.saturating_sub(1) } else { heading + 1 };
                }
                rest = &rest[end..];
            }
            '&' => {
                flush(&mut word, keep, heading > 0, &mut out);
                let end = rest.find(';').filter(|&i| i <= 10).map_or(1, |i| i + 1);
                rest = &rest[end..];
            }
            '\'' | '’' if !word.is_empty() => {
                flush(&mut word, keep, heading > 0, &mut out);
                let after = &rest[c.len_utf8()..];
                rest = &after[after.find(|ch: char| !ch.is_alphabetic()).unwrap_or(after.len())..];
            }
            c if c.is_alphabetic() => {
                word.push(c);
                rest = &rest[c.len_utf8()..];
            }
            c => {
                flush(&mut word, keep, heading > 0, &mut out);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    flush(&mut word, ignored.is_none(), heading > 0, &mut out);
    out
}

/// Pagefind's ready-made search interfaces. tend's themes drive `pagefind.js` directly
/// (`search.js`), so these ~430 KB are never loaded: publishing them would only cost
/// every build their writes and every deploy their bytes.
const UNUSED_UI: [&str; 7] = [
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
];

fn is_unused_ui(path: &std::path::Path) -> bool {
    path.to_str().is_some_and(|name| UNUSED_UI.contains(&name))
}

/// The indexed document for one page: metadata and filters as Pagefind attributes,
/// the body with its heading ids (for sub-results), and the related words.
fn document(page: &Page, language: &str, topic: Option<&str>, rendered: &Rendered, synonyms: &Synonyms) -> String {
    let front = &page.front;
    let escape = |text: &str| quick_xml::escape::escape(text).into_owned();
    let mut html = String::with_capacity(rendered.html.len() + 512);
    html.push_str(&format!("<html lang=\"{}\"><head><title>", escape(language)));
    html.push_str(&escape(&front.title));
    html.push_str("</title></head><body data-pagefind-body>");
    html.push_str(&format!(
        "<h1 data-pagefind-meta=\"title\" data-pagefind-weight=\"7\">{}</h1>",
        escape(&front.title)
    ));
    html.push_str(&format!(
        "<p data-pagefind-meta=\"description\" data-pagefind-weight=\"2\">{}</p>",
        escape(&front.description)
    ));
    if let Some(topic) = topic {
        html.push_str(&format!(
            "<p data-pagefind-ignore><span data-pagefind-filter=\"topic\" data-pagefind-meta=\"topic\">{}</span></p>",
            escape(topic)
        ));
    }
    for tag in &front.tags {
        html.push_str(&format!("<span data-pagefind-filter=\"tag\" data-pagefind-ignore>{}</span>", escape(tag)));
    }
    html.push_str(&rendered.html);
    let haystack = format!("{} {} {} {}", front.title, front.description, front.tags.join(" "), rendered.plain_text);
    let related = synonyms.related(&haystack);
    if !related.is_empty() {
        html.push_str(&format!("<p data-pagefind-weight=\"0.5\">{RELATED_LABEL} {}.</p>", escape(&related.join(", "))));
    }
    html.push_str("</body></html>");
    html
}

/// Synonym groups, lowercased for matching.
/// The site's synonym groups, lowercased once.
pub struct Synonyms<'a> {
    groups: Vec<(Vec<String>, &'a [String])>,
}

impl<'a> Synonyms<'a> {
    /// Prepares `groups` (from `search.synonyms`).
    pub fn new(groups: &'a [Vec<String>]) -> Self {
        Self {
            groups: groups
                .iter()
                .map(|group| (group.iter().map(|term| term.to_lowercase()).collect(), group.as_slice()))
                .collect(),
        }
    }

    /// Each language's synonyms, in [`Config::languages`] order.
    pub fn for_languages(config: &'a Config) -> Vec<Self> {
        config.languages.iter().map(|language| Self::new(&language.synonyms)).collect()
    }

    /// The words of every group that `text` mentions, minus the words it already has.
    fn related(&self, text: &str) -> Vec<&'a str> {
        let text = normalise(text);
        let mut related: BTreeMap<&str, ()> = BTreeMap::new();
        for (lower, original) in &self.groups {
            let present: Vec<bool> = lower.iter().map(|term| contains_word(&text, &normalise(term))).collect();
            if present.contains(&true) {
                for (term, here) in original.iter().zip(present) {
                    if !here {
                        related.insert(term.as_str(), ());
                    }
                }
            }
        }
        related.into_keys().collect()
    }
}

/// Lowercase with runs of anything but letters and digits folded to one space, padded,
/// so that whole words and phrases can be found with a plain substring search.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

fn contains_word(normalised_text: &str, normalised_term: &str) -> bool {
    !normalised_term.trim().is_empty() && normalised_text.contains(normalised_term)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups() -> Vec<Vec<String>> {
        vec![
            vec!["post-coital dysphoria".into(), "PCD".into(), "post-sex blues".into()],
            vec!["cuddle".into(), "hug".into()],
        ]
    }

    #[test]
    fn synonyms_map_both_ways() {
        let groups = groups();
        let synonyms = Synonyms::new(&groups);
        assert_eq!(synonyms.related("Some people get PCD."), ["post-coital dysphoria", "post-sex blues"]);
        assert_eq!(synonyms.related("Post-coital dysphoria is common"), ["PCD", "post-sex blues"]);
        assert_eq!(synonyms.related("A long HUG helps"), ["cuddle"]);
    }

    #[test]
    fn synonyms_match_whole_words_only() {
        let groups = groups();
        let synonyms = Synonyms::new(&groups);
        assert!(synonyms.related("hugely upcoming pcds").is_empty());
    }
}
