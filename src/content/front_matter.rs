//! Front matter: splitting a Markdown file into its YAML block and body, and parsing
//! the block strictly into [`FrontMatter`].
//!
//! Owns the schema (every key an author may write) and per-field validation (dates,
//! lengths, URLs). It does not resolve `related` paths: that needs the whole site and
//! happens in [`super::Content::load`].

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::yaml::{Document, Outline, Partial};

/// A file split at its front matter fences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences.
    pub yaml: &'a str,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// Splits `text` into front matter and body. `Err` carries a message and hint.
pub fn split(text: &str) -> Result<Split<'_>, (String, &'static str)> {
    let start = usize::from(text.starts_with('\u{feff}')) * '\u{feff}'.len_utf8();
    let rest = &text[start..];
    // Trailing spaces after a fence are invisible in an editor: accept them.
    let first_line = rest.split_inclusive('\n').next().unwrap_or("");
    let opened = first_line.ends_with('\n') && first_line.trim_end() == "---";
    let Some(after_open) = opened.then(|| &rest[first_line.len()..]) else {
        let hint = if rest.starts_with("+++") {
            "tend uses YAML front matter between `---` lines, not TOML between `+++`"
        } else {
            "start the file with a `---` line, then `title: …` and `description: …`, then another `---` line"
        };
        return Err(("expected front matter: the file must start with a `---` line".into(), hint));
    };
    let yaml_start = text.len() - after_open.len();
    let mut offset = yaml_start;
    for line in after_open.split_inclusive('\n') {
        let bare = line.trim_end();
        if bare == "---" || bare == "..." {
            let yaml = &text[yaml_start..offset];
            let body_offset = offset + line.len();
            return Ok(Split { yaml, body: &text[body_offset..], body_offset });
        }
        offset += line.len();
    }
    Err(("the front matter is never closed".into(), "add a line with only `---` after the last front matter key"))
}

/// One entry of `references`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// Title of the source (may include its authors).
    pub title: String,
    /// Where to read it.
    pub url: String,
    /// Journal, organisation or website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Year of publication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
}

/// Front matter as written (everything optional; checked in [`FrontMatter::validate`]).
#[derive(Debug, Clone, Default, Deserialize)]
struct RawFrontMatter {
    title: Option<String>,
    description: Option<String>,
    tags: Option<Vec<String>>,
    order: Option<i64>,
    // Dates are read as any scalar, so `date: 20261128` is told the date format, not a type.
    date: Option<serde_yaml::Value>,
    updated: Option<serde_yaml::Value>,
    last_reviewed: Option<serde_yaml::Value>,
    next_review: Option<serde_yaml::Value>,
    reviewed_by: Option<String>,
    draft: Option<bool>,
    slug: Option<String>,
    related: Option<Vec<String>>,
    aliases: Option<Vec<String>>,
    authors: Option<Vec<String>>,
    content_note: Option<String>,
    key_points: Option<Vec<String>>,
    references: Option<Vec<Reference>>,
    search: Option<bool>,
    extra: Option<BTreeMap<String, serde_yaml::Value>>,
}

/// Every front matter key, in the order the documentation lists them.
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "description",
    "tags",
    "order",
    "date",
    "updated",
    "last_reviewed",
    "next_review",
    "reviewed_by",
    "draft",
    "slug",
    "related",
    "aliases",
    "authors",
    "content_note",
    "key_points",
    "references",
    "search",
    "extra",
];

