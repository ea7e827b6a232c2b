//! Diagnostics: what went wrong, where, and how to fix it.
//!
//! Owns [`Diagnostic`], [`Span`] and [`LineIndex`] and their one human rendering.
//! Every stage reports problems as diagnostics with paths relative to the site root,
//! so that a whole run's problems can be collected, sorted and printed together.
//! It does not decide *what* is an error; the stages do.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is. Errors fail the run; warnings never do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails the build or check.
    Error,
    /// Reported, but the run still succeeds.
    Warning,
}

/// A place in a source file: 1-based line and column (in characters), plus a length
/// in characters for the caret underline (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Span {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub col: usize,
    /// Number of characters to underline.
    pub len: usize,
}

/// One problem found in the site, ready to show to a person.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Path relative to the site root, with `/` separators.
    pub path: PathBuf,
    /// Where in the file, if the problem has a place.
    pub span: Option<Span>,
    /// What is wrong, and what was expected.
    pub message: String,
    /// How to fix it, when the fix is clear.
    pub hint: Option<String>,
    /// The text of the source line at `span`, for the caret display: the whole line, or
    /// [`SHOWN_CHARS`] characters of it around the span when it is longer than
    /// [`WHOLE_LINE_CHARS`].
    #[serde(skip)]
    pub source_line: Option<String>,
    /// Characters of the line left out before `source_line`, and whether some are left
    /// out after it.
    #[serde(skip)]
    pub source_cut: (usize, bool),
}

/// The longest source line a diagnostic keeps whole (a long paragraph is one line).
pub const WHOLE_LINE_CHARS: usize = 1000;

/// How much of a longer line is kept, around the span: a minified or hostile file with
/// one 20 MB line must not be copied into every diagnostic about it, nor flood the terminal.
pub const SHOWN_CHARS: usize = 240;

impl Diagnostic {
    /// An error about a whole file (no line).
    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            path: path.into(),
            span: None,
            message: message.into(),
            hint: None,
            source_line: None,
            source_cut: (0, false),
        }
    }

    /// A warning about a whole file (no line).
    pub fn warning(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(path, message) }
    }

    /// Adds a hint.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Points the diagnostic at a place in `source`, the file's full text.
    #[must_use]
    pub fn at(mut self, source: &str, span: Span) -> Self {
        if let Some(line) = source.lines().nth(span.line.saturating_sub(1)) {
            // Keep some context before the span, and as much of it as fits.
            let long = line.len() > WHOLE_LINE_CHARS && line.chars().nth(WHOLE_LINE_CHARS).is_some();
            let skip = if long { span.col.saturating_sub(1).saturating_sub(SHOWN_CHARS / 3) } else { 0 };
            let keep = if long { SHOWN_CHARS } else { WHOLE_LINE_CHARS + 1 };
            let mut chars = line.char_indices().skip(skip);
            let start = chars.next().map_or(line.len(), |(at, _)| at);
            let end = chars.nth(keep.saturating_sub(2)).map_or(line.len(), |(at, _)| at);
            self.source_line = Some(line[start..end].to_owned());
            self.source_cut = (if start == 0 { 0 } else { skip }, end < line.len());
        }
        self.span = Some(span);
        self
    }

    /// Points the diagnostic at a byte range of `source`, using its line index.
    #[must_use]
    pub fn at_bytes(self, index: &LineIndex, source: &str, range: std::ops::Range<usize>) -> Self {
        let span = index.span(source, range);
        self.at(source, span)
    }

    /// Whether this is an error (as opposed to a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The `path:line:col` label.
    pub fn location(&self) -> String {
        let path = display_path(&self.path);
        match self.span {
            Some(span) => format!("{path}:{}:{}", span.line, span.col),
            None => path,
        }
    }

    /// Sort key: path, then position, then message, so output is stable.
    fn sort_key(&self) -> (&Path, Option<Span>, &str) {
        (&self.path, self.span, &self.message)
    }
}

/// Sorts diagnostics by file and position and drops exact duplicates.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
}

/// Renders a path with forward slashes on every platform.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

