//! Translations: `x.<code>.md` beside `x.md`, published under `/<code>/`, linked both ways,
//! with a feed, tags, search and vocabulary per language, and located errors for files
//! that cannot be placed.

use tend::Overrides;
use tend::check::{CheckOptions, Format};

use crate::support::SiteTest;

fn built() -> SiteTest {
    let site = SiteTest::fixture("translations").build();
    site.report();
    site
}

/// The lines of an HTML page that tell its language and its versions in other languages.
fn language_lines(html: &str) -> String {
    html.lines()
        .filter(|line| line.contains("<html") || line.contains("hreflang"))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_language_gets_its_pages_feed_tags_and_search() {
    let site = built();
    // Pagefind's file names carry hashes of what they hold: keep the language, not the hash.
    let listing: Vec<String> = site
        .listing()
        .lines()
        .map(|line| match line.split_once('_').filter(|_| line.starts_with("pagefind/")) {
            Some((head, tail)) => {
                let extension = tail.split_once('.').map_or("", |(_, extension)| extension);
                format!("{head}_[hash].{extension}")
            }
            None => line.to_owned(),
        })
        .collect();
    insta::assert_snapshot!(listing.join("\n"));
}

#[test]
fn a_translation_links_the_same_languages_pages_and_snippets() {
    let site = built();
    let html = site.read("es/care/washing/index.html");
    // Its own language's home and page; the original where there is no translation.
    assert!(html.contains("href=\"/guide/es/\""), "{html}");
    // The English page it falls back on says so.
    assert!(
        html.contains(
            "<a href=\"/guide/care/drying/\" hreflang=\"en\">el secado <span class=\"link-language\" lang=\"en\" data-pagefind-ignore>(English)</span></a>"
        ),
        "{html}"
    );
    assert!(!html.contains("hreflang=\"es\">"), "a link to a page in its own language is not marked: {html}");
    assert!(html.contains("href=\"/guide/es/care/washing/#why-water\""), "{html}");
    assert!(html.contains("Una nota escrita una vez."), "{html}");
    assert!(!html.contains("A note written once."), "{html}");
    // The words tend writes into the page are Spanish too.
    assert!(html.contains("Sección «Por qué agua»"), "{html}");
    // The original is untouched by its translation.
    let original = site.read("care/washing/index.html");
    assert!(original.contains("A note written once."), "{original}");
    assert!(original.contains("href=\"/guide/\""), "{original}");
    // Its own slug, under its language.
    assert!(site.read("es/acerca/index.html").contains("Quién escribe esta guía."));
}

#[test]
fn pages_name_their_language_and_every_version() {
    let site = built();
    insta::assert_snapshot!(format!(
        "--- es/care/washing\n{}\n--- care/washing\n{}\n--- care/drying (no translation)\n{}\n--- fr (no home page file)\n{}\n--- es/search\n{}",
        language_lines(&site.read("es/care/washing/index.html")),
        language_lines(&site.read("care/washing/index.html")),
        language_lines(&site.read("care/drying/index.html")),
        language_lines(&site.read("fr/index.html")),
        language_lines(&site.read("es/search/index.html")),
    ));
}

#[test]
fn the_sitemap_lists_alternates_and_each_language_has_its_feed() {
    let site = built();
    insta::assert_snapshot!(format!("{}\n--- es/atom.xml\n{}", site.read("sitemap.xml"), site.read("es/atom.xml")));
    // A language lists only the pages it has.
    let spanish_tags = site.read("es/tags/index.html");
    assert!(spanish_tags.contains("/guide/es/tags/agua/"), "{spanish_tags}");
    assert!(!spanish_tags.contains("/guide/tags/water/"), "{spanish_tags}");
    assert!(!site.read("es/index.html").contains("/guide/talk/"), "the Spanish navigation lists no English topic");
}

#[test]
fn search_keeps_an_index_and_a_vocabulary_per_language() {
    let site = built();
    let entry = site.read("pagefind/pagefind-entry.json");
    let entry: serde_json::Value = serde_json::from_str(&entry).expect("json");
    let languages = entry["languages"].as_object().expect("languages");
    assert_eq!(languages["en"]["page_count"], 4, "{entry}");
    assert_eq!(languages["es"]["page_count"], 2, "{entry}");
    let spanish = site.read("es/search/words.txt");
    assert!(spanish.lines().any(|w| w == "agua"), "{spanish}");
    assert!(!spanish.lines().any(|w| w == "water"), "{spanish}");
    assert!(site.read("search/words.txt").lines().any(|w| w == "water"));
}

#[test]
fn translations_that_cannot_be_placed_are_located_errors() {
    let errors = SiteTest::fixture("translations")
        .write("content/care/rinsing.es.md", "---\ntitle: Enjuague\ndescription: d\n---\nx\n")
        .write("content/care/drying.de.md", "---\ntitle: Trocknen\ndescription: d\n---\nx\n")
        .write("content/care/drying.en.md", "---\ntitle: Drying\ndescription: d\n---\nx\n")
        .write("content/talk/listening.es.md", "---\ntitle: Escuchar\ndescription: d\n---\nx\n")
        .write("content/care/drying.es.md", "---\ntitle: Secado\ndescription: d\nslug: washing\n---\nx\n")
        .write("content/_index.es.md", "---\ntitle: Guía\ndescription: d\nslug: inicio\n---\nHola.\n")
        .build()
        .errors();
    insta::assert_snapshot!(errors);
}

#[test]
fn an_unknown_language_in_site_yaml_is_located() {
    let errors = SiteTest::fixture("translations")
        .write(
            "site.yaml",
            "title: t\nbase_url: https://example.org/\nlanguages:\n  en: {}\n  espanol: {title: x}\n  es: {titel: y}\n",
        )
        .build()
        .errors();
    insta::assert_snapshot!(errors);
}

#[test]
fn check_warns_when_a_translation_is_older_than_its_original() {
    let site = SiteTest::fixture("translations");
    let report = checked(&site);
    let shown = report.render(Format::Human, "");
    let stale: Vec<_> = report.diagnostics.iter().filter(|d| d.message.starts_with("translation may be")).collect();
    assert_eq!(stale.len(), 1, "{shown}");
    assert_eq!(stale[0].location(), "content/care/washing.es.md:7:1", "{shown}");
    // Brought up to date, it is not reported.
    let site = site.write(
        "content/care/washing.es.md",
        &fixture_text("content/care/washing.es.md").replace("updated: 2026-11-10", "updated: 2026-11-25"),
    );
    let report = checked(&site);
    assert!(!report.diagnostics.iter().any(|d| d.message.starts_with("translation may be")));
}

#[test]
fn new_starts_a_translation_from_its_original() {
    let site = SiteTest::fixture("translations");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).expect("date");
    let start = |path: &str, language: &str| {
        let request =
            tend::new::NewTranslation { root: site.root.clone(), path: path.into(), language: language.into(), today };
        tend::new::create_translation(&request)
    };
    let started = start("talk/listening", "es").expect("written");
    assert_eq!(started.untranslated_topics, ["talk"]);
    let text = std::fs::read_to_string(&started.file).expect("read");
    insta::assert_snapshot!(text);
    // The topic next; then the draft translation is placed, and nothing is published yet.
    assert!(start("talk", "es").expect("topic").untranslated_topics.is_empty());
    let refused: Vec<String> =
        [("talk/listening", "es"), ("talk/listening", "de"), ("talk/listening", "en"), ("talk/nope", "es")]
            .iter()
            .map(|(path, language)| match start(path, language) {
                Ok(_) => "written".to_owned(),
                Err(error) => error.to_string().replace(&site.root.display().to_string(), "<site>"),
            })
            .collect();
    insta::assert_snapshot!(refused.join("\n"));
    let built = site.build();
    let report = built.report();
    assert_eq!(report.pages, 6, "a draft translation is not published");
}

