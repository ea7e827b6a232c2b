//! Diagnostics: what went wrong, where, and how to fix it.
//!
//! Owns [`Diagnostic`], [`Span`] and [`LineIndex`], their one human rendering (drawn by
//! `annotate-snippets`, as rustc's are), and the one way they reach a terminal
//! ([`eprint()`], in colour when stderr wants it).
//! Every stage reports problems as diagnostics with paths relative to the site root,
//! so that a whole run's problems can be collected, sorted and printed together.
//! It does not decide *what* is an error; the stages do.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

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
    pub fn at(self, source: &str, span: Span) -> Self {
        match source.lines().nth(span.line.saturating_sub(1)) {
            Some(line) => self.at_line(line, span),
            None => Self { span: Some(span), ..self },
        }
    }

    /// Points the diagnostic at `span`, on `line` (the text of line `span.line`, without
    /// its line break), keeping only a window of the line when it is long.
    #[must_use]
    pub fn at_line(mut self, line: &str, span: Span) -> Self {
        // Keep some context before the span, and as much of it as fits.
        let long = line.len() > WHOLE_LINE_CHARS && line.chars().nth(WHOLE_LINE_CHARS).is_some();
        let skip = if long { span.col.saturating_sub(1).saturating_sub(SHOWN_CHARS / 3) } else { 0 };
        let keep = if long { SHOWN_CHARS } else { WHOLE_LINE_CHARS + 1 };
        let mut chars = line.char_indices().skip(skip);
        let start = chars.next().map_or(line.len(), |(at, _)| at);
        let end = chars.nth(keep.saturating_sub(2)).map_or(line.len(), |(at, _)| at);
        self.source_line = Some(line[start..end].to_owned());
        self.source_cut = (if start == 0 { 0 } else { skip }, end < line.len());
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
    /// The diagnostic as plain text: [`Diagnostic::render`] with [`Look::PLAIN`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Look::PLAIN))
    }
}

/// Whether rendered diagnostics carry ANSI colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    /// Plain text.
    Plain,
    /// Coloured like rustc, for a terminal.
    Colour,
}

/// How diagnostics are drawn for where they go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    /// Colour or not.
    pub paint: Paint,
    /// The columns a source line may fill; a longer one is cut around the caret.
    pub width: usize,
}

impl Look {
    /// Plain text, lines cut at 140 columns: for pipes, files, snapshots and the browser
    /// overlay.
    pub const PLAIN: Self = Self { paint: Paint::Plain, width: annotate_snippets::renderer::DEFAULT_TERM_WIDTH };

    /// How standard error should look. Colour is decided once per process, by `anstream`:
    /// on for a terminal whose `TERM` is not `dumb`; off when piped or when `NO_COLOR` is
    /// set (to anything but the empty string); on anyway with `CLICOLOR_FORCE`, unless
    /// `NO_COLOR` is set too (the [NO_COLOR](https://no-color.org) rule: only a program's
    /// own option may override it, and tend has none). The width is the terminal's, read
    /// each time (a window can be resized while `tend serve` runs), or 140 columns.
    pub fn stderr() -> Self {
        static PAINT: std::sync::OnceLock<Paint> = std::sync::OnceLock::new();
        let paint = *PAINT.get_or_init(|| match anstream::AutoStream::choice(&std::io::stderr()) {
            anstream::ColorChoice::Never => Paint::Plain,
            _ => Paint::Colour,
        });
        let width = terminal_size::terminal_size_of(std::io::stderr())
            .map_or(Self::PLAIN.width, |(terminal_size::Width(columns), _)| usize::from(columns).max(MIN_WIDTH));
        Self { paint, width }
    }

    fn renderer(self) -> Renderer {
        let renderer = match self.paint {
            Paint::Plain => Renderer::plain(),
            Paint::Colour => Renderer::styled(),
        };
        renderer.term_width(self.width)
    }
}

/// The narrowest a line is cut to, whatever the terminal says: below this the caret's
/// context would be lost.
const MIN_WIDTH: usize = 40;

/// Prints `diagnostics` to standard error, in the order given, each followed by a blank
/// line. Every diagnostic a person sees in the terminal goes through here, so how it
/// looks is decided in one place ([`Look::stderr`]).
pub fn eprint(diagnostics: &[Diagnostic]) {
    let look = Look::stderr();
    let mut text = String::new();
    for diagnostic in diagnostics {
        text.push_str(&diagnostic.render(look));
        text.push('\n');
    }
    write_stderr(&text);
}

