//! One test per diagnostic: the exact text a user sees, pinned as a snapshot.

use crate::support::{SiteTest, errors_after};

const ARTICLE: &str = "---\ntitle: T\ndescription: D\n---\nBody.\n";

#[test]
fn unknown_front_matter_key() {
    insta::assert_snapshot!(errors_after(&[("content/care/x.md", "---\ntitel: T\ndescription: D\n---\n")]));
}

#[test]
fn missing_required_keys() {
    insta::assert_snapshot!(errors_after(&[("content/care/x.md", "---\ntags: [a]\n---\nBody\n")]));
}

#[test]
fn bad_date() {
    insta::assert_snapshot!(errors_after(&[(
        "content/care/x.md",
        "---\ntitle: T\ndescription: D\ndate: 28/11/2026\n---\n"
    )]));
}

#[test]
fn wrong_type() {
    insta::assert_snapshot!(errors_after(&[(
        "content/care/x.md",
        "---\ntitle: T\ndescription: D\norder: first\n---\n"
    )]));
}

#[test]
fn yaml_syntax_error() {
    insta::assert_snapshot!(errors_after(&[("content/care/x.md", "---\ntitle: Care: a guide\ndescription: D\n---\n")]));
}

#[test]
fn toml_front_matter() {
    insta::assert_snapshot!(errors_after(&[("content/care/x.md", "+++\ntitle = \"T\"\n+++\n")]));
}

#[test]
fn unclosed_front_matter() {
    insta::assert_snapshot!(errors_after(&[("content/care/x.md", "---\ntitle: T\ndescription: D\nBody\n")]));
}

#[test]
fn broken_link() {
    insta::assert_snapshot!(errors_after(&[("content/care/x.md", &format!("{ARTICLE}\nSee [washing](washin.md).\n"))]));
}

#[test]
fn broken_anchor() {
    insta::assert_snapshot!(errors_after(&[(
        "content/care/x.md",
        &format!("{ARTICLE}See [why](washing.md#why-watr) and [here](#nowhere).\n")
    )]));
}

#[test]
fn link_to_a_draft() {
    insta::assert_snapshot!(errors_after(&[("content/care/x.md", &format!("{ARTICLE}See [it](secret.md).\n"))]));
}

#[test]
fn script_link() {
    insta::assert_snapshot!(errors_after(&[(
        "content/care/x.md",
        &format!("{ARTICLE}[click](javascript:alert(1))\n")
    )]));
}

#[test]
fn duplicate_url() {
    insta::assert_snapshot!(errors_after(&[(
        "content/care/x.md",
        "---\ntitle: T\ndescription: D\nslug: washing\n---\n"
    )]));
}

#[test]
fn reserved_url() {
    insta::assert_snapshot!(errors_after(&[("content/tags/_index.md", "---\ntitle: Tags topic\n---\n")]));
}

#[test]
fn folder_without_index() {
    insta::assert_snapshot!(errors_after(&[("content/loose/x.md", ARTICLE)]));
}

#[test]
fn missing_home_page() {
    insta::assert_snapshot!(SiteTest::fixture("basic").remove("content/_index.md").build().errors());
}

#[test]
fn related_path_missing() {
    insta::assert_snapshot!(errors_after(&[(
        "content/care/x.md",
        "---\ntitle: T\ndescription: D\nrelated: [../talk/listen.md]\n---\n"
    )]));
}

#[test]
fn unknown_theme() {
    insta::assert_snapshot!(errors_after(&[("site.yaml", "title: T\ntheme: plian\n")]));
}

#[test]
fn site_yaml_unknown_key() {
    insta::assert_snapshot!(errors_after(&[("site.yaml", "title: T\ntheme: plain\nbase_ulr: https://x.org/\n")]));
}

#[test]
fn missing_template() {
    insta::assert_snapshot!(SiteTest::fixture("basic").remove("themes/plain/templates/tag.html").build().errors());
}

#[test]
fn template_syntax_error() {
    insta::assert_snapshot!(errors_after(&[(
        "themes/plain/templates/tags.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{% for t in tags %}\n{% endblock %}\n"
    )]));
}

#[test]
fn template_render_error_names_the_page() {
    insta::assert_snapshot!(errors_after(&[("themes/plain/templates/topic.html", "{{ page.nope.deeper }}")]));
}

