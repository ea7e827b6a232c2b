//! Fingerprints: the dependency-free helpers every memo is built on.
//!
//! A value kept from one render for the next (see [`crate::cache`]) is filed under a
//! 128-bit XXH3 fingerprint of all of its inputs and reused only when the new fingerprint
//! is the same. This module imports nothing from the rest of the crate, so every stage can
//! use it without the stages depending on each other through it.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

/// Values kept from the last render, by path, each with the fingerprint of its inputs.
pub type Kept<T> = HashMap<PathKey, (u128, T)>;

/// A path as a hash key, by its bytes: hashing or comparing a `Path` walks its components,
/// which was a visible share of a 10,000-page rebuild. Paths are normalised once, when
/// read, so the same file always has the same bytes. Look one up with `path.as_os_str()`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PathKey(OsString);

impl From<PathBuf> for PathKey {
    fn from(path: PathBuf) -> Self {
        Self(path.into_os_string())
    }
}

impl From<&Path> for PathKey {
    fn from(path: &Path) -> Self {
        Self(path.as_os_str().to_owned())
    }
}

impl std::borrow::Borrow<OsStr> for PathKey {
    fn borrow(&self) -> &OsStr {
        &self.0
    }
}

/// Takes the value kept for `path` out of `previous` if it was made from the same inputs
/// (`fingerprint`); a stale one is dropped.
pub fn take_kept<T>(previous: &mut Kept<T>, path: &Path, fingerprint: u128) -> Option<T> {
    previous.remove(path.as_os_str()).filter(|(old, _)| *old == fingerprint).map(|(_, value)| value)
}

/// How much of the last render was new work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Whether the theme's templates were compiled (rather than reused).
    pub theme_compiled: bool,
    /// Content files read from disk (the others' text was kept: see
    /// `RenderCache::note_changes`).
    pub files_read: usize,
    /// Content files whose front matter was parsed.
    pub front_matter_parsed: usize,
    /// Markdown files rendered.
    pub markdown_rendered: usize,
    /// Markdown files reused.
    pub markdown_reused: usize,
    /// Pages rendered from templates.
    pub pages_rendered: usize,
    /// Pages reused.
    pub pages_reused: usize,
}

/// A 128-bit fingerprint being built (XXH3). Each piece is length-prefixed, so two
/// different sequences of pieces cannot run together into the same bytes.
#[derive(Clone, Default)]
pub struct Fingerprint(Xxh3);

impl Fingerprint {
    /// An empty fingerprint.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds raw bytes.
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// Adds a string.
    pub fn text(&mut self, text: &str) -> &mut Self {
        self.bytes(text.as_bytes())
    }

    /// Adds a value as its JSON (what a template would see), without building the JSON.
    /// Long text (a page's HTML body) is better added with [`Fingerprint::text`], which
    /// hashes it at memory speed instead of JSON-escaping it byte by byte.
    pub fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> &mut Self {
        // Serializing writes many tiny pieces; hashing them in blocks is several times
        // faster. A writer cannot fail, and a value that cannot be serialized fails the
        // template render the same way, so the error carries no information.
        let mut writer = std::io::BufWriter::with_capacity(8192, Writer(&mut self.0));
        let _ = serde_json::to_writer(&mut writer, value);
        let _ = writer.flush();
        drop(writer);
        self.0.update(&[0xff]);
        self
    }

    /// Adds another fingerprint.
    pub fn digest(&mut self, digest: u128) -> &mut Self {
        self.0.update(&digest.to_le_bytes());
        self
    }

    /// The 128-bit digest of everything added.
    pub fn finish(&self) -> u128 {
        self.0.digest128()
    }
}

struct Writer<'a>(&'a mut Xxh3);

impl Write for Writer<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_do_not_run_together() {
        let a = Fingerprint::new().text("ab").text("c").finish();
        let b = Fingerprint::new().text("a").text("bc").finish();
        assert_ne!(a, b);
        assert_eq!(a, Fingerprint::new().text("ab").text("c").finish());
    }
}
