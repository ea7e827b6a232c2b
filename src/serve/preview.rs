//! The preview loop of `tend serve`: watch → rebuild → publish a snapshot → notify the
//! tabs, and one worker that builds the search index for the newest snapshot.
//!
//! A rebuild renders with the memo of the last one (only pages whose inputs changed are
//! rendered again) and reads static files again only when they changed. A failed rebuild
//! keeps the last good snapshot and reports every diagnostic, in the terminal and to the
//! tabs. Pages reach the tabs before their search index: the index is built on its own
//! thread, for the newest snapshot only, and merged into that snapshot when it is ready.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::{Notice, Published, Snapshot};
use crate::cache::RenderCache;
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Error;
use crate::fingerprint::CacheStats;
use crate::output::{Contents, OutputFile};
use crate::site::Site;
use crate::watch::Watcher;
use crate::{BuildOptions, Config};

/// The running loop; dropping it stops watching, rebuilding and indexing.
pub(super) struct Preview {
    builder: Arc<Builder>,
    _watcher: Arc<Mutex<Watcher>>,
}

impl Preview {
    /// Starts watching, then builds once, so a save during the first build is not lost.
    pub(super) fn start(build: BuildOptions, published: Arc<Published>) -> Result<Self, Error> {
        let index = Indexer::start(Arc::clone(&published))?;
        let builder = Arc::new(Builder { build, published, index, memo: Mutex::default() });
        let watcher = watch(&builder)?;
        let started = Instant::now();
        log_first_build(builder.rebuild(None), started.elapsed());
        Ok(Self { builder, _watcher: watcher })
    }

    /// Rebuilds now, reading every source again (it is not known what changed).
    pub(super) fn rebuild(&self) -> Option<CacheStats> {
        self.builder.rebuild(None).stats
    }
}

/// Starts the watcher and the thread that rebuilds after each batch of changes. The
/// thread ends when the watcher is dropped (that closes the channel).
fn watch(builder: &Arc<Builder>) -> Result<Arc<Mutex<Watcher>>, Error> {
    let (tx, rx) = mpsc::channel::<crate::watch::Change>();
    let watcher = Arc::new(Mutex::new(Watcher::start(&builder.build.root, move |change| {
        let _ = tx.send(change);
    })?));
    // Weak: the preview owns the watcher.
    let loop_watcher = Arc::downgrade(&watcher);
    let builder = Arc::clone(builder);
    spawn("tend-rebuild", move || {
        while let Ok(change) = rx.recv() {
            // Fold changes that queued up during the last rebuild into this one.
            let (mut paths, mut rescan) = (change.paths, change.rescan);
            while let Ok(more) = rx.try_recv() {
                paths.extend(more.paths);
                rescan |= more.rescan;
            }
            // A source folder created (or re-created) since the last rebuild.
            if let Some(watcher) = loop_watcher.upgrade()
                && let Err(error) = watcher.lock().unwrap_or_else(PoisonError::into_inner).refresh(&paths)
            {
                crate::diagnostic::eprint_message(Severity::Warning, &error.to_string());
            }
            let started = Instant::now();
            let rebuilt = builder.rebuild((!rescan).then_some(&paths));
            log_rebuild(&paths, rebuilt, started.elapsed());
        }
    })?;
    Ok(watcher)
}

fn spawn(name: &str, work: impl FnOnce() + Send + 'static) -> Result<(), Error> {
    std::thread::Builder::new().name(name.to_owned()).spawn(work).map(drop).map_err(|source| Error::Io {
        action: "could not start a thread for",
        path: PathBuf::from("(serve)"),
        source,
    })
}

/// What one rebuild did, for the terminal.
#[derive(Debug, Clone, Copy)]
struct Rebuilt {
    /// What was rendered afresh and what was reused; `None` when the build failed.
    stats: Option<CacheStats>,
    /// Articles and root pages, topics and tags, counted as `tend build` counts them.
    counts: (usize, usize, usize, usize),
    /// Whether the build before this one had failed (and this one did not).
    fixed: bool,
}

/// The terminal's line for the first build, as `tend build` words its summary.
fn log_first_build(rebuilt: Rebuilt, took: Duration) {
    let took = took.as_millis();
    let (pages, topics, languages, tags) = rebuilt.counts;
    match rebuilt.stats {
        Some(stats) => eprintln!(
            "built {}, {} HTML files) in {took} ms",
            crate::counted(pages, topics, languages, tags),
            stats.pages_rendered + stats.pages_reused
        ),
        None => eprintln!("the first build failed ({took} ms): serving its errors until a save fixes them"),
    }
}

