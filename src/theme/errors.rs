//! Tera's errors as tend's diagnostics: the template file (relative to the site root),
//! line, column and caret from Tera 2's own spans, with hints in a theme author's terms.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Span, did_you_mean, display_path};

/// The filters a template may use: Tera 2's own, and the two tend adds from tera-contrib.
const FILTERS: &[&str] = &[
    "abs",
    "capitalize",
    "default",
    "escape",
    "escape_html",
    "escape_xml",
    "first",
    "float",
    "get",
    "group_by",
    "indent",
    "int",
    "join",
    "json_script",
    "keys",
    "last",
    "length",
    "lower",
    "newlines_to_br",
    "nth",
    "pairs",
    "pluralize",
    "replace",
    "reverse",
    "round",
    "safe",
    "sort",
    "split",
    "str",
    "title",
    "trim",
    "trim_end",
    "trim_start",
    "truncate",
    "unique",
    "upper",
    "urlencode",
    "urlencode_strict",
    "values",
    "wordcount",
];

/// Tera 2's tests (`x is defined`).
const TESTS: &[&str] = &[
    "array",
    "bool",
    "containing",
    "defined",
    "divisible_by",
    "ending_with",
    "even",
    "float",
    "integer",
    "iterable",
    "map",
    "none",
    "number",
    "odd",
    "starting_with",
    "string",
    "undefined",
];

/// The theme's templates by name, with their files and texts, to place Tera's errors.
pub(super) struct Templates<'a> {
    /// Template name → file it came from, relative to the site root.
    pub(super) sources: &'a BTreeMap<String, PathBuf>,
    /// Template name → its text.
    pub(super) texts: &'a BTreeMap<String, String>,
}

