//! Incremental rendering (`tend serve`'s cache): after any sequence of edits, a render
//! that reuses the previous render's work must equal a render from scratch, byte for
//! byte, and an ordinary edit must re-render only what depends on it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use tend::{BuildOptions, CacheStats, Overrides, RenderCache};

use crate::support::SiteTest;

/// The outcome of one render, comparable across cached and fresh renders.
#[derive(Debug, PartialEq)]
enum Outcome {
    Built { files: Vec<(PathBuf, Vec<u8>)>, search: Vec<tend::search::Record>, warnings: Vec<String> },
    Failed(String),
}

fn options(root: &Path) -> BuildOptions {
    BuildOptions { root: root.to_path_buf(), output: "public".into(), overrides: Overrides::default() }
}

fn outcome(result: Result<(tend::Config, tend::Site), tend::Error>) -> Outcome {
    match result {
        Ok((_, site)) => Outcome::Built {
            files: site
                .files
                .iter()
                .map(|file| {
                    let bytes = match &file.contents {
                        tend::site::Contents::Bytes(bytes) => bytes.to_vec(),
                        tend::site::Contents::Copy(path) => std::fs::read(path).expect("static file"),
                    };
                    (file.path.clone(), bytes)
                })
                .collect(),
            search: site.search,
            warnings: site.warnings.iter().map(ToString::to_string).collect(),
        },
        Err(tend::Error::Site(problems)) => {
            Outcome::Failed(problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
        }
        Err(other) => Outcome::Failed(other.to_string()),
    }
}

/// Renders with the cache and from scratch, asserts they agree, returns the cache's stats.
fn render_both(root: &Path, cache: &mut RenderCache) -> (CacheStats, Outcome) {
    let cached = outcome(tend::render_cached(&options(root), Some(cache)));
    let fresh = outcome(tend::render(&options(root)));
    assert!(cached == fresh, "cached render differs from a fresh one:\n{}", difference(&cached, &fresh));
    (cache.stats, cached)
}

fn difference(cached: &Outcome, fresh: &Outcome) -> String {
    match (cached, fresh) {
        (Outcome::Built { files: a, .. }, Outcome::Built { files: b, .. }) => {
            let mut lines = Vec::new();
            for (path, bytes) in a {
                match b.iter().find(|(p, _)| p == path) {
                    None => lines.push(format!("only cached: {}", path.display())),
                    Some((_, other)) if other != bytes => lines.push(format!("stale: {}", path.display())),
                    Some(_) => {}
                }
            }
            lines.extend(
                b.iter()
                    .filter(|(p, _)| !a.iter().any(|(q, _)| q == p))
                    .map(|(p, _)| format!("only fresh: {}", p.display())),
            );
            if lines.is_empty() { "search records or warnings differ".into() } else { lines.join("\n") }
        }
        _ => format!("cached: {cached:?}\nfresh: {fresh:?}"),
    }
}

fn edit(root: &Path, rel: &str, change: impl FnOnce(String) -> String) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, change(text)).expect("write");
}

#[test]
fn an_unchanged_site_renders_nothing_again() {
    let site = SiteTest::fixture("basic");
    let mut cache = RenderCache::new();
    let (first, _) = render_both(&site.root, &mut cache);
    assert_eq!(first.pages_reused, 0);
    assert_eq!(first.markdown_reused, 0);
    let (second, _) = render_both(&site.root, &mut cache);
    assert_eq!((second.markdown_rendered, second.pages_rendered), (0, 0), "{second:?}");
    assert_eq!(second.pages_reused, first.pages_rendered);
}

#[test]
fn a_body_edit_renders_one_page() {
    let site = SiteTest::fixture("basic");
    let mut cache = RenderCache::new();
    render_both(&site.root, &mut cache);
    edit(&site.root, "content/care/washing.md", |text| text.replace("Plain **water**", "Plain, warm **water**"));
    let (stats, _) = render_both(&site.root, &mut cache);
    assert_eq!((stats.markdown_rendered, stats.pages_rendered), (1, 1), "{stats:?}");
}

