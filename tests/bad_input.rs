//! Hostile and tired-author input to `site.yaml`, `theme.yaml`, front matter, templates
//! and `tend new`: each ends in a clear message at the right file, line and column, and
//! nothing is published or written. Regression tests for issue 11.

use std::process::Command;
use std::time::{Duration, Instant};

use tend::{Overrides, Severity};

use crate::support::{SiteTest, errors_after};

const THEME_YAML: &str = "name: plain\nextra:\n  quick_exit: false\n  quick_exit_url: \"https://www.bbc.co.uk/weather\"\n  help_page: \"get-help/\"\n";

fn site_yaml(extra_lines: &str) -> String {
    format!("title: Fixture guide\nbase_url: https://example.org/guide/\ntheme: plain\n{extra_lines}")
}

fn tend(site: &SiteTest, args: &[&str]) -> (i32, String) {
    let output =
        Command::new(env!("CARGO_BIN_EXE_tend")).args(args).current_dir(&site.root).output().expect("run tend");
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned())
}

// issue 11 item 8
#[test]
fn script_urls_in_site_yaml_are_refused_at_the_value() {
    let errors = errors_after(&[(
        "site.yaml",
        &site_yaml(
            "repository: javascript:alert(1)\nextra:\n  quick_exit: true\n  quick_exit_url: \"javascript:history.back()\"\n",
        ),
    )]);
    assert!(errors.contains(" --> site.yaml:4:13\n"), "{errors}");
    assert!(errors.contains(" --> site.yaml:7:19\n"), "{errors}");
    insta::assert_snapshot!(errors);
}

// issue 11 item 8
#[test]
fn a_base_url_with_an_empty_path_segment_is_refused() {
    let errors =
        errors_after(&[("site.yaml", "title: T\ntheme: plain\nbase_url: https://example.org//evil.example/\n")]);
    assert!(errors.contains("site.yaml:3:11"), "{errors}");
    assert!(errors.contains("empty segment"), "{errors}");
    let site = SiteTest::fixture("basic").build_with(Overrides {
        base_url: Some("https://example.org//evil.example/".into()),
        drafts: false,
        links: None,
        plain_assets: false,
    });
    assert!(site.errors().contains("--base-url: the path of"), "{}", site.errors());
}

// issue 11 item 8
#[test]
fn a_script_url_among_a_themes_defaults_is_refused() {
    let errors = errors_after(&[(
        "themes/plain/theme.yaml",
        "name: plain\nextra:\n  quick_exit: false\n  quick_exit_url: 'javascript:void(0)'\n",
    )]);
    assert!(errors.contains(" --> themes/plain/theme.yaml:4:19\n"), "{errors}");
    assert!(errors.contains("`javascript:` URL"), "{errors}");
}

// issue 11 item 9
#[test]
fn escape_sequences_from_content_are_not_sent_to_the_terminal() {
    let front = errors_after(&[
        // A key with escapes YAML decodes: the message quotes the decoded key.
        ("content/care/x.md", "---\ntitle: T\ndescription: D\n\"\\e[2J\\e[31mtitel\\a\\u202E\": x\n---\nBody\n"),
        // A raw control character where YAML allows none.
        ("content/care/z.md", "---\ntitle: \u{1b}]0;owned\u{7}T\ndescription: D\n---\n"),
    ]);
    // Raw control characters in the body: the source line shows them.
    let body = errors_after(&[(
        "content/care/y.md",
        "---\ntitle: T\ndescription: D\n---\n\u{1b}[31mSee\u{7} [x](nope.md) \u{202e}now.\r\n",
    )]);
    let errors = format!("{front}\n{body}");
    assert!(!errors.chars().any(|c| c.is_control() && c != '\n') && !errors.contains('\u{202e}'), "{errors:?}");
    assert!(errors.contains("unknown front matter key `\\u{1b}[2J\\u{1b}[31mtitel\\u{7}\\u{202e}`"), "{errors}");
    assert!(errors.contains(" --> content/care/z.md:2:8\n"), "{errors}");
    assert!(
        errors.contains("5 | \\u{1b}[31mSee\\u{7} [x](nope.md) \\u{202e}now.\n  |                    ^^^^^^^^^^^^"),
        "{errors}"
    );
    insta::assert_snapshot!(errors);
}

