//! Theme strings in each language: `themes/<name>/i18n/<code>.yaml`.
//!
//! Owns reading the strings of every theme of the chain (a parent's first, each key of a
//! child replacing the parent's) and looking one up for a page's language, falling back
//! to the site's default language and then to English. Templates reach them through
//! `t(key="…")`; the render stage through [`Strings::text`] (titles of generated pages,
//! dates).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, display_path};
use crate::error::fs;

/// Every theme string, by language code and dotted key (`search.placeholder`).
#[derive(Debug, Clone, Default)]
pub struct Strings {
    by_language: HashMap<String, HashMap<String, serde_yaml::Value>>,
    /// Where to look when the page's language lacks a key: the default language, `en`.
    fallback: Vec<String>,
}

/// The keys tend itself looks up (generated pages' titles, the first breadcrumb, dates, the
/// words it writes into pages): the built-in default theme has each in English, so every
/// theme, inheriting its strings, has them.
pub const ENGINE_KEYS: &[&str] = &[
    "nav.home",
    "tags.title",
    "tags.description",
    "tag.title",
    "search.title",
    "search.description",
    "not_found.title",
    "not_found.description",
    "date.format",
    "markdown.callout.note",
    "markdown.callout.tip",
    "markdown.callout.important",
    "markdown.callout.warning",
    "markdown.callout.caution",
    "markdown.table",
    "markdown.section",
    "markdown.task.done",
    "markdown.task.not_done",
];

/// The language every theme writes its strings in first.
const LAST_RESORT: &str = "en";

impl Strings {
    /// Reads `<dir>/i18n/*.yaml` of each theme folder in `dirs` (the site's theme first,
    /// then its parents), over the built-in default theme's strings (so a theme of its own
    /// still has every word the default theme has); `root` makes the paths in diagnostics
    /// relative.
    pub fn load(dirs: &[&Path], root: &Path, default_language: &str) -> (Self, Vec<Diagnostic>) {
        let mut strings =
            Self { by_language: HashMap::new(), fallback: vec![default_language.to_owned(), LAST_RESORT.to_owned()] };
        let mut problems = Vec::new();
        for (path, bytes) in super::builtin::strings() {
            let code = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let shown = Path::new("(built-in default theme)").join(path);
            match parse(&bytes_text(bytes, &shown), &shown) {
                Ok(found) => strings.by_language.entry(code).or_default().extend(found),
                Err(problem) => problems.push(problem),
            }
        }
        // Outermost parent first, so each nearer theme's keys replace its parent's.
        for dir in dirs.iter().rev() {
            let folder = dir.join("i18n");
            let Ok(entries) = std::fs::read_dir(&folder) else { continue };
            let mut files: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                .collect();
            files.sort();
            for file in files {
                let shown = file.strip_prefix(root).unwrap_or(&file).to_path_buf();
                let code = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                match read(&file, &shown) {
                    Ok(found) => strings.by_language.entry(code).or_default().extend(found),
                    Err(problem) => problems.push(problem),
                }
            }
        }
        (strings, problems)
    }

    /// The built-in default theme's strings alone (for `tend check` when the theme does
    /// not load).
    pub fn builtin(default_language: &str) -> Self {
        Self::load(&[], Path::new(""), default_language).0
    }

    /// The value of `key` in `language` (`pt-BR`), else in its primary language (`pt`),
    /// else in the fallback languages.
    pub fn get(&self, language: &str, key: &str) -> Option<&serde_yaml::Value> {
        let primary = language.split('-').next().unwrap_or(language);
        [language, primary]
            .into_iter()
            .chain(self.fallback.iter().map(String::as_str))
            .find_map(|code| self.by_language.get(code)?.get(key))
    }

    /// Whether the themes have strings in `language` or its primary language.
    pub fn has_language(&self, language: &str) -> bool {
        let primary = language.split('-').next().unwrap_or(language);
        self.by_language.contains_key(language) || self.by_language.contains_key(primary)
    }

    /// The language whose words a page in `language` shows when the themes have none.
    pub fn fallback_for(&self, language: &str) -> &str {
        self.fallback
            .iter()
            .find(|code| self.has_language(code) && *code != language)
            .map_or(LAST_RESORT, String::as_str)
    }