/// Prints a one-line `error: …` or `warning: …` without a place (a summary, a failure
/// that is not about a file), painted like the diagnostics around it.
pub fn eprint_message(severity: Severity, message: &str) {
    let title = severity.level().primary_title(escape_invisible(message));
    let mut text = Look::stderr().renderer().render(&[Group::with_title(title)]);
    text.push('\n');
    write_stderr(&text);
}

/// Writes `text` to standard error in one call; a closed stderr is not worth a panic.
fn write_stderr(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

impl Severity {
    fn level(self) -> Level<'static> {
        match self {
            Self::Error => Level::ERROR,
            Self::Warning => Level::WARNING,
        }
    }
}

impl Diagnostic {
    /// rustc-style, drawn by `annotate-snippets`: severity and message, `--> path:line:col`,
    /// the source line with a caret under the problem, then the hint as `help:`. A line
    /// wider than the terminal is cut around the caret. Control characters and invisible
    /// direction marks from the site's files are shown escaped (`\u{1b}`), so a diagnostic
    /// can never drive the terminal or reorder what it shows; the caret stays under the
    /// same text. Ends with a newline.
    pub fn render(&self, look: Look) -> String {
        let message = shown_text(&self.message);
        let path = escape_invisible(&display_path(&self.path)).into_owned();
        let mut group = Group::with_title(self.severity.level().primary_title(message));
        // What `annotate-snippets` will put in the header, when it is drawn from a snippet:
        // the column counted in the snippet, which holds only a window of a long line and
        // shows invisible characters escaped. `place_header` puts the true one there.
        let computed = match (self.span, self.source_line.as_deref()) {
            (Some(span), Some(line)) => {
                let (source, range) = snippet_source(line, span, self.source_cut);
                let column = source[..range.start].chars().count() + 1;
                group = group.element(
                    Snippet::source(source)
                        .path(path.clone())
                        .line_start(span.line)
                        .annotation(AnnotationKind::Primary.span(range)),
                );
                Some(format!("{path}:{}:{column}", span.line))
            }
            (span, _) => {
                let origin = Origin::path(path.clone());
                group = group.element(match span {
                    Some(span) => origin.line(span.line).char_column(span.col),
                    None => origin,
                });
                None
            }
        };
        if let Some(hint) = &self.hint {
            group = group.element(Level::HELP.message(shown_text(hint)));
        }
        let mut text = look.renderer().render(&[group]);
        if let Some(computed) = computed {
            text = place_header(text, &computed, &escape_invisible(&self.location()));
        }
        text.push('\n');
        text
    }
}

/// `text` with the `path:line:col` that `annotate-snippets` computed from the snippet
/// (`computed`) replaced by the true one, in the header line only (the line after the
/// title, which is one line: its newlines are escaped). `annotate-snippets` 0.12 has no
/// way to give a snippet's column yet: an `Origin` beside a snippet draws a second,
/// empty `:::` header.
fn place_header(text: String, computed: &str, location: &str) -> String {
    if computed == location {
        return text;
    }
    let Some(header_start) = text.find('\n').map(|at| at + 1) else { return text };
    let header_end = text[header_start..].find('\n').map_or(text.len(), |at| header_start + at);
    let found = text[header_start..header_end].rfind(computed);
    debug_assert!(found.is_some(), "no `{computed}` in the header of {text:?}");
    match found {
        Some(at) => {
            let at = header_start + at;
            format!("{}{location}{}", &text[..at], &text[at + computed.len()..])
        }
        None => text,
    }
}

/// The longest message or hint shown whole; they quote the author's text, which may be huge.
const MESSAGE_CHARS: usize = 2000;

/// A message or hint as shown: cut to [`MESSAGE_CHARS`], invisible characters escaped.
fn shown_text(text: &str) -> String {
    escape_invisible(&shorten(text, MESSAGE_CHARS)).into_owned()
}

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
        shown_char(c, &mut out);
    }
    std::borrow::Cow::Owned(out)
}

/// Appends `c` as it is shown: escaped if invisible.
fn shown_char(c: char, out: &mut String) {
    if c != '\t' && is_invisible(c) {
        out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
    } else {
        out.push(c);
    }
}