/// Validated front matter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    /// Page title.
    pub title: String,
    /// One-sentence summary, for lists, search results and meta tags.
    pub description: String,
    /// Tags, as written.
    pub tags: Vec<String>,
    /// Position among siblings (lower first); pages without it come after, by title.
    pub order: Option<i64>,
    /// First published.
    pub date: Option<NaiveDate>,
    /// Last meaningful edit.
    pub updated: Option<NaiveDate>,
    /// Date of the last full fact check.
    pub last_reviewed: Option<NaiveDate>,
    /// When the next full review is due.
    pub next_review: Option<NaiveDate>,
    /// Who reviewed it.
    pub reviewed_by: Option<String>,
    /// Drafts are only built with `--drafts`.
    pub draft: bool,
    /// Overrides the URL segment derived from the file name.
    pub slug: Option<String>,
    /// Related pages, as paths relative to this file.
    pub related: Vec<String>,
    /// Old URL paths that redirect here.
    pub aliases: Vec<String>,
    /// Authors.
    pub authors: Vec<String>,
    /// Shown before the article.
    pub content_note: Option<String>,
    /// Shown as a summary box.
    pub key_points: Vec<String>,
    /// Sources.
    pub references: Vec<Reference>,
    /// `false` keeps the page out of the search index.
    pub search: Option<bool>,
    /// Free-form data for themes.
    pub extra: BTreeMap<String, serde_yaml::Value>,
    /// Problems that do not stop the page: the unfinished fields of a draft (an empty
    /// `description`, a reference without a title). They are errors once it is published.
    pub warnings: Vec<Diagnostic>,
}

/// What kind of file the front matter belongs to; topics need fewer fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirements {
    /// `title` required (home and topic index files).
    Section,
    /// `title` and `description` required.
    Page,
}

/// Problems found while validating, split by how bad they are for this page.
struct Findings<'a> {
    document: &'a Document<'a>,
    outline: &'a Outline,
    /// Whether the page is a draft: unfinished editorial fields are warnings then.
    draft: bool,
    /// Keys suggested for a misspelt key: their absence is already reported.
    suggested: &'a [&'a str],
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl Findings<'_> {
    /// The span of the value at `path`, else its key, else the closing `---`.
    fn span(&self, path: &[&str]) -> Span {
        self.outline.value(path).or_else(|| self.outline.key(path)).unwrap_or_else(|| self.document.end_span())
    }

    /// An error at the value at `path`.
    fn error(&mut self, path: &[&str], message: impl Into<String>, hint: impl Into<String>) {
        let span = self.span(path);
        self.errors.push(self.document.error_at(span, message).with_hint(hint));
    }

    /// A field left unfinished: a warning on a draft, an error on a published page.
    fn unfinished(&mut self, path: &[&str], message: impl Into<String>, hint: &str) {
        let span = self.span(path);
        let diagnostic = self.document.error_at(span, message);
        if self.draft {
            let hint = format!("{hint}; drafts may be unfinished, but this is an error once `draft: true` is removed");
            self.warnings.push(Diagnostic { severity: Severity::Warning, ..diagnostic.with_hint(hint) });
        } else {
            self.errors.push(diagnostic.with_hint(hint));
        }
    }

    /// A required text field: missing, or empty (`title:`, `title: ""`, `title: null`).
    fn required(&mut self, value: Option<String>, key: &str, example: &str, unfinished: bool) -> String {
        let value = value.map(|v| v.trim().to_owned()).unwrap_or_default();
        if !value.is_empty() {
            return value;
        }
        let present = self.outline.key(&[key]).is_some();
        if !present && self.suggested.contains(&key) {
            return value;
        }
        let hint = if present {
            format!("write it after `{key}:`, e.g. `{key}: {example}`")
        } else {
            format!("add a line like `{key}: {example}` above the closing `---`")
        };
        let message = match (present, unfinished && self.draft) {
            (true, true) => format!("this draft's `{key}` is empty"),
            (false, true) => format!("this draft has no `{key}`"),
            (true, false) => format!("`{key}` is empty"),
            (false, false) => format!("missing required front matter key `{key}`"),
        };
        if unfinished {
            self.unfinished(&[key], message, &hint);
        } else {
            self.error(&[key], message, hint);
        }
        value
    }

    /// A date field: `YYYY-MM-DD`, and a day that exists.
    fn date(&mut self, key: &str, value: Option<serde_yaml::Value>) -> Option<NaiveDate> {
        let text = match value? {
            serde_yaml::Value::String(text) => text,
            serde_yaml::Value::Null => return None,
            other => serde_yaml::to_string(&other).unwrap_or_default().trim().to_owned(),
        };
        match parse_date(text.trim()) {
            Ok(date) => Some(date),
            Err(None) => {
                let message = format!("`{key}` must be a date written YYYY-MM-DD, found `{text}`");
                self.error(&[key], message, format!("for example `{key}: 2026-11-28`"));
                None
            }
            Err(Some(why)) => {
                let message = format!("`{key}` is {}, a date that does not exist: {why}", text.trim());
                self.error(&[key], message, "check the day and the month (dates are written YYYY-MM-DD)");
                None
            }
        }
    }
}

