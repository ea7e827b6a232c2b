//! `tend init`: a new site in one command.
//!
//! Owns the starter site: `site.yaml` with every key explained in comments, a home page,
//! one topic holding one article that passes `tend check`, and a `.gitignore`. It writes
//! only into a folder that is missing or empty, and never through a symbolic link. The
//! theme is the built-in one unless `eject_theme` copies it into `themes/default/` to edit.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use crate::error::{Error, fs};

/// What `tend init` was asked to create.
#[derive(Debug, Clone)]
pub struct NewSite {
    /// The folder to create the site in (created if missing; must be empty).
    pub dir: PathBuf,
    /// Copy the built-in default theme into `themes/default/`, to change it.
    pub eject_theme: bool,
    /// Today's date, for the article's dates.
    pub today: NaiveDate,
}

/// Writes the starter site and returns the files written, relative to `dir`.
pub fn create(request: &NewSite) -> Result<Vec<PathBuf>, Error> {
    let dir = &request.dir;
    if std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(usage(dir, "is a symbolic link; tend init never writes through links"));
    }
    if dir.exists() {
        if !dir.is_dir() {
            return Err(usage(dir, "is a file; give a new or empty folder"));
        }
        let mut entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
            action: "could not read",
            path: dir.clone(),
            source,
        })?;
        if entries.next().is_some() {
            return Err(usage(
                dir,
                "is not empty; tend init only writes into a new or empty folder, so nothing of yours is overwritten",
            ));
        }
    }
    let files = starter_files(request.today);
    for (rel, text) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, text.as_bytes())?;
    }
    let mut written: Vec<PathBuf> = files.into_iter().map(|(rel, _)| PathBuf::from(rel)).collect();
    if request.eject_theme {
        crate::theme::builtin::eject("default", &dir.join("themes/default"))?;
        written.push(PathBuf::from("themes/default/"));
    }
    Ok(written)
}

fn usage(dir: &Path, problem: &str) -> Error {
    Error::Usage(format!("`{}` {problem}", dir.display()))
}

/// Every starter file: (path relative to the site, text).
fn starter_files(today: NaiveDate) -> Vec<(&'static str, String)> {
    let next_year = today.with_year(today.year() + 1).unwrap_or(today);
    let article = ARTICLE.replace("{today}", &today.to_string()).replace("{next_review}", &next_year.to_string());
    vec![
        ("site.yaml", SITE_YAML.to_owned()),
        (".gitignore", "# What `tend build` writes; publish it, do not commit it.\n/public/\n".to_owned()),
        ("content/_index.md", HOME.to_owned()),
        ("content/basics/_index.md", TOPIC.to_owned()),
        ("content/basics/getting-started.md", article),
    ]
}

const SITE_YAML: &str = r#"# Site settings. Every key is optional unless marked; README.md documents each one.

# The site's name, shown in every page's header and title. (required)
title: My guide
# One sentence about the site, for search engines and link previews.
description: "A short, friendly guide."
# Where the site will be published, with a trailing slash. A sub-path works:
# https://example.org/guide/. `tend serve` uses its own address instead.
base_url: https://example.org/
# The language of the pages (an IETF tag: en, es, pt-BR).
language: en
# Other languages the guide is translated into: a translation of `x.md` is `x.es.md`
# beside it (README.md, "Translations"); `tend new --lang es <topic>/<slug>` starts one.
# languages:
#   es: {name: Español, title: Mi guía, description: "Una guía breve y amable."}
# The theme: a folder under themes/, or `default`, which is built into tend.
# `tend init --eject-theme` copies the default theme into themes/default/ to change it.
theme: default
# Your repository (https://...), for "Edit this page" and "Report a problem" links.
# repository: https://github.com/you/your-guide
# repository_branch: main
# An issue form in .github/ISSUE_TEMPLATE/ that "Report a problem" opens.
# report_form: page-problem.yml
# The default author of every page.
# author: The guide's contributors
# How many articles the Atom feed (atom.xml) lists.
# feed_limit: 20

markdown:
  # Raw HTML in Markdown: sanitize (keep safe tags, remove scripts and styles, with a
  # warning for each removal), escape (show it as text) or trust (keep it as written).
  raw_html: sanitize

links:
  # A link to a missing page or heading: error (the build stops) or warn (it builds).
  # `tend check` treats them as errors either way unless run with --links warn.
  internal: error

search:
  # Full-text search (Pagefind, built in). Pages can opt out with `search: false`.
  enabled: true
  # URL prefixes to leave out of the index.
  exclude: []
  # Groups of words readers use for the same thing: a search for one finds the others.
  synonyms:
    - [aftercare, after-sex care]

check:
  # The editorial rules `tend check` applies (CONTRIBUTING.md explains them).
  # The US school grade the prose should read at, at most.
  readability_target: 9
  # The longest description, in characters.
  description_max: 160
  # How many references each article needs.
  min_references: 2
  # Warn this many days before an article's next_review date.
  review_warning_days: 30
  # Images larger than this many kilobytes are a warning.
  image_max_kb: 500
  # Words to avoid, each a warning at its line with what to write instead.
  avoid:
    - {word: suffering from, instead: "living with, or having", why: "tells readers how they should feel about it"}

# Settings the theme reads; the theme's theme.yaml lists the keys it knows.
extra: {}
"#;

const HOME: &str = r#"---
title: My guide
description: "A short, friendly guide, written plainly and kindly."
---
Welcome. Start with [Getting started](basics/getting-started.md).
"#;

const TOPIC: &str = r#"---
title: Basics
description: "Where to begin."
order: 1
---
The first things to know.
"#;

const ARTICLE: &str = r#"---
title: Getting started
description: "How this guide is written and how to add a page of your own."
tags: [guide, writing]
order: 1
date: {today}
last_reviewed: {today}
next_review: {next_review}
key_points:
  - Each page answers one question in plain words.
  - Each fact links to a source you can check.
  - You can add a page with one command.
references:
  - title: "Plain language guidelines"
    url: "https://www.plainlanguage.gov/guidelines/"
    publisher: "plainlanguage.gov"
  - title: "Web Content Accessibility Guidelines (WCAG) 2.2"
    url: "https://www.w3.org/TR/WCAG22/"
    publisher: "W3C"
---
This page shows how a page of the guide is made. Change it, or replace it.

## How a page is written

Each page starts with a few lines of settings between two `---` lines. They give the
title, a short description, tags, dates and the sources. The text below them is Markdown.

Write short sentences. Say one thing at a time. Link each fact to a source in the list
above, so readers can check it.

## How to add a page

Run `tend new basics/my-page --title "My page"`. It writes a new file with every setting
explained. Fill it in, then run `tend check` to see what is missing.

## How to see your changes

Run `tend serve` and open the address it prints. Each time you save, the page in your
browser shows the change.
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_site_yaml_explains_every_key() {
        for key in crate::config::KNOWN_KEYS {
            let written = SITE_YAML.lines().any(|line| {
                let line = line.trim_start_matches('#').trim_start();
                line.starts_with(&format!("{key}:"))
            });
            assert!(written, "site.yaml of `tend init` does not mention `{key}`");
        }
    }

    #[test]
    fn a_folder_with_anything_in_it_is_refused() {
        let dir = tempfile::tempdir().expect("temp");
        std::fs::write(dir.path().join("notes.txt"), "mine").expect("write");
        let request = NewSite { dir: dir.path().to_path_buf(), eject_theme: false, today: NaiveDate::MIN };
        let error = create(&request).expect_err("refused").to_string();
        assert!(error.contains("is not empty"), "{error}");
        assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt")).expect("kept"), "mine");
    }
}
