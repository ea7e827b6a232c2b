//! Words to avoid: the site's `check.avoid` list matched against a file's prose.
//!
//! Matching is by whole words, ignoring case, so `wife` finds "Wife" and "wife's" but not
//! "midwife"; a phrase matches across line breaks; the last word also matches its plural
//! in `s` ("victims"). Code and raw HTML are not prose and are never matched.

use std::ops::Range;

use super::SourceFile;
use crate::config::AvoidWord;
use crate::diagnostic::{Diagnostic, Severity};
use crate::markdown::Rendered;

/// A warning for each use of a listed word in `file`'s prose.
pub(super) fn check(file: &SourceFile<'_>, facts: &Rendered, avoid: &[AvoidWord]) -> Vec<Diagnostic> {
    if avoid.is_empty() {
        return Vec::new();
    }
    let wanted: Vec<(Vec<String>, &AvoidWord)> =
        avoid.iter().map(|entry| (words(&entry.word).map(|(w, _)| w).collect(), entry)).collect();
    let mut problems = Vec::new();
    for range in &facts.prose {
        let found: Vec<(String, Range<usize>)> =
            words(&file.text[range.clone()]).map(|(w, r)| (w, r.start + range.start..r.end + range.start)).collect();
        for start in 0..found.len() {
            for (phrase, entry) in &wanted {
                if matches(&found[start..], phrase) {
                    let span = found[start].1.start..found[start + phrase.len() - 1].1.end;
                    problems.push(warning(file, entry, span));
                }
            }
        }
    }
    problems
}

/// Whether `text` starts with `phrase`, allowing an `s` on its last word.
fn matches(text: &[(String, Range<usize>)], phrase: &[String]) -> bool {
    let Some((last, rest)) = phrase.split_last() else { return false };
    let Some((got_last, _)) = text.get(rest.len()) else { return false };
    rest.iter().zip(text).all(|(want, (got, _))| want == got)
        && (got_last == last || got_last.strip_suffix('s') == Some(last.as_str()))
}

fn warning(file: &SourceFile<'_>, entry: &AvoidWord, span: Range<usize>) -> Diagnostic {
    let written = file.text[span.clone()].split_whitespace().collect::<Vec<_>>().join(" ");
    let message = match &entry.why {
        Some(why) => format!("avoid `{written}`: {why}"),
        None => format!("avoid `{written}`"),
    };
    let diagnostic = file.at_range(Severity::Warning, span, message);
    match &entry.instead {
        Some(instead) => diagnostic.with_hint(format!("try `{instead}` instead")),
        None => diagnostic,
    }
}

/// The lowercase words of `text` (runs of letters and digits) with their byte ranges.
fn words(text: &str) -> impl Iterator<Item = (String, Range<usize>)> + '_ {
    let mut start = None;
    text.char_indices().chain(std::iter::once((text.len(), ' '))).filter_map(move |(i, c)| {
        match (c.is_alphanumeric(), start) {
            (true, None) => {
                start = Some(i);
                None
            }
            (false, Some(from)) => {
                start = None;
                Some((text[from..i].to_lowercase(), from..i))
            }
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'t>(text: &'t str, phrase: &str) -> Vec<&'t str> {
        let found: Vec<(String, Range<usize>)> = words(text).collect();
        let phrase: Vec<String> = words(phrase).map(|(w, _)| w).collect();
        (0..found.len())
            .filter(|&i| matches(&found[i..], &phrase))
            .map(|i| &text[found[i].1.start..found[i + phrase.len() - 1].1.end])
            .collect()
    }

    #[test]
    fn whole_words_ignoring_case_with_plurals() {
        assert_eq!(find("My Wife and a midwife; your wife's towel", "wife"), ["Wife", "wife"]);
        assert_eq!(find("Victims and victim-blaming", "victim"), ["Victims", "victim"]);
        assert_eq!(find("people Suffering\n  from it, suffering", "suffering from"), ["Suffering\n  from"]);
        assert!(find("anything", "").is_empty());
    }
}