impl Templates<'_> {
    /// Every problem in a Tera error, as diagnostics in the template files they are in.
    /// Tera 2 locates syntax and render errors itself (template, line, column, span) and
    /// lists every unknown filter, function, test or include at once; `page` is the
    /// source being rendered, for the hint.
    pub(super) fn errors(&self, error: &tera::Error, page: Option<&Path>) -> Vec<Diagnostic> {
        use tera::ErrorKind;
        let while_rendering = || match page {
            Some(page) => format!("while rendering `{}`", display_path(page)),
            None => "check the template's syntax (Tera 2, like Jinja2)".to_owned(),
        };
        match error.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let range = report.span().range.clone();
                let text = self.texts.get(report.filename()).map_or("", String::as_str);
                let (message, more) = explain(report.message(), text, range.start);
                let mut hint = while_rendering();
                for (name, line, col) in called_from(&error.to_string()) {
                    let file = self.sources.get(&name).map_or(name, |path| display_path(path));
                    hint.push_str(&format!("; called from {file}:{line}:{col}"));
                }
                if let Some(more) = more {
                    hint.push_str(&format!("; {more}"));
                }
                vec![self.located(report.filename(), format!("template error: {message}"), Some(range), hint)]
            }
            ErrorKind::Msg(text) if text.starts_with("error: ") => reports(text)
                .into_iter()
                .map(|(name, message, span)| {
                    let hint = self.unknown_hint(&message).unwrap_or_else(while_rendering);
                    let diagnostic = self.located(&name, format!("template error: {message}"), None, hint);
                    match self.texts.get(&name) {
                        Some(text) => diagnostic.at(text, span),
                        None => diagnostic,
                    }
                })
                .collect(),
            ErrorKind::MissingParent { current, parent } => {
                let range = self.texts.get(current).and_then(|text| text.find(&format!("\"{parent}\"")));
                let message = format!("template error: `{current}` extends `{parent}`, which no theme has");
                let hint = format!("templates here: {}", self.sources.keys().cloned().collect::<Vec<_>>().join(", "));
                vec![self.located(current, message, range.map(|at| at..at + parent.len() + 2), hint)]
            }
            ErrorKind::CircularExtend { tpl, inheritance_chain: chain }
            | ErrorKind::CircularInclude { tpl, include_chain: chain } => {
                let message = format!("template error: `{tpl}` leads back to itself: {}", chain.join(" → "));
                vec![self.located(tpl, message, None, "break the loop of `extends` or `include`".to_owned())]
            }
            _ => {
                let mut message = error.to_string();
                let mut cause = std::error::Error::source(error);
                while let Some(inner) = cause {
                    message.push_str(&format!(": {inner}"));
                    cause = inner.source();
                }
                vec![Diagnostic::error("templates", format!("template error: {message}")).with_hint(while_rendering())]
            }
        }
    }

    /// What exists, for "Unknown filter `shout`" and the like from Tera's compile check.
    fn unknown_hint(&self, message: &str) -> Option<String> {
        let (what, rest) = message.strip_prefix("Unknown ")?.split_once(" `")?;
        let name = rest.split('`').next()?;
        let templates: Vec<&str> = self.sources.keys().map(String::as_str).collect();
        let known: &[&str] = match what {
            "filter" => FILTERS,
            "test" => TESTS,
            "function" => &["asset", "url", "t", "range", "throw"],
            "template" => &templates,
            _ => return None,
        };
        // Template paths share `.html` and folders, which a fuzzy match rewards: suggest
        // one only when it is a few keystrokes away.
        let best = did_you_mean(name, known.iter().copied())
            .filter(|best| what != "template" || strsim::levenshtein(name, best) <= 3);
        Some(match best {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("the {what}s here are {}", known.join(", ")),
        })
    }

    /// The problems a compile found. Tera stops at the first syntax error, so when there
    /// is one, each template is parsed again on its own to report every one.
    pub(super) fn compile_errors(&self, error: &tera::Error, files: &[(String, String)]) -> Vec<Diagnostic> {
        if !matches!(error.kind(), tera::ErrorKind::SyntaxError(_)) {
            return self.errors(error, None);
        }
        let alone = |(name, text): &(String, String)| tera::Tera::new().add_raw_template(name, text).err();
        files
            .iter()
            .filter_map(alone)
            .filter(|error| matches!(error.kind(), tera::ErrorKind::SyntaxError(_)))
            .flat_map(|error| self.errors(&error, None))
            .collect()
    }

    /// A diagnostic in template `name`'s file, at byte `range` of its text when known.
    fn located(&self, name: &str, message: String, range: Option<std::ops::Range<usize>>, hint: String) -> Diagnostic {
        let path = self.sources.get(name).cloned().unwrap_or_else(|| PathBuf::from("templates").join(name));
        let diagnostic = Diagnostic::error(path, message).with_hint(hint);
        match (self.texts.get(name), range) {
            (Some(text), Some(range)) => {
                let index = crate::diagnostic::LineIndex::new(text);
                diagnostic.at_bytes(&index, text, range)
            }
            _ => diagnostic,
        }
    }
}

/// Tera's message, said for a theme author, and what to add to the hint. Tera says
/// "Field `nope` is not defined. Available fields: a, b"; tend names the whole expression
/// (`page.nope`) and suggests the closest field. For "Unknown tag" (an end tag that closes
/// nothing open, or a misspelt tag) it says which tag is still open.
fn explain(message: &str, text: &str, at: usize) -> (String, Option<String>) {
    let quoted = |marker: &str| message.strip_prefix(marker).and_then(|rest| rest.split('`').next());
    let known = |marker: &str| message.split_once(marker).map(|(_, list)| list.split(", ").collect::<Vec<_>>());
    if let Some(field) = quoted("Field `") {
        let before = text.get(..at).unwrap_or_default().trim_end_matches('.');
        let start = before.rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.')).map_or(0, |i| i + 1);
        let parent = &before[start..];
        let what = if parent.is_empty() { format!("`{field}`") } else { format!("`{parent}.{field}`") };
        let owner = if parent.is_empty() { "it".to_owned() } else { format!("`{parent}`") };
        let hint = known(". Available fields: ").map(|fields| match did_you_mean(field, fields.iter().copied()) {
            Some(best) if !parent.is_empty() => format!("did you mean `{parent}.{best}`?"),
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("{owner} has {}", fields.join(", ")),
        });
        return (format!("{what} is not defined"), hint);
    }
    if let Some(variable) = quoted("Variable `") {
        let hint = known(". Available variables: ").map(|names| match did_you_mean(variable, names.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("this template has {}", names.join(", ")),
        });
        return (format!("`{variable}` is not defined"), hint);
    }
    if message == "Unknown tag" {
        let word: String =
            text.get(at..).unwrap_or_default().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let what = if word.starts_with("end") { "unexpected" } else { "unknown tag" };
        return (format!("{what} `{{% {word} %}}`"), unknown_tag_hint(text, at));
    }
    (message.trim_end_matches('.').to_owned(), None)
}

