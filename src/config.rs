//! Site configuration: `site.yaml` parsed strictly into a validated [`Config`].
//!
//! Owns the file format (`RawConfig`, unknown keys rejected with suggestions) and its
//! resolution against the site root and command-line overrides (paths, base URL). The
//! rest of the crate only sees [`Config`], never raw strings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::error::{Error, fs};
use crate::yaml::Document;

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
}

impl Default for CheckSettings {
    fn default() -> Self {
        Self {
            readability_target: 9.0,
            description_max: 160,
            min_references: 2,
            review_warning_days: 30,
            avoid: Vec::new(),
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
    search: SearchOptions,
    check: CheckSettings,
    extra: BTreeMap<String, serde_yaml::Value>,
}

/// Keys `site.yaml` accepts at the top level.
const KNOWN_KEYS: &[&str] = &[
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
    "search",
    "check",
    "extra",
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
            search: SearchOptions::default(),
            check: CheckSettings::default(),
            extra: BTreeMap::new(),
        }
    }
}

/// The site's base URL: scheme, host and an optional sub-path, always ending in `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(url::Url);

impl BaseUrl {
    /// Parses an absolute http(s) URL; adds the trailing slash.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut url = url::Url::parse(text.trim()).map_err(|error| format!("`{text}` is not a URL ({error})"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("`{text}` must start with https:// or http://"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(format!("`{text}` must not have a query or fragment"));
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
    /// BCP 47 language tag, for `<html lang>`.
    pub language: String,
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
    /// Search options.
    pub search: SearchOptions,
    /// The editorial rules of `tend check`.
    pub check: CheckSettings,
    /// Free-form data for themes.
    pub extra: BTreeMap<String, serde_yaml::Value>,
    /// Whether draft pages are built.
    pub drafts: bool,
}

/// Command-line settings that override or complete `site.yaml`.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Replaces `base_url`.
    pub base_url: Option<String>,
    /// Builds drafts.
    pub drafts: bool,
}

impl Config {
    /// Reads and validates `<root>/site.yaml`.
    pub fn load(root: &Path, overrides: &Overrides) -> Result<Self, Error> {
        let path = root.join(FILE_NAME);
        let text = fs::read_to_string(&path)?;
        Self::parse(root, &text, overrides).map_err(Error::Site)
    }

    /// Parses `site.yaml` text.
    pub fn parse(root: &Path, text: &str, overrides: &Overrides) -> Result<Self, Vec<Diagnostic>> {
        let document =
            Document { path: Path::new(FILE_NAME), file: text, yaml: text, first_line: 1, what: "site.yaml" };
        let raw: RawConfig = document.parse(KNOWN_KEYS)?;
        Self::from_raw(root, raw, overrides, &document)
    }

    fn from_raw(
        root: &Path,
        raw: RawConfig,
        overrides: &Overrides,
        document: &Document<'_>,
    ) -> Result<Self, Vec<Diagnostic>> {
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
            search,
            check,
            extra,
        } = raw;
        let mut problems = Vec::new();
        let title = title.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| {
            problems.push(
                document
                    .error_at_key("title", "site.yaml needs a `title`")
                    .with_hint("add a line like `title: My guide`"),
            );
            String::new()
        });
        let base_url_text = overrides.base_url.clone().or(base_url).unwrap_or_else(|| "http://127.0.0.1:1111/".into());
        let base_url = BaseUrl::parse(&base_url_text).unwrap_or_else(|message| {
            let diagnostic = if overrides.base_url.is_some() {
                Diagnostic::error(FILE_NAME, format!("--base-url: {message}"))
            } else {
                document.error_at_key("base_url", format!("invalid `base_url`: {message}"))
            };
            problems.push(diagnostic.with_hint("use a full URL, e.g. https://example.org/guide/"));
            BaseUrl::parse("http://127.0.0.1/").expect("constant URL parses")
        });
        if theme.is_empty() || theme.contains(['/', '\\']) || theme.starts_with('.') {
            problems.push(
                document
                    .error_at_key("theme", format!("invalid theme name `{theme}`"))
                    .with_hint("name a folder under themes/, e.g. `theme: default`"),
            );
        }
        if let Some(form) = &report_form
            && (form.contains(['/', '\\', '?', '&', '#']) || !(form.ends_with(".yml") || form.ends_with(".yaml")))
        {
            problems.push(document.error_at_key("report_form", format!("invalid `report_form` `{form}`")).with_hint(
                "name an issue form in the repository's .github/ISSUE_TEMPLATE/, e.g. `report_form: page-problem.yml`",
            ));
        }
        if let Some(repo) = &repository
            && url::Url::parse(repo).is_err()
        {
            problems.push(
                document
                    .error_at_key("repository", format!("`{repo}` is not a URL"))
                    .with_hint("use the repository's web address, e.g. https://github.com/org/guide"),
            );
        }
        problems.extend(check_problems(&check, document));
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Self {
            root: root.to_path_buf(),
            title,
            description,
            base_url,
            language,
            theme,
            repository: repository.map(|r| r.trim_end_matches('/').to_owned()),
            repository_branch,
            report_form,
            author,
            feed_limit,
            markdown,
            search,
            check,
            extra,
            drafts: overrides.drafts,
        })
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

    /// `<root>/themes/<theme>`.
    pub fn theme_dir(&self) -> PathBuf {
        self.root.join("themes").join(&self.theme)
    }
}

/// `check:` values that parse but cannot work.
fn check_problems(check: &CheckSettings, document: &Document<'_>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let target = check.readability_target;
    if !(target.is_finite() && target > 0.0) {
        problems.push(
            document
                .error_at_key("check", format!("`check.readability_target` must be a grade above 0, found `{target}`"))
                .with_hint("for example `readability_target: 9`"),
        );
    }
    for entry in check.avoid.iter().filter(|entry| !entry.word.chars().any(char::is_alphanumeric)) {
        problems.push(
            document
                .error_at_key("check", format!("`check.avoid` entry `{}` has no word in it", entry.word))
                .with_hint("write each entry as `- {word: boyfriend, instead: partner, why: \"…\"}`"),
        );
    }
    problems
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
    fn known_keys_match_the_struct() {
        let full = "title: t\ndescription: d\nbase_url: https://x.org/\nlanguage: en\ntheme: t\nrepository: https://x.org/r\nrepository_branch: main\nreport_form: f.yml\nauthor: a\nfeed_limit: 3\nmarkdown: {raw_html: escape}\nsearch: {enabled: false}\ncheck: {min_references: 1}\nextra: {a: 1}\n";
        let config = parse(full).expect("every known key is accepted");
        assert_eq!(config.markdown.raw_html, RawHtml::Escape);
        assert_eq!(full.lines().count(), KNOWN_KEYS.len());
    }

    #[test]
    fn nested_unknown_keys_are_errors() {
        let problems = parse("title: t\nmarkdown:\n  raw_htm: trust\n").expect_err("invalid");
        assert_eq!(problems[0].location(), "site.yaml:3:3");
        assert_eq!(problems[0].hint.as_deref(), Some("did you mean `raw_html`?"));
    }

    #[test]
    fn bad_base_url_names_the_key() {
        let problems = parse("title: t\nbase_url: example.org\n").expect_err("invalid");
        assert_eq!(problems[0].location(), "site.yaml:2:1");
    }
}
