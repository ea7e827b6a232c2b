//! Site configuration: `site.yaml` parsed strictly into a validated [`Config`].
//!
//! Owns the file format (`RawConfig`, unknown keys rejected with suggestions) and its
//! resolution against the site root and command-line overrides (paths, base URL). The
//! rest of the crate only sees [`Config`], never raw strings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Severity, Span, did_you_mean};
use crate::error::{Error, fs};
use crate::yaml::{Document, Outline, Partial};

/// The configuration file's name, at the site root.
pub const FILE_NAME: &str = "site.yaml";

/// How raw HTML written inside Markdown is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RawHtml {
    /// Shown as text: `<b>` appears literally.
    Escape,
    /// Kept, but cleaned with an allow-list: no scripts, event handlers or `javascript:` URLs.
    #[default]
    Sanitize,
    /// Passed through untouched. Only for sites whose every author is trusted.
    Trust,
}

/// `markdown:` options.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownOptions {
    /// Raw HTML policy.
    pub raw_html: RawHtml,
}

/// How a broken internal link or anchor is reported (`links: {internal: …}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkLevel {
    /// An error: the build fails (the default).
    #[default]
    Error,
    /// A warning: the build goes on, with the link as written.
    Warn,
}

impl LinkLevel {
    /// The severity of a broken link's diagnostic.
    pub fn severity(self) -> Severity {
        match self {
            Self::Error => Severity::Error,
            Self::Warn => Severity::Warning,
        }
    }
}

/// `links:` options.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinkOptions {
    /// Links and images to paths of this site that lead nowhere, and `#anchors` a page
    /// does not have (as Zola's `link_checker.internal_level`). `tend check` keeps them
    /// errors unless run with `--links warn`.
    pub internal: LinkLevel,
}

/// `search:` options.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchOptions {
    /// Build the Pagefind index (default true).
    pub enabled: bool,
    /// Site paths (`/about/`) whose pages, and pages below them, stay out of the index.
    pub exclude: Vec<String>,
    /// Groups of words readers use for the same thing; any word finds pages using another.
    pub synonyms: Vec<Vec<String>>,
}

impl Default for SearchOptions {
    fn default() -> Self {
        Self { enabled: true, exclude: Vec::new(), synonyms: Vec::new() }
    }
}

/// One entry of `languages:` as written: what differs in that language.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LanguageSettings {
    /// The language's own name for itself, for the language switcher (`Español`).
    pub name: Option<String>,
    /// The site's title in that language.
    pub title: Option<String>,
    /// The site's description in that language.
    pub description: Option<String>,
    /// Search settings of that language's index.
    pub search: LanguageSearch,
}

/// `languages.<code>.search:`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LanguageSearch {
    /// Synonym groups for that language's pages (see [`SearchOptions::synonyms`]).
    pub synonyms: Vec<Vec<String>>,
}

/// A language the site is published in, with everything that differs in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Language {
    /// BCP 47 tag, as in `language:` or the key of `languages:` (`es`).
    pub code: String,
    /// Its name in itself (`Español`).
    pub name: String,
    /// The site's title in it.
    pub title: String,
    /// The site's description in it.
    pub description: String,
    /// Its search synonyms.
    pub synonyms: Vec<Vec<String>>,
    /// Where its pages are published: `""` for the default language, `es/` for others.
    pub prefix: String,
}

/// One entry of `check.avoid`: a word or phrase to avoid, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AvoidWord {
    /// The word or phrase; matched as whole words, ignoring case, plus its plural in `s`.
    pub word: String,
    /// What to write instead.
    #[serde(default)]
    pub instead: Option<String>,
    /// Why, in a few words.
    #[serde(default)]
    pub why: Option<String>,
}

/// `check:` options: the editorial rules `tend check` applies.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckSettings {
    /// Highest Flesch-Kincaid grade before a warning.
    pub readability_target: f64,
    /// Longest `description`, in characters.
    pub description_max: usize,
    /// References every article needs.
    pub min_references: usize,
    /// Days before `next_review` from which a warning is shown.
    pub review_warning_days: u32,
    /// Words to avoid, with alternatives; each use is a warning.
    pub avoid: Vec<AvoidWord>,
    /// Largest image file, in kilobytes (1000 bytes), before a warning: readers on slow
    /// or metered connections pay for every byte.
    pub image_max_kb: u64,
}

impl Default for CheckSettings {
    fn default() -> Self {
        Self {
            readability_target: 9.0,
            description_max: 160,
            min_references: 2,
            review_warning_days: 30,
            avoid: Vec::new(),
            image_max_kb: 500,
        }
    }
}