#[test]
fn a_title_edit_renders_the_pages_that_show_the_title() {
    let site = SiteTest::fixture("basic");
    let mut cache = RenderCache::new();
    let (first, _) = render_both(&site.root, &mut cache);
    edit(&site.root, "content/care/washing.md", |text| text.replace("title: Washing up", "title: Washing gently"));
    let (stats, outcome) = render_both(&site.root, &mut cache);
    let Outcome::Built { files, .. } = outcome else { panic!("build failed") };
    let shows = |path: &str| {
        files.iter().any(|(p, bytes)| p == Path::new(path) && String::from_utf8_lossy(bytes).contains("Washing gently"))
    };
    // The article, its topic, a sibling's sidebar, the home page and its tag pages all
    // show the new title; pages in the other topic that do not link to it are reused.
    for page in ["care/washing/index.html", "care/index.html", "care/drying/index.html", "tags/hygiene/index.html"] {
        assert!(shows(page), "{page} shows the new title");
    }
    assert!(stats.pages_rendered > 1 && stats.pages_rendered < first.pages_rendered, "{stats:?}");
    assert!(stats.pages_reused > 0);
}

#[test]
fn a_cache_told_what_changed_reads_only_those_files() {
    let site = SiteTest::fixture("basic");
    let mut cache = RenderCache::new();
    cache.note_changes(None);
    let (first, _) = render_both(&site.root, &mut cache);
    assert!(first.files_read > 3, "{first:?}");
    let article = "content/care/washing.md";
    edit(&site.root, article, |text| text.replace("Plain **water**", "Plain, warm **water**"));
    cache.note_changes(Some(&BTreeSet::from([PathBuf::from(article)])));
    let (stats, _) = render_both(&site.root, &mut cache);
    assert_eq!((stats.files_read, stats.markdown_rendered, stats.pages_rendered), (1, 1, 1), "{stats:?}");
    // A folder named stands for everything in it.
    cache.note_changes(Some(&BTreeSet::from([PathBuf::from("content/care")])));
    let (stats, _) = render_both(&site.root, &mut cache);
    let in_care = tree(&site.root).keys().filter(|p| p.starts_with("content/care") && is_markdown(p)).count();
    assert_eq!(stats.files_read, in_care, "{stats:?}");
    // Lost events: everything is read again.
    cache.note_changes(None);
    let (stats, _) = render_both(&site.root, &mut cache);
    assert_eq!(stats.files_read, first.files_read, "{stats:?}");
}

#[test]
fn a_cache_never_told_what_changed_reads_every_file() {
    let site = SiteTest::fixture("basic");
    let mut cache = RenderCache::new();
    let (first, _) = render_both(&site.root, &mut cache);
    let (second, _) = render_both(&site.root, &mut cache);
    assert_eq!(second.files_read, first.files_read);
}

#[test]
fn changes_noted_before_a_failed_render_are_read_by_the_next() {
    let site = SiteTest::fixture("basic");
    let mut cache = RenderCache::new();
    cache.note_changes(None);
    render_both(&site.root, &mut cache);
    let article = "content/care/washing.md";
    edit(&site.root, article, |text| text.replace("Plain **water**", "Plain, warm **water**"));
    edit(&site.root, "site.yaml", |text| {
        format!(
            "{text}
not_a_key: 1
"
        )
    });
    cache.note_changes(Some(&BTreeSet::from([PathBuf::from(article), PathBuf::from("site.yaml")])));
    let (_, failed) = render_both(&site.root, &mut cache);
    assert!(matches!(failed, Outcome::Failed(_)));
    edit(&site.root, "site.yaml", |text| text.replace("\nnot_a_key: 1\n", ""));
    cache.note_changes(Some(&BTreeSet::from([PathBuf::from("site.yaml")])));
    // render_both compares with a fresh render: a kept stale text would differ.
    let (stats, _) = render_both(&site.root, &mut cache);
    assert_eq!(stats.files_read, 1, "{stats:?}");
}

fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md")
}

#[test]
fn template_and_config_edits_render_everything_again() {
    let site = SiteTest::fixture("basic");
    let mut cache = RenderCache::new();
    let (first, _) = render_both(&site.root, &mut cache);
    edit(&site.root, "themes/plain/templates/base.html", |text| text.replace("</body>", "<!-- x --></body>"));
    let (stats, _) = render_both(&site.root, &mut cache);
    assert_eq!(stats.pages_rendered, first.pages_rendered);
    edit(&site.root, "site.yaml", |text| text.replace("title: Fixture guide", "title: Renamed guide"));
    let (stats, _) = render_both(&site.root, &mut cache);
    assert_eq!(stats.pages_rendered, first.pages_rendered);
}

