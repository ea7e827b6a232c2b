//! `tend check`: everything `tend build` validates, plus the editorial rules, without
//! writing anything.
//!
//! Owns the check run: which files are in scope (`--changed-since`), the facts each rule
//! needs about each Markdown file, and the report. It does not repeat the build's own
//! checks (front matter, `.md` links and anchors, duplicate URLs, templates): [`crate::check()`]
//! runs the build's stages in memory and adds these rules' diagnostics to theirs. One
//! sub-module per noun: `links` (where links and images lead, who claims which URL),
//! `editorial` (headings, alt text, description, references, review dates, readability),
//! `words` (words to avoid), `git` (changed files) and `format` (human, GitHub, JSON).

mod editorial;
mod format;
mod git;
mod links;
mod words;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::config::{Config, Overrides};
use crate::content::{Content, FrontMatter, Permalink};
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Error;
use crate::markdown::Rendered;
use crate::routes::Routes;
use crate::site::RenderedContent;
pub use format::Format;

/// What `tend check` was asked to do.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The site root (holding `site.yaml`).
    pub root: PathBuf,
    /// Settings that override `site.yaml` (`drafts` checks drafts too).
    pub overrides: Overrides,
    /// The date review dates are compared with; the CLI passes the local date.
    pub today: NaiveDate,
    /// A git ref: only files changed since then get the per-file content checks.
    pub changed_since: Option<String>,
}

/// Everything a check found.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// Every problem, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Markdown files whose content was checked.
    pub checked: usize,
    /// Markdown files in the site; 0 when the site did not load far enough to check content.
    pub total: usize,
    /// Wall-clock time.
    pub elapsed: Duration,
}

impl CheckReport {
    /// Sorts `diagnostics` into a report.
    pub(crate) fn new(mut diagnostics: Vec<Diagnostic>, checked: usize, total: usize, started: Instant) -> Self {
        crate::diagnostic::sort(&mut diagnostics);
        Self { diagnostics, checked, total, elapsed: started.elapsed() }
    }

    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    /// One line for the end of the run, e.g. `checked 27 files: 1 error, 3 warnings`.
    pub fn summary(&self) -> String {
        let counts = format!("{}, {}", plural(self.errors(), "error"), plural(self.warnings(), "warning"));
        if self.total == 0 {
            return format!(
                "{counts}; site.yaml did not load, so only the content's front matter and folders were checked"
            );
        }
        let files = if self.checked == self.total {
            plural(self.checked, "file")
        } else {
            format!("{} of {} (the ones changed)", self.checked, plural(self.total, "file"))
        };
        format!("checked {files}: {counts}")
    }
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// Which files get the per-file content checks.
#[derive(Debug, Clone)]
pub(crate) enum Scope {
    /// Every file.
    All,
    /// Only these paths (relative to the root), as git reported them.
    Changed(HashSet<PathBuf>),
}

impl Scope {
    /// Every file, or (with `changed_since`) the files git reports as changed. A changed
    /// `site.yaml` can change every file's result, so it puts every file in scope.
    pub(crate) fn new(options: &CheckOptions) -> Result<Self, Error> {
        let Some(reference) = &options.changed_since else { return Ok(Self::All) };
        let changed = git::changed_files(&options.root, reference)?;
        if changed.contains(Path::new(crate::config::FILE_NAME)) {
            return Ok(Self::All);
        }
        Ok(Self::Changed(changed))
    }

    /// Whether `file` is in scope; an article folder is, when any file in it changed.
    fn includes(&self, file: &SourceFile<'_>) -> bool {
        match self {
            Self::All => true,
            Self::Changed(paths) if file.is_bundle() => {
                let dir = file.path.parent().unwrap_or(Path::new(""));
                paths.iter().any(|p| p.starts_with(dir))
            }
            Self::Changed(paths) => paths.contains(file.path),
        }
    }
}

/// What a Markdown file is, for the rules that apply to only some files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The home page or a topic's `_index.md`.
    Section,
    /// A page inside a topic.
    Article,
    /// A standalone page at the content root (About, Get help).
    Page,
}

/// A Markdown file of the site with what the rules need to know about it.
struct SourceFile<'a> {
    path: &'a Path,
    text: &'a str,
    body_offset: usize,
    link_base: &'a Path,
    front: &'a FrontMatter,
    permalink: &'a Permalink,
    kind: Kind,
    /// Its language's code (`en`, `es`).
    language: &'a str,
    /// For a translation, the file it translates.
    original: Option<&'a Path>,
    /// Line starts, computed on the first diagnostic and shared by the rest.
    lines: std::sync::OnceLock<crate::diagnostic::LineIndex>,
}