/// `site.yaml` as written.
#[derive(Debug, Deserialize)]
#[serde(default)]
struct RawConfig {
    title: Option<String>,
    description: String,
    base_url: Option<String>,
    language: String,
    theme: String,
    repository: Option<String>,
    repository_branch: String,
    report_form: Option<String>,
    author: Option<String>,
    feed_limit: usize,
    markdown: MarkdownOptions,
    links: LinkOptions,
    search: SearchOptions,
    check: CheckSettings,
    extra: BTreeMap<String, serde_yaml::Value>,
    /// Read entry by entry (see [`languages_of`]), so each entry's problems are told.
    languages: serde_yaml::Value,
}

/// The error for a `site.yaml` without a title.
const NEEDS_TITLE: &str = "site.yaml needs a `title`";

/// Keys `site.yaml` accepts at the top level.
pub(crate) const KNOWN_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "theme",
    "repository",
    "repository_branch",
    "report_form",
    "author",
    "feed_limit",
    "markdown",
    "links",
    "search",
    "check",
    "extra",
    "languages",
];

impl Default for RawConfig {
    fn default() -> Self {
        Self {
            title: None,
            description: String::new(),
            base_url: None,
            language: "en".into(),
            theme: "default".into(),
            repository: None,
            repository_branch: "main".into(),
            report_form: None,
            author: None,
            feed_limit: 20,
            markdown: MarkdownOptions::default(),
            links: LinkOptions::default(),
            search: SearchOptions::default(),
            check: CheckSettings::default(),
            extra: BTreeMap::new(),
            languages: serde_yaml::Value::Null,
        }
    }
}

/// The site's base URL: scheme, host and an optional sub-path, always ending in `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(url::Url);

impl BaseUrl {
    /// Parses an absolute http(s) URL; adds the trailing slash. Refuses what would make
    /// the site's links point elsewhere: empty path segments (`https://x.org//evil.org/`
    /// makes `//evil.org/…` links, which go to another host), a user name or password
    /// (published in every page), a query or a fragment.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut url = web_url(text)?;
        if url.query().is_some() || url.fragment().is_some() {
            return Err(format!("`{text}` must not have a query (`?`) or fragment (`#`)"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!("`{text}` must not hold a user name or password: it would be published in every page"));
        }
        if url.path().contains("//") {
            return Err(format!(
                "the path of `{text}` has an empty segment (`//`): links would start with `//` and lead to another host"
            ));
        }
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        Ok(Self(url))
    }

    /// The path part, e.g. `/` or `/aftercare/`.
    pub fn path(&self) -> &str {
        self.0.path()
    }

    /// The full URL of a site path such as `feelings/low/` (no leading slash).
    pub fn join(&self, site_path: &str) -> String {
        format!("{}{}", self.0.as_str(), site_path.trim_start_matches('/'))
    }

    /// The URL as text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// Validated configuration with every path resolved.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site root (the folder holding `site.yaml`).
    pub root: PathBuf,
    /// Site title.
    pub title: String,
    /// Site description, for the home page's meta tags and the feed.
    pub description: String,
    /// Where the site is published.
    pub base_url: BaseUrl,
    /// BCP 47 language tag of the default language, for `<html lang>`.
    pub language: String,
    /// Every language of the site: the default one first, then `languages:` in code order.
    pub languages: Vec<Language>,
    /// Name of the theme folder under `themes/`.
    pub theme: String,
    /// Repository web URL, for edit and report links.
    pub repository: Option<String>,
    /// Branch used in edit links.
    pub repository_branch: String,
    /// An issue form in the repository (`.github/ISSUE_TEMPLATE/<name>`) that report
    /// links open, with the page's address filled in its `page` field.
    pub report_form: Option<String>,
    /// Default author.
    pub author: Option<String>,
    /// Number of entries in `atom.xml`.
    pub feed_limit: usize,
    /// Markdown options.
    pub markdown: MarkdownOptions,
    /// Link checking options, with `Overrides::links` applied.
    pub links: LinkOptions,
    /// Search options.
    pub search: SearchOptions,
    /// The editorial rules of `tend check`.
    pub check: CheckSettings,
    /// Free-form data for themes.
    pub extra: BTreeMap<String, serde_yaml::Value>,
    /// Whether draft pages are built.
    pub drafts: bool,
    /// Whether theme CSS and JavaScript keep their names (see [`Overrides::plain_assets`]).
    pub plain_assets: bool,
    /// Where `site.yaml` wrote each setting, to point later diagnostics at it.
    pub source: SiteSource,
}

