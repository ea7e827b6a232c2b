//! The bundled guide itself: every article meets the editorial schema (issue 3's gate).

use std::path::Path;

use tend::{Config, Content, Overrides};

fn bundled() -> Content {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = Config::load(root, &Overrides::default()).expect("site.yaml is valid");
    Content::load(&config).unwrap_or_else(|e| panic!("content loads: {}", crate::support::render_error(&e)))
}

#[test]
fn every_article_has_the_required_editorial_fields() {
    let content = bundled();
    let mut problems = Vec::new();
    for page in content.pages.iter().filter(|p| p.topic.is_some()) {
        let f = &page.front;
        let path = page.path.display();
        let mut need = |ok: bool, what: &str| {
            if !ok {
                problems.push(format!("{path}: {what}"));
            }
        };
        need(f.description.chars().count() <= 160, "description over 160 characters");
        need(f.references.len() >= 2, "fewer than 2 references");
        need((3..=5).contains(&f.key_points.len()), "key_points must have 3 to 5 entries");
        need(!f.tags.is_empty(), "no tags");
        need(f.order.is_some(), "no order");
        need(f.date.is_some() && f.last_reviewed.is_some(), "no date or last_reviewed");
        need(f.next_review.is_some_and(|n| Some(n) > f.last_reviewed), "next_review must follow last_reviewed");
        need(!f.related.is_empty(), "no related articles");
        need(
            f.references.iter().all(|r| r.url.starts_with("https://") || r.url.starts_with("http://")),
            "reference without URL",
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_guide_covers_every_topic_of_the_brief() {
    let content = bundled();
    let articles = content.pages.iter().filter(|p| p.topic.is_some()).count();
    assert!(articles >= 15, "{articles} articles");
    assert!((4..=6).contains(&content.root_topics.len()));
    for page in ["content/about.md", "content/get-help.md", "content/aftercare-checklist.md"] {
        assert!(content.pages.iter().any(|p| p.path == Path::new(page)), "{page} missing");
    }
}
