//! Watching the site's sources: notify events, debounced and classified.
//!
//! Owns which paths matter (content, static, themes, templates, `site.yaml`), which do
//! not (the output, editor swap and backup files, hidden files), and turning a burst of
//! filesystem events into one [`Change`]. It knows nothing of HTTP or rendering.
//!
//! Like the build, it never follows symbolic links: a link inside a source folder, or a
//! source folder that is a link, is not watched through (the build skips both with a
//! warning, so changes behind them cannot change the site).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, Debouncer, NoCache, new_debouncer_opt};

use crate::error::Error;

/// How long a path must be quiet before its events are passed on. Editors that save by
/// writing a swap file, renaming and deleting finish within a few milliseconds. A rebuild
/// reads the files as they are when it starts, not the events, so a burst split over two
/// batches still ends in the right site (the second rebuild finds nothing new). It is most
/// of a small site's save-to-screen time: 20 ms gave 40 ms at 1,000 articles, 10 ms gives 30.
pub const DEBOUNCE: Duration = Duration::from_millis(10);

/// How often the debouncer looks for quiet paths.
const TICK: Duration = Duration::from_millis(5);

/// Top-level folders that hold sources.
const SOURCE_DIRS: &[&str] = &["content", "static", "themes", "templates"];

/// What kind of source changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `site.yaml`.
    Config,
    /// Markdown under `content/` (or a file beside an article).
    Content,
    /// A template under `themes/*/templates` or `templates/`.
    Template,
    /// A stylesheet under `static/` or a theme's `static/`.
    Style,
    /// Any other static file.
    Static,
}

/// One debounced batch of relevant changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// Kinds present in the batch.
    pub kinds: BTreeSet<Kind>,
    /// Changed paths, relative to the site root.
    pub paths: BTreeSet<PathBuf>,
    /// Whether changes may have been missed (the kernel's event queue overflowed, or a
    /// watch failed): the sources must be read again in full, not just `paths`.
    pub rescan: bool,
}

impl Change {
    /// Whether only stylesheets changed (the browser can swap them without a reload).
    pub fn is_style_only(&self) -> bool {
        !self.kinds.is_empty() && self.kinds.iter().all(|k| *k == Kind::Style)
    }

    /// Adds a path if it matters.
    pub fn add(&mut self, root: &Path, path: &Path) {
        if let Some(kind) = classify(root, path) {
            self.kinds.insert(kind);
            self.paths.insert(path.strip_prefix(root).unwrap_or(path).to_path_buf());
        }
    }
}

