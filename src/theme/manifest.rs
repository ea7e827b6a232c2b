//! `theme.yaml`: a theme's name, the parent it extends, and the `site.extra` keys its
//! templates read, with their defaults.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Severity, did_you_mean, display_path};
use crate::error::fs;

/// A theme's `theme.yaml`: what it is and the `site.extra` keys it reads, with defaults.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct Manifest {
    /// The theme's name.
    pub name: Option<String>,
    /// One line about the theme.
    pub description: Option<String>,
    /// The theme this one is built on (`extends: default`): its templates, static files
    /// and `extra` defaults come first, and this theme's replace them by name.
    pub extends: Option<String>,
    /// Every `site.extra` key the templates read, with its default value.
    pub extra: BTreeMap<String, serde_yaml::Value>,
    /// Whether `theme.yaml` lists the keys under `extra:` (then any other key the site
    /// writes there is a mistake); a theme without the list accepts any key.
    #[serde(skip)]
    pub declares_extra: bool,
    /// Whether `extends` names a parent that could not be loaded (unknown, a link, a
    /// circle): the theme's templates are then incomplete, and reporting each missing one
    /// would only bury the real mistake.
    #[serde(skip)]
    pub(super) parent_failed: bool,
    /// The manifests that list `extra` keys, relative to the site root, for hints: this
    /// theme's, then its parents' (a merged manifest lists them all).
    #[serde(skip)]
    pub paths: Vec<PathBuf>,
}

impl Manifest {
    /// The manifest's file name inside a theme folder.
    pub const FILE_NAME: &'static str = "theme.yaml";

    /// Reads `theme_dir/theme.yaml` (a theme without one has an empty manifest). `chain`
    /// names the themes already loaded, the site's first: the parent named in `extends`
    /// must be a folder under `themes/` that is neither one of them nor a link. A manifest
    /// with problems comes back with them, as far as it could be read.
    pub(super) fn load(root: &Path, theme_dir: &Path, chain: &[String]) -> Result<Self, (Self, Vec<Diagnostic>)> {
        let path = theme_dir.join(Self::FILE_NAME);
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        if std::fs::symlink_metadata(&path).is_ok_and(|meta| meta.file_type().is_symlink()) {
            return Err((
                Self::default(),
                vec![
                    Diagnostic::error(&rel, "theme.yaml is a symbolic link; tend does not follow links")
                        .with_hint("copy the file into the theme instead of linking to it"),
                ],
            ));
        }
        if !path.is_file() {
            return Ok(Self::default());
        }
        let bytes =
            fs::read(&path).map_err(|error| (Self::default(), vec![Diagnostic::error(&rel, error.to_string())]))?;
        let text = crate::diagnostic::decode_utf8(&bytes, &rel).map_err(|problem| (Self::default(), vec![problem]))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let document = crate::yaml::Document { path: &rel, file: text, yaml: text, first_line: 1, what: "theme.yaml" };
        let (mut manifest, outline): (Self, _) = document
            .parse_located(&["name", "description", "extends", "extra"])
            .map_err(|problems| (Self::default(), problems))?;
        let at = |path: &[&str], message: String| {
            let span = outline.value(path).or_else(|| outline.key(path)).unwrap_or_else(|| document.end_span());
            document.error_at(span, message)
        };
        let mut problems = crate::config::extra_url_problems(&manifest.extra, &[], &at);
        if let Some(parent) = &manifest.extends
            && let Some((message, hint)) = parent_problem(root, parent, chain)
        {
            problems.push(at(&["extends"], message).with_hint(hint));
            manifest.extends = None;
            manifest.parent_failed = true;
        }
        if !problems.is_empty() {
            return Err((manifest, problems));
        }
        manifest.declares_extra = outline.key(&["extra"]).is_some();
        manifest.paths = if manifest.declares_extra { vec![rel] } else { Vec::new() };
        Ok(manifest)
    }

    /// The manifest of a theme with its parents (`chain`, the site's theme first): `extra`
    /// defaults merged from the outermost parent in, a child's value winning.
    pub(super) fn merged(chain: Vec<Self>) -> Self {
        let mut chain = chain.into_iter();
        let mut merged = chain.next().unwrap_or_default();
        for parent in chain {
            for (key, value) in parent.extra {
                merged.extra.entry(key).or_insert(value);
            }
            merged.declares_extra |= parent.declares_extra;
            merged.paths.extend(parent.paths);
        }
        merged
    }

