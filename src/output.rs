//! The output folder: publishing a built [`Site`] atomically.
//!
//! Owns every write under the output folder. A build is written to a staging folder
//! beside the output; files whose bytes did not change are hard-linked from the
//! previous output (so unchanged pages keep their mtimes and cost no write); only when
//! every file is in place is the staging folder swapped in by rename. A failed build
//! never touches the published folder. Nothing outside the output folder is ever
//! written or removed, and a folder tend did not create is never replaced.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, fs};
use crate::site::{Contents, OutputFile, Site};

/// Marker file that says a folder was written by tend and may be replaced.
pub const MARKER: &str = ".tend-output";

/// How the marker records the search index's stamp.
const STAMP_PREFIX: &str = "search-index: ";

/// What a publish did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Files in the published folder.
    pub files: usize,
    /// Files carried over unchanged from the previous build.
    pub unchanged: usize,
}

/// An output folder.
#[derive(Debug, Clone)]
pub struct OutputDir {
    path: PathBuf,
}

impl OutputDir {
    /// The folder at `path` (it need not exist).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The folder's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Refuses output folders that would destroy sources: the site root itself, any of
    /// its ancestors, or anything inside the source folders.
    pub fn check_safe(&self, root: &Path) -> Result<(), Error> {
        let output = absolute(&self.path);
        let root = absolute(root);
        let sources = ["content", "static", "themes", "templates", "src", ".git"];
        if root.starts_with(&output) || sources.iter().any(|dir| output.starts_with(root.join(dir))) {
            return Err(Error::Usage(format!(
                "refusing to write the site to `{}`: it would replace the site's own sources; choose a folder such as `public`",
                self.path.display()
            )));
        }
        if self.path.is_file() {
            return Err(Error::Usage(format!("the output `{}` is a file, not a folder", self.path.display())));
        }
        if self.path.is_dir() && !self.path.join(MARKER).exists() && !is_empty_dir(&self.path) {
            return Err(Error::Usage(format!(
                "refusing to replace `{}`: it was not written by tend (no `{MARKER}` file in it); remove it or choose another output folder",
                self.path.display()
            )));
        }
        Ok(())
    }

    /// The search-index stamp the published folder's marker records, if any (see
    /// [`crate::search::Indexer`]).
    pub fn search_stamp(&self) -> Option<String> {
        let marker = std::fs::read_to_string(self.path.join(MARKER)).ok()?;
        marker.lines().find_map(|line| line.strip_prefix(STAMP_PREFIX)).map(str::to_owned)
    }

    /// Writes `site` and swaps it in, recording `search_stamp` in the marker. On error
    /// the previous output is untouched.
    pub fn publish(&self, site: &Site, search_stamp: Option<&str>) -> Result<Written, Error> {
        let parent = match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)?;
        let name = self.path.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let staging = tempfile::Builder::new().prefix(&format!(".{name}.tend-staging-")).tempdir_in(&parent).map_err(
            |source| Error::Io { action: "could not create a staging folder in", path: parent.clone(), source },
        )?;
        let unchanged = self.write_all(staging.path(), &site.files)?;
        let mut marker = String::from("Written by tend. tend replaces this folder on every build.\n");
        if let Some(stamp) = search_stamp {
            marker.push_str(&format!("{STAMP_PREFIX}{stamp}\n"));
        }
        fs::write(&staging.path().join(MARKER), marker.as_bytes())?;
        let staged = staging.keep();
        if let Err(error) = self.swap(&staged, &parent, &name) {
            let _ = std::fs::remove_dir_all(&staged);
            return Err(error);
        }
        Ok(Written { files: site.files.len(), unchanged })
    }

    /// Writes every file into `staging`; returns how many were reused unchanged.
    fn write_all(&self, staging: &Path, files: &[OutputFile]) -> Result<usize, Error> {
        // Folders first, in parallel: on a slow disk mkdir is the costliest call of a build.
        let dirs: BTreeSet<&Path> = files.iter().filter_map(|f| f.path.parent()).collect();
        let dirs: Vec<&Path> = dirs.into_iter().collect();
        dirs.par_iter().map(|dir| fs::create_dir_all(&staging.join(dir))).collect::<Result<(), Error>>()?;
        let reused: Vec<Result<bool, Error>> = files.par_iter().map(|file| self.write_one(staging, file)).collect();
        let mut count = 0;
        for result in reused {
            count += usize::from(result?);
        }
        Ok(count)
    }

    /// Writes one file, or hard-links the previous build's identical copy.
    fn write_one(&self, staging: &Path, file: &OutputFile) -> Result<bool, Error> {
        let target = staging.join(&file.path);
        let previous = self.path.join(&file.path);
        let same = match &file.contents {
            Contents::Bytes(bytes) => same_bytes(&previous, bytes),
            Contents::Copy(source) => same_file_contents(&previous, source),
        };
        if same && std::fs::hard_link(&previous, &target).is_ok() {
            return Ok(true);
        }
        match &file.contents {
            Contents::Bytes(bytes) => fs::write(&target, bytes)?,
            Contents::Copy(source) => fs::copy(source, &target)?,
        }
        Ok(false)
    }

    /// Replaces the output folder with `staged`.
    fn swap(&self, staged: &Path, parent: &Path, name: &str) -> Result<(), Error> {
        if !self.path.exists() {
            return fs::rename(staged, &self.path);
        }
        let old = parent.join(format!(".{name}.tend-old-{}", std::process::id()));
        if old.exists() {
            fs::remove_dir_all(&old)?;
        }
        fs::rename(&self.path, &old)?;
        if let Err(error) = fs::rename(staged, &self.path) {
            let _ = std::fs::rename(&old, &self.path);
            return Err(error);
        }
        fs::remove_dir_all(&old)
    }
}

fn absolute(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // Canonicalise the longest existing ancestor so symlinks cannot hide the root.
    for ancestor in absolute.ancestors() {
        if let Ok(real) = ancestor.canonicalize() {
            let rest = absolute.strip_prefix(ancestor).unwrap_or(Path::new(""));
            return real.join(rest);
        }
    }
    absolute
}

fn is_empty_dir(path: &Path) -> bool {
    std::fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_none())
}

fn same_bytes(previous: &Path, bytes: &[u8]) -> bool {
    std::fs::metadata(previous).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && std::fs::read(previous).is_ok_and(|old| old == bytes)
}

fn same_file_contents(previous: &Path, source: &Path) -> bool {
    let (Ok(old), Ok(new)) = (std::fs::metadata(previous), std::fs::metadata(source)) else {
        return false;
    };
    old.is_file() && old.len() == new.len() && std::fs::read(previous).ok() == std::fs::read(source).ok()
}
