//! `tend check`: one fixture per check with its exact output in every format, the GitHub
//! annotations as GitHub parses them, `--changed-since` on a real git repository, the
//! CLI's exit codes, and the bundled guide passing.
//!
//! Each `check-<name>` fixture holds only the files of its check; they are laid over
//! `check-base`, a small site that passes every check.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use tend::check::{CheckOptions, CheckReport, Format};
use tend::{Error, Overrides};

use crate::support::{SiteTest, copy_dir};

/// The date the fixtures' review dates are measured from.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).expect("valid date")
}

/// `check-base` with `tests/fixtures/<name>` laid over it.
fn fixture(name: &str) -> SiteTest {
    let site = SiteTest::fixture("check-base");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name), &site.root);
    site
}

fn options(root: &Path) -> CheckOptions {
    CheckOptions { root: root.to_path_buf(), overrides: Overrides::default(), today: today(), changed_since: None }
}

fn check(site: &SiteTest) -> CheckReport {
    tend::check(&options(&site.root)).unwrap_or_else(|e| panic!("check could not run: {e}"))
}

/// The report in all three formats, as `tend check --format …` prints them.
fn every_format(report: &CheckReport) -> String {
    format!(
        "--- human\n{}\n--- github\n{}--- json\n{}",
        report.render(Format::Human, ""),
        report.render(Format::Github, ""),
        report.render(Format::Json, "")
    )
}

fn snapshot_of(name: &str) -> String {
    every_format(&check(&fixture(name)))
}

#[test]
fn the_base_fixture_passes_every_check() {
    let report = check(&SiteTest::fixture("check-base"));
    assert_eq!(report.render(Format::Human, ""), "");
    assert_eq!(report.summary(), "checked 5 files: 0 errors, 0 warnings");
}

#[test]
fn links_to_files_and_anchors() {
    insta::assert_snapshot!(snapshot_of("check-links"));
}

#[test]
fn images_exist_and_have_alt_text() {
    insta::assert_snapshot!(snapshot_of("check-images"));
}

#[test]
fn duplicate_urls_and_aliases() {
    insta::assert_snapshot!(snapshot_of("check-urls"));
}

#[test]
fn an_alias_over_a_page_does_not_hide_the_page_s_anchors() {
    let site = fixture("check-links");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check-urls"), &site.root);
    let report = check(&site);
    let message = "link to `#why-watr` in `content/care/washing.md`, which has no such heading";
    assert!(report.diagnostics.iter().any(|d| d.message == message), "{}", report.render(Format::Human, ""));
}

#[test]
fn heading_order() {
    insta::assert_snapshot!(snapshot_of("check-headings"));
}

#[test]
fn description_length_and_references() {
    insta::assert_snapshot!(snapshot_of("check-front"));
}

#[test]
fn review_dates() {
    insta::assert_snapshot!(snapshot_of("check-reviews"));
}

#[test]
fn readability_above_the_target() {
    insta::assert_snapshot!(snapshot_of("check-readability"));
}

#[test]
fn words_to_avoid() {
    insta::assert_snapshot!(snapshot_of("check-words"));
}

#[test]
fn thresholds_come_from_site_yaml() {
    let site = fixture("check-readability").write(
        "site.yaml",
        "title: T\nbase_url: https://example.org/\ntheme: mini\ncheck:\n  readability_target: 40\n",
    );
    assert_eq!(check(&site).diagnostics, []);
    let site = fixture("check-front").write(
        "site.yaml",
        "title: T\nbase_url: https://example.org/\ntheme: mini\ncheck: {description_max: 200, min_references: 1}\n",
    );
    assert_eq!(check(&site).diagnostics, []);
}

#[test]
fn a_typo_in_the_check_section_is_an_error() {
    let site = SiteTest::fixture("check-base")
        .write("site.yaml", "title: T\ntheme: mini\ncheck:\n  readability_targt: 8\n  avoid: [{word: \"--\"}]\n");
    let report = check(&site);
    insta::assert_snapshot!(report.render(Format::Human, ""));
    assert_eq!(
        report.summary(),
        "1 error, 0 warnings; site.yaml did not load, so only the content's front matter and folders were checked"
    );
}

