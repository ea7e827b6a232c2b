//! `tend serve`: the site from memory over HTTP, rebuilt on every save, with live reload.
//!
//! Owns the HTTP side (axum): looking up built files by URL path (never the disk, so no
//! traversal or directory listing is possible), injecting the live-reload script into
//! HTML responses, the Server-Sent Events channel, and the rebuild loop that swaps in a
//! new site or, on failure, keeps the last good one and reports the error to every tab.
//! It does not know how to build (that is [`crate::render`]) or what changed on disk
//! (that is [`crate::watch`]).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast;
use tokio_stream::StreamExt as _;
use tokio_stream::wrappers::BroadcastStream;

use crate::cache::RenderCache;
use crate::error::Error;
use crate::fingerprint::CacheStats;
use crate::site::{Contents, Site};
use crate::{BuildOptions, Overrides};

/// The default port; the next free one is used when it is taken.
pub const DEFAULT_PORT: u16 = 1111;

/// Where tend's own endpoints live, under the base path.
const PREFIX: &str = "__tend/";

/// The browser side of live reload.
const LIVE_JS: &str = include_str!("serve/live.js");

/// What `tend serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site root.
    pub root: PathBuf,
    /// Address to listen on (loopback unless asked otherwise).
    pub bind: IpAddr,
    /// Port to try first; 0 picks any free port.
    pub port: u16,
    /// Build drafts too.
    pub drafts: bool,
    /// Base URL to build with; default `http://<address>:<port>/`.
    pub base_url: Option<String>,
}

/// One built site, as served.
#[derive(Default)]
struct Snapshot {
    files: HashMap<String, Arc<[u8]>>,
    /// Counts the sites swapped in, so a search index built in the background is only
    /// merged into the site it was built for.
    generation: u64,
}

/// What the browser tabs are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Pages changed: reload.
    Reload,
    /// Only stylesheets changed: swap them (site paths).
    Styles(Vec<String>),
    /// A rebuild produced the same site.
    Unchanged,
    /// The rebuild failed; the text is every diagnostic.
    Failed(String),
}

impl Notice {
    fn to_event(&self) -> Event {
        match self {
            Self::Reload => Event::default().event("reload").data("{}"),
            Self::Styles(paths) => Event::default().event("css").data(serde_json::json!(paths).to_string()),
            Self::Unchanged => Event::default().event("unchanged").data("{}"),
            Self::Failed(text) => Event::default().event("error").data(serde_json::json!(text).to_string()),
        }
    }
}

/// State shared by the HTTP handlers and the rebuild loop.
struct Shared {
    site: RwLock<Arc<Snapshot>>,
    error: RwLock<Option<String>>,
    notices: broadcast::Sender<Notice>,
    base_path: String,
    build: BuildOptions,
    /// The last render's Markdown and pages, reused where their inputs are unchanged.
    cache: Mutex<RenderCache>,
    /// Static files read for the last snapshot, by source path.
    statics: Mutex<HashMap<PathBuf, StaticFile>>,
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

/// A running server.
pub struct Server {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// The site's URL.
    pub url: String,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _watcher: Option<Arc<Mutex<crate::watch::Watcher>>>,
}

impl Server {
    /// Binds, builds once (a failed first build still serves its error), starts watching.
    pub fn start(options: &ServeOptions) -> Result<Self, Error> {
        let listener = bind(options.bind, options.port)?;
        let addr = listener.local_addr().map_err(|source| io_error("could not read the address of", source))?;
        let host = if addr.ip().is_unspecified() { "127.0.0.1".to_owned() } else { addr.ip().to_string() };
        let host = if addr.is_ipv6() && !addr.ip().is_unspecified() { format!("[{host}]") } else { host };
        let base_url = options.base_url.clone().unwrap_or_else(|| format!("http://{host}:{}/", addr.port()));
        let build = BuildOptions {
            root: options.root.clone(),
            output: PathBuf::new(),
            overrides: Overrides { base_url: Some(base_url.clone()), drafts: options.drafts },
        };
        let base_path =
            crate::config::BaseUrl::parse(&base_url).map(|u| u.path().to_owned()).unwrap_or_else(|_| "/".into());
        let (notices, _) = broadcast::channel(64);
        let shared = Arc::new(Shared {
            site: RwLock::new(Arc::new(Snapshot::default())),
            error: RwLock::new(None),
            notices,
            base_path,
            build,
            cache: Mutex::new(RenderCache::new()),
            statics: Mutex::new(HashMap::new()),
        });
        rebuild(&shared);
        let watcher = start_watching(&shared)?;
        let (shutdown, shutdown_rx) = tokio::sync::oneshot::channel();
        let thread = spawn_http(listener, Arc::clone(&shared), shutdown_rx)?;
        Ok(Self {
            addr,
            url: base_url,
            shared,
            shutdown: Some(shutdown),
            thread: Some(thread),
            _watcher: Some(watcher),
        })
    }