/// A `YYYY-MM-DD` date. `Err(None)` when it is not written that way; `Err(Some(why))`
/// when it is, but no such day exists.
fn parse_date(text: &str) -> Result<NaiveDate, Option<String>> {
    let digits = |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts[..] else { return Err(None) };
    if !(digits(year, 4) && digits(month, 2) && digits(day, 2)) {
        return Err(None);
    }
    let (year, month, day): (i32, u32, u32) =
        (year.parse().map_err(|_| None)?, month.parse().map_err(|_| None)?, day.parse().map_err(|_| None)?);
    if !(1..=12).contains(&month) {
        return Err(Some(format!("there is no month {month}")));
    }
    if let Some(date) = NaiveDate::from_ymd_opt(year, month, day) {
        return Ok(date);
    }
    let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or(None)?;
    let next =
        if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1) } else { NaiveDate::from_ymd_opt(year, month + 1, 1) };
    let days = next.map_or(31, |next| (next - first).num_days());
    if day == 0 {
        return Err(Some("there is no day 0".into()));
    }
    Err(Some(format!("{} {} has {days} days", first.format("%B"), first.year())))
}

impl FrontMatter {
    /// Parses and validates the YAML block of a file.
    pub fn parse(document: &Document<'_>, requirements: Requirements) -> Result<Self, Vec<Diagnostic>> {
        let partial: Partial<RawFrontMatter> = document.parse_partial(KNOWN_KEYS)?;
        let Partial { value, outline, mut problems, warnings, dropped, suggested } = partial;
        // A key left out is reported; what validation says of its absence follows from that.
        let follows =
            |d: &Diagnostic| d.span.is_some_and(|span| dropped.iter().any(|lines| lines.contains(&span.line)));
        match Self::validate(value, document, &outline, requirements, &suggested) {
            Ok(mut front) if problems.is_empty() => {
                front.warnings.extend(warnings);
                Ok(front)
            }
            Ok(front) => {
                problems.extend(front.warnings.into_iter().chain(warnings));
                Err(problems)
            }
            Err(more) => {
                problems.extend(more.into_iter().filter(|d| !follows(d)).chain(warnings));
                Err(problems)
            }
        }
    }

    fn validate(
        raw: RawFrontMatter,
        document: &Document<'_>,
        outline: &Outline,
        requirements: Requirements,
        suggested: &[&str],
    ) -> Result<Self, Vec<Diagnostic>> {
        let draft = raw.draft.unwrap_or(false);
        let mut found = Findings { document, outline, draft, suggested, errors: Vec::new(), warnings: Vec::new() };
        let title = found.required(raw.title, "title", "\"Cleaning up after sex\"", false);
        let description = match requirements {
            Requirements::Page => found.required(
                raw.description,
                "description",
                "\"One sentence saying what the reader will learn.\"",
                true,
            ),
            Requirements::Section => raw.description.unwrap_or_default().trim().to_owned(),
        };
        let dates = [
            found.date("date", raw.date),
            found.date("updated", raw.updated),
            found.date("last_reviewed", raw.last_reviewed),
            found.date("next_review", raw.next_review),
        ];
        if let Some(slug) = &raw.slug
            && (slug.is_empty() || slug != &slug::slugify(slug))
        {
            let message = format!("`slug` must be lowercase letters, digits and hyphens, found `{slug}`");
            found.error(&["slug"], message, format!("try `slug: {}`", slug::slugify(slug)));
        }
        let references = references(raw.references.unwrap_or_default(), &mut found);
        let key_points = raw.key_points.unwrap_or_default();
        for (i, _) in key_points.iter().enumerate().filter(|(_, point)| point.trim().is_empty()) {
            let message = format!("key point {} is empty", i + 1);
            found.unfinished(&["key_points", &i.to_string()], message, "write a short sentence, or remove the line");
        }
        for (i, alias) in raw.aliases.iter().flatten().enumerate() {
            if !alias.starts_with('/') || alias.contains("..") || alias.contains(['?', '#', '\\']) {
                let message = format!("alias `{alias}` must be a site path starting with `/`");
                found.error(&["aliases", &i.to_string()], message, "for example `aliases: [/old/path/]`");
            }
        }
        let extra = raw.extra.unwrap_or_default();
        let at = |path: &[&str], message: String| document.error_at(found.span(path), message);
        let unsafe_urls = crate::config::extra_url_problems(&extra, &[], &at);
        found.errors.extend(unsafe_urls);
        if !found.errors.is_empty() {
            found.errors.extend(found.warnings);
            return Err(found.errors);
        }
        let [date, updated, last_reviewed, next_review] = dates;
        Ok(Self {
            title,
            description,
            tags: raw
                .tags
                .unwrap_or_default()
                .into_iter()
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect(),
            order: raw.order,
            date,
            updated,
            last_reviewed,
            next_review,
            reviewed_by: raw.reviewed_by.filter(|name| !name.trim().is_empty()),
            draft,
            slug: raw.slug,
            related: raw.related.unwrap_or_default(),
            aliases: raw.aliases.unwrap_or_default(),
            authors: raw.authors.unwrap_or_default(),
            content_note: raw.content_note.filter(|n| !n.trim().is_empty()),
            key_points: key_points.into_iter().filter(|point| !point.trim().is_empty()).collect(),
            references,
            search: raw.search,
            extra,
            warnings: found.warnings,
        })
    }
}

