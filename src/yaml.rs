//! YAML documents with diagnostics: `site.yaml`, `theme.yaml` and front matter.
//!
//! Owns turning YAML text into typed values while collecting *every* problem it can
//! find in one pass, each at its place in the file. Two parsers share the work:
//!
//! - an event parser (saphyr-parser) reads the block first, into an [`Outline`]: where
//!   each key and value is (so a problem found later can point at the value, not the
//!   line), duplicate keys (at the duplicate), nesting deeper than [`MAX_DEPTH`] and
//!   aliases that expand past [`MAX_VALUES`] (billion laughs), and syntax errors. It stops
//!   at the first of these, so hostile input costs microseconds, not seconds;
//! - serde_yaml then turns a block that passed into typed values, reporting each unknown
//!   top-level key with a "did you mean" and each type error, in plain words; a key with
//!   a problem is left out and the rest typed again, so one bad value hides nothing.
//!
//! Positions are mapped from the YAML block to lines of the containing file (front matter
//! starts on line 2).

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::Path;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};
use serde::de::DeserializeOwned;

use crate::diagnostic::{Diagnostic, Span, did_you_mean};

/// The deepest nesting of lists and mappings accepted. Real files use 3 or 4 levels.
pub(crate) const MAX_DEPTH: usize = 64;

/// The most values a block may hold once aliases (`*name`) are expanded.
pub(crate) const MAX_VALUES: usize = 100_000;

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

/// Where each key and value of a YAML block is, as spans of the containing file.
///
/// Paths name keys from the top: `["extra", "quick_exit_url"]`; list items are named by
/// their index: `["references", "0", "url"]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    path: Vec<String>,
    /// The key's span; `None` for list items and the top-level value.
    key: Option<Span>,
    /// The value's span, clipped to its first line.
    value: Span,
}

impl Outline {
    fn entry(&self, path: &[&str]) -> Option<&Entry> {
        self.entries.iter().find(|entry| entry.path.iter().map(String::as_str).eq(path.iter().copied()))
    }

    /// The span of the key at `path` (for a list item, of the item).
    pub fn key(&self, path: &[&str]) -> Option<Span> {
        self.entry(path).map(|entry| entry.key.unwrap_or(entry.value))
    }

    /// The span of the value at `path`, clipped to its first line.
    pub fn value(&self, path: &[&str]) -> Option<Span> {
        self.entry(path).map(|entry| entry.value)
    }

    /// The keys written directly under the mapping at `path`, in file order, with their spans.
    pub fn keys_under<'s>(&'s self, path: &'s [&str]) -> impl Iterator<Item = (&'s str, Span)> + 's {
        self.entries.iter().filter_map(move |entry| {
            let (last, parent) = entry.path.split_last()?;
            let key = entry.key?;
            parent.iter().map(String::as_str).eq(path.iter().copied()).then_some((last.as_str(), key))
        })
    }
}

/// What [`Document::parse_partial`] read.
pub struct Partial<T> {
    /// The typed value of the keys that passed.
    pub value: T,
    /// Where each key and value is.
    pub outline: Outline,
    /// The unknown keys and the keys whose value did not fit, one problem each.
    pub problems: Vec<Diagnostic>,
    /// Comments that cut a plain value short (`title: Care #1`).
    pub warnings: Vec<Diagnostic>,
    /// The file lines of the keys left out (end exclusive): a problem found later at one of
    /// them follows from one already reported.
    pub dropped: Vec<std::ops::Range<usize>>,
    /// The known keys suggested for unknown ones (`titel` → `title`): that one is missing
    /// is already told.
    pub suggested: Vec<&'static str>,
}

/// What scanning found: the outline, what the top-level value is, and the problems
/// (the last of which stopped it).
struct Scan {
    outline: Outline,
    problems: Vec<Diagnostic>,
    /// Problems that do not stop reading (a comment cutting a value short).
    warnings: Vec<Diagnostic>,
    top: Top,
}

/// The kind of a block's top-level value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Top {
    /// Nothing but comments and blank lines.
    Empty,
    /// `null` or `~`.
    Null,
    /// `key: value` lines.
    Mapping,
    /// A list or other text.
    Other,
}

/// A mapping or list being read.
struct Frame {
    path: Vec<String>,
    is_mapping: bool,
    /// The anchor on the collection (0 for none), and the values counted before it.
    anchor: usize,
    counted_before: usize,
    /// Next list index.
    index: usize,
    /// In a mapping: the key read, waiting for its value.
    key: Option<(String, Span)>,
    /// In a mapping: every key so far, with the line it is on.
    seen: HashMap<String, usize>,
}

