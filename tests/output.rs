//! Publishing: atomic replacement, reuse of unchanged files, refusal to clobber sources.

use crate::support::{SiteTest, snapshot_tree};

#[test]
fn a_failed_build_leaves_the_previous_output_intact() {
    let site = SiteTest::fixture("basic").build();
    site.report();
    let before = snapshot_tree(&site.root.join("public"));
    let site = site.write("content/care/washing.md", "---\ntitle: [unclosed\n---\n").build();
    assert!(site.result.as_ref().is_some_and(Result::is_err));
    assert_eq!(snapshot_tree(&site.root.join("public")), before);
    let leftovers: Vec<_> = std::fs::read_dir(&site.root)
        .expect("read root")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("tend-"))
        .filter(|e| !e.file_name().to_string_lossy().ends_with(".tend-lock"))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left behind: {leftovers:?}");
}

#[test]
fn unchanged_files_are_reused_and_stale_files_removed() {
    let site = SiteTest::fixture("basic").build();
    site.report();
    let site = site.build();
    let report = site.report();
    assert_eq!(report.unchanged, report.files, "a rebuild with no change rewrites nothing");
    let site = site.remove("content/care/drying.md").build();
    let report = site.report();
    assert!(report.unchanged > 0 && report.unchanged < report.files);
    assert!(!site.root.join("public/care/drying/index.html").exists());
}

#[test]
fn refuses_to_replace_a_folder_tend_did_not_write() {
    let site = SiteTest::fixture("basic").write("public/notes.txt", "mine").build();
    let error = site.errors();
    assert!(error.contains("refusing to replace"), "{error}");
    assert_eq!(std::fs::read_to_string(site.root.join("public/notes.txt")).expect("kept"), "mine");
}

#[test]
fn refuses_to_write_over_the_sources() {
    for output in [".", "content", "content/care", ".."] {
        let site = SiteTest::fixture("basic");
        let options =
            tend::BuildOptions { root: site.root.clone(), output: output.into(), overrides: Default::default() };
        let error = tend::build(&options).expect_err("must refuse");
        assert!(error.to_string().contains("refusing"), "{output}: {error}");
        assert!(site.root.join("content/_index.md").exists());
    }
}

fn build_into(site: &SiteTest, output: &str) -> Result<tend::Report, tend::Error> {
    tend::build(&tend::BuildOptions { root: site.root.clone(), output: output.into(), overrides: Default::default() })
}

/// Issue 11 item 1: `--output nonexistent/../content` replaced `content/` with the site.
#[test]
fn output_with_dot_dot_never_replaces_sources() {
    for output in ["nonexistent/../content", "a/b/../../content/care", "nope/../.", "x/../../site"] {
        let site = SiteTest::fixture("basic");
        let before = snapshot_tree(&site.root.join("content"));
        let error = build_into(&site, output).expect_err("must refuse");
        assert!(error.to_string().contains("refusing"), "{output}: {error}");
        assert_eq!(snapshot_tree(&site.root.join("content")), before, "{output}");
        assert!(!site.root.join("nonexistent").exists() && !site.root.join("a").exists());
    }
}

/// Issue 11 item 1: `--output nope/../../victim` deleted a folder with no `.tend-output` marker.
#[test]
fn output_with_dot_dot_never_replaces_a_folder_tend_did_not_write() {
    let site = SiteTest::fixture("basic");
    let victim = site.root.parent().expect("parent").join("victim");
    std::fs::create_dir_all(&victim).expect("victim");
    std::fs::write(victim.join("precious.txt"), "mine").expect("write");
    let absolute = format!("{}/missing/../victim", site.root.display());
    let absolute_outside = format!("{}/../missing/../victim", site.root.display());
    for output in ["nope/../../victim", "../missing/../victim", absolute_outside.as_str()] {
        let error = build_into(&site, output).expect_err("must refuse");
        assert!(error.to_string().contains("not written by tend"), "{output}: {error}");
        assert_eq!(std::fs::read_to_string(victim.join("precious.txt")).expect("kept"), "mine", "{output}");
    }
    // Inside the root, `missing/../victim` is simply `victim`: a new folder, fine.
    build_into(&site, &absolute).expect("builds into site/victim");
    assert!(site.root.join("victim/index.html").exists());
    assert!(!site.root.join("missing").exists(), "the `..` is resolved, not created");
}

/// Issue 11 item 4: killed builds left `.public.tend-staging-*` and `.public.tend-old-*` forever.
#[test]
fn leftovers_of_killed_builds_are_cleaned() {
    let site = SiteTest::fixture("basic").build();
    site.report();
    let staging = site.root.join(".public.tend-staging-Ab12Cd");
    let old = site.root.join(".public.tend-old-4242");
    for dir in [&staging, &old] {
        std::fs::create_dir_all(dir.join("deep")).expect("mkdir");
        std::fs::write(dir.join("deep/index.html"), "stale").expect("write");
        std::fs::write(dir.join(".tend-output"), "Written by tend.").expect("marker");
    }
    let site = site.build();
    site.report();
    assert!(!staging.exists() && !old.exists(), "leftovers of killed builds removed");
    assert!(!site.root.join("public/deep").exists());
}

/// Issue 11 item 4: a kill between the two renames of the fallback swap left no `public/`.
#[test]
fn a_build_killed_between_renames_gets_its_site_back() {
    let site = SiteTest::fixture("basic").build();
    site.report();
    let public = site.root.join("public");
    let old = site.root.join(".public.tend-old-4242");
    std::fs::rename(&public, &old).expect("simulate the kill");
    let output = tend::OutputDir::resolve(&site.root, std::path::Path::new("public")).expect("resolves");
    let lock = output.lock().expect("locks");
    assert!(public.join("index.html").exists(), "the previous site is back before anything else happens");
    assert!(!old.exists());
    drop(lock);
}

/// Issue 11 item 4: two builds at once raced on the same staging and old folders.
#[test]
fn a_second_build_while_one_publishes_is_told_so() {
    let site = SiteTest::fixture("basic");
    let output = tend::OutputDir::resolve(&site.root, std::path::Path::new("public")).expect("resolves");
    let lock = output.lock().expect("locks");
    let error = build_into(&site, "public").expect_err("second build refused");
    assert!(error.to_string().contains("another tend build"), "{error}");
    drop(lock);
    build_into(&site, "public").expect("builds once the first is done");
}

/// Issue 11 item 4: an output folder that is a mount point failed with EBUSY.
#[cfg(target_os = "linux")]
#[test]
fn a_mount_point_output_gets_a_clear_error() {
    let site = SiteTest::fixture("basic");
    let error = build_into(&site, "/proc").expect_err("refused");
    assert!(error.to_string().contains("mount point"), "{error}");
}

/// Issue 11 leftover 7: `--output` naming a symbolic link to nowhere was called "a file".
#[cfg(unix)]
#[test]
fn an_output_that_is_a_dangling_link_is_told_so() {
    let site = SiteTest::fixture("basic");
    std::os::unix::fs::symlink(site.root.join("gone/away"), site.root.join("out")).expect("link");
    let error = build_into(&site, "out").expect_err("must refuse").to_string();
    assert!(error.contains("symbolic link") && error.contains("does not exist"), "{error}");
    insta::assert_snapshot!(error.replace(&*site.root.to_string_lossy(), "<site>"));
}
