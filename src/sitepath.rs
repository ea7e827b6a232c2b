//! Site-path arithmetic: the one place that turns links, aliases and tag names into paths.
//!
//! A *site path* is a path below the site's root with no leading slash (`care/washing/`,
//! `files/a b.pdf`). This module owns normalising `.` and `..`, percent-decoding (with
//! the `percent-encoding` crate), telling a URL with a scheme from a path, tag URLs and
//! alias paths. It knows nothing of pages or files; [`crate::routes`] uses it to decide
//! who owns which output file.

use std::path::{Component, Path, PathBuf};

/// A site path with no leading slash, ending in `/` for pages (`feelings/low/`) and empty
/// for the home page. Joined to the base URL for links, and to the output folder for files.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Permalink(String);

impl Permalink {
    /// The home page.
    pub fn home() -> Self {
        Self(String::new())
    }

    /// A child of `self`, named `segment`.
    pub fn child(&self, segment: &str) -> Self {
        Self(format!("{}{segment}/", self.0))
    }

    /// A path given as text (aliases, fixed pages); leading slashes are dropped.
    pub fn from_site_path(path: &str) -> Self {
        Self(path.trim_start_matches('/').to_owned())
    }

    /// The path as text, e.g. `feelings/low/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The file this permalink is written to, relative to the output folder.
    pub fn output_file(&self) -> PathBuf {
        if self.0.is_empty() || self.0.ends_with('/') {
            PathBuf::from(format!("{}index.html", self.0))
        } else {
            PathBuf::from(&self.0)
        }
    }
}

/// The URL segment for a file or folder name: lowercase ASCII letters, digits and hyphens.
pub fn slugify(name: &str) -> String {
    slug::slugify(name)
}

/// Decodes `%xx` escapes as UTF-8; malformed escapes and invalid UTF-8 are kept as written
/// (lossily), the way a browser shows them.
pub fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// The scheme of `url` (`https` in `https://…`) as a browser reads it, lowercase: after
/// dropping leading and trailing control characters and spaces (`\x01javascript:`) and
/// tabs and newlines anywhere (`java\tscript:`). The one answer to "is this a URL with a
/// scheme, and which": links, raw HTML, aliases and `extra` paths all ask here.
pub fn scheme(url: &str) -> Option<String> {
    let url: String =
        url.trim_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// Why `url`, whose scheme is `scheme` (from [`scheme`]), is not a whole address: a web
/// address needs `//` and a host (`https:` and `http:page` lead nowhere), `mailto:` and
/// `tel:` something after the colon. `None` when it is whole.
pub fn incomplete(url: &str, scheme: &str) -> Option<&'static str> {
    let rest = url.trim().split_once(':').map_or("", |(_, rest)| rest);
    match scheme {
        "http" | "https" => match rest.strip_prefix("//") {
            None => Some("a web address needs `//` and a host name after the scheme"),
            Some(after) if after.split(['/', '?', '#']).next().unwrap_or_default().is_empty() => {
                Some("there is no host name after `//`")
            }
            Some(_) => None,
        },
        _ if rest.trim().is_empty() => Some("there is nothing after the scheme"),
        _ => None,
    }
}

/// The site path of tag `name`'s page: `tags/<slug>/`.
pub fn tag_path(name: &str) -> String {
    format!("tags/{}/", slugify(name))
}

