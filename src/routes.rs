//! The route table: the one place that knows which output file belongs to whom.
//!
//! Every file a build writes is claimed here, once, before anything is rendered: tend's
//! own files (the marker, the search index folder, feeds, 404, search and tag pages), the
//! home page, topics, pages, tag pages, static files, article folders' files, then aliases
//! (the newcomer loses: an alias never displaces a file). A second
//! claim on a file, or a claim that needs a folder where another claims a file
//! (`/style.css` as an alias over the stylesheet), or a path that differs from another
//! only in letter case (they are one file on macOS and Windows), is an error naming both claimants,
//! located at the claim that came second. `build`, `check` and `serve` all build this
//! table, so they all find the same collisions, and `check`'s link checker looks links
//! up in it. Path arithmetic lives in [`crate::sitepath`]; this module only decides
//! ownership.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::{Config, RawHtml};
use crate::content::{Content, Permalink};
use crate::diagnostic::{Diagnostic, display_path};
use crate::error::Error;
use crate::theme::Theme;

/// Who owns an output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// `.tend-output`, the marker that lets tend replace the folder.
    Marker,
    /// A language's home page (index into [`Content::languages`]).
    Home(usize),
    /// A topic's page (index into [`Content::topics`]).
    Topic(usize),
    /// A page (index into [`Content::pages`]).
    Page(usize),
    /// A language's page listing every tag (index into [`Content::languages`]).
    Tags(usize),
    /// One tag's page: the language and the index into its
    /// [`crate::content::LanguageContent::tags`].
    Tag(usize, usize),
    /// A language's search page.
    Search(usize),
    /// The words a language's search page suggests from (`search/words.txt`).
    Vocabulary(usize),
    /// A language's not-found page (`404.html`, `es/404.html`).
    NotFound(usize),
    /// `sitemap.xml`, `atom.xml` or `robots.txt`: a static file of the same name replaces it.
    Feed,
    /// A redirect page for `alias` of page `page`.
    Alias {
        /// Index into [`Content::pages`].
        page: usize,
        /// The alias as written.
        alias: String,
    },
    /// A file copied as is (a theme's or the site's `static/`, or an article folder's file).
    Static(PathBuf),
}

/// The longest file or folder name common file systems (ext4, APFS, NTFS) accept.
const MAX_NAME_BYTES: usize = 255;

/// Folders whose every file belongs to one owner (tend's search index).
const OWNED_FOLDERS: [&str; 1] = ["pagefind"];

/// What claims an output file, and where that claim is written.
#[derive(Debug, Clone)]
struct Claim {
    owner: Owner,
    /// The source file behind the claim (relative to the site root), if any.
    source: Option<PathBuf>,
    /// Whether the path was chosen in so many words (a `slug`), rather than by a file's
    /// name: of two colliding pages, that one is where the author looks to fix it.
    chosen: bool,
}

/// Every output file of the site and its owner, plus the collisions found building it.
#[derive(Debug, Clone, Default)]
pub struct Routes {
    /// Hashed rather than ordered: comparing paths component by component made claiming
    /// 10,000 pages a visible share of a rebuild. The iterators below sort.
    files: HashMap<PathBuf, Claim>,
    /// Folders some claim needs, with the file that needs it first.
    folders: HashMap<PathBuf, PathBuf>,
    /// Each claimed path in lowercase, with the path as claimed: on a case-insensitive
    /// file system (macOS, Windows, many hosts) `Logo.png` overwrites `logo.png`.
    folded: HashMap<String, PathBuf>,
    /// Collisions and invalid aliases, located.
    pub problems: Vec<Diagnostic>,
    /// For each refused claim, its problem's index and owner, to locate it afterwards.
    refused: Vec<(usize, Owner)>,
    /// The fingerprint of the claims it was built from, when it may be reused.
    steps: Option<u128>,
}

/// One step of building the route table.
enum Step {
    /// A claim: the path, its owner, the source behind it, and whether a `slug` chose it.
    Claim(PathBuf, Owner, Option<PathBuf>, bool),
    Problem(Diagnostic),
}

/// The steps of building the route table, in order.
#[derive(Default)]
struct Steps(Vec<Step>);

