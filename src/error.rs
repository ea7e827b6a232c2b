//! The library's error type, and `std::fs` wrappers whose errors name the path.
//!
//! Content problems are [`Diagnostic`]s collected by the stages; [`Error`] is what a
//! stage returns when it cannot go on: a set of diagnostics, or an I/O failure.

use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;

/// Why a build (or another command) failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The site has problems; all of them, sorted.
    #[error("{} problem(s) in the site", .0.len())]
    Site(Vec<Diagnostic>),
    /// A file or folder could not be read or written.
    #[error("{action} `{}`: {source}", .path.display())]
    Io {
        /// What was being done ("could not read", …).
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
    /// The command was asked to do something it will not do.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// A site error from a single diagnostic.
    pub fn one(diagnostic: Diagnostic) -> Self {
        Self::Site(vec![diagnostic])
    }
}

/// `std::fs` calls that say which path failed.
pub mod fs {
    use super::{Error, Path, PathBuf, io};

    fn wrap<T>(action: &'static str, path: &Path, result: io::Result<T>) -> Result<T, Error> {
        result.map_err(|source| Error::Io { action, path: path.to_path_buf(), source })
    }

    /// Reads a UTF-8 file.
    pub fn read_to_string(path: &Path) -> Result<String, Error> {
        wrap("could not read", path, std::fs::read_to_string(path))
    }

    /// Reads a file's bytes.
    pub fn read(path: &Path) -> Result<Vec<u8>, Error> {
        wrap("could not read", path, std::fs::read(path))
    }

    /// Writes a file, replacing it.
    pub fn write(path: &Path, contents: &[u8]) -> Result<(), Error> {
        wrap("could not write", path, std::fs::write(path, contents))
    }

    /// Creates a folder and its parents.
    pub fn create_dir_all(path: &Path) -> Result<(), Error> {
        wrap("could not create folder", path, std::fs::create_dir_all(path))
    }

    /// Copies a file.
    pub fn copy(from: &Path, to: &Path) -> Result<(), Error> {
        wrap("could not copy to", to, std::fs::copy(from, to).map(drop))
    }

    /// Renames a file or folder.
    pub fn rename(from: &Path, to: &Path) -> Result<(), Error> {
        wrap("could not rename", from, std::fs::rename(from, to))
    }

    /// Every file under `dir` as (path relative to `dir`, full path), sorted by name,
    /// skipping hidden and editor temporary files and folders. A missing `dir` has none.
    pub fn files_under(dir: &Path) -> Result<Files, Error> {
        files_and_links_under(dir).map(|(files, _)| files)
    }

    /// Files as (path relative to the folder walked, full path).
    pub type Files = Vec<(PathBuf, PathBuf)>;

    /// [`files_under`], plus the symbolic links it skipped (full paths). Links are never
    /// followed, so nothing outside the site's folders can be published through one.
    pub fn files_and_links_under(dir: &Path) -> Result<(Files, Vec<PathBuf>), Error> {
        walk_files(dir, &mut |entry| !is_ignored_name(&entry.file_name().to_string_lossy()))
    }

    /// What a static folder publishes: [`files_and_links_under`], but with the hidden
    /// names deploy targets read ([`PUBLISHED_HIDDEN`]); the hidden files and folders it
    /// skips that are not junk ([`is_junk_name`]) are listed third, for a warning.
    pub fn static_files_under(dir: &Path) -> Result<(Files, Vec<PathBuf>, Vec<PathBuf>), Error> {
        let mut hidden = Vec::new();
        let (files, links) = walk_files(dir, &mut |entry| {
            let name = entry.file_name().to_string_lossy();
            let keep = is_static_name(&name);
            if !keep && !is_junk_name(&name) {
                hidden.push(entry.path().to_path_buf());
            }
            keep
        })?;
        Ok((files, links, hidden))
    }

