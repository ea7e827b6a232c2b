//! The `tend` binary: exit codes, summary line, `tend new`.

use std::process::Command;

use crate::support::SiteTest;

fn tend(site: &SiteTest, args: &[&str]) -> (i32, String) {
    let output =
        Command::new(env!("CARGO_BIN_EXE_tend")).args(args).current_dir(&site.root).output().expect("run tend");
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn build_succeeds_with_a_summary_line() {
    let site = SiteTest::fixture("basic");
    let (code, stderr) = tend(&site, &["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.starts_with("built 7 pages in 3 topics (3 tags, 37 files, 0 unchanged) in "), "{stderr}");
}

#[test]
fn content_errors_exit_1_and_usage_errors_exit_2() {
    let site = SiteTest::fixture("basic").write("content/care/bad.md", "no front matter");
    let (code, stderr) = tend(&site, &["build", "--quiet"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("content/care/bad.md:1:1"), "{stderr}");
    assert!(stderr.ends_with("error: build failed with 1 error(s); nothing was published\n"), "{stderr}");
    assert_eq!(tend(&site, &["build", "--no-such-flag"]).0, 2);
    assert_eq!(tend(&site, &["build", "--output", "content"]).0, 2);
}

#[test]
fn new_writes_a_draft_that_builds() {
    let site = SiteTest::fixture("basic");
    let (code, stderr) = tend(&site, &["new", "talk/after-a-row", "--title", "After a row"]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(site.root.join("content/talk/after-a-row.md")).expect("created");
    assert!(text.contains("title: \"After a row\"") && text.contains("draft: true"));
    // issue 11 item 12: the blanks the template leaves are warnings while it is a draft.
    let (code, stderr) = tend(&site, &["build", "--drafts"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("warning: this draft's `description` is empty"), "{stderr}");
}

#[test]
fn new_refuses_overwrites_and_unknown_topics() {
    let site = SiteTest::fixture("basic");
    let (code, stderr) = tend(&site, &["new", "care/washing"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("already exists"), "{stderr}");
    let (code, stderr) = tend(&site, &["new", "cares/x"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `care/x`?"), "{stderr}");
}

/// Issue 11 item 10: a relative `--root` was compared with absolute paths (serve never
/// reloaded). Every command gets the same canonical root, whatever was typed.
#[test]
fn every_command_works_with_a_relative_root() {
    let site = SiteTest::fixture("basic");
    let parent = site.root.parent().expect("temp dir").to_path_buf();
    let run = |dir: &std::path::Path, args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_tend")).args(args).current_dir(dir).output().expect("run");
        (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned())
    };
    let (code, stderr) = run(&site.root, &["build", "--root", ".", "--quiet"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(site.root.join("public/index.html").exists());
    let (code, stderr) = run(&parent, &["build", "--root", "site/./", "--output", "../elsewhere", "--quiet"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(parent.join("elsewhere/index.html").exists(), "--output is relative to the root");
    let (code, stderr) = run(&site.root.join("content"), &["check", "--root", ".."]);
    assert!(stderr.contains("checked "), "{code} {stderr}");
    let (code, stderr) = run(&site.root.join("content"), &["new", "--root", "..", "talk/relative"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(site.root.join("content/talk/relative.md").exists());
}

/// `tend new care/index` made `content/care/index.md`, which turned the whole topic into
/// an article folder; `tend new care/with-image` named the wrong existing file.
#[test]
fn new_refuses_index_and_names_the_folder_that_exists() {
    let site = SiteTest::fixture("basic");
    let (code, stderr) = tend(&site, &["new", "care/index"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("`index` cannot be an article's slug"), "{stderr}");
    let (code, stderr) = tend(&site, &["new", "care/with-image"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("with-image` already exists (an article folder"), "{stderr}");
}