#[test]
fn static_file_cannot_replace_a_page() {
    insta::assert_snapshot!(errors_after(&[("static/care/index.html", "<p>mine</p>")]));
}

#[test]
fn every_problem_of_a_run_is_reported_sorted() {
    insta::assert_snapshot!(errors_after(&[
        ("content/talk/b.md", "---\ntitle: B\n---\n[x](nope.md)\n"),
        ("content/care/a.md", "---\ntitel: A\ndescription: D\n---\n"),
        ("content/care/c.md", &format!("{ARTICLE}[y](#nope)\n")),
    ]));
}

#[test]
fn theme_yaml_unknown_key() {
    insta::assert_snapshot!(errors_after(&[("themes/plain/theme.yaml", "name: plain\nextras: {}\n")]));
}

/// Issue 11 item 13: one bad front matter key made every page that lists the file in
/// `related` (or links to it) report "not a page of this site" with a wrong "did you mean";
/// a topic whose `_index.md` failed sent its articles to the root, colliding there.
#[test]
fn a_file_that_fails_to_parse_reports_its_own_error_only() {
    let site = SiteTest::fixture("basic")
        .write("content/care/washing.md", "---\ntitle: Washing\ntitel: oops\n---\nBody.\n")
        .write(
            "content/talk/pointer.md",
            "---\ntitle: P\ndescription: D\nrelated: [../care/washing.md]\n---\n[w](../care/washing.md#steps)\n",
        )
        .write("content/talk/_index.md", "---\ntitle: [unclosed\n---\n")
        .build();
    let errors = site.errors();
    // washing.md's missing description is its own mistake, told with the unknown key.
    assert_eq!(errors.matches("error:").count(), 3, "{errors}");
    assert!(errors.contains("missing required front matter key `description`"), "{errors}");
    assert!(
        errors.contains("unknown front matter key `titel`") && errors.contains("content/talk/_index.md"),
        "{errors}"
    );
    assert!(!errors.contains("not a page of this site") && !errors.contains("no such heading"), "{errors}");
}

/// A Markdown file that is not UTF-8 is located at its first bad byte.
#[test]
fn a_markdown_file_that_is_not_utf8_is_located() {
    let site = SiteTest::fixture("basic");
    std::fs::write(site.root.join("content/care/latin1.md"), b"---\ntitle: Caf\xe9\n---\n").expect("write");
    let errors = site.build().errors();
    assert!(errors.contains("content/care/latin1.md:2:11"), "{errors}");
}

/// `tend check --drafts` reports a fresh draft's missing references as a warning only.
#[test]
fn a_draft_without_references_is_a_warning_in_check() {
    let site = SiteTest::fixture("basic");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tend"))
        .args(["new", "talk/unfinished"])
        .current_dir(&site.root)
        .output()
        .expect("run");
    assert!(output.status.success());
    let report = tend::check(&tend::check::CheckOptions {
        root: site.root.clone(),
        overrides: tend::Overrides { drafts: true, ..Default::default() },
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("date"),
        changed_since: None,
    })
    .expect("runs");
    let about_draft: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.path == std::path::Path::new("content/talk/unfinished.md") && d.is_error())
        .map(ToString::to_string)
        .collect();
    assert!(about_draft.is_empty(), "{about_draft:#?}");
}

/// A tag with no letter or digit had no page and vanished from its article without a word.
#[test]
fn a_tag_that_cannot_have_a_page_is_an_error() {
    let site = SiteTest::fixture("basic")
        .write("content/care/x.md", "---\ntitle: X\ndescription: D\ntags: [\"???\", ok]\n---\nBody\n")
        .build();
    let errors = site.errors();
    assert!(
        errors.contains("the tag `???` has no letter or digit") && errors.contains("content/care/x.md:4:1"),
        "{errors}"
    );
}

/// A page with thousands of headings and thousands of broken `#` links cost their product
/// (the hint listed every heading, each link re-indexed its file): the hint names ten.
#[test]
fn a_broken_anchor_hint_lists_a_few_headings_not_all() {
    let headings: String = (0..30).map(|i| format!("## Section {i}\n\nText.\n\n")).collect();
    let site = SiteTest::fixture("basic")
        .write("content/care/long.md", &format!("---\ntitle: Long\ndescription: D\n---\n{headings}"))
        .write("content/care/x.md", "---\ntitle: X\ndescription: D\n---\n[a](long.md#qqqqqqqqqqqqqqqqqqqq)\n")
        .build();
    let errors = site.errors();
    assert!(errors.contains("#section-0, #section-1,") && errors.contains("and 20 more"), "{errors}");
}

