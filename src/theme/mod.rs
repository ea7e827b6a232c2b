//! Themes: finding a theme's templates and static files, loading them into Tera, and
//! rendering a template with errors that name the template, its line and the page.
//!
//! Owns template discovery, the template names tend needs, and the functions and filters
//! templates may call. It does not build template contexts: that is [`crate::site`].
//!
//! A theme may extend another (`extends: default` in `theme.yaml`), which may extend a
//! third. The layers stack like mdBook's theme folder over its built-in theme: a template
//! of the site's `templates/` or of the theme replaces a parent's template of the same name
//! (so the parent's `base.html` includes the child's `partials/footer.html`), and each
//! parent's templates are also there under its name (`default/base.html`), as Zola's
//! `rewrite_theme_paths` does, so a child can extend one and replace only some blocks.
//! Tera 2's fallback prefixes do the lookup: `base.html` is the child's if it has one, else
//! `default/base.html`. Static files and `extra` defaults layer parent first.

pub mod builtin;
mod errors;
mod manifest;
pub mod strings;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostic::{Diagnostic, display_path};
use crate::error::{Error, fs};
use errors::Templates;
pub use manifest::Manifest;
pub use strings::Strings;

/// Templates every theme must provide.
pub const REQUIRED: &[&str] = &["home.html", "topic.html", "article.html", "tags.html", "tag.html", "404.html"];

/// A loaded theme: compiled templates plus where its static files live.
pub struct Theme {
    tera: tera::Tera,
    /// Template name → file it came from, relative to the site root. A parent theme's
    /// templates are named `<parent>/<path>`.
    sources: BTreeMap<String, PathBuf>,
    /// Template name → its text, to find where a render error happened.
    texts: BTreeMap<String, String>,
    /// `<parent>/` for each parent theme, nearest first: where a name is looked up when
    /// neither the site nor the theme has it.
    prefixes: Vec<String>,
    /// Static folders to copy, outermost parent theme first, then the theme, then the site.
    pub static_dirs: Vec<PathBuf>,
    /// `theme.yaml`, merged with its parents': their `extra` defaults first, the theme's winning.
    pub manifest: Manifest,
    /// Every template's name and text, the base path `url()` adds and the asset names.
    fingerprint: u128,
    /// Theme CSS and JavaScript (site path → fingerprinted site path), see [`Theme::asset`].
    assets: BTreeMap<String, String>,
    /// The themes' strings in each language (`i18n/<code>.yaml`), which `t()` looks up.
    pub strings: std::sync::Arc<Strings>,
}

/// One theme of the chain: the site's theme, its parent, the parent's parent…
struct Layer {
    name: String,
    dir: PathBuf,
    manifest: Manifest,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme").field("sources", &self.sources).finish_non_exhaustive()
    }
}

impl Theme {
    /// Loads the theme named in `config`, with its parents and the site's overrides.
    pub fn load(config: &Config) -> Result<Self, Error> {
        Self::load_reusing(config, None).map(|(theme, _)| theme)
    }

