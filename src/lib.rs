//! `tend`: a static site generator for evidence-based guides.
//!
//! Markdown articles with YAML front matter in `content/`, a theme in `themes/`, and
//! `site.yaml` go in; a complete, themed static website comes out. The pipeline is
//! [`build`]: load → parse → render → write, each stage taking the previous stage's
//! value by reference. See `ARCHITECTURE.md` for where each stage lives.

pub mod cache;
pub mod check;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod error;
pub mod fingerprint;
pub mod images;
pub mod init;
pub mod markdown;
pub mod new;
pub mod output;
pub mod readability;
pub mod routes;
pub mod search;
pub mod serve;
pub mod site;
pub mod sitepath;
pub mod theme;
pub mod watch;
mod yaml;

use std::path::PathBuf;
use std::time::{Duration, Instant};

pub use cache::RenderCache;
pub use config::{Config, Overrides};
pub use content::Content;
pub use diagnostic::{Diagnostic, Severity};
pub use error::Error;
pub use fingerprint::CacheStats;
pub use output::OutputDir;
pub use routes::Routes;
pub use site::{Inputs, Site};
pub use theme::Theme;

/// What `tend build` was asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site root (holding `site.yaml`).
    pub root: PathBuf,
    /// Where to publish; relative paths are relative to the root.
    pub output: PathBuf,
    /// Settings that override `site.yaml`.
    pub overrides: Overrides,
}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct Report {
    /// Articles and root pages.
    pub pages: usize,
    /// Topics.
    pub topics: usize,
    /// Tags.
    pub tags: usize,
    /// Languages.
    pub languages: usize,
    /// Files in the output.
    pub files: usize,
    /// Files unchanged since the previous build.
    pub unchanged: usize,
    /// Problems that did not fail the build.
    pub warnings: Vec<Diagnostic>,
    /// Wall-clock time.
    pub elapsed: Duration,
    /// Whether the search index was taken over from the previous build, whose pages had
    /// the same searchable text.
    pub search_index_reused: bool,
    /// Where the time went.
    pub stages: Stages,
}

/// Wall-clock time of each stage of a build.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stages {
    /// Load, parse and render.
    pub render: Duration,
    /// Waiting for the search index once the pages were rendered and written (it is built
    /// on its own thread alongside both, so this is only the part that did not overlap).
    pub search: Duration,
    /// Writing and swapping in the output (the pages are written while the index is
    /// still being built).
    pub publish: Duration,
}

/// "31 pages in 10 topics (2 languages, 69 tags": how `build` and `serve` count a site
/// (the caller closes the parenthesis after its own counts).
pub fn counted(pages: usize, topics: usize, languages: usize, tags: usize) -> String {
    let languages = if languages > 1 { format!("{languages} languages, ") } else { String::new() };
    format!("{pages} pages in {topics} topics ({languages}{tags} tags")
}

/// Builds the site at `options.root` into `options.output`.
pub fn build(options: &BuildOptions) -> Result<Report, Error> {
    let started = Instant::now();
    let output = OutputDir::resolve(&options.root, &options.output)?;
    let _lock = output.lock()?;
    let (config, theme, content) = load(options)?;
    let routes = Routes::new(&config, Some(&theme), &content)?;
    let inputs = Inputs { config: &config, theme: &theme, content: &content, routes: &routes };
    // Pagefind indexes on one core: give it the records as soon as the Markdown is
    // rendered, and render the templates on the other cores meanwhile.
    let (records, indexer) = search::Indexer::start(&config, &output);
    let mut site = Site::render_sending_records(inputs, records)?;
    site.warnings.extend(theme.manifest.check_extra(&config, Severity::Warning));
    site.warnings.extend(theme.check_languages(&config));
    site.warnings.extend(routes.check_extra_paths(&config, Severity::Warning));
    let rendered = started.elapsed();
    // Write the pages while Pagefind is still indexing, and let go of them before its
    // largest allocations; then add the index and swap the folder in.
    let mut staging = output.stage()?;
    staging.write(std::mem::take(&mut site.files))?;
    // The sources, routes and templates are not needed any more either.
    drop((content, routes, theme));
    let staged = started.elapsed();
    let search_index = indexer.finish()?;
    let indexed = started.elapsed();
    staging.write(search_index.files)?;
    let written = staging.publish(search_index.stamp.as_deref())?;
    let publish = (staged - rendered) + (started.elapsed() - indexed);
    Ok(Report {
        pages: site.page_count,
        topics: site.topic_count,
        tags: site.tag_count,
        languages: site.language_count,
        files: written.files,
        unchanged: written.unchanged,
        warnings: site.warnings,
        elapsed: started.elapsed(),
        search_index_reused: search_index.reused,
        stages: Stages { render: rendered, search: indexed - staged, publish },
    })
}

