//! Heading ids: the GitHub-style id of a title, and unique ids within a page.

use std::collections::{HashMap, HashSet};

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

    #[cfg(test)]
    pub(super) fn probes(&self) -> usize {
        self.probes
    }
}
