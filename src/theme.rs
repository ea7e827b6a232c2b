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
            None => compile(&files, config.base_url.path())
                .map_err(|error| problems.extend(templates.compile_errors(&error, &files)))
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
        self.tera.render(template, context).map_err(|error| {
            let problem = templates.errors(&error, Some(page)).into_iter().next();
            problem.unwrap_or_else(|| Diagnostic::error("templates", format!("template error: {error}")))
        })
    }
}

/// The filters a template may use: Tera 2's own, and the two tend adds from tera-contrib.
const FILTERS: &[&str] = &[
    "abs",
    "capitalize",
    "default",
    "escape",
    "escape_html",
    "escape_xml",
    "first",
    "float",
    "get",
    "group_by",
    "indent",
    "int",
    "join",
    "keys",
    "last",
    "length",
    "lower",
    "newlines_to_br",
    "nth",
    "pairs",
    "pluralize",
    "replace",
    "reverse",
    "round",
    "safe",
    "sort",
    "split",
    "str",
    "title",
    "trim",
    "trim_end",
    "trim_start",
    "truncate",
    "unique",
    "upper",
    "urlencode",
    "urlencode_strict",
    "values",
    "wordcount",
];

/// Tera 2's tests (`x is defined`).
const TESTS: &[&str] = &[
    "array",
    "bool",
    "containing",
    "defined",
    "divisible_by",
    "ending_with",
    "even",
    "float",
    "integer",
    "iterable",
    "map",
    "none",
    "number",
    "odd",
    "starting_with",
    "string",
    "undefined",
];