impl SourceFile<'_> {
    fn is_bundle(&self) -> bool {
        self.kind != Kind::Section && self.path.file_name().is_some_and(|n| n == "index.md")
    }

    /// A diagnostic at front matter key `key` (or the opening `---` when it is absent).
    fn at_key(&self, severity: Severity, key: &str, message: impl Into<String>) -> Diagnostic {
        let document = crate::content::page::front_matter(self.path, self.text, self.body_offset);
        Diagnostic { severity, ..document.error_at_key(key, message) }
    }

    /// A diagnostic at a byte range of the file.
    fn at_range(&self, severity: Severity, range: std::ops::Range<usize>, message: impl Into<String>) -> Diagnostic {
        let index = self.lines.get_or_init(|| crate::diagnostic::LineIndex::new(self.text));
        Diagnostic { severity, ..Diagnostic::error(self.path, message) }.at_bytes(index, self.text, range)
    }
}

/// Every Markdown file: the home page, then topics, then pages (the order `links` indexes).
fn source_files<'c>(config: &'c Config, content: &'c Content) -> Vec<SourceFile<'c>> {
    let section = |t: &'c crate::content::Topic| -> SourceFile<'c> {
        SourceFile {
            path: &t.path,
            text: &t.text,
            body_offset: t.body_offset,
            link_base: t.link_base(),
            front: &t.front,
            permalink: &t.permalink,
            kind: Kind::Section,
            language: &config.languages[t.lang].code,
            original: (t.lang > 0).then_some(t.original.as_path()),
            lines: std::sync::OnceLock::new(),
        }
    };
    let pages = content.pages.iter().map(|p| SourceFile {
        path: &p.path,
        text: &p.text,
        body_offset: p.body_offset,
        link_base: p.link_base(),
        front: &p.front,
        permalink: &p.permalink,
        kind: if p.topic.is_some() { Kind::Article } else { Kind::Page },
        language: &config.languages[p.lang].code,
        original: (p.lang > 0).then_some(p.original.as_path()),
        lines: std::sync::OnceLock::new(),
    });
    content.sections().map(section).chain(pages).collect()
}

/// What the content checks found, and how many files they looked at.
pub(crate) struct ContentFindings {
    /// Problems, unsorted.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Files in scope.
    pub(crate) checked: usize,
    /// Markdown files in the site.
    pub(crate) total: usize,
}

/// The checks `tend build` does not do. Site-wide ones (links and images resolve, no two
/// sources claim one URL) run on every file, since a change anywhere can break them; the
/// per-file content rules run on the files in `scope`.
pub(crate) fn content(
    config: &Config,
    content: &Content,
    routes: &Routes,
    markdown: &RenderedContent,
    scope: &Scope,
    today: NaiveDate,
) -> ContentFindings {
    let files = source_files(config, content);
    let originals: HashMap<&Path, &SourceFile<'_>> =
        files.iter().filter(|file| file.original.is_none()).map(|file| (file.path, file)).collect();
    let rendered: Vec<&Rendered> = markdown.homes.iter().chain(&markdown.topics).chain(&markdown.pages).collect();
    let published = links::Published::new(routes, content);
    let mut diagnostics = Vec::new();
    let per_file: Vec<(bool, Vec<Diagnostic>)> = files
        .par_iter()
        .zip(&rendered)
        .map(|(file, facts)| {
            let mut found = links::destinations(file, facts, &published, (&files, &rendered), &markdown.images, config);
            // A language's home page made from site.yaml has no file to check.
            let in_scope = scope.includes(file) && !file.text.is_empty();
            // A change to an original can leave its translations behind.
            let original = file.original.and_then(|path| originals.get(path));
            if let Some(original) = original
                && (in_scope || scope.includes(original))
            {
                found.extend(editorial::stale_translation(file, original));
                found.extend(editorial::untranslated(file, original));
            }
            if in_scope {
                found.extend(editorial::check(file, facts, &config.check, today));
                found.extend(words::check(file, facts, &config.check.avoid));
            }
            (in_scope, found)
        })
        .collect();
    let checked = per_file.iter().filter(|(in_scope, _)| *in_scope).count();
    diagnostics.extend(per_file.into_iter().flat_map(|(_, found)| found));
    ContentFindings { diagnostics, checked, total: files.len() }
}