/// `site.yaml`'s text and outline, kept to point diagnostics found after loading (such as
/// an `extra` key the theme does not read) at the place the author wrote.
#[derive(Debug, Clone, Default)]
pub struct SiteSource {
    text: Arc<str>,
    outline: Outline,
}

impl SiteSource {
    /// A diagnostic at the key at `path` (`["extra", "quick_exti"]`) of `site.yaml`; at
    /// the file when it is not there.
    pub fn at_key(&self, path: &[&str], severity: Severity, message: impl Into<String>) -> Diagnostic {
        self.at(self.outline.key(path), severity, message)
    }

    /// A diagnostic at the value at `path` of `site.yaml`.
    pub fn at_value(&self, path: &[&str], severity: Severity, message: impl Into<String>) -> Diagnostic {
        self.at(self.outline.value(path).or_else(|| self.outline.key(path)), severity, message)
    }

    fn at(&self, span: Option<Span>, severity: Severity, message: impl Into<String>) -> Diagnostic {
        let diagnostic = Diagnostic { severity, ..Diagnostic::error(FILE_NAME, message) };
        match span {
            Some(span) => diagnostic.at(&self.text, span),
            None => diagnostic,
        }
    }

    /// The keys written directly under `extra:`, in file order.
    pub fn extra_keys(&self) -> impl Iterator<Item = &str> {
        self.outline.keys_under(&["extra"]).map(|(key, _)| key)
    }
}

/// Command-line settings that override or complete `site.yaml`.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Replaces `base_url`.
    pub base_url: Option<String>,
    /// Builds drafts.
    pub drafts: bool,
    /// Replaces `links.internal` (`tend check` sets it: error unless `--links warn`).
    pub links: Option<LinkLevel>,
    /// Publishes the themes' CSS and JavaScript under their own names instead of
    /// fingerprinted ones (`tend serve`, where a stylesheet edit is swapped in place).
    pub plain_assets: bool,
}

impl Config {
    /// Reads and validates `<root>/site.yaml`.
    pub fn load(root: &Path, overrides: &Overrides) -> Result<Self, Error> {
        match Self::load_lenient(root, overrides)? {
            (Some(config), problems) if problems.is_empty() => Ok(config),
            (_, problems) => Err(Error::Site(problems)),
        }
    }

    /// Reads `<root>/site.yaml` and returns every problem in it, with the configuration
    /// made from the keys that were valid (the others left at their defaults), or `None`
    /// when the file could not be read as a mapping at all.
    pub fn load_lenient(root: &Path, overrides: &Overrides) -> Result<(Option<Self>, Vec<Diagnostic>), Error> {
        let path = root.join(FILE_NAME);
        let text = crate::diagnostic::decode_utf8(&fs::read(&path)?, Path::new(FILE_NAME)).map_err(Error::one)?;
        Ok(Self::parse_lenient(root, &text, overrides))
    }

    /// Parses `site.yaml` text.
    pub fn parse(root: &Path, text: &str, overrides: &Overrides) -> Result<Self, Vec<Diagnostic>> {
        match Self::parse_lenient(root, text, overrides) {
            (Some(config), problems) if problems.is_empty() => Ok(config),
            (_, problems) => Err(problems),
        }
    }

    /// [`Config::parse`], keeping the configuration made from the valid keys.
    fn parse_lenient(root: &Path, text: &str, overrides: &Overrides) -> (Option<Self>, Vec<Diagnostic>) {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let document =
            Document { path: Path::new(FILE_NAME), file: text, yaml: text, first_line: 1, what: "site.yaml" };
        let partial: Partial<RawConfig> = match document.parse_partial(KNOWN_KEYS) {
            Ok(partial) => partial,
            Err(problems) => return (None, problems),
        };
        let Partial { value, outline, mut problems, dropped, suggested, .. } = partial;
        let source = SiteSource { text: text.into(), outline };
        // What follows from a key already reported (left out, or misspelt) is not told again.
        let follows = |d: &Diagnostic| {
            d.span.is_some_and(|span| dropped.iter().any(|lines| lines.contains(&span.line)))
                || (suggested.contains(&"title") && d.message == NEEDS_TITLE)
        };
        let (config, more) = Self::from_raw(root, value, overrides, source);
        problems.extend(more.into_iter().filter(|d| !follows(d)));
        (Some(config), problems)
    }

