//! The themes compiled into the binary, so a site needs no `themes/` folder of its own.
//!
//! A site whose `theme:` (or a theme's `extends:`) names a built-in theme with no folder of
//! that name under `themes/` uses the built-in copy; a folder of that name always wins
//! (`tend init --eject-theme` writes one to start from). The built-in copy is written once
//! per content version into the user's cache folder (`$XDG_CACHE_HOME/tend/themes/` or
//! `~/.cache/tend/themes/`) and loaded from there like any theme folder, so every
//! diagnostic names a real file. A copy whose files differ from the binary's (edited or
//! half-written) is replaced before use.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::error::{Error, fs};
use crate::fingerprint::Fingerprint;

/// The default theme, as it was in `themes/default/` when this binary was built.
static DEFAULT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// The names of the built-in themes.
pub const NAMES: [&str; 1] = ["default"];

/// The built-in theme called `name`, if there is one.
fn theme(name: &str) -> Option<&'static Dir<'static>> {
    (name == "default").then_some(&DEFAULT)
}

/// The built-in default theme's strings files (`i18n/<code>.yaml`): the words every theme
/// can fall back on.
pub fn strings() -> impl Iterator<Item = (&'static Path, &'static [u8])> {
    DEFAULT.get_dir("i18n").into_iter().flat_map(|dir| dir.files()).map(|file| (file.path(), file.contents()))
}

/// Whether `name` is a built-in theme.
pub fn has(name: &str) -> bool {
    theme(name).is_some()
}

/// Where theme `name` is read from for the site at `root`: `themes/<name>` when that
/// exists (or is a link, which the loader then refuses), else the built-in copy when there
/// is one, else `themes/<name>` (which the loader reports as missing).
pub fn locate(root: &Path, name: &str) -> Result<PathBuf, Error> {
    let own = root.join("themes").join(name);
    if std::fs::symlink_metadata(&own).is_ok() {
        return Ok(own);
    }
    match theme(name) {
        Some(dir) => extracted(name, dir),
        None => Ok(own),
    }
}

/// Writes built-in theme `name` into `target` (which must not exist), for a site to edit.
pub fn eject(name: &str, target: &Path) -> Result<(), Error> {
    let dir = theme(name).ok_or_else(|| Error::Usage(format!("there is no built-in theme `{name}`")))?;
    write_tree(dir, target)
}

/// The folder holding an intact copy of `dir`, written first if needed.
fn extracted(name: &str, dir: &'static Dir<'static>) -> Result<PathBuf, Error> {
    let base = cache_dir()?.join("themes");
    let target = base.join(format!("{name}-{:032x}", digest(dir)));
    if intact(dir, &target) {
        return Ok(target);
    }
    fs::create_dir_all(&base)?;
    let staging = tempfile::Builder::new().prefix(&format!(".{name}-")).tempdir_in(&base).map_err(|source| {
        Error::Io { action: "could not create a folder for the built-in theme in", path: base.clone(), source }
    })?;
    write_tree(dir, staging.path())?;
    if target.exists() {
        // A damaged or edited copy: replace it.
        fs::remove_dir_all(&target)?;
    }
    match std::fs::rename(staging.path(), &target) {
        Ok(()) => {
            let _ = staging.keep();
            Ok(target)
        }
        // Another tend wrote it at the same moment.
        Err(_) if intact(dir, &target) => Ok(target),
        Err(source) => Err(Error::Io { action: "could not write the built-in theme to", path: target, source }),
    }
}

/// `$XDG_CACHE_HOME/tend`, or `~/.cache/tend`.
fn cache_dir() -> Result<PathBuf, Error> {
    let xdg = std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from).filter(|p| p.is_absolute());
    let cache = xdg.or_else(|| std::env::home_dir().map(|home| home.join(".cache")));
    cache.map(|dir| dir.join("tend")).ok_or_else(|| {
        Error::Usage(
            "the built-in theme needs a cache folder: set HOME or XDG_CACHE_HOME, or run `tend init --eject-theme` \
             to copy the theme into themes/default"
                .into(),
        )
    })
}

/// Every file of `dir` (relative path, bytes), recursively.
fn files(dir: &'static Dir<'static>) -> Vec<(&'static Path, &'static [u8])> {
    let mut all: Vec<(&Path, &[u8])> = dir.files().map(|file| (file.path(), file.contents())).collect();
    for sub in dir.dirs() {
        all.extend(files(sub));
    }
    all.sort();
    all
}

fn digest(dir: &'static Dir<'static>) -> u128 {
    let mut fingerprint = Fingerprint::new();
    for (path, bytes) in files(dir) {
        fingerprint.text(&path.to_string_lossy()).bytes(bytes);
    }
    fingerprint.finish()
}

/// Whether `target` holds exactly `dir`'s files (and no links).
fn intact(dir: &'static Dir<'static>, target: &Path) -> bool {
    let Ok((found, links)) = fs::files_and_links_under(target) else { return false };
    let expected = files(dir);
    links.is_empty()
        && found.len() == expected.len()
        && expected.iter().all(|(path, bytes)| std::fs::read(target.join(path)).is_ok_and(|on_disk| on_disk == *bytes))
}

fn write_tree(dir: &'static Dir<'static>, target: &Path) -> Result<(), Error> {
    for (path, bytes) in files(dir) {
        let to = target.join(path);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&to, bytes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_default_theme_is_the_bundled_one() {
        let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        assert!(intact(&DEFAULT, &bundled), "themes/default changed since this binary was built");
    }

    #[test]
    fn an_edited_copy_is_not_intact() {
        let temp = tempfile::tempdir().expect("temp");
        write_tree(&DEFAULT, temp.path()).expect("write");
        assert!(intact(&DEFAULT, temp.path()));
        std::fs::write(temp.path().join("templates/base.html"), "edited").expect("edit");
        assert!(!intact(&DEFAULT, temp.path()));
        std::fs::write(temp.path().join("extra.txt"), "x").expect("add");
        assert!(!intact(&DEFAULT, temp.path()));
    }
}