#[test]
fn the_bundled_guide_renders_identically_after_edits() {
    let site = SiteTest::copy_of(Path::new(env!("CARGO_MANIFEST_DIR")));
    let mut cache = RenderCache::new();
    render_both(&site.root, &mut cache);
    let article = "content/feelings/feeling-low-after-sex.md";
    edit(&site.root, article, |text| format!("{text}\nOne more gentle sentence for you.\n"));
    let (stats, _) = render_both(&site.root, &mut cache);
    assert_eq!(stats.markdown_rendered, 1, "{stats:?}");
    assert!(stats.pages_rendered <= 3, "a body edit re-rendered {} pages", stats.pages_rendered);
    edit(&site.root, article, |text| text.replacen("title: ", "title: Now: ", 1));
    render_both(&site.root, &mut cache);
    edit(&site.root, "themes/default/templates/base.html", |text| text.replacen("</footer>", "<p>x</p></footer>", 1));
    render_both(&site.root, &mut cache);
}

/// One edit a writer might make to the basic fixture.
#[derive(Debug, Clone)]
enum Edit {
    Body(usize, String),
    Title(usize, String),
    Heading(usize, String),
    Tags(usize, Vec<String>),
    Order(usize, i64),
    Draft(usize),
    Add(usize, String),
    Remove(usize),
    Rename(usize, String),
    TopicTitle(usize, String),
    SiteTitle(String),
    Template(String),
    Style(String),
    /// An unknown front matter key: the build fails until the next `Unbreak`.
    Break(usize),
    Unbreak,
    /// A link to another article's heading (which may not exist).
    LinkTo(usize, usize, String),
    Search(bool),
    /// A Spanish version of an article (and of its topics, and `es` in site.yaml, when
    /// missing), with `words` as its title.
    Translate(usize, String),
}

const TOPICS: &[&str] = &["content/care", "content/talk", "content/care/deeper"];

fn articles(root: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "md")
                && p.file_name().is_some_and(|n| !n.to_string_lossy().starts_with("_index."))
        })
        .collect();
    found.sort();
    found
}

/// Every file under `root`, by path relative to it, with its bytes.
fn tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(root).expect("inside").to_path_buf(), std::fs::read(e.path()).expect("read")))
        .collect()
}

/// The paths a watcher would report between two trees: written, created and removed files.
fn changed_paths(before: &BTreeMap<PathBuf, Vec<u8>>, after: &BTreeMap<PathBuf, Vec<u8>>) -> BTreeSet<PathBuf> {
    let written = after.iter().filter(|(path, bytes)| before.get(*path) != Some(bytes)).map(|(path, _)| path);
    let removed = before.keys().filter(|path| !after.contains_key(*path));
    written.chain(removed).cloned().collect()
}

