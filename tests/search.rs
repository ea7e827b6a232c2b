//! The search index: produced in-process, holding exactly the searchable pages, with synonyms.

use std::io::Read;

use crate::support::SiteTest;

/// Every indexed page's decompressed fragment (JSON text), by URL.
fn fragments(site: &SiteTest) -> Vec<(String, String)> {
    let dir = site.root.join("public/pagefind/fragment");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("fragments exist") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("read fragment");
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text).expect("gzip");
        let json: serde_json::Value =
            serde_json::from_str(text.trim_start_matches("pagefind_dcd")).expect("fragment is JSON");
        found.push((
            json["url"].as_str().expect("url").to_owned(),
            json["content"].as_str().expect("content").to_owned(),
        ));
    }
    found.sort();
    found
}

#[test]
fn indexes_every_published_article_and_nothing_else() {
    let site = SiteTest::fixture("basic").build();
    site.report();
    let urls: Vec<String> = fragments(&site).into_iter().map(|(url, _)| url).collect();
    // Not: the draft (care/secret), the opted-out page (talk/private), the excluded /about/,
    // topics, tags or the home page.
    assert_eq!(
        urls,
        ["/care/deeper/oils/", "/care/drying/", "/care/washing/", "/care/with-image/", "/talk/listening/"]
    );
    let entry = site.read("pagefind/pagefind-entry.json");
    assert!(entry.contains("\"page_count\":5"), "{entry}");
    assert!(site.root.join("public/pagefind/pagefind.js").is_file());
}

#[test]
fn synonyms_work_both_ways() {
    let site = SiteTest::fixture("basic").build();
    let fragments = fragments(&site);
    let content = |url: &str| fragments.iter().find(|(u, _)| u == url).map(|(_, c)| c.clone()).expect("indexed");
    // washing.md says "washing" (and "listening" in a link): each group's other words are added.
    let washing = content("/care/washing/");
    assert!(washing.contains("Related words: cleaning up, hearing out, rinse."), "{washing}");
    assert!(!washing.contains("Section titled"), "heading anchors must not be indexed: {washing}");
    // drying.md says neither; listening.md says "listening", so it gains "hearing out".
    assert!(!content("/care/drying/").contains("Related words"));
    assert!(content("/talk/listening/").contains("Related words: hearing out."));
}

#[test]
fn navigation_is_not_indexed_and_drafts_can_be() {
    let site = SiteTest::fixture("basic").build_with(tend::Overrides { drafts: true, ..Default::default() });
    let fragments = fragments(&site);
    assert!(fragments.iter().any(|(url, _)| url == "/care/secret/"));
    let (_, washing) = fragments.iter().find(|(url, _)| url == "/care/washing/").expect("indexed");
    assert!(!washing.contains("Talking (1)"), "the theme's navigation leaked into the index: {washing}");
}

#[test]
fn search_can_be_turned_off() {
    let yaml = std::fs::read_to_string("tests/fixtures/basic/site.yaml").expect("read");
    let site = SiteTest::fixture("basic")
        .write("site.yaml", &yaml.replace("search:\n", "search:\n  enabled: false\n"))
        .build();
    site.report();
    assert!(!site.root.join("public/pagefind").exists());
}