/// Parses every template and adds tend's functions and filters. Tera 2 checks at compile
/// time that every filter, test, function, include and parent a template names exists.
fn compile(files: &[(String, String)], base_path: &str) -> Result<tera::Tera, tera::Error> {
    let mut tera = tera::Tera::new();
    tera.autoescape_on([".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    tera.register_filter("urlencode", tera_contrib::urlencode::urlencode);
    tera.register_filter("urlencode_strict", tera_contrib::urlencode::urlencode_strict);
    let base_path = base_path.to_owned();
    tera.register_function("url", move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
        let path: &str = kwargs
            .get("path")?
            .ok_or_else(|| tera::Error::message("`url` needs a `path` argument, e.g. url(path=\"style.css\")"))?;
        Ok(format!("{base_path}{}", path.trim_start_matches('/')))
    });
    tera.add_raw_templates(files.iter().map(|(name, text)| (name.as_str(), text.as_str())))?;
    Ok(tera)
}

/// Escapes text for HTML content and quoted attributes. Unlike Tera's default it
/// leaves `/` alone, so URLs stay readable and pages stay small.
fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut last = 0;
    for (at, byte) in input.bytes().enumerate() {
        let entity: &[u8] = match byte {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&input.as_bytes()[last..at])?;
        out.write_all(entity)?;
        last = at + 1;
    }
    out.write_all(&input.as_bytes()[last..])
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
    /// Every problem in a Tera error, as diagnostics in the template files they are in.
    /// Tera 2 locates syntax and render errors itself (template, line, column, span) and
    /// lists every unknown filter, function, test or include at once; `page` is the
    /// source being rendered, for the hint.
    fn errors(&self, error: &tera::Error, page: Option<&Path>) -> Vec<Diagnostic> {
        use tera::ErrorKind;
        let while_rendering = || match page {
            Some(page) => format!("while rendering `{}`", display_path(page)),
            None => "check the template's syntax (Tera 2, like Jinja2)".to_owned(),
        };
        match error.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let range = report.span().range.clone();
                let text = self.texts.get(report.filename()).map_or("", String::as_str);
                let (message, more) = explain(report.message(), text, range.start);
                let mut hint = while_rendering();
                for (name, line, col) in called_from(&error.to_string()) {
                    let file = self.sources.get(&name).map_or(name, |path| display_path(path));
                    hint.push_str(&format!("; called from {file}:{line}:{col}"));
                }
                if let Some(more) = more {
                    hint.push_str(&format!("; {more}"));
                }
                vec![self.located(report.filename(), format!("template error: {message}"), Some(range), hint)]
            }
            ErrorKind::Msg(text) if text.starts_with("error: ") => reports(text)
                .into_iter()
                .map(|(name, message, span)| {
                    let hint = self.unknown_hint(&message).unwrap_or_else(while_rendering);
                    let diagnostic = self.located(&name, format!("template error: {message}"), None, hint);
                    match self.texts.get(&name) {
                        Some(text) => diagnostic.at(text, span),
                        None => diagnostic,
                    }
                })
                .collect(),
            ErrorKind::MissingParent { current, parent } => {
                let range = self.texts.get(current).and_then(|text| text.find(&format!("\"{parent}\"")));
                let message = format!("template error: `{current}` extends `{parent}`, which no theme has");
                let hint = format!("templates here: {}", self.sources.keys().cloned().collect::<Vec<_>>().join(", "));
                vec![self.located(current, message, range.map(|at| at..at + parent.len() + 2), hint)]
            }
            ErrorKind::CircularExtend { tpl, inheritance_chain: chain }
            | ErrorKind::CircularInclude { tpl, include_chain: chain } => {
                let message = format!("template error: `{tpl}` leads back to itself: {}", chain.join(" → "));
                vec![self.located(tpl, message, None, "break the loop of `extends` or `include`".to_owned())]
            }
            _ => {
                let mut message = error.to_string();
                let mut cause = std::error::Error::source(error);
                while let Some(inner) = cause {
                    message.push_str(&format!(": {inner}"));
                    cause = inner.source();
                }
                vec![Diagnostic::error("templates", format!("template error: {message}")).with_hint(while_rendering())]
            }
        }
    }

    /// What exists, for "Unknown filter `shout`" and the like from Tera's compile check.
    fn unknown_hint(&self, message: &str) -> Option<String> {
        let (what, rest) = message.strip_prefix("Unknown ")?.split_once(" `")?;
        let name = rest.split('`').next()?;
        let templates: Vec<&str> = self.sources.keys().map(String::as_str).collect();
        let known: &[&str] = match what {
            "filter" => FILTERS,
            "test" => TESTS,
            "function" => &["url", "range", "throw"],
            "template" => &templates,
            _ => return None,
        };
        // Template paths share `.html` and folders, which a fuzzy match rewards: suggest
        // one only when it is a few keystrokes away.
        let best = did_you_mean(name, known.iter().copied())
            .filter(|best| what != "template" || strsim::levenshtein(name, best) <= 3);
        Some(match best {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("the {what}s here are {}", known.join(", ")),
        })
    }

    /// The problems a compile found. Tera stops at the first syntax error, so when there
    /// is one, each template is parsed again on its own to report every one.
    fn compile_errors(&self, error: &tera::Error, files: &[(String, String)]) -> Vec<Diagnostic> {
        if !matches!(error.kind(), tera::ErrorKind::SyntaxError(_)) {
            return self.errors(error, None);
        }
        let alone = |(name, text): &(String, String)| tera::Tera::new().add_raw_template(name, text).err();
        files
            .iter()
            .filter_map(alone)
            .filter(|error| matches!(error.kind(), tera::ErrorKind::SyntaxError(_)))
            .flat_map(|error| self.errors(&error, None))
            .collect()
    }

    /// A diagnostic in template `name`'s file, at byte `range` of its text when known.
    fn located(&self, name: &str, message: String, range: Option<std::ops::Range<usize>>, hint: String) -> Diagnostic {
        let path = self.sources.get(name).cloned().unwrap_or_else(|| PathBuf::from("templates").join(name));
        let diagnostic = Diagnostic::error(path, message).with_hint(hint);
        match (self.texts.get(name), range) {
            (Some(text), Some(range)) => {
                let index = crate::diagnostic::LineIndex::new(text);
                diagnostic.at_bytes(&index, text, range)
            }
            _ => diagnostic,
        }
    }
}

/// Tera's message, said for a theme author, and what to add to the hint. Tera says
/// "Field `nope` is not defined. Available fields: a, b"; tend names the whole expression
/// (`page.nope`) and suggests the closest field. For "Unknown tag" (an end tag that closes
/// nothing open, or a misspelt tag) it says which tag is still open.
fn explain(message: &str, text: &str, at: usize) -> (String, Option<String>) {
    let quoted = |marker: &str| message.strip_prefix(marker).and_then(|rest| rest.split('`').next());
    let known = |marker: &str| message.split_once(marker).map(|(_, list)| list.split(", ").collect::<Vec<_>>());
    if let Some(field) = quoted("Field `") {
        let before = text.get(..at).unwrap_or_default().trim_end_matches('.');
        let start = before.rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.')).map_or(0, |i| i + 1);
        let parent = &before[start..];
        let what = if parent.is_empty() { format!("`{field}`") } else { format!("`{parent}.{field}`") };
        let owner = if parent.is_empty() { "it".to_owned() } else { format!("`{parent}`") };
        let hint = known(". Available fields: ").map(|fields| match did_you_mean(field, fields.iter().copied()) {
            Some(best) if !parent.is_empty() => format!("did you mean `{parent}.{best}`?"),
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("{owner} has {}", fields.join(", ")),
        });
        return (format!("{what} is not defined"), hint);
    }
    if let Some(variable) = quoted("Variable `") {
        let hint = known(". Available variables: ").map(|names| match did_you_mean(variable, names.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("this template has {}", names.join(", ")),
        });
        return (format!("`{variable}` is not defined"), hint);
    }
    if message == "Unknown tag" {
        let word: String =
            text.get(at..).unwrap_or_default().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let what = if word.starts_with("end") { "unexpected" } else { "unknown tag" };
        return (format!("{what} `{{% {word} %}}`"), unknown_tag_hint(text, at));
    }
    (message.trim_end_matches('.').to_owned(), None)
}

