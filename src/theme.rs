//! Themes: finding a theme's templates and static files, loading them into Tera, and
//! rendering a template with errors that name the template, its line and the page.
//!
//! Owns template discovery (`themes/<name>/templates`, overridden by the site's
//! `templates/` by name), the template names tend needs, and the functions and filters
//! templates may call. It does not build template contexts: that is [`crate::site`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostic::{Diagnostic, display_path};
use crate::error::{Error, fs};

/// Templates every theme must provide.
pub const REQUIRED: &[&str] = &["home.html", "topic.html", "article.html", "tags.html", "tag.html", "404.html"];

/// A loaded theme: compiled templates plus where its static files live.
pub struct Theme {
    tera: tera::Tera,
    /// Template name → file it came from, relative to the site root.
    sources: BTreeMap<String, PathBuf>,
    /// Static folders to copy, theme first, then site.
    pub static_dirs: Vec<PathBuf>,
    /// `theme.yaml`, if the theme has one.
    pub manifest: Manifest,
    /// Every template's name and text, and the base path `url()` adds.
    fingerprint: u128,
}

/// A theme's `theme.yaml`: what it is and the `site.extra` keys it reads, with defaults.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct Manifest {
    /// The theme's name.
    pub name: Option<String>,
    /// One line about the theme.
    pub description: Option<String>,
    /// Every `site.extra` key the templates read, with its default value.
    pub extra: BTreeMap<String, serde_yaml::Value>,
}

impl Manifest {
    /// The manifest's file name inside a theme folder.
    pub const FILE_NAME: &'static str = "theme.yaml";

    fn load(root: &Path, theme_dir: &Path) -> Result<Self, Vec<Diagnostic>> {
        let path = theme_dir.join(Self::FILE_NAME);
        if !path.is_file() {
            return Ok(Self::default());
        }
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let text = fs::read_to_string(&path).map_err(|error| vec![Diagnostic::error(&rel, error.to_string())])?;
        let document =
            crate::yaml::Document { path: &rel, file: &text, yaml: &text, first_line: 1, what: "theme.yaml" };
        document.parse(&["name", "description", "extra"])
    }

    /// `site_extra` over the theme's defaults: the site's values win.
    pub fn merge_extra(&self, site_extra: &BTreeMap<String, serde_yaml::Value>) -> BTreeMap<String, serde_yaml::Value> {
        let mut merged = self.extra.clone();
        merged.extend(site_extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        merged
    }
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme").field("sources", &self.sources).finish_non_exhaustive()
    }
}

impl Theme {
    /// Loads the theme named in `config`, with the site's template overrides.
    pub fn load(config: &Config) -> Result<Self, Error> {
        Self::load_reusing(config, None).map(|(theme, _)| theme)
    }

    /// [`Theme::load`], taking the compiled templates from `previous` when every template
    /// and the base path are unchanged. Also says whether it compiled them.
    pub fn load_reusing(config: &Config, previous: Option<Self>) -> Result<(Self, bool), Error> {
        let theme_dir = config.theme_dir();
        if let Some(link) = fs::linked_folder(&config.root, &theme_dir) {
            let shown = link.strip_prefix(&config.root).unwrap_or(&link);
            return Err(Error::one(
                Diagnostic::error(
                    shown,
                    "this theme folder is a symbolic link; tend never follows links, so it reads no theme through one",
                )
                .with_hint("copy the theme into `themes/` instead of linking to it"),
            ));
        }
        if !theme_dir.is_dir() {
            let available = list_themes(&config.root);
            let hint = match crate::diagnostic::did_you_mean(&config.theme, available.iter().map(String::as_str)) {
                Some(best) => format!("did you mean `theme: {best}`? Themes here: {}", available.join(", ")),
                None if available.is_empty() => "create `themes/<name>/templates/` or copy the default theme".into(),
                None => format!("themes here: {}", available.join(", ")),
            };
            return Err(Error::one(
                Diagnostic::error(crate::config::FILE_NAME, format!("theme `{}` not found in themes/", config.theme))
                    .with_hint(hint),
            ));
        }
        let mut sources = BTreeMap::new();
        let mut linked = Vec::new();
        for dir in [theme_dir.join("templates"), config.templates_dir()] {
            let (files, links) = fs::files_and_links_under(&dir)?;
            linked.extend(links);
            for (rel, path) in files {
                let rel_to_root = path.strip_prefix(&config.root).unwrap_or(&path).to_path_buf();
                sources.insert(display_path(&rel), rel_to_root);
            }
        }
        // A template skipped silently would change every page without a word: refuse it.
        let linked = linked.into_iter().map(|link| {
            let skipped = fs::skipped_link(&config.root, &link);
            Diagnostic { severity: crate::diagnostic::Severity::Error, ..skipped }
        });
        let mut problems: Vec<Diagnostic> = linked.collect();
        problems.extend(REQUIRED.iter().filter(|name| !sources.contains_key(**name)).map(|name| {
            Diagnostic::error(
                display_path(theme_dir.join("templates").strip_prefix(&config.root).unwrap_or(&theme_dir)),
                format!("the theme has no `{name}` template"),
            )
            .with_hint(format!("add `{name}` to the theme's templates/ folder or to the site's templates/"))
        }));
        let mut files = Vec::new();
        for (name, rel) in &sources {
            match fs::read_to_string(&config.root.join(rel)) {
                Ok(text) => files.push((name.clone(), text)),
                Err(error) => problems.push(Diagnostic::error(rel, error.to_string())),
            }
        }
        let manifest = Manifest::load(&config.root, &theme_dir).unwrap_or_else(|mut errors| {
            problems.append(&mut errors);
            Manifest::default()
        });
        let mut fingerprint = crate::fingerprint::Fingerprint::new();
        for (name, text) in &files {
            fingerprint.text(name).text(text);
        }
        let fingerprint = fingerprint.text(config.base_url.path()).finish();
        let reused = previous.filter(|theme| problems.is_empty() && theme.fingerprint == fingerprint);
        let compiled = reused.is_none();
        let tera = match reused {
            Some(theme) => Some(theme.tera),
            None => compile(files, config.base_url.path())
                .map_err(|error| problems.push(template_error(&sources, &error, None)))
                .ok(),
        };
        let Some(tera) = tera.filter(|_| problems.is_empty()) else {
            return Err(Error::Site(problems));
        };
        let static_dirs =
            [theme_dir.join("static"), config.static_dir()].into_iter().filter(|dir| dir.is_dir()).collect();
        Ok((Self { tera, sources, static_dirs, manifest, fingerprint }, compiled))
    }