// issue 11 item 11
#[test]
fn a_typo_under_extra_is_a_warning_in_build_and_an_error_in_check() {
    let site = SiteTest::fixture("basic")
        .write("themes/plain/theme.yaml", THEME_YAML)
        .write("site.yaml", &site_yaml("extra:\n  quick_exti: true\n  help_page: 3\n"))
        .build();
    let warnings: Vec<String> = site.report().warnings.iter().map(ToString::to_string).collect();
    let typo = warnings.iter().find(|w| w.contains("quick_exti")).unwrap_or_else(|| panic!("{warnings:#?}"));
    insta::assert_snapshot!(typo);
    assert!(typo.starts_with("warning: unknown `extra` key `quick_exti`"), "{typo}");
    assert!(typo.contains(" --> site.yaml:5:3\n") && typo.contains("did you mean `quick_exit`?"), "{typo}");
    let options = tend::check::CheckOptions {
        root: site.root.clone(),
        overrides: Overrides::default(),
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("date"),
        changed_since: None,
    };
    let report = tend::check(&options).expect("check runs");
    let found: Vec<_> = report.diagnostics.iter().filter(|d| d.message.contains("`extra`")).collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!((found[0].severity, found[0].location()), (Severity::Error, "site.yaml:5:3".to_owned()));
    let kind: Vec<_> = report.diagnostics.iter().filter(|d| d.message.contains("extra.help_page")).collect();
    assert!(kind.is_empty(), "a number where the theme expects text is fine: {kind:#?}");
}

// issue 11 item 11
#[test]
fn a_quoted_false_under_extra_is_not_taken_as_true() {
    let site = SiteTest::fixture("basic")
        .write("themes/plain/theme.yaml", THEME_YAML)
        .write("site.yaml", &site_yaml("extra:\n  quick_exit: \"false\"\n"))
        .build();
    let warnings: Vec<String> = site.report().warnings.iter().map(ToString::to_string).collect();
    let found = warnings.iter().find(|w| w.contains("extra.quick_exit")).unwrap_or_else(|| panic!("{warnings:#?}"));
    assert!(found.contains(" --> site.yaml:5:15\n") && found.contains("`quick_exit: false`"), "{found}");
}