impl Document<'_> {
    /// Parses the block as `T`, checking its top-level keys against `known`.
    ///
    /// `T` should *not* deny unknown fields at the top level (they are reported here,
    /// all at once, with suggestions); nested structs should.
    pub fn parse<T: DeserializeOwned>(&self, known: &[&'static str]) -> Result<T, Vec<Diagnostic>> {
        self.parse_located(known).map(|(value, _)| value)
    }

    /// [`Document::parse`], plus the block's [`Outline`] to point later problems at values.
    pub fn parse_located<T: DeserializeOwned>(&self, known: &[&'static str]) -> Result<(T, Outline), Vec<Diagnostic>> {
        let Partial { value, outline, problems, .. } = self.parse_partial(known)?;
        if problems.is_empty() { Ok((value, outline)) } else { Err(problems) }
    }

    /// Parses the block as `T` as far as it can: each top-level key that is unknown or
    /// does not fit its type is reported and left out (so the keys that are fine can still
    /// be checked, and every problem of the file is told in one run). `Err` when the
    /// block cannot be read at all (a syntax error, not a mapping).
    pub fn parse_partial<T: DeserializeOwned>(&self, known: &[&'static str]) -> Result<Partial<T>, Vec<Diagnostic>> {
        if let Some(problem) = self.lone_carriage_return().or_else(|| self.unprintable()) {
            return Err(vec![problem]);
        }
        let Scan { outline, problems, warnings, top } = self.scan();
        if !problems.is_empty() {
            return Err(problems);
        }
        match top {
            // An empty block, or one holding only `null`, is an empty mapping.
            Top::Empty | Top::Null => {
                let value = serde_yaml::from_str::<T>("{}").map_err(|error| vec![self.serde_error(&error)])?;
                let (problems, dropped, suggested) = (Vec::new(), Vec::new(), Vec::new());
                return Ok(Partial { value, outline, problems, warnings, dropped, suggested });
            }
            Top::Mapping => {}
            Top::Other => {
                let span = outline.value(&[]).unwrap_or(Span { line: self.first_line, col: 1, len: 1 });
                return Err(vec![
                    self.error_at(span, format!("{} must be a mapping of `key: value` lines", self.what))
                        .with_hint("write one `key: value` per line, e.g. `title: My page`"),
                ]);
            }
        }
        // Each top-level key and the block lines (0-based) it spans, to the next key.
        let keys: Vec<(&str, Span)> = outline.keys_under(&[]).collect();
        let block_lines = self.yaml.lines().count();
        let lines_of = |i: usize| {
            let start = keys[i].1.line - self.first_line;
            let end = keys.get(i + 1).map_or(block_lines, |next| (next.1.line - self.first_line).max(start + 1));
            start..end
        };
        let mut problems = Vec::new();
        let mut dropped: Vec<usize> = Vec::new();
        let mut suggested = Vec::new();
        for (i, (name, _)) in keys.iter().enumerate() {
            if !known.contains(name) {
                problems.push(self.unknown_key(name, known, &outline));
                suggested.extend(did_you_mean(name, known.iter().copied()));
                dropped.push(i);
            }
        }
        loop {
            let source = self.without(dropped.iter().map(|&i| lines_of(i)));
            match serde_yaml::from_str::<T>(&source) {
                Ok(value) => {
                    let dropped = dropped
                        .iter()
                        .map(|&i| {
                            let lines = lines_of(i);
                            self.first_line + lines.start..self.first_line + lines.end
                        })
                        .collect();
                    return Ok(Partial { value, outline, problems, warnings, dropped, suggested });
                }
                Err(error) => {
                    problems.push(self.serde_error(&error));
                    // The key the error is in, if it is one not yet left out.
                    let culprit = error
                        .location()
                        .filter(|_| !error.to_string().starts_with("missing field"))
                        .and_then(|location| {
                            let line = location.line().saturating_sub(1);
                            (0..keys.len()).rev().find(|&i| lines_of(i).contains(&line))
                        });
                    match culprit {
                        Some(i) if !dropped.contains(&i) => dropped.push(i),
                        _ => return Err(problems),
                    }
                }
            }
        }
    }

    /// The block with the given lines (0-based ranges) blanked, so line numbers still match;
    /// `{}` when nothing is left.
    fn without(&self, blanked: impl Iterator<Item = std::ops::Range<usize>>) -> String {
        let blanked: Vec<_> = blanked.collect();
        if blanked.is_empty() {
            return self.yaml.to_owned();
        }
        let kept: String = self
            .yaml
            .split_inclusive('\n')
            .enumerate()
            .map(|(n, line)| if blanked.iter().any(|r| r.contains(&n)) { "\n" } else { line })
            .collect();
        if kept.trim().is_empty() { "{}".to_owned() } else { kept }
    }

    /// The block's outline, as far as it can be read (for locating problems found after
    /// parsing; [`Document::parse_located`] returns the same without a second scan).
    pub fn outline(&self) -> Outline {
        self.scan().outline
    }

    /// The span of top-level `key` in the file or, when it is absent, of the end of the
    /// block (the closing `---` of front matter), where it would be added.
    pub fn key_span(&self, key: &str) -> Span {
        self.outline().key(&[key]).unwrap_or_else(|| self.end_span())
    }

    /// The line after the block: the closing `---` of front matter, or the last line of a
    /// file that is all YAML.
    pub fn end_span(&self) -> Span {
        let lines = self.yaml.lines().count();
        let mut line = self.first_line + lines;
        if self.yaml.lines().last().is_some_and(|last| matches!(last.trim_end(), "---" | "...")) {
            line -= 1;
        } else if self.file.lines().nth(line - 1).is_none() {
            line = (line - 1).max(1);
        }
        let len = self.file.lines().nth(line - 1).map_or(1, |text| text.trim_end().chars().count().max(1));
        Span { line, col: 1, len }
    }

    /// An error at the top-level `key` (or at the end of the block when it is absent).
    pub fn error_at_key(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        self.error_at(self.key_span(key), message)
    }

    /// An error at `span` of the file.
    pub fn error_at(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.path, message).at(self.file, span)
    }

    /// A YAML block's span from the event parser's markers (line 1-based in the block,
    /// column 0-based), clipped to the first line.
    fn span(&self, span: saphyr_parser::Span) -> Span {
        let (start, end) = (span.start, span.end);
        let len = if end.line() == start.line() {
            end.col().saturating_sub(start.col())
        } else {
            let text = self.yaml.lines().nth(start.line().saturating_sub(1)).unwrap_or("");
            text.trim_end().chars().count().saturating_sub(start.col())
        };
        Span { line: self.first_line + start.line().saturating_sub(1), col: start.col() + 1, len: len.max(1) }
    }

    /// Reads the block with the event parser: its outline, or the problem that stops it.
    fn scan(&self) -> Scan {
        let mut scanner = Scanner {
            document: self,
            outline: Outline::default(),
            stack: Vec::new(),
            anchors: HashMap::new(),
            values: 0,
            documents: 0,
            problems: Vec::new(),
            warnings: Vec::new(),
            top: Top::Empty,
        };
        for event in Parser::new_from_str(self.yaml) {
            let flow = match event {
                Ok((event, span)) => scanner.event(event, self.span(span)),
                Err(error) => {
                    scanner.problems.push(self.syntax_error(&error));
                    ControlFlow::Break(())
                }
            };
            if flow.is_break() {
                break;
            }
        }
        Scan { outline: scanner.outline, problems: scanner.problems, warnings: scanner.warnings, top: scanner.top }
    }

    fn too_deep(&self, span: Span) -> Diagnostic {
        self.error_at(span, format!("{} is nested more than {MAX_DEPTH} levels deep", self.what))
            .with_hint("lists and mappings inside each other this deep are a mistake or an attack; flatten the data")
    }

    fn too_many_values(&self, span: Span) -> Diagnostic {
        self.error_at(span, format!("{} holds more than {MAX_VALUES} values once its aliases are expanded", self.what))
            .with_hint(
                "each `*name` alias copies the value anchored as `&name`; write the values out, or use fewer aliases",
            )
    }

    fn second_document(&self, span: Span) -> Diagnostic {
        let hint = if self.what == "front matter" {
            "front matter is one YAML document between two `---` lines; remove this line"
        } else {
            "a `---` line starts a second YAML document; remove it, and keep every setting in one document"
        };
        self.error_at(span, format!("{} holds more than one YAML document", self.what)).with_hint(hint)
    }

    fn syntax_error(&self, error: &ScanError) -> Diagnostic {
        let marker = error.marker();
        let lines = self.yaml.lines().count();
        let span = if marker.line() > lines && lines > 0 {
            // At the end of the text (a bracket never closed): point after the last line.
            let last = self.yaml.lines().last().unwrap_or("");
            Span { line: self.first_line + lines - 1, col: last.trim_end().chars().count() + 1, len: 1 }
        } else {
            Span { line: self.first_line + marker.line().saturating_sub(1), col: marker.col() + 1, len: 1 }
        };
        // The scanner's own limit on `[`/`{` nesting, reached while it looks ahead.
        if error.info() == "recursion limit exceeded" {
            return self.too_deep(span);
        }
        let mut diagnostic = self.error_at(span, format!("invalid {}: {}", self.what, error.info()));
        let line = self.yaml.lines().nth(marker.line().saturating_sub(1)).unwrap_or_default();
        if let Some(hint) = quote_hint(line).or_else(|| syntax_hint(error.info(), self.what)) {
            diagnostic = diagnostic.with_hint(hint);
        }
        diagnostic
    }

    /// A carriage return not followed by a line feed: YAML reads it as a line break, every
    /// other tool does not, so lines would be miscounted.
    fn lone_carriage_return(&self) -> Option<Diagnostic> {
        let at = self.yaml.match_indices('\r').find(|(at, _)| !self.yaml[at + 1..].starts_with('\n'))?.0;
        let before = &self.yaml[..at];
        let line = self.first_line + before.matches('\n').count();
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        Some(
            self.error_at(
                Span { line, col, len: 1 },
                format!("{} has a carriage return without a line feed", self.what),
            )
            .with_hint("save the file with LF (or CRLF) line endings; old Mac line endings (CR alone) are not read"),
        )
    }

    /// A character YAML does not allow in a file (control characters but tab and line
    /// breaks): serde_yaml would only give its byte position.
    fn unprintable(&self) -> Option<Diagnostic> {
        let allowed = |c: char| {
            matches!(c, '\t' | '\n' | '\r' | '\u{85}' | '\u{feff}')
                || !(c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}'))
        };
        let (at, bad) = self.yaml.char_indices().find(|&(_, c)| !allowed(c))?;
        let before = &self.yaml[..at];
        let line = self.first_line + before.matches('\n').count();
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        let message =
            format!("{} holds a control character (U+{:04X}), which YAML does not allow", self.what, u32::from(bad));
        Some(self.error_at(Span { line, col, len: 1 }, message).with_hint(
            "remove it (it is invisible in most editors); in a double-quoted value it can be written as an escape like `\\t`",
        ))
    }

    fn unknown_key(&self, name: &str, known: &[&str], outline: &Outline) -> Diagnostic {
        let message = format!("unknown {} key `{}`", self.what, crate::diagnostic::shorten(name, 80));
        let hint = match did_you_mean(name, known.iter().copied()) {
            Some(best) => format!("did you mean `{best}`? Known keys: {}", known.join(", ")),
            None => format!("known keys: {}; put free-form data under `extra`", known.join(", ")),
        };
        let span = outline.key(&[name]).unwrap_or_else(|| self.end_span());
        self.error_at(span, message).with_hint(hint)
    }

    fn serde_error(&self, error: &serde_yaml::Error) -> Diagnostic {
        let text = error.to_string();
        // serde_yaml appends " at line L column C"; the span says that better.
        let message = text.split(" at line ").next().unwrap_or(&text).trim_end_matches(':').to_owned();
        let message = format!("invalid {}: {}", self.what, plain_types(&message));
        let hint = serde_hint(&text);
        let mut diagnostic = match error.location() {
            Some(location) => {
                let line = self.first_line + location.line().saturating_sub(1);
                let col = location.column().max(1);
                self.error_at(Span { line, col, len: 1 }, message)
            }
            None => self.error_at(Span { line: self.first_line, col: 1, len: 1 }, message),
        };
        if let Some(hint) = hint {
            diagnostic = diagnostic.with_hint(hint);
        }
        diagnostic
    }
}

/// The event parser's reader: builds the outline and stops at the first problem that
/// makes reading on pointless or costly.
struct Scanner<'d, 'a> {
    document: &'d Document<'a>,
    outline: Outline,
    /// The mappings and lists open around the current event.
    stack: Vec<Frame>,
    /// Anchor id → how many values the anchored node holds (for aliases).
    anchors: HashMap<usize, usize>,
    /// Values read so far, aliases expanded.
    values: usize,
    documents: usize,
    problems: Vec<Diagnostic>,
    /// Comments that cut a value short.
    warnings: Vec<Diagnostic>,
    top: Top,
}

impl Scanner<'_, '_> {
    /// Reads one event; `Break` when a problem stops the scan.
    fn event(&mut self, event: Event<'_>, span: Span) -> ControlFlow<()> {
        if self.stack.is_empty() && self.top == Top::Empty {
            self.top = match &event {
                Event::MappingStart(..) => Top::Mapping,
                Event::Scalar(text, ScalarStyle::Plain, ..)
                    if matches!(&**text, "" | "~" | "null" | "Null" | "NULL") =>
                {
                    Top::Null
                }
                Event::Scalar(..) | Event::SequenceStart(..) | Event::Alias(_) => Top::Other,
                _ => Top::Empty,
            };
        }
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    self.problems.push(self.document.second_document(span));
                    return ControlFlow::Break(());
                }
            }
            Event::Scalar(text, style, anchor, _) => {
                self.values += 1;
                if anchor > 0 {
                    self.anchors.insert(anchor, 1);
                }
                let values = self.outline.entries.len();
                self.place(span, Some(text.as_ref()));
                if style == ScalarStyle::Plain && self.outline.entries.len() > values {
                    self.comment_after(&text, span);
                }
            }
            Event::Alias(anchor) => {
                self.values = self.values.saturating_add(self.anchors.get(&anchor).copied().unwrap_or(1));
                self.place(span, None);
            }
            Event::MappingStart(anchor, _) => return self.open(true, anchor, span),
            Event::SequenceStart(anchor, _) => return self.open(false, anchor, span),
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some(frame) = self.stack.pop()
                    && frame.anchor > 0
                {
                    self.anchors.insert(frame.anchor, self.values + 1 - frame.counted_before);
                }
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        if self.values > MAX_VALUES {
            self.problems.push(self.document.too_many_values(span));
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }

    /// A comment after a plain text value on its line (`title: Care #1`): YAML leaves the
    /// text after ` #` out of the value, which the author rarely means. A warning, unless
    /// the value is a number, date, `true`, `false` or `null`, where a note is clearly one.
    fn comment_after(&mut self, text: &str, span: Span) {
        let Some(line) = self.document.file.lines().nth(span.line - 1) else { return };
        let after: String = line.chars().skip(span.col - 1 + span.len).collect();
        if !after.starts_with([' ', '\t']) || !after.trim_start().starts_with('#') {
            return;
        }
        let lower = text.to_ascii_lowercase();
        let plain_data = text.parse::<f64>().is_ok()
            || matches!(lower.as_str(), "true" | "false" | "null" | "~")
            || text.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | '.'));
        if plain_data {
            return;
        }
        let Some(entry) = self.outline.entries.last() else { return };
        let name = entry.path.last().map_or("", String::as_str);
        let whole: String = line.chars().skip(span.col - 1).collect::<String>().trim_end().to_owned();
        let quoted = whole.replace('\\', "\\\\").replace('"', "\\\"");
        let example = if entry.key.is_some() { format!("{name}: \"{quoted}\"") } else { format!("- \"{quoted}\"") };
        let message = format!("the text after ` #` is a YAML comment and is left out: the value is `{text}`");
        let warning =
            self.document.error_at(span, message).with_hint(format!("quote the value to keep it: `{example}`"));
        self.warnings.push(Diagnostic { severity: crate::diagnostic::Severity::Warning, ..warning });
    }

    /// A mapping or list starts: place it in its parent, then read its items in a frame.
    fn open(&mut self, is_mapping: bool, anchor: usize, span: Span) -> ControlFlow<()> {
        self.place(span, None);
        let path = match self.stack.last() {
            // A collection used as a key (`? [a, b]`): its values have no name.
            Some(parent) if parent.is_mapping && parent.key.is_some() => {
                [parent.path.clone(), vec!["?".into()]].concat()
            }
            _ => self.outline.entries.last().map(|entry| entry.path.clone()).unwrap_or_default(),
        };
        self.values += 1;
        let counted_before = self.values;
        self.stack.push(Frame { path, is_mapping, anchor, counted_before, index: 0, key: None, seen: HashMap::new() });
        if self.stack.len() > MAX_DEPTH {
            self.problems.push(self.document.too_deep(span));
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }

    /// Records the node starting at `span` in its parent: a mapping's key or value, a
    /// list item, or the top-level value. A key seen before in the mapping is a problem.
    fn place(&mut self, span: Span, scalar: Option<&str>) {
        let Some(parent) = self.stack.last_mut() else {
            self.outline.entries.push(Entry { path: Vec::new(), key: None, value: span });
            return;
        };
        if !parent.is_mapping {
            let path = [parent.path.clone(), vec![parent.index.to_string()]].concat();
            parent.index += 1;
            self.outline.entries.push(Entry { path, key: None, value: span });
            return;
        }
        if let Some((name, key)) = parent.key.take() {
            let path = [parent.path.clone(), vec![name]].concat();
            self.outline.entries.push(Entry { path, key: Some(key), value: span });
            return;
        }
        let name = scalar.unwrap_or("?").to_owned();
        parent.key = Some((name.clone(), span));
        if let Some(first) = scalar.and_then(|_| parent.seen.insert(name.clone(), span.line)) {
            let what = self.document.what;
            let message = format!("duplicate {what} key `{name}`: it is already set on line {first}");
            self.problems.push(
                self.document
                    .error_at(span, message)
                    .with_hint("YAML keeps only one value per key; remove one of the two, or merge them"),
            );
        }
    }
}

