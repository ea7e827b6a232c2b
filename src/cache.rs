//! What one render lends the next, so `tend serve` re-renders only what a save changed.
//!
//! Every kept value is filed under a 128-bit fingerprint of *all* of its inputs and
//! reused only when the new fingerprint is the same:
//!
//! - The compiled theme: every template's name and text, and the base path.
//! - A content file's front matter: its path and text, and whether it is a page or topic.
//! - Markdown: the file's path and text, plus every setting that changes the HTML (each
//!   page's URL, for `.md` links; the drafts left out; the base path; the raw-HTML policy).
//! - A search record: the page's Markdown fingerprint, its front matter, URL and topic,
//!   and the site's search settings.
//! - A page: its template name, the theme (every template's text and the base path), and
//!   its whole template context, which is everything the template can read. An article or
//!   root page is first looked up by a cheaper key, the fingerprint of everything its
//!   context is built from (`site::Shared::page_key`), so an unchanged one costs no context.
//! - The route table: every claim (output path, owner, source), when it had no problem.
//! - The feeds, sitemap and redirects: each source's Markdown fingerprint, path, URL and
//!   language, the aliases and the settings.
//!
//! So the dependency graph is never written down and cannot go stale: editing an
//! article's body changes its own context only; changing its title changes the context of
//! every page whose sidebar, neighbours, topic or tag list shows that title, and exactly
//! those pages render again. Nothing is kept for a build, which starts cold every time.
//!
//! Reading the sources is the one cost a fingerprint cannot save: at 10,000 articles,
//! reading and hashing every file takes longer than rendering the one that changed. So a
//! cache that is told what changed ([`RenderCache::note_changes`], which `tend serve`
//! calls with its watcher's paths) reads only those files and takes every other file's
//! text from the last load; when the watcher may have missed events it says so, and the
//! next load reads everything. Told that only files it found changed, the load reuses the
//! last walk of `content/`, and when only bodies changed, the last content tree too.

use crate::content::FrontMatterCache;
use crate::fingerprint::CacheStats;
use crate::site::Memo;
use crate::theme::Theme;

/// The previous render's work, by fingerprint.
#[derive(Default)]
pub struct RenderCache {
    /// The compiled theme.
    pub(crate) theme: Option<Theme>,
    /// Each content file's parsed front matter.
    pub(crate) front_matter: FrontMatterCache,
    /// The last route table (reused when every claim is the same).
    pub(crate) routes: Option<crate::routes::Routes>,
    /// The render stage's memo: Markdown, pages and search records.
    pub(crate) site: Memo,
    /// What the last render did.
    pub stats: CacheStats,
}

impl RenderCache {
    /// An empty cache: the first render with it does all the work.
    pub fn new() -> Self {
        Self::default()
    }

    /// Says which paths changed on disk since the last render (relative to the site root;
    /// a folder stands for everything in it), or `None` when that is not known (the
    /// watcher lost events). From the first call on, a render reads again only the content
    /// files named since the last render that loaded the content, instead of every file.
    pub fn note_changes(&mut self, paths: Option<&std::collections::BTreeSet<std::path::PathBuf>>) {
        self.front_matter.note_changes(paths);
    }
}