impl fmt::Display for Diagnostic {
    /// rustc-style: severity and message, `--> path:line:col`, the source line with a caret
    /// under the problem, then the hint. Control characters and invisible direction marks
    /// from the site's files are shown escaped (`\u{1b}`), so a diagnostic can never
    /// drive the terminal or reorder what it shows; the caret stays under the same text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", escape_invisible(&shorten(&self.message, MESSAGE_CHARS)))?;
        let gutter = self.span.map_or(1, |s| s.line.to_string().len());
        let pad = " ".repeat(gutter);
        writeln!(f, "{pad}--> {}", escape_invisible(&self.location()))?;
        if let (Some(span), Some(line)) = (self.span, &self.source_line) {
            let (skipped, cut_after) = self.source_cut;
            let inside = Span { col: span.col.saturating_sub(skipped).max(1), ..span };
            let (shown, before, under) = shown_line(line, inside, cut_after);
            let (open, close) = (if skipped > 0 { "…" } else { "" }, if cut_after { "…" } else { "" });
            let before = before + usize::from(skipped > 0);
            writeln!(f, "{pad} |")?;
            writeln!(f, "{} | {open}{}{close}", span.line, if cut_after { &shown } else { shown.trim_end() })?;
            writeln!(f, "{pad} | {}{}", " ".repeat(before), "^".repeat(under.max(1)))?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "{pad} = hint: {}", escape_invisible(&shorten(hint, MESSAGE_CHARS)))?;
        }
        Ok(())
    }
}

/// The longest message or hint shown whole; they quote the author's text, which may be huge.
const MESSAGE_CHARS: usize = 2000;

/// `text` cut to `max` characters, with `…` where it was cut.
pub fn shorten(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((at, _)) => std::borrow::Cow::Owned(format!("{}…", &text[..at])),
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// Whether `c` must be shown escaped: control characters (but tab), and the invisible
/// characters that change how text around them reads (direction overrides and marks,
/// line and paragraph separators, zero-width space, byte order mark).
fn is_invisible(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{61c}' | '\u{200b}' | '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// `text` with every control character and invisible mark written as a Rust escape
/// (`\u{1b}`), so it cannot move the cursor, recolour the terminal or reorder the line.
pub fn escape_invisible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_invisible) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        shown_char(c, &mut out, "\t");
    }
    std::borrow::Cow::Owned(out)
}

/// Appends `c` as it is shown: escaped if invisible, `tab` in place of a tab.
fn shown_char(c: char, out: &mut String, tab: &str) {
    if c == '\t' {
        out.push_str(tab);
    } else if is_invisible(c) {
        out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
    } else {
        out.push(c);
    }
}

/// The source line as shown (tabs as one space, invisible characters escaped), with the
/// number of columns before the caret and under it, counted in the shown text.
fn shown_line(line: &str, span: Span, cut_after: bool) -> (String, usize, usize) {
    let start = span.col.saturating_sub(1);
    let end = start + span.len.max(1);
    let (mut shown, mut before, mut under) = (String::with_capacity(line.len()), 0, 0);
    let mut chars = 0;
    for (i, c) in line.chars().enumerate() {
        let before_push = shown.len();
        shown_char(c, &mut shown, " ");
        // Escapes are ASCII, so bytes pushed = columns shown (one for any other character).
        let width = if is_invisible(c) { shown.len() - before_push } else { 1 };
        if i < start {
            before += width;
        } else if i < end {
            under += width;
        }
        chars = i + 1;
    }
    // A span past the end of the line (a missing value) is underlined in blank columns;
    // past the end of a line cut short, only what is shown is.
    if !cut_after {
        before += start.saturating_sub(chars);
        under += end.saturating_sub(start.max(chars));
    }
    (shown, before, under)
}

/// A file's bytes as text, with an error at the first byte that is not UTF-8 (and a
/// hint for the UTF-16 some editors save). `path` names the file in the error.
pub fn decode_utf8(bytes: &[u8], path: &Path) -> Result<String, Diagnostic> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(error) => {
            let valid = std::str::from_utf8(&bytes[..error.valid_up_to()]).unwrap_or_default();
            let line = valid.matches('\n').count() + 1;
            let col = valid.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            let byte = bytes[error.valid_up_to()];
            let lossy = String::from_utf8_lossy(bytes);
            let hint = if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
                "the file is saved as UTF-16; save it as UTF-8 instead"
            } else {
                "save the file as UTF-8 (most editors offer it under \"Save with encoding\")"
            };
            Err(Diagnostic::error(
                path,
                format!("this file is not valid UTF-8: byte 0x{byte:02x} at line {line}, column {col}"),
            )
            .at(&lossy, Span { line, col, len: 1 })
            .with_hint(hint))
        }
    }
}

