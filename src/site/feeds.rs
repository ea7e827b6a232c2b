//! Machine-readable outputs: `sitemap.xml`, `atom.xml`, `robots.txt` and alias redirects.
//!
//! Built in Rust, not templates, so every theme gets valid XML with correct escaping and
//! absolute URLs under any base path.

use std::fmt::Write as _;

use atom_syndication::{Entry, Feed, FixedDateTime, Link, Person, Text};
use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};

use super::{Contents, OutputFile};
use crate::config::Config;
use crate::content::Content;
use crate::markdown::Rendered;
use crate::routes::Routes;

/// Every generated non-HTML file the route table still gives tend (a static file may
/// replace one), plus a redirect page for every alias.
pub(super) fn files(config: &Config, content: &Content, rendered: &[Rendered], routes: &Routes) -> Vec<OutputFile> {
    let tag_slugs: Vec<&str> = content.tags.iter().map(|t| t.slug.as_str()).collect();
    let mut files = Vec::new();
    if routes.is_generated("sitemap.xml") {
        files.push(bytes("sitemap.xml", sitemap(config, content, &tag_slugs)));
    }
    if routes.is_generated("atom.xml") {
        files.push(bytes("atom.xml", atom(config, content, rendered)));
    }
    if routes.is_generated("robots.txt") {
        let robots = format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", config.base_url.join("sitemap.xml"));
        files.push(bytes("robots.txt", robots));
    }
    for (path, page) in routes.aliases() {
        let target = config.base_url.join(content.pages[page].permalink.as_str());
        files.push(OutputFile {
            path: path.to_path_buf(),
            contents: Contents::Bytes(redirect(&target, &config.language).into_bytes().into()),
        });
    }
    files
}

fn bytes(path: &str, text: String) -> OutputFile {
    OutputFile { path: path.into(), contents: Contents::Bytes(text.into_bytes().into()) }
}

fn xml_escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

fn sitemap(config: &Config, content: &Content, tag_slugs: &[&str]) -> String {
    let mut entries: Vec<(String, Option<NaiveDate>)> = vec![(String::new(), None)];
    entries.extend(content.topics.iter().map(|t| (t.permalink.as_str().to_owned(), None)));
    entries.extend(content.pages.iter().map(|p| {
        let front = &p.front;
        (p.permalink.as_str().to_owned(), front.updated.or(front.last_reviewed).or(front.date))
    }));
    if !tag_slugs.is_empty() {
        entries.push(("tags/".into(), None));
        entries.extend(tag_slugs.iter().map(|slug| (crate::sitepath::tag_path(slug), None)));
    }
    entries.sort();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (path, lastmod) in entries {
        let _ = write!(xml, "  <url>\n    <loc>{}</loc>\n", xml_escape(&config.base_url.join(&path)));
        if let Some(date) = lastmod {
            let _ = writeln!(xml, "    <lastmod>{}</lastmod>", date.format("%Y-%m-%d"));
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

fn timestamp(date: NaiveDate) -> FixedDateTime {
    Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN)).fixed_offset()
}

fn atom(config: &Config, content: &Content, rendered: &[Rendered]) -> String {
    let mut dated: Vec<(NaiveDate, usize)> = content
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.topic.is_some())
        .filter_map(|(i, p)| p.front.updated.or(p.front.date).map(|d| (d, i)))
        .collect();
    dated.sort_by(|a, b| b.0.cmp(&a.0).then(content.pages[a.1].path.cmp(&content.pages[b.1].path)));
    dated.truncate(config.feed_limit);
    let author = config.author.clone().unwrap_or_else(|| config.title.clone());
    let entries: Vec<Entry> = dated
        .iter()
        .map(|&(updated, i)| {
            let page = &content.pages[i];
            let link = config.base_url.join(page.permalink.as_str());
            Entry {
                title: Text::plain(page.front.title.clone()),
                id: link.clone(),
                updated: timestamp(updated),
                published: page.front.date.map(timestamp),
                links: vec![Link { href: link, rel: "alternate".into(), ..Link::default() }],
                summary: Some(Text::plain(if page.front.description.is_empty() {
                    rendered[i].summary.clone()
                } else {
                    page.front.description.clone()
                })),
                authors: vec![Person { name: author.clone(), ..Person::default() }],
                ..Entry::default()
            }
        })
        .collect();
    let updated = dated.first().map_or_else(|| timestamp(NaiveDate::MIN), |&(d, _)| timestamp(d));
    let feed = Feed {
        title: Text::plain(config.title.clone()),
        id: config.base_url.as_str().to_owned(),
        updated,
        subtitle: (!config.description.is_empty()).then(|| Text::plain(config.description.clone())),
        links: vec![
            Link { href: config.base_url.join("atom.xml"), rel: "self".into(), ..Link::default() },
            Link { href: config.base_url.as_str().to_owned(), rel: "alternate".into(), ..Link::default() },
        ],
        lang: Some(config.language.clone()),
        entries,
        ..Feed::default()
    };
    feed.to_string()
}

/// A redirect page: meta refresh plus a link, and a canonical pointing at the target.
fn redirect(target: &str, language: &str) -> String {
    let target = xml_escape(target);
    let language = xml_escape(language);
    format!(
        "<!doctype html>\n<html lang=\"{language}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved</title>\n<link rel=\"canonical\" href=\"{target}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={target}\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{target}\">{target}</a>.</p>\n</body>\n</html>\n"
    )
}