/// `tend check` of `site` on 1 December 2026.
fn checked(site: &SiteTest) -> tend::check::CheckReport {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    let options = CheckOptions { root: site.root.clone(), overrides: Overrides::default(), today, changed_since: None };
    tend::check(&options).expect("check runs")
}

#[test]
fn a_dot_that_is_not_a_language_is_part_of_the_name() {
    let site = SiteTest::fixture("translations")
        .write("content/talk/node.js.md", "---\ntitle: Node\ndescription: d\n---\nx\n")
        .build();
    site.report();
    assert!(site.read("talk/node-js/index.html").contains("Node"));
}

#[test]
fn each_language_has_its_own_synonyms() {
    let site = SiteTest::fixture("translations");
    let options =
        tend::BuildOptions { root: site.root.clone(), output: "public".into(), overrides: Overrides::default() };
    let (_, rendered) = tend::render(&options).expect("renders");
    let record = |url: &str| {
        let found = rendered.search.iter().find(|record| record.url == url);
        found.unwrap_or_else(|| panic!("no record for {url}")).html.to_string()
    };
    // "lavado" is on the Spanish page: its group's other word goes in its indexed copy.
    assert!(record("/es/care/washing/").contains("aseo"));
    assert!(!record("/care/washing/").contains("aseo"));
    assert!(record("/es/care/washing/").starts_with("<html lang=\"es\">"));
}