/// The kept window of a source line as shown (invisible characters escaped, `…` where
/// the line was cut), with the byte range of `span` in it. A span past the end of the
/// line (a missing value) points just after it.
fn snippet_source(line: &str, span: Span, (skipped, cut_after): (usize, bool)) -> (String, Range<usize>) {
    let first = span.col.saturating_sub(1).saturating_sub(skipped);
    let last = first + span.len.max(1);
    let mut shown = String::with_capacity(line.len() + 8);
    if skipped > 0 {
        shown.push_str("...");
    }
    let (mut start, mut end) = (None, None);
    for (i, c) in line.chars().enumerate() {
        if i == first {
            start = Some(shown.len());
        }
        if i == last {
            end = Some(shown.len());
        }
        shown_char(c, &mut shown);
    }
    let text_end = shown.len();
    if cut_after {
        shown.push_str("...");
    }
    let start = start.unwrap_or(text_end);
    (shown, start..end.unwrap_or(text_end).max(start))
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
            "error: unknown front-matter key `titel`\n --> content/a.md:2:1\n  |\n2 | titel: Hello\n  | ^^^^^\n  |\n  = help: did you mean `title`?\n"
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
            "error: unknown front matter key `\\u{1b}[31mred\\u{d}\\u{7}\\u{202e}x`\n --> content/\\u{1b}]0;pwned\\u{7}.md:2:8\n  |\n2 | title: \\u{1b}[31mred\\u{d}\\u{7}\\u{202e}x:     1\n  |        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  |\n  = help: did you mean `\\u{1b}[0m`?\n"
        );
    }

    #[test]
    fn the_header_names_the_place_in_the_file_not_in_the_escaped_line() {
        let shown = Diagnostic::error("a.md", "m").at("\u{7}\u{7}x: 1\n", Span { line: 1, col: 3, len: 1 }).to_string();
        assert_eq!(shown, "error: m\n --> a.md:1:3\n  |\n1 | \\u{7}\\u{7}x: 1\n  |           ^\n");
    }

    #[test]
    fn colour_only_adds_escape_codes() {
        let diagnostic = Diagnostic::warning("content/a.md", "unknown key `titel`")
            .at("---\ntitel: Hello\n---\n", Span { line: 2, col: 1, len: 5 })
            .with_hint("did you mean `title`?");
        let line = format!("{}\u{7}[x](nope.md)", "a".repeat(5000));
        let cut = Diagnostic::error("a.md", "broken").at(&line, Span { line: 1, col: 5002, len: 12 });
        assert!(cut.to_string().contains(" --> a.md:1:5002\n"), "{cut}");
        for diagnostic in [diagnostic, cut] {
            let coloured = diagnostic.render(Look { paint: Paint::Colour, ..Look::PLAIN });
            assert!(coloured.contains("\u{1b}["), "{coloured:?}");
            assert_eq!(anstream::adapter::strip_str(&coloured).to_string(), diagnostic.to_string());
            assert!(!diagnostic.to_string().contains('\u{1b}'));
        }
    }

    #[test]
    fn a_line_wider_than_the_terminal_is_cut_around_the_caret() {
        let line = format!("{}[x](nope.md){}", "word ".repeat(100), " word".repeat(100));
        let diagnostic = Diagnostic::error("a.md", "broken").at_line(&line, Span { line: 7, col: 501, len: 12 });
        for width in [60, 80, 140] {
            let shown = diagnostic.render(Look { width, ..Look::PLAIN });
            let lines: Vec<&str> = shown.lines().collect();
            assert!(lines[3].starts_with("7 | ...") && lines[3].ends_with("..."), "{shown}");
            assert!(lines[3].chars().count() <= width, "{width}: {shown}");
            let caret = lines[4].find('^').expect("caret");
            assert_eq!(&lines[3][caret..caret + 12], "[x](nope.md)", "{shown}");
        }
    }

    #[test]
    fn a_huge_line_is_cut_around_the_span() {
        let line = format!("{}[x](nope.md){}", "a".repeat(1_000_000), "b".repeat(1_000_000));
        let diagnostic = Diagnostic::error("a.md", "broken").at(&line, Span { line: 1, col: 1_000_001, len: 12 });
        assert!(diagnostic.source_line.as_ref().is_some_and(|l| l.chars().count() <= SHOWN_CHARS));
        let shown = diagnostic.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines[1], " --> a.md:1:1000001");
        assert!(lines[3].starts_with("1 | ...aaa") && lines[3].ends_with("bbb..."), "{}", lines[3]);
        let caret = lines[4].find('^').expect("caret");
        assert_eq!(&lines[3][caret..caret + 12], "[x](nope.md)", "{shown}");
        assert_eq!(&lines[4][caret..], "^".repeat(12), "{shown}");
        // Near the end of the line the window fits the terminal: the cut is marked all the same.
        let diagnostic = Diagnostic::error("a.md", "broken").at(&line, Span { line: 1, col: 2_000_012, len: 1 });
        let shown = diagnostic.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines[1], " --> a.md:1:2000012", "{shown}");
        assert!(lines[3].starts_with("1 | ...bbb") && lines[3].ends_with('b'), "{shown}");
        assert_eq!(lines[4].find('^'), Some(lines[3].len() - 1), "{shown}");
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
