//! Where links and images lead.
//!
//! The build resolves links to `.md` files and checks their anchors. This module checks
//! the rest against the set of paths the build publishes: site-absolute (`/files/a.pdf`)
//! and relative links to other files, images, and anchors on links written as URLs
//! (`/care/washing/#why`). Who owns which path is the route table's answer
//! ([`crate::routes`]), the same one the build uses.

use std::path::{Path, PathBuf};

use super::SourceFile;
use crate::config::Config;
use crate::content::{Content, Permalink};
use crate::diagnostic::{Diagnostic, Severity, did_you_mean, display_path};
use crate::images::Images;
use crate::markdown::{Destination, Rendered};
use crate::routes::{Lookup, Owner, Routes};

/// Every site path the build publishes, from the route table; pages map to their index
/// in the source files (home, topics, pages: the order [`super::source_files`] gives).
pub(super) struct Published<'a> {
    routes: &'a Routes,
    homes: usize,
    topics: usize,
    /// Site paths (folders end in `/`), sorted, for "did you mean".
    paths: Vec<String>,
}

impl<'a> Published<'a> {
    pub(super) fn new(routes: &'a Routes, content: &Content) -> Self {
        let mut paths: Vec<String> = routes.site_paths().collect();
        paths.sort_unstable();
        Self { routes, homes: content.languages.len(), topics: content.topics.len(), paths }
    }

    /// What is published at `path` (a site path without a leading slash): `None` if nothing,
    /// `Some(Some(i))` for source file `i`'s page, `Some(None)` for any other file.
    fn find(&self, path: &str) -> Option<Option<usize>> {
        Some(match self.routes.lookup(path)? {
            Lookup::File(Owner::Home(lang)) => Some(*lang),
            Lookup::File(Owner::Topic(t)) => Some(self.homes + t),
            Lookup::File(Owner::Page(p)) => Some(self.homes + self.topics + p),
            Lookup::File(_) | Lookup::Generated => None,
        })
    }

    /// The published path whose last segment is closest to `path`'s, among paths of the
    /// same kind (same extension, or pages), for a "did you mean".
    fn closest(&self, path: &str) -> Option<&str> {
        let name = |p: &'_ str| p.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_owned();
        let extension = |p: &str| name(p).rsplit_once('.').map(|(_, e)| e.to_owned());
        let wanted = extension(path);
        let candidates: Vec<(String, &str)> = self
            .paths
            .iter()
            .filter(|p| !p.is_empty() && !p.starts_with('.') && extension(p) == wanted)
            .map(|p| (name(p), p.as_str()))
            .collect();
        let best = did_you_mean(&name(path), candidates.iter().map(|(n, _)| n.as_str()))?;
        candidates.iter().find(|(n, _)| n == best).map(|(_, p)| *p)
    }
}

/// Problems with `file`'s links and images that point at files rather than `.md` sources.
pub(super) fn destinations(
    file: &SourceFile<'_>,
    facts: &Rendered,
    published: &Published,
    (files, rendered): (&[SourceFile<'_>], &[&Rendered]),
    images: &Images,
    config: &Config,
) -> Vec<Diagnostic> {
    let severity = config.links.internal.severity();
    let mut problems = Vec::new();
    let mut sorted: std::collections::HashMap<usize, Vec<&str>> = std::collections::HashMap::new();
    for destination in &facts.destinations {
        let suggest = problems.len() < crate::site::SUGGESTED_PER_FILE;
        let Some(local) = Local::parse(&destination.url) else { continue };
        let Some(site_path) = local.site_path(file.permalink) else {
            problems.push(
                file.at_range(
                    severity,
                    destination.range.clone(),
                    format!("{} `{}` points outside the site", what(destination), destination.url),
                )
                .with_hint("link to a file inside the site; `/` is the site's root"),
            );
            continue;
        };
        match published.find(&site_path) {
            None => problems.push(missing(file, destination, &site_path, published, config, suggest)),
            Some(Some(target)) if !local.fragment.is_empty() && !rendered[target].anchors.contains(local.fragment) => {
                let known = sorted.entry(target).or_insert_with(|| {
                    let mut known: Vec<&str> = rendered[target].anchors.iter().map(String::as_str).collect();
                    known.sort_unstable();
                    known
                });
                let hint = crate::site::anchor_hint(local.fragment, known, files[target].path, suggest);
                let message = format!(
                    "link to `#{}` in `{}`, which has no such heading",
                    local.fragment,
                    display_path(files[target].path)
                );
                problems.push(file.at_range(severity, destination.range.clone(), message).with_hint(hint));
            }
            Some(None) if destination.alt.is_some() => {
                let source = match published.routes.owner(Path::new(&site_path)) {
                    Some(Owner::Static(abs)) => abs.strip_prefix(&config.root).unwrap_or(abs).to_path_buf(),
                    _ => PathBuf::from(&site_path),
                };
                let budget = config.check.image_max_kb;
                problems.extend(over_budget(file, destination, &source, images.get(&site_path), budget));
            }
            Some(_) => {}
        }
    }
    problems
}

/// A warning for an image larger than the budget (`check.image_max_kb`), naming the file.
fn over_budget(
    file: &SourceFile<'_>,
    destination: &Destination,
    source: &Path,
    image: Option<&crate::images::Image>,
    max_kb: u64,
) -> Option<Diagnostic> {
    let kb = image?.bytes.div_ceil(1000);
    if kb <= max_kb {
        return None;
    }
    let message =
        format!("image `{}` ({}) is {kb} KB, over the {max_kb} KB budget", destination.url, display_path(source));
    let hint = "readers on slow or metered connections pay for every byte: resize it to the width it is shown at \
                and compress it (WebP or AVIF for photos, SVG for drawings), or raise `check.image_max_kb`";
    Some(file.at_range(Severity::Warning, destination.range.clone(), message).with_hint(hint))
}

fn what(destination: &Destination) -> &'static str {
    if destination.alt.is_some() { "image" } else { "link" }
}

/// A link to a file of this site: not external, not a `.md` source, not only `#fragment`.
struct Local<'a> {
    path: &'a str,
    fragment: &'a str,
}