/// One line in the terminal per rebuild: what changed, how long it took, how much of
/// the site was rendered again, and whether it fixed a failing build.
fn log_rebuild(paths: &BTreeSet<PathBuf>, rebuilt: Rebuilt, took: Duration) {
    let mut shown: Vec<String> = paths.iter().take(3).map(|p| crate::diagnostic::display_path(p)).collect();
    if paths.len() > 3 {
        shown.push(format!("{} more", paths.len() - 3));
    }
    if shown.is_empty() {
        shown.push("changes the watcher may have missed".into());
    }
    let took = took.as_millis();
    let fixed = if rebuilt.fixed { "fixed: " } else { "" };
    match rebuilt.stats {
        Some(stats) => eprintln!(
            "{fixed}rebuilt after {} in {took} ms ({} of {} HTML files rendered)",
            shown.join(", "),
            stats.pages_rendered,
            stats.pages_rendered + stats.pages_reused
        ),
        None => eprintln!("build failed after {} ({took} ms)", shown.join(", ")),
    }
}

/// Rebuilds and publishes, one rebuild at a time.
struct Builder {
    build: BuildOptions,
    published: Arc<Published>,
    index: Indexer,
    memo: Mutex<Memo>,
}

/// What one rebuild leaves for the next.
#[derive(Default)]
struct Memo {
    /// The last render's Markdown and pages, reused where their inputs are unchanged.
    cache: RenderCache,
    /// Static files read for the last snapshot, by source path.
    statics: HashMap<PathBuf, StaticFile>,
    /// The warnings last shown, so each save does not repeat them.
    warnings: String,
}

impl Builder {
    /// Renders the site into a new snapshot and publishes it, or reports why it could
    /// not; the search index follows on the indexing worker. `changed` names the paths
    /// the watcher saw change (relative to the root), or is `None` when that is unknown:
    /// only those content files are read again.
    fn rebuild(&self, changed: Option<&BTreeSet<PathBuf>>) -> Rebuilt {
        let mut memo = self.memo.lock().unwrap_or_else(PoisonError::into_inner);
        let memo = &mut *memo;
        memo.cache.note_changes(changed);
        let result = crate::render_cached(&self.build, Some(&mut memo.cache))
            .and_then(|(config, site)| Ok((config, read_files(&mut memo.statics, &site)?, site)));
        let stats = memo.cache.stats;
        let failing = self.published.now().1.is_some();
        match result {
            Ok((config, files, mut site)) => {
                show_warnings(&mut memo.warnings, &site.warnings);
                let counts = (site.page_count, site.topic_count, site.language_count, site.tag_count);
                if let Some(generation) = self.publish(files) {
                    let records = std::mem::take(&mut site.search);
                    self.index.submit(Job { config, records, generation });
                }
                Rebuilt { stats: Some(stats), counts, fixed: failing }
            }
            Err(error) => {
                self.fail(&error);
                Rebuilt { stats: None, counts: (0, 0, 0, 0), fixed: false }
            }
        }
    }

    /// Swaps in a site that differs from the one served, under the next generation, and
    /// tells the tabs; returns that generation, or `None` when nothing changed.
    fn publish(&self, mut files: HashMap<String, Arc<[u8]>>) -> Option<u64> {
        let (notice, generation) = self.published.update(|state| {
            state.error = None;
            let current = &state.site;
            // Keep serving the previous search index until the new one is ready.
            for (path, bytes) in &current.files {
                if crate::search::is_index_file(path) {
                    files.entry(path.clone()).or_insert_with(|| Arc::clone(bytes));
                }
            }
            let generation = current.generation + 1;
            let notice = match compare(&current.files, &files) {
                Difference::None if current.generation > 0 => return (Notice::Unchanged, None),
                Difference::Styles(paths) => Notice::Styles { generation, paths },
                Difference::None | Difference::Pages => Notice::Reload { generation },
            };
            state.site = Arc::new(Snapshot { files, generation });
            (notice, Some(generation))
        });
        self.published.notify(notice);
        generation
    }

    /// Keeps the last good site and reports the error (in the terminal once, to the tabs
    /// after every save that still fails).
    fn fail(&self, error: &Error) {
        let text = describe(error);
        let repeated = self.published.update(|state| {
            let repeated = state.error.as_deref() == Some(text.as_str());
            state.error = Some(text.clone());
            repeated
        });
        if !repeated {
            print_failure(error);
        }
        self.published.notify(Notice::Failed(text));
    }
}

