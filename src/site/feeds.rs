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
    let mut files = Vec::new();
    if routes.is_generated("sitemap.xml") {
        files.push(bytes("sitemap.xml", sitemap(config, content)));
    }
    for (lang, language) in config.languages.iter().enumerate() {
        let path = format!("{}atom.xml", language.prefix);
        if routes.is_generated(&path) {
            files.push(bytes(&path, atom(config, lang, content, rendered)));
        }
    }
    if routes.is_generated("robots.txt") {
        let robots = format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", config.base_url.join("sitemap.xml"));
        files.push(bytes("robots.txt", robots));
    }
    for (path, page) in routes.aliases() {
        let target = config.base_url.join(content.pages[page].permalink.as_str());
        files.push(OutputFile {
            path: path.to_path_buf(),
            contents: Contents::Bytes(
                redirect(&target, &config.languages[content.pages[page].lang].code).into_bytes().into(),
            ),
        });
    }
    files
}

/// The fingerprint of everything [`files`] reads, given each source's Markdown fingerprint
/// (`markdown`, in the order of `RenderedContent`: home pages, topics, pages), which covers
/// its front matter (titles, descriptions, dates) and its summary.
pub(super) fn key(config: &Config, content: &Content, markdown: &[u128], routes: &Routes) -> u128 {
    let mut key = crate::fingerprint::Fingerprint::new();
    key.text(&format!("{config:?}"));
    for path in ["sitemap.xml", "robots.txt"]
        .into_iter()
        .map(str::to_owned)
        .chain(config.languages.iter().map(|language| format!("{}atom.xml", language.prefix)))
    {
        key.value(&routes.is_generated(&path));
    }
    for (path, page) in routes.aliases() {
        key.bytes(path.as_os_str().as_encoded_bytes()).value(&page);
    }
    let sections = content.sections().map(|t| (&t.path, &t.original, t.lang, &t.permalink, true));
    let pages = content.pages.iter().map(|p| (&p.path, &p.original, p.lang, &p.permalink, p.topic.is_some()));
    for ((path, original, lang, permalink, in_topic), markdown) in sections.chain(pages).zip(markdown) {
        key.digest(*markdown).bytes(path.as_os_str().as_encoded_bytes());
        key.bytes(original.as_os_str().as_encoded_bytes()).text(permalink.as_str());
        key.bytes(&[u8::from(in_topic)]).bytes(&lang.to_le_bytes());
    }
    for language in &content.languages {
        key.value(&language.tags.iter().map(|tag| tag.site_path.as_str()).collect::<Vec<_>>());
    }
    key.finish()
}

fn bytes(path: &str, text: String) -> OutputFile {
    OutputFile { path: path.into(), contents: Contents::Bytes(text.into_bytes().into()) }
}

fn xml_escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

/// A page's versions: language and permalink.
type Versions<'c> = Vec<(usize, &'c crate::content::Permalink)>;

/// Every page's URL, with each translated page's language versions as `xhtml:link`
/// alternates (as search engines read them), the default language's as `x-default`.
fn sitemap(config: &Config, content: &Content) -> String {
    let versions = content.versions();
    let mut entries: Vec<(String, Option<NaiveDate>, Option<&Versions<'_>>)> = Vec::new();
    for home in content.languages.iter().map(|l| &l.home) {
        entries.push((home.permalink.as_str().to_owned(), None, versions.get(home.original.as_path())));
    }
    entries.extend(
        content.topics.iter().map(|t| (t.permalink.as_str().to_owned(), None, versions.get(t.original.as_path()))),
    );
    entries.extend(content.pages.iter().map(|p| {
        let front = &p.front;
        let lastmod = front.updated.or(front.last_reviewed).or(front.date);
        (p.permalink.as_str().to_owned(), lastmod, versions.get(p.original.as_path()))
    }));
    for (language, in_language) in config.languages.iter().zip(&content.languages) {
        if !in_language.tags.is_empty() {
            entries.push((format!("{}tags/", language.prefix), None, None));
            entries.extend(in_language.tags.iter().map(|tag| (tag.site_path.clone(), None, None)));
        }
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let namespaces = if config.languages.len() > 1 { " xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"" } else { "" };
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"{namespaces}>\n",
    );
    for (path, lastmod, alternates) in entries {
        let _ = write!(xml, "  <url>\n    <loc>{}</loc>\n", xml_escape(&config.base_url.join(&path)));
        if let Some(date) = lastmod {
            let _ = writeln!(xml, "    <lastmod>{}</lastmod>", date.format("%Y-%m-%d"));
        }
        for &(lang, permalink) in alternates.into_iter().flatten() {
            let href = xml_escape(&config.base_url.join(permalink.as_str()));
            let code = xml_escape(&config.languages[lang].code);
            let _ = writeln!(xml, "    <xhtml:link rel=\"alternate\" hreflang=\"{code}\" href=\"{href}\"/>");
            if lang == 0 {
                let _ = writeln!(xml, "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{href}\"/>");
            }
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

fn timestamp(date: NaiveDate) -> FixedDateTime {
    Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN)).fixed_offset()
}

/// The Atom feed of language `lang`'s articles, newest first.
fn atom(config: &Config, lang: usize, content: &Content, rendered: &[Rendered]) -> String {
    let language = &config.languages[lang];
    let mut dated: Vec<(NaiveDate, usize)> = content
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.topic.is_some() && p.lang == lang)
        .filter_map(|(i, p)| p.front.updated.or(p.front.date).map(|d| (d, i)))
        .collect();
    dated.sort_by(|a, b| b.0.cmp(&a.0).then(content.pages[a.1].path.cmp(&content.pages[b.1].path)));
    dated.truncate(config.feed_limit);
    let author = config.author.clone().unwrap_or_else(|| language.title.clone());
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
    // A feed with no entries (a language with no articles yet) still needs a real date:
    // the site's newest, else the Unix epoch (NaiveDate::MIN is no date a reader accepts).
    let newest_anywhere = || content.pages.iter().filter_map(|p| p.front.updated.or(p.front.date)).max();
    let updated = dated
        .first()
        .map(|&(d, _)| d)
        .or_else(newest_anywhere)
        .map_or_else(|| timestamp(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()), timestamp);
    let home = config.base_url.join(&language.prefix);
    let feed = Feed {
        title: Text::plain(language.title.clone()),
        id: home.clone(),
        updated,
        subtitle: (!language.description.is_empty()).then(|| Text::plain(language.description.clone())),
        links: vec![
            Link {
                href: config.base_url.join(&format!("{}atom.xml", language.prefix)),
                rel: "self".into(),
                ..Link::default()
            },
            Link { href: home, rel: "alternate".into(), ..Link::default() },
        ],
        lang: Some(language.code.clone()),
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