impl Steps {
    fn claim(&mut self, path: PathBuf, owner: Owner, source: Option<&Path>) {
        self.claim_chosen(path, owner, source, false);
    }

    fn claim_chosen(&mut self, path: PathBuf, owner: Owner, source: Option<&Path>, chosen: bool) {
        self.0.push(Step::Claim(path, owner, source.map(Path::to_path_buf), chosen));
    }

    fn problem(&mut self, problem: Diagnostic) {
        self.0.push(Step::Problem(problem));
    }

    fn problems(&mut self, problems: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(problems.into_iter().map(Step::Problem));
    }
}

/// The fingerprint of the claims among `steps` (a problem among them means the table is
/// not reused, so they need no part in it).
fn steps_fingerprint(steps: &[Step]) -> u128 {
    let mut fingerprint = crate::fingerprint::Fingerprint::new();
    for step in steps {
        match step {
            Step::Claim(path, owner, source, chosen) => {
                fingerprint.bytes(path.as_os_str().as_encoded_bytes()).text(&format!("{owner:?} {chosen}"));
                fingerprint.bytes(source.as_deref().map_or(b"\0".as_slice(), |s| s.as_os_str().as_encoded_bytes()));
            }
            Step::Problem(_) => {
                fingerprint.text("problem");
            }
        }
    }
    fingerprint.finish()
}

impl Routes {
    /// Claims every output file of `content` rendered with `theme` (`None` when the theme
    /// did not load: `tend check` still checks the content, with the site's own static files).
    pub fn new(config: &Config, theme: Option<&Theme>, content: &Content) -> Result<Self, Error> {
        Self::new_reusing(config, theme, content, None)
    }

    /// [`Routes::new`], returning `previous` itself when it was built from the same claims
    /// and found no problem (`tend serve` keeps one between saves: a save that moves no
    /// page claims nothing new).
    pub fn new_reusing(
        config: &Config,
        theme: Option<&Theme>,
        content: &Content,
        previous: Option<Self>,
    ) -> Result<Self, Error> {
        let steps = Self::steps(config, theme, content)?;
        let fingerprint = previous.is_some().then(|| steps_fingerprint(&steps));
        if let Some(previous) = previous
            && previous.problems.is_empty()
            && previous.steps.is_some()
            && previous.steps == fingerprint
        {
            return Ok(previous);
        }
        let mut routes = Self { steps: fingerprint, ..Self::default() };
        for step in steps {
            match step {
                Step::Claim(path, owner, source, chosen) => routes.claim_chosen(path, owner, source.as_deref(), chosen),
                Step::Problem(problem) => routes.problems.push(problem),
            }
        }
        routes.locate(content);
        Ok(routes)
    }

