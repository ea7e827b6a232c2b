//! Pages and topics as loaded from `content/`, and the rules that give them URLs.
//!
//! Owns [`Page`], [`Topic`], [`Permalink`] and slug rules. Pure data: reading files
//! and resolving cross-references happen in [`super::Content::load`].

use std::path::{Path, PathBuf};

use super::front_matter::FrontMatter;

pub use crate::sitepath::{Permalink, slugify};

/// An article (`content/<topic>/<slug>.md` or `<slug>/index.md`) or a standalone page at
/// the content root (`content/<slug>.md`).
#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to the site root, e.g. `content/feelings/low.md`.
    pub path: PathBuf,
    /// Its language (index into [`crate::config::Config::languages`]; 0 is the default).
    pub lang: usize,
    /// The file it is a translation of (`content/feelings/low.md` for `low.es.md`); its
    /// own path in the default language.
    pub original: PathBuf,
    /// The whole file (shared with `tend serve`'s cache, which keeps it between loads).
    pub text: std::sync::Arc<str>,
    /// Byte offset of the Markdown body in `text`.
    pub body_offset: usize,
    /// Parsed front matter.
    pub front: FrontMatter,
    /// Index of the topic in [`super::Content::topics`]; `None` for root pages.
    pub topic: Option<usize>,
    /// Where the page is published.
    pub permalink: Permalink,
    /// Files beside a bundle's `index.md` (absolute source, path relative to the bundle).
    pub assets: Vec<(PathBuf, PathBuf)>,
    /// Resolved `related` entries, as indices into [`super::Content::pages`].
    pub related: Vec<usize>,
}

impl Page {
    /// The front matter as a YAML document, to place diagnostics at its keys.
    pub(crate) fn front_matter(&self) -> crate::yaml::Document<'_> {
        front_matter(&self.path, &self.text, self.body_offset)
    }

    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// The folder the page's relative links are resolved from (relative to the root).
    pub fn link_base(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new(""))
    }
}

/// A topic (`content/<topic>/_index.md`), or the home page (`content/_index.md`).
#[derive(Debug, Clone)]
pub struct Topic {
    /// Path of the `_index.md`, relative to the site root.
    pub path: PathBuf,
    /// Its language (index into [`crate::config::Config::languages`]; 0 is the default).
    pub lang: usize,
    /// The `_index.md` it is a translation of; its own path in the default language.
    pub original: PathBuf,
    /// The whole `_index.md`.
    pub text: std::sync::Arc<str>,
    /// Byte offset of the body in `text`.
    pub body_offset: usize,
    /// Parsed front matter.
    pub front: FrontMatter,
    /// Where the topic's page is published.
    pub permalink: Permalink,
    /// Parent topic (index into [`super::Content::topics`]); `None` for top-level topics.
    pub parent: Option<usize>,
    /// Sub-topics, ordered.
    pub children: Vec<usize>,
    /// Articles, ordered.
    pub pages: Vec<usize>,
}

impl Topic {
    /// The front matter as a YAML document, to place diagnostics at its keys.
    pub(crate) fn front_matter(&self) -> crate::yaml::Document<'_> {
        front_matter(&self.path, &self.text, self.body_offset)
    }

    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// The folder the topic's relative links are resolved from.
    pub fn link_base(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new(""))
    }
}

/// The front matter of the file `path` holding `text` (the body starts at `body_offset`).
pub(crate) fn front_matter<'a>(path: &'a Path, text: &'a str, body_offset: usize) -> crate::yaml::Document<'a> {
    crate::yaml::Document { path, file: text, yaml: &text[..body_offset], first_line: 1, what: "front matter" }
}

/// Sort key for siblings: explicit `order` first (ascending), then by title, then path.
pub fn sibling_key<'a>(front: &'a FrontMatter, path: &'a Path) -> (bool, i64, String, &'a Path) {
    (front.order.is_none(), front.order.unwrap_or(0), front.title.to_lowercase(), path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn permalinks_map_to_index_files() {
        assert_eq!(Permalink::home().output_file(), PathBuf::from("index.html"));
        assert_eq!(Permalink::home().child("a").child("b").output_file(), PathBuf::from("a/b/index.html"));
        assert_eq!(Permalink::from_site_path("/404.html").output_file(), PathBuf::from("404.html"));
    }

    proptest! {
        #[test]
        fn slugify_is_idempotent(name in "\\PC{0,30}") {
            let once = slugify(&name);
            prop_assert_eq!(slugify(&once), once);
        }

        #[test]
        fn permalink_and_output_path_are_inverses(segments in proptest::collection::vec("[a-z0-9-]{1,10}", 0..4)) {
            let permalink = segments.iter().fold(Permalink::home(), |p, s| p.child(s));
            let file = permalink.output_file();
            let back = file.to_string_lossy().trim_end_matches("index.html").to_owned();
            prop_assert_eq!(back, permalink.as_str());
        }
    }
}