/// Why the tag at byte `at` of `text` is unknown: an end tag while another tag is open
/// (`{% endblock %}` inside a `{% for %}`), an end tag with nothing open, or a misspelling.
fn unknown_tag_hint(text: &str, at: usize) -> Option<String> {
    const OPENING: &[&str] = &["block", "for", "if", "filter", "component", "raw", "set", "set_global"];
    const TAGS: &[&str] = &[
        "if",
        "elif",
        "else",
        "for",
        "break",
        "continue",
        "block",
        "extends",
        "include",
        "set",
        "set_global",
        "filter",
        "component",
        "raw",
    ];
    let word: String = text.get(at..)?.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    let index = crate::diagnostic::LineIndex::new(text);
    let mut open: Vec<(&str, usize)> = Vec::new();
    for (start, _) in text[..at].match_indices("{%") {
        let tag = text[start + 2..at].trim_start_matches(['-', '+']).trim_start();
        let name: &str = tag.split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or_default();
        // A `set` with `=` is one tag; without it, it captures a body up to `endset`.
        let captures =
            !matches!(name, "set" | "set_global") || !tag.split("%}").next().unwrap_or_default().contains('=');
        if OPENING.contains(&name) && captures {
            open.push((name, start));
        } else if let Some(closed) = name.strip_prefix("end")
            && open.last().is_some_and(|(last, _)| *last == closed || (closed == "set" && *last == "set_global"))
        {
            open.pop();
        }
    }
    match (word.strip_prefix("end"), open.last()) {
        (Some(closes), Some((name, start))) => {
            let line = index.locate(text, *start).0;
            let end = if *name == "set_global" { "set" } else { name };
            Some(format!(
                "the `{{% {name} %}}` on line {line} is still open: close it with `{{% end{end} %}}` before `{{% end{closes} %}}`"
            ))
        }
        (Some(closes), None) => {
            Some(format!("`{{% end{closes} %}}` closes nothing: no `{{% {closes} %}}` is open here"))
        }
        (None, _) => Some(match did_you_mean(&word, TAGS.iter().copied()) {
            Some(best) => format!("did you mean `{{% {best} %}}`?"),
            None => format!("Tera's tags are {}", TAGS.join(", ")),
        }),
    }
}

/// The templates a render error passed through (`note: called from base.html:12:4`),
/// innermost first: the include or component call that led to the failing one.
fn called_from(report: &str) -> Vec<(String, usize, usize)> {
    report
        .lines()
        .filter_map(|line| line.strip_prefix("note: called from "))
        .filter_map(|place| {
            let mut parts = place.rsplitn(3, ':');
            let col = parts.next()?.trim().parse().ok()?;
            let line = parts.next()?.parse().ok()?;
            Some((parts.next()?.to_owned(), line, col))
        })
        .collect()
}