/// Resolves `path` (percent-encoded, as written in a link) against site path `base`
/// (a folder, ending in `/`, or empty for the root), the way a browser does: `.` and empty
/// segments vanish, `..` climbs. `None` if it climbs above the root. A trailing `/` is kept.
pub fn join(base: &str, path: &str) -> Option<String> {
    let (base, path) = match path.strip_prefix('/') {
        Some(absolute) => ("", absolute),
        None => (base, path),
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

/// Resolves a relative link `target` to a source file against folder `base` (both
/// relative to the site root), normalising `.` and `..`. `None` if it climbs out of the root.
pub fn resolve_file(base: &Path, target: &str) -> Option<PathBuf> {
    let decoded = percent_decode(target);
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    let joined = decoded.strip_prefix('/').map_or_else(|| base.join(&decoded), PathBuf::from);
    for component in joined.components() {
        match component {
            Component::Normal(part) => parts.push(part),
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.iter().collect())
}

/// The site path an alias redirects from, as the build writes it: decoded, a folder unless
/// it names an `.html` file. Refused (with the reason) when it is not a plain path inside
/// the site: no scheme or host, query, fragment, `.`/`..`/empty segments, backslashes or
/// control characters, nothing hidden (a segment starting with `.`).
pub fn alias_path(alias: &str) -> Result<Permalink, String> {
    if scheme(alias).is_some() || alias.starts_with("//") {
        return Err("an alias is a path on this site, not a URL".into());
    }
    let Some(rest) = alias.strip_prefix('/') else {
        return Err("an alias must start with `/`".into());
    };
    if alias.contains(['?', '#']) {
        return Err("an alias cannot have a query (`?`) or fragment (`#`)".into());
    }
    let decoded = percent_decode(rest);
    if decoded.chars().any(|c| c.is_control() || c == '\\') {
        return Err("an alias cannot hold backslashes or control characters".into());
    }
    let trimmed = decoded.strip_suffix('/').unwrap_or(&decoded);
    if !trimmed.is_empty() {
        for segment in trimmed.split('/') {
            match segment {
                "" => return Err("an alias cannot have empty segments (`//`)".into()),
                "." | ".." => return Err("an alias cannot contain `.` or `..` segments".into()),
                hidden if hidden.starts_with('.') => {
                    return Err(format!("an alias cannot name a hidden file or folder (`{hidden}`)"));
                }
                _ => {}
            }
        }
    }
    let is_file = trimmed.ends_with(".html") && !decoded.ends_with('/');
    Ok(if trimmed.is_empty() || is_file {
        Permalink::from_site_path(trimmed)
    } else {
        Permalink::from_site_path(&format!("{trimmed}/"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_like_a_browser() {
        assert_eq!(join("care/with-image/", "towel.svg").as_deref(), Some("care/with-image/towel.svg"));
        assert_eq!(join("care/a/", "../other/").as_deref(), Some("care/other/"));
        assert_eq!(join("care/a/", "/files/a%20b.pdf").as_deref(), Some("files/a b.pdf"));
        assert_eq!(join("care/a/", "../../../x.png"), None);
    }

    #[test]
    fn percent_decoding_keeps_malformed_escapes() {
        assert_eq!(percent_decode("a%20b%zz%"), "a b%zz%");
        assert_eq!(percent_decode("caf%C3%A9"), "café");
    }

    #[test]
    fn aliases_become_folders_or_html_files() {
        let path = |alias: &str| alias_path(alias).map(|p| p.as_str().to_owned());
        assert_eq!(path("/old").as_deref(), Ok("old/"));
        assert_eq!(path("/old/").as_deref(), Ok("old/"));
        assert_eq!(path("/old.html").as_deref(), Ok("old.html"));
        assert_eq!(path("/caf%C3%A9/").as_deref(), Ok("café/"));
        assert_eq!(path("/").as_deref(), Ok(""));
        assert_eq!(path("/index.html").as_deref(), Ok("index.html"));
        for bad in [
            "old",
            "//evil.example/",
            "https://x.org/",
            "javascript:alert(1)",
            "/a/../../b",
            "/%2e%2e/x",
            "/a//b",
            "/.tend-output",
            "/a?b",
            "/a#b",
            "/a\\b",
            "/a%0ab",
        ] {
            assert!(alias_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn schemes_are_told_from_paths() {
        assert_eq!(scheme("https://x.org").as_deref(), Some("https"));
        assert_eq!(scheme("JavaScript:alert(1)").as_deref(), Some("javascript"));
        assert_eq!(scheme("\x01java\tscript:alert(1)").as_deref(), Some("javascript"));
        assert_eq!(scheme("a/b:c"), None);
        assert_eq!(scheme("/a:b"), None);
    }
}