    /// A fingerprint of everything that changes how a template renders a given context.
    pub fn fingerprint(&self) -> u128 {
        self.fingerprint
    }

    /// Whether the theme (or site) has a template of this name.
    pub fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// Renders `template` for the page at `page` (a source path, for the error).
    pub fn render(&self, template: &str, context: &tera::Context, page: &Path) -> Result<String, Diagnostic> {
        self.tera.render(template, context).map_err(|error| template_error(&self.sources, &error, Some(page)))
    }
}

/// Parses every template and adds tend's functions.
fn compile(files: Vec<(String, String)>, base_path: &str) -> Result<tera::Tera, tera::Error> {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    tera.add_raw_templates(files)?;
    let base_path = base_path.to_owned();
    tera.register_function("url", move |args: &std::collections::HashMap<String, tera::Value>| {
        let path = args
            .get("path")
            .and_then(tera::Value::as_str)
            .ok_or_else(|| tera::Error::msg("`url` needs a `path` argument, e.g. url(path=\"style.css\")"))?;
        Ok(tera::Value::String(format!("{base_path}{}", path.trim_start_matches('/'))))
    });
    Ok(tera)
}

/// Escapes text for HTML content and quoted attributes. Unlike Tera's default it
/// leaves `/` alone, so URLs stay readable and pages stay small.
fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 16);
    let mut last = 0;
    for (at, byte) in input.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&input[last..at]);
        out.push_str(entity);
        last = at + 1;
    }
    out.push_str(&input[last..]);
    out
}

/// Template files under `dir`, named by their path relative to it.
fn list_themes(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("themes"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// A Tera error as a diagnostic: the template file, the line Tera reports, the whole
/// cause chain, and the page being rendered.
fn template_error(sources: &BTreeMap<String, PathBuf>, error: &tera::Error, page: Option<&Path>) -> Diagnostic {
    let mut chain = vec![error.to_string()];
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        chain.push(inner.to_string());
        cause = inner.source();
    }
    let template = chain.iter().find_map(|message| quoted_template(message, sources));
    let path = template.map_or_else(|| PathBuf::from("templates"), |name| sources[name].clone());
    let line = chain.iter().find_map(|message| tera_line(message));
    let message = chain.iter().map(|m| tidy(m)).collect::<Vec<_>>().join(": ");
    let mut diagnostic = Diagnostic::error(path, format!("template error: {message}"));
    if let Some(line) = line {
        diagnostic.span = Some(crate::diagnostic::Span { line, col: 1, len: 1 });
    }
    let hint = match page {
        Some(page) => {
            format!("while rendering `{}`; see the Tera documentation for template syntax", display_path(page))
        }
        None => "check the template's syntax (Tera, like Jinja2)".to_owned(),
    };
    diagnostic.with_hint(hint)
}

/// One line of a Tera message; a parse error's ASCII-art pointer is reduced to its text.
fn tidy(message: &str) -> String {
    if message.contains("--> ")
        && let Some((_, what)) = message.rsplit_once("= ")
    {
        return what.trim().to_owned();
    }
    message.trim().replace('\n', " ")
}

/// The template name Tera quotes in a message (`Failed to render 'article.html'`).
fn quoted_template<'a>(message: &str, sources: &'a BTreeMap<String, PathBuf>) -> Option<&'a String> {
    message.split('\'').skip(1).step_by(2).find_map(|quoted| sources.get_key_value(quoted).map(|(k, _)| k))
}

/// The line of a Tera parse error (`--> 3:5`).
fn tera_line(message: &str) -> Option<usize> {
    let after = message.split("--> ").nth(1)?;
    after.split(':').next()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_the_five_html_characters_only() {
        assert_eq!(escape_html("a & b <c> \"d\" 'e' /f/ é"), "a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39; /f/ é");
    }

    proptest! {
        #[test]
        fn escaping_round_trips(text in "\\PC{0,60}") {
            let escaped = escape_html(&text);
            let back = escaped.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
            prop_assert_eq!(back, text);
        }
    }
}