    /// The configuration from `raw`, with every problem in its values (each invalid one
    /// replaced by its default, so the rest of the site can still be checked).
    fn from_raw(root: &Path, raw: RawConfig, overrides: &Overrides, source: SiteSource) -> (Self, Vec<Diagnostic>) {
        let RawConfig {
            title,
            description,
            base_url,
            language,
            theme,
            repository,
            repository_branch,
            report_form,
            author,
            feed_limit,
            markdown,
            links,
            search,
            check,
            extra,
            languages,
        } = raw;
        let error_at = |path: &[&str], message: String| source.at_value(path, Severity::Error, message);
        let mut problems = Vec::new();
        let title = title.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| {
            problems.push(error_at(&["title"], NEEDS_TITLE.into()).with_hint("add a line like `title: My guide`"));
            String::new()
        });
        let base_url_text = overrides.base_url.clone().or(base_url).unwrap_or_else(|| "http://127.0.0.1:1111/".into());
        let base_url = BaseUrl::parse(&base_url_text).unwrap_or_else(|message| {
            let diagnostic = if overrides.base_url.is_some() {
                Diagnostic::error(FILE_NAME, format!("--base-url: {message}"))
            } else {
                error_at(&["base_url"], format!("invalid `base_url`: {message}"))
            };
            problems.push(diagnostic.with_hint(
                "use a full https: or http: URL whose path has no empty segments, e.g. https://example.org/guide/",
            ));
            BaseUrl::parse("http://127.0.0.1/").expect("constant URL parses")
        });
        problems.extend(name_problems(&theme, &language, report_form.as_deref(), &source));
        problems.extend(repository.as_deref().and_then(|repo| repository_problem(repo, &source)));
        problems.extend(search_problems(&search, &source));
        let languages = languages_of(&language, &title, &description, &search, languages, &source, &mut problems);
        problems.extend(check_problems(&check, &source));
        problems
            .extend(extra_url_problems(&extra, &[], &|path, message| source.at_value(path, Severity::Error, message)));
        let config = Self {
            root: root.to_path_buf(),
            title,
            description,
            base_url,
            language,
            languages,
            theme,
            repository: repository.map(|r| r.trim().trim_end_matches('/').to_owned()),
            repository_branch,
            report_form,
            author,
            feed_limit,
            markdown,
            links: LinkOptions { internal: overrides.links.unwrap_or(links.internal) },
            search,
            check,
            extra,
            drafts: overrides.drafts,
            plain_assets: overrides.plain_assets,
            source,
        };
        (config, problems)
    }

    /// `<root>/content`.
    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }

    /// `<root>/static`.
    pub fn static_dir(&self) -> PathBuf {
        self.root.join("static")
    }

    /// `<root>/templates`, the site's template overrides.
    pub fn templates_dir(&self) -> PathBuf {
        self.root.join("templates")
    }
}

/// The site's languages: the default (named by `language`, with the site's title,
/// description and synonyms) first, then each of `languages:`; a code that is not a
/// language tag, or repeats another, is an error and left out.
fn languages_of(
    default: &str,
    title: &str,
    description: &str,
    search: &SearchOptions,
    extra: serde_yaml::Value,
    source: &SiteSource,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Language> {
    let mut languages = vec![Language {
        code: default.to_owned(),
        name: language_name(default),
        title: title.to_owned(),
        description: description.to_owned(),
        synonyms: search.synonyms.clone(),
        prefix: String::new(),
    }];
    let entries = match extra {
        serde_yaml::Value::Null => serde_yaml::Mapping::new(),
        serde_yaml::Value::Mapping(entries) => entries,
        _ => {
            problems.push(
                source
                    .at_value(
                        &["languages"],
                        Severity::Error,
                        "`languages` must map each language's code to its settings",
                    )
                    .with_hint(
                        "write it as `languages: {es: {name: Español, title: …, description: …}}`, one code a line",
                    ),
            );
            serde_yaml::Mapping::new()
        }
    };
    let mut entries: Vec<(String, serde_yaml::Value)> = entries
        .into_iter()
        .map(|(code, settings)| (code.as_str().map_or_else(|| format!("{code:?}"), str::to_owned), settings))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (code, settings) in entries {
        let error_at = |message: String| source.at_key(&["languages", &code], Severity::Error, message);
        if !matches!(settings, serde_yaml::Value::Mapping(_) | serde_yaml::Value::Null) {
            problems.push(
                source
                    .at_value(
                        &["languages", &code],
                        Severity::Error,
                        format!("`languages.{code}` must be a map of settings"),
                    )
                    .with_hint(format!("write it as `{code}: {{name: …, title: …, description: …}}`")),
            );
            continue;
        }
        if !is_language_tag(&code) || iso_language(&code).is_none() {
            problems.push(
                error_at(format!("`languages` key `{code}` is not a language tag like `es` or `pt-BR`"))
                    .with_hint("name each language by its code; its own name goes in `name:`"),
            );
            continue;
        }
        if let Some(other) = languages.iter().find(|l| l.code.eq_ignore_ascii_case(&code)) {
            let message = if other.prefix.is_empty() {
                format!("`{code}` is the site's default language (`language: {default}`), not another one")
            } else {
                format!("`languages` names `{code}` and `{}`, which are one language", other.code)
            };
            problems.push(
                error_at(message)
                    .with_hint("list under `languages:` only the languages other than the default, once each"),
            );
            continue;
        }
        let primary = code.split('-').next().unwrap_or_default();
        if primary.chars().any(|c| c.is_ascii_uppercase()) && is_language_tag(&code) {
            let lower = format!("{}{}", primary.to_ascii_lowercase(), &code[primary.len()..]);
            problems.push(
                error_at(format!("write the language code `{code}` in lower case: `{lower}`")).with_hint(
                    "it names the folder its pages are published in and the suffix of its files (`x.es.md`)",
                ),
            );
            continue;
        }
        let settings = match serde_yaml::from_value::<LanguageSettings>(settings) {
            Ok(settings) => settings,
            Err(error) => {
                problems.push(language_settings_problem(&code, &error, source));
                LanguageSettings::default()
            }
        };
        let LanguageSettings { name, title: own_title, description: own_description, search } = settings;
        languages.push(Language {
            name: name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| language_name(&code)),
            title: own_title.unwrap_or_else(|| title.to_owned()),
            description: own_description.unwrap_or_else(|| description.to_owned()),
            synonyms: search.synonyms,
            prefix: format!("{code}/"),
            code,
        });
    }
    languages
}

