//! Markdown in whole builds: what the raw HTML policy removes is said, and the text
//! that stays is both published and indexed.

use std::io::Read;

use crate::support::SiteTest;

/// The indexed text of the page at `url`.
fn indexed(site: &SiteTest, url: &str) -> String {
    for entry in std::fs::read_dir(site.root.join("public/pagefind/fragment")).expect("fragments exist") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("read fragment");
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text).expect("gzip");
        let json: serde_json::Value =
            serde_json::from_str(text.trim_start_matches("pagefind_dcd")).expect("fragment is JSON");
        if json["url"] == url {
            return json["content"].as_str().expect("content").to_owned();
        }
    }
    panic!("{url} is not indexed")
}

// issue 11 item 3
#[test]
fn a_stray_script_keeps_the_rest_of_the_article_published_and_indexed() {
    let article = "---\ntitle: Drying off\ndescription: Pat.\n---\nPat dry. <script>track()\n\nTowels SAFETYWORD \
                   matter.\n\n## Safety\n\n<style>\n\nNever rub LASTWORD.\n\n<script>gone()</script>\n";
    let site = SiteTest::fixture("basic").write("content/care/drying.md", article).build();
    let warnings: Vec<String> =
        site.report().warnings.iter().map(|w| format!("{}: {}", w.location(), w.message)).collect();
    assert_eq!(
        warnings,
        [
            "content/care/drying.md:5:10: removed `<script>`, which is never closed; the text after it is kept",
            "content/care/drying.md:11:1: removed `<style>`, which is never closed; the text after it is kept",
            "content/care/drying.md:15:1: removed `<script>` and its content",
        ]
    );
    let page = site.read("care/drying/index.html");
    let index = indexed(&site, "/care/drying/");
    for kept in ["track()", "SAFETYWORD", "Safety", "LASTWORD"] {
        assert!(page.contains(kept), "{kept} is not published:\n{page}");
        assert!(index.contains(kept), "{kept} is not indexed:\n{index}");
    }
    assert!(page.contains("<h2 id=\"safety\">"), "{page}");
    assert!(!page.contains("gone()") && !index.contains("gone()"), "a closed script goes with its content");
}

/// What a `check-base` page's `<main>` holds after its title.
fn main_of(page: &str) -> &str {
    let start = page.find("</h1>").expect("a title") + "</h1>".len();
    &page[start..page.find("</main>").expect("a main")]
}

// issue 15 part 3
#[test]
fn definition_lists_give_each_term_a_unique_id() {
    let site = SiteTest::fixture("check-base");
    crate::support::copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check-terms"),
        &site.root,
    );
    let site = site.remove("content/care/terms.md").build();
    insta::assert_snapshot!(main_of(&site.read("care/words/index.html")));
}

// issue 15 part 3: a snippet is rendered into each page that includes it, its links
// resolved from `content/_snippets/` and its ids shared with the page's; the folder is
// not published.
#[test]
fn snippets_render_as_part_of_each_page() {
    let snippet = "> [!IMPORTANT]\n> Take it within **72 hours**. See [how to wash](../care/washing.md#why-water) \
                   and [the note](#note).\n\n### Note\n\nAsk a pharmacist.\n";
    let page = "---\ntitle: Drying off\ndescription: Pat.\n---\nBefore.\n\n## Note\n\n<!-- snippet: ec-timings -->\n\nSee [the snippet's note](#note-1).\n";
    let site = SiteTest::fixture("basic")
        .write("content/_snippets/ec-timings.md", snippet)
        .write("content/care/drying.md", page)
        .write("content/about.md", "---\ntitle: About\ndescription: D.\n---\n<!-- snippet: ec-timings -->\n")
        .build();
    let page = site.read("care/drying/index.html");
    let start = page.find("<p>Before.</p>").expect("body");
    let end = page[start..].find("<a rel=\"prev\"").map_or(page.len(), |at| start + at);
    insta::assert_snapshot!(&page[start..end]);
    assert!(site.read("about/index.html").contains("<strong>72 hours</strong>"));
    assert!(!site.listing().contains("_snippets"), "{}", site.listing());
}