    /// [`Theme::load`], taking the compiled templates from `previous` when every template
    /// and the base path are unchanged. Also says whether it compiled them.
    pub fn load_reusing(config: &Config, previous: Option<Self>) -> Result<(Self, bool), Error> {
        let (layers, mut problems) = layers(config)?;
        if layers.iter().any(|layer| layer.manifest.parent_failed) {
            return Err(Error::Site(problems));
        }
        let prefixes: Vec<String> = layers[1..].iter().map(|layer| format!("{}/", layer.name)).collect();
        let (sources, mut found) = sources(config, &layers, &prefixes)?;
        problems.append(&mut found);
        let theme_templates = layers[0].dir.join("templates");
        problems.extend(REQUIRED.iter().filter(|name| resolve(&sources, &prefixes, name).is_none()).map(|name| {
            Diagnostic::error(
                display_path(theme_templates.strip_prefix(&config.root).unwrap_or(&theme_templates)),
                format!("the theme has no `{name}` template"),
            )
            .with_hint(format!("add `{name}` to the theme's templates/ folder or to the site's templates/"))
        }));
        let mut files = Vec::new();
        for (name, rel) in &sources {
            match fs::read(&config.root.join(rel)).map(|bytes| crate::diagnostic::decode_utf8(&bytes, rel)) {
                Ok(Ok(text)) => files.push((name.clone(), text)),
                Ok(Err(problem)) => problems.push(problem),
                Err(error) => problems.push(Diagnostic::error(rel, error.to_string())),
            }
        }
        let dirs: Vec<&Path> = layers.iter().map(|layer| layer.dir.as_path()).collect();
        let (strings, mut found) = Strings::load(&dirs, &config.root, &config.language);
        problems.append(&mut found);
        let strings = std::sync::Arc::new(strings);
        let mut fingerprint = crate::fingerprint::Fingerprint::new();
        for (name, text) in &files {
            fingerprint.text(name).text(text);
        }
        fingerprint.value(&strings.sorted()).text(&config.language);
        let theme_statics: Vec<PathBuf> =
            layers.iter().rev().map(|layer| layer.dir.join("static")).filter(|dir| dir.is_dir()).collect();
        let static_dirs: Vec<PathBuf> =
            theme_statics.iter().cloned().chain([config.static_dir()]).filter(|dir| dir.is_dir()).collect();
        let assets =
            if config.plain_assets { BTreeMap::new() } else { fingerprinted_assets(&theme_statics, &static_dirs)? };
        for (plain, hashed) in &assets {
            fingerprint.text(plain).text(hashed);
        }
        let fingerprint = fingerprint.text(config.base_url.path()).finish();
        let texts: BTreeMap<String, String> = files.iter().cloned().collect();
        let reused = previous.filter(|theme| problems.is_empty() && theme.fingerprint == fingerprint);
        let compiled = reused.is_none();
        let templates = Templates { sources: &sources, texts: &texts };
        let tera = match reused {
            Some(theme) => Some(theme.tera),
            None => compile(&files, &prefixes, config.base_url.path(), &assets, &strings)
                .map_err(|error| problems.extend(templates.compile_errors(&error, &files)))
                .ok(),
        };
        let Some(tera) = tera.filter(|_| problems.is_empty()) else {
            return Err(Error::Site(problems));
        };
        let manifest = Manifest::merged(layers.into_iter().map(|layer| layer.manifest).collect());
        Ok((Self { tera, sources, texts, prefixes, static_dirs, manifest, fingerprint, assets, strings }, compiled))
    }

    /// A warning for each language of the site the theme has no strings for (its pages
    /// would show the fallback language's words), at the language in `site.yaml`.
    pub fn check_languages(&self, config: &Config) -> Vec<Diagnostic> {
        config
            .languages
            .iter()
            .enumerate()
            .filter(|(_, language)| !self.strings.has_language(&language.code))
            .map(|(i, language)| {
                let code = &language.code;
                let message = format!(
                    "the theme has no words in `{code}` (no `i18n/{code}.yaml`): pages in `{code}` show its {} words",
                    crate::config::language_name(self.strings.fallback_for(code))
                );
                let at: Vec<&str> = if i == 0 { vec!["language"] } else { vec!["languages", code] };
                config
                    .source
                    .at_key(&at, crate::diagnostic::Severity::Warning, message)
                    .with_hint(format!(
                        "copy the theme's `i18n/en.yaml` to `i18n/{code}.yaml` (in `themes/<theme>/`) and translate the values"
                    ))
            })
            .collect()
    }

    /// Where a static file at site path `rel` is published: a theme's CSS or JavaScript
    /// under its fingerprinted name (`style.1a2b3c4d.css`), anything else as it is.
    pub fn published_path(&self, rel: &Path) -> PathBuf {
        let key = display_path(rel);
        self.assets.get(&key).map_or_else(|| rel.to_path_buf(), PathBuf::from)
    }