/// A typo in site.yaml hid every problem in the content until it was fixed: the content's
/// own front-matter problems are now reported in the same run, by `check` and `build`.
#[test]
fn a_site_yaml_typo_does_not_hide_the_contents_front_matter_problems() {
    let site = SiteTest::fixture("check-base")
        .write(
            "site.yaml",
            "titel: T
theme: mini
search: {enabeld: true}
",
        )
        .write(
            "content/care/typo.md",
            "---
title: T
description: D
tgas: [a]
---
Body.
",
        );
    let report = check(&site);
    let locations: Vec<String> = report.diagnostics.iter().map(tend::Diagnostic::location).collect();
    assert_eq!(locations, ["content/care/typo.md:4:1", "site.yaml:1:1", "site.yaml:3:10"], "{report:?}");
    let errors = site.build().errors();
    for at in ["content/care/typo.md:4:1", "site.yaml:1:1", "site.yaml:3:10"] {
        assert!(errors.contains(&format!("--> {at}\n")), "{at} in:\n{errors}");
    }
}

/// Issue 11 item 14: `check` stopped at the first stage that failed, reporting only the
/// YAML error of one file and none of the other files' problems.
#[test]
fn build_errors_are_reported_with_the_checks() {
    let site = fixture("check-headings").write("content/care/broken.md", "---\ntitel: T\ndescription: D\n---\n");
    let report = check(&site);
    let messages: Vec<&str> = report.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        ["unknown front matter key `titel`", "a level-1 heading in the body", "heading level skips from h2 to h4"]
    );
    assert!(!report.summary().contains("did not run"), "{}", report.summary());
}

/// Issue 11 items 13 and 14: one malformed front matter, a broken link and an image without
/// alt text in three files are all reported in one run, in every format; and the files
/// that link to the broken one (or list it in `related`) report nothing more.
#[test]
fn every_problem_in_every_file_in_one_run_and_no_follow_on_errors() {
    let site = fixture("check-base")
        .write("content/care/broken.md", "---\ntitle: [unclosed\n---\nBody.\n")
        .write(
            "content/care/links-to-broken.md",
            "---\ntitle: L\ndescription: D\nrelated: [broken.md]\n---\nSee [it](broken.md#why) and [nothing](nowhere.md).\n",
        )
        .write("content/care/no-alt.md", "---\ntitle: I\ndescription: D\n---\n![](/style.css)\n");
    let report = check(&site);
    let rendered = every_format(&report);
    for expected in ["content/care/broken.md", "nowhere.md", "content/care/no-alt.md"] {
        for format in [Format::Human, Format::Github, Format::Json] {
            assert!(report.render(format, "").contains(expected), "{expected} missing:\n{rendered}");
        }
    }
    let about_broken: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("broken.md") && d.path != std::path::Path::new("content/care/broken.md"))
        .map(|d| d.message.as_str())
        .collect();
    assert!(about_broken.is_empty(), "follow-on errors about the broken file: {about_broken:#?}");
}

#[test]
fn check_never_writes_the_site() {
    let site = fixture("check-links");
    check(&site);
    assert!(!site.root.join("public").exists());
    let before = crate::support::snapshot_tree(&site.root);
    check(&site);
    assert_eq!(crate::support::snapshot_tree(&site.root), before);
}

/// One GitHub workflow command, parsed the way the runner parses it.
#[derive(Debug)]
struct Annotation {
    level: String,
    properties: Vec<(String, String)>,
    message: String,
}

fn unescape(text: &str, property: bool) -> String {
    let mut out = text.replace("%0D", "\r").replace("%0A", "\n");
    if property {
        out = out.replace("%3A", ":").replace("%2C", ",");
    }
    out.replace("%25", "%")
}

fn parse_annotation(line: &str) -> Annotation {
    let rest = line.strip_prefix("::").unwrap_or_else(|| panic!("not a workflow command: {line}"));
    let (command, message) = rest.split_once("::").unwrap_or_else(|| panic!("no message: {line}"));
    let (level, properties) = command.split_once(' ').unwrap_or((command, ""));
    let properties = properties
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (key, value) = p.split_once('=').unwrap_or_else(|| panic!("bad property `{p}` in {line}"));
            (key.to_owned(), unescape(value, true))
        })
        .collect();
    Annotation { level: level.to_owned(), properties, message: unescape(message, false) }
}