/// What is wrong with the settings of language `code`, at the key that is wrong when
/// serde names one.
fn language_settings_problem(code: &str, error: &serde_yaml::Error, source: &SiteSource) -> Diagnostic {
    const KEYS: [&str; 4] = ["name", "title", "description", "search"];
    let message = error.to_string();
    let unknown = message.split_once("unknown field `").and_then(|(_, rest)| rest.split_once('`')).map(|(key, _)| key);
    match unknown {
        Some(key) => {
            let at = if source.outline.key(&["languages", code, key]).is_some() {
                vec!["languages", code, key]
            } else {
                vec!["languages", code, "search", key]
            };
            let hint = match did_you_mean(key, KEYS) {
                Some(best) => format!("did you mean `{best}`?"),
                None => "a language takes `name`, `title`, `description` and `search: {synonyms: …}`".to_owned(),
            };
            source.at_key(&at, Severity::Error, format!("unknown key `{key}` in `languages.{code}`")).with_hint(hint)
        }
        None => source
            .at_value(&["languages", code], Severity::Error, format!("invalid `languages.{code}`: {message}"))
            .with_hint("write it as `{name: Español, title: …, description: …}`"),
    }
}

/// A language's name in itself (`Español`, from ISO 639's autonyms), capitalised for a
/// menu; its code when ISO 639 has none (`name:` in `languages:` gives it).
pub(crate) fn language_name(code: &str) -> String {
    match iso_language(code).and_then(|language| language.to_autonym()) {
        Some(name) => {
            let mut chars = name.chars();
            chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
        }
        None => code.to_owned(),
    }
}

/// The ISO 639 language of a tag's primary subtag (`pt` of `pt-BR`), if it names one.
pub(crate) fn iso_language(tag: &str) -> Option<isolang::Language> {
    let primary = tag.split('-').next().unwrap_or_default().to_ascii_lowercase();
    match primary.len() {
        2 => isolang::Language::from_639_1(&primary),
        3 => isolang::Language::from_639_3(&primary),
        _ => None,
    }
}

impl Config {
    /// The language whose code is `code`.
    pub fn language_index(&self, code: &str) -> Option<usize> {
        self.languages.iter().position(|language| language.code == code)
    }
}