/// Checks the site at `options.root` without writing anything: every problem `build`
/// would report, plus the editorial rules of [`check`](mod@check). Problems go in the
/// report; `Err` means the check could not run (I/O, a bad `--changed-since` ref).
pub fn check(options: &check::CheckOptions) -> Result<check::CheckReport, Error> {
    let started = Instant::now();
    let scope = check::Scope::new(options)?;
    let report = |problems| Ok(check::CheckReport::new(problems, 0, 0, started));
    // Broken links stay errors in `check` whatever site.yaml says, unless asked otherwise.
    let overrides = Overrides { links: Some(options.overrides.links.unwrap_or_default()), ..options.overrides.clone() };
    let config = match load_config(&options.root, &overrides) {
        Ok(config) => config,
        Err(Error::Site(problems)) => return report(problems),
        Err(error) => return Err(error),
    };
    // Every stage that can run does, so one run reports every problem in every file: a
    // broken theme still lets the content be checked, a broken file still lets the others.
    let (theme, content) = rayon::join(|| Theme::load(&config), || Content::load(&config));
    let mut problems = Vec::new();
    let theme = match theme {
        Ok(theme) => Some(theme),
        Err(Error::Site(found)) => {
            problems.extend(found);
            None
        }
        Err(error) => return Err(error),
    };
    let content = match content {
        Ok(content) => content,
        Err(Error::Site(found)) => {
            problems.extend(found);
            return report(problems);
        }
        Err(error) => return Err(error),
    };
    let config = match &theme {
        Some(theme) => Config { extra: theme.manifest.merge_extra(&config.extra), ..config },
        None => config,
    };
    let routes = Routes::new(&config, theme.as_ref(), &content)?;
    let strings = match &theme {
        Some(theme) => std::sync::Arc::clone(&theme.strings),
        None => std::sync::Arc::new(theme::Strings::builtin(&config.language)),
    };
    let markdown = site::RenderedContent::render(&config, &content, &routes, &strings);
    problems.extend(content.problems.iter().cloned());
    problems.extend(routes.problems.iter().cloned());
    problems.extend(markdown.diagnostics(&content, config.links.internal));
    let found = check::content(&config, &content, &routes, &markdown, &scope, options.today);
    problems.extend(found.diagnostics);
    if let Some(theme) = &theme {
        problems.extend(theme.manifest.check_extra(&config, Severity::Error));
        problems.extend(theme.check_languages(&config));
    }
    problems.extend(routes.check_extra_paths(&config, Severity::Error));
    Ok(check::CheckReport::new(problems, found.checked, found.total, started))
}

/// Everything but writing: load, parse and render, with the search records ready but
/// the search index not yet built (so `serve` can reload before indexing).
pub fn render(options: &BuildOptions) -> Result<(Config, Site), Error> {
    render_cached(options, None)
}