/// What a changed path is, or `None` when it cannot affect the site.
pub fn classify(root: &Path, path: &Path) -> Option<Kind> {
    let rel = path.strip_prefix(root).ok()?;
    // Static folders publish `.well-known/` and `.nojekyll`; a change there is a change.
    if rel.components().any(|c| !crate::error::fs::is_static_name(&c.as_os_str().to_string_lossy())) {
        return None;
    }
    let mut parts = rel.iter().map(|p| p.to_string_lossy());
    let first = parts.next()?;
    if first == crate::config::FILE_NAME && rel.components().count() == 1 {
        return Some(Kind::Config);
    }
    let is_style = rel.extension().is_some_and(|e| e == "css");
    match first.as_ref() {
        "content" => Some(Kind::Content),
        "templates" => Some(Kind::Template),
        "static" if is_style => Some(Kind::Style),
        "static" => Some(Kind::Static),
        "themes" => {
            // The themes folder or a theme's folder itself: created, or renamed into place.
            let (Some(_theme), Some(part)) = (parts.next(), parts.next()) else { return Some(Kind::Template) };
            match part.as_ref() {
                "templates" => Some(Kind::Template),
                "static" if is_style => Some(Kind::Style),
                "static" => Some(Kind::Static),
                "theme.yaml" => Some(Kind::Config),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether an event can change a file. Reading a file is an event too (inotify's open
/// and close): counting it would make every rebuild, which reads every source, trigger
/// the next one, forever. Only writes, creations, removals and renames count.
pub fn changes_files(kind: &notify::EventKind) -> bool {
    kind.is_create() || kind.is_modify() || kind.is_remove()
}

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    debouncer: Debouncer<notify::RecommendedWatcher, NoCache>,
    root: PathBuf,
    /// Source folders being watched, with the identity of the folder watched.
    watched: BTreeMap<PathBuf, Identity>,
}

/// Which folder a path named when it was watched (device and inode on Unix), so a
/// folder deleted and created again is watched again.
type Identity = (u64, u64);

/// `None` for a missing folder, a file, or a symbolic link (never followed).
fn identity(dir: &Path) -> Option<Identity> {
    let metadata = std::fs::symlink_metadata(dir).ok().filter(std::fs::Metadata::is_dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((metadata.dev(), metadata.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        Some((0, 0))
    }
}

impl Watcher {
    /// Watches `root`'s sources and calls `on_change` with each relevant batch.
    /// A relative `root` is taken from the current folder, as notify takes the paths it
    /// watches, so event paths and the root compare like with like.
    pub fn start(root: &Path, mut on_change: impl FnMut(Change) + Send + 'static) -> Result<Self, Error> {
        let root = &std::path::absolute(root).map_err(|source| Error::Io {
            action: "could not find the current folder for",
            path: root.to_path_buf(),
            source,
        })?;
        let events_root = root.clone();
        let handler = move |result: DebounceEventResult| {
            let events = match result {
                Ok(events) => events,
                Err(errors) => {
                    // Lost events or a watch that could not be added: say so, since
                    // saves may then not rebuild, and read everything again.
                    for error in errors {
                        let message =
                            format!("watching for changes: {error}; if a save does not show, restart tend serve");
                        crate::diagnostic::eprint_message(crate::diagnostic::Severity::Warning, &message);
                    }
                    on_change(Change { rescan: true, ..Change::default() });
                    return;
                }
            };
            let mut change = Change::default();
            for event in events.iter() {
                // The kernel's queue overflowed: which files changed is unknown.
                change.rescan |= event.need_rescan();
                if changes_files(&event.kind) {
                    for path in &event.paths {
                        change.add(&events_root, path);
                    }
                }
            }
            if !change.kinds.is_empty() || change.rescan {
                on_change(change);
            }
        };
        // The file-id cache (used off Linux to pair renames) walks the tree following
        // links; a rebuild reads the disk afresh, so it needs no pairing.
        let config = notify::Config::default().with_follow_symlinks(false);
        let debouncer = new_debouncer_opt(DEBOUNCE, Some(TICK), handler, NoCache, config)
            .map_err(|error| watch_error(root, error))?;
        let mut watcher = Self { debouncer, root: root.to_path_buf(), watched: BTreeMap::new() };
        watcher.debouncer.watch(root, RecursiveMode::NonRecursive).map_err(|error| watch_error(root, error))?;
        watcher.refresh(&BTreeSet::new())?;
        Ok(watcher)
    }

    /// Starts watching source folders that appeared (or were deleted and created again)
    /// since the last call, and forgets those that are gone. `tend serve` calls it before
    /// every rebuild with the batch's `changed` paths (relative to the root), so a
    /// `static/` folder created while serving is watched from then on. A folder named in
    /// `changed` itself is watched afresh: a new folder can reuse a deleted one's inode.
    pub fn refresh(&mut self, changed: &BTreeSet<PathBuf>) -> Result<(), Error> {
        for name in SOURCE_DIRS {
            let dir = self.root.join(name);
            let now = identity(&dir);
            let before = self.watched.get(&dir).copied();
            if now == before && !changed.contains(Path::new(name)) {
                continue;
            }
            if before.is_some() {
                // The old watch may already be gone with its folder.
                let _ = self.debouncer.unwatch(&dir);
                self.watched.remove(&dir);
            }
            if let Some(now) = now {
                self.debouncer.watch(&dir, RecursiveMode::Recursive).map_err(|error| watch_error(&dir, error))?;
                self.watched.insert(dir, now);
            }
        }
        Ok(())
    }
}

fn watch_error(path: &Path, error: notify::Error) -> Error {
    Error::Io { action: "could not watch", path: path.to_path_buf(), source: std::io::Error::other(error.to_string()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(path: &str) -> Option<Kind> {
        classify(Path::new("/site"), &Path::new("/site").join(path))
    }

    #[test]
    fn classifies_sources() {
        assert_eq!(kind("site.yaml"), Some(Kind::Config));
        assert_eq!(kind("content/a/b.md"), Some(Kind::Content));
        assert_eq!(kind("content/a/b/photo.jpg"), Some(Kind::Content));
        assert_eq!(kind("themes/default/templates/base.html"), Some(Kind::Template));
        assert_eq!(kind("templates/article.html"), Some(Kind::Template));
        assert_eq!(kind("themes/default/static/style.css"), Some(Kind::Style));
        assert_eq!(kind("static/img/a.png"), Some(Kind::Static));
        assert_eq!(kind("static/.well-known/security.txt"), Some(Kind::Static));
        assert_eq!(kind("themes/default/static/.nojekyll"), Some(Kind::Static));
        assert_eq!(kind("themes/default/theme.yaml"), Some(Kind::Config));
        assert_eq!(kind("themes"), Some(Kind::Template), "the themes folder itself");
        assert_eq!(kind("themes/plain"), Some(Kind::Template), "a theme folder renamed into place");
    }

    #[test]
    fn ignores_output_editor_files_and_other_folders() {
        for path in [
            "public/index.html",
            "target/debug/tend",
            "content/a/.b.md.swp",
            "content/a/b.md~",
            "content/a/4913",
            "content/a/.#b.md",
            ".git/index",
            "static/.DS_Store",
            "README.md",
        ] {
            assert_eq!(kind(path), None, "{path}");
        }
    }

    #[test]
    fn reading_files_is_not_a_change() {
        use notify::EventKind;
        use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RemoveKind, RenameMode};
        assert!(!changes_files(&EventKind::Access(AccessKind::Open(AccessMode::Read))));
        assert!(!changes_files(&EventKind::Access(AccessKind::Close(AccessMode::Read))));
        assert!(changes_files(&EventKind::Create(CreateKind::File)));
        assert!(changes_files(&EventKind::Modify(ModifyKind::Name(RenameMode::Both))));
        assert!(changes_files(&EventKind::Remove(RemoveKind::File)));
    }

    #[test]
    fn style_only_batches_are_recognised() {
        let root = Path::new("/site");
        let mut change = Change::default();
        change.add(root, &root.join("static/a.css"));
        change.add(root, &root.join("content/a.md~"));
        assert!(change.is_style_only());
        change.add(root, &root.join("content/a.md"));
        assert!(!change.is_style_only());
    }
}