/// Why the tag at byte `at` of `text` is unknown: an end tag while another tag is open
/// (`{% endblock %}` inside a `{% for %}`), an end tag with nothing open, or a misspelling.
fn unknown_tag_hint(text: &str, at: usize) -> Option<String> {
    const OPENING: &[&str] = &["block", "for", "if", "filter", "component", "raw", "set", "set_global"];
    const TAGS: &[&str] = &[
        "if",
        "elif",
        "else",
        "for",
        "break",
        "continue",
        "block",
        "extends",
        "include",
        "set",
        "set_global",
        "filter",
        "component",
        "raw",
    ];
    let word: String = text.get(at..)?.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    let index = crate::diagnostic::LineIndex::new(text);
    let mut open: Vec<(&str, usize)> = Vec::new();
    for (start, _) in text[..at].match_indices("{%") {
        let tag = text[start + 2..at].trim_start_matches(['-', '+']).trim_start();
        let name: &str = tag.split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or_default();
        // A `set` with `=` is one tag; without it, it captures a body up to `endset`.
        let captures =
            !matches!(name, "set" | "set_global") || !tag.split("%}").next().unwrap_or_default().contains('=');
        if OPENING.contains(&name) && captures {
            open.push((name, start));
        } else if let Some(closed) = name.strip_prefix("end")
            && open.last().is_some_and(|(last, _)| *last == closed || (closed == "set" && *last == "set_global"))
        {
            open.pop();
        }
    }
    match (word.strip_prefix("end"), open.last()) {
        (Some(closes), Some((name, start))) => {
            let line = index.locate(text, *start).0;
            let end = if *name == "set_global" { "set" } else { name };
            Some(format!(
                "the `{{% {name} %}}` on line {line} is still open: close it with `{{% end{end} %}}` before `{{% end{closes} %}}`"
            ))
        }
        (Some(closes), None) => {
            Some(format!("`{{% end{closes} %}}` closes nothing: no `{{% {closes} %}}` is open here"))
        }
        (None, _) => Some(match did_you_mean(&word, TAGS.iter().copied()) {
            Some(best) => format!("did you mean `{{% {best} %}}`?"),
            None => format!("Tera's tags are {}", TAGS.join(", ")),
        }),
    }
}

/// The templates a render error passed through (`note: called from base.html:12:4`),
/// innermost first: the include or component call that led to the failing one.
fn called_from(report: &str) -> Vec<(String, usize, usize)> {
    report
        .lines()
        .filter_map(|line| line.strip_prefix("note: called from "))
        .filter_map(|place| {
            let mut parts = place.rsplitn(3, ':');
            let col = parts.next()?.trim().parse().ok()?;
            let line = parts.next()?.parse().ok()?;
            Some((parts.next()?.to_owned(), line, col))
        })
        .collect()
}

