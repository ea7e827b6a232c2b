//! `tend serve`: the site from memory over HTTP, rebuilt on every save, with live reload.
//!
//! Two parts meet here and nowhere else:
//! - the HTTP layer: `http` decides what is answered (axum) — which hosts and methods,
//!   files looked up by URL path in the current `Snapshot` (never the disk, so no
//!   traversal or directory listing is possible), the live-reload script injected into
//!   HTML, the Server-Sent Events stream — and `listen` owns the sockets and how long a
//!   connection may take (hyper, with header-read and idle timeouts);
//! - the preview loop: `preview` watches → rebuilds → publishes a snapshot → notifies the
//!   tabs, with one worker that builds the search index after each publish.
//!
//! They share `Published`: the snapshot being served, the last build error, and the
//! channel to the tabs. Every snapshot that changes the site gets the next generation
//! number; a page is served with the generation it came from and the event stream starts
//! with the current one, so a tab that loaded during a rebuild reloads at once instead of
//! staying stale. Neither part knows how to build (that is [`crate::render_cached`]) or what
//! changed on disk (that is [`crate::watch`]).

mod http;
mod listen;
mod preview;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use tokio::sync::broadcast;

use crate::error::Error;
use crate::fingerprint::CacheStats;
use crate::{BuildOptions, Overrides};

/// The default port; the next free one is used when it is taken.
pub const DEFAULT_PORT: u16 = 1111;

/// What `tend serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site root; relative to the current folder unless absolute.
    pub root: PathBuf,
    /// Address to listen on (loopback unless asked otherwise).
    pub bind: IpAddr,
    /// Port to try first; 0 picks any free port.
    pub port: u16,
    /// Build drafts too.
    pub drafts: bool,
    /// Base URL to build with; default `http://<address>:<port>/`. Its host name is
    /// answered as well as the loopback names.
    pub base_url: Option<String>,
    /// How long a connection may take.
    pub timeouts: Timeouts,
}

/// Limits on connections, so a client that opens connections and sends nothing, or sends
/// its headers a byte at a time (slowloris), cannot hold them open forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Time for a request's headers to arrive, counted from the connection's start or,
    /// on a kept-alive connection, from the end of the previous response.
    pub headers: Duration,
    /// Time a connection may pass with no byte sent or received. The live-reload stream
    /// sends a comment every third of this, so an open tab is never cut off.
    pub idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self { headers: Duration::from_secs(10), idle: Duration::from_secs(60) }
    }
}

/// What the browser tabs are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Pages changed: reload, unless the tab already shows this generation.
    Reload {
        /// The generation now served.
        generation: u64,
    },
    /// Only stylesheets changed: swap them.
    Styles {
        /// The generation now served.
        generation: u64,
        /// The stylesheets' site paths.
        paths: Vec<String>,
    },
    /// A rebuild produced the same site (and clears a reported error).
    Unchanged,
    /// The rebuild failed; the text is every diagnostic.
    Failed(String),
}

/// One built site, as served: file bytes by site path.
#[derive(Debug, Default)]
struct Snapshot {
    files: HashMap<String, Arc<[u8]>>,
    /// Counts the snapshots that changed the site; 0 until the first good build.
    generation: u64,
}

/// What the preview loop publishes and the HTTP side reads.
struct Published {
    state: RwLock<State>,
    notices: broadcast::Sender<Notice>,
}

/// The site being served and the error of the last build, if it failed.
#[derive(Default)]
struct State {
    site: Arc<Snapshot>,
    error: Option<String>,
}

impl Published {
    fn new() -> Self {
        Self { state: RwLock::new(State::default()), notices: broadcast::channel(64).0 }
    }

    /// The site and error now (a copy of the pointers, so the lock is not held).
    fn now(&self) -> (Arc<Snapshot>, Option<String>) {
        let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
        (Arc::clone(&state.site), state.error.clone())
    }

    /// Changes the state under the lock and returns what `change` returns.
    fn update<T>(&self, change: impl FnOnce(&mut State) -> T) -> T {
        change(&mut self.state.write().unwrap_or_else(PoisonError::into_inner))
    }

    fn notify(&self, notice: Notice) {
        // No tab listening is fine.
        let _ = self.notices.send(notice);
    }
}

/// A running server.
pub struct Server {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// The site's URL.
    pub url: String,
    published: Arc<Published>,
    preview: preview::Preview,
    http: listen::Running,
}

impl Server {
    /// Binds, starts watching, builds once (a failed first build still serves its
    /// error), and serves.
    pub fn start(options: &ServeOptions) -> Result<Self, Error> {
        // Watch events carry absolute paths: a relative root would match none of them.
        let root = std::fs::canonicalize(&options.root).map_err(|source| Error::Io {
            action: "could not find the site root",
            path: options.root.clone(),
            source,
        })?;
        let listener = listen::bind(options.bind, options.port)?;
        let addr = listener.local_addr().map_err(|source| listen::io_error("could not read the address of", source))?;
        let base_url = options.base_url.clone().unwrap_or_else(|| default_url(addr));
        let build = BuildOptions {
            root,
            output: PathBuf::new(),
            overrides: Overrides {
                base_url: Some(base_url.clone()),
                drafts: options.drafts,
                links: None,
                plain_assets: true,
            },
        };
        let base_path =
            crate::config::BaseUrl::parse(&base_url).map(|u| u.path().to_owned()).unwrap_or_else(|_| "/".into());
        let published = Arc::new(Published::new());
        let preview = preview::Preview::start(build, Arc::clone(&published))?;
        let app = http::App {
            published: Arc::clone(&published),
            hosts: http::Hosts::new(addr.ip(), options.base_url.as_deref()),
            base_path,
            keep_alive: options.timeouts.idle / 3,
        };
        let http = listen::serve(listener, http::router(app), options.timeouts)?;
        Ok(Self { addr, url: base_url, published, preview, http })
    }

    /// Rebuilds now, as a save would (for tests and tools); what was rendered afresh
    /// and what was reused, or `None` when the build failed.
    pub fn rebuild(&self) -> Option<CacheStats> {
        self.preview.rebuild()
    }

    /// Subscribes to the notices sent to browser tabs.
    pub fn notices(&self) -> broadcast::Receiver<Notice> {
        self.published.notices.subscribe()
    }

    /// The generation of the site being served (0 before the first good build).
    pub fn generation(&self) -> u64 {
        self.published.now().0.generation
    }

    /// Blocks until the server stops (Ctrl-C).
    pub fn wait(self) {
        self.http.wait();
    }

    /// Stops the server and the watcher.
    pub fn stop(self) {
        drop(self);
    }
}

/// `http://<address>:<port>/`, naming 127.0.0.1 when listening on every address.
fn default_url(addr: SocketAddr) -> String {
    let host = match addr.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_owned(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    format!("http://{host}:{}/", addr.port())
}
