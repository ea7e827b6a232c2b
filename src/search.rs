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

/// One page as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Site path with a leading slash and without the base path (Pagefind adds it in
    /// the browser from where the bundle is loaded).
    pub url: String,
    /// The synthetic HTML document that is indexed (shared: `tend serve` keeps it
    /// between rebuilds).
    pub html: std::sync::Arc<str>,
}

/// Whether a page belongs in the index.
pub fn is_searchable(options: &SearchOptions, page: &Page) -> bool {
    let url = format!("/{}", page.permalink.as_str());
    page.front.search != Some(false) && !options.exclude.iter().any(|prefix| url.starts_with(prefix.as_str()))
}

/// The records for every searchable page.
pub fn records(config: &Config, content: &Content, rendered: &[Rendered]) -> Vec<Record> {
    let synonyms = Synonyms::new(&config.search.synonyms);
    content
        .pages
        .par_iter()
        .zip(rendered)
        .filter_map(|(page, rendered)| record(config, content, page, rendered, &synonyms))
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
    Some(Record {
        url: format!("/{}", page.permalink.as_str()),
        html: document(page, topic, rendered, synonyms).into(),
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
        && let Some(files) = intact_files(&dir, files_before)
    {
        return Ok(Index { files, stamp: Some(stamp), reused: true });
    }
    let files = index(config, records)?;
    let digest = files_digest(files.iter().filter_map(|file| match &file.contents {
        Contents::Bytes(bytes) => Some((crate::diagnostic::display_path(&file.path), bytes.as_ref())),
        Contents::Copy(_) => None,
    }));
    Ok(Index { files, stamp: Some(format!("{inputs} {digest:032x}")), reused: false })
}

/// Everything Pagefind's output depends on: the records, the language, and the versions
/// of tend and of every dependency (Pagefind's among them).
fn inputs_fingerprint(config: &Config, records: &[Record]) -> u128 {
    let mut fingerprint = crate::fingerprint::Fingerprint::new();
    // Bump INDEX_FORMAT when `index` changes how it calls Pagefind.
    const INDEX_FORMAT: &str = "tend-pagefind-2";
    fingerprint.text(INDEX_FORMAT).text(env!("CARGO_PKG_VERSION")).text(include_str!("../Cargo.lock"));
    fingerprint.text(&config.language);
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
    let language = config.language.split('-').next().unwrap_or("en").to_owned();
    let files = runtime.block_on(async move {
        let options = pagefind::options::PagefindServiceConfig::builder().force_language(language).build();
        let mut index = pagefind::api::PagefindIndex::new(Some(options)).map_err(|e| e.to_string())?;
        for record in records {
            index.add_html_file(None, Some(record.url), record.html.to_string()).await.map_err(|e| e.to_string())?;
        }
        index.get_files().await.map_err(|e| e.to_string())
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
fn document(page: &Page, topic: Option<&str>, rendered: &Rendered, synonyms: &Synonyms) -> String {
    let front = &page.front;
    let escape = |text: &str| quick_xml::escape::escape(text).into_owned();
    let mut html = String::with_capacity(rendered.html.len() + 512);
    html.push_str("<html><head><title>");
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
        html.push_str(&format!("<p data-pagefind-weight=\"0.5\">Related words: {}.</p>", escape(&related.join(", "))));
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
