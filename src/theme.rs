//! Themes: finding a theme's templates and static files, loading them into Tera, and
//! rendering a template with errors that name the template, its line and the page.
//!
//! Owns template discovery (`themes/<name>/templates`, overridden by the site's
//! `templates/` by name), the template names tend needs, and the functions and filters
//! templates may call. It does not build template contexts: that is [`crate::site`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Severity, Span, did_you_mean, display_path};
use crate::error::{Error, fs};

/// Templates every theme must provide.
pub const REQUIRED: &[&str] = &["home.html", "topic.html", "article.html", "tags.html", "tag.html", "404.html"];

/// A loaded theme: compiled templates plus where its static files live.
pub struct Theme {
    tera: tera::Tera,
    /// Template name → file it came from, relative to the site root.
    sources: BTreeMap<String, PathBuf>,
    /// Template name → its text, to find where a render error happened.
    texts: BTreeMap<String, String>,
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
    /// Whether `theme.yaml` lists the keys under `extra:` (then any other key the site
    /// writes there is a mistake); a theme without the list accepts any key.
    #[serde(skip)]
    pub declares_extra: bool,
    /// Where the manifest is, relative to the site root, for hints.
    #[serde(skip)]
    pub path: PathBuf,
}

impl Manifest {
    /// The manifest's file name inside a theme folder.
    pub const FILE_NAME: &'static str = "theme.yaml";

    fn load(root: &Path, theme_dir: &Path) -> Result<Self, Vec<Diagnostic>> {
        let path = theme_dir.join(Self::FILE_NAME);
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        if std::fs::symlink_metadata(&path).is_ok_and(|meta| meta.file_type().is_symlink()) {
            return Err(vec![
                Diagnostic::error(&rel, "theme.yaml is a symbolic link; tend does not follow links")
                    .with_hint("copy the file into the theme instead of linking to it"),
            ]);
        }
        if !path.is_file() {
            return Ok(Self::default());
        }
        let bytes = fs::read(&path).map_err(|error| vec![Diagnostic::error(&rel, error.to_string())])?;
        let text = crate::diagnostic::decode_utf8(&bytes, &rel).map_err(|problem| vec![problem])?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let document = crate::yaml::Document { path: &rel, file: text, yaml: text, first_line: 1, what: "theme.yaml" };
        let (mut manifest, outline): (Self, _) = document.parse_located(&["name", "description", "extra"])?;
        let at = |path: &[&str], message: String| {
            let span = outline.value(path).or_else(|| outline.key(path)).unwrap_or_else(|| document.end_span());
            document.error_at(span, message)
        };
        let problems = crate::config::extra_url_problems(&manifest.extra, &[], &at);
        if !problems.is_empty() {
            return Err(problems);
        }
        manifest.declares_extra = outline.key(&["extra"]).is_some();
        manifest.path = rel;
        Ok(manifest)
    }

    /// `site_extra` over the theme's defaults: the site's values win.
    pub fn merge_extra(&self, site_extra: &BTreeMap<String, serde_yaml::Value>) -> BTreeMap<String, serde_yaml::Value> {
        let mut merged = self.extra.clone();
        merged.extend(site_extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        merged
    }

    /// What is wrong with the keys `site.yaml` writes under `extra:`, against the keys this
    /// theme declares: a key no template reads (a typo like `quick_exti` silently turns the
    /// feature off), or a value of another kind than the default (`quick_exit: "false"` is
    /// text, which templates take as true). Each is located at the key or value in
    /// `site.yaml`, with `severity`: a warning for `build` and `serve`, an error for `check`.
    pub fn check_extra(&self, config: &Config, severity: Severity) -> Vec<Diagnostic> {
        if !self.declares_extra {
            return Vec::new();
        }
        let theme = self.name.clone().unwrap_or_else(|| config.theme.clone());
        let declared: Vec<&str> = self.extra.keys().map(String::as_str).collect();
        let mut problems = Vec::new();
        for key in config.source.extra_keys() {
            let Some(default) = self.extra.get(key) else {
                let message = format!("unknown `extra` key `{key}`: the theme `{theme}` does not read it");
                let listed =
                    format!("the theme reads {} (listed in {})", declared.join(", "), display_path(&self.path));
                let hint = match did_you_mean(key, declared.iter().copied()) {
                    Some(best) => format!("did you mean `{best}`? {}{}", listed[..1].to_uppercase(), &listed[1..]),
                    None => format!("{listed}; a key no template reads does nothing"),
                };
                problems.push(config.source.at_key(&["extra", key], severity, message).with_hint(hint));
                continue;
            };
            let value = config.extra.get(key).unwrap_or(&serde_yaml::Value::Null);
            if let Some(expected) = kind_mismatch(default, value) {
                let message = format!("`extra.{key}` takes {expected}, found {}", kind(value));
                let hint = match (default, value) {
                    (serde_yaml::Value::Bool(_), serde_yaml::Value::String(text)) => {
                        format!("write it without quotes: `{key}: {}`", text.trim().to_lowercase())
                    }
                    _ => format!(
                        "the theme's default is `{}`",
                        serde_yaml::to_string(default).unwrap_or_default().trim()
                    ),
                };
                problems.push(config.source.at_value(&["extra", key], severity, message).with_hint(hint));
            }
        }
        problems
    }
}

/// What `value` should be, when its kind differs from the theme's `default`. A `null`
/// default takes anything; text takes numbers too.
fn kind_mismatch(default: &serde_yaml::Value, value: &serde_yaml::Value) -> Option<&'static str> {
    use serde_yaml::Value;
    let expected = match default {
        Value::Bool(_) => "`true` or `false`",
        Value::String(_) => "text",
        Value::Number(_) => "a number",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "`key: value` lines",
        Value::Null | Value::Tagged(_) => return None,
    };
    let same = matches!(
        (default, value),
        (Value::Bool(_), Value::Bool(_))
            | (Value::String(_), Value::String(_) | Value::Number(_))
            | (Value::Number(_), Value::Number(_))
            | (Value::Sequence(_), Value::Sequence(_))
            | (Value::Mapping(_), Value::Mapping(_))
    );
    (!same).then_some(expected)
}

