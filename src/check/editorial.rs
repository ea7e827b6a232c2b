//! The editorial rules for one Markdown file: heading order, image alt text, description
//! length, references on articles, review dates and readability.
//!
//! Each rule reads the file's front matter and the facts its Markdown rendering recorded;
//! none looks at another file. Thresholds come from `check:` in `site.yaml`.

use chrono::NaiveDate;

use super::{Kind, SourceFile};
use crate::config::CheckSettings;
use crate::diagnostic::{Diagnostic, Severity};
use crate::markdown::Rendered;

/// Every editorial problem of `file`.
pub(super) fn check(
    file: &SourceFile<'_>,
    facts: &Rendered,
    settings: &CheckSettings,
    today: NaiveDate,
) -> Vec<Diagnostic> {
    let mut problems = headings(file, facts);
    problems.extend(alt_text(file, facts));
    problems.extend(description(file, settings));
    if file.kind == Kind::Article {
        problems.extend(references(file, settings));
    }
    if file.kind != Kind::Section {
        problems.extend(review(file, settings, today));
        problems.extend(date_order(file, today));
        // The Flesch-Kincaid grade measures English; other languages need other formulas.
        if file.language == "en" || file.language.starts_with("en-") {
            problems.extend(readability(file, facts, settings));
        }
    }
    problems
}

/// A translation whose text is still the original's, word for word (as `tend new --lang`
/// starts one): published, it would be the original under another language's name.
pub(super) fn untranslated(file: &SourceFile<'_>, original: &SourceFile<'_>) -> Option<Diagnostic> {
    let body = file.text[file.body_offset..].trim();
    if body.is_empty() || body != original.text[original.body_offset..].trim() {
        return None;
    }
    let start =
        file.body_offset + (file.text[file.body_offset..].len() - file.text[file.body_offset..].trim_start().len());
    let end = file.text[start..].find('\n').map_or(file.text.len(), |at| start + at);
    let message = format!(
        "this translation's text is `{}`'s, word for word: it is not translated yet",
        crate::diagnostic::display_path(original.path)
    );
    Some(
        file.at_range(Severity::Warning, start..end, message)
            .with_hint("translate it before it is published; an article or topic can stay `draft: true` until then"),
    )
}

/// A translation last updated before its original's last meaningful update (`updated`)
/// may say what the original no longer does: for health content, a safety problem.
pub(super) fn stale_translation(file: &SourceFile<'_>, original: &SourceFile<'_>) -> Option<Diagnostic> {
    let changed = original.front.updated.or(original.front.date)?;
    let (key, translated) = match (file.front.updated, file.front.date) {
        (Some(updated), _) => ("updated", Some(updated)),
        (None, Some(date)) => ("date", Some(date)),
        (None, None) => ("title", None),
    };
    if translated.is_some_and(|translated| translated >= changed) {
        return None;
    }
    let since = match translated {
        Some(date) => format!("this translation's `{key}` is {date}"),
        None => "this translation has no `updated` or `date`".to_owned(),
    };
    let message = format!(
        "translation may be out of date: `{}` was last changed on {changed}, and {since}",
        crate::diagnostic::display_path(original.path)
    );
    Some(
        file.at_key(Severity::Warning, key, message)
            .with_hint("bring the original's changes across, then set `updated:` to the day you did"),
    )
}

/// The template shows the title as the page's only `h1`; body headings start at `h2` and
/// go down one level at a time.
fn headings(file: &SourceFile<'_>, facts: &Rendered) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut previous = 1;
    for heading in &facts.headings {
        let marks = |level: u8| "#".repeat(usize::from(level));
        if heading.level == 1 {
            problems.push(
                file.at_range(Severity::Error, heading.range.clone(), "a level-1 heading in the body")
                    .with_hint("the title is the page's h1; use ## for sections"),
            );
        } else if heading.level > previous + 1 {
            let message = format!("heading level skips from h{previous} to h{}", heading.level);
            problems.push(file.at_range(Severity::Error, heading.range.clone(), message).with_hint(format!(
                "use `{}` here, or add the missing `{}` section above it; screen reader users navigate by these levels",
                marks(previous + 1),
                marks(previous + 1)
            )));
        }
        previous = heading.level;
    }
    problems
}

fn alt_text(file: &SourceFile<'_>, facts: &Rendered) -> Vec<Diagnostic> {
    facts
        .destinations
        .iter()
        .filter(|d| d.alt.as_deref().is_some_and(|alt| alt.trim().is_empty()))
        .map(|d| {
            file.at_range(Severity::Error, d.range.clone(), "image without alt text").with_hint(
                "describe what the image shows between the brackets, e.g. `![A towel folded on a bed](towel.svg)`",
            )
        })
        .collect()
}

