//! `tend new`: a ready-to-fill article with every front matter key documented.
//!
//! Owns the article template and the checks before writing it: the topic must exist,
//! the slug and title must be valid, an existing file is never overwritten, and nothing
//! is written through a symbolic link (which could lead outside the site).

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use crate::diagnostic::escape_invisible;
use crate::error::Error;

/// What `tend new` was asked to create.
#[derive(Debug, Clone)]
pub struct NewArticle {
    /// The site root.
    pub root: PathBuf,
    /// `<topic>/<slug>`, e.g. `feelings/feeling-low` (sub-topics allowed: `a/b/slug`).
    pub path: String,
    /// Title; derived from the slug when absent.
    pub title: Option<String>,
    /// Today's date, for `date` and review dates.
    pub today: NaiveDate,
}

/// Writes the new article and returns its path.
pub fn create(request: &NewArticle) -> Result<PathBuf, Error> {
    let usage = |message: String| Error::Usage(escape_invisible(&message).into_owned());
    let trimmed = request.path.trim().trim_matches('/').trim_end_matches(".md");
    let Some((topic, slug)) = trimmed.rsplit_once('/') else {
        return Err(usage(format!(
            "`{}` needs a topic and a slug, like `feelings/feeling-low`; topics: {}",
            request.path,
            topics(&request.root).join(", ")
        )));
    };
    let clean = crate::content::page::slugify(slug);
    if clean != slug {
        return Err(usage(format!(
            "`{slug}` is not a valid slug: use lowercase letters, digits and hyphens, e.g. `{clean}`"
        )));
    }
    if slug == "index" {
        return Err(usage(
            "`index` cannot be an article's slug: `index.md` is the file of an article folder; choose another name"
                .into(),
        ));
    }
    let title = match &request.title {
        Some(title) => check_title(title).map_err(usage)?,
        None => title_from_slug(slug),
    };
    let topic_dir = request.root.join("content").join(topic);
    if let Some(link) = crate::error::fs::linked_folder(&request.root, &topic_dir.join(format!("{slug}.md"))) {
        let shown = link.strip_prefix(&request.root).unwrap_or(&link).display().to_string();
        return Err(usage(format!(
            "`{shown}` is a symbolic link; tend new never writes through links, which can lead outside the site"
        )));
    }
    if topic.split('/').any(|part| part.is_empty() || part == ".." || part == ".")
        || !topic_dir.join("_index.md").is_file()
    {
        let known = topics(&request.root);
        let hint = match crate::diagnostic::did_you_mean(topic, known.iter().map(String::as_str)) {
            Some(best) => format!("did you mean `{best}/{slug}`?"),
            None => {
                format!("topics: {}; to start a new topic, create content/{topic}/_index.md first", known.join(", "))
            }
        };
        return Err(usage(format!("there is no topic `{topic}`: {hint}")));
    }
    let file = topic_dir.join(format!("{slug}.md"));
    let exists = |path: &Path| std::fs::symlink_metadata(path).is_ok();
    if exists(&file) {
        return Err(usage(format!("`{}` already exists; tend new never overwrites a file", file.display())));
    }
    if exists(&topic_dir.join(slug)) {
        let folder = topic_dir.join(slug);
        return Err(usage(format!(
            "`{}` already exists (an article folder or sub-topic with this name); choose another slug",
            folder.display()
        )));
    }
    write_new(&file, template(&title, request.today).as_bytes())?;
    Ok(file)
}

/// The title as given, or why it cannot be one: it goes on one line of YAML and into
/// every page's `<title>`, so line breaks, control characters and direction overrides
/// are refused.
fn check_title(title: &str) -> Result<String, String> {
    let trimmed = title.trim();
    if trimmed.is_empty() {
        return Err("--title is empty; give the article's title, or leave --title out to take it from the slug".into());
    }
    if let Some(bad) =
        trimmed.chars().find(|&c| c.is_control() || escape_invisible(&c.to_string()).len() > c.len_utf8())
    {
        let what =
            if matches!(bad, '\n' | '\r' | '\u{2028}' | '\u{2029}') { "a line break" } else { "a control character" };
        return Err(format!(
            "--title `{trimmed}` holds {what} (U+{:04X}); a title is one line of plain text",
            u32::from(bad)
        ));
    }
    Ok(trimmed.to_owned())
}

/// Creates `path` and writes `bytes`, failing if anything (even a dangling link) is there.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let wrap = |source| Error::Io { action: "could not create", path: path.to_path_buf(), source };
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(wrap)?;
    file.write_all(bytes).map_err(wrap)
}

/// Every topic as `a` or `a/b`, sorted.
fn topics(root: &Path) -> Vec<String> {
    let content = root.join("content");
    let mut found: Vec<String> = walkdir::WalkDir::new(&content)
        .min_depth(2)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "_index.md")
        .filter_map(|e| e.path().parent()?.strip_prefix(&content).ok().map(crate::diagnostic::display_path))
        .collect();
    found.sort();
    found
}