    /// Every claim of the site's output files, in order, with the problems found on the way.
    fn steps(config: &Config, theme: Option<&Theme>, content: &Content) -> Result<Vec<Step>, Error> {
        let mut routes = Steps::default();
        routes.claim(".tend-output".into(), Owner::Marker, None);

        for feed in ["sitemap.xml", "robots.txt"] {
            routes.claim(feed.into(), Owner::Feed, None);
        }
        for (lang, language) in config.languages.iter().enumerate() {
            let prefix = Path::new(&language.prefix);
            routes.claim(prefix.join("404.html"), Owner::NotFound(lang), None);
            routes.claim(prefix.join("atom.xml"), Owner::Feed, None);
            routes.claim(prefix.join("tags/index.html"), Owner::Tags(lang), None);
            if config.search.enabled && theme.is_none_or(|theme| theme.has("search.html")) {
                routes.claim(prefix.join("search/index.html"), Owner::Search(lang), None);
            }
            if config.search.enabled {
                routes.claim(prefix.join(crate::search::VOCABULARY_FILE), Owner::Vocabulary(lang), None);
            }
        }
        for (lang, language) in content.languages.iter().enumerate() {
            // A language's home made from site.yaml has no file to name.
            let source = Some(language.home.path.as_path()).filter(|_| !language.home.text.is_empty() || lang == 0);
            routes.claim(language.home.permalink.output_file(), Owner::Home(lang), source);
        }
        for (i, topic) in content.topics.iter().enumerate() {
            let chosen = topic.front.slug.is_some();
            routes.claim_chosen(topic.permalink.output_file(), Owner::Topic(i), Some(&topic.path), chosen);
        }
        for (i, page) in content.pages.iter().enumerate() {
            let chosen = page.front.slug.is_some();
            routes.claim_chosen(page.permalink.output_file(), Owner::Page(i), Some(&page.path), chosen);
        }
        for (lang, language) in content.languages.iter().enumerate() {
            for (i, tag) in language.tags.iter().enumerate() {
                routes.claim(Permalink::from_site_path(&tag.site_path).output_file(), Owner::Tag(lang, i), None);
            }
        }
        let static_dirs = match theme {
            Some(theme) => theme.static_dirs.clone(),
            None => vec![config.static_dir()],
        };
        for dir in &static_dirs {
            let (found, links, hidden) = crate::error::fs::static_files_under(dir)?;
            routes.problems(links.iter().map(|link| crate::error::fs::skipped_link(&config.root, link)));
            routes.problems(hidden.iter().map(|path| crate::error::fs::skipped_hidden(&config.root, path)));
            for (rel, abs) in found {
                let source = abs.strip_prefix(&config.root).unwrap_or(&abs).to_path_buf();
                let published = theme.map_or_else(|| rel.clone(), |theme| theme.published_path(&rel));
                routes.claim(published, Owner::Static(abs), Some(&source));
            }
        }
        for page in &content.pages {
            for (abs, inner) in &page.assets {
                let rel = Path::new(page.permalink.as_str()).join(inner);
                let source = abs.strip_prefix(&config.root).unwrap_or(abs).to_path_buf();
                if config.markdown.raw_html != RawHtml::Trust
                    && let Some(why) = runs_script(abs)
                {
                    routes.problem(
                        Diagnostic::error(&source, format!("this file {why}; it would run on the site's own address, where `raw_html` does not allow scripts"))
                            .with_hint("article folders publish images, PDFs and other media; a page's content goes in its Markdown (set `markdown: {raw_html: trust}` only if every author is trusted)"),
                    );
                    continue;
                }
                routes.claim(rel, Owner::Static(abs.clone()), Some(&source));
            }
        }
        for (i, page) in content.pages.iter().enumerate() {
            for alias in &page.front.aliases {
                let owner = Owner::Alias { page: i, alias: alias.clone() };
                match crate::sitepath::alias_path(alias) {
                    Ok(path) => routes.claim(path.output_file(), owner, Some(&page.path)),
                    Err(why) => routes.problem(
                        at_alias(
                            content,
                            i,
                            alias,
                            format!("alias `{alias}` is not a path this site can publish: {why}"),
                        )
                        .with_hint("write an old address of this page as a path from the site root, e.g. `/old/path/`"),
                    ),
                }
            }
        }
        Ok(routes.0)
    }