    /// `site_extra` over the theme's defaults: the site's values win.
    pub fn merge_extra(&self, site_extra: &BTreeMap<String, serde_yaml::Value>) -> BTreeMap<String, serde_yaml::Value> {
        let mut merged = self.extra.clone();
        merged.extend(site_extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        merged
    }

    /// What is wrong with the keys `site.yaml` writes under `extra:`, against the keys this
    /// theme declares: a key no template reads (a typo like `quick_exti` silently turns the
    /// feature off), or a value of another kind than the default (`quick_exit: "false"` is
    /// text, which templates take as true). Each is located at the key or value in
    /// `site.yaml`, with `severity`: a warning for `build` and `serve`, an error for `check`.
    pub fn check_extra(&self, config: &Config, severity: Severity) -> Vec<Diagnostic> {
        if !self.declares_extra {
            return Vec::new();
        }
        let theme = self.name.clone().unwrap_or_else(|| config.theme.clone());
        let declared: Vec<&str> = self.extra.keys().map(String::as_str).collect();
        let mut problems = Vec::new();
        for key in config.source.extra_keys() {
            let Some(default) = self.extra.get(key) else {
                let message = format!("unknown `extra` key `{key}`: the theme `{theme}` does not read it");
                let files: Vec<String> = self.paths.iter().map(|path| display_path(path)).collect();
                let listed = format!("the theme reads {} (listed in {})", declared.join(", "), files.join(" and "));
                let hint = match did_you_mean(key, declared.iter().copied()) {
                    Some(best) => format!("did you mean `{best}`? {}{}", listed[..1].to_uppercase(), &listed[1..]),
                    None => format!("{listed}; a key no template reads does nothing"),
                };
                problems.push(config.source.at_key(&["extra", key], severity, message).with_hint(hint));
                continue;
            };
            let value = config.extra.get(key).unwrap_or(&serde_yaml::Value::Null);
            if let Some(expected) = kind_mismatch(default, value) {
                let message = format!("`extra.{key}` takes {expected}, found {}", kind(value));
                let hint = match (default, value) {
                    (serde_yaml::Value::Bool(_), serde_yaml::Value::String(text)) => {
                        let word = text.trim().to_lowercase();
                        match crate::yaml::yaml11_boolean(&word) {
                            _ if word == "true" || word == "false" => {
                                format!("write it without quotes: `{key}: {word}`")
                            }
                            Some(value) => {
                                format!("YAML reads `{}` as text, not as {value}: write `{key}: {value}`", text.trim())
                            }
                            None => format!("write `{key}: true` or `{key}: false`"),
                        }
                    }
                    _ => format!(
                        "the theme's default is `{}`",
                        serde_yaml::to_string(default).unwrap_or_default().trim()
                    ),
                };
                problems.push(config.source.at_value(&["extra", key], severity, message).with_hint(hint));
            }
        }
        problems
    }
}

/// What `value` should be, when its kind differs from the theme's `default`. A `null`
/// default takes anything; text takes numbers too.
fn kind_mismatch(default: &serde_yaml::Value, value: &serde_yaml::Value) -> Option<&'static str> {
    use serde_yaml::Value;
    let expected = match default {
        Value::Bool(_) => "`true` or `false`",
        Value::String(_) => "text",
        Value::Number(_) => "a number",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "`key: value` lines",
        Value::Null | Value::Tagged(_) => return None,
    };
    let same = matches!(
        (default, value),
        (Value::Bool(_), Value::Bool(_))
            | (Value::String(_), Value::String(_) | Value::Number(_))
            | (Value::Number(_), Value::Number(_))
            | (Value::Sequence(_), Value::Sequence(_))
            | (Value::Mapping(_), Value::Mapping(_))
    );
    (!same).then_some(expected)
}

/// A value's kind in words, for messages.
fn kind(value: &serde_yaml::Value) -> String {
    use serde_yaml::Value;
    match value {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(text) => format!("the text \"{text}\""),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "`key: value` lines".into(),
        Value::Tagged(tagged) => kind(&tagged.value),
    }
}

/// What is wrong with `extends: parent` in a theme whose chain so far is `chain` (the
/// site's theme first), as a message and a hint.
fn parent_problem(root: &Path, parent: &str, chain: &[String]) -> Option<(String, String)> {
    let themes = root.join("themes");
    if parent.is_empty() || parent.contains(['/', '\\']) || parent.starts_with('.') {
        return Some((
            format!("invalid parent theme `{parent}`"),
            "name a folder under themes/, e.g. `extends: default`".into(),
        ));
    }
    if chain.iter().any(|name| name == parent) {
        let mut circle = chain.to_vec();
        circle.push(parent.to_owned());
        let shown: Vec<String> = circle.iter().map(|name| format!("`{name}`")).collect();
        return Some((
            format!("themes extend each other in a circle: {}", shown.join(" extends ")),
            "remove `extends:` from one of them".into(),
        ));
    }
    let dir = themes.join(parent);
    if std::fs::symlink_metadata(&dir).is_ok_and(|meta| meta.file_type().is_symlink()) {
        return Some((
            format!(
                "the parent theme `{parent}` is a symbolic link; tend never follows links, so it reads no theme through one"
            ),
            format!("copy the theme into `themes/{parent}/` instead of linking to it"),
        ));
    }
    if dir.is_dir() || super::builtin::has(parent) {
        return None;
    }
    let available = super::list_themes(root);
    let hint = match did_you_mean(parent, available.iter().map(String::as_str)) {
        Some(best) => format!("did you mean `extends: {best}`? Themes here: {}", available.join(", ")),
        None => format!("themes here: {}", available.join(", ")),
    };
    Some((format!("parent theme `{parent}` not found in themes/"), hint))
}