/// The reports in Tera's compile-time check, which lists every unknown filter, test,
/// function, component and include in one message: each report's template name,
/// message and span (`error: Unknown filter `shout`` / ` --> topic.html:1:8` / carets).
fn reports(text: &str) -> Vec<(String, String, Span)> {
    let mut found = Vec::new();
    for block in text.split("\n\nerror: ") {
        let block = block.strip_prefix("error: ").unwrap_or(block);
        let mut lines = block.lines();
        let message = lines.next().unwrap_or_default().to_owned();
        let Some(place) = lines.next().and_then(|line| line.trim_start().strip_prefix("--> ")) else { continue };
        let mut parts = place.rsplitn(3, ':');
        let (Some(col), Some(line), Some(name)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let len = block.lines().last().map_or(1, |carets| carets.matches('^').count().max(1));
        let span = Span { line: line.parse().unwrap_or(1), col: col.parse().unwrap_or(1), len };
        found.push((name.to_owned(), message, span));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_the_five_html_characters_only() {
        let mut out = Vec::new();
        escape_html("a & b <c> \"d\" 'e' /f/ é", &mut out).expect("write");
        assert_eq!(String::from_utf8(out).expect("utf-8"), "a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39; /f/ é");
    }

    /// Compiles `files` and renders `name` with `site` in the context; the error's place.
    fn place(files: &[(&str, &str)], render: &str) -> Vec<String> {
        let sources = files.iter().map(|(name, _)| ((*name).to_owned(), PathBuf::from(name))).collect();
        let texts = files.iter().map(|(name, text)| ((*name).to_owned(), (*text).to_owned())).collect();
        let templates = Templates { sources: &sources, texts: &texts };
        let owned: Vec<(String, String)> = files.iter().map(|(n, t)| ((*n).to_owned(), (*t).to_owned())).collect();
        let problems = match compile(&owned, "/") {
            Err(error) => templates.errors(&error, None),
            Ok(tera) => {
                let mut context = tera::Context::new();
                context.insert("site", &serde_json::json!({"title": "T"}));
                match tera.render(render, &context) {
                    Ok(_) => Vec::new(),
                    Err(error) => templates.errors(&error, Some(Path::new("content/a.md"))),
                }
            }
        };
        problems.iter().map(|d| format!("{} {}", d.location(), d.message)).collect()
    }

    // issue 11 item 17; issue 13 lever 1: Tera 2 names the template and place itself.
    #[test]
    fn a_render_error_is_placed_in_the_template_holding_the_expression() {
        let files = [
            ("topic.html", "{% extends \"base.html\" %}{% block main %}{{ site.title }}{% endblock %}"),
            ("base.html", "<html>\n<body>\n<p>{{ site.nope }}</p>{% block main %}{% endblock %}"),
        ];
        assert_eq!(place(&files, "topic.html"), ["base.html:3:12 template error: `site.nope` is not defined"]);
        let files =
            [("a.html", "{{ site.nopes }}\n{{ x | shout }} {{ y | shout }}"), ("b.html", "{% include \"c.html\" %}")];
        assert_eq!(
            place(&files, "a.html"),
            [
                "a.html:2:8 template error: Unknown filter `shout`",
                "a.html:2:24 template error: Unknown filter `shout`",
                "b.html:1:12 template error: Unknown template `c.html`",
            ]
        );
    }

    // issue 13 lever 1: Tera 2 says only "Unknown tag" for an end tag that closes nothing.
    #[test]
    fn an_unknown_tag_says_which_tag_is_still_open() {
        let text = "{% block main %}\n{%- for t in tags %}\n{% set x = 1 %}{% if a %}{% endif %}\n{% endblock %}";
        let at = text.rfind("endblock").expect("endblock");
        assert_eq!(
            unknown_tag_hint(text, at).as_deref(),
            Some("the `{% for %}` on line 2 is still open: close it with `{% endfor %}` before `{% endblock %}`")
        );
        let text = "{% endfor %}";
        assert_eq!(
            unknown_tag_hint(text, 3).as_deref(),
            Some("`{% endfor %}` closes nothing: no `{% for %}` is open here")
        );
        let text = "{% incldue \"a.html\" %}";
        assert_eq!(unknown_tag_hint(text, 3).as_deref(), Some("did you mean `{% include %}`?"));
    }

    #[test]
    fn a_missing_field_is_named_with_its_parent_and_the_closest_field() {
        let text = "{{ page.titel }}";
        let message = "Field `titel` is not defined. Available fields: title, url";
        assert_eq!(
            explain(message, text, 8),
            ("`page.titel` is not defined".to_owned(), Some("did you mean `page.title`?".to_owned()))
        );
        let message = "Field `nope` is not defined. Available fields: title, url";
        assert_eq!(explain(message, "{{ page.nope }}", 8).1.as_deref(), Some("`page` has title, url"));
        let message = "Variable `pgae` is not defined. Available variables: page, site";
        assert_eq!(explain(message, "{{ pgae }}", 3).1.as_deref(), Some("did you mean `page`?"));
    }

    #[test]
    fn called_from_reads_tera_notes() {
        let report = "error: Field `x` is not defined\n --> p.html:1:4\n\nnote: called from base.html:12:4\n  |";
        assert_eq!(called_from(report), [("base.html".to_owned(), 12, 4)]);
    }

    proptest! {
        #[test]
        fn escaping_round_trips(text in "\\PC{0,60}") {
            let mut out = Vec::new();
            escape_html(&text, &mut out).expect("write");
            let escaped = String::from_utf8(out).expect("utf-8");
            let back = escaped.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
            prop_assert_eq!(back, text);
        }
    }
}