    /// Claims output file `path` for `owner` (`chosen`: a `slug` chose the path), or
    /// reports why it cannot.
    fn claim_chosen(&mut self, path: PathBuf, owner: Owner, source: Option<&Path>, chosen: bool) {
        let claim = Claim { owner, source: source.map(Path::to_path_buf), chosen };
        if let Some(long) = path.components().find(|c| c.as_os_str().len() > MAX_NAME_BYTES) {
            let name = long.as_os_str().to_string_lossy();
            let reason = format!(
                "has a name of {} bytes (`{}…`); file systems allow {MAX_NAME_BYTES}",
                name.len(),
                name.chars().take(40).collect::<String>()
            );
            self.refuse(&claim, &path, &reason);
            return;
        }
        if let Some(existing) = self.files.get(&path) {
            if replaceable(&existing.owner, &claim.owner) {
                self.files.insert(path, claim);
            } else if existing.chosen && !claim.chosen && claim.source.is_some() {
                // The page whose `slug` took another page's path is the one to change.
                let (existing, newcomer) = (existing.clone(), describe(&claim.owner, claim.source.as_deref()));
                self.refuse(&existing, &path, &format!("is already {newcomer}"));
            } else {
                let taken = describe(&existing.owner, existing.source.as_deref());
                self.refuse(&claim, &path, &format!("is already {taken}"));
            }
            return;
        }
        if let Some(needer) = self.folders.get(&path) {
            let message = format!("must be a folder for `/{}`", display_path(needer));
            self.refuse(&claim, &path, &message);
            return;
        }
        let mut ancestors = path.ancestors().skip(1).filter(|a| !a.as_os_str().is_empty());
        if let Some(blocked) = ancestors.find(|a| self.files.contains_key(*a)) {
            let taken = &self.files[blocked];
            let message = format!(
                "needs a folder `/{}/`, which is already {}",
                display_path(blocked),
                describe(&taken.owner, taken.source.as_deref())
            );
            self.refuse(&claim, &path, &message);
            return;
        }
        let top = path.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned());
        if let Some(folder) = top.filter(|top| OWNED_FOLDERS.contains(&top.as_str()) && path.components().count() > 1) {
            self.refuse(&claim, &path, &format!("is inside `/{folder}/`, which tend fills with the search index"));
            return;
        }
        let folded = path.to_string_lossy().to_lowercase();
        if let Some(other) = self.folded.get(&folded) {
            let taken = &self.files[other];
            let message = format!(
                "differs only in letter case from `/{}` ({}): on a case-insensitive file system (macOS, Windows, many web hosts) one would overwrite the other",
                url_of(other),
                describe(&taken.owner, taken.source.as_deref())
            );
            self.refuse(&claim, &path, &message);
            return;
        }
        self.folded.insert(folded, path.clone());
        for ancestor in path.ancestors().skip(1).filter(|a| !a.as_os_str().is_empty()) {
            self.folders.entry(ancestor.to_path_buf()).or_insert_with(|| path.clone());
        }
        self.files.insert(path, claim);
    }

    /// Reports a claim that lost: `path` `reason`.
    fn refuse(&mut self, claim: &Claim, path: &Path, reason: &str) {
        let url = url_of(path);
        let Some(source) = &claim.source else { return };
        let what = match &claim.owner {
            Owner::Alias { alias, .. } => format!("alias `{alias}`"),
            Owner::Static(_) => "this static file".into(),
            Owner::Topic(_) => "this topic".into(),
            Owner::Home(_) => "the home page".into(),
            _ => "this page".into(),
        };
        let hint = match &claim.owner {
            Owner::Alias { .. } => "each URL leads to one place only: remove or change this alias",
            Owner::Static(_) => "rename or move the static file; pages come from content/",
            _ => "rename the file or folder, or set a different `slug`",
        };
        self.refused.push((self.problems.len(), claim.owner.clone()));
        self.problems
            .push(Diagnostic::error(source, format!("{what} claims `/{url}`, which {reason}")).with_hint(hint));
    }

    /// Points each refused claim at where it is written: the alias in the front matter,
    /// or the page's `slug`.
    fn locate(&mut self, content: &Content) {
        for (index, owner) in std::mem::take(&mut self.refused) {
            let problem = &self.problems[index];
            let located = match &owner {
                Owner::Alias { page, alias } => at_alias(content, *page, alias, problem.message.clone()),
                Owner::Page(i) => at_slug(&content.pages[*i].front_matter(), problem),
                Owner::Topic(i) => at_slug(&content.topics[*i].front_matter(), problem),
                _ => continue,
            };
            let hint = problem.hint.clone();
            self.problems[index] = Diagnostic { hint, ..located };
        }
    }

    /// The owner of output file `path`, if any.
    pub fn owner(&self, path: &Path) -> Option<&Owner> {
        self.files.get(path).map(|claim| &claim.owner)
    }

    /// What a link to site path `path` (no leading slash, decoded) reaches: the owner of
    /// the file, of `path/index.html`, or `None`. Anything inside an owned folder (the
    /// search index) exists as far as links can tell.
    pub fn lookup(&self, path: &str) -> Option<Lookup<'_>> {
        let candidates = [
            Some(PathBuf::from(path)),
            (path.is_empty() || path.ends_with('/')).then(|| PathBuf::from(format!("{path}index.html"))),
            (!path.is_empty() && !path.ends_with('/')).then(|| PathBuf::from(format!("{path}/index.html"))),
        ];
        if let Some(owner) = candidates.into_iter().flatten().find_map(|p| self.owner(&p)) {
            return Some(Lookup::File(owner));
        }
        OWNED_FOLDERS.iter().any(|folder| path.starts_with(&format!("{folder}/"))).then_some(Lookup::Generated)
    }

    /// Site paths written under `extra:` in `site.yaml` (`help_page: get-help/`,
    /// `start_here: [basics/x/]`) that lead nowhere. Themes drop a link whose page does
    /// not exist, so a typo would silently take the Get help link off every page.
    /// `severity`: a warning for `build` and `serve`, an error for `check`.
    pub fn check_extra_paths(&self, config: &Config, severity: crate::diagnostic::Severity) -> Vec<Diagnostic> {
        let site_path = |value: &serde_yaml::Value| {
            value
                .as_str()
                .filter(|text| {
                    text.ends_with('/')
                        && !text.contains(char::is_whitespace)
                        && crate::sitepath::scheme(text).is_none()
                })
                .map(str::to_owned)
        };
        let mut problems = Vec::new();
        for key in config.source.extra_keys() {
            let Some(value) = config.extra.get(key) else { continue };
            let mut written: Vec<(Vec<String>, String)> = Vec::new();
            match value {
                serde_yaml::Value::Sequence(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if let Some(path) = site_path(item) {
                            written.push((vec!["extra".into(), key.into(), i.to_string()], path));
                        }
                    }
                }
                other => written.extend(site_path(other).map(|path| (vec!["extra".into(), key.into()], path))),
            }
            for (at, path) in written {
                let Some(decoded) = crate::sitepath::join("", &path) else { continue };
                if self.lookup(&decoded).is_some() {
                    continue;
                }
                let at: Vec<&str> = at.iter().map(String::as_str).collect();
                let mut hint = "a site path from the site's root, e.g. `get-help/`".to_owned();
                let pages: Vec<String> = self.site_paths().filter(|p| p.ends_with('/')).collect();
                if let Some(best) = crate::diagnostic::did_you_mean(&decoded, pages.iter().map(String::as_str)) {
                    hint = format!("did you mean `{best}`?");
                }
                let message = format!(
                    "`extra.{key}` names `{path}`, which is not a page of this site: the theme will leave its link out"
                );
                problems.push(config.source.at_value(&at, severity, message).with_hint(hint));
            }
        }
        problems
    }

    /// Every output file that is copied from a source file: (output path, source), sorted.
    pub fn statics(&self) -> impl Iterator<Item = (&Path, &Path)> {
        sorted(self.files.iter().filter_map(|(path, claim)| match &claim.owner {
            Owner::Static(source) => Some((path.as_path(), source.as_path())),
            _ => None,
        }))
    }

    /// Every alias redirect: (output path, page index), sorted.
    pub fn aliases(&self) -> impl Iterator<Item = (&Path, usize)> {
        sorted(self.files.iter().filter_map(|(path, claim)| match &claim.owner {
            Owner::Alias { page, .. } => Some((path.as_path(), *page)),
            _ => None,
        }))
    }

    /// Every output path with its owner, sorted by path.
    pub fn iter(&self) -> impl Iterator<Item = (&Path, &Owner)> {
        sorted(self.files.iter().map(|(path, claim)| (path.as_path(), &claim.owner)))
    }

    /// Whether output file `path` is still tend's own (a static file may replace a feed).
    pub fn is_generated(&self, path: &str) -> bool {
        self.owner(Path::new(path)).is_some_and(|owner| !matches!(owner, Owner::Static(_)))
    }

    /// Output paths whose last segment is closest to `path`'s among files of the same
    /// kind, for a "did you mean".
    pub fn site_paths(&self) -> impl Iterator<Item = String> + '_ {
        self.files.keys().map(|path| {
            let shown = display_path(path);
            match shown.strip_suffix("index.html") {
                Some(dir) => dir.to_owned(),
                None => shown,
            }
        })
    }
}