#[test]
fn github_format_parses_as_annotations() {
    let site = fixture("check-words").write(
        "content/care/odd, name: 100%.md",
        "---\ntitle: Odd\ndescription: D\n---\n# A title, again: 100%\n\nOur boyfriend.\n",
    );
    let report = check(&site);
    let output = report.render(Format::Github, "site/");
    assert_eq!(output.lines().count(), report.diagnostics.len());
    for (line, diagnostic) in output.lines().zip(&report.diagnostics) {
        let annotation = parse_annotation(line);
        let expected_level = if diagnostic.is_error() { "error" } else { "warning" };
        assert_eq!(annotation.level, expected_level, "{line}");
        let property = |key: &str| annotation.properties.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        let file = property("file").expect("file");
        let inside = file.strip_prefix("site/").expect("prefixed with the site's folder");
        assert!(site.root.join(inside).is_file(), "{file} exists");
        let span = diagnostic.span.expect("these diagnostics have places");
        assert_eq!(property("line"), Some(span.line.to_string().as_str()));
        assert_eq!(property("col"), Some(span.col.to_string().as_str()));
        assert_eq!(property("title"), Some("tend check"));
        let hint = diagnostic.hint.as_deref().map(|h| format!("\nhint: {h}")).unwrap_or_default();
        assert_eq!(annotation.message, format!("{}{hint}", diagnostic.message));
    }
    assert!(output.contains("file=site/content/care/odd%2C name%3A 100%25.md,line=5,col=1,"), "{output}");
}