    /// Rebuilds now, as a save would (for tests and tools); what was rendered afresh
    /// and what was reused, or `None` when the build failed.
    pub fn rebuild(&self) -> Option<CacheStats> {
        rebuild(&self.shared)
    }

    /// Subscribes to the notices sent to browser tabs.
    pub fn notices(&self) -> broadcast::Receiver<Notice> {
        self.shared.notices.subscribe()
    }

    /// Blocks until the server stops (Ctrl-C).
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }

    /// Stops the server and the watcher.
    pub fn stop(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop_now();
    }
}

fn io_error(action: &'static str, source: std::io::Error) -> Error {
    Error::Io { action, path: PathBuf::from("(network)"), source }
}

/// Binds `port`, or the next free port above it (up to 20 tries).
fn bind(ip: IpAddr, port: u16) -> Result<std::net::TcpListener, Error> {
    let tries = if port == 0 { 1 } else { 20 };
    let mut last = None;
    for offset in 0..tries {
        match std::net::TcpListener::bind(SocketAddr::new(ip, port.saturating_add(offset))) {
            Ok(listener) => return Ok(listener),
            Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => last = Some(error),
            Err(error) => return Err(io_error("could not listen on", error)),
        }
    }
    Err(Error::Usage(format!(
        "ports {port} to {} are all in use ({}); pass --port N",
        port.saturating_add(tries - 1),
        last.map(|e| e.to_string()).unwrap_or_default()
    )))
}

fn start_watching(shared: &Arc<Shared>) -> Result<Arc<Mutex<crate::watch::Watcher>>, Error> {
    let (tx, rx) = std::sync::mpsc::channel::<crate::watch::Change>();
    let watcher = Arc::new(Mutex::new(crate::watch::Watcher::start(&shared.build.root, move |change| {
        let _ = tx.send(change);
    })?));
    // Weak: the server owns the watcher; dropping it closes the channel and ends the loop.
    let loop_watcher = Arc::downgrade(&watcher);
    let loop_shared = Arc::clone(shared);
    std::thread::spawn(move || {
        while let Ok(change) = rx.recv() {
            // Fold changes that queued up during the last rebuild into this one.
            let mut paths = change.paths;
            while let Ok(more) = rx.try_recv() {
                paths.extend(more.paths);
            }
            // A source folder created (or re-created) since the last rebuild.
            if let Some(watcher) = loop_watcher.upgrade()
                && let Err(error) = watcher.lock().unwrap_or_else(std::sync::PoisonError::into_inner).refresh(&paths)
            {
                eprintln!("warning: {error}");
            }
            let started = Instant::now();
            let stats = rebuild(&loop_shared);
            log_rebuild(&paths, stats, started.elapsed());
        }
    });
    Ok(watcher)
}

/// One line in the terminal per rebuild: what changed, how long it took, how much of
/// the site was rendered again.
fn log_rebuild(paths: &std::collections::BTreeSet<PathBuf>, stats: Option<CacheStats>, took: std::time::Duration) {
    let mut shown: Vec<String> = paths.iter().take(3).map(|p| crate::diagnostic::display_path(p)).collect();
    if paths.len() > 3 {
        shown.push(format!("{} more", paths.len() - 3));
    }
    let took = took.as_millis();
    match stats {
        Some(stats) => eprintln!(
            "rebuilt after {} in {took} ms ({} of {} pages rendered)",
            shown.join(", "),
            stats.pages_rendered,
            stats.pages_rendered + stats.pages_reused
        ),
        None => eprintln!("build failed after {} ({took} ms)", shown.join(", ")),
    }
}

/// Renders the site into a new snapshot, swaps it in and tells every tab; on failure,
/// keeps the last good site and reports the error. The search index follows in the
/// background so the reload is not kept waiting for it.
fn rebuild(shared: &Arc<Shared>) -> Option<CacheStats> {
    let mut cache = shared.cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let result = crate::render_cached(&shared.build, Some(&mut cache))
        .and_then(|(config, site)| Ok((config, snapshot(shared, &site)?, site)));
    let stats = cache.stats;
    drop(cache);
    match result {
        Ok((config, mut fresh, mut site)) => {
            let mut current = shared.site.write().unwrap_or_else(std::sync::PoisonError::into_inner);
            // Keep serving the previous search index until the new one is ready.
            for (path, bytes) in &current.files {
                if path.starts_with(crate::search::BUNDLE_DIR) {
                    fresh.files.entry(path.clone()).or_insert_with(|| Arc::clone(bytes));
                }
            }
            let notice = compare(&current, &fresh);
            fresh.generation = current.generation + 1;
            let generation = fresh.generation;
            *current = Arc::new(fresh);
            drop(current);
            let had_error = shared.error.write().unwrap_or_else(std::sync::PoisonError::into_inner).take().is_some();
            let notice = if had_error { Notice::Reload } else { notice };
            let _ = shared.notices.send(notice);
            let records = std::mem::take(&mut site.search);
            let shared = Arc::clone(shared);
            std::thread::spawn(move || index_in_background(&shared, &config, records, generation));
            Some(stats)
        }
        Err(error) => {
            let text = describe(&error);
            let mut current = shared.error.write().unwrap_or_else(std::sync::PoisonError::into_inner);
            if current.as_deref() != Some(text.as_str()) {
                eprintln!("{text}");
            }
            *current = Some(text.clone());
            let _ = shared.notices.send(Notice::Failed(text));
            None
        }
    }
}