/// Checks each reference: a title, and a full web address (a `javascript:` one is always
/// an error; the blank ones `tend new` leaves are unfinished). Keeps the complete ones,
/// with an empty `publisher` dropped.
fn references(references: Vec<Reference>, found: &mut Findings<'_>) -> Vec<Reference> {
    let mut kept = Vec::with_capacity(references.len());
    for (i, mut reference) in references.into_iter().enumerate() {
        let index = i.to_string();
        let mut complete = true;
        if reference.title.trim().is_empty() {
            let message = format!("reference {} has an empty `title`", i + 1);
            found.unfinished(
                &["references", &index, "title"],
                message,
                "write the source's title, e.g. `title: \"Sexual health\"`",
            );
            complete = false;
        }
        match crate::config::web_url(&reference.url) {
            Ok(_) => {}
            Err(why)
                if reference.url.trim().is_empty() || reference.url.trim().trim_end_matches('/').ends_with(':') =>
            {
                let message = format!("reference {}'s `url` is not filled in: {why}", i + 1);
                found.unfinished(&["references", &index, "url"], message, "give the full web address of the source");
                complete = false;
            }
            Err(why) => {
                let message = format!("reference {}'s `url` is not a web address: {why}", i + 1);
                found.error(
                    &["references", &index, "url"],
                    message,
                    "give the full web address of the source, starting with https://",
                );
                complete = false;
            }
        }
        reference.publisher = reference.publisher.filter(|publisher| !publisher.trim().is_empty());
        if complete {
            kept.push(reference);
        }
    }
    kept
}