    /// `key` as text in `language` (a string or a number), with `{name}` placeholders
    /// filled from `values`.
    pub fn text(&self, language: &str, key: &str, values: &[(&str, String)]) -> Option<String> {
        let mut text = match self.get(language, key)? {
            serde_yaml::Value::String(text) => text.clone(),
            serde_yaml::Value::Number(number) => number.to_string(),
            serde_yaml::Value::Bool(flag) => flag.to_string(),
            _ => return None,
        };
        for (name, value) in values {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        Some(text)
    }

    /// `key` as a list of texts in `language` (`date.months`).
    pub fn list(&self, language: &str, key: &str) -> Option<Vec<String>> {
        let serde_yaml::Value::Sequence(items) = self.get(language, key)? else { return None };
        items.iter().map(|item| item.as_str().map(str::to_owned)).collect()
    }

    /// A date as `date.format` and `date.months` of `language` write it (`3 March 2026`,
    /// `3 de marzo de 2026`); ISO form when the theme has neither.
    pub fn date(&self, language: &str, date: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        let months = self.list(language, "date.months").filter(|months| months.len() == 12);
        match months {
            Some(months) => {
                let values = [
                    ("day", date.day().to_string()),
                    ("month", months[date.month0() as usize].clone()),
                    ("year", date.year().to_string()),
                ];
                self.text(language, "date.format", &values)
                    .unwrap_or_else(|| format!("{} {} {}", values[0].1, values[1].1, values[2].1))
            }
            None => date.format("%Y-%m-%d").to_string(),
        }
    }

    /// Every string, for the theme's fingerprint (sorted: the same strings give the same
    /// fingerprint on every run).
    pub fn sorted(&self) -> BTreeMap<(&str, &str), String> {
        self.by_language
            .iter()
            .flat_map(|(code, keys)| {
                keys.iter().map(move |(key, value)| ((code.as_str(), key.as_str()), format!("{value:?}")))
            })
            .collect()
    }
}

/// One i18n file, flattened to dotted keys.
fn read(file: &Path, shown: &Path) -> Result<HashMap<String, serde_yaml::Value>, Diagnostic> {
    let bytes = fs::read(file).map_err(|error| Diagnostic::error(shown, error.to_string()))?;
    let text = crate::diagnostic::decode_utf8(&bytes, shown)?;
    parse(&text, shown)
}

/// The built-in strings as text (they are valid UTF-8: `tend`'s own files).
fn bytes_text(bytes: &[u8], shown: &Path) -> String {
    crate::diagnostic::decode_utf8(bytes, shown).unwrap_or_default()
}

/// One strings file's text, flattened to dotted keys.
fn parse(text: &str, shown: &Path) -> Result<HashMap<String, serde_yaml::Value>, Diagnostic> {
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|error| {
        let problem = Diagnostic::error(shown, format!("this strings file is not valid YAML: {error}"))
            .with_hint("write one `key: text` per line; group keys under a parent key to nest them");
        match error.location() {
            Some(at) => {
                let span = crate::diagnostic::Span { line: at.line(), col: at.column(), len: 1 };
                problem.at(text, span)
            }
            None => problem,
        }
    })?;
    let mut flat = HashMap::new();
    match value {
        serde_yaml::Value::Mapping(map) => flatten("", map, &mut flat),
        serde_yaml::Value::Null => {}
        _ => {
            return Err(Diagnostic::error(shown, "a strings file must be a mapping of `key: text` lines")
                .with_hint(format!("see `{}` of the default theme", display_path(Path::new("i18n/en.yaml")))));
        }
    }
    Ok(flat)
}

fn flatten(prefix: &str, map: serde_yaml::Mapping, into: &mut HashMap<String, serde_yaml::Value>) {
    for (key, value) in map {
        let key = match key {
            serde_yaml::Value::String(key) => key,
            other => serde_yaml::to_string(&other).unwrap_or_default().trim().to_owned(),
        };
        let full = if prefix.is_empty() { key } else { format!("{prefix}.{key}") };
        match value {
            serde_yaml::Value::Mapping(inner) => flatten(&full, inner, into),
            other => {
                into.insert(full, other);
            }
        }
    }
}

/// The `t(key="…")` template function: the string for the page's language (`lang` in the
/// context), other keyword arguments filling `{name}` placeholders.
pub(super) fn function(
    strings: std::sync::Arc<Strings>,
) -> impl Fn(tera::Kwargs, &tera::State) -> tera::TeraResult<String> {
    move |kwargs: tera::Kwargs, state: &tera::State| {
        let key: &str = kwargs
            .get("key")?
            .ok_or_else(|| tera::Error::message("`t` needs a `key` argument, e.g. t(key=\"search.label\")"))?;
        let language: String = match kwargs.get::<&str>("lang")? {
            Some(code) => code.to_owned(),
            None => state.get::<String>("lang")?.unwrap_or_default(),
        };
        let mut values = Vec::new();
        for (name, value) in kwargs.iter() {
            let name = name.as_str().unwrap_or_default();
            if name != "key" && name != "lang" {
                let shown = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
                values.push((name.to_owned(), shown));
            }
        }
        let values: Vec<(&str, String)> = values.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
        strings.text(&language, key, &values).ok_or_else(|| {
            tera::Error::message(format!(
                "no theme string `{key}` for `{language}` (nor in the default language): add it to the theme's i18n/en.yaml"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_strings_have_every_key_tend_reads_in_every_language_they_ship() {
        let strings = Strings::builtin("en");
        for language in ["en", "es"] {
            for key in ENGINE_KEYS {
                let own = strings.by_language.get(language).and_then(|keys| keys.get(*key));
                assert!(own.is_some(), "the built-in `{language}` strings have no `{key}`");
            }
            assert_eq!(strings.list(language, "date.months").map(|months| months.len()), Some(12), "{language}");
        }
    }
}
