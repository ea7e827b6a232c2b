//! The bundled guide itself: every article meets the editorial schema (issue 3's gate).

use std::path::Path;

use tend::{Config, Content, Overrides};

fn bundled() -> Content {
    bundled_with_config().1
}

fn bundled_with_config() -> (Config, Content) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = Config::load(root, &Overrides::default()).expect("site.yaml is valid");
    let content =
        Content::load(&config).unwrap_or_else(|e| panic!("content loads: {}", crate::support::render_error(&e)));
    (config, content)
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
    let articles = content.pages.iter().filter(|p| p.topic.is_some() && p.lang == 0).count();
    assert!(articles >= 25, "{articles} articles");
    assert!((4..=6).contains(&content.languages[0].root_topics.len()));
    for page in ["content/about.md", "content/get-help.md", "content/aftercare-checklist.md"] {
        assert!(content.pages.iter().any(|p| p.path == Path::new(page)), "{page} missing");
    }
}

/// Word count and Flesch-Kincaid grade per article; the grade must be 9 or lower.
/// See the table with `cargo test --test main readability -- --nocapture`.
#[test]
fn readability_of_every_article() {
    let (config, content) = bundled_with_config();
    let targets = content.link_targets(&config);
    let settings = tend::markdown::Settings {
        targets: &targets,
        drafts: &content.drafts,
        base_path: "/",
        raw_html: tend::config::RawHtml::Sanitize,
        links: tend::config::LinkLevel::Error,
        snippets: &content.snippets,
        images: &tend::images::Images::new(),
        words: &std::collections::BTreeMap::new(),
        default_language: "en",
    };
    let mut report = vec![format!("{:<60} {:>6} {:>6}", "article", "words", "grade")];
    let mut too_hard = Vec::new();
    // The Flesch-Kincaid grade is a measure of English text.
    for page in content.pages.iter().filter(|page| page.lang == 0) {
        let source = tend::markdown::Source {
            path: &page.path,
            text: &page.text,
            body_offset: page.body_offset,
            link_base: page.link_base(),
            language: None,
        };
        let rendered = tend::markdown::render(&source, &settings);
        let measured = tend::readability::measure(&rendered.plain_text);
        report.push(format!("{:<60} {:>6} {:>6.1}", page.path.display(), rendered.word_count, measured.grade));
        if measured.grade > 9.0 {
            too_hard.push(format!("{}: grade {:.1}", page.path.display(), measured.grade));
        }
        if page.topic.is_some() {
            assert!(
                (700..=1700).contains(&rendered.word_count),
                "{}: {} words",
                page.path.display(),
                rendered.word_count
            );
        }
    }
    println!("{}", report.join("\n"));
    assert!(too_hard.is_empty(), "above grade 9:\n{}", too_hard.join("\n"));
}

/// The guide grew from a short source post (`../shared/seed/`, beside the repository where
/// CI runs): its topics are ours, its sentences are not. No run of 8 words may be shared.
#[test]
fn nothing_is_copied_from_the_source_post() {
    let seed_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed");
    let Ok(entries) = std::fs::read_dir(&seed_dir) else {
        eprintln!("no {} here: the copy check needs the shared folder beside the repository", seed_dir.display());
        return;
    };
    let words = |text: &str| -> Vec<String> {
        text.to_lowercase()
            .split(|c: char| !(c.is_alphanumeric() || c == '\''))
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let mut runs = std::collections::HashSet::new();
    for entry in entries.filter_map(Result::ok).filter(|e| e.path().extension().is_some_and(|x| x == "txt")) {
        let seed = words(&std::fs::read_to_string(entry.path()).expect("read seed"));
        runs.extend(seed.windows(8).map(|w| w.join(" ")));
    }
    assert!(!runs.is_empty(), "the seed post was found and read");
    let mut copied = Vec::new();
    for page in bundled().pages {
        let text = words(&page.text);
        copied.extend(
            text.windows(8)
                .map(|w| w.join(" "))
                .filter(|run| runs.contains(run))
                .map(|run| format!("{}: {run}", page.path.display())),
        );
    }
    assert!(copied.is_empty(), "sentences from the source post:\n{}", copied.join("\n"));
}

/// Pages that give emergency contraception or PEP timings are reviewed every 12 months
/// (issue 14): those facts change with guidance, and a stale timing changes what a reader does.
#[test]
fn pages_with_ec_or_pep_timings_are_on_a_12_month_review_cycle() {
    let content = bundled();
    let timed: Vec<_> = content
        .pages
        .iter()
        .filter(|p| ["72 hours", "120 hours", "within 5 days"].iter().any(|t| p.body().contains(t)))
        .collect();
    assert!(!timed.is_empty(), "the canonical EC and PEP page gives timings");
    for page in timed {
        let (Some(last), Some(next)) = (page.front.last_reviewed, page.front.next_review) else {
            panic!("{}: no review dates", page.path.display());
        };
        assert!(
            (next - last).num_days() <= 366,
            "{}: next_review {next} is more than 12 months after {last}",
            page.path.display()
        );
    }
}