/// `theme`, `language` and `report_form` that name nothing usable.
fn name_problems(theme: &str, language: &str, report_form: Option<&str>, source: &SiteSource) -> Vec<Diagnostic> {
    let error_at = |path: &[&str], message: String| source.at_value(path, Severity::Error, message);
    let mut problems = Vec::new();
    if theme.is_empty() || theme.contains(['/', '\\']) || theme.starts_with('.') {
        problems.push(
            error_at(&["theme"], format!("invalid theme name `{theme}`"))
                .with_hint("name a folder under themes/, e.g. `theme: default`"),
        );
    }
    if !is_language_tag(language) {
        let hyphenated = language.replace('_', "-");
        let hint = if is_language_tag(&hyphenated) {
            format!("write it with a hyphen: `language: {hyphenated}`")
        } else {
            "it goes in `<html lang>` and chooses the search index's word stemming".to_owned()
        };
        let message = format!("`language` must be a language tag like `en` or `pt-BR`, found `{language}`");
        problems.push(error_at(&["language"], message).with_hint(hint));
    } else if iso_language(language).is_none() {
        let message = format!("`language` `{language}` does not start with an ISO 639 language code");
        problems.push(error_at(&["language"], message).with_hint(
            "use the language's two-letter code (`en`, `es`, `fr`), or its three-letter one when it has none",
        ));
    } else if language.split('-').next().is_some_and(|primary| primary.chars().any(|c| c.is_ascii_uppercase())) {
        let message = format!("write the language code `{language}` with its first part in lower case");
        problems
            .push(error_at(&["language"], message).with_hint(format!("`language: {}`", language.to_ascii_lowercase())));
    }
    if let Some(form) = report_form
        && (form.contains(['/', '\\', '?', '&', '#']) || !(form.ends_with(".yml") || form.ends_with(".yaml")))
    {
        problems.push(error_at(&["report_form"], format!("invalid `report_form` `{form}`")).with_hint(
            "name an issue form in the repository's .github/ISSUE_TEMPLATE/, e.g. `report_form: page-problem.yml`",
        ));
    }
    problems
}

/// A `repository` that is not a plain web address edit and report links can be built on.
fn repository_problem(repo: &str, source: &SiteSource) -> Option<Diagnostic> {
    let (message, hint) = match web_url(repo) {
        Err(message) => (
            format!("invalid `repository`: {message}"),
            "use the repository's web address, e.g. https://github.com/org/guide",
        ),
        Ok(url) if url.query().is_some() || url.fragment().is_some() => (
            format!("`repository` `{repo}` must not have a query (`?`) or fragment (`#`)"),
            "edit and report links are made by adding paths to it; use the repository's own address",
        ),
        Ok(_) => return None,
    };
    Some(source.at_value(&["repository"], Severity::Error, message).with_hint(hint))
}

/// `check:` values that parse but cannot work.
fn check_problems(check: &CheckSettings, source: &SiteSource) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let target = check.readability_target;
    if !(target.is_finite() && target > 0.0) {
        problems.push(
            source
                .at_value(
                    &["check", "readability_target"],
                    Severity::Error,
                    format!("`check.readability_target` must be a grade above 0, found `{target}`"),
                )
                .with_hint("for example `readability_target: 9`"),
        );
    }
    for (i, entry) in check.avoid.iter().enumerate() {
        if !entry.word.chars().any(char::is_alphanumeric) {
            problems.push(
                source
                    .at_value(
                        &["check", "avoid", &i.to_string(), "word"],
                        Severity::Error,
                        format!("`check.avoid` entry `{}` has no word in it", entry.word),
                    )
                    .with_hint("write each entry as `- {word: boyfriend, instead: partner, why: \"…\"}`"),
            );
        }
    }
    problems
}

/// `search:` values that parse but would silently do nothing.
fn search_problems(search: &SearchOptions, source: &SiteSource) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for (i, path) in search.exclude.iter().enumerate() {
        if !path.starts_with('/') || path.contains("://") {
            problems.push(
                source
                    .at_value(
                        &["search", "exclude", &i.to_string()],
                        Severity::Error,
                        format!("`search.exclude` entry `{path}` is not a site path"),
                    )
                    .with_hint("write the page's path from the site's root, starting with `/`, e.g. `/about/`"),
            );
        }
    }
    problems
}