/// Parses a file's front matter, reporting a missing block as a diagnostic.
pub fn parse_file(
    path: &Path,
    text: &str,
    requirements: Requirements,
) -> Result<(FrontMatter, usize), Vec<Diagnostic>> {
    let parts = split(text).map_err(|(message, hint)| {
        vec![Diagnostic::error(path, message).at(text, Span { line: 1, col: 1, len: 3 }).with_hint(hint)]
    })?;
    let yaml_offset = parts.yaml.as_ptr() as usize - text.as_ptr() as usize;
    let first_line = text[..yaml_offset].matches('\n').count() + 1;
    let document = Document { path, file: text, yaml: parts.yaml, first_line, what: "front matter" };
    let front = FrontMatter::parse(&document, requirements)?;
    Ok((front, parts.body_offset))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_at_fences() {
        let parts = split("---\ntitle: A\n---\nBody\n").expect("valid");
        assert_eq!(parts.yaml, "title: A\n");
        assert_eq!(parts.body, "Body\n");
        let parts = split("\u{feff}---\r\ntitle: A\r\n---\r\nBody").expect("valid with BOM and CRLF");
        assert_eq!(parts.yaml, "title: A\r\n");
        assert_eq!(parts.body, "Body");
    }

    #[test]
    fn toml_front_matter_gets_a_hint() {
        let (_, hint) = split("+++\ntitle = 'A'\n+++\n").expect_err("toml");
        assert!(hint.contains("+++"));
    }

    #[test]
    fn missing_fields_and_bad_dates_are_all_reported() {
        let text = "---\ndate: 2026-13-01\nnext_review: soon\n---\n";
        let problems = parse_file(Path::new("a.md"), text, Requirements::Page).expect_err("invalid");
        let labels: Vec<String> = problems.iter().map(|p| format!("{} {}", p.location(), p.message)).collect();
        assert_eq!(
            labels,
            [
                "a.md:4:1 missing required front matter key `title`",
                "a.md:4:1 missing required front matter key `description`",
                "a.md:2:7 `date` is 2026-13-01, a date that does not exist: there is no month 13",
                "a.md:3:14 `next_review` must be a date written YYYY-MM-DD, found `soon`",
            ]
        );
    }

    // issue 11 item 15
    #[test]
    fn dates_that_do_not_exist_say_why() {
        assert_eq!(parse_date("2026-11-31"), Err(Some("November 2026 has 30 days".into())));
        assert_eq!(parse_date("2028-02-30"), Err(Some("February 2028 has 29 days".into())));
        assert_eq!(parse_date("2026-13-45"), Err(Some("there is no month 13".into())));
        assert_eq!(parse_date("2026-00-10"), Err(Some("there is no month 0".into())));
        assert_eq!(parse_date("2026-01-00"), Err(Some("there is no day 0".into())));
        assert_eq!(parse_date("2026-1-5"), Err(None));
        assert_eq!(parse_date("28/11/2026"), Err(None));
        assert_eq!(parse_date("2026-12-31"), Ok(NaiveDate::from_ymd_opt(2026, 12, 31).expect("valid")));
    }

    // issue 11 item 12
    #[test]
    fn a_drafts_unfinished_fields_are_warnings_and_errors_once_published() {
        let text = "---\ntitle: T\ndescription: \"\"\nkey_points:\n  - \"\"\nreferences:\n  - title: \"\"\n    url: \"https://\"\ndraft: true\n---\n";
        let (front, _) = parse_file(Path::new("a.md"), text, Requirements::Page).expect("a draft may be unfinished");
        let labels: Vec<String> = front.warnings.iter().map(|p| format!("{} {}", p.location(), p.message)).collect();
        assert_eq!(
            labels,
            [
                "a.md:3:14 this draft's `description` is empty",
                "a.md:7:12 reference 1 has an empty `title`",
                "a.md:8:10 reference 1's `url` is not filled in: `https://` is not a web address (empty host)",
                "a.md:5:5 key point 1 is empty",
            ]
        );
        assert!(front.warnings.iter().all(|w| !w.is_error()));
        assert!(front.references.is_empty() && front.key_points.is_empty());
        let published = text.replace("draft: true", "draft: false");
        let problems = parse_file(Path::new("a.md"), &published, Requirements::Page).expect_err("unfinished");
        assert_eq!(problems.len(), 4);
        assert!(problems.iter().all(Diagnostic::is_error));
        assert_eq!(problems[0].message, "`description` is empty");
    }

    // issue 11 item 8
    #[test]
    fn script_urls_under_extra_are_refused() {
        let text = "---\ntitle: T\ndescription: D\nextra:\n  video_url: 'javascript:alert(1)'\n---\n";
        let problems = parse_file(Path::new("a.md"), text, Requirements::Page).expect_err("script");
        assert_eq!(problems[0].location(), "a.md:5:14");
    }

    #[test]
    fn fences_may_have_trailing_spaces() {
        let parts = split("--- \ntitle: A\n---\t\nBody\n").expect("valid");
        assert_eq!(parts.yaml, "title: A\n");
        assert_eq!(parts.body, "Body\n");
    }

    proptest! {
        #[test]
        fn split_then_join_round_trips(yaml in "([a-z]{1,8}: [a-z0-9 ]{0,10}\n){0,5}", body in "[^\u{0}]{0,80}") {
            let text = format!("---\n{yaml}---\n{body}");
            let parts = split(&text).expect("well-formed");
            prop_assert_eq!(format!("---\n{}---\n{}", parts.yaml, parts.body), text);
        }
    }
}