/// `pairs` in order of their paths.
fn sorted<'a, T>(pairs: impl Iterator<Item = (&'a Path, T)>) -> std::vec::IntoIter<(&'a Path, T)> {
    let mut pairs: Vec<_> = pairs.collect();
    pairs.sort_unstable_by(|a, b| a.0.cmp(b.0));
    pairs.into_iter()
}

/// What a link reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// A file with this owner.
    File(&'a Owner),
    /// A file tend generates in a folder it owns (the search index).
    Generated,
}

/// Whether `new` may take a file `old` holds: a site's static file over the theme's (the
/// later static folder wins) or over a generated feed (a custom `robots.txt`).
fn replaceable(old: &Owner, new: &Owner) -> bool {
    matches!((old, new), (Owner::Static(_) | Owner::Feed, Owner::Static(_)))
}

/// "the page `content/a.md`", "tend's tag page", … for messages.
fn describe(owner: &Owner, source: Option<&Path>) -> String {
    let named = |what: &str| match source {
        Some(path) => format!("the {what} `{}`", display_path(path)),
        None => format!("the {what}"),
    };
    match owner {
        Owner::Marker => "the marker tend keeps in its output folder".into(),
        Owner::Home(_) => named("home page"),
        Owner::Topic(_) => named("topic"),
        Owner::Page(_) => named("page"),
        Owner::Tags(_) => "tend's page listing every tag".into(),
        Owner::Tag(..) => "a tag's page".into(),
        Owner::Search(_) => "tend's search page".into(),
        Owner::Vocabulary(_) => "tend's search vocabulary".into(),
        Owner::NotFound(_) => "tend's not-found page".into(),
        Owner::Feed => "a file tend generates (sitemap, feed or robots.txt)".into(),
        Owner::Alias { alias, .. } => match source {
            Some(path) => format!("the alias `{alias}` of `{}`", display_path(path)),
            None => format!("alias `{alias}`"),
        },
        Owner::Static(_) => named("static file"),
    }
}