    /// A fingerprint of everything that changes how a template renders a given context.
    pub fn fingerprint(&self) -> u128 {
        self.fingerprint
    }

    /// Whether the site, the theme or a parent theme has a template of this name.
    pub fn has(&self, name: &str) -> bool {
        resolve(&self.sources, &self.prefixes, name).is_some()
    }

    /// Renders `template` for the page at `page` (a source path, for the error).
    pub fn render(&self, template: &str, context: &tera::Context, page: &Path) -> Result<String, Diagnostic> {
        let templates = Templates { sources: &self.sources, texts: &self.texts };
        self.tera.render(template, context).map_err(|error| {
            let problem = templates.errors(&error, Some(page)).into_iter().next();
            problem.unwrap_or_else(|| Diagnostic::error("templates", format!("template error: {error}")))
        })
    }
}

/// The theme named in `config` and its parents, the site's theme first, with the problems
/// their `theme.yaml` files have. A site's theme that is missing or a link is an error at
/// once (there is nothing to load); a bad parent is reported in the child's `theme.yaml`.
fn layers(config: &Config) -> Result<(Vec<Layer>, Vec<Diagnostic>), Error> {
    let theme_dir = builtin::locate(&config.root, &config.theme)?;
    if let Some(link) = fs::linked_folder(&config.root, &theme_dir) {
        let shown = link.strip_prefix(&config.root).unwrap_or(&link);
        return Err(Error::one(
            Diagnostic::error(
                shown,
                "this theme folder is a symbolic link; tend never follows links, so it reads no theme through one",
            )
            .with_hint("copy the theme into `themes/` instead of linking to it"),
        ));
    }
    if !theme_dir.is_dir() {
        let available = list_themes(&config.root);
        let hint = match crate::diagnostic::did_you_mean(&config.theme, available.iter().map(String::as_str)) {
            Some(best) => format!("did you mean `theme: {best}`? Themes here: {}", available.join(", ")),
            None if available.is_empty() => "create `themes/<name>/templates/` or copy the default theme".into(),
            None => format!("themes here: {}", available.join(", ")),
        };
        return Err(Error::one(
            Diagnostic::error(crate::config::FILE_NAME, format!("theme `{}` not found in themes/", config.theme))
                .with_hint(hint),
        ));
    }
    let mut layers: Vec<Layer> = Vec::new();
    let mut problems = Vec::new();
    let mut next = Some((config.theme.clone(), theme_dir));
    while let Some((name, dir)) = next.take() {
        let mut chain: Vec<String> = layers.iter().map(|layer| layer.name.clone()).collect();
        chain.push(name.clone());
        let manifest = Manifest::load(&config.root, &dir, &chain).unwrap_or_else(|(manifest, mut errors)| {
            problems.append(&mut errors);
            manifest
        });
        next = match manifest.extends.clone() {
            Some(parent) => Some((parent.clone(), builtin::locate(&config.root, &parent)?)),
            None => None,
        };
        layers.push(Layer { name, dir, manifest });
    }
    Ok((layers, problems))
}

/// Every template by name: each parent theme's under `<parent>/`, then the theme's and the
/// site's own (the site's replacing the theme's), with the problems found on the way.
fn sources(
    config: &Config,
    layers: &[Layer],
    prefixes: &[String],
) -> Result<(BTreeMap<String, PathBuf>, Vec<Diagnostic>), Error> {
    let mut sources = BTreeMap::new();
    let mut problems = Vec::new();
    let mut linked = Vec::new();
    let parents =
        layers[1..].iter().zip(prefixes).map(|(layer, prefix)| (layer.dir.join("templates"), prefix.as_str()));
    let own = [(layers[0].dir.join("templates"), ""), (config.templates_dir(), "")];
    for (dir, prefix) in parents.chain(own) {
        let (files, links) = fs::files_and_links_under(&dir)?;
        linked.extend(links);
        for (rel, path) in files {
            let name = format!("{prefix}{}", display_path(&rel));
            let rel_to_root = path.strip_prefix(&config.root).unwrap_or(&path).to_path_buf();
            if let Some(parent) = prefixes.iter().find(|parent| prefix.is_empty() && name.starts_with(parent.as_str()))
            {
                problems.push(
                    Diagnostic::error(
                        &rel_to_root,
                        format!("this template's name starts with `{parent}`, a parent theme's name"),
                    )
                    .with_hint(format!(
                        "`{parent}…` names the parent theme's templates; move this file to another folder"
                    )),
                );
                continue;
            }
            sources.insert(name, rel_to_root);
        }
    }
    // A template skipped silently would change every page without a word: refuse it.
    problems.extend(linked.into_iter().map(|link| {
        let skipped = fs::skipped_link(&config.root, &link);
        Diagnostic { severity: crate::diagnostic::Severity::Error, ..skipped }
    }));
    Ok((sources, problems))
}