fn title_from_slug(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

fn template(title: &str, today: NaiveDate) -> String {
    let in_three_years = today.with_year(today.year() + 3).unwrap_or(today);
    let title = title.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        r#"---
# Required. The page's one heading, in plain words.
title: "{title}"
# Required. One sentence (at most 160 characters) for lists, search results and link previews.
description: ""
# Two to five lowercase tags; reuse tags other articles use.
tags: []
# Position within the topic: 1 comes first.
order: 10
# First published, YYYY-MM-DD.
date: {today}
# Last meaningful update (leave out until there is one).
# updated: {today}
# Date of the last full fact check against the references.
last_reviewed: {today}
# When the next full review is due: 3 years, or 12 months for pages about
# emergency contraception, PEP, testing or services.
next_review: {in_three_years}
# Who checked it (name, role). Leave out rather than guess.
# reviewed_by: ""
# Three to five short sentences shown as a summary box.
key_points:
  - ""
# At least two real sources. title and url are required.
references:
  - title: ""
    url: "https://"
    publisher: ""
    year: {year}
# Other articles, as paths relative to this file, e.g. ../feelings/feeling-low-after-sex.md
related: []
# Only if the page discusses assault, abuse, self-harm or suicide, e.g.
# content_note: "This page mentions sexual assault and where to get support."
# Old URLs that should redirect here, e.g. [/old/path/]
# aliases: []
# Leave true until the article is ready; drafts are built only with --drafts.
draft: true
---

Start with the key message in one or two short sentences.

## First section

Write in the second person ("you"), in short sentences. Explain every medical word once.
Link other articles with relative paths to their files, like `[text](../topic/article.md)`.

> [!IMPORTANT]
> **When to get help**
> Say when and where to get help, if it applies.
"#,
        year = today.year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_parses_as_valid_front_matter() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).expect("valid date");
        let text = template("A \"quoted\" title", today);
        let (front, _) = crate::content::front_matter::parse_file(
            Path::new("a.md"),
            &text.replace("description: \"\"", "description: \"d\""),
            crate::content::front_matter::Requirements::Page,
        )
        .expect("template is valid");
        assert_eq!(front.title, "A \"quoted\" title");
        assert!(front.draft);
        assert_eq!(front.next_review, NaiveDate::from_ymd_opt(2029, 11, 28));
    }

    // issue 11 item 12
    #[test]
    fn the_template_as_written_is_a_draft_that_parses_with_warnings() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).expect("valid date");
        let text = template("T", today);
        let (front, _) = crate::content::front_matter::parse_file(
            Path::new("a.md"),
            &text,
            crate::content::front_matter::Requirements::Page,
        )
        .expect("a new draft parses");
        assert!(front.draft && !front.warnings.is_empty());
    }

    // issue 11 item 12
    #[test]
    fn titles_are_one_line_of_plain_text() {
        assert_eq!(check_title(" After a row "), Ok("After a row".into()));
        for bad in ["a\nb", "a\rb", "\u{1b}[31m", "a\u{202e}b", "a\u{2028}b", " "] {
            assert!(check_title(bad).is_err(), "{bad:?}");
        }
    }
}

/// What `tend new --lang <code>` was asked to create: a translation of an existing file.
#[derive(Debug, Clone)]
pub struct NewTranslation {
    /// The site root.
    pub root: PathBuf,
    /// The original: `<topic>/<slug>` for an article, `<topic>` for a topic, `/` for the
    /// home page (`.md` may be written).
    pub path: String,
    /// The language code, one of `site.yaml`'s `languages`.
    pub language: String,
    /// Today's date, for `date` and `updated`.
    pub today: NaiveDate,
}

/// A translation started by [`create_translation`].
#[derive(Debug, Clone)]
pub struct Started {
    /// The file written.
    pub file: PathBuf,
    /// Whether it was written as a draft (all but a home page, which cannot be one).
    pub draft: bool,
    /// The original's topic folders (relative to `content/`) that have no version in the
    /// language yet: the translation is not published until they do.
    pub untranslated_topics: Vec<String>,
}

