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