/// Whether `text` looks like a BCP 47 language tag: `en`, `pt-BR`, `zh-Hant-TW`.
pub(crate) fn is_language_tag(text: &str) -> bool {
    let mut parts = text.split('-');
    let first = parts.next().unwrap_or("");
    (2..=8).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|part| (1..=8).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// `text` as an absolute `https:` or `http:` URL with a host, or why it is not one. Other
/// schemes are refused: a `javascript:` quick exit would run script instead of leaving.
pub(crate) fn web_url(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text.trim()).map_err(|error| match error {
        url::ParseError::RelativeUrlWithoutBase => {
            format!("`{text}` is not a full web address: it needs `https://` and a host")
        }
        other => format!("`{text}` is not a web address ({other})"),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{text}` is a `{}:` URL; only `https:` and `http:` addresses are allowed", url.scheme()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{text}` has no host"));
    }
    Ok(url)
}

/// Schemes that run code or smuggle content when a theme puts a value in a link.
const SCRIPT_SCHEMES: &[&str] = &["javascript", "vbscript", "data", "file"];

/// URLs under `extra` that would break or run script: a key ending in `_url` must hold an
/// `https:`/`http:` address, and no text anywhere may be a `javascript:` (or similar) URL.
/// `path` is where `value` sits under `extra`; `report` makes a diagnostic at a path.
pub(crate) fn extra_url_problems(
    extra: &BTreeMap<String, serde_yaml::Value>,
    path: &[&str],
    report: &dyn Fn(&[&str], String) -> Diagnostic,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for (key, value) in extra {
        let mut here: Vec<String> = std::iter::once("extra").chain(path.iter().copied()).map(str::to_owned).collect();
        here.push(key.clone());
        url_problems(value, key.ends_with("_url") || key == "url", &mut here, report, &mut problems);
    }
    problems
}

fn url_problems(
    value: &serde_yaml::Value,
    is_url: bool,
    path: &mut Vec<String>,
    report: &dyn Fn(&[&str], String) -> Diagnostic,
    problems: &mut Vec<Diagnostic>,
) {
    let shown = path.join(".");
    let at: Vec<&str> = path.iter().map(String::as_str).collect();
    match value {
        serde_yaml::Value::String(text) => {
            let scheme = url::Url::parse(text.trim()).ok().map(|url| url.scheme().to_owned());
            if is_url && let Err(message) = web_url(text) {
                problems.push(
                    report(&at, format!("invalid `{shown}`: {message}"))
                        .with_hint("write a full https: (or http:) address, e.g. https://www.bbc.co.uk/weather"),
                );
            } else if let Some(scheme) = scheme.filter(|scheme| SCRIPT_SCHEMES.contains(&scheme.as_str())) {
                problems.push(
                    report(&at, format!("`{shown}` is a `{scheme}:` URL, which a theme would put in a link"))
                        .with_hint("only `https:` and `http:` addresses (or site paths like `/about/`) are allowed"),
                );
            }
        }
        serde_yaml::Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                url_problems(item, is_url, path, report, problems);
                path.pop();
            }
        }
        serde_yaml::Value::Mapping(map) => {
            for (key, item) in map {
                let Some(key) = key.as_str() else { continue };
                path.push(key.to_owned());
                url_problems(item, is_url || key.ends_with("_url") || key == "url", path, report, problems);
                path.pop();
            }
        }
        serde_yaml::Value::Tagged(tagged) => url_problems(&tagged.value, is_url, path, report, problems),
        serde_yaml::Value::Bool(_) | serde_yaml::Value::Number(_) if is_url => {
            problems.push(report(&at, format!("invalid `{shown}`: expected a web address")));
        }
        serde_yaml::Value::Null | serde_yaml::Value::Bool(_) | serde_yaml::Value::Number(_) => {}
    }
}