fn index_in_background(shared: &Shared, config: &crate::Config, records: Vec<crate::search::Record>, generation: u64) {
    let Ok(files) = crate::search::index(config, records) else { return };
    let mut site = shared.site.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    if site.generation != generation {
        return;
    }
    let mut merged: HashMap<String, Arc<[u8]>> = site
        .files
        .iter()
        .filter(|(p, _)| !p.starts_with(crate::search::BUNDLE_DIR))
        .map(|(p, b)| (p.clone(), Arc::clone(b)))
        .collect();
    for file in files {
        if let Contents::Bytes(bytes) = file.contents {
            merged.insert(crate::diagnostic::display_path(&file.path), bytes);
        }
    }
    *site = Arc::new(Snapshot { files: merged, generation });
}

/// Every diagnostic of a failed build, as the terminal shows them.
fn describe(error: &Error) -> String {
    match error {
        Error::Site(diagnostics) => {
            let mut sorted = diagnostics.clone();
            crate::diagnostic::sort(&mut sorted);
            sorted.iter().filter(|d| d.is_error()).map(ToString::to_string).collect::<Vec<_>>().join("\n")
        }
        other => format!("error: {other}"),
    }
}

/// The site's files in memory. Static files are read again only when their size or
/// modification time changed since the last snapshot.
fn snapshot(shared: &Shared, site: &Site) -> Result<Snapshot, Error> {
    let mut statics = shared.statics.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut previous = std::mem::take(&mut *statics);
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
    Ok(Snapshot { files, generation: 0 })
}

/// What changed between two snapshots, ignoring the search index.
fn compare(old: &Snapshot, new: &Snapshot) -> Notice {
    let relevant = |path: &&String| !path.starts_with(crate::search::BUNDLE_DIR);
    let same =
        |path: &String, bytes: &Arc<[u8]>| old.files.get(path).is_some_and(|o| Arc::ptr_eq(o, bytes) || o == bytes);
    let mut changed: Vec<&String> = new.files.iter().filter(|(p, b)| !same(p, b)).map(|(p, _)| p).collect();
    changed.extend(old.files.keys().filter(|p| !new.files.contains_key(*p)));
    changed.retain(relevant);
    if changed.is_empty() {
        Notice::Unchanged
    } else if changed.iter().all(|p| p.ends_with(".css")) {
        let mut paths: Vec<String> = changed.into_iter().cloned().collect();
        paths.sort();
        Notice::Styles(paths)
    } else {
        Notice::Reload
    }
}

fn spawn_http(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    shutdown: tokio::sync::oneshot::Receiver<()>,
) -> Result<std::thread::JoinHandle<()>, Error> {
    listener.set_nonblocking(true).map_err(|source| io_error("could not configure", source))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|source| io_error("could not start the server runtime for", source))?;
    Ok(std::thread::spawn(move || {
        runtime.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
            let app = axum::Router::new().fallback(handle).with_state(shared);
            let stop = async {
                tokio::select! {
                    _ = shutdown => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            };
            let _ = axum::serve(listener, app).with_graceful_shutdown(stop).await;
        });
        runtime.shutdown_background();
    }))
}

/// Every request: tend's endpoints, or a file of the site.
async fn handle(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let Some(path) = site_path(uri.path(), &shared.base_path) else {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    };
    match path.as_str() {
        p if p == format!("{PREFIX}live.js") => with_type(LIVE_JS.as_bytes().into(), "text/javascript; charset=utf-8"),
        p if p == format!("{PREFIX}events") => events(&shared).into_response(),
        _ => file(&shared, &path),
    }
}

/// The request path relative to the base path, percent-decoded and checked: `None`
/// for anything that tries to leave the site (`..`, `\`, NUL, bad UTF-8).
fn site_path(raw: &str, base_path: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8().ok()?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let rest = decoded.strip_prefix(base_path).or_else(|| decoded.strip_prefix(base_path.trim_end_matches('/')))?;
    let mut parts = Vec::new();
    for part in rest.split('/') {
        match part {
            "" => {}
            "." | ".." => return None,
            part => parts.push(part),
        }
    }
    let mut path = parts.join("/");
    if rest.ends_with('/') && !path.is_empty() {
        path.push('/');
    }
    Some(path)
}

