//! Heading ids and attributes: the GitHub-style id of a title, unique ids within a page,
//! and the `{#id .class}` blocks authors may write (nothing else: no event handlers).

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::CowStr;

/// GitHub-style heading id: lowercase, spaces to hyphens, punctuation dropped.
pub fn heading_id(title: &str) -> String {
    let id: String = title
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect();
    if id.is_empty() { "section".to_owned() } else { id }
}

/// The ids taken in one page, handing out `x`, `x-1`, `x-2`… for a wanted `x`.
///
/// Each wanted id remembers the next suffix to try, so a title repeated n times costs
/// O(n), not O(n²): a suffix is only tried again when another title or an explicit id
/// took it, and each taken id can turn away at most one base (`x-1-2` is only ever
/// `x-1-2`, the base `x-1` with 2, since the suffix is the part after the last hyphen).
pub(super) struct UniqueIds {
    used: HashSet<String>,
    next_suffix: HashMap<String, usize>,
    /// Candidates tried, for the test that keeps this linear.
    probes: usize,
}

impl UniqueIds {
    /// Starts with `reserved` taken.
    pub(super) fn new(reserved: &[&str]) -> Self {
        Self { used: reserved.iter().map(|id| (*id).to_owned()).collect(), next_suffix: HashMap::new(), probes: 0 }
    }

    /// `wanted`, or `wanted-1`, `wanted-2`… (the first one not taken).
    pub(super) fn claim(&mut self, wanted: &str) -> String {
        self.probes += 1;
        if self.used.insert(wanted.to_owned()) {
            return wanted.to_owned();
        }
        let next = self.next_suffix.entry(wanted.to_owned()).or_insert(1);
        loop {
            let candidate = format!("{wanted}-{next}");
            *next += 1;
            self.probes += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }

    /// Takes exactly `id` (a footnote's, which cannot change); false if it is taken.
    pub(super) fn take(&mut self, id: &str) -> bool {
        self.used.insert(id.to_owned())
    }

    #[cfg(test)]
    pub(super) fn probes(&self) -> usize {
        self.probes
    }
}

/// What a heading's `{#id .class}` block may set, once checked.
pub(super) struct Attributes<'e> {
    /// The explicit id, if it is a safe token.
    pub(super) id: Option<CowStr<'e>>,
    /// The classes that are safe tokens.
    pub(super) classes: Vec<CowStr<'e>>,
    /// What was refused: byte range within the heading's source, message and hint.
    pub(super) problems: Vec<(Range<usize>, String, &'static str)>,
}

/// Keeps the id and classes that are plain tokens and refuses everything else: any other
/// attribute could add an event handler (`{onfocus=alert(1) autofocus}`) or a style.
/// `source` is the heading as written, to place each problem.
pub(super) fn check_attributes<'e>(
    source: &str,
    id: Option<CowStr<'e>>,
    classes: Vec<CowStr<'e>>,
    attrs: &[(CowStr<'e>, Option<CowStr<'e>>)],
) -> Attributes<'e> {
    let block = source.rfind('{').unwrap_or(0);
    let place = |written: &str| {
        let start = source[block..].find(written).map_or(block, |at| block + at);
        start..start + written.len()
    };
    let mut problems = Vec::new();
    let mut token = |kind: &str, sigil: char, value: CowStr<'e>| {
        if is_token(&value) {
            return Some(value);
        }
        problems.push((
            place(&format!("{sigil}{value}")),
            format!("heading {kind} `{value}` may hold only letters, digits, `-`, `_`, `:` and `.`"),
            "write it as one word, e.g. `{#why-it-matters}` or `{.note}`",
        ));
        None
    };
    let id = id.and_then(|id| token("id", '#', id));
    let classes = classes.into_iter().filter_map(|class| token("class", '.', class)).collect();
    for (key, value) in attrs {
        let written = match value {
            Some(value) => format!("{key}={value}"),
            None => key.to_string(),
        };
        problems.push((
            place(&written),
            format!("heading attribute `{written}` is not allowed"),
            "heading attributes may set only `{#id}` and `{.class}`",
        ));
    }
    problems.sort_by_key(|(range, ..)| range.start);
    Attributes { id, classes, problems }
}

/// An id or class safe to write into any attribute: letters, digits, `-`, `_`, `:`, `.`.
fn is_token(value: &str) -> bool {
    !value.is_empty() && value.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
}