/// Prints the warnings of a good build when they differ from the last ones shown.
fn show_warnings(shown: &mut String, warnings: &[Diagnostic]) {
    let mut sorted = warnings.to_vec();
    crate::diagnostic::sort(&mut sorted);
    let text = plain(&sorted);
    if text != *shown {
        crate::diagnostic::eprint(&sorted);
        *shown = text;
    }
}

/// Every error of a failed build, sorted.
fn errors_of(diagnostics: &[Diagnostic]) -> Vec<Diagnostic> {
    let mut errors: Vec<Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
    crate::diagnostic::sort(&mut errors);
    errors
}

/// Diagnostics as plain text, for the tabs' overlay and to tell one failure from the next.
fn plain(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

/// A failed build as the tabs show it: every error, in plain text.
fn describe(error: &Error) -> String {
    match error {
        Error::Site(diagnostics) => plain(&errors_of(diagnostics)),
        other => format!("error: {other}"),
    }
}

/// A failed build in the terminal: every error, coloured when the terminal wants it.
fn print_failure(error: &Error) {
    match error {
        Error::Site(diagnostics) => crate::diagnostic::eprint(&errors_of(diagnostics)),
        other => crate::diagnostic::eprint_message(Severity::Error, &other.to_string()),
    }
}

/// How a new site differs from the one served, ignoring the search index.
#[derive(Debug, PartialEq, Eq)]
enum Difference {
    None,
    /// Only these stylesheets (site paths, sorted): the tabs can swap them in place.
    Styles(Vec<String>),
    Pages,
}

fn compare(old: &HashMap<String, Arc<[u8]>>, new: &HashMap<String, Arc<[u8]>>) -> Difference {
    let same = |path: &String, bytes: &Arc<[u8]>| old.get(path).is_some_and(|o| Arc::ptr_eq(o, bytes) || o == bytes);
    let mut changed: Vec<&String> = new.iter().filter(|(p, b)| !same(p, b)).map(|(p, _)| p).collect();
    changed.extend(old.keys().filter(|p| !new.contains_key(*p)));
    changed.retain(|path| !crate::search::is_index_file(path));
    if changed.is_empty() {
        Difference::None
    } else if changed.iter().all(|p| p.ends_with(".css")) {
        let mut paths: Vec<String> = changed.into_iter().cloned().collect();
        paths.sort();
        Difference::Styles(paths)
    } else {
        Difference::Pages
    }
}

/// A static file as last read, with what tells whether it changed since.
struct StaticFile {
    stamp: Option<FileStamp>,
    bytes: Arc<[u8]>,
}

/// Size, modification time and, on Unix, inode and change time: a file replaced by one
/// of the same size with its old mtime kept (`cp -p`, `tar`, `rsync -t`) still gets a
/// new change time, which no tool can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: std::time::SystemTime,
    inode: u64,
    changed: (i64, i64),
}

impl FileStamp {
    fn of(path: &std::path::Path) -> Option<Self> {
        let metadata = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        let (inode, changed) = {
            use std::os::unix::fs::MetadataExt;
            (metadata.ino(), (metadata.ctime(), metadata.ctime_nsec()))
        };
        #[cfg(not(unix))]
        let (inode, changed) = (0, (0, 0));
        Some(Self { len: metadata.len(), modified: metadata.modified().ok()?, inode, changed })
    }
}

/// The site's files in memory, by site path. Static files are read again only when
/// their stamp changed since the last snapshot.
fn read_files(statics: &mut HashMap<PathBuf, StaticFile>, site: &Site) -> Result<HashMap<String, Arc<[u8]>>, Error> {
    let mut previous = std::mem::take(statics);
    let mut files = HashMap::with_capacity(site.files.len());
    for file in &site.files {
        let bytes: Arc<[u8]> = match &file.contents {
            Contents::Bytes(bytes) => Arc::clone(bytes),
            Contents::Copy(source) => {
                let stamp = FileStamp::of(source);
                let kept = previous.remove(source).filter(|old| stamp.is_some() && old.stamp == stamp);
                let file = match kept {
                    Some(file) => file,
                    None => StaticFile { stamp, bytes: crate::error::fs::read(source)?.into() },
                };
                let bytes = Arc::clone(&file.bytes);
                statics.insert(source.clone(), file);
                bytes
            }
        };
        files.insert(crate::diagnostic::display_path(&file.path), bytes);
    }
    Ok(files)
}

/// The search index to build for one published snapshot.
struct Job {
    config: Config,
    records: Vec<crate::search::Record>,
    generation: u64,
}

