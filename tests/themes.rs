//! Themes on top of themes (issue 12 item 5): `extends: <parent>` in `theme.yaml`,
//! templates overridden by name or by block, static files and `extra` defaults layered.

use std::path::Path;

use crate::support::SiteTest;

/// The basic fixture with its theme `plain` as the parent of `child`.
fn child_of_plain(child_yaml: &str) -> SiteTest {
    let yaml = std::fs::read_to_string("tests/fixtures/basic/site.yaml").expect("site.yaml");
    SiteTest::fixture("basic")
        .write("site.yaml", &yaml.replace("theme: plain", "theme: child"))
        .write("themes/child/theme.yaml", child_yaml)
}

// issue 12 item 5
#[test]
fn a_child_theme_overrides_templates_by_name_and_by_block() {
    let plain_base = std::fs::read_to_string("tests/fixtures/basic/themes/plain/templates/base.html").expect("base");
    let site = child_of_plain("name: child\nextends: plain\n")
        .write(
            "themes/plain/templates/base.html",
            &plain_base.replace("<main>", "{% block before %}{% endblock %}<main>"),
        )
        // A whole template replaced by name: plain's other templates stay.
        .write(
            "themes/child/templates/tags.html",
            "{% extends \"base.html\" %}{% block main %}CHILD TAGS{% endblock %}",
        )
        // Only a block replaced: plain's base.html, reached by its namespaced name, and
        // used by plain's own templates (they extend `base.html`, now the child's).
        .write(
            "themes/child/templates/base.html",
            "{% extends \"plain/base.html\" %}{% block before %}<p class=\"child\">child</p>{% endblock %}",
        )
        .build();
    site.report();
    let tags = site.read("tags/index.html");
    assert!(tags.contains("<p class=\"child\">child</p><main>") && tags.contains("CHILD TAGS"), "{tags}");
    let article = site.read("care/washing/index.html");
    assert!(article.contains("<p class=\"child\">child</p><main>") && article.contains("<h1>Washing"), "{article}");
}

// issue 12 item 5: static files layer parent, then child, then the site's `static/`.
#[test]
fn static_files_layer_parent_then_child_then_site() {
    let site = child_of_plain("extends: plain\n")
        .write("themes/plain/static/both.css", "plain")
        .write("themes/plain/static/all.css", "plain")
        .write("themes/child/static/both.css", "child")
        .write("themes/child/static/all.css", "child")
        .write("static/all.css", "site")
        .build();
    site.report();
    assert_eq!(site.read_asset("style.css"), "body { color: black; }\n");
    assert_eq!(site.read_asset("both.css"), "child");
    assert_eq!(site.read_asset("all.css"), "site");
}

// issue 12 item 5: `extra` defaults merge parent, then child, then the site's.
#[test]
fn extra_defaults_merge_parent_then_child_then_site() {
    let yaml = std::fs::read_to_string("tests/fixtures/basic/site.yaml").expect("site.yaml");
    let site = child_of_plain("extends: plain\nextra:\n  b: child\n  c: child\n")
        .write("themes/plain/theme.yaml", "name: plain\nextra:\n  a: plain\n  b: plain\n  c: plain\n")
        .write("site.yaml", &yaml.replace("theme: plain", "theme: child\nextra: {c: site}"))
        .write("templates/404.html", "{{ site.extra.a }} {{ site.extra.b }} {{ site.extra.c }}")
        .build();
    site.report();
    assert_eq!(site.read("404.html"), "plain child site");
}

/// The rendered errors of building `site`.
fn errors(site: SiteTest) -> String {
    site.build().errors()
}

// issue 12 item 5
#[test]
fn an_unknown_parent_theme_is_located_in_theme_yaml() {
    insta::assert_snapshot!(errors(child_of_plain("name: child\nextends: plian\n")));
}

// issue 12 item 5
#[test]
fn a_cycle_of_parent_themes_is_located_in_theme_yaml() {
    insta::assert_snapshot!(errors(
        child_of_plain("extends: plain\n").write("themes/plain/theme.yaml", "name: plain\nextends: child\n")
    ));
}

// issue 12 item 5: tend never reads through a symbolic link, a parent theme included.
#[cfg(unix)]
#[test]
fn a_linked_parent_theme_is_refused() {
    let site = child_of_plain("extends: linked\n");
    std::os::unix::fs::symlink(site.root.join("themes/plain"), site.root.join("themes/linked")).expect("link");
    let errors = errors(site);
    assert!(errors.contains(" --> themes/child/theme.yaml:1:10\n"), "{errors}");
    assert!(errors.contains("symbolic link"), "{errors}");
}