// issue 15 part 3: local images get the file's `width` and `height`; every image but the
// page's first is lazy; raw HTML `<img>` keeps what the author wrote.
#[test]
fn images_get_their_size_and_all_but_the_first_load_lazily() {
    let page = "---\ntitle: With an image\ndescription: D.\n---\n![A towel folded on a bed](towel.svg)\n\n\
                ![A photo *of* it](photo.png \"The photo\")\n\n![The logo](/images/logo.png)\n\n\
                ![Elsewhere](https://example.org/x.png)\n\n<img src=\"photo.png\" alt=\"Raw\" width=\"20\">\n";
    let site = SiteTest::fixture("basic").write("content/care/with-image/index.md", page);
    std::fs::write(site.root.join("content/care/with-image/photo.png"), crate::support::png(640, 480, 100))
        .expect("write png");
    std::fs::create_dir_all(site.root.join("static/images")).expect("mkdir");
    std::fs::write(site.root.join("static/images/logo.png"), crate::support::png(32, 16, 100)).expect("write png");
    let site = site.build();
    let page = site.read("care/with-image/index.html");
    let images: Vec<&str> =
        page.match_indices("<img").map(|(at, _)| &page[at..at + page[at..].find('>').expect("end") + 1]).collect();
    insta::assert_snapshot!(images.join("\n"));
}

// issue 15 part 3: media and frames the sanitiser removes are each a warning at their
// line and column, never dropped silently; the text around them stays.
#[test]
fn removed_video_audio_and_iframes_are_warned_about() {
    let article = "---\ntitle: Drying off\ndescription: Pat.\n---\nWatch this:\n\n<video src=\"dry.mp4\" controls>\
                   Your browser shows no video.</video>\n\nListen <audio src=\"a.mp3\"></audio> here.\n\n\
                   <div>\n<iframe src=\"https://www.youtube.com/embed/x\"></iframe>\n</div>\n\nAfter KEPT.\n";
    let site = SiteTest::fixture("basic").write("content/care/drying.md", article).build();
    let warnings: Vec<String> =
        site.report().warnings.iter().map(|w| format!("{}: {}", w.location(), w.message)).collect();
    insta::assert_snapshot!(warnings.join("\n"));
    let page = site.read("care/drying/index.html");
    assert!(page.contains("After KEPT.") && page.contains("Your browser shows no video."), "{page}");
    assert!(!page.contains("<video") && !page.contains("<audio") && !page.contains("<iframe"), "{page}");
}

// issue 11 leftovers 3 and 4: a `.md` link with a query was published raw (a broken
// link); a protocol-relative link left the site without a word; a scheme with no address
// (`https:`, `http:foo`) was published as a link.
#[test]
fn md_links_keep_their_query_and_odd_urls_are_told_where_they_are() {
    let good = "---\ntitle: Drying off\ndescription: Pat.\n---\nSee [washing](washing.md?from=drying#why-water) and \
                [elsewhere](//evil.example/page) and [fine](https://example.org/).\n";
    let site = SiteTest::fixture("basic").write("content/care/drying.md", good).build();
    let page = site.read("care/drying/index.html");
    assert!(!page.contains("washing.md"), "{page}");
    assert!(page.contains("href=\"/guide/care/washing/?from=drying#why-water\""), "{page}");
    let warnings: Vec<String> =
        site.report().warnings.iter().map(|w| format!("{}: {}", w.location(), w.message)).collect();
    let bad = "---\ntitle: Drying off\ndescription: Pat.\n---\n[a](https:) [b](http:foo) [c](mailto:) [d](https://)\n";
    let errors = SiteTest::fixture("basic").write("content/care/drying.md", bad).build().errors();
    insta::assert_snapshot!(format!("{}\n\n{errors}", warnings.join("\n")));
}