/// [`render`], reusing the Markdown and pages in `cache` whose inputs did not change
/// (`tend serve` keeps one between saves).
pub fn render_cached(options: &BuildOptions, mut cache: Option<&mut RenderCache>) -> Result<(Config, Site), Error> {
    let (config, theme, content) = load_cached(options, cache.as_deref_mut())?;
    let previous_routes = cache.as_deref_mut().and_then(|cache| cache.routes.take());
    let routes = Routes::new_reusing(&config, Some(&theme), &content, previous_routes)?;
    let inputs = Inputs { config: &config, theme: &theme, content: &content, routes: &routes };
    if let Some(cache) = cache.as_deref_mut() {
        cache.site.stats = cache.stats;
    }
    let site = Site::render_cached(inputs, cache.as_deref_mut().map(|cache| &mut cache.site)).map(|mut site| {
        site.warnings.extend(theme.manifest.check_extra(&config, Severity::Warning));
        site.warnings.extend(theme.check_languages(&config));
        site.warnings.extend(theme.check_languages(&config));
        site.warnings.extend(routes.check_extra_paths(&config, Severity::Warning));
        site
    });
    if let Some(cache) = cache {
        cache.theme = Some(theme);
        cache.front_matter.keep(content);
        cache.routes = Some(routes);
        cache.stats = cache.site.stats;
    }
    Ok((config, site?))
}

/// `site.yaml`; when it has problems, they come together with the content's own (front
/// matter, folders), which do not depend on it, so one run reports both. The content is
/// loaded with the settings that were valid; nothing is rendered, so nothing can follow
/// from a setting that was left out.
fn load_config(root: &std::path::Path, overrides: &Overrides) -> Result<Config, Error> {
    let (config, mut problems) = Config::load_lenient(root, overrides)?;
    match config {
        Some(config) if problems.is_empty() => Ok(config),
        partial => {
            match partial.map(|config| Content::load(&config)) {
                Some(Ok(content)) => problems.extend(content.problems),
                Some(Err(Error::Site(found))) => problems.extend(found),
                Some(Err(_)) | None => {}
            }
            Err(Error::Site(problems))
        }
    }
}

/// The load and parse stages: configuration, theme and content, with every problem
/// from all three reported together.
pub fn load(options: &BuildOptions) -> Result<(Config, Theme, Content), Error> {
    load_cached(options, None)
}

/// [`load`], reusing the compiled theme and parsed front matter in `cache` where their
/// files are unchanged.
fn load_cached(options: &BuildOptions, cache: Option<&mut RenderCache>) -> Result<(Config, Theme, Content), Error> {
    let config = load_config(&options.root, &options.overrides)?;
    let (previous_theme, mut front_matter, stats) = match cache {
        Some(cache) => (cache.theme.take(), Some(&mut cache.front_matter), Some(&mut cache.stats)),
        None => (None, None, None),
    };
    let (theme, content) = rayon::join(
        || Theme::load_reusing(&config, previous_theme),
        || Content::load_cached(&config, front_matter.as_deref_mut()),
    );
    if let (Some(stats), Ok((_, compiled))) = (stats, &theme) {
        let (files_read, front_matter_parsed) = front_matter.map_or((0, 0), |cache| (cache.read, cache.parsed));
        *stats = CacheStats { theme_compiled: *compiled, files_read, front_matter_parsed, ..CacheStats::default() };
    }
    let theme = theme.map(|(theme, _)| theme);
    match (theme, content) {
        (Ok(theme), Ok(content)) => {
            let extra = theme.manifest.merge_extra(&config.extra);
            Ok((Config { extra, ..config }, theme, content))
        }
        (Err(Error::Site(mut a)), Ok(content)) => {
            a.extend(content.problems);
            Err(Error::Site(a))
        }
        (Err(Error::Site(mut a)), Err(Error::Site(b))) => {
            a.extend(b);
            Err(Error::Site(a))
        }
        (Err(error), _) | (_, Err(error)) => Err(error),
    }
}
