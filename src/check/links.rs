//! Where links and images lead, and who claims which URL.
//!
//! The build resolves links to `.md` files and checks their anchors. This module checks
//! the rest against the set of paths the build publishes: site-absolute (`/files/a.pdf`)
//! and relative links to other files, images, and anchors on links written as URLs
//! (`/care/washing/#why`). It also finds URL claims the build's exact comparison cannot
//! see: aliases that differ only by a trailing slash, and aliases over tag pages.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::SourceFile;
use crate::content::{Content, Permalink, RESERVED_PATHS};
use crate::diagnostic::{Diagnostic, Severity, did_you_mean, display_path};
use crate::error::Error;
use crate::markdown::{Destination, Rendered};
use crate::theme::Theme;

/// Every site path the build publishes; pages map to their index in the source files.
pub(super) struct Published {
    paths: HashMap<String, Option<usize>>,
    /// Folders tend fills itself (`pagefind/`), where any path may exist.
    folders: Vec<&'static str>,
}

impl Published {
    /// Pages, topics, aliases, tag pages, tend's own files, static files and article folders' files.
    pub(super) fn new(theme: &Theme, content: &Content, files: &[SourceFile<'_>]) -> Result<Self, Error> {
        let pages = files.iter().enumerate().map(|(i, file)| (file.permalink.as_str().to_owned(), Some(i)));
        let mut others: Vec<String> = RESERVED_PATHS.iter().map(|p| (*p).to_owned()).collect();
        for page in &content.pages {
            others.extend(page.front.aliases.iter().map(|alias| alias_path(alias).as_str().to_owned()));
            others.extend(
                page.assets.iter().map(|(_, inner)| format!("{}{}", page.permalink.as_str(), display_path(inner))),
            );
            others.extend(page.front.tags.iter().map(|tag| tag_path(tag)));
        }
        for dir in &theme.static_dirs {
            others.extend(crate::error::fs::files_under(dir)?.iter().map(|(rel, _)| display_path(rel)));
        }
        // A page wins over an alias claiming its URL (reported by `url_claims`), so its
        // anchors are still checked.
        let mut paths: HashMap<String, Option<usize>> = others.into_iter().map(|p| (p, None)).collect();
        paths.extend(pages);
        let folders = RESERVED_PATHS.iter().copied().filter(|p| p.ends_with('/') && *p != "tags/").collect();
        Ok(Self { paths, folders })
    }

    /// What is published at `path` (a site path without a leading slash): `None` if nothing,
    /// `Some(Some(i))` for source file `i`'s page, `Some(None)` for any other file.
    fn find(&self, path: &str) -> Option<Option<usize>> {
        let dir = path.strip_suffix("index.html").filter(|d| d.is_empty() || d.ends_with('/'));
        let with_slash = (!path.is_empty() && !path.ends_with('/')).then(|| format!("{path}/"));
        let found = [Some(path), dir, with_slash.as_deref()].into_iter().flatten().find_map(|p| self.paths.get(p));
        found.copied().or_else(|| self.folders.iter().any(|f| path.starts_with(f)).then_some(None))
    }

    /// The published path whose last segment is closest to `path`'s, among paths of the
    /// same kind (same extension, or pages), for a "did you mean".
    fn closest(&self, path: &str) -> Option<&str> {
        let name = |p: &'_ str| p.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_owned();
        let extension = |p: &str| name(p).rsplit_once('.').map(|(_, e)| e.to_owned());
        let wanted = extension(path);
        let mut candidates: Vec<(String, &str)> = self
            .paths
            .keys()
            .filter(|p| !p.is_empty() && extension(p) == wanted)
            .map(|p| (name(p), p.as_str()))
            .collect();
        candidates.sort_unstable();
        let best = did_you_mean(&name(path), candidates.iter().map(|(n, _)| n.as_str()))?;
        candidates.iter().find(|(n, _)| n == best).map(|(_, p)| *p)
    }
}

/// The site path an alias redirects from, as the build writes it (a folder unless `.html`).
fn alias_path(alias: &str) -> Permalink {
    let path = Permalink::from_site_path(alias);
    if path.as_str().ends_with(".html") || path.as_str().ends_with('/') {
        path
    } else {
        Permalink::from_site_path(&format!("{}/", path.as_str()))
    }
}

fn tag_path(tag: &str) -> String {
    format!("tags/{}/", crate::content::page::slugify(tag))
}

/// Problems with `file`'s links and images that point at files rather than `.md` sources.
pub(super) fn destinations(
    file: &SourceFile<'_>,
    facts: &Rendered,
    published: &Published,
    files: &[SourceFile<'_>],
    rendered: &[Rendered],
    root: &Path,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for destination in &facts.destinations {
        let Some(local) = Local::parse(&destination.url) else { continue };
        let Some(site_path) = local.site_path(file.permalink) else {
            problems.push(
                file.at_range(
                    Severity::Error,
                    destination.range.clone(),
                    format!("{} `{}` points outside the site", what(destination), destination.url),
                )
                .with_hint("link to a file inside the site; `/` is the site's root"),
            );
            continue;
        };
        match published.find(&site_path) {
            None => problems.push(missing(file, destination, &site_path, published, root)),
            Some(Some(target)) if !local.fragment.is_empty() && !rendered[target].anchors.contains(local.fragment) => {
                problems.push(missing_anchor(file, destination, local.fragment, &files[target], &rendered[target]));
            }
            Some(_) => {}
        }
    }
    problems
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
        if url.is_empty() || url.starts_with('#') || url.starts_with("//") || has_scheme(url) {
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
        let (base, path) = match self.path.strip_prefix('/') {
            Some(absolute) => ("", absolute),
            None => (from.as_str(), self.path),
        };
        let mut parts: Vec<String> = base.split('/').filter(|s| !s.is_empty()).map(str::to_owned).collect();
        for segment in path.split('/') {
            match segment {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                segment => parts.push(percent_decode(segment)),
            }
        }
        let mut joined = parts.join("/");
        if path.ends_with('/') && !joined.is_empty() {
            joined.push('/');
        }
        Some(joined)
    }
}

/// Whether `url` starts with a scheme (`https:`, `mailto:`); the build vets which are allowed.
fn has_scheme(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, _)| {
        scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// Decodes `%xx` escapes; malformed escapes are kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn missing(
    file: &SourceFile<'_>,
    destination: &Destination,
    site_path: &str,
    published: &Published,
    root: &Path,
) -> Diagnostic {
    let written = destination.url.split(['#', '?']).next().unwrap_or("");
    let beside = (!written.starts_with('/')).then(|| crate::content::resolve(file.link_base, written)).flatten();
    let hint = if let Some(beside) = beside.filter(|b| root.join(b).is_file()) {
        format!(
            "`{}` is not published: only article folders (`<slug>/index.md` with files beside it) publish their files; or move it to `static/` and write `/…` from the site root",
            display_path(&beside)
        )
    } else if let Some(best) = published.closest(site_path) {
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
    file.at_range(Severity::Error, destination.range.clone(), message).with_hint(hint)
}

fn missing_anchor(
    file: &SourceFile<'_>,
    destination: &Destination,
    fragment: &str,
    target: &SourceFile<'_>,
    facts: &Rendered,
) -> Diagnostic {
    let mut known: Vec<&str> = facts.anchors.iter().map(String::as_str).collect();
    known.sort_unstable();
    let hint = match did_you_mean(fragment, known.iter().copied()) {
        Some(best) => format!("did you mean `#{best}`?"),
        None if known.is_empty() => format!("`{}` has no headings to link to", display_path(target.path)),
        None => format!("headings there: {}", known.iter().map(|a| format!("#{a}")).collect::<Vec<_>>().join(", ")),
    };
    let message = format!("link to `#{fragment}` in `{}`, which has no such heading", display_path(target.path));
    file.at_range(Severity::Error, destination.range.clone(), message).with_hint(hint)
}

/// Who claims an output file.
struct Claim<'a> {
    /// The source file; `None` for tend's own tag pages.
    path: Option<&'a Path>,
    /// "page", "topic", "alias `/x`", "the tag page for `x`".
    what: String,
    /// The claim as the build compares it (a permalink string).
    raw: String,
    /// Front matter key to point at.
    key: &'static str,
}

/// Two claims on one output file that the build's exact comparison does not report:
/// aliases that differ only in a trailing slash, and aliases over tag pages.
pub(super) fn url_claims(content: &Content, files: &[SourceFile<'_>]) -> Vec<Diagnostic> {
    let mut claims: BTreeMap<PathBuf, Vec<Claim<'_>>> = BTreeMap::new();
    for page in &content.pages {
        for tag in &page.front.tags {
            let path = Permalink::from_site_path(&tag_path(tag));
            let group = claims.entry(path.output_file()).or_default();
            if group.is_empty() {
                group.push(Claim {
                    path: None,
                    what: format!("the tag page for `{tag}`"),
                    raw: String::new(),
                    key: "tags",
                });
            }
        }
    }
    for file in files {
        let what = if file.kind == super::Kind::Section { "topic" } else { "page" };
        let claim =
            Claim { path: Some(file.path), what: what.into(), raw: file.permalink.as_str().into(), key: "slug" };
        claims.entry(file.permalink.output_file()).or_default().push(claim);
    }
    for file in files {
        for alias in &file.front.aliases {
            let claim = Claim {
                path: Some(file.path),
                what: format!("alias `{alias}`"),
                raw: Permalink::from_site_path(alias).as_str().into(),
                key: "aliases",
            };
            claims.entry(alias_path(alias).output_file()).or_default().push(claim);
        }
    }
    let by_path: HashMap<&Path, &SourceFile<'_>> = files.iter().map(|f| (f.path, f)).collect();
    let mut problems = Vec::new();
    for (output, group) in &claims {
        let Some((owner, others)) = group.split_first() else { continue };
        let url = display_path(output).trim_end_matches("index.html").to_owned();
        for claim in others {
            let Some(file) = claim.path.and_then(|p| by_path.get(p)) else { continue };
            if owner.path.is_some() && owner.raw == claim.raw {
                continue; // the build reports this one
            }
            let other = match owner.path {
                Some(path) => format!("the {} of `{}`", owner.what, display_path(path)),
                None => owner.what.clone(),
            };
            problems.push(
                file.at_key(
                    Severity::Error,
                    claim.key,
                    format!("{} claims `/{url}`, which is also {other}", claim.what),
                )
                .with_hint("each URL can lead to one place only: remove or change this alias"),
            );
        }
    }
    problems
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

    #[test]
    fn percent_decoding_keeps_malformed_escapes() {
        assert_eq!(percent_decode("a%20b%zz%"), "a b%zz%");
        assert_eq!(percent_decode("caf%C3%A9"), "café");
    }
}