/// `tags: [C++, C#]` made one page `/tags/c/` titled "C++"; "C#" vanished without a word.
#[test]
fn tags_that_share_a_page_are_named() {
    let site = SiteTest::fixture("basic")
        .write("content/care/x.md", "---\ntitle: X\ndescription: D\ntags: [\"C++\", \"C#\", Water]\n---\nBody\n")
        .build();
    let warnings: Vec<String> = site.report().warnings.iter().map(ToString::to_string).collect();
    assert!(warnings.iter().any(|w| w.contains("the tags `C++` and `C#` share one page, `/tags/c/`")), "{warnings:#?}");
    assert!(
        !warnings.iter().any(|w| w.contains("`Water`")),
        "`water` and the fixture's `Water` are one tag, spelt twice: {warnings:#?}"
    );
}

// issue 15 part 3: `links.internal` takes only `error` or `warn`.
#[test]
fn site_yaml_unknown_link_level() {
    insta::assert_snapshot!(errors_after(&[("site.yaml", "title: T\ntheme: plain\nlinks:\n  internal: warning\n")]));
}

// issue 15 part 3: with `links: {internal: warn}`, broken internal links and anchors are
// warnings and the site builds; other link errors (unsafe schemes) stay errors.
#[test]
fn broken_links_are_warnings_when_site_yaml_says_warn() {
    let site_yaml = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic/site.yaml"),
    )
    .expect("fixture site.yaml");
    let body = "See [washing](washin.md), [why](washing.md#why-watr), [here](#nowhere) and [it](secret.md).\n";
    let site = SiteTest::fixture("basic")
        .write("site.yaml", &format!("{site_yaml}links:\n  internal: warn\n"))
        .write("content/care/x.md", &format!("{ARTICLE}{body}"))
        .build();
    let warnings: Vec<String> =
        site.report().warnings.iter().map(|w| format!("{}: {}", w.location(), w.message)).collect();
    assert_eq!(
        warnings,
        [
            "content/care/x.md:6:5: link to `washin.md`, which does not exist",
            "content/care/x.md:6:76: link to `secret.md`, which is a draft",
            "content/care/x.md:6:27: link to `#why-watr` in `content/care/washing.md`, which has no such heading",
            "content/care/x.md:6:55: link to `#nowhere` in `content/care/x.md`, which has no such heading",
        ]
    );
    assert!(site.read("care/x/index.html").contains("href=\"washin.md\""), "the link is kept as written");
    let unsafe_link = SiteTest::fixture("basic")
        .write("site.yaml", &format!("{site_yaml}links:\n  internal: warn\n"))
        .write("content/care/x.md", &format!("{ARTICLE}[click](javascript:alert(1))\n"))
        .build();
    assert!(unsafe_link.errors().contains("links with the `javascript:` scheme are not allowed"));
}

// issue 15 part 3: includes. A missing snippet is an error at the include, with the
// closest name; a snippet's own problems are reported in the snippet, once however many
// pages include it; snippets do not include snippets.
#[test]
fn snippet_problems() {
    insta::assert_snapshot!(errors_after(&[
        ("content/_snippets/ec-timings.md", "Within 72 hours. See [the page](../care/washin.md).\n"),
        ("content/_snippets/nested.md", "Text.\n\n<!-- snippet: ec-timings -->\n\n![A towel](towel.svg)\n"),
        ("content/care/x.md", &format!("{ARTICLE}\n<!-- snippet: ec-timing -->\n\n<!-- snippet: ec-timings -->\n")),
        ("content/care/y.md", &format!("{ARTICLE}\n<!-- snippet: ec-timings -->\n\n<!-- snippet: nested -->\n")),
        ("content/care/z.md", &format!("{ARTICLE}\n<!-- snippet: ../x -->\n\n<!-- snippet: with-front -->\n")),
        ("content/_snippets/with-front.md", "---\ntitle: T\n---\nText.\n"),
    ]));
}