impl<'a> Local<'a> {
    fn parse(url: &'a str) -> Option<Self> {
        if url.is_empty() || url.starts_with('#') || url.starts_with("//") || crate::sitepath::scheme(url).is_some() {
            return None;
        }
        let (rest, fragment) = url.split_once('#').unwrap_or((url, ""));
        let path = rest.split_once('?').map_or(rest, |(path, _)| path);
        if path.is_empty() || path.to_ascii_lowercase().ends_with(".md") {
            return None;
        }
        Some(Self { path, fragment })
    }

    /// The site path this link reaches from a page published at `from`; `None` if it climbs
    /// above the site's root.
    fn site_path(&self, from: &Permalink) -> Option<String> {
        crate::sitepath::join(from.as_str(), self.path)
    }
}

fn missing(
    file: &SourceFile<'_>,
    destination: &Destination,
    site_path: &str,
    published: &Published,
    config: &Config,
    suggest: bool,
) -> Diagnostic {
    let root = &config.root;
    let written = destination.url.split(['#', '?']).next().unwrap_or("");
    let beside = (!written.starts_with('/')).then(|| crate::content::resolve(file.link_base, written)).flatten();
    let hint = if let Some(beside) = beside.filter(|b| root.join(b).is_file()) {
        format!(
            "`{}` is not published: only article folders (`<slug>/index.md` with files beside it) publish their files; or move it to `static/` and write `/…` from the site root",
            display_path(&beside)
        )
    } else if let Some(best) = suggest.then(|| published.closest(site_path)).flatten() {
        format!("did you mean `/{best}`?")
    } else if destination.alt.is_some() {
        "put the image beside the article's `index.md` (an article folder), or in `static/` and write `/images/…`"
            .into()
    } else if site_path.rsplit('/').next().is_some_and(|name| name.contains('.')) {
        format!("a file at `/{site_path}` comes from `static/{site_path}`: add it there, or correct the path")
    } else {
        "link pages by their `.md` file, e.g. `[text](../topic/article.md)`".into()
    };
    let message =
        format!("{} `{}` leads nowhere: the site has nothing at `/{site_path}`", what(destination), destination.url);
    file.at_range(config.links.internal.severity(), destination.range.clone(), message).with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_path(url: &str, from: &str) -> Option<String> {
        Local::parse(url)?.site_path(&Permalink::from_site_path(from))
    }

    #[test]
    fn local_links_resolve_like_a_browser() {
        assert_eq!(site_path("towel.svg", "care/with-image/").as_deref(), Some("care/with-image/towel.svg"));
        assert_eq!(site_path("../other/#x", "care/a/").as_deref(), Some("care/other/"));
        assert_eq!(site_path("/files/a%20b.pdf?v=2", "care/a/").as_deref(), Some("files/a b.pdf"));
        assert_eq!(site_path("../../../x.png", "care/a/"), None);
        for skipped in ["https://x.org/a.png", "mailto:a@b.org", "#top", "//cdn.org/x", "a.md#x", "../b.MD", ""] {
            assert!(Local::parse(skipped).is_none(), "{skipped}");
        }
    }
}