fn git(root: &Path, args: &[&str]) {
    let output = Command::new("git").arg("-C").arg(root).args(args).output().expect("git runs");
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

/// A site in a fresh git repository on `main`, everything committed.
fn repository(site: SiteTest) -> SiteTest {
    git(&site.root, &["init", "-q", "-b", "main"]);
    git(&site.root, &["config", "user.name", "Test Author"]);
    git(&site.root, &["config", "user.email", "test@example.org"]);
    git(&site.root, &["config", "commit.gpgsign", "false"]);
    git(&site.root, &["add", "-A"]);
    git(&site.root, &["commit", "-q", "-m", "start"]);
    site
}

fn changed_since(site: &SiteTest, reference: &str) -> Result<CheckReport, Error> {
    tend::check(&CheckOptions { changed_since: Some(reference.into()), ..options(&site.root) })
}

fn located(report: &CheckReport) -> Vec<String> {
    report.diagnostics.iter().map(|d| format!("{} {}", d.location(), d.message)).collect()
}

#[test]
fn changed_since_limits_content_checks_to_changed_files() {
    // Every file of check-reviews and check-words has problems; commit them all.
    let site = repository(fixture("check-reviews"));
    let site = site
        .write("content/care/overdue.md", "---\ntitle: Overdue\ndescription: D\nnext_review: 2026-01-01\n---\nSee [why water](washing.md#why-water) and [now](/care/washing/#how-often).\n")
        .write("content/care/new.md", "---\ntitle: New\ndescription: D\n---\n# New\n\n[Gone](/care/gone/).\n");
    let report = changed_since(&site, "HEAD").expect("runs");
    assert_eq!(
        located(&report),
        [
            // A missing key is reported at the closing `---`, where it would be added.
            "content/care/new.md:4:1 this article has no `next_review` date",
            "content/care/new.md:4:1 this article has no references; articles need at least 2",
            "content/care/new.md:5:1 a level-1 heading in the body",
            "content/care/new.md:7:1 link `/care/gone/` leads nowhere: the site has nothing at `/care/gone/`",
            "content/care/overdue.md:4:1 review overdue: `next_review` was 2026-01-01, 331 days ago",
            "content/care/overdue.md:5:1 this article has no references; articles need at least 2",
        ]
    );
    assert_eq!(report.summary(), "checked 2 of 11 files (the ones changed): 5 errors, 1 warning");
}

#[test]
fn changed_since_counts_commits_on_the_branch_and_site_wide_problems_everywhere() {
    let site = repository(fixture("check-reviews"));
    git(&site.root, &["checkout", "-q", "-b", "topic"]);
    let site = site
        .write(
            "content/care/soon.md",
            "---\ntitle: Soon\ndescription: D\nnext_review: 2026-12-01\n---\nNo references.\n",
        )
        .remove("static/images/logo.svg");
    git(&site.root, &["commit", "-q", "-am", "edit"]);
    let report = changed_since(&site, "main").expect("runs");
    assert_eq!(
        located(&report),
        [
            "content/care/soon.md:4:1 review due in 3 days, on 2026-12-01",
            "content/care/soon.md:5:1 this article has no references; articles need at least 2",
            // washing.md did not change, but the image it shows was deleted.
            "content/care/washing.md:20:21 image `/images/logo.svg` leads nowhere: the site has nothing at `/images/logo.svg`",
        ]
    );
}

#[test]
fn a_changed_site_yaml_checks_every_file() {
    let site = repository(fixture("check-reviews"));
    let site = site.write("site.yaml", "title: Check fixture\nbase_url: https://example.org/guide/\ntheme: mini\n");
    let report = changed_since(&site, "HEAD").expect("runs");
    assert_eq!(report.checked, report.total);
}

#[test]
fn changed_since_an_unknown_ref_is_a_usage_error() {
    let site = repository(SiteTest::fixture("check-base"));
    match changed_since(&site, "no-such-branch") {
        Err(Error::Usage(message)) => assert!(message.contains("`no-such-branch` is not a commit"), "{message}"),
        other => panic!("expected a usage error, got {other:?}"),
    }
}

fn tend(root: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_tend")).args(args).current_dir(root).output().expect("run tend");
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (output.status.code().unwrap_or(-1), text(&output.stdout), text(&output.stderr))
}

#[test]
fn cli_exit_codes_and_streams() {
    let clean = fixture("check-readability");
    let (code, stdout, stderr) = tend(&clean.root, &["check"]);
    assert_eq!((code, stdout.as_str()), (0, ""), "warnings never fail: {stderr}");
    assert!(stderr.contains("warning: reading grade") && stderr.ends_with("checked 6 files: 0 errors, 1 warning\n"));

    let broken = fixture("check-links");
    let (code, stdout, stderr) = tend(&broken.root, &["check", "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document on stdout");
    assert_eq!(json["errors"], 5);
    assert!(stderr.starts_with("error: checked 6 files: 5 errors, 0 warnings"), "{stderr}");

    let (code, stdout, _) = tend(&broken.root, &["check", "--format", "github"]);
    assert_eq!(code, 1);
    assert!(stdout.lines().all(|l| l.starts_with("::error file=content/")), "{stdout}");

    assert_eq!(tend(&broken.root, &["check", "--format", "xml"]).0, 2);
    let (code, _, stderr) = tend(&broken.root, &["check", "--changed-since", "main"]);
    assert_eq!(code, 2, "not a git repository: {stderr}");
}

#[test]
fn github_paths_start_at_the_current_folder() {
    let site = fixture("check-links");
    let parent: PathBuf = site.root.parent().expect("parent").to_path_buf();
    let (_, stdout, _) = tend(&parent, &["check", "--root", "site", "--format", "github"]);
    assert!(stdout.lines().all(|l| l.starts_with("::error file=site/content/")), "{stdout}");
}

/// The bundled guide has no errors (warnings are allowed), on the date this test was written.
#[test]
fn the_bundled_guide_passes() {
    let report = tend::check(&options(Path::new(env!("CARGO_MANIFEST_DIR")))).expect("runs");
    let errors: Vec<String> = report.diagnostics.iter().filter(|d| d.is_error()).map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// A typo in a site path under `extra:` (`help_page: get-hlep/`) took the Get help link off
/// every page without a word (red-team finding, issue 11): a warning in build, an error in check.
#[test]
fn a_site_path_under_extra_that_leads_nowhere_is_reported() {
    let site = SiteTest::copy_of(Path::new(env!("CARGO_MANIFEST_DIR")));
    let yaml = std::fs::read_to_string(site.root.join("site.yaml")).expect("read");
    let yaml = yaml.replacen(
        "extra:\n",
        "extra:\n  help_page: get-hlep/\n  start_here: [basics/what-is-aftercare/, basics/nope/]\n",
        1,
    );
    assert!(yaml.contains("get-hlep"), "site.yaml has an extra: section");
    let site = site.write("site.yaml", &yaml);
    let report = check(&site);
    let messages: Vec<String> = report.diagnostics.iter().filter(|d| d.is_error()).map(ToString::to_string).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`extra.help_page` names `get-hlep/`") && m.contains("did you mean `get-help/`?")),
        "{messages:#?}"
    );
    assert!(messages.iter().any(|m| m.contains("`extra.start_here` names `basics/nope/`")), "{messages:#?}");
    assert_eq!(messages.len(), 2, "{messages:#?}");
}

/// Dates that cannot all be true passed silently (red-team finding): `next_review` before
/// `last_reviewed`, `updated` before `date`.
#[test]
fn dates_that_cannot_all_be_true_are_reported() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check-base/content/care/washing.md");
    let text = std::fs::read_to_string(path).expect("read").replacen(
        "next_review: 2099-01-02\n",
        "date: 2020-05-05\nupdated: 2020-01-01\nlast_reviewed: 2021-01-01\nnext_review: 2020-06-01\n",
        1,
    );
    let site = fixture("check-base").write("content/care/washing.md", &text);
    let report = check(&site);
    let messages: Vec<&str> = report.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("is not after `last_reviewed` (2021-01-01)")), "{messages:#?}");
    assert!(
        messages.iter().any(|m| m.contains("`updated` (2020-01-01) is before `date` (2020-05-05)")),
        "{messages:#?}"
    );
}