fn file(shared: &Shared, path: &str) -> Response {
    let site = Arc::clone(&shared.site.read().unwrap_or_else(std::sync::PoisonError::into_inner));
    if site.files.is_empty() {
        let error = shared.error.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        return error_page(&shared.base_path, error.as_deref().unwrap_or("The site is being built."));
    }
    let key = if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_owned() };
    if let Some(bytes) = site.files.get(&key) {
        return respond(&shared.base_path, &key, Arc::clone(bytes), StatusCode::OK);
    }
    if site.files.contains_key(&format!("{key}/index.html")) {
        let location = format!("{}{key}/", shared.base_path);
        return (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response();
    }
    match site.files.get("404.html") {
        Some(bytes) => respond(&shared.base_path, "404.html", Arc::clone(bytes), StatusCode::NOT_FOUND),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

fn respond(base_path: &str, key: &str, bytes: Arc<[u8]>, status: StatusCode) -> Response {
    let mime = mime_guess::from_path(key).first_or_octet_stream();
    let body: Vec<u8> = if mime.essence_str() == "text/html" { inject(&bytes, base_path) } else { bytes.to_vec() };
    let content_type = if mime.type_() == "text" || mime.essence_str() == "application/javascript" {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_owned()
    };
    let mut response = with_type(body, &content_type);
    *response.status_mut() = status;
    response
}

fn with_type(body: Vec<u8>, content_type: &str) -> Response {
    let mut response = Response::new(Body::from(body));
    if let Ok(value) = HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The page with the live-reload script added before `</body>`.
fn inject(html: &[u8], base_path: &str) -> Vec<u8> {
    let tag = format!("<script src=\"{base_path}{PREFIX}live.js\" defer></script>");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{tag}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

/// Shown for every page while there has never been a good build.
fn error_page(base_path: &str, error: &str) -> Response {
    let text = quick_xml::escape::escape(error);
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head><body><main><h1>The site could not be built</h1><p>Fix the problem below and save: this page reloads by itself.</p><pre>{text}</pre></main></body></html>"
    );
    let mut response = with_type(inject(html.as_bytes(), base_path), "text/html; charset=utf-8");
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
}

/// The live-reload stream: the current error first (so a new tab shows it), then every
/// notice. A tab that falls behind skips what it missed.
fn events(shared: &Shared) -> Sse<impl tokio_stream::Stream<Item = Result<Event, std::convert::Infallible>> + use<>> {
    let first = shared
        .error
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
        .map_or_else(|| Event::default().event("hello").data("{}"), |text| Notice::Failed(text).to_event());
    let updates =
        BroadcastStream::new(shared.notices.subscribe()).filter_map(|notice| notice.ok().map(|n| Ok(n.to_event())));
    let stream = tokio_stream::once(Ok(first)).chain(updates);
    Sse::new(stream).keep_alive(KeepAlive::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_site() {
        for raw in
            ["/../etc/passwd", "/%2e%2e/x", "/a/%2E%2E/%2E%2E/x", "/a\\..\\b", "/%00", "/a/./b", "/%c0%ae%c0%ae/x"]
        {
            assert_eq!(site_path(raw, "/"), None, "{raw}");
        }
        assert_eq!(site_path("/guide/a/b/", "/guide/"), Some("a/b/".into()));
        assert_eq!(site_path("/guide", "/guide/"), Some(String::new()));
        assert_eq!(site_path("/other/a", "/guide/"), None);
        assert_eq!(site_path("/caf%C3%A9/", "/"), Some("café/".into()));
    }

    #[test]
    fn injects_before_the_closing_body() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>", "/g/")).expect("utf-8");
        assert_eq!(out, "<html><body><p>x</p><script src=\"/g/__tend/live.js\" defer></script></body></html>");
    }

    #[test]
    fn style_only_changes_are_told_apart() {
        let snap = |pairs: &[(&str, &str)]| Snapshot {
            files: pairs.iter().map(|(p, b)| ((*p).to_owned(), Arc::from(b.as_bytes()))).collect(),
            generation: 0,
        };
        let old = snap(&[("index.html", "a"), ("style.css", "x"), ("pagefind/a", "1")]);
        assert_eq!(
            compare(&old, &snap(&[("index.html", "a"), ("style.css", "y")])),
            Notice::Styles(vec!["style.css".into()])
        );
        assert_eq!(compare(&old, &snap(&[("index.html", "b"), ("style.css", "x")])), Notice::Reload);
        assert_eq!(
            compare(&old, &snap(&[("index.html", "a"), ("style.css", "x"), ("pagefind/a", "2")])),
            Notice::Unchanged
        );
    }
}