// issue 12 item 5: a template the child does not have comes from the parent; a required
// one that no layer has is named once.
#[test]
fn a_required_template_may_come_from_any_layer() {
    let site = child_of_plain("extends: plain\n").remove("themes/plain/templates/404.html").build();
    let errors = site.errors();
    assert_eq!(errors.matches("error:").count(), 1, "{errors}");
    assert!(errors.contains("`404.html`"), "{errors}");
}

// issue 12 item 5: the bundled themes share what they share.
#[test]
fn no_file_is_duplicated_across_the_bundled_themes() {
    let themes = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes");
    let mut seen: std::collections::HashMap<Vec<u8>, String> = std::collections::HashMap::new();
    let mut duplicates = Vec::new();
    for entry in walkdir::WalkDir::new(&themes).sort_by_file_name().into_iter().filter_map(Result::ok) {
        if !entry.file_type().is_file() || entry.path().parent() == Some(themes.as_path()) {
            continue;
        }
        let rel = entry.path().strip_prefix(&themes).expect("under themes").display().to_string();
        let bytes = std::fs::read(entry.path()).expect("read");
        if let Some(first) = seen.get(&bytes) {
            duplicates.push(format!("{rel} = {first}"));
        } else {
            seen.insert(bytes, rel);
        }
    }
    assert!(duplicates.is_empty(), "files repeated byte for byte:\n{}", duplicates.join("\n"));
}

// issue 12 item 5: the theme README's example, a theme of twenty lines on top of `default`
// (tests/fixtures/child-theme/themes/warm): colours, one block and one partial replaced.
#[test]
fn a_twenty_line_theme_on_top_of_default() {
    let site = SiteTest::fixture("child-theme");
    crate::support::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"),
        &site.root.join("themes/default"),
    );
    let site = site.build();
    site.report();
    insta::assert_snapshot!("twenty_line_theme_listing", site.listing());
    insta::assert_snapshot!(
        "twenty_line_theme_article",
        crate::support::without_asset_hashes(&site.read("care/washing/index.html"))
    );
}

// issue 15 part 5: article pages carry JSON-LD `Article` metadata (with the review date on
// its WebPage), valid JSON whatever the title says: `</script>` in a title cannot end the
// element. Every page has an absolute og:image and PNG icons.
#[test]
fn article_json_ld_is_valid_and_cannot_break_out_of_its_script() {
    let site = SiteTest::fixture("child-theme")
        .write(
            "content/care/nasty.md",
            "---\ntitle: \"Tricky </script><script>alert(1)</script> & <!-- \\\"quotes\\\"\"\ndescription: \"Line\u{2028}separator and </SCRIPT>\"\ndate: 2026-01-02\nupdated: 2026-02-03\nlast_reviewed: 2026-03-04\nreviewed_by: \"Dr </script> Who\"\n---\nBody.\n",
        )
        .write("site.yaml", "title: Warm guide\ndescription: A site.\nbase_url: https://example.org/warm/\ntheme: warm\nsearch: {enabled: false}\nextra: {og_image: /images/card.png}\n");
    crate::support::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"),
        &site.root.join("themes/default"),
    );
    let site = site.build();
    site.report();
    let html = site.read("care/nasty/index.html");
    let start = html.find("<script type=\"application/ld+json\">").expect("JSON-LD on an article") + 35;
    let end = start + html[start..].find("</script>").expect("closed");
    let json = &html[start..end];
    assert!(!json.to_lowercase().contains("</script") && !json.contains("<!--"), "{json}");
    let ld: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(ld["@type"], "Article");
    assert_eq!(ld["headline"], "Tricky </script><script>alert(1)</script> & <!-- \"quotes\"");
    assert_eq!(ld["description"], "Line\u{2028}separator and </SCRIPT>");
    assert_eq!(ld["datePublished"], "2026-01-02");
    assert_eq!(ld["dateModified"], "2026-02-03");
    assert_eq!(ld["url"], "https://example.org/warm/care/nasty/");
    assert_eq!(ld["image"], "https://example.org/warm/images/card.png");
    assert_eq!(ld["mainEntityOfPage"]["@type"], "WebPage");
    assert_eq!(ld["mainEntityOfPage"]["lastReviewed"], "2026-03-04");
    assert_eq!(ld["mainEntityOfPage"]["reviewedBy"]["name"], "Dr </script> Who");
    // Exactly one script element of each kind in the head: nothing broke out.
    assert_eq!(html.matches("<script").count(), html.matches("</script>").count(), "{html}");
    assert!(html.contains("<meta property=\"og:image\" content=\"https://example.org/warm/images/card.png\">"));
    // Not on the home page (not an article); the default card and icons everywhere.
    let home = site.read("index.html");
    assert!(!home.contains("application/ld+json"));
    assert!(home.contains("<link rel=\"apple-touch-icon\" href=\"/warm/apple-touch-icon.png\">"), "{home}");
    assert!(home.contains("type=\"image/png\" sizes=\"32x32\">"));
    assert!(
        site.root.join("public/apple-touch-icon.png").is_file() && site.root.join("public/social-card.png").is_file()
    );
}

