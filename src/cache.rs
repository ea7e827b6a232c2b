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
//!   its whole template context, which is everything the template can read.
//!
//! So the dependency graph is never written down and cannot go stale: editing an
//! article's body changes its own context only; changing its title changes the context of
//! every page whose sidebar, neighbours, topic or tag list shows that title, and exactly
//! those pages render again. Nothing is kept for a build, which starts cold every time.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

use crate::content::FrontMatterCache;
use crate::markdown::Rendered;
use crate::search::Record;
use crate::theme::Theme;

/// Values kept from the last render, by path, each with the fingerprint of its inputs.
pub(crate) type Kept<T> = HashMap<PathBuf, (u128, T)>;

/// Takes the value kept for `path` out of `previous` if it was made from the same inputs
/// (`fingerprint`); a stale one is dropped.
pub(crate) fn take_kept<T>(previous: &mut Kept<T>, path: &std::path::Path, fingerprint: u128) -> Option<T> {
    previous.remove(path).filter(|(old, _)| *old == fingerprint).map(|(_, value)| value)
}

/// The previous render's work, by fingerprint.
#[derive(Default)]
pub struct RenderCache {
    /// The compiled theme.
    pub(crate) theme: Option<Theme>,
    /// Each content file's parsed front matter.
    pub(crate) front_matter: FrontMatterCache,
    /// Source path → (fingerprint, rendered Markdown).
    pub(crate) markdown: Kept<Rendered>,
    /// Output path → (fingerprint, HTML).
    pub(crate) pages: Kept<Arc<[u8]>>,
    /// Source path → (fingerprint, search record or none).
    pub(crate) records: Kept<Option<Record>>,
    /// What the last render did.
    pub stats: CacheStats,
}

/// How much of the last render was new work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Whether the theme's templates were compiled (rather than reused).
    pub theme_compiled: bool,
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

impl RenderCache {
    /// An empty cache: the first render with it does all the work.
    pub fn new() -> Self {
        Self::default()
    }
}

/// A 128-bit fingerprint being built (XXH3). Each piece is length-prefixed, so two
/// different sequences of pieces cannot run together into the same bytes.
#[derive(Clone, Default)]
pub(crate) struct Fingerprint(Xxh3);

impl Fingerprint {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Adds raw bytes.
    pub(crate) fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// Adds a string.
    pub(crate) fn text(&mut self, text: &str) -> &mut Self {
        self.bytes(text.as_bytes())
    }

    /// Adds a value as its JSON (what a template would see), without building the JSON.
    pub(crate) fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> &mut Self {
        // Serializing writes many tiny pieces; hashing them in blocks is several times
        // faster. A writer cannot fail, and a value that cannot be serialized fails the
        // template render the same way, so the error carries no information.
        let mut writer = std::io::BufWriter::with_capacity(8192, Writer(&mut self.0));
        let fingerprinting = Fingerprinting::start();
        let _ = serde_json::to_writer(&mut writer, value);
        drop(fingerprinting);
        let _ = writer.flush();
        drop(writer);
        self.0.update(&[0xff]);
        self
    }

    /// Adds another fingerprint.
    pub(crate) fn digest(&mut self, digest: u128) -> &mut Self {
        self.0.update(&digest.to_le_bytes());
        self
    }

    pub(crate) fn finish(&self) -> u128 {
        self.0.digest128()
    }
}

thread_local! {
    /// Set while a value is serialized for its fingerprint (see [`LongText`]).
    static FINGERPRINTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Sets [`FINGERPRINTING`] for its lifetime, and clears it even if serializing panics
/// (a flag left set would turn page bodies into hashes in later renders on the thread).
struct Fingerprinting;

impl Fingerprinting {
    fn start() -> Self {
        FINGERPRINTING.set(true);
        Self
    }
}

impl Drop for Fingerprinting {
    fn drop(&mut self) {
        FINGERPRINTING.set(false);
    }
}

/// Long text (a page's HTML body) that templates see as a string. For a fingerprint it
/// serializes as its own 128-bit hash: the same information for the fingerprint, but
/// hashed at memory speed instead of JSON-escaped byte by byte.
#[derive(Debug, Clone, Default)]
pub struct LongText(pub String);

impl Serialize for LongText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if FINGERPRINTING.get() {
            serializer.serialize_u128(xxhash_rust::xxh3::xxh3_128(self.0.as_bytes()))
        } else {
            serializer.serialize_str(&self.0)
        }
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
    fn long_text_is_a_string_to_templates_and_a_hash_to_fingerprints() {
        let text = LongText("<p>a \"quoted\" body</p>".into());
        assert_eq!(serde_json::to_string(&text).expect("json"), r#""<p>a \"quoted\" body</p>""#);
        let of = |s: &str| Fingerprint::new().value(&LongText(s.into())).finish();
        assert_eq!(of("<p>a</p>"), of("<p>a</p>"));
        assert_ne!(of("<p>a</p>"), of("<p>b</p>"));
        assert!(!FINGERPRINTING.get(), "the flag is cleared after fingerprinting");
    }

    #[test]
    fn pieces_do_not_run_together() {
        let a = Fingerprint::new().text("ab").text("c").finish();
        let b = Fingerprint::new().text("a").text("bc").finish();
        assert_ne!(a, b);
        assert_eq!(a, Fingerprint::new().text("ab").text("c").finish());
    }
}