// issue 11 item 12
#[test]
fn a_new_draft_builds_with_warnings_and_fails_at_the_key_once_published() {
    let site = SiteTest::fixture("basic");
    let (code, stderr) = tend(&site, &["new", "talk/after-a-row", "--title", "After a row"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stderr) = tend(&site, &["build", "--drafts"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("warning: this draft's `description` is empty"), "{stderr}");
    let path = site.root.join("content/talk/after-a-row.md");
    let text = std::fs::read_to_string(&path).expect("created");
    std::fs::write(&path, text.replace("draft: true", "draft: false")).expect("publish");
    let (code, stderr) = tend(&site, &["build"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("error: `description` is empty\n --> content/talk/after-a-row.md:5:14\n"), "{stderr}");
    assert!(!stderr.contains(":1:1"), "{stderr}");
}

// issue 11 item 12
#[test]
fn a_missing_description_is_reported_at_the_closing_fence() {
    let errors = errors_after(&[("content/care/x.md", "---\ntitle: T\n---\nBody\n")]);
    assert!(
        errors.contains("error: missing required front matter key `description`\n --> content/care/x.md:3:1\n"),
        "{errors}"
    );
    let site = SiteTest::fixture("basic").write("content/care/x.md", "---\ntitle: T\ndraft: true\n---\nBody\n");
    let site = site.build_with(Overrides { base_url: None, drafts: true, links: None, plain_assets: false });
    let warnings: Vec<String> = site.report().warnings.iter().map(ToString::to_string).collect();
    assert!(warnings.iter().any(|w| w.contains("content/care/x.md:4:1")), "{warnings:#?}");
}

// issue 11 item 12
#[test]
fn new_refuses_a_title_with_a_line_break_or_control_character() {
    let site = SiteTest::fixture("basic");
    for title in ["Two\nlines", "Bell\u{7}", "Escape \u{1b}[31m", "Right\u{202e}left", "  "] {
        let (code, stderr) = tend(&site, &["new", "talk/x", "--title", title]);
        assert_eq!(code, 2, "{title:?}: {stderr}");
        assert!(!stderr.contains('\u{1b}') && !stderr.contains('\u{7}'), "{stderr:?}");
    }
    assert!(!site.root.join("content/talk/x.md").exists());
}

// issue 11 item 12 (and item 7's `tend new` part)
#[cfg(unix)]
#[test]
fn new_never_writes_through_a_symbolic_link() {
    let site = SiteTest::fixture("basic");
    let outside = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink(outside.path().join("victim.md"), site.root.join("content/talk/dangling.md"))
        .expect("dangling link");
    let (code, stderr) = tend(&site, &["new", "talk/dangling"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert!(!outside.path().join("victim.md").exists(), "wrote through the link");
    std::fs::write(outside.path().join("_index.md"), "---\ntitle: Outside\n---\n").expect("outside topic");
    std::os::unix::fs::symlink(outside.path(), site.root.join("content/linked")).expect("linked topic");
    let (code, stderr) = tend(&site, &["new", "linked/x"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert!(!outside.path().join("x.md").exists(), "wrote outside the site");
}

// issue 11 item 7
#[cfg(unix)]
#[test]
fn a_linked_theme_yaml_is_not_followed() {
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("theme.yaml"), THEME_YAML).expect("outside manifest");
    let site = SiteTest::fixture("basic");
    std::os::unix::fs::symlink(outside.path().join("theme.yaml"), site.root.join("themes/plain/theme.yaml"))
        .expect("link");
    let errors = site.build().errors();
    assert!(
        errors.starts_with(
            "error: theme.yaml is a symbolic link; tend does not follow links\n--> themes/plain/theme.yaml\n"
        ),
        "{errors}"
    );
}

// issue 11 item 15
#[test]
fn a_date_that_does_not_exist_is_told_so_at_the_value() {
    let errors = errors_after(&[(
        "content/care/x.md",
        "---\ntitle: T\ndescription: D\ndate: 2026-11-31\nupdated: 2026-13-45\nnext_review: 2027-02-29\n---\n",
    )]);
    assert!(!errors.contains("must be a date written YYYY-MM-DD"), "{errors}");
    assert!(errors.contains(" --> content/care/x.md:4:7\n"), "{errors}");
    assert!(errors.contains("November 2026 has 30 days"), "{errors}");
    assert!(errors.contains("there is no month 13"), "{errors}");
    assert!(errors.contains("February 2027 has 28 days"), "{errors}");
    insta::assert_snapshot!(errors);
}

// issue 11 item 16
#[test]
fn a_duplicate_key_in_site_yaml_is_reported_at_the_duplicate() {
    let errors = errors_after(&[("site.yaml", &site_yaml("feed_limit: 3\ntheme: plain\n"))]);
    assert!(errors.contains(" --> site.yaml:5:1\n"), "{errors}");
    assert!(errors.contains("already set on line 3"), "{errors}");
    insta::assert_snapshot!(errors);
}

// issue 11 item 16
#[test]
fn type_errors_name_no_rust_types() {
    let config = errors_after(&[("site.yaml", &site_yaml("feed_limit: many\n"))]);
    let search = errors_after(&[("site.yaml", &site_yaml("search:\n  enabled: sometimes\n"))]);
    let front = errors_after(&[
        ("content/care/x.md", "---\ntitle: T\ndescription: D\norder: 1.5\n---\n"),
        ("content/care/y.md", "---\ntitle: T\ndescription: D\nreferences: {title: x}\n---\n"),
        ("content/care/z.md", "---\ntitle: [T]\ndescription: D\n---\n"),
    ]);
    let errors = format!("{config}\n{search}\n{front}");
    for rust in ["i64", "usize", "u64", "f64", "bool", "struct", "sequence", "map,", "Reference"] {
        assert!(!errors.contains(rust), "{rust}: {errors}");
    }
    insta::assert_snapshot!(errors);
}

// issue 11 item 17
#[test]
fn a_render_error_in_the_base_template_names_it_with_a_line() {
    let base = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic/themes/plain/templates/base.html"),
    )
    .expect("base.html");
    let errors =
        errors_after(&[("themes/plain/templates/base.html", &base.replace("<main>", "<main>{{ site.nope.deeper }}"))]);
    assert!(errors.contains(" --> themes/plain/templates/base.html:7:15\n"), "{errors}");
    assert!(!errors.contains("--> themes/plain/templates/topic.html"), "{errors}");
    insta::assert_snapshot!(errors);
}

// issue 11 item 17
#[test]
fn a_render_error_in_an_included_template_names_it() {
    let errors = errors_after(&[
        ("themes/plain/templates/partials/footer.html", "<footer>\n{{ site.footer_missing }}\n</footer>\n"),
        (
            "themes/plain/templates/topic.html",
            "{% extends \"base.html\" %}{% block main %}{% include \"partials/footer.html\" %}{% endblock %}",
        ),
    ]);
    assert!(errors.contains(" --> themes/plain/templates/partials/footer.html:2:9\n"), "{errors}");
}

/// `text` built, timed, and its first error.
fn time_errors(changes: &[(&str, &str)]) -> (Duration, String) {
    let started = Instant::now();
    let errors = errors_after(changes);
    (started.elapsed(), errors)
}

// issue 11 item 20
#[test]
fn yaml_nested_100k_deep_is_refused_at_once_with_a_place() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    for (path, text) in [
        ("site.yaml", site_yaml(&format!("extra:\n  x: {deep}\n"))),
        ("themes/plain/theme.yaml", format!("name: plain\nextra:\n  x: {deep}\n")),
        ("content/care/x.md", format!("---\ntitle: T\ndescription: D\nextra: {deep}\n---\n")),
    ] {
        let (elapsed, errors) = time_errors(&[(path, &text)]);
        assert!(elapsed < Duration::from_secs(2), "{path}: {elapsed:?}");
        assert!(errors.contains("is nested more than 64 levels deep"), "{path}: {errors}");
        assert!(errors.contains(&format!(" --> {path}:")), "{path}: {errors}");
    }
}

// issue 11 item 20
#[test]
fn a_billion_laughs_is_refused_at_the_alias() {
    let mut yaml = String::from("extra:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let mut previous = 'a';
    for name in 'b'..='i' {
        let row = vec![format!("*{previous}"); 9].join(", ");
        yaml.push_str(&format!("  {name}: &{name} [{row}]\n"));
        previous = name;
    }
    let (elapsed, errors) = time_errors(&[("site.yaml", &site_yaml(&yaml))]);
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    assert!(errors.contains("more than 100000 values once its aliases are expanded"), "{errors}");
    assert!(errors.contains(" --> site.yaml:10:"), "{errors}");
}

#[test]
fn a_byte_order_mark_and_crlf_line_endings_build() {
    let site = SiteTest::fixture("basic")
        .write("site.yaml", &format!("\u{feff}{}", site_yaml("author: A\n").replace('\n', "\r\n")))
        .write("content/care/x.md", "\u{feff}---\r\ntitle: T\r\ndescription: D\r\n---\r\nBody\r\n")
        .build();
    site.report();
    let errors =
        errors_after(&[("content/care/x.md", "\u{feff}---\r\ntitle: T\r\ndescription: D\r\ndate: soon\r\n---\r\n")]);
    assert!(errors.contains(" --> content/care/x.md:4:7\n"), "{errors}");
}

#[test]
fn tabs_a_null_title_and_huge_numbers_are_located() {
    let errors = errors_after(&[
        ("content/care/tabs.md", "---\ntitle: T\ndescription: D\nextra:\n\tkey: value\n---\n"),
        ("content/care/null.md", "---\ntitle: null\ndescription: D\n---\n"),
        ("content/care/huge.md", "---\ntitle: T\ndescription: D\norder: 99999999999999999999999\n---\n"),
        (
            "content/care/year.md",
            "---\ntitle: T\ndescription: D\nreferences:\n  - {title: x, url: 'https://x.org', year: 99999999999}\n---\n",
        ),
    ]);
    assert!(errors.contains(" --> content/care/tabs.md:5:"), "{errors}");
    assert!(errors.contains("indent with spaces"), "{errors}");
    assert!(errors.contains("error: `title` is empty\n --> content/care/null.md:2:8\n"), "{errors}");
    assert!(errors.contains(" --> content/care/huge.md:4:8\n"), "{errors}");
    assert!(errors.contains(" --> content/care/year.md:5:"), "{errors}");
    insta::assert_snapshot!(errors);
}

#[test]
fn a_huge_key_or_line_is_cut_in_what_is_printed() {
    let key = "k".repeat(200_000);
    let errors = errors_after(&[
        ("content/care/x.md", &format!("---\ntitle: T\ndescription: D\n? {key}\n: 1\n---\n")),
        ("content/care/y.md", &format!("---\ntitle: T\ndescription: D\n{key}: 1\n---\n")),
    ]);
    assert!(errors.len() < 5_000, "{} bytes printed", errors.len());
    assert!(
        errors.contains(" --> content/care/x.md:4:3\n") && errors.contains(" --> content/care/y.md:4:200001\n"),
        "{errors}"
    );
    assert!(errors.contains("within 1024 characters"), "{errors}");
}

#[test]
fn a_closing_fence_inside_a_quoted_value_gets_a_hint() {
    let errors =
        errors_after(&[("content/care/x.md", "---\ntitle: \"Part one\n---\npart two\"\ndescription: D\n---\n")]);
    assert!(errors.contains("a line holding only `---` ends the front matter"), "{errors}");
}

#[test]
fn a_site_yaml_that_is_not_utf8_is_located() {
    let site = SiteTest::fixture("basic");
    std::fs::write(site.root.join("site.yaml"), b"title: Caf\xe9\ntheme: plain\n").expect("write latin-1");
    let errors = site.build().errors();
    assert!(
        errors.contains("error: this file is not valid UTF-8: byte 0xe9 at line 1, column 11\n --> site.yaml:1:11\n"),
        "{errors}"
    );
}

// issue 11 leftover 1: a value error used to hide the file's other front matter problems
#[test]
fn a_value_error_does_not_hide_the_files_other_front_matter_problems() {
    let errors = errors_after(&[
        ("content/care/x.md", "---\ntitle: T\ndate: 2024-13-45\ncolour: red\n---\n"),
        ("content/care/y.md", "---\ntitle: T\norder: \"x\"\ntagz: [a]\nsearch: maybe\n---\n"),
        ("content/care/z.md", "---\ntitle: [T]\ndescription: D\n---\n"),
    ]);
    assert!(errors.contains("there is no month 13"), "{errors}");
    assert!(errors.contains("unknown front matter key `colour`"), "{errors}");
    assert!(errors.contains("unknown front matter key `tagz`"), "{errors}");
    assert!(errors.contains("expected a whole number"), "{errors}");
    assert!(errors.contains(" --> content/care/y.md:5:9\n"), "{errors}");
    assert_eq!(errors.matches("missing required front matter key `description`").count(), 2, "{errors}");
    // The bad title is reported once, not again as missing.
    assert!(!errors.contains("missing required front matter key `title`"), "{errors}");
    insta::assert_snapshot!(errors);
}

// issue 11 leftover 5: `related` problems were all reported at the `related` key; a page
// listing itself, or one page twice, passed silently.
#[test]
fn related_entries_are_located_and_self_and_repeats_are_told() {
    let site = SiteTest::fixture("basic")
        .write(
            "content/care/x.md",
            "---\ntitle: T\ndescription: D\nrelated:\n  - washing.md\n  - x.md\n  - ./washing.md\n  - nowhere.md\n---\n",
        )
        .build();
    let errors = site.errors();
    assert!(errors.contains(" --> content/care/x.md:8:5\n"), "{errors}");
    assert!(errors.contains(" --> content/care/x.md:6:5\n"), "{errors}");
    assert!(errors.contains(" --> content/care/x.md:7:5\n"), "{errors}");
    insta::assert_snapshot!(errors);
    // Alone, the two warnings build, and the page is listed once.
    let site = site
        .write("content/care/x.md", "---\ntitle: T\ndescription: D\nrelated: [washing.md, x.md, washing.md]\n---\n");
    let site = site.build();
    assert_eq!(site.report().warnings.iter().filter(|w| w.message.contains("related")).count(), 2);
    assert_eq!(site.read("care/x/index.html").matches("Related: ").count(), 1);
}

// issue 11 leftover 8: `yes` told to drop quotes it does not have; `[Draft] My page` told
// to check the indentation; `Care #1` silently cut at the comment.
#[test]
fn yaml_hints_say_what_yaml_did() {
    let site = SiteTest::fixture("basic")
        .write(
            "content/care/x.md",
            "---\ntitle: Care #1\ndescription: Dry # gently, with care\norder: 2 # first\n---\n",
        )
        .build();
    let warnings: Vec<String> =
        site.report().warnings.iter().filter(|w| w.message.contains("comment")).map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    let site = SiteTest::fixture("basic")
        .write("site.yaml", &site_yaml("extra:\n  quick_exit: yes\n"))
        .write("themes/plain/theme.yaml", THEME_YAML)
        .build();
    let quick_exit: Vec<String> = site.report().warnings.iter().map(ToString::to_string).collect();
    assert_eq!(quick_exit.len(), 1, "{quick_exit:?}");
    let warnings = [warnings, quick_exit].concat();
    let errors = errors_after(&[
        ("content/care/y.md", "---\ntitle: [Draft] My page\ndescription: D\n---\n"),
        ("content/care/z.md", "---\ntitle: T\ndescription: D\ndraft: no\n---\n"),
    ]);
    assert!(!errors.contains("without quotes") && !errors.contains("indentation"), "{errors}");
    insta::assert_snapshot!(format!("{}\n\n{errors}", warnings.join("\n")));
}

// issue 11 leftover 1, in site.yaml: a type error hid the file's other problems.
#[test]
fn a_type_error_in_site_yaml_does_not_hide_its_other_problems() {
    let errors = errors_after(&[(
        "site.yaml",
        "titel: Fixture guide\nbase_url: ftp://example.org/\ntheme: plain\nfeed_limit: many\nsearch:\n  enabled: sometimes\n",
    )]);
    for expected in ["unknown site.yaml key `titel`", "invalid `base_url`", "feed_limit", "search"] {
        assert!(errors.contains(expected), "{expected}: {errors}");
    }
    assert!(!errors.contains("needs a `title`"), "told once, as the misspelt key: {errors}");
    insta::assert_snapshot!(errors);
}