/// The YAML 1.1 words for true and false (`yes`, `off`): YAML 1.2, which tend reads,
/// takes them as text, so `quick_exit: yes` is not `true`.
pub(crate) fn yaml11_boolean(word: &str) -> Option<bool> {
    match word.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "on" => Some(true),
        "no" | "n" | "off" => Some(false),
        _ => None,
    }
}

/// A hint for a `key: value` line whose value starts like a list, a mapping or a quoted
/// text but goes on after it closes (`title: [Draft] My page`): quote all of it.
fn quote_hint(line: &str) -> Option<String> {
    let line = line.trim_start().trim_start_matches("- ");
    let (key, value) = line.split_once(": ")?;
    let value = value.trim();
    let (open, close, what) = match value.chars().next()? {
        '[' => ('[', ']', "a list"),
        '{' => ('{', '}', "a mapping"),
        '"' => ('"', '"', "a quoted text"),
        '\'' => ('\'', '\'', "a quoted text"),
        _ => return None,
    };
    let closed = value[1..].find(close)? + 2;
    if value[closed..].trim().is_empty() || value[closed..].trim_start().starts_with('#') {
        return None;
    }
    let quoted = if open == '"' {
        format!("'{}'", value.replace('\'', "''"))
    } else {
        format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
    };
    Some(format!(
        "a value that starts with `{open}` is read as {what} ending at `{close}`, and text after it is a mistake; to write it as text, quote all of it: `{key}: {quoted}`"
    ))
}

