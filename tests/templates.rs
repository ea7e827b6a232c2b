//! Templates under Tera 2 (issue 13, lever 1): what theme authors get from the engine, and
//! the errors they see.

use crate::support::{SiteTest, errors_after};

// issue 13 lever 1: Tera stops at the first syntax error; tend reports every template's.
#[test]
fn every_template_with_a_syntax_error_is_reported() {
    let errors = errors_after(&[
        ("themes/plain/templates/tags.html", "{% extends \"base.html\" %}{% block main %}{% if x %}{% endblock %}"),
        (
            "themes/plain/templates/tag.html",
            "{% extends \"base.html\" %}\n{% block main %}{{ page.title }{% endblock %}",
        ),
    ]);
    assert!(errors.contains(" --> themes/plain/templates/tag.html:2:"), "{errors}");
    assert!(errors.contains(" --> themes/plain/templates/tags.html:1:"), "{errors}");
}

// issue 13 lever 1: Tera 2 checks filters, functions and includes when the theme loads:
// every unknown one is reported at once, at its place, not once per page at render time.
#[test]
fn every_unknown_filter_and_include_is_reported_at_its_place() {
    insta::assert_snapshot!(errors_after(&[
        (
            "themes/plain/templates/tags.html",
            "{% extends \"base.html\" %}{% block main %}{{ page.title | shout }}{% endblock %}"
        ),
        (
            "themes/plain/templates/tag.html",
            "{% extends \"base.html\" %}\n{% block main %}{% include \"partials/nope.html\" %}\n{{ tag.name | whisper }}{% endblock %}",
        ),
    ]));
}

// issue 13 lever 1: Tera 1's `urlencode` filters come from tera-contrib in Tera 2.
#[test]
fn the_urlencode_filters_are_still_there() {
    let site = SiteTest::fixture("basic")
        .write(
            "themes/plain/templates/tags.html",
            "{% extends \"base.html\" %}{% block main %}[{{ \"a b&c/d\" | urlencode }}|{{ \"a b&c/d\" | urlencode_strict }}]{% endblock %}",
        )
        .build();
    site.report();
    assert!(site.read("tags/index.html").contains("[a%20b%26c/d|a%20b%26c%2Fd]"), "{}", site.read("tags/index.html"));
}

// issue 13 lever 1: Tera 2 keeps maps in a hash map unless told to keep their order; a
// `for` over `site.extra` must come out the same on every build.
#[test]
fn a_loop_over_a_map_keeps_its_order() {
    let keys = ["h", "b", "f", "a", "g", "c", "e", "d"];
    let extra: String = keys.iter().map(|k| format!("  {k}: {k}\n")).collect();
    let site = SiteTest::fixture("basic")
        .write(
            "site.yaml",
            &format!("title: Fixture guide\nbase_url: https://example.org/guide/\ntheme: plain\nextra:\n{extra}"),
        )
        .write(
            "themes/plain/templates/tags.html",
            "{% extends \"base.html\" %}{% block main %}[{% for k, v in site.extra %}{{ k }}{% endfor %}]{% endblock %}",
        )
        .build();
    site.report();
    assert!(site.read("tags/index.html").contains("[abcdefgh]"), "{}", site.read("tags/index.html"));
}

/// Issue 11 leftover 7: a template that is not UTF-8 gave a raw I/O error.
#[test]
fn a_template_that_is_not_utf8_is_located() {
    let site = SiteTest::fixture("basic");
    let path = site.root.join("themes/plain/templates/page.html");
    std::fs::write(&path, b"<p>{{ page.title }}</p>\n<p>caf\xe9</p>\n").expect("write");
    let errors = site.build().errors();
    assert!(errors.contains(" --> themes/plain/templates/page.html:2:7\n"), "{errors}");
    insta::assert_snapshot!(errors);
}
