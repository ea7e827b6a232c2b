//! The route table: every output path has one owner, in `build`, `check` and `serve` alike.

use std::path::Path;

use tend::Overrides;
use tend::check::CheckOptions;

use crate::support::{SiteTest, snapshot_tree};

const ALIASES: [&str; 11] = [
    "/",
    "/index.html",
    "/tags/",
    "/tags/hygiene/",
    "/about/",
    "/care/drying/",
    "/care/",
    "/pagefind/x/",
    "/robots.txt",
    "/404.html",
    "/sitemap.xml/",
];

fn moved(aliases: &[&str]) -> String {
    let list = aliases.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", ");
    format!("---\ntitle: Moved\ndescription: D\naliases: [{list}]\n---\n\nBody.\n")
}

fn check_messages(root: &Path) -> Vec<String> {
    let options = CheckOptions {
        root: root.to_path_buf(),
        overrides: Overrides::default(),
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("date"),
        changed_since: None,
    };
    let report = tend::check(&options).expect("check runs");
    report.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.message.clone()).collect()
}

/// Issue 11 item 2: aliases silently replaced generated pages (exit 0, a redirect published
/// in the page's place), `check` missed some, and others failed with a raw I/O error.
#[test]
fn an_alias_never_replaces_another_output_file() {
    let site = SiteTest::fixture("basic").build();
    site.report();
    let before = snapshot_tree(&site.root.join("public"));
    for alias in ALIASES {
        let site = SiteTest::fixture("basic").write("content/care/moved.md", &moved(&[alias])).build();
        let errors = site.errors();
        assert!(errors.contains(&format!("alias `{alias}` claims")), "{alias}:\n{errors}");
        assert!(errors.contains("content/care/moved.md:4:"), "located at the alias: {alias}:\n{errors}");
        assert!(!errors.contains("could not"), "no raw I/O error: {alias}:\n{errors}");
        let checked = check_messages(&site.root);
        assert!(
            checked.iter().any(|m| m.starts_with(&format!("alias `{alias}` claims"))),
            "check: {alias}: {checked:?}"
        );
    }
    // `serve` renders through the same stages, with a memo.
    let site = site.write("content/care/moved.md", &moved(&ALIASES));
    let options =
        tend::BuildOptions { root: site.root.clone(), output: "public".into(), overrides: Overrides::default() };
    let mut memo = tend::RenderCache::new();
    let served = tend::render_cached(&options, Some(&mut memo)).map(|_| ()).expect_err("serve refuses it too");
    let served = crate::support::render_error(&served);
    assert_eq!(served.matches("claims `/").count(), ALIASES.len(), "serve:\n{served}");
    let site = site.build();
    let errors = site.errors();
    assert_eq!(errors.matches("claims `/").count(), ALIASES.len(), "one error per alias, each once:\n{errors}");
    assert_eq!(snapshot_tree(&site.root.join("public")), before, "nothing published");
}

/// Issue 11 item 2: aliases that are not site paths (a host, `..` after decoding, hidden
/// names) are refused where they are written, not published somewhere surprising.
#[test]
fn aliases_that_are_not_site_paths_are_refused() {
    for alias in ["//evil.example/x/", "/%2e%2e/%2e%2e/escape/", "/.tend-output", "/a//b/", "/.git/config"] {
        let site = SiteTest::fixture("basic").write("content/care/moved.md", &moved(&[alias])).build();
        let errors = site.errors();
        assert!(errors.contains("content/care/moved.md:4:"), "{alias}:\n{errors}");
        assert!(!site.root.parent().expect("tmp").join("escape").exists());
    }
}

/// A static file may replace a generated feed (a custom robots.txt), and the site's
/// static folder wins over the theme's; neither is a collision.
#[test]
fn layered_static_files_are_not_collisions() {
    let site = SiteTest::fixture("basic").write("static/style.css", "body{}").build();
    site.report();
    assert_eq!(site.read_asset("style.css"), "body{}");
    assert_eq!(site.read("robots.txt"), "User-agent: *\n");
}

/// A static file under the search index's folder would be overwritten by the index.
#[test]
fn static_files_inside_the_search_index_are_refused() {
    let site = SiteTest::fixture("basic").write("static/pagefind/pagefind.js", "mine").build();
    let errors = site.errors();
    assert!(errors.contains("this static file claims `/pagefind/pagefind.js`"), "{errors}");
}