fn apply(root: &Path, edit_: &Edit) {
    let list = articles(root);
    let pick = |i: &usize| list[i % list.len()].clone();
    let rewrite = |path: &Path, change: &dyn Fn(String) -> String| {
        let text = std::fs::read_to_string(path).expect("read");
        std::fs::write(path, change(text)).expect("write");
    };
    let front = |text: &str, line: &str| text.replacen("---\n", &format!("---\n{line}\n"), 1);
    match edit_ {
        Edit::Body(i, words) => rewrite(&pick(i), &|t| format!("{t}\n{words}\n")),
        Edit::Title(i, words) => rewrite(&pick(i), &|t| {
            let title = t.lines().find(|l| l.starts_with("title:")).unwrap_or("title: x").to_owned();
            t.replacen(&title, &format!("title: {words}"), 1)
        }),
        Edit::Heading(i, words) => rewrite(&pick(i), &|t| format!("{t}\n## {words}\n\nText.\n")),
        Edit::Tags(i, tags) => rewrite(&pick(i), &|t| {
            let kept: Vec<&str> = t.lines().filter(|l| !l.starts_with("tags:")).collect();
            front(&(kept.join("\n") + "\n"), &format!("tags: [{}]", tags.join(", ")))
        }),
        Edit::Order(i, order) => rewrite(&pick(i), &|t| {
            let kept: Vec<&str> = t.lines().filter(|l| !l.starts_with("order:")).collect();
            front(&(kept.join("\n") + "\n"), &format!("order: {order}"))
        }),
        Edit::Draft(i) => rewrite(&pick(i), &|t| {
            if t.contains("\ndraft: true") { t.replace("\ndraft: true", "") } else { front(&t, "draft: true") }
        }),
        Edit::Add(topic, slug) => {
            let path = root.join(TOPICS[topic % TOPICS.len()]).join(format!("{slug}.md"));
            std::fs::write(path, format!("---\ntitle: New {slug}\ndescription: About {slug}.\n---\nHello {slug}.\n"))
                .expect("write");
        }
        Edit::Remove(i) => std::fs::remove_file(pick(i)).expect("remove"),
        Edit::Rename(i, slug) => {
            let from = pick(i);
            if from.file_name().is_some_and(|n| n == "index.md") {
                return;
            }
            std::fs::rename(&from, from.with_file_name(format!("{slug}.md"))).expect("rename");
        }
        Edit::TopicTitle(topic, words) => rewrite(&root.join(TOPICS[topic % TOPICS.len()]).join("_index.md"), &|t| {
            let title = t.lines().find(|l| l.starts_with("title:")).unwrap_or("title: x").to_owned();
            t.replacen(&title, &format!("title: {words}"), 1)
        }),
        Edit::SiteTitle(words) => rewrite(&root.join("site.yaml"), &|t| {
            let title = t.lines().find(|l| l.starts_with("title:")).unwrap_or("title: x").to_owned();
            t.replacen(&title, &format!("title: {words}"), 1)
        }),
        Edit::Template(words) => rewrite(&root.join("themes/plain/templates/article.html"), &|t| {
            t.replacen("<p>", &format!("<p>{words} "), 1)
        }),
        Edit::Style(words) => rewrite(&root.join("themes/plain/static/style.css"), &|t| format!("{t}/* {words} */\n")),
        Edit::Break(i) => rewrite(&pick(i), &|t| front(&t, "titel: typo")),
        Edit::Unbreak => {
            for path in &list {
                rewrite(path, &|t| t.replace("titel: typo\n", ""));
            }
        }
        Edit::LinkTo(from, to, anchor) => {
            let (from, to) = (pick(from), pick(to));
            let content = root.join("content");
            let depth = from.parent().and_then(|p| p.strip_prefix(&content).ok()).map_or(0, |p| p.components().count());
            let target = to.strip_prefix(&content).expect("in content").to_string_lossy().into_owned();
            let link = format!("{}{target}#{anchor}", "../".repeat(depth));
            rewrite(&from, &|t| format!("{t}\nSee [this]({link}).\n"));
        }
        Edit::Translate(i, words) => {
            let original = pick(i);
            let name = original.file_name().expect("name").to_string_lossy().into_owned();
            let Some(stem) = name.strip_suffix(".md").filter(|stem| !stem.contains('.')) else { return };
            rewrite(&root.join("site.yaml"), &|t| {
                if t.contains("\nlanguages:") { t } else { format!("{t}languages:\n  es: {{title: Guía}}\n") }
            });
            std::fs::write(
                original.with_file_name(format!("{stem}.es.md")),
                format!("---\ntitle: {words}\ndescription: En español.\n---\nHola. Mira [esto]({name}).\n"),
            )
            .expect("write");
            let content = root.join("content");
            let mut dir = original.parent().expect("folder").to_path_buf();
            if name == "index.md" {
                dir.pop();
            }
            while dir != content {
                let index = dir.join("_index.es.md");
                if !index.exists() {
                    std::fs::write(&index, "---\ntitle: Tema\ndescription: Un tema.\n---\nHola.\n").expect("write");
                }
                dir.pop();
            }
        }
        Edit::Search(on) => rewrite(&root.join("site.yaml"), &|t| {
            let kept: Vec<&str> = t.lines().filter(|l| !l.starts_with("  enabled:")).collect();
            kept.join("\n").replacen("search:\n", &format!("search:\n  enabled: {on}\n"), 1) + "\n"
        }),
    }
}

