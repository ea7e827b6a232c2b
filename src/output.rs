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

/// An output folder, resolved and checked: see [`OutputDir::resolve`].
#[derive(Debug, Clone)]
pub struct OutputDir {
    /// Absolute, with every `..` and symbolic link in the part that exists resolved.
    path: PathBuf,
}

/// The folders of a site that hold its sources: an output folder may never be one of
/// them, inside one of them, or hold the site.
const SOURCE_FOLDERS: [&str; 6] = ["content", "static", "themes", "templates", "src", ".git"];

impl OutputDir {
    /// The folder at `path` taken as it is (tests, `serve`'s snapshot). Use
    /// [`OutputDir::resolve`] for anything a user named.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The output folder `output` (relative to `root` unless absolute), resolved the way
    /// the final rename will see it, and refused when publishing there could destroy
    /// anything: the site root or one of its ancestors, a source folder or anything inside
    /// one, a file, a mount point, or a folder tend did not write.
    pub fn resolve(root: &Path, output: &Path) -> Result<Self, Error> {
        let root = resolve_path(root);
        let path = resolve_path(&root.join(output));
        let shown = output.display();
        if path.parent().is_none() || root.starts_with(&path) {
            return Err(Error::Usage(format!(
                "refusing to write the site to `{shown}` (`{}`): it holds the site itself; choose a folder such as `public`",
                path.display()
            )));
        }
        if let Some(dir) = SOURCE_FOLDERS.iter().find(|dir| path.starts_with(root.join(dir))) {
            return Err(Error::Usage(format!(
                "refusing to write the site to `{shown}` (`{}`): it is inside the site's `{dir}` folder and would replace sources; choose a folder such as `public`",
                path.display()
            )));
        }
        let dir = Self { path };
        dir.check_replaceable(&shown.to_string())?;
        Ok(dir)
    }

    /// The folder's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Refuses a file, a mount point, and a non-empty folder without tend's marker.
    fn check_replaceable(&self, shown: &str) -> Result<(), Error> {
        let Ok(metadata) = std::fs::symlink_metadata(&self.path) else { return Ok(()) };
        if !metadata.is_dir() {
            return Err(Error::Usage(format!(
                "the output `{shown}` is a file, not a folder; choose another output folder"
            )));
        }
        if is_mount_point(&self.path, &metadata) {
            return Err(Error::Usage(format!(
                "the output `{shown}` is a mount point: tend publishes by swapping the whole folder, which a mount point cannot be; publish into a folder inside it (e.g. `{shown}/site`)"
            )));
        }
        if !self.path.join(MARKER).exists() && !is_empty_dir(&self.path) {
            return Err(Error::Usage(format!(
                "refusing to replace `{shown}`: it was not written by tend (no `{MARKER}` file in it); remove it or choose another output folder"
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

    /// Takes the output folder's lock (beside it, since the folder itself is swapped),
    /// then clears what builds killed part-way left behind. Held until the returned
    /// guard drops; a second build meanwhile gets a clear error instead of a race.
    pub fn lock(&self) -> Result<Lock, Error> {
        let (parent, name) = self.parent_and_name();
        fs::create_dir_all(&parent)?;
        let path = parent.join(format!(".{name}.tend-lock"));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| Error::Io { action: "could not create the lock file", path: path.clone(), source })?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::Usage(format!(
                    "another tend build is publishing to `{}` right now (it holds `{}`); wait for it to finish, then build again",
                    self.path.display(),
                    path.display()
                )));
            }
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(Error::Io { action: "could not lock", path, source });
            }
        }
        self.clean_leftovers(&parent, &name)?;
        Ok(Lock { _file: file })
    }

    /// Removes staging and old folders of killed builds. If a build was killed between
    /// moving the old output away and moving the new one in (the fallback swap), the old
    /// output is put back first, so the published site is never simply gone.
    fn clean_leftovers(&self, parent: &Path, name: &str) -> Result<(), Error> {
        let staging = format!(".{name}.tend-staging-");
        let old = format!(".{name}.tend-old-");
        let entries = std::fs::read_dir(parent).map_err(|source| Error::Io {
            action: "could not read",
            path: parent.to_path_buf(),
            source,
        })?;
        let mut leftovers: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|entry| {
                let file_name = entry.file_name().to_string_lossy().into_owned();
                file_name.starts_with(&staging) || file_name.starts_with(&old)
            })
            .map(|entry| entry.path())
            .collect();
        leftovers.sort();
        for leftover in leftovers {
            let is_old = leftover.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&old));
            if is_old && !self.path.exists() && leftover.join(MARKER).exists() {
                fs::rename(&leftover, &self.path)?;
            } else if std::fs::symlink_metadata(&leftover).is_ok_and(|m| m.is_dir()) {
                fs::remove_dir_all(&leftover)?;
            }
        }
        Ok(())
    }

    fn parent_and_name(&self) -> (PathBuf, String) {
        let parent = self.path.parent().map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
        let name = self.path.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        (parent, name)
    }

    /// Writes `site` and swaps it in, recording `search_stamp` in the marker. On error
    /// the previous output is untouched. Call it holding [`OutputDir::lock`].
    pub fn publish(&self, site: &Site, search_stamp: Option<&str>) -> Result<Written, Error> {
        let (parent, name) = self.parent_and_name();
        fs::create_dir_all(&parent)?;
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

    /// Replaces the output folder with `staged`: one atomic exchange where the system
    /// has it (Linux `renameat2(RENAME_EXCHANGE)`), so there is no moment without a
    /// published site; otherwise two renames, which [`OutputDir::lock`] repairs if a
    /// build is killed between them.
    fn swap(&self, staged: &Path, parent: &Path, name: &str) -> Result<(), Error> {
        if !self.path.exists() {
            return fs::rename(staged, &self.path);
        }
        if exchange(staged, &self.path) {
            // `staged` now holds the previous output.
            return fs::remove_dir_all(staged);
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

/// Held while a build publishes; see [`OutputDir::lock`].
#[derive(Debug)]
pub struct Lock {
    _file: std::fs::File,
}

/// Swaps two folders atomically; false where the system cannot (the caller falls back).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok()
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}

/// Whether `path` is mounted on its own (its device differs from its parent's).
#[cfg(unix)]
fn is_mount_point(path: &Path, metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    path.parent().and_then(|parent| std::fs::metadata(parent).ok()).is_some_and(|parent| parent.dev() != metadata.dev())
}

#[cfg(not(unix))]
fn is_mount_point(_: &Path, _: &std::fs::Metadata) -> bool {
    false
}

/// `path` made absolute the way the system will resolve it when tend creates the missing
/// part and renames into it: each existing prefix is canonicalised (resolving symbolic
/// links and `..` as the kernel does), and `..` after a missing component removes it (as
/// it will once `create_dir_all` has made it).
pub fn resolve_path(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut resolved = PathBuf::new();
    for component in absolute.components() {
        match component {
            std::path::Component::ParentDir => {
                resolved.pop();
            }
            std::path::Component::CurDir => {}
            other => {
                resolved.push(other);
                if let Ok(real) = resolved.canonicalize() {
                    resolved = real;
                }
            }
        }
    }
    resolved
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
