//! YAML documents with diagnostics: `site.yaml`, front matter and other data files.
//!
//! Owns turning YAML text into typed values while collecting *every* problem it can
//! find in one pass: syntax errors with their position, each unknown top-level key
//! with a "did you mean", and the first type error. Positions are mapped from the YAML
//! block to lines of the containing file (front matter starts on line 2).

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostic::{Diagnostic, Span, did_you_mean};

/// A YAML block inside a file: the file's full text plus where the block starts.
pub struct Document<'a> {
    /// Path relative to the site root, for diagnostics.
    pub path: &'a Path,
    /// The whole file's text (for source lines in diagnostics).
    pub file: &'a str,
    /// The YAML text.
    pub yaml: &'a str,
    /// 1-based line of the file on which `yaml` starts.
    pub first_line: usize,
    /// What the document is, for messages ("front matter", "site.yaml").
    pub what: &'static str,
}

impl Document<'_> {
    /// Parses the block as `T`, checking its top-level keys against `known`.
    ///
    /// `T` should *not* deny unknown fields at the top level (they are reported here,
    /// all at once, with suggestions); nested structs should.
    pub fn parse<T: DeserializeOwned>(&self, known: &[&str]) -> Result<T, Vec<Diagnostic>> {
        let value: serde_yaml::Value = if self.yaml.trim().is_empty() {
            serde_yaml::Value::Mapping(serde_yaml::Mapping::new())
        } else {
            serde_yaml::from_str(self.yaml).map_err(|error| vec![self.serde_error(&error)])?
        };
        let mut problems = Vec::new();
        match &value {
            serde_yaml::Value::Mapping(map) => {
                for key in map.keys() {
                    let name = match key {
                        serde_yaml::Value::String(name) => name.clone(),
                        other => format!("{other:?}"),
                    };
                    if !known.contains(&name.as_str()) {
                        problems.push(self.unknown_key(&name, known));
                    }
                }
            }
            serde_yaml::Value::Null => {}
            _ => {
                return Err(vec![
                    self.error(format!("{} must be a mapping of `key: value` lines", self.what), self.first_line)
                        .with_hint("write one `key: value` per line, e.g. `title: My page`"),
                ]);
            }
        }
        let source = if matches!(value, serde_yaml::Value::Null) { "{}" } else { self.yaml };
        match serde_yaml::from_str::<T>(source) {
            Ok(typed) if problems.is_empty() => Ok(typed),
            Ok(_) => Err(problems),
            Err(error) => {
                problems.push(self.serde_error(&error));
                Err(problems)
            }
        }
    }

    /// The span of top-level `key` in the file, or the block's first line.
    pub fn key_span(&self, key: &str) -> Span {
        for (i, line) in self.yaml.lines().enumerate() {
            let rest = line
                .strip_prefix(key)
                .or_else(|| line.strip_prefix(&format!("\"{key}\"")))
                .or_else(|| line.strip_prefix(&format!("'{key}'")));
            if rest.is_some_and(|rest| rest.trim_start().starts_with(':')) {
                return Span { line: self.first_line + i, col: 1, len: key.chars().count() };
            }
        }
        Span { line: self.first_line, col: 1, len: 1 }
    }

    /// An error at the top-level `key`.
    pub fn error_at_key(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.path, message).at(self.file, self.key_span(key))
    }

    /// An error on a line of the file.
    fn error(&self, message: impl Into<String>, line: usize) -> Diagnostic {
        Diagnostic::error(self.path, message).at(self.file, Span { line, col: 1, len: 1 })
    }

    fn unknown_key(&self, name: &str, known: &[&str]) -> Diagnostic {
        let message = format!("unknown {} key `{name}`", self.what);
        let hint = match did_you_mean(name, known.iter().copied()) {
            Some(best) => format!("did you mean `{best}`? Known keys: {}", known.join(", ")),
            None => format!("known keys: {}; put free-form data under `extra`", known.join(", ")),
        };
        self.error_at_key(name, message).with_hint(hint)
    }

    fn serde_error(&self, error: &serde_yaml::Error) -> Diagnostic {
        let text = error.to_string();
        // serde_yaml appends " at line L column C"; the span says that better.
        let message = text.split(" at line ").next().unwrap_or(&text).trim_end_matches(':').to_owned();
        let message = format!("invalid {}: {message}", self.what);
        let hint = serde_hint(&text);
        let mut diagnostic = match error.location() {
            Some(location) => {
                let line = self.first_line + location.line().saturating_sub(1);
                let col = location.column().max(1);
                Diagnostic::error(self.path, message).at(self.file, Span { line, col, len: 1 })
            }
            None => self.error(message, self.first_line),
        };
        if let Some(hint) = hint {
            diagnostic = diagnostic.with_hint(hint);
        }
        diagnostic
    }
}