/// The one thread that builds search indexes, newest snapshot first: jobs that queued up
/// while it worked are dropped for the latest. It ends when the preview is dropped.
/// Pagefind parses and compresses on a rayon pool of its own, half the cores (at least
/// one), so the next save's rebuild, on the global pool, is not queued behind it.
struct Indexer {
    jobs: mpsc::Sender<Job>,
}

impl Indexer {
    fn start(published: Arc<Published>) -> Result<Self, Error> {
        let (jobs, queue) = mpsc::channel::<Job>();
        spawn("tend-search-index", move || {
            let cores = std::thread::available_parallelism().map_or(1, usize::from);
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads((cores / 2).max(1))
                .thread_name(|i| format!("tend-search-{i}"))
                .build()
                .ok();
            while let Some(job) = newest(&queue) {
                let generation = job.generation;
                let vocabulary = crate::search::vocabulary_files(&job.config, &job.records);
                let index = || crate::search::index(&job.config, job.records);
                let built = match &pool {
                    Some(pool) => pool.install(index),
                    None => index(),
                };
                match built {
                    Ok(mut files) => {
                        files.extend(vocabulary);
                        merge_index(&published, files, generation)
                    }
                    Err(error) => {
                        crate::diagnostic::eprint_message(
                            Severity::Warning,
                            "the preview's search index could not be built; search shows the last one that could",
                        );
                        print_failure(&error);
                    }
                }
            }
        })?;
        Ok(Self { jobs })
    }

    fn submit(&self, job: Job) {
        // The worker only stops when the preview is dropped, which drops `self` first.
        let _ = self.jobs.send(job);
    }
}

/// The next job, skipping to the newest of those queued; `None` once the sender is gone.
fn newest<T>(queue: &mpsc::Receiver<T>) -> Option<T> {
    let mut job = queue.recv().ok()?;
    while let Ok(newer) = queue.try_recv() {
        job = newer;
    }
    Some(job)
}

/// Puts a finished search index into the snapshot it was built for; a newer snapshot
/// (or none) by then means the index is already out of date and is dropped.
fn merge_index(published: &Published, index: Vec<OutputFile>, generation: u64) {
    published.update(|state| {
        if state.site.generation != generation {
            return;
        }
        let mut files: HashMap<String, Arc<[u8]>> = state
            .site
            .files
            .iter()
            .filter(|(p, _)| !crate::search::is_index_file(p))
            .map(|(p, b)| (p.clone(), Arc::clone(b)))
            .collect();
        for file in index {
            if let Contents::Bytes(bytes) = file.contents {
                files.insert(crate::diagnostic::display_path(&file.path), bytes);
            }
        }
        state.site = Arc::new(Snapshot { files, generation });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> HashMap<String, Arc<[u8]>> {
        pairs.iter().map(|(p, b)| ((*p).to_owned(), Arc::from(b.as_bytes()))).collect()
    }

    #[test]
    fn style_only_changes_are_told_apart() {
        let old = files(&[("index.html", "a"), ("style.css", "x"), ("pagefind/a", "1")]);
        assert_eq!(
            compare(&old, &files(&[("index.html", "a"), ("style.css", "y")])),
            Difference::Styles(vec!["style.css".into()])
        );
        assert_eq!(compare(&old, &files(&[("index.html", "b"), ("style.css", "x")])), Difference::Pages);
        assert_eq!(
            compare(&old, &files(&[("index.html", "a"), ("style.css", "x"), ("pagefind/a", "2")])),
            Difference::None
        );
    }

    #[test]
    fn the_indexer_skips_to_the_newest_job() {
        let (jobs, queue) = mpsc::channel();
        for n in 1..=3 {
            jobs.send(n).expect("send");
        }
        assert_eq!(newest(&queue), Some(3));
        jobs.send(4).expect("send");
        assert_eq!(newest(&queue), Some(4));
        drop(jobs);
        assert_eq!(newest(&queue), None);
    }

    #[test]
    fn an_index_for_an_older_generation_is_dropped() {
        let published = Published::new();
        published
            .update(|state| state.site = Arc::new(Snapshot { files: files(&[("index.html", "a")]), generation: 2 }));
        let index = |text: &str| {
            vec![OutputFile {
                path: PathBuf::from("pagefind/x"),
                contents: Contents::Bytes(Arc::from(text.as_bytes())),
            }]
        };
        merge_index(&published, index("old"), 1);
        assert!(!published.now().0.files.contains_key("pagefind/x"));
        merge_index(&published, index("new"), 2);
        assert_eq!(published.now().0.files.get("pagefind/x").map(|b| &b[..]), Some(&b"new"[..]));
    }
}