/// `a/index.html` → `a/`, as a reader sees the URL.
fn url_of(path: &Path) -> String {
    let shown = display_path(path);
    match shown.strip_suffix("index.html") {
        Some(dir) => dir.to_owned(),
        None => shown,
    }
}

/// An error at `alias` in page `page`'s front matter (at the `aliases` key if the YAML
/// outline cannot place the value).
fn at_alias(content: &Content, page: usize, alias: &str, message: String) -> Diagnostic {
    let page = &content.pages[page];
    let document = page.front_matter();
    let index = page.front.aliases.iter().position(|a| a == alias).unwrap_or_default().to_string();
    match document.outline().value(&["aliases", &index]) {
        Some(span) => document.error_at(span, message),
        None => document.error_at_key("aliases", message),
    }
}

/// `problem` placed at the `slug` key of a file's front matter, or its first line.
fn at_slug(document: &crate::yaml::Document<'_>, problem: &Diagnostic) -> Diagnostic {
    document.error_at_key("slug", problem.message.clone())
}

/// Why an article folder's file could run script when opened on the site, if it could:
/// an HTML page or a script, or an SVG image with script, event handlers, `javascript:`
/// URLs or embedded HTML (an SVG shown with `<img>` is inert, but one opened directly is a
/// document like any page).
fn runs_script(path: &Path) -> Option<&'static str> {
    let extension = path.extension()?.to_string_lossy().to_ascii_lowercase();
    match extension.as_str() {
        "html" | "htm" | "xhtml" | "shtml" => Some("is an HTML page"),
        "js" | "mjs" | "cjs" => Some("is a script"),
        "svg" | "svgz" | "xml" | "xsl" => {
            let text = std::fs::read(path).ok()?;
            let text = String::from_utf8_lossy(&text).to_ascii_lowercase();
            let handler =
                text.match_indices(" on").chain(text.match_indices("\ton")).chain(text.match_indices("\non")).any(
                    |(at, found)| {
                        let rest = &text[at + found.len()..];
                        let name: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
                        !name.is_empty() && rest[name.len()..].trim_start().starts_with('=')
                    },
                );
            let scripted = ["<script", "javascript:", "<foreignobject", "<iframe", "<embed", "<object", "<!entity"]
                .iter()
                .any(|needle| text.contains(needle));
            (scripted || handler).then_some("is an SVG or XML document with script in it")
        }
        _ => None,
    }
}