    fn walk_files(
        dir: &Path,
        keep: &mut dyn FnMut(&walkdir::DirEntry) -> bool,
    ) -> Result<(Files, Vec<PathBuf>), Error> {
        // A folder that is itself a link (`static -> ~`) is skipped and reported too.
        if std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
            return Ok((Vec::new(), vec![dir.to_path_buf()]));
        }
        if !dir.is_dir() {
            return Ok((Vec::new(), Vec::new()));
        }
        let walk = walkdir::WalkDir::new(dir).follow_root_links(false).sort_by_file_name().into_iter();
        let mut files = Vec::new();
        let mut links = Vec::new();
        for entry in walk.filter_entry(|e| e.depth() == 0 || keep(e)) {
            let entry = entry.map_err(|error| Error::Io {
                action: "could not read",
                path: error.path().unwrap_or(dir).to_path_buf(),
                source: error.into(),
            })?;
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path()).to_path_buf();
                files.push((rel, entry.path().to_path_buf()));
            } else if entry.path_is_symlink() && entry.depth() > 0 {
                links.push(entry.path().to_path_buf());
            }
        }
        Ok((files, links))
    }

    /// The first folder from `root` (exclusive) down to `path` (inclusive) that is a
    /// symbolic link, if any: reading `path` would follow it.
    pub fn linked_folder(root: &Path, path: &Path) -> Option<PathBuf> {
        let inside = path.strip_prefix(root).ok()?;
        let mut current = root.to_path_buf();
        for component in inside.components() {
            current.push(component);
            if std::fs::symlink_metadata(&current).is_ok_and(|m| m.file_type().is_symlink()) {
                return Some(current);
            }
        }
        None
    }

    /// A warning for a hidden file or folder of a static folder that is not published.
    pub fn skipped_hidden(root: &Path, path: &Path) -> crate::Diagnostic {
        let what = if path.is_dir() { "hidden folder" } else { "hidden file" };
        crate::Diagnostic::warning(
            path.strip_prefix(root).unwrap_or(path),
            format!("this is a {what}, so it is not published"),
        )
        .with_hint(format!(
            "of hidden names, static folders publish only {}; rename it without the leading `.` to publish it, or move it out of the static folder",
            PUBLISHED_HIDDEN.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(" and ")
        ))
    }

    /// A warning for a symbolic link that was skipped, named relative to `root`.
    pub fn skipped_link(root: &Path, link: &Path) -> crate::Diagnostic {
        crate::Diagnostic::warning(
            link.strip_prefix(root).unwrap_or(link),
            "this is a symbolic link; tend does not follow links, so it is not published",
        )
        .with_hint("copy the file or folder here instead of linking to it")
    }

    /// Whether a file is hidden, or an editor's temporary or backup file.
    pub fn is_ignored_name(name: &str) -> bool {
        name.starts_with('.') || is_junk_name(name)
    }

    /// Hidden names a static folder publishes: web hosts and deploy targets read them
    /// (`.well-known/security.txt`, GitHub Pages' `.nojekyll`).
    pub const PUBLISHED_HIDDEN: &[&str] = &[".well-known", ".nojekyll"];

    /// Whether a static folder publishes a file or folder of this name.
    pub fn is_static_name(name: &str) -> bool {
        !is_junk_name(name) && (!name.starts_with('.') || PUBLISHED_HIDDEN.contains(&name))
    }

    /// An editor's temporary or backup file, or what an operating system or version
    /// control leaves in folders: never published, never worth a word.
    pub fn is_junk_name(name: &str) -> bool {
        name.starts_with('#')
            || name.starts_with(".#")
            || name.starts_with("._")
            || name.starts_with(".git")
            || name.starts_with(".~lock.")
            || matches!(
                name,
                ".DS_Store" | ".Spotlight-V100" | ".Trashes" | ".fseventsd" | ".directory" | ".hg" | ".svn"
            )
            || name.ends_with('~')
            || name.ends_with(".swp")
            || name.ends_with(".swx")
            || name.ends_with(".swo")
            || name.ends_with(".tmp")
            || name == "4913"
    }

    /// Removes a folder and everything in it.
    pub fn remove_dir_all(path: &Path) -> Result<(), Error> {
        wrap("could not remove", path, std::fs::remove_dir_all(path))
    }
}