/// Writes `<name>.<code>.md` beside the original: its text with `date` and `updated` set
/// to today, its `aliases` left out (they belong to the original) and `draft: true`, so
/// nothing is published in the new language until it is translated.
pub fn create_translation(request: &NewTranslation) -> Result<Started, Error> {
    let usage = |message: String| Error::Usage(escape_invisible(&message).into_owned());
    let config = crate::config::Config::load(&request.root, &crate::config::Overrides::default())?;
    let code = request.language.as_str();
    let others: Vec<&str> = config.languages[1..].iter().map(|l| l.code.as_str()).collect();
    match config.language_index(code) {
        Some(0) => {
            return Err(usage(format!("`{code}` is the site's default language: its pages are the originals")));
        }
        Some(_) => {}
        None if others.is_empty() => {
            return Err(usage(format!(
                "the site has one language; add `{code}` under `languages:` in site.yaml first, e.g. `languages: {{{code}: {{title: …}}}}`"
            )));
        }
        None => return Err(usage(format!("`{code}` is not one of the site's languages: {}", others.join(", ")))),
    }
    let trimmed = request.path.trim().trim_matches('/').trim_end_matches(".md");
    if trimmed.split('/').any(|part| part == ".." || part == ".") {
        return Err(usage(format!("`{}` must be a path inside content/, like `feelings/feeling-low`", request.path)));
    }
    let content = request.root.join("content");
    let base = if trimmed.is_empty() { content.clone() } else { content.join(trimmed) };
    let candidates = [
        (!trimmed.is_empty()).then(|| {
            base.with_file_name(format!("{}.md", base.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()))
        }),
        Some(base.join("index.md")),
        Some(base.join("_index.md")),
    ];
    let Some(original) = candidates.into_iter().flatten().find(|path| path.is_file()) else {
        return Err(usage(format!(
            "there is no page `{}` to translate: give an article as `<topic>/<slug>`, a topic as `<topic>`, the home page as `/`",
            request.path
        )));
    };
    let rel = original.strip_prefix(&request.root).unwrap_or(&original).to_path_buf();
    let target = crate::content::translated_path(&original, code).ok_or_else(|| usage("not a Markdown file".into()))?;
    if let Some(link) = crate::error::fs::linked_folder(&request.root, &target) {
        let shown = link.strip_prefix(&request.root).unwrap_or(&link).display().to_string();
        return Err(usage(format!(
            "`{shown}` is a symbolic link; tend new never writes through links, which can lead outside the site"
        )));
    }
    if std::fs::symlink_metadata(&target).is_ok() {
        return Err(usage(format!("`{}` already exists; tend new never overwrites a file", target.display())));
    }
    let bytes =
        std::fs::read(&original).map_err(|source| Error::Io { action: "could not read", path: rel.clone(), source })?;
    let text = crate::diagnostic::decode_utf8(&bytes, &rel).map_err(Error::one)?;
    let home = original == content.join("_index.md");
    write_new(&target, translation_text(&text, request.today, home).as_bytes())?;
    // The topic folders above the original, nearest last, that lack this language.
    let mut untranslated_topics = Vec::new();
    let mut dir = original.parent().map(Path::to_path_buf);
    if original.file_name().is_some_and(|n| n == "index.md" || n == "_index.md") {
        dir = dir.and_then(|d| d.parent().map(Path::to_path_buf));
    }
    while let Some(folder) = dir.filter(|d| d.starts_with(&content) && *d != content) {
        if !folder.join(format!("_index.{code}.md")).is_file() {
            let shown = folder.strip_prefix(&content).map(crate::diagnostic::display_path).unwrap_or_default();
            untranslated_topics.insert(0, shown);
        }
        dir = folder.parent().map(Path::to_path_buf);
    }
    Ok(Started { file: target, draft: !home, untranslated_topics })
}

/// The original's text as a translation starts: `draft: true` (not for the home page, which
/// cannot be a draft), `date` and `updated` of today where the original has them, no
/// `aliases`; the rest (title, body, references) to translate.
fn translation_text(original: &str, today: NaiveDate, home: bool) -> String {
    let today = today.format("%Y-%m-%d").to_string();
    let mut lines = original.lines();
    let mut out = Vec::new();
    if lines.next().map(str::trim_end) != Some("---") {
        return original.to_owned();
    }
    out.push("---".to_owned());
    let mut in_front = true;
    let mut skipping = false;
    // `draft: true` is written (or must not be); the original has `date`, `updated`.
    let (mut draft, mut dated, mut updated) = (home, false, false);
    for line in lines {
        if !in_front {
            out.push(line.to_owned());
            continue;
        }
        if line.trim_end() == "---" {
            if !draft {
                out.push("draft: true".to_owned());
            }
            if dated && !updated {
                out.push(format!("updated: {today}"));
            }
            out.push(line.to_owned());
            in_front = false;
            continue;
        }
        let top_level = !line.starts_with([' ', '\t', '-', '#']) && !line.trim().is_empty();
        if skipping && !top_level {
            continue;
        }
        skipping = false;
        let key = line.split(':').next().unwrap_or_default().trim();
        match key {
            "aliases" if top_level => skipping = true,
            "draft" if top_level => {
                draft = true;
                if !home {
                    out.push("draft: true".to_owned());
                }
            }
            "date" if top_level => {
                dated = true;
                out.push(format!("date: {today}"));
            }
            "updated" if top_level => {
                updated = true;
                out.push(format!("updated: {today}"));
            }
            _ => out.push(line.to_owned()),
        }
    }
    let mut text = out.join("\n");
    if original.ends_with('\n') {
        text.push('\n');
    }
    text
}