/// A name too long for the file system failed at publish with a raw I/O error; now it is
/// refused where it is written.
#[test]
fn a_url_segment_too_long_for_the_file_system_is_refused_at_its_source() {
    let long = "a".repeat(300);
    let site = SiteTest::fixture("basic")
        .write("content/care/long.md", &format!("---\ntitle: Long\ndescription: D\nslug: {long}\n---\nBody\n"))
        .write("content/care/moved.md", &moved(&[&format!("/{long}/")]))
        .build();
    let errors = site.errors();
    assert_eq!(errors.matches("file systems allow 255").count(), 2, "{errors}");
    assert!(!errors.contains("could not"), "{errors}");
}

/// An article folder's `.html`, `.js` or scripted `.svg` was published as is, on the site's
/// own address, past the raw HTML policy (red-team finding, issue 11).
#[test]
fn article_folders_cannot_publish_pages_or_scripts() {
    for (name, text) in [
        ("evil.html", "<script>alert(1)</script>"),
        ("evil.js", "alert(1)"),
        ("evil.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"),
        ("handler.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload =\"alert(1)\"></svg>"),
    ] {
        let site = SiteTest::fixture("basic").write(&format!("content/care/with-image/{name}"), text).build();
        let errors = site.errors();
        assert!(errors.contains(&format!("--> content/care/with-image/{name}")), "{name}: {errors}");
    }
    let site = SiteTest::fixture("basic").build();
    assert!(site.root.join("public/care/with-image/towel.svg").exists(), "a plain SVG image is published");
}

/// The search vocabulary is tend's: a static file cannot take its place.
#[test]
fn a_static_file_cannot_replace_the_search_vocabulary() {
    let site = SiteTest::fixture("basic").write("static/search/words.txt", "mine").build();
    let errors = site.errors();
    assert!(errors.contains("this static file claims `/search/words.txt`"), "{errors}");
    assert!(errors.contains("tend's search vocabulary"), "{errors}");
}

/// Issue 11 leftover 2: hidden static files (`.well-known/`, `.nojekyll`) were silently
/// not published. They are deploy needs; editor and OS junk stays out, and any other
/// hidden file is a warning naming it.
#[test]
fn well_known_and_nojekyll_are_published_and_other_hidden_files_are_told() {
    let site = SiteTest::fixture("basic")
        .write("static/.well-known/security.txt", "Contact: mailto:security@example.org\n")
        .write("static/.nojekyll", "")
        .write("static/_headers", "/*\n  X-Frame-Options: DENY\n")
        .write("static/.DS_Store", "junk")
        .write("static/.gitkeep", "")
        .write("static/.well-known/.security.txt.swp", "junk")
        .write("static/images/.hidden-draft.png", "x")
        .build();
    let listing = site.listing();
    for published in [".well-known/security.txt", ".nojekyll", "_headers"] {
        assert!(listing.lines().any(|line| line == published), "{published}:\n{listing}");
    }
    for junk in [".DS_Store", ".gitkeep", ".swp", ".hidden-draft.png"] {
        assert!(!listing.contains(junk), "{junk}:\n{listing}");
    }
    let warnings: Vec<String> = site.report().warnings.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!(warnings.join("\n"));
}

/// Issue 11 leftover 6: output paths that differ only in letter case overwrite each other
/// on case-insensitive file systems (macOS, Windows, many hosts): an error naming both.
#[test]
fn output_paths_differing_only_in_case_are_refused() {
    let site = SiteTest::fixture("basic")
        .write("static/Logo.png", "a")
        .write("static/logo.png", "b")
        .write("content/care/moved.md", &moved(&["/Care/"]))
        .build();
    let errors = site.errors();
    assert!(errors.contains("static/logo.png") && errors.contains("static/Logo.png"), "{errors}");
    assert_eq!(checked_case_errors(&site.root), 2, "check finds them too");
    insta::assert_snapshot!(errors);
}

fn checked_case_errors(root: &Path) -> usize {
    check_messages(root).iter().filter(|m| m.contains("letter case")).count()
}