// issue 15 part 5: theme CSS and JavaScript are published under names that change with
// their bytes (cacheable for ever), `asset()` gives templates those names, and `tend serve`
// (plain_assets) keeps the plain names so a stylesheet edit is swapped in place.
#[test]
fn theme_assets_are_fingerprinted_and_asset_names_them() {
    let built = |css: &str, plain_assets: bool| {
        SiteTest::fixture("basic")
            .write("themes/plain/static/style.css", css)
            .write("themes/plain/static/app.js", "console.log(1)")
            .write("static/site.css", "site")
            .build_with(tend::Overrides { plain_assets, ..Default::default() })
    };
    let site = built("body{}", false);
    site.report();
    let listing = site.listing();
    assert!(listing.contains("style.[hash].css") && listing.contains("app.[hash].js"), "{listing}");
    assert!(!site.root.join("public/style.css").exists(), "the plain name is not published too");
    assert_eq!(site.read("site.css"), "site", "the site's own static files keep their names");
    let page = site.read("care/washing/index.html");
    let href =
        page.split("rel=\"stylesheet\" href=\"").nth(1).and_then(|rest| rest.split('"').next()).expect("a stylesheet");
    let name = href.strip_prefix("/guide/").expect("under the base path");
    assert!(name.starts_with("style.") && name.ends_with(".css") && name.len() == "style.12345678.css".len(), "{href}");
    assert_eq!(site.read(name), "body{}");

    let changed = built("body{color:red}", false);
    let page = changed.read("care/washing/index.html");
    assert!(!page.contains(href), "a changed stylesheet keeps its name: {href}");
    assert_eq!(changed.read_asset("style.css"), "body{color:red}");

    let served = built("body{}", true);
    assert_eq!(served.read("style.css"), "body{}");
    assert!(served.read("care/washing/index.html").contains("href=\"/guide/style.css\""));
}

/// Runs the tend binary in `root` with its cache in `cache`; returns stderr, asserting success.
fn tend_with_cache(root: &Path, cache: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tend"))
        .args(args)
        .current_dir(root)
        .env("XDG_CACHE_HOME", cache)
        .output()
        .expect("run tend");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "tend {args:?} failed:\n{stderr}");
    stderr
}

fn published(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = crate::support::snapshot_tree(&root.join("public"));
    files.retain(|(path, _)| path != ".tend-output");
    files
}

// issue 15 part 2: the default theme is built into the binary (as mdBook's is), so a site
// needs no themes/ folder; a folder of the same name overrides it.
#[test]
fn a_site_without_a_themes_folder_builds_with_the_built_in_default_theme() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cache = tempfile::tempdir().expect("cache");
    let with_folder = SiteTest::copy_of(repo);
    tend_with_cache(&with_folder.root, cache.path(), &["build"]);
    let without = SiteTest::copy_of(repo).remove("themes");
    tend_with_cache(&without.root, cache.path(), &["build"]);
    assert!(published(&with_folder.root) == published(&without.root), "the built-in theme differs from themes/default");
    // An edited (or half-written) cached copy is replaced, never used.
    let copies: Vec<_> = std::fs::read_dir(cache.path().join("tend/themes")).expect("cache").flatten().collect();
    assert_eq!(copies.len(), 1, "one copy per theme version");
    std::fs::write(copies[0].path().join("templates/base.html"), "tampered").expect("tamper");
    tend_with_cache(&without.root, cache.path(), &["build"]);
    assert!(published(&with_folder.root) == published(&without.root), "a tampered copy was used");
}