/// serde's Rust type names in plain words: "expected i64" is "expected a whole number".
fn plain_types(message: &str) -> String {
    const WORDS: &[(&str, &str)] = &[
        ("expected i8", "expected a whole number from -128 to 127"),
        ("expected i16", "expected a whole number from -32768 to 32767"),
        ("expected i32", "expected a whole number from -2147483648 to 2147483647"),
        ("expected i64", "expected a whole number"),
        ("expected i128", "expected a whole number"),
        ("expected isize", "expected a whole number"),
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected u16", "expected a whole number from 0 to 65535"),
        ("expected u32", "expected a whole number from 0 to 4294967295"),
        ("expected u64", "expected a whole number, 0 or more"),
        ("expected u128", "expected a whole number, 0 or more"),
        ("expected usize", "expected a whole number, 0 or more"),
        ("expected f32", "expected a number"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected `true` or `false`"),
        ("expected a string", "expected text"),
        ("expected a sequence", "expected a list"),
        ("expected a map", "expected a mapping of `key: value` lines"),
        ("expected a YAML mapping", "expected a mapping of `key: value` lines"),
        ("expected variant identifier", "expected one of the allowed words"),
        ("invalid type: sequence", "invalid type: a list"),
        ("invalid type: map", "invalid type: a mapping"),
        ("invalid type: unit value", "invalid type: an empty value"),
        ("invalid type: floating point", "invalid type: the number"),
        ("invalid type: integer", "invalid type: the whole number"),
        ("invalid type: boolean", "invalid type:"),
        ("invalid type: string", "invalid type: the text"),
        ("invalid value: integer", "invalid value:"),
    ];
    // serde_yaml reads a whole number too large for 64 bits as a 128-bit one it cannot keep.
    if let Some(start) = message.find("invalid type: integer `")
        && let Some(end) = message[start..].find("` as u128,").or_else(|| message[start..].find("` as i128,"))
    {
        let number = &message[start + "invalid type: integer `".len()..start + end];
        return format!("{}the number `{number}` is too large", &message[..start]);
    }
    let mut text = message.to_owned();
    for (rust, plain) in WORDS {
        if let Some(at) = text.find(rust) {
            let end = at + rust.len();
            // Only whole words: `expected i64` but not `expected i6400`.
            if !text[end..].starts_with(|c: char| c.is_alphanumeric()) {
                text.replace_range(at..end, plain);
            }
        }
    }
    // `expected struct Reference`, `expected enum RawHtml`: Rust names, never the author's.
    for (rust, plain) in [
        ("expected struct ", "expected a mapping of `key: value` lines"),
        ("expected enum ", "expected one of the allowed words"),
    ] {
        if let Some(at) = text.find(rust) {
            let name_end = text[at + rust.len()..]
                .find(|c: char| !c.is_alphanumeric() && c != '_')
                .map_or(text.len(), |n| at + rust.len() + n);
            text.replace_range(at..name_end, plain);
        }
    }
    text
}

/// A fix for the common event parser messages.
fn syntax_hint(text: &str, what: &str) -> Option<String> {
    if text.contains("mapping values are not allowed") {
        return Some("a value containing `: ` must be quoted, e.g. title: \"Care: a guide\"".into());
    }
    if text.contains("tab") {
        return Some("indent with spaces: YAML does not allow tabs for indentation".into());
    }
    if text.contains("unexpected character") || text.contains("cannot start any token") {
        return Some("quote values that start with `@`, `` ` ``, `%`, `|`, `>` or `*`".into());
    }
    if text.contains("did not find expected key")
        || text.contains("did not find expected '-'")
        || text.contains("invalid indentation")
    {
        return Some("check the indentation: nested items need the same number of spaces".into());
    }
    if text.contains("flow sequence") {
        return Some("a `[` list needs commas between its items and a closing `]`".into());
    }
    if text.contains("flow mapping") {
        return Some("a `{` mapping needs `key: value` pairs separated by commas and a closing `}`".into());
    }
    if text.contains("end of stream") && what == "front matter" {
        return Some(
            "a quote is never closed; note that a line holding only `---` ends the front matter, even inside quotes"
                .into(),
        );
    }
    if text.contains("end of stream") || text.contains("unexpected eof") {
        return Some("a quote or bracket is opened but never closed".into());
    }
    if text.contains("simple key expect") {
        return Some("a key must be followed by `:` on the same line, within 1024 characters".into());
    }
    if text.contains("unknown anchor") {
        return Some("a `*name` alias needs a value marked `&name` before it; quote text starting with `*`".into());
    }
    None
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
    if let Some((_, rest)) = text.split_once("unknown variant `") {
        let name = rest.split('`').next().unwrap_or("");
        let list = rest.split_once("expected ").map_or("", |(_, l)| l);
        let list = list.split(" at line").next().unwrap_or(list);
        let allowed: Vec<&str> = list.split('`').skip(1).step_by(2).collect();
        return Some(match did_you_mean(name, allowed.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None => {
                format!("write one of: {}", allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", "))
            }
        });
    }
    if text.contains(" as u128,") || text.contains(" as i128,") {
        return Some("whole numbers go up to 9223372036854775807; put it in quotes to keep it as text".into());
    }
    if let Some((_, rest)) = text.split_once("missing field `") {
        let name = rest.split('`').next().unwrap_or("");
        return Some(format!("add `{name}: …` to this entry"));
    }
    let whole = ["i8", "i16", "i32", "i64", "isize", "u8", "u16", "u32", "u64", "usize"];
    if whole.iter().any(|rust| text.contains(&format!("expected {rust}"))) {
        return Some("this key takes a whole number, e.g. `2`".into());
    }
    if text.contains("expected f64") || text.contains("expected f32") {
        return Some("this key takes a number, e.g. `9` or `8.5`".into());
    }
    if text.contains("expected a boolean") {
        let found = text.split_once("string \"").and_then(|(_, rest)| rest.split_once('"')).map(|(word, _)| word);
        if let Some((word, value)) = found.and_then(|word| yaml11_boolean(word).map(|value| (word, value))) {
            return Some(format!("YAML reads `{word}` as text, not as {value}: write `{value}`"));
        }
        return Some("this key takes `true` or `false`".into());
    }
    if text.contains("invalid type: sequence") {
        return Some("this key takes a single value, not a list".into());
    }
    if text.contains("expected a string") {
        return Some("this key takes text; put it in quotes, e.g. `\"2026\"`".into());
    }
    if text.contains("expected a sequence") {
        return Some("this key takes a list: `key: [a, b]` or one `- item` per line".into());
    }
    if text.contains("expected struct") || text.contains("expected a map") {
        return Some("this key takes `key: value` lines, indented under it".into());
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

    fn labels(problems: &[Diagnostic]) -> Vec<String> {
        problems.iter().map(|p| format!("{} {}", p.location(), p.message)).collect()
    }

    #[test]
    fn reports_every_unknown_key_and_a_type_error() {
        let (_, result) = doc("titel: A\norder: first\nfoo: 1\n");
        let problems = result.expect_err("should fail");
        let labels = labels(&problems);
        assert_eq!(labels.len(), 3, "{labels:?}");
        assert_eq!(labels[0], "a.md:2:1 unknown front matter key `titel`");
        assert_eq!(problems[0].hint.as_deref().map(|h| h.starts_with("did you mean `title`")), Some(true));
        assert_eq!(labels[1], "a.md:4:1 unknown front matter key `foo`");
        assert!(
            labels[2].starts_with("a.md:3:8 invalid front matter: order: invalid type: the text \"first\""),
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

    // issue 11 item 16
    #[test]
    fn a_duplicate_key_is_reported_at_the_duplicate() {
        let (_, result) = doc("title: A\norder: 1\nextra:\n  a: 1\n  a: 2\ntitle: B\n");
        let problems = result.expect_err("duplicates");
        assert_eq!(
            labels(&problems),
            [
                "a.md:6:3 duplicate front matter key `a`: it is already set on line 5",
                "a.md:7:1 duplicate front matter key `title`: it is already set on line 2",
            ]
        );
    }

    // issue 11 item 16
    #[test]
    fn rust_type_names_never_reach_the_author() {
        for (yaml, expected) in [
            ("order: first\n", "expected a whole number"),
            ("order: 1.5\n", "expected a whole number"),
            ("title: [a, b]\n", "invalid type: a list, expected text"),
            ("extra: 3\n", "expected a mapping"),
        ] {
            let (_, result) = doc(yaml);
            let message = &result.expect_err(yaml)[0].message;
            assert!(message.contains(expected), "{yaml}: {message}");
            for rust in ["i64", "u64", "f64", "usize", "sequence", "map,", "struct", "enum", "unit value"] {
                assert!(!message.contains(rust), "{yaml}: {message}");
            }
        }
    }

    // issue 11 item 20
    #[test]
    fn deep_nesting_is_refused_before_serde_yaml_reads_it() {
        let deep = format!("title: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let started = std::time::Instant::now();
        let (_, result) = doc(&deep);
        let problems = result.expect_err("too deep");
        assert!(started.elapsed() < std::time::Duration::from_secs(1), "{:?}", started.elapsed());
        assert_eq!(labels(&problems), ["a.md:2:263 front matter is nested more than 64 levels deep"]);
        let block = format!("{}x\n", "- ".repeat(100_000));
        let (_, result) = doc(&block);
        assert!(result.expect_err("too deep")[0].message.contains("nested more than 64 levels"));
    }

    // issue 11 item 20
    #[test]
    fn alias_bombs_are_refused_at_the_alias() {
        let mut yaml = String::from("extra:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut previous = 'a';
        for name in 'b'..='j' {
            yaml.push_str(&format!(
                "  {name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"
            ));
            previous = name;
        }
        let started = std::time::Instant::now();
        let (_, result) = doc(&yaml);
        let problems = result.expect_err("bomb");
        assert!(started.elapsed() < std::time::Duration::from_secs(1), "{:?}", started.elapsed());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("more than 100000 values"), "{}", problems[0].message);
        assert_eq!(problems[0].location(), "a.md:7:38", "the alias that crosses the limit");
    }

    #[test]
    fn the_outline_points_at_nested_keys_and_values() {
        let yaml = "title: \"A\"\nextra:\n  links:\n    - url: 'javascript:x'\n";
        let file = format!("---\n{yaml}---\n");
        let document = Document { path: Path::new("a.md"), file: &file, yaml, first_line: 2, what: "front matter" };
        let (_, outline) = document.parse_located::<Example>(&["title", "order", "extra"]).expect("valid");
        assert_eq!(outline.value(&["title"]), Some(Span { line: 2, col: 8, len: 3 }));
        assert_eq!(outline.key(&["extra", "links", "0", "url"]), Some(Span { line: 5, col: 7, len: 3 }));
        assert_eq!(outline.value(&["extra", "links", "0", "url"]), Some(Span { line: 5, col: 12, len: 14 }));
        assert_eq!(outline.keys_under(&["extra"]).map(|(k, _)| k).collect::<Vec<_>>(), ["links"]);
        assert_eq!(
            document.key_span("order"),
            Span { line: 6, col: 1, len: 3 },
            "a missing key is at the closing fence"
        );
    }

    #[test]
    fn an_unclosed_bracket_points_at_the_end_of_the_last_line() {
        let (_, result) = doc("title: [T\n");
        let problems = result.expect_err("unclosed");
        assert_eq!(problems[0].location(), "a.md:2:10");
        assert!(problems[0].hint.as_deref().is_some_and(|h| h.contains("closing `]`")));
    }

    #[test]
    fn a_raw_control_character_is_located() {
        let (_, result) = doc("title: a\u{1b}[31mb\n");
        assert_eq!(
            labels(&result.expect_err("ESC")),
            ["a.md:2:9 front matter holds a control character (U+001B), which YAML does not allow"]
        );
    }

    #[test]
    fn a_number_too_large_to_read_says_so() {
        let (_, result) = doc("order: 99999999999999999999999\n");
        let problems = result.expect_err("huge");
        assert_eq!(
            labels(&problems),
            ["a.md:2:8 invalid front matter: order: the number `99999999999999999999999` is too large"]
        );
    }

    #[test]
    fn old_mac_line_endings_are_refused_where_they_start() {
        let (_, result) = doc("title: A\rorder: 1\n");
        assert_eq!(
            labels(&result.expect_err("CR")),
            ["a.md:2:9 front matter has a carriage return without a line feed"]
        );
        let (_, result) = doc("title: A\r\norder: 1\r\n");
        assert!(result.is_ok(), "CRLF is fine");
    }
}