fn edits() -> impl Strategy<Value = Edit> {
    let words = "[A-Z][a-z]{2,8}( [a-z]{2,8}){0,3}";
    let slug = "[a-z]{3,8}";
    prop_oneof![
        (any::<usize>(), words).prop_map(|(i, w)| Edit::Body(i, w)),
        (any::<usize>(), words).prop_map(|(i, w)| Edit::Title(i, w)),
        (any::<usize>(), words).prop_map(|(i, w)| Edit::Heading(i, w)),
        (any::<usize>(), prop::collection::vec("[a-z]{3,6}", 0..3)).prop_map(|(i, t)| Edit::Tags(i, t)),
        (any::<usize>(), -3i64..4).prop_map(|(i, o)| Edit::Order(i, o)),
        any::<usize>().prop_map(Edit::Draft),
        (any::<usize>(), slug).prop_map(|(t, s)| Edit::Add(t, s)),
        any::<usize>().prop_map(Edit::Remove),
        (any::<usize>(), slug).prop_map(|(i, s)| Edit::Rename(i, s)),
        (any::<usize>(), words).prop_map(|(t, w)| Edit::TopicTitle(t, w)),
        words.prop_map(Edit::SiteTitle),
        words.prop_map(Edit::Template),
        words.prop_map(Edit::Style),
        any::<usize>().prop_map(Edit::Break),
        Just(Edit::Unbreak),
        (any::<usize>(), any::<usize>(), prop_oneof![Just("why-water".to_owned()), "[a-z]{3,6}"])
            .prop_map(|(f, t, a)| Edit::LinkTo(f, t, a)),
        any::<bool>().prop_map(Edit::Search),
        (any::<usize>(), words).prop_map(|(i, w)| Edit::Translate(i, w)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever the edits (including ones that break the build, such as removing a page
    /// others link to), the cached render equals a fresh one after each.
    #[test]
    fn any_edit_sequence_renders_like_a_fresh_build(sequence in prop::collection::vec(edits(), 1..10)) {
        let site = SiteTest::fixture("basic");
        let mut cache = RenderCache::new();
        render_both(&site.root, &mut cache);
        for edit_ in &sequence {
            if articles(&site.root).is_empty() {
                break;
            }
            apply(&site.root, edit_);
            render_both(&site.root, &mut cache);
        }
    }

    /// The same, with the cache told what changed (as `tend serve`'s watcher tells it),
    /// so it reads only the files that changed and keeps every other file's text.
    #[test]
    fn any_edit_sequence_told_by_a_watcher_renders_like_a_fresh_build(
        sequence in prop::collection::vec(edits(), 1..10)
    ) {
        let site = SiteTest::fixture("basic");
        let mut cache = RenderCache::new();
        cache.note_changes(None);
        render_both(&site.root, &mut cache);
        for edit_ in &sequence {
            if articles(&site.root).is_empty() {
                break;
            }
            let before = tree(&site.root);
            apply(&site.root, edit_);
            cache.note_changes(Some(&changed_paths(&before, &tree(&site.root))));
            render_both(&site.root, &mut cache);
        }
    }
}

// issue 15 part 3: a page's Markdown fingerprint holds the text of the snippets it
// includes, so a snippet edit renders again exactly the pages that include it.
#[test]
fn a_snippet_edit_renders_the_pages_that_include_it() {
    let include = "\n<!-- snippet: ec-timings -->\n";
    let site = SiteTest::fixture("basic").write("content/_snippets/ec-timings.md", "Take it within **72 hours**.\n");
    edit(&site.root, "content/care/washing.md", |text| text + include);
    edit(&site.root, "content/care/drying.md", |text| text + include);
    let mut cache = RenderCache::new();
    render_both(&site.root, &mut cache);
    edit(&site.root, "content/_snippets/ec-timings.md", |text| text.replace("72", "120"));
    let (stats, outcome) = render_both(&site.root, &mut cache);
    assert_eq!((stats.markdown_rendered, stats.pages_rendered), (2, 2), "{stats:?}");
    let Outcome::Built { files, .. } = outcome else { panic!("build failed") };
    for page in ["care/washing/index.html", "care/drying/index.html"] {
        let (_, bytes) = files.iter().find(|(p, _)| p == Path::new(page)).expect("page built");
        assert!(String::from_utf8_lossy(bytes).contains("<strong>120 hours</strong>"), "{page} shows the edit");
    }
}
