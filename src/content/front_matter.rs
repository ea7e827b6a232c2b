//! Front matter: splitting a Markdown file into its YAML block and body, and parsing
//! the block strictly into [`FrontMatter`].
//!
//! Owns the schema (every key an author may write) and per-field validation (dates,
//! lengths, URLs). It does not resolve `related` paths: that needs the whole site and
//! happens in [`super::Content::load`].

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Span};
use crate::yaml::Document;

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
    let Some(after_open) = rest.strip_prefix("---\n").or_else(|| rest.strip_prefix("---\r\n")) else {
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
        let bare = line.trim_end_matches(['\n', '\r']);
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
    date: Option<String>,
    updated: Option<String>,
    last_reviewed: Option<String>,
    next_review: Option<String>,
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
}

/// What kind of file the front matter belongs to; topics need fewer fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirements {
    /// `title` required (home and topic index files).
    Section,
    /// `title` and `description` required.
    Page,
}

impl FrontMatter {
    /// Parses and validates the YAML block of a file.
    pub fn parse(document: &Document<'_>, requirements: Requirements) -> Result<Self, Vec<Diagnostic>> {
        let raw: RawFrontMatter = document.parse(KNOWN_KEYS)?;
        Self::validate(raw, document, requirements)
    }

    fn validate(
        raw: RawFrontMatter,
        document: &Document<'_>,
        requirements: Requirements,
    ) -> Result<Self, Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let fence = Span { line: document.first_line.saturating_sub(1).max(1), col: 1, len: 3 };
        let mut required = |value: Option<String>, key: &str, example: &str| {
            let value = value.map(|v| v.trim().to_owned()).unwrap_or_default();
            if value.is_empty() {
                problems.push(
                    Diagnostic::error(document.path, format!("missing required front matter key `{key}`"))
                        .at(document.file, fence)
                        .with_hint(format!("add a line like `{key}: {example}` between the `---` lines")),
                );
            }
            value
        };
        let title = required(raw.title, "title", "\"Cleaning up after sex\"");
        let description = match requirements {
            Requirements::Page => {
                required(raw.description, "description", "\"One sentence saying what the reader will learn.\"")
            }
            Requirements::Section => raw.description.unwrap_or_default().trim().to_owned(),
        };
        let mut date = |key: &str, value: Option<String>| -> Option<NaiveDate> {
            let value = value?;
            match NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d") {
                Ok(date) => Some(date),
                Err(_) => {
                    problems.push(
                        document
                            .error_at_key(key, format!("`{key}` must be a date written YYYY-MM-DD, found `{value}`"))
                            .with_hint(format!("for example `{key}: 2026-11-28`")),
                    );
                    None
                }
            }
        };
        let dates = [
            date("date", raw.date),
            date("updated", raw.updated),
            date("last_reviewed", raw.last_reviewed),
            date("next_review", raw.next_review),
        ];
        if let Some(slug) = &raw.slug
            && (slug.is_empty() || slug != &slug::slugify(slug))
        {
            problems.push(
                document
                    .error_at_key(
                        "slug",
                        format!("`slug` must be lowercase letters, digits and hyphens, found `{slug}`"),
                    )
                    .with_hint(format!("try `slug: {}`", slug::slugify(slug))),
            );
        }
        for reference in raw.references.iter().flatten() {
            if !(reference.url.starts_with("https://") || reference.url.starts_with("http://")) {
                problems.push(
                    document
                        .error_at_key(
                            "references",
                            format!("reference URL `{}` must start with https://", reference.url),
                        )
                        .with_hint("give the full web address of the source"),
                );
            }
        }
        for alias in raw.aliases.iter().flatten() {
            if !alias.starts_with('/') || alias.contains("..") || alias.contains(['?', '#', '\\']) {
                problems.push(
                    document
                        .error_at_key("aliases", format!("alias `{alias}` must be a site path starting with `/`"))
                        .with_hint("for example `aliases: [/old/path/]`"),
                );
            }
        }
        if !problems.is_empty() {
            return Err(problems);
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
            reviewed_by: raw.reviewed_by,
            draft: raw.draft.unwrap_or(false),
            slug: raw.slug,
            related: raw.related.unwrap_or_default(),
            aliases: raw.aliases.unwrap_or_default(),
            authors: raw.authors.unwrap_or_default(),
            content_note: raw.content_note.filter(|n| !n.trim().is_empty()),
            key_points: raw.key_points.unwrap_or_default(),
            references: raw.references.unwrap_or_default(),
            search: raw.search,
            extra: raw.extra.unwrap_or_default(),
        })
    }
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
                "a.md:1:1 missing required front matter key `title`",
                "a.md:1:1 missing required front matter key `description`",
                "a.md:2:1 `date` must be a date written YYYY-MM-DD, found `2026-13-01`",
                "a.md:3:1 `next_review` must be a date written YYYY-MM-DD, found `soon`",
            ]
        );
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