#[test]
fn a_draft_original_holds_back_its_translations() {
    let site = SiteTest::fixture("translations")
        .write(
            "content/care/washing.md",
            &fixture_text("content/care/washing.md").replacen("---\n", "---\ndraft: true\n", 1),
        )
        .write("content/care/drying.md", "---\ntitle: Drying off\ndescription: A soft towel.\n---\nPat dry.\n")
        .write("content/_index.es.md", "---\ntitle: Guía de prueba\ndescription: Bienvenida.\n---\nHola.\n")
        .build();
    site.report();
    assert!(!site.root.join("public/care/washing/index.html").exists());
    assert!(!site.root.join("public/es/care/washing/index.html").exists(), "the translation of a draft is published");
    // A draft topic holds back its folder in every language.
    let site = SiteTest::fixture("translations")
        .write("content/care/_index.md", "---\ntitle: Care\ndescription: d\ndraft: true\n---\nx\n")
        .write("content/_index.es.md", "---\ntitle: Guía de prueba\ndescription: Bienvenida.\n---\nHola.\n")
        .build();
    site.report();
    assert!(!site.root.join("public/es/care/index.html").exists());
    assert!(!site.root.join("public/es/care/washing/index.html").exists());
}

#[test]
fn a_translation_keeps_its_originals_slug() {
    let site = SiteTest::fixture("translations")
        .write(
            "content/care/drying.md",
            &fixture_text("content/care/drying.md").replacen("---\n", "---\nslug: towels\n", 1),
        )
        .write("content/care/drying.es.md", "---\ntitle: Secado\ndescription: d\n---\nSecar.\n")
        .build();
    site.report();
    assert!(site.read("es/care/towels/index.html").contains("Secar."));
}

#[test]
fn a_language_with_nothing_in_it_is_told_and_its_feed_is_valid() {
    let site = built();
    let warnings: Vec<String> =
        site.report().warnings.iter().map(|w| format!("{} {}", w.location(), w.message)).collect();
    assert!(warnings.iter().any(|w| w.starts_with("site.yaml:13:3 `fr` has no pages yet")), "{warnings:?}");
    assert!(warnings.iter().any(|w| w.starts_with("site.yaml:13:3 the theme has no words in `fr`")), "{warnings:?}");
    assert!(!warnings.iter().any(|w| w.contains("`es`")), "{warnings:?}");
    let feed = site.read("fr/atom.xml");
    assert!(feed.contains("<updated>2026-11-20T00:00:00+00:00</updated>"), "{feed}");
}

#[test]
fn check_warns_when_a_translation_is_the_original_word_for_word() {
    let site = SiteTest::fixture("translations").write("content/_index.fr.md", &fixture_text("content/_index.md"));
    let report = checked(&site);
    let found: Vec<_> = report.diagnostics.iter().filter(|d| d.message.contains("word for word")).collect();
    assert_eq!(found.len(), 1, "{}", report.render(Format::Human, ""));
    assert_eq!(found[0].location(), "content/_index.fr.md:5:1");
}

fn fixture_text(rel: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/translations").join(rel),
    )
    .expect("fixture file")
}