/// A value's kind in words, for messages.
fn kind(value: &serde_yaml::Value) -> String {
    use serde_yaml::Value;
    match value {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(text) => format!("the text \"{text}\""),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "`key: value` lines".into(),
        Value::Tagged(tagged) => kind(&tagged.value),
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
        let texts: BTreeMap<String, String> = files.iter().cloned().collect();
        let reused = previous.filter(|theme| problems.is_empty() && theme.fingerprint == fingerprint);
        let compiled = reused.is_none();
        let templates = Templates { sources: &sources, texts: &texts };
        let tera = match reused {
            Some(theme) => Some(theme.tera),
            None => compile(files, config.base_url.path())
                .map_err(|error| problems.push(templates.error(&error, None)))
                .ok(),
        };
        let Some(tera) = tera.filter(|_| problems.is_empty()) else {
            return Err(Error::Site(problems));
        };
        let static_dirs =
            [theme_dir.join("static"), config.static_dir()].into_iter().filter(|dir| dir.is_dir()).collect();
        Ok((Self { tera, sources, texts, static_dirs, manifest, fingerprint }, compiled))
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
        let templates = Templates { sources: &self.sources, texts: &self.texts };
        self.tera.render(template, context).map_err(|error| templates.error(&error, Some(page)))
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

/// The theme's templates by name, with their files and texts, to place Tera's errors.
struct Templates<'a> {
    sources: &'a BTreeMap<String, PathBuf>,
    texts: &'a BTreeMap<String, String>,
}

impl Templates<'_> {
    /// A Tera error as a diagnostic: the template file the error happened in, the line
    /// when it can be found, the whole cause chain, and the page being rendered.
    fn error(&self, error: &tera::Error, page: Option<&Path>) -> Diagnostic {
        let mut chain = vec![error.to_string()];
        let mut cause = std::error::Error::source(error);
        while let Some(inner) = cause {
            chain.push(inner.to_string());
            cause = inner.source();
        }
        let (name, span) = self.place(&chain);
        let path = name.map_or_else(|| PathBuf::from("templates"), |name| self.sources[name].clone());
        // Once the failing expression is found, the innermost message says it all; without
        // the page template's name, one mistake in `base.html` is one diagnostic, not one
        // per template that extends it.
        let message = match (span, chain.last()) {
            (Some(_), Some(innermost)) => {
                let innermost = tidy(innermost);
                match innermost.split_once(" while rendering '") {
                    Some((what, rest)) => {
                        format!(
                            "{what}{}",
                            rest.split_once("': ").map(|(_, more)| format!(": {more}")).unwrap_or_default()
                        )
                    }
                    None => innermost,
                }
            }
            _ => chain.iter().map(|m| tidy(m)).collect::<Vec<_>>().join(": "),
        };
        let mut diagnostic = Diagnostic::error(path, format!("template error: {message}"));
        if let (Some(name), Some(span)) = (name, span) {
            diagnostic = diagnostic.at(&self.texts[name], span);
        }
        let hint = match page {
            Some(page) => {
                format!("while rendering `{}`; see the Tera documentation for template syntax", display_path(page))
            }
            None => "check the template's syntax (Tera, like Jinja2)".to_owned(),
        };
        diagnostic.with_hint(hint)
    }

    /// Which template an error happened in, and where in it. Tera names several: the
    /// page's template ("Failed to render 'topic.html'"), the one it extends whose code
    /// failed ("(error happened in 'base.html')") and the one being evaluated ("while
    /// rendering 'base.html'", also for includes). The most specific is tried first, and
    /// kept only if it holds the failing expression; when none does, the only template
    /// that holds it; else the most specific name without a line. Never a template that
    /// was not named or does not hold the expression.
    fn place(&self, chain: &[String]) -> (Option<&String>, Option<Span>) {
        let mut candidates: Vec<&String> = Vec::new();
        for marker in ["while rendering '", "error happened in '", "Failed to render '", "Failed to parse '", "'"] {
            for message in chain.iter().rev() {
                for quoted in message.split(marker).skip(1) {
                    let name = quoted.split('\'').next().unwrap_or("");
                    if let Some((name, _)) = self.sources.get_key_value(name)
                        && !candidates.contains(&name)
                    {
                        candidates.push(name);
                    }
                }
            }
        }
        if let Some(span) = chain.iter().find_map(|message| tera_position(message)) {
            return (candidates.first().copied(), Some(span));
        }
        let Some(needle) = chain.iter().rev().find_map(|message| failing_expression(message)) else {
            return (candidates.first().copied(), None);
        };
        let found = |name: &String| self.texts.get(name).and_then(|text| find_expression(text, needle));
        if let Some((name, span)) = candidates.iter().find_map(|name| found(name).map(|span| (*name, span))) {
            return (Some(name), Some(span));
        }
        let mut holders = self.texts.keys().filter_map(|name| found(name).map(|span| (name, span)));
        match (holders.next(), holders.next()) {
            (Some((name, span)), None) => (Some(name), Some(span)),
            _ => (candidates.first().copied(), None),
        }
    }
}

