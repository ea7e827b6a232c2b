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

/// Runs tend in `dir` with its cache in `cache`: (exit code, stderr).
fn tend_in(dir: &std::path::Path, cache: &std::path::Path, args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_tend"))
        .args(args)
        .current_dir(dir)
        .env("XDG_CACHE_HOME", cache)
        .output()
        .expect("run tend");
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned())
}

// issue 15 part 2: a new site in one command, anywhere, that passes `tend check` and builds
// with the built-in theme; a folder that is not empty is refused untouched.
#[test]
fn init_writes_a_site_that_checks_clean_and_builds() {
    let temp = tempfile::tempdir().expect("temp");
    let cache = temp.path().join("cache");
    let (code, stderr) = tend_in(temp.path(), &cache, &["init", "my-guide"]);
    assert_eq!(code, 0, "{stderr}");
    let site = temp.path().join("my-guide");
    for file in ["site.yaml", ".gitignore", "content/_index.md", "content/basics/_index.md"] {
        assert!(site.join(file).is_file(), "{file} written");
    }
    assert!(!site.join("themes").exists(), "the theme is built in");
    let (code, stderr) = tend_in(&site, &cache, &["check"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("0 errors, 0 warnings"), "{stderr}");
    let (code, stderr) = tend_in(&site, &cache, &["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(site.join("public/basics/getting-started/index.html").is_file());
    // Not empty now: refused, and nothing changes.
    let before = crate::support::snapshot_tree(&site);
    let (code, stderr) = tend_in(temp.path(), &cache, &["init", "my-guide"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("is not empty"), "{stderr}");
    assert!(crate::support::snapshot_tree(&site) == before, "a refused init changed files");
}

#[test]
fn init_can_eject_the_default_theme_to_edit() {
    let temp = tempfile::tempdir().expect("temp");
    let cache = temp.path().join("cache");
    let (code, stderr) = tend_in(temp.path(), &cache, &["init", "site", "--eject-theme"]);
    assert_eq!(code, 0, "{stderr}");
    let bundled = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    assert!(
        crate::support::snapshot_tree(&temp.path().join("site/themes/default"))
            == crate::support::snapshot_tree(&bundled),
        "the ejected theme is the default theme"
    );
    let (code, stderr) = tend_in(&temp.path().join("site"), &cache, &["check"]);
    assert_eq!(code, 0, "{stderr}");
}