// issue 15 part 3: a definition list's terms are anchors, in the same id space as headings.
#[test]
fn definition_list_terms_are_anchors() {
    insta::assert_snapshot!(snapshot_of("check-terms"));
}

// issue 15 part 3: `links: {internal: warn}` makes a build go on, but `check` keeps broken
// links errors unless run with `--links warn`.
#[test]
fn check_keeps_broken_links_errors_unless_told_otherwise() {
    let site = fixture("check-links");
    let site_yaml = std::fs::read_to_string(site.root.join("site.yaml")).expect("site.yaml");
    let site = site.write("site.yaml", &format!("{site_yaml}links:\n  internal: warn\n"));
    let strict = check(&site);
    let summary = |report: &CheckReport| {
        let mut lines: Vec<String> =
            report.diagnostics.iter().map(|d| format!("{:?} {}: {}", d.severity, d.location(), d.message)).collect();
        lines.sort();
        lines
    };
    let strict_lines = summary(&strict);
    assert!(!strict_lines.is_empty() && strict_lines.iter().all(|l| l.starts_with("Error")), "{strict_lines:#?}");
    let mut options = options(&site.root);
    options.overrides.links = Some(tend::config::LinkLevel::Warn);
    let lenient = tend::check(&options).expect("check runs");
    let lenient_lines = summary(&lenient);
    assert_eq!(lenient_lines, strict_lines.iter().map(|l| l.replacen("Error", "Warning", 1)).collect::<Vec<_>>());
}

// issue 15 part 3: an image over the size budget is a warning at the page's line,
// naming the file; the budget is `check.image_max_kb`.
#[test]
fn images_over_the_size_budget_are_warned_about() {
    let site = fixture("check-images");
    std::fs::write(site.root.join("content/care/with-image/big.png"), crate::support::png(4000, 3000, 600_000))
        .expect("write png");
    std::fs::write(site.root.join("content/care/with-image/small.png"), crate::support::png(40, 30, 400_000))
        .expect("write png");
    let page = std::fs::read_to_string(site.root.join("content/care/with-image/index.md")).expect("read");
    let site = site.write(
        "content/care/with-image/index.md",
        &format!("{page}\n![A big photo](big.png)\n\n![A small photo](small.png)\n"),
    );
    let report = check(&site);
    let budget: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("budget"))
        .map(|d| format!("{}: {}", d.location(), d.message))
        .collect();
    insta::assert_snapshot!(budget.join("\n"));
}