/// The reports in Tera's compile-time check, which lists every unknown filter, test,
/// function, component and include in one message: each report's template name,
/// message and span (`error: Unknown filter `shout`` / ` --> topic.html:1:8` / carets).
fn reports(text: &str) -> Vec<(String, String, Span)> {
    let mut found = Vec::new();
    for block in text.split("\n\nerror: ") {
        let block = block.strip_prefix("error: ").unwrap_or(block);
        let mut lines = block.lines();
        let message = lines.next().unwrap_or_default().to_owned();
        let Some(place) = lines.next().and_then(|line| line.trim_start().strip_prefix("--> ")) else { continue };
        let mut parts = place.rsplitn(3, ':');
        let (Some(col), Some(line), Some(name)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let len = block.lines().last().map_or(1, |carets| carets.matches('^').count().max(1));
        let span = Span { line: line.parse().unwrap_or(1), col: col.parse().unwrap_or(1), len };
        found.push((name.to_owned(), message, span));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compiles `files` and renders `name` with `site` in the context; the error's place.
    fn place(files: &[(&str, &str)], render: &str) -> Vec<String> {
        let sources = files.iter().map(|(name, _)| ((*name).to_owned(), PathBuf::from(name))).collect();
        let texts = files.iter().map(|(name, text)| ((*name).to_owned(), (*text).to_owned())).collect();
        let templates = Templates { sources: &sources, texts: &texts };
        let owned: Vec<(String, String)> = files.iter().map(|(n, t)| ((*n).to_owned(), (*t).to_owned())).collect();
        let problems = match super::super::compile(&owned, &[], "/", &BTreeMap::new(), &std::sync::Arc::default()) {
            Err(error) => templates.errors(&error, None),
            Ok(tera) => {
                let mut context = tera::Context::new();
                context.insert("site", &serde_json::json!({"title": "T"}));
                match tera.render(render, &context) {
                    Ok(_) => Vec::new(),
                    Err(error) => templates.errors(&error, Some(Path::new("content/a.md"))),
                }
            }
        };
        problems.iter().map(|d| format!("{} {}", d.location(), d.message)).collect()
    }

    // issue 11 item 17; issue 13 lever 1: Tera 2 names the template and place itself.
    #[test]
    fn a_render_error_is_placed_in_the_template_holding_the_expression() {
        let files = [
            ("topic.html", "{% extends \"base.html\" %}{% block main %}{{ site.title }}{% endblock %}"),
            ("base.html", "<html>\n<body>\n<p>{{ site.nope }}</p>{% block main %}{% endblock %}"),
        ];
        assert_eq!(place(&files, "topic.html"), ["base.html:3:12 template error: `site.nope` is not defined"]);
        let files =
            [("a.html", "{{ site.nopes }}\n{{ x | shout }} {{ y | shout }}"), ("b.html", "{% include \"c.html\" %}")];
        assert_eq!(
            place(&files, "a.html"),
            [
                "a.html:2:8 template error: Unknown filter `shout`",
                "a.html:2:24 template error: Unknown filter `shout`",
                "b.html:1:12 template error: Unknown template `c.html`",
            ]
        );
    }

    // issue 13 lever 1: Tera 2 says only "Unknown tag" for an end tag that closes nothing.
    #[test]
    fn an_unknown_tag_says_which_tag_is_still_open() {
        let text = "{% block main %}\n{%- for t in tags %}\n{% set x = 1 %}{% if a %}{% endif %}\n{% endblock %}";
        let at = text.rfind("endblock").expect("endblock");
        assert_eq!(
            unknown_tag_hint(text, at).as_deref(),
            Some("the `{% for %}` on line 2 is still open: close it with `{% endfor %}` before `{% endblock %}`")
        );
        let text = "{% endfor %}";
        assert_eq!(
            unknown_tag_hint(text, 3).as_deref(),
            Some("`{% endfor %}` closes nothing: no `{% for %}` is open here")
        );
        let text = "{% incldue \"a.html\" %}";
        assert_eq!(unknown_tag_hint(text, 3).as_deref(), Some("did you mean `{% include %}`?"));
    }

    #[test]
    fn a_missing_field_is_named_with_its_parent_and_the_closest_field() {
        let text = "{{ page.titel }}";
        let message = "Field `titel` is not defined. Available fields: title, url";
        assert_eq!(
            explain(message, text, 8),
            ("`page.titel` is not defined".to_owned(), Some("did you mean `page.title`?".to_owned()))
        );
        let message = "Field `nope` is not defined. Available fields: title, url";
        assert_eq!(explain(message, "{{ page.nope }}", 8).1.as_deref(), Some("`page` has title, url"));
        let message = "Variable `pgae` is not defined. Available variables: page, site";
        assert_eq!(explain(message, "{{ pgae }}", 3).1.as_deref(), Some("did you mean `page`?"));
    }

    #[test]
    fn called_from_reads_tera_notes() {
        let report = "error: Field `x` is not defined\n --> p.html:1:4\n\nnote: called from base.html:12:4\n  |";
        assert_eq!(called_from(report), [("base.html".to_owned(), 12, 4)]);
    }
}
