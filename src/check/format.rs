//! A check report in each output format: human (rustc-style, via [`Diagnostic`]'s
//! `Display`: plain text; `tend check` prints it in colour on a terminal through
//! [`crate::diagnostic::eprint()`]), GitHub workflow annotations, and one JSON document.

use std::fmt::Write as _;

use serde::Serialize;

use super::CheckReport;
use crate::diagnostic::{Diagnostic, Severity, display_path};

/// How `tend check` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// rustc-style: `path:line:col`, the source line, a caret, a hint.
    #[default]
    Human,
    /// GitHub workflow commands (`::error file=…,line=…::message`), one per line.
    Github,
    /// One JSON document: `{"errors", "warnings", "diagnostics": [...]}`.
    Json,
}

impl CheckReport {
    /// The diagnostics in `format`. GitHub annotations name files relative to the
    /// repository: `prefix` is the site root's path inside it (`""` when they are the same).
    pub fn render(&self, format: Format, prefix: &str) -> String {
        match format {
            Format::Human => self.diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"),
            Format::Github => self.diagnostics.iter().fold(String::new(), |mut out, d| {
                let _ = writeln!(out, "{}", annotation(d, prefix));
                out
            }),
            Format::Json => self.json(),
        }
    }

    fn json(&self) -> String {
        let report = JsonReport {
            errors: self.errors(),
            warnings: self.warnings(),
            diagnostics: self.diagnostics.iter().map(JsonDiagnostic::from).collect(),
        };
        let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
        text.push('\n');
        text
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    errors: usize,
    warnings: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    path: String,
    line: Option<usize>,
    col: Option<usize>,
    message: &'a str,
    hint: Option<&'a str>,
}

impl<'a> From<&'a Diagnostic> for JsonDiagnostic<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        Self {
            severity: d.severity,
            path: display_path(&d.path),
            line: d.span.map(|s| s.line),
            col: d.span.map(|s| s.col),
            message: &d.message,
            hint: d.hint.as_deref(),
        }
    }
}

/// `::error file=…,line=…,col=…,title=tend check::message%0Ahint: …`
fn annotation(d: &Diagnostic, prefix: &str) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let path = format!("{prefix}{}", display_path(&d.path));
    let mut properties = format!("file={}", escape_property(&path));
    if let Some(span) = d.span {
        let _ = write!(properties, ",line={},col={}", span.line, span.col);
    }
    properties.push_str(",title=tend check");
    let message = match &d.hint {
        Some(hint) => format!("{}\nhint: {hint}", d.message),
        None => d.message.clone(),
    };
    format!("::{command} {properties}::{}", escape_data(&message))
}

/// Escapes a workflow command's message (`%`, CR, LF), as the Actions toolkit does.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command's property value: like data, plus `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Span;

    #[test]
    fn annotations_escape_like_the_actions_toolkit() {
        let d = Diagnostic::error("content/a,b:c.md", "100% wrong:\r\nyes")
            .at("x\ny\nz\n", Span { line: 3, col: 2, len: 1 })
            .with_hint("fix, then: rerun");
        assert_eq!(
            annotation(&d, "site/"),
            "::error file=site/content/a%2Cb%3Ac.md,line=3,col=2,title=tend check::100%25 wrong:%0D%0Ayes%0Ahint: fix, then: rerun"
        );
        let w = Diagnostic::warning("content/a.md", "whole file");
        assert_eq!(annotation(&w, ""), "::warning file=content/a.md,title=tend check::whole file");
    }
}