/// The expression an error is about: Tera quotes it in backticks ("Variable `page.nope`
/// not found", "Filter `shout` not found").
fn failing_expression(message: &str) -> Option<&str> {
    let quoted = message.split('`').nth(1)?;
    (!quoted.is_empty() && !quoted.contains(char::is_whitespace)).then_some(quoted)
}

/// The first place `needle` is written in `text` inside a `{{ }}` or `{% %}` tag, as a
/// whole name (`page.nope` does not match `page.nopes`).
fn find_expression(text: &str, needle: &str) -> Option<Span> {
    let is_name = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    let index = crate::diagnostic::LineIndex::new(text);
    text.match_indices(needle).map(|(at, _)| at).find_map(|at| {
        let before_ok = !text[..at].ends_with(is_name);
        let after_ok = !text[at + needle.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_');
        let open = text[..at].rfind("{{").max(text[..at].rfind("{%"));
        let in_tag = open.is_some_and(|open| !text[open..at].contains("}}") && !text[open..at].contains("%}"));
        (before_ok && after_ok && in_tag).then(|| index.span(text, at..at + needle.len()))
    })
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

/// The line and column of a Tera parse error (`--> 3:5`).
fn tera_position(message: &str) -> Option<Span> {
    let after = message.split("--> ").nth(1)?;
    let (line, rest) = after.split_once(':')?;
    let col = rest.chars().take_while(char::is_ascii_digit).collect::<String>();
    Some(Span { line: line.trim().parse().ok()?, col: col.parse().unwrap_or(1), len: 1 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_the_five_html_characters_only() {
        assert_eq!(escape_html("a & b <c> \"d\" 'e' /f/ é"), "a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39; /f/ é");
    }

    fn place(files: &[(&str, &str)], chain: &[&str]) -> Option<String> {
        let sources = files.iter().map(|(name, _)| ((*name).to_owned(), PathBuf::from(name))).collect();
        let texts = files.iter().map(|(name, text)| ((*name).to_owned(), (*text).to_owned())).collect();
        let templates = Templates { sources: &sources, texts: &texts };
        let chain: Vec<String> = chain.iter().map(|m| (*m).to_owned()).collect();
        let (name, span) = templates.place(&chain);
        name.map(|name| format!("{name}{}", span.map(|s| format!(":{}:{}", s.line, s.col)).unwrap_or_default()))
    }

    // issue 11 item 17
    #[test]
    fn a_render_error_is_placed_in_the_template_holding_the_expression() {
        let files = [
            ("topic.html", "{% extends \"base.html\" %}{% block main %}{{ page.title }}{% endblock %}"),
            ("base.html", "<html>\n<body>\n<p>{{ site.nope }}</p>{% block main %}{% endblock %}"),
            ("partials/a.html", "{{ x | shout }}"),
            ("partials/b.html", "{{ y | shout }}"),
        ];
        let chain = [
            "Failed to render 'topic.html' (error happened in 'base.html').",
            "Variable `site.nope` not found in context while rendering 'topic.html'",
        ];
        assert_eq!(place(&files, &chain).as_deref(), Some("base.html:3:7"));
        // Held by two templates that Tera did not name: the named one, without a line.
        assert_eq!(
            place(&files, &["Failed to render 'topic.html'", "Filter `shout` not found"]).as_deref(),
            Some("topic.html")
        );
        // `site.nope` is not `site.nopes`.
        let files = [("a.html", "{{ site.nopes }}\n{{ site.nope }}")];
        assert_eq!(
            place(&files, &["Failed to render 'a.html'", "Variable `site.nope` not found"]).as_deref(),
            Some("a.html:2:4")
        );
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