#[test]
fn the_bundled_themes_show_search_only_when_it_is_on() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let yaml = std::fs::read_to_string(root.join("site.yaml")).expect("read");
    assert!(yaml.contains("\nsearch:\n") && yaml.contains("\ntheme: default\n"), "site.yaml layout changed");
    for theme in ["default", "book"] {
        let themed = yaml.replace("\ntheme: default\n", &format!("\ntheme: {theme}\n"));
        let on = SiteTest::copy_of(root).write("site.yaml", &themed).build();
        on.report();
        let page = on.read("feelings/index.html");
        assert!(page.contains("/search.") && page.contains("role=\"search\""), "{theme}: search box when on");
        // The topic chips are in the HTML with each topic's searchable pages, so nothing
        // moves when the index loads (issue 15).
        let search = on.read("search/index.html");
        assert!(
            search.contains("value=\"Feelings after sex\"><span class=\"search-filter-name\">Feelings after sex</span><span class=\"search-filter-count\"><span data-count>3</span><span class=\"visually-hidden\" data-count-unit> pages</span>"),
            "{theme}: no chip for Feelings after sex with its 3 pages:\n{search}"
        );

        let off = SiteTest::copy_of(root)
            .write("site.yaml", &themed.replace("\nsearch:\n", "\nsearch:\n  enabled: false\n"))
            .build();
        off.report();
        let page = off.read("feelings/index.html");
        assert!(!page.contains("/search."), "{theme}: no search script when off");
        assert!(!page.contains("role=\"search\"") && !page.contains("search-form"), "{theme}: no search form when off");
        assert!(
            page.contains("search-off") && page.contains("class=\"search-fallback\""),
            "{theme}: the browse link stays"
        );
        assert!(!off.root.join("public/search").exists() && !off.root.join("public/pagefind").exists());
    }
}

#[test]
fn a_theme_with_a_search_template_gets_a_search_page() {
    let site = SiteTest::fixture("basic")
        .write("themes/plain/templates/search.html", "{{ kind }}: {{ page.title }} {{ topics | length }}")
        .build();
    assert_eq!(site.read("search/index.html"), "search: Search 2");
    let site = SiteTest::fixture("basic").build();
    assert!(!site.root.join("public/search/index.html").exists(), "no template, no page");
}

#[test]
fn an_unchanged_index_is_reused_and_a_damaged_one_rebuilt() {
    let site = SiteTest::fixture("basic").build();
    assert!(!site.report().search_index_reused, "the first build indexes");
    let listing = site.listing();
    let marker = std::fs::read_to_string(site.root.join("public/.tend-output")).expect("marker");
    assert!(marker.contains("search-index: "), "{marker}");

    // A template change leaves the searchable text alone: the index is reused, whole.
    let template = site.root.join("themes/plain/templates/base.html");
    let text = std::fs::read_to_string(&template).expect("read");
    let site = site.write("themes/plain/templates/base.html", &text.replace("</body>", "<!-- new --></body>")).build();
    assert!(site.report().search_index_reused);
    assert_eq!(site.listing(), listing);

    // A damaged index is rebuilt, whole.
    let entry = site.root.join("public/pagefind/pagefind-entry.json");
    std::fs::write(&entry, "{}").expect("damage");
    let site = site.build();
    assert!(!site.report().search_index_reused);
    assert_ne!(site.read("pagefind/pagefind-entry.json"), "{}");
    assert_eq!(site.listing(), listing);

    // New searchable text is indexed.
    let washing = std::fs::read_to_string(site.root.join("content/care/washing.md")).expect("read");
    let site =
        site.write("content/care/washing.md", &washing.replace("Plain **water**", "Plain **rainwater**")).build();
    assert!(!site.report().search_index_reused);
    let site = site.build();
    assert!(site.report().search_index_reused, "and then reused");
}

/// "Did you mean …?" suggests from `search/words.txt`: the words of the searchable pages
/// (on two pages or more, or in a title or heading), most used first, nothing from a page
/// that is not indexed.
#[test]
fn the_vocabulary_holds_the_indexed_words_most_used_first() {
    let site = SiteTest::fixture("basic").build();
    site.report();
    let text = site.read("search/words.txt");
    let words: Vec<&str> = text.lines().collect();
    insta::assert_snapshot!(text);
    assert!(words.iter().all(|w| w.chars().count() >= 4 && w.chars().all(char::is_lowercase)), "{words:?}");
    assert!(!words.contains(&"related") && !words.contains(&"titled"), "tend's own labels: {words:?}");
}