/// Byte offsets of line starts, to turn byte offsets into line and column.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { starts }
    }

    /// The 1-based line and character column of byte `offset` in `text`.
    pub fn locate(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.starts.partition_point(|&start| start <= offset);
        let start = self.starts[line - 1];
        let col = text[start..offset].chars().count() + 1;
        (line, col)
    }

    /// The span covering `range`, clipped to its first line.
    pub fn span(&self, text: &str, range: std::ops::Range<usize>) -> Span {
        let (line, col) = self.locate(text, range.start);
        let end = floor_char_boundary(text, range.end.min(text.len())).max(range.start.min(text.len()));
        let start = floor_char_boundary(text, range.start.min(text.len()));
        let first_line = text[start..end].split('\n').next().unwrap_or("");
        Span { line, col, len: first_line.chars().count().max(1) }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // No typo of a name is this long; comparing a huge one would only cost time.
    if word.len() > 256 {
        return None;
    }
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(word, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn renders_like_rustc() {
        let source = "---\ntitel: Hello\n---\n";
        let diagnostic = Diagnostic::error("content/a.md", "unknown front-matter key `titel`")
            .at(source, Span { line: 2, col: 1, len: 5 })
            .with_hint("did you mean `title`?");
        assert_eq!(
            diagnostic.to_string(),
            "error: unknown front-matter key `titel`\n --> content/a.md:2:1\n  |\n2 | titel: Hello\n  | ^^^^^\n  = hint: did you mean `title`?\n"
        );
    }

    // issue 11 item 9
    #[test]
    fn control_characters_from_content_are_shown_escaped_with_the_caret_aligned() {
        let source = "---\ntitle: \u{1b}[31mred\r\u{7}\u{202e}x: \t1\n---\n";
        let diagnostic = Diagnostic::error(
            "content/\u{1b}]0;pwned\u{7}.md",
            "unknown front matter key `\u{1b}[31mred\r\u{7}\u{202e}x`",
        )
        .at(source, Span { line: 2, col: 8, len: 11 })
        .with_hint("did you mean `\u{1b}[0m`?");
        let shown = diagnostic.to_string();
        assert!(
            !shown.chars().any(|c| c.is_control() && c != '\n' && c != '\t') && !shown.contains('\u{202e}'),
            "{shown:?}"
        );
        assert_eq!(
            shown,
            "error: unknown front matter key `\\u{1b}[31mred\\u{d}\\u{7}\\u{202e}x`\n --> content/\\u{1b}]0;pwned\\u{7}.md:2:8\n  |\n2 | title: \\u{1b}[31mred\\u{d}\\u{7}\\u{202e}x:  1\n  |        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  = hint: did you mean `\\u{1b}[0m`?\n"
        );
    }

    #[test]
    fn a_huge_line_is_cut_around_the_span() {
        let line = format!("{}[x](nope.md){}", "a".repeat(1_000_000), "b".repeat(1_000_000));
        let diagnostic = Diagnostic::error("a.md", "broken").at(&line, Span { line: 1, col: 1_000_001, len: 12 });
        assert!(diagnostic.source_line.as_ref().is_some_and(|l| l.chars().count() <= SHOWN_CHARS));
        let shown = diagnostic.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines[1], " --> a.md:1:1000001");
        assert!(lines[3].starts_with("1 | …aaa") && lines[3].ends_with("bbb…"), "{}", lines[3]);
        let caret = lines[4].find('^').expect("caret");
        assert_eq!(&lines[3][caret + 2..caret + 2 + 12], "[x](nope.md)", "{shown}");
        let key = format!("? {}\n", "k".repeat(1_000_000));
        let shown = Diagnostic::error("a.md", "k".repeat(1_000_000))
            .at(&key, Span { line: 1, col: 3, len: 1_000_000 })
            .to_string();
        assert!(shown.len() < 3000, "{} bytes", shown.len());
        let short = Diagnostic::error("a.md", "m").at("ab\n", Span { line: 1, col: 2, len: 1 }).to_string();
        assert!(short.contains("1 | ab\n  |  ^\n"), "{short}");
    }

    #[test]
    fn text_that_is_not_utf8_is_located() {
        let problem = decode_utf8(b"title: t\ndescription: caf\xe9\n", Path::new("site.yaml")).expect_err("latin-1");
        assert_eq!(problem.location(), "site.yaml:2:17");
        assert_eq!(problem.message, "this file is not valid UTF-8: byte 0xe9 at line 2, column 17");
        let problem = decode_utf8(b"\xff\xfet\0i\0", Path::new("site.yaml")).expect_err("utf-16");
        assert!(problem.hint.as_deref().is_some_and(|h| h.contains("UTF-16")));
    }

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(did_you_mean("titel", ["title", "tags"]), Some("title"));
        assert_eq!(did_you_mean("zzz", ["title", "tags"]), None);
    }

    fn naive(text: &str, offset: usize) -> (usize, usize) {
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        (line, col)
    }

    proptest! {
        #[test]
        fn line_index_agrees_with_naive_count(text in "(a|é|\n|\r\n| ){0,60}", pick in 0usize..100) {
            let boundaries: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            let offset = boundaries[pick % boundaries.len()];
            prop_assert_eq!(LineIndex::new(&text).locate(&text, offset), naive(&text, offset));
        }
    }
}