/// The name `name` is found under: as it is, else under the nearest parent that has it.
fn resolve<'s>(sources: &'s BTreeMap<String, PathBuf>, prefixes: &[String], name: &str) -> Option<&'s str> {
    std::iter::once(name.to_owned())
        .chain(prefixes.iter().map(|prefix| format!("{prefix}{name}")))
        .find_map(|candidate| sources.get_key_value(&candidate).map(|(key, _)| key.as_str()))
}

/// Parses every template and adds tend's functions and filters. Tera 2 checks at compile
/// time that every filter, test, function, include and parent a template names exists.
fn compile(
    files: &[(String, String)],
    prefixes: &[String],
    base_path: &str,
    assets: &BTreeMap<String, String>,
    strings: &std::sync::Arc<Strings>,
) -> Result<tera::Tera, tera::Error> {
    let mut tera = tera::Tera::new();
    tera.set_fallback_prefixes(prefixes.to_vec())?;
    tera.autoescape_on([".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    tera.register_filter("urlencode", tera_contrib::urlencode::urlencode);
    tera.register_filter("urlencode_strict", tera_contrib::urlencode::urlencode_strict);
    tera.register_filter("json_script", json_script);
    let base_path_for_assets = base_path.to_owned();
    let base_path = base_path.to_owned();
    tera.register_function("url", move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
        let path: &str = kwargs
            .get("path")?
            .ok_or_else(|| tera::Error::message("`url` needs a `path` argument, e.g. url(path=\"style.css\")"))?;
        Ok(format!("{base_path}{}", path.trim_start_matches('/')))
    });
    let base_path = base_path_for_assets;
    let assets = assets.clone();
    tera.register_function("asset", move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
        let path: &str = kwargs
            .get("path")?
            .ok_or_else(|| tera::Error::message("`asset` needs a `path` argument, e.g. asset(path=\"style.css\")"))?;
        let path = path.trim_start_matches('/');
        Ok(format!("{base_path}{}", assets.get(path).map_or(path, String::as_str)))
    });
    tera.register_function("t", strings::function(std::sync::Arc::clone(strings)));
    tera.add_raw_templates(files.iter().map(|(name, text)| (name.as_str(), text.as_str())))?;
    Ok(tera)
}

/// The themes' CSS and JavaScript files (any file a theme's `static/` has with one of
/// those extensions), each named after a fingerprint of the bytes that will be published
/// there (the site's `static/` may replace a theme's file): `style.css` →
/// `style.1a2b3c4d.css`. A name that changes with the content can be cached for ever.
fn fingerprinted_assets(theme_statics: &[PathBuf], static_dirs: &[PathBuf]) -> Result<BTreeMap<String, String>, Error> {
    let is_asset = |rel: &Path| rel.extension().is_some_and(|ext| ext == "css" || ext == "js");
    let mut winners: BTreeMap<String, PathBuf> = BTreeMap::new();
    for dir in static_dirs {
        let (found, _) = fs::files_and_links_under(dir)?;
        for (rel, abs) in found {
            winners.insert(display_path(&rel), abs);
        }
    }
    let mut themed = std::collections::BTreeSet::new();
    for dir in theme_statics {
        let (found, _) = fs::files_and_links_under(dir)?;
        themed.extend(found.into_iter().map(|(rel, _)| rel).filter(|rel| is_asset(rel)).map(|rel| display_path(&rel)));
    }
    let mut assets = BTreeMap::new();
    for rel in themed {
        let Some(abs) = winners.get(&rel) else { continue };
        let bytes = fs::read(abs)?;
        let hash = format!("{:032x}", crate::fingerprint::Fingerprint::new().bytes(&bytes).finish());
        let path = Path::new(&rel);
        let (stem, ext) = (path.file_stem().unwrap_or_default(), path.extension().unwrap_or_default());
        let name = format!("{}.{}.{}", stem.to_string_lossy(), &hash[..8], ext.to_string_lossy());
        assets.insert(rel.clone(), display_path(&path.with_file_name(name)));
    }
    Ok(assets)
}