/// The nearest folder at or above `start` that holds `site.yaml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|dir| dir.join(FILE_NAME).is_file()).map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        Config::parse(Path::new("/site"), text, &Overrides::default())
    }

    #[test]
    fn defaults_fill_the_gaps() {
        let config = parse("title: Guide\nbase_url: https://example.org/sub\n").expect("valid");
        assert_eq!(config.base_url.path(), "/sub/");
        assert_eq!(config.theme, "default");
        assert_eq!(config.base_url.join("a/b/"), "https://example.org/sub/a/b/");
    }

    #[test]
    fn languages_are_validated_at_their_keys() {
        let problems = parse("title: t\nlanguage: en\nlanguages:\n  EN: {title: x}\n  english: {}\n  es: {titel: y}\n")
            .expect_err("invalid");
        let shown = labels(&problems);
        assert!(shown.iter().any(|p| p.starts_with("site.yaml:4:3 `EN` is the site's default language")), "{shown:?}");
        assert!(shown.iter().any(|p| p.starts_with("site.yaml:6:")), "{shown:?}");
    }

    #[test]
    fn known_keys_match_the_struct() {
        let full = "title: t\ndescription: d\nbase_url: https://x.org/\nlanguage: en\ntheme: t\nrepository: https://x.org/r\nrepository_branch: main\nreport_form: f.yml\nauthor: a\nfeed_limit: 3\nmarkdown: {raw_html: escape}\nlinks: {internal: warn}\nsearch: {enabled: false}\ncheck: {min_references: 1}\nextra: {a: 1}\nlanguages: {es: {name: Español, title: T, description: D, search: {synonyms: [[a, b]]}}}\n";
        let config = parse(full).expect("every known key is accepted");
        assert_eq!(config.markdown.raw_html, RawHtml::Escape);
        assert_eq!(config.links.internal, LinkLevel::Warn);
        let codes: Vec<(&str, &str, &str)> =
            config.languages.iter().map(|l| (l.code.as_str(), l.name.as_str(), l.prefix.as_str())).collect();
        assert_eq!(codes, [("en", "English", ""), ("es", "Español", "es/")]);
        assert_eq!(full.lines().count(), KNOWN_KEYS.len());
    }

    #[test]
    fn nested_unknown_keys_are_errors() {
        let problems = parse("title: t\nmarkdown:\n  raw_htm: trust\n").expect_err("invalid");
        assert_eq!(problems[0].location(), "site.yaml:3:3");
        assert_eq!(problems[0].hint.as_deref(), Some("did you mean `raw_html`?"));
    }

    #[test]
    fn bad_base_url_names_the_value() {
        let problems = parse("title: t\nbase_url: example.org\n").expect_err("invalid");
        assert_eq!(problems[0].location(), "site.yaml:2:11");
    }

    fn labels(problems: &[Diagnostic]) -> Vec<String> {
        problems.iter().map(|p| format!("{} {}", p.location(), p.message)).collect()
    }

    // issue 11 item 8
    #[test]
    fn script_urls_are_refused_at_the_value() {
        let text = "title: t\nrepository: javascript:alert(1)\nextra:\n  quick_exit: true\n  quick_exit_url: \"javascript:history.back()\"\n  links:\n    - {label: x, href: 'data:text/html,hi'}\n  help_page: get-help/\n";
        let problems = parse(text).expect_err("invalid");
        assert_eq!(
            labels(&problems),
            [
                "site.yaml:2:13 invalid `repository`: `javascript:alert(1)` is a `javascript:` URL; only `https:` and `http:` addresses are allowed",
                "site.yaml:7:24 `extra.links.0.href` is a `data:` URL, which a theme would put in a link",
                "site.yaml:5:19 invalid `extra.quick_exit_url`: `javascript:history.back()` is a `javascript:` URL; only `https:` and `http:` addresses are allowed",
            ]
        );
        let problems = parse("title: t\nrepository: github.com/org/guide\nextra:\n  quick_exit_url: /weather/\n")
            .expect_err("invalid");
        assert_eq!(
            labels(&problems),
            [
                "site.yaml:2:13 invalid `repository`: `github.com/org/guide` is not a full web address: it needs `https://` and a host",
                "site.yaml:4:19 invalid `extra.quick_exit_url`: `/weather/` is not a full web address: it needs `https://` and a host",
            ]
        );
    }

    // issue 11 item 8
    #[test]
    fn a_base_url_path_with_an_empty_segment_is_refused() {
        for url in ["https://example.org//evil.example/", "https://example.org/guide//x/", "https://u:p@example.org/"] {
            let problems = parse(&format!("title: t\nbase_url: {url}\n")).expect_err(url);
            assert_eq!(problems[0].location(), "site.yaml:2:11", "{url}");
            assert!(problems[0].hint.as_deref().is_some_and(|h| h.contains("no empty segments")), "{url}");
        }
        let overrides = Overrides {
            base_url: Some("http://127.0.0.1:1111//evil.example".into()),
            drafts: false,
            links: None,
            plain_assets: false,
        };
        let problems = Config::parse(Path::new("/site"), "title: t\n", &overrides).expect_err("override");
        assert!(problems[0].message.starts_with("--base-url: the path of"), "{}", problems[0].message);
        assert!(parse("title: t\nbase_url: https://example.org/a/b\n").is_ok());
    }

    #[test]
    fn settings_that_would_silently_do_nothing_are_refused() {
        let problems = parse("title: t\nlanguage: English (UK)\nsearch:\n  exclude: [about/]\n").expect_err("invalid");
        assert_eq!(
            labels(&problems),
            [
                "site.yaml:2:11 `language` must be a language tag like `en` or `pt-BR`, found `English (UK)`",
                "site.yaml:4:13 `search.exclude` entry `about/` is not a site path",
            ]
        );
    }

    #[test]
    fn a_byte_order_mark_and_crlf_line_endings_are_read() {
        let config = parse("\u{feff}title: t\r\nbase_url: https://example.org/\r\n").expect("valid");
        assert_eq!(config.title, "t");
        let problems = parse("\u{feff}title: t\r\ntheme: ../x\r\n").expect_err("invalid theme");
        assert_eq!(problems[0].location(), "site.yaml:2:8");
    }
}