/// A fix for the common serde_yaml messages.
fn serde_hint(text: &str) -> Option<String> {
    if let Some((_, rest)) = text.split_once("unknown field `") {
        let name = rest.split('`').next().unwrap_or("");
        let list = rest.split_once("expected one of ").or_else(|| rest.split_once("expected ")).map_or("", |(_, l)| l);
        let list = list.split(" at line").next().unwrap_or(list);
        let expected: Vec<&str> =
            list.split(", ").map(|item| item.trim_matches(|c: char| c == '`' || c.is_whitespace())).collect();
        return did_you_mean(name, expected.iter().copied()).map(|best| format!("did you mean `{best}`?"));
    }
    if text.contains("mapping values are not allowed") {
        return Some("a value containing `: ` must be quoted, e.g. title: \"Care: a guide\"".into());
    }
    if text.contains("found character that cannot start any token") {
        return Some("quote values that start with `@`, `` ` ``, `%` or `|`".into());
    }
    if text.contains("did not find expected key") || text.contains("did not find expected '-'") {
        return Some("check the indentation: nested items need the same number of spaces".into());
    }
    if text.contains("expected i64") || text.contains("expected i32") || text.contains("expected usize") {
        return Some("this key takes a whole number, e.g. `2`".into());
    }
    if text.contains("expected a boolean") {
        return Some("this key takes `true` or `false`".into());
    }
    if text.contains("invalid type: sequence") {
        return Some("this key takes a single value, not a list".into());
    }
    if text.contains("expected a sequence") {
        return Some("this key takes a list: `key: [a, b]` or one `- item` per line".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code, reason = "fields exist to be deserialized")]
    struct Example {
        title: Option<String>,
        order: Option<i64>,
        extra: Option<BTreeMap<String, serde_yaml::Value>>,
    }

    fn doc(yaml: &str) -> (String, Result<Example, Vec<Diagnostic>>) {
        let file = format!("---\n{yaml}---\n");
        let document = Document { path: Path::new("a.md"), file: &file, yaml, first_line: 2, what: "front matter" };
        let result = document.parse::<Example>(&["title", "order", "extra"]);
        (file, result)
    }

    #[test]
    fn reports_every_unknown_key_and_a_type_error() {
        let (_, result) = doc("titel: A\norder: first\nfoo: 1\n");
        let problems = result.expect_err("should fail");
        let labels: Vec<String> = problems.iter().map(|p| format!("{} {}", p.location(), p.message)).collect();
        assert_eq!(labels.len(), 3, "{labels:?}");
        assert_eq!(labels[0], "a.md:2:1 unknown front matter key `titel`");
        assert_eq!(problems[0].hint.as_deref().map(|h| h.starts_with("did you mean `title`")), Some(true));
        assert_eq!(labels[1], "a.md:4:1 unknown front matter key `foo`");
        assert!(
            labels[2].starts_with("a.md:3:8 invalid front matter: order: invalid type: string \"first\""),
            "{labels:?}"
        );
    }

    #[test]
    fn syntax_errors_map_to_file_lines() {
        let (_, result) = doc("title: A: B\n");
        let problems = result.expect_err("should fail");
        assert_eq!(problems[0].location(), "a.md:2:9");
        assert!(problems[0].hint.as_deref().is_some_and(|h| h.contains("quoted")));
    }

    #[test]
    fn empty_block_is_an_empty_mapping() {
        let (_, result) = doc("");
        assert!(result.is_ok());
    }
}