fn description(file: &SourceFile<'_>, settings: &CheckSettings) -> Option<Diagnostic> {
    let length = file.front.description.chars().count();
    (length > settings.description_max).then(|| {
        let message = format!("`description` is {length} characters long; the limit is {}", settings.description_max);
        file.at_key(Severity::Error, "description", message)
            .with_hint("search results and link previews cut it off: keep it to one short sentence")
    })
}

fn references(file: &SourceFile<'_>, settings: &CheckSettings) -> Option<Diagnostic> {
    let count = file.front.references.len();
    (count < settings.min_references).then(|| {
        let has = match count {
            0 => "no references".to_owned(),
            1 => "1 reference".to_owned(),
            n => format!("{n} references"),
        };
        let message = format!("this article has {has}; articles need at least {}", settings.min_references);
        // A draft may be unfinished: a warning until it is published.
        let severity = if file.front.draft { Severity::Warning } else { Severity::Error };
        file.at_key(severity, "references", message)
            .with_hint("add the sources its claims rest on under `references:`, each with `title:` and `url:`")
    })
}

/// `next_review` in the past is an error; within `review_warning_days`, a warning.
/// Articles without one get a warning, since nothing would remind anyone to review them.
fn review(file: &SourceFile<'_>, settings: &CheckSettings, today: NaiveDate) -> Option<Diagnostic> {
    const HOW: &str = "fact-check the page against its references, then set `last_reviewed` to that day and `next_review` 3 years on (12 months for pages about emergency contraception, PEP, testing or services)";
    let Some(due) = file.front.next_review else {
        return (file.kind == Kind::Article).then(|| {
            file.at_key(Severity::Warning, "next_review", "this article has no `next_review` date")
                .with_hint("add `next_review: YYYY-MM-DD`, usually 3 years after `last_reviewed`")
        });
    };
    let days = (due - today).num_days();
    let (severity, message) = match days {
        ..0 => (Severity::Error, format!("review overdue: `next_review` was {due}, {} ago", days_text(-days))),
        0 => (Severity::Warning, "review due today".to_owned()),
        d if d <= i64::from(settings.review_warning_days) => {
            (Severity::Warning, format!("review due in {}, on {due}", days_text(d)))
        }
        _ => return None,
    };
    Some(file.at_key(severity, "next_review", message).with_hint(HOW))
}

/// Dates that cannot all be true: a review before the page was reviewed, an update before
/// it was written, a review or publication date in the future.
fn date_order(file: &SourceFile<'_>, today: NaiveDate) -> Vec<Diagnostic> {
    let front = file.front;
    let mut problems = Vec::new();
    if let (Some(last), Some(next)) = (front.last_reviewed, front.next_review)
        && next <= last
    {
        problems.push(
            file.at_key(
                Severity::Error,
                "next_review",
                format!("`next_review` ({next}) is not after `last_reviewed` ({last})"),
            )
            .with_hint(
                "set `next_review` to when the page should next be checked, usually 3 years after `last_reviewed`",
            ),
        );
    }
    if let (Some(written), Some(updated)) = (front.date, front.updated)
        && updated < written
    {
        problems.push(
            file.at_key(Severity::Error, "updated", format!("`updated` ({updated}) is before `date` ({written})"))
                .with_hint("`date` is when the page was first published; `updated` is a later change"),
        );
    }
    for (key, value) in [("date", front.date), ("last_reviewed", front.last_reviewed), ("updated", front.updated)] {
        if let Some(value) = value.filter(|value| *value > today) {
            problems.push(
                file.at_key(Severity::Warning, key, format!("`{key}` ({value}) is in the future"))
                    .with_hint("write the day it happened; readers and feeds show this date"),
            );
        }
    }
    problems
}

fn days_text(days: i64) -> String {
    if days == 1 { "1 day".into() } else { format!("{days} days") }
}

/// Below this many words the grade says more about one sentence than about the page.
const MIN_WORDS: usize = 100;

/// The Flesch-Kincaid grade of the rendered text, against the site's target.
fn readability(file: &SourceFile<'_>, facts: &Rendered, settings: &CheckSettings) -> Option<Diagnostic> {
    let measured = crate::readability::measure(&facts.plain_text);
    if measured.words < MIN_WORDS || measured.grade <= settings.readability_target {
        return None;
    }
    let per_sentence = measured.words as f64 / measured.sentences as f64;
    let per_word = measured.syllables as f64 / measured.words as f64;
    let message =
        format!("reading grade {:.1} is above the site's target of {}", measured.grade, settings.readability_target);
    Some(Diagnostic::warning(file.path, message).with_hint(format!(
        "sentences average {per_sentence:.0} words and words {per_word:.1} syllables; shorter sentences and everyday words lower the grade"
    )))
}