/// `value` as JSON that is safe inside a `<script>` element (JSON-LD): `<`, `>` and `&`
/// are written as `\u003c`, `\u003e` and `\u0026`, so `</script>` or `<!--` in a title
/// cannot end the element, and U+2028/U+2029 as escapes too. Marked safe: the
/// template's HTML escaping would break the JSON.
fn json_script(value: tera::Value, _: tera::Kwargs, _: &tera::State) -> tera::TeraResult<tera::Value> {
    let json = serde_json::to_string(&value).map_err(|error| tera::Error::message(error.to_string()))?;
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Ok(tera::Value::safe_string(&out))
}

/// Escapes text for HTML content and quoted attributes. Unlike Tera's default it
/// leaves `/` alone, so URLs stay readable and pages stay small.
fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // Most values (titles, URLs) have nothing to escape: this test has no side effects, so
    // it is vectorised, where the loop below goes byte by byte (a 500-link list on every
    // page escapes 5 million values).
    if !input.bytes().any(|byte| matches!(byte, b'&' | b'<' | b'>' | b'"' | b'\'')) {
        return out.write_all(input.as_bytes());
    }
    let mut last = 0;
    for (at, byte) in input.bytes().enumerate() {
        let entity: &[u8] = match byte {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&input.as_bytes()[last..at])?;
        out.write_all(entity)?;
        last = at + 1;
    }
    out.write_all(&input.as_bytes()[last..])
}

/// The theme folders under `themes/`, sorted, for "did you mean".
fn list_themes(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("themes"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.extend(builtin::NAMES.iter().map(|name| (*name).to_owned()));
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_the_five_html_characters_only() {
        let mut out = Vec::new();
        escape_html("a & b <c> \"d\" 'e' /f/ é", &mut out).expect("write");
        assert_eq!(String::from_utf8(out).expect("utf-8"), "a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39; /f/ é");
    }

    #[test]
    fn a_name_resolves_to_the_nearest_layer_that_has_it() {
        let sources: BTreeMap<String, PathBuf> =
            ["base.html", "mid/base.html", "mid/a.html", "root/a.html", "root/b.html"]
                .iter()
                .map(|name| ((*name).to_owned(), PathBuf::from(name)))
                .collect();
        let prefixes = ["mid/".to_owned(), "root/".to_owned()];
        assert_eq!(resolve(&sources, &prefixes, "base.html"), Some("base.html"));
        assert_eq!(resolve(&sources, &prefixes, "a.html"), Some("mid/a.html"));
        assert_eq!(resolve(&sources, &prefixes, "b.html"), Some("root/b.html"));
        assert_eq!(resolve(&sources, &prefixes, "root/a.html"), Some("root/a.html"));
        assert_eq!(resolve(&sources, &prefixes, "c.html"), None);
    }

    proptest! {
        #[test]
        fn escaping_round_trips(text in "\\PC{0,60}") {
            let mut out = Vec::new();
            escape_html(&text, &mut out).expect("write");
            let escaped = String::from_utf8(out).expect("utf-8");
            let back = escaped.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
            prop_assert_eq!(back, text);
        }
    }
}
