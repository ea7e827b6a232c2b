//! Unit tests of Markdown rendering.

use super::*;
use proptest::prelude::*;

fn render_with(body: &str, raw_html: RawHtml) -> Rendered {
    let mut targets = HashMap::new();
    targets.insert(PathBuf::from("content/t/other.md"), Permalink::home().child("t").child("other"));
    let text = format!("---\ntitle: A\n---\n{body}");
    let source = Source {
        path: Path::new("content/t/a.md"),
        text: &text,
        body_offset: 16,
        link_base: Path::new("content/t"),
        language: None,
    };
    let settings = Settings {
        targets: &targets,
        drafts: &[],
        base_path: "/guide/",
        raw_html,
        links: LinkLevel::Error,
        snippets: &Snippets::new(),
        images: &Images::new(),
        words: &std::collections::BTreeMap::new(),
        default_language: "en",
    };
    render(&source, &settings)
}

fn html(body: &str) -> String {
    render_with(body, RawHtml::Sanitize).html
}

#[test]
fn markdown_links_become_urls() {
    assert_eq!(html("[x](other.md#top)"), "<p><a href=\"/guide/t/other/#top\">x</a></p>\n");
    assert_eq!(html("[x](/files/a.pdf)"), "<p><a href=\"/guide/files/a.pdf\">x</a></p>\n");
}

#[test]
fn broken_links_are_errors_with_positions() {
    let rendered = render_with("Hello\n\nSee [x](missing.md).", RawHtml::Sanitize);
    let problem = &rendered.diagnostics[0];
    assert_eq!(problem.location(), "content/t/a.md:6:5");
    assert_eq!(problem.message, "link to `missing.md`, which does not exist");
}

#[test]
fn script_never_survives() {
    for body in [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "<a href=\"javascript:alert(1)\">x</a>",
        "![x](data:text/html,<script>alert(1)</script>)",
    ] {
        let out = html(body);
        assert!(
            !out.contains("alert(1)")
                || !out.contains("<script")
                    && !out.contains("javascript:")
                    && !out.contains("onerror")
                    && !out.contains("data:"),
            "{body} -> {out}"
        );
    }
    assert_eq!(render_with("<b>x</b>", RawHtml::Escape).html, "<p>&lt;b&gt;x&lt;/b&gt;</p>\n");
}

#[test]
fn headings_get_unique_ids_and_a_toc() {
    let rendered =
        render_with("## Why it matters\n\n### Oils & lotions\n\n## Why it matters\n\n## Search", RawHtml::Sanitize);
    let ids: Vec<&str> = rendered.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["why-it-matters", "oils--lotions", "why-it-matters-1", "search-1"]);
    assert_eq!(rendered.toc()[0].children[0].title, "Oils & lotions");
    assert!(rendered.html.contains("<h2 id=\"why-it-matters\">Why it matters</h2>"));
}

#[test]
fn task_lists_and_tables_are_labelled() {
    let out = html("- [ ] water\n- [x] towel\n\n| a |\n|---|\n| 1 |\n\n| b |\n|---|\n| 2 |\n");
    assert!(out.contains("<input type=\"checkbox\" disabled aria-label=\"not done\"> water"), "{out}");
    assert!(out.contains("<input type=\"checkbox\" disabled checked aria-label=\"done\"> towel"), "{out}");
    assert!(out.contains("aria-label=\"Table 1\"") && out.contains("aria-label=\"Table 2\""), "{out}");
    let aligned = html("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n");
    assert!(!aligned.contains("style="), "{aligned}");
    assert!(
        aligned.contains(
            "<td class=\"align-left\">1</td><td class=\"align-center\">2</td><td class=\"align-right\">3</td>"
        ),
        "{aligned}"
    );
}

#[test]
fn alerts_become_callouts() {
    let out = html("> [!WARNING]\n> Be careful.");
    assert!(out.starts_with("<div class=\"callout callout-warning\" role=\"note\">"), "{out}");
}

#[test]
fn records_links_images_prose_and_heading_places() {
    let body = "## Hi *there*\n\nSee ![A *towel*](t.svg) and\nmore [x](/a.pdf). `code`\n\n```\nkept out\n```\n";
    let rendered = render_with(body, RawHtml::Sanitize);
    let text = format!("---\ntitle: A\n---\n{body}");
    let found: Vec<(&str, Option<&str>)> =
        rendered.destinations.iter().map(|d| (d.url.as_str(), d.alt.as_deref())).collect();
    assert_eq!(found, [("t.svg", Some("A towel")), ("/a.pdf", None)]);
    assert_eq!(&text[rendered.destinations[1].range.clone()], "[x](/a.pdf)");
    assert!(text[rendered.headings[0].range.clone()].starts_with("## Hi *there*"));
    let prose: Vec<&str> = rendered.prose.iter().map(|r| &text[r.clone()]).collect();
    // Text split only by white space (a line break) is one range; markup splits it.
    assert_eq!(prose, ["Hi ", "there", "See ", "A ", "towel", " and\nmore ", "x", ". "]);
}

#[test]
fn counts_words_and_summarises() {
    let rendered =
        render_with("First para here.\n\n## Two words\n\n```\ncode words\n```\n\nSecond.", RawHtml::Sanitize);
    assert_eq!(rendered.word_count, 6, "heading words count once, code not at all");
    assert_eq!(rendered.plain_text.matches("Two words").count(), 1);
    assert_eq!(rendered.summary, "First para here.");
    assert_eq!(rendered.reading_time(), 1);
}

proptest! {
    #[test]
    fn rendering_never_panics(body in "\\PC{0,200}") {
        let _ = render_with(&body, RawHtml::Sanitize);
    }

    #[test]
    fn rendering_markup_never_panics(body in "([<>/!?\"'= \n#*`|:&;{}.\\[\\]()-]|[a-e]|script|style|<!--|-->|é|\t){0,120}") {
        for raw_html in [RawHtml::Sanitize, RawHtml::Escape, RawHtml::Trust] {
            let _ = render_with(&body, raw_html);
        }
    }

    #[test]
    fn heading_ids_are_stable(title in "\\PC{0,40}") {
        prop_assert_eq!(heading_id(&title), heading_id(&title));
        prop_assert!(!heading_id(&title).contains(' '));
    }

    // issue 11 item 3: whatever raw HTML comes first, in any mode, the words after it are
    // in the page; and under `sanitize` the page is harmless.
    #[test]
    fn prose_survives_any_raw_html(pieces in proptest::collection::vec(hostile_piece(), 1..6)) {
        let body: String = pieces.iter().enumerate().map(|(i, piece)| format!("{piece}\n\nWORD{i} here.\n\n")).collect();
        for raw_html in [RawHtml::Sanitize, RawHtml::Escape, RawHtml::Trust] {
            let html = render_with(&body, raw_html).html;
            for i in 0..pieces.len() {
                prop_assert!(html.contains(&format!("WORD{i}")), "{:?}: WORD{} lost in {}", raw_html, i, html);
            }
            if raw_html == RawHtml::Sanitize {
                assert_harmless(&html);
            }
        }
    }
}

/// Raw HTML openings that browsers or the CommonMark block rules let run on, alone or
/// two on a line, at the top level, in a quote or a list, or after text.
fn hostile_piece() -> impl Strategy<Value = String> {
    let opener = proptest::sample::select(vec![
        "<script>",
        "<SCRIPT>x",
        "<style>",
        "<!--",
        "<textarea>",
        "<title>",
        "<noscript>",
        "<xmp>",
        "<plaintext>",
        "<iframe src=x>",
        "<pre>",
        "<?php",
        "<![CDATA[",
        "<!DOCTYPE",
        "<div class=\"x",
        "<a href='",
        "<details>",
        "<table>",
        "<select>",
        "<template>",
        "<svg><style>",
        "<math><mtext><table><mglyph><style>",
        "<b>",
        "<a href=x>",
        "</div>",
        "</p>",
        "<p title=\"</noscript>\">",
        "<object>",
        "<video>",
        // Closers that end, far too late, what an earlier piece opened (not `-->`,
        // `</script>` or `</style>`: what they close is meant to be hidden).
        "?>",
        "]]>",
        ">",
        "</textarea>",
        "</xmp>",
        "</title>",
        "</noscript>",
        "</iframe>",
        "</pre>",
        "</a>",
        "</details>",
        "\"",
    ]);
    let place = proptest::sample::select(vec!["", "> ", "- ", "Text ", "# ", "| a |\n|---|\n| "]);
    (place, opener.clone(), proptest::option::of(opener))
        .prop_map(|(place, first, second)| format!("{place}{first}{}", second.unwrap_or_default()))
}

fn messages(rendered: &Rendered, severity: crate::diagnostic::Severity) -> Vec<String> {
    rendered
        .diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .map(|d| format!("{}: {}", d.location(), d.message))
        .collect()
}

fn warnings(rendered: &Rendered) -> Vec<String> {
    messages(rendered, crate::diagnostic::Severity::Warning)
}

fn errors(rendered: &Rendered) -> Vec<String> {
    messages(rendered, crate::diagnostic::Severity::Error)
}

/// Raw HTML that a browser (or an HTML parser) would let swallow everything after it,
/// with what the warning about it names.
const SWALLOWING: &[(&str, &str)] = &[
    ("<script>alert(1)", "`<script>`"),
    ("Text <script>alert(1)", "`<script>`"),
    ("<style>p { display: none }", "`<style>`"),
    ("<!-- an unclosed comment", "`<!--`"),
    ("<textarea>", "`<textarea>`"),
    ("<title>", "`<title>`"),
    ("<noscript>", "`<noscript>`"),
    ("<xmp>", "`<xmp>`"),
    ("<plaintext>", "`<plaintext>`"),
    ("<iframe src=\"https://example.org/\">", "`<iframe>`"),
    ("<pre>", "`<pre>`"),
    ("<SCRIPT>alert(1)</SCRIPT>", "`<script>`"),
    ("<?php echo 1;", "`<?`"),
    ("<![CDATA[ x", "`<!`"),
    ("<!DOCTYPE html", "`<!`"),
    ("<div class=\"x", "`<div"),
    ("<div><script>\n\nPROSE-INSIDE.\n\n</script></div>", "`<script>`"),
    ("<details><summary>More</summary>", "`<details>`"),
    ("A <a href=\"https://example.org/\">link", "`<a>`"),
    // An unfinished tag's name is cut for the message, never inside a character.
    ("<div><abééééééééééééééééééééé", "`<abééééééééééééé`"),
];

const AFTER: &str = "\n\nAfter it, PROSE-KEPT.\n\n## Safety\n\nSAFETY-KEPT.\n";

// issue 11 item 3
#[test]
fn swallowing_raw_html_never_drops_the_prose_after_it() {
    for (hostile, named) in SWALLOWING {
        let rendered = render_with(&format!("Intro.\n\n{hostile}{AFTER}"), RawHtml::Sanitize);
        let html = &rendered.html;
        for kept in ["PROSE-KEPT", "SAFETY-KEPT", "<h2 id=\"safety\">", "PROSE-INSIDE"] {
            assert!(
                html.contains(kept) || !hostile.contains("PROSE") && kept == "PROSE-INSIDE",
                "{hostile}: {kept} lost in\n{html}"
            );
        }
        let lower = html.to_ascii_lowercase();
        for banned in ["<script", "<style", "<textarea", "<title", "<noscript", "<xmp", "<plaintext", "<iframe", "<!--"]
        {
            assert!(!lower.contains(banned), "{hostile}: {banned} survived in\n{html}");
        }
        let warned = warnings(&rendered);
        assert!(
            warned.iter().any(|w| w.contains(named) && w.starts_with("content/t/a.md:6:")),
            "{hostile}: no warning naming {named} at line 6: {warned:?}"
        );
    }
}

// issue 11 item 3
#[test]
fn escaped_and_trusted_raw_html_never_drop_the_prose_after_it() {
    for (hostile, _) in SWALLOWING {
        for raw_html in [RawHtml::Escape, RawHtml::Trust] {
            let rendered = render_with(&format!("Intro.\n\n{hostile}{AFTER}"), raw_html);
            for kept in ["<p>After it, PROSE-KEPT.</p>", "<h2 id=\"safety\">", "<p>SAFETY-KEPT.</p>"] {
                assert!(rendered.html.contains(kept), "{raw_html:?} {hostile}: {kept} lost in\n{}", rendered.html);
            }
        }
    }
}

// issue 11 item 3: under `trust`, what would hide the rest of the page in a browser is an error.
#[test]
fn trusted_raw_html_that_would_hide_the_page_is_an_error() {
    for hostile in ["<script>alert(1)", "Text <script>x", "<!-- open", "<style>", "<div class=\"x"] {
        let rendered = render_with(&format!("Intro.\n\n{hostile}{AFTER}"), RawHtml::Trust);
        let found = errors(&rendered);
        assert!(found.iter().any(|e| e.starts_with("content/t/a.md:6:")), "{hostile}: {found:?}");
    }
    let fine = render_with("<div>\n<script>x()</script>\n</div>\n\nText <b>bold</b>.\n", RawHtml::Trust);
    assert!(fine.diagnostics.is_empty(), "{:?}", fine.diagnostics);
}

// issue 11 item 3
#[test]
fn sanitizer_warnings_say_what_was_removed_and_where() {
    let body = "Para.\n\n<p onclick=\"x()\">y</p>\n\n<video src=\"a.mp4\">Your browser</video> and <audio src=a.mp3></audio>\n\n<script>alert(1)</script>\n\nA <iframe src=\"https://e.org\"></iframe> b <a href=\"javascript:alert(1)\" title=t>c</a>\n";
    let rendered = render_with(body, RawHtml::Sanitize);
    assert_eq!(
        warnings(&rendered),
        [
            "content/t/a.md:6:4: removed attribute `onclick` from `<p>`",
            "content/t/a.md:8:1: removed `<video>`",
            "content/t/a.md:8:45: removed `<audio>`",
            "content/t/a.md:10:1: removed `<script>` and its content",
            "content/t/a.md:12:3: removed `<iframe>`",
            "content/t/a.md:12:46: removed attribute `href` from `<a>`: the `javascript:` scheme is not allowed",
        ]
    );
    let html = &rendered.html;
    assert!(
        html.contains("<p>y</p>") && html.contains("Your browser") && html.contains("<a title=\"t\">c</a>"),
        "{html}"
    );
    assert!(!html.contains("alert"), "{html}");
    let hint = rendered.diagnostics[0].hint.as_deref().unwrap_or_default();
    assert!(hint.contains("raw_html"), "{hint}");
}

// issue 11 item 3: the text inside a removed inline `<script>` is code, not prose; the
// text after an unclosed one is kept.
#[test]
fn inline_script_is_removed_with_its_content_within_one_paragraph() {
    let rendered = render_with("Pat dry. <script>alert(1)</script> <em>gently</em>\n", RawHtml::Sanitize);
    assert_eq!(rendered.html, "<p>Pat dry.  <em>gently</em></p>\n");
    assert!(!rendered.plain_text.contains("alert"), "{}", rendered.plain_text);
    let rendered = render_with("Pat <script>dry\n\ngently</script> off.\n", RawHtml::Sanitize);
    assert!(rendered.html.contains("dry") && rendered.html.contains("gently"), "{}", rendered.html);
}

// issue 11 item 5
#[test]
fn heading_attributes_cannot_add_event_handlers() {
    for raw_html in [RawHtml::Sanitize, RawHtml::Escape, RawHtml::Trust] {
        let rendered = render_with("Intro.\n\n## X {#x onfocus=alert(1) autofocus}\n", raw_html);
        assert!(rendered.html.contains("<h2 id=\"x\">X</h2>"), "{raw_html:?}: {}", rendered.html);
        assert!(!rendered.html.contains("onfocus") && !rendered.html.contains("autofocus"), "{}", rendered.html);
        assert_eq!(
            errors(&rendered),
            [
                "content/t/a.md:6:10: heading attribute `onfocus=alert(1)` is not allowed",
                "content/t/a.md:6:27: heading attribute `autofocus` is not allowed",
            ]
        );
        let hint = rendered.diagnostics[0].hint.as_deref();
        assert_eq!(hint, Some("heading attributes may set only `{#id}` and `{.class}`"));
    }
}

// issue 11 item 5
#[test]
fn heading_ids_and_classes_must_be_plain_tokens() {
    let rendered = render_with("## A {#a\"b .c'd .ok-1}\n", RawHtml::Sanitize);
    assert_eq!(
        errors(&rendered),
        [
            "content/t/a.md:4:7: heading id `a\"b` may hold only letters, digits, `-`, `_`, `:` and `.`",
            "content/t/a.md:4:12: heading class `c'd` may hold only letters, digits, `-`, `_`, `:` and `.`",
        ]
    );
    assert!(rendered.html.contains("<h2 id=\"a\" class=\"ok-1\">A</h2>"), "{}", rendered.html);
    let fine = render_with("## A {#why_2.0 .note:wide}\n", RawHtml::Escape);
    assert!(fine.diagnostics.is_empty(), "{:?}", fine.diagnostics);
    assert!(fine.html.contains("<h2 id=\"why_2.0\" class=\"note:wide\">A</h2>"), "{}", fine.html);
}

// issue 11 item 19: a page of one repeated title must not try every taken id again.
#[test]
fn repeated_heading_titles_take_linear_work() {
    let mut ids = UniqueIds::new(RESERVED_IDS);
    let claimed: Vec<String> = (0..2_000).map(|_| ids.claim("same")).collect();
    assert_eq!((claimed[0].as_str(), claimed[1].as_str(), claimed[1_999].as_str()), ("same", "same-1", "same-1999"));
    assert!(ids.probes() <= 2 * 2_000, "{} candidate ids tried for 2,000 headings", ids.probes());
}

// issue 11 item 19
#[test]
fn twenty_thousand_headings_with_one_title_get_distinct_ids() {
    let rendered = render_with(&"## Same\n\n".repeat(20_000), RawHtml::Sanitize);
    let ids: HashSet<&str> = rendered.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids.len(), 20_000);
    assert_eq!(rendered.headings[19_999].id, "same-19999");
    assert_eq!(rendered.toc().len(), 20_000);
}

// issue 11 item 19: the counter per title still never hands out a taken id.
#[test]
fn unique_ids_never_collide_with_explicit_ids_or_titles() {
    let rendered =
        render_with("## A {#x-2}\n\n## x\n\n## x\n\n## x\n\n## x-1\n\n## Search\n\n## x\n", RawHtml::Sanitize);
    let ids: Vec<&str> = rendered.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["x-2", "x", "x-1", "x-3", "x-1-1", "search-1", "x-4"]);
}

// issue 11 item 20
#[test]
fn nesting_deeper_than_the_limit_is_an_error() {
    for body in [
        format!("{}x <b>y</b>\n", ">".repeat(1_000)),
        format!("{}x <b>y</b>\n", "- ".repeat(1_000)),
        format!("Text\n\n<div>\n{}\n</div>\n", "<div>".repeat(1_000)),
        format!("Text <span>{}</span>\n", "<b>".repeat(1_000)),
    ] {
        let rendered = render_with(&body, RawHtml::Sanitize);
        let found = errors(&rendered);
        assert!(found.len() == 1 && found[0].contains("nested deeper than 100 levels"), "{}: {found:?}", &body[..20]);
    }
    let fine = render_with(&format!("{}x <b>y</b>\n", ">".repeat(30)), RawHtml::Sanitize);
    assert!(fine.diagnostics.is_empty(), "{:?}", fine.diagnostics);
}

/// Fails unless every tag of `html` is harmless as a browser reads it: no script-like
/// or styling element, no event handler or style, no URL with a scheme links may not use.
fn assert_harmless(html: &str) {
    for token in super::lexer::tokenize(html) {
        let super::lexer::Kind::Start(tag) = token.kind else { continue };
        let banned = ["script", "style", "svg", "math", "form", "meta", "base", "link", "object", "embed", "iframe"];
        assert!(!banned.contains(&tag.name.as_str()), "<{}> in {html}", tag.name);
        for attribute in tag.attributes {
            let name = attribute.name.as_str();
            assert!(!name.starts_with("on") && name != "style", "{name} on <{}> in {html}", tag.name);
            if ["href", "src", "cite"].contains(&name) {
                let url: String = attribute.value.trim_matches(|c: char| c <= ' ').replace(['\t', '\n', '\r'], "");
                let scheme = url.split_once(':').map(|(scheme, _)| scheme.to_ascii_lowercase());
                assert!(
                    scheme.is_none_or(
                        |s| ["http", "https", "mailto", "tel"].contains(&s.as_str()) || s.contains(['/', '?', '#'])
                    ),
                    "{name}={url:?} in {html}"
                );
            }
        }
    }
}

// issue 11, beyond the list: URLs a browser would run, however they are spelled.
#[test]
fn markdown_urls_cannot_smuggle_scripts() {
    for body in [
        "<javascript:alert(1)>",
        "[x]\n\n[x]: javascript:alert(1)",
        "[x](&#106;avascript:alert(1))",
        "[x](javascript&colon;alert(1))",
        "[x](java&#x09;script:alert(1))",
        "[x](<\u{1}javascript:alert(1)>)",
        "[x](< javascript:alert(1)>)",
        "![x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox(1))",
    ] {
        let rendered = render_with(body, RawHtml::Sanitize);
        assert_harmless(&rendered.html);
        let found = errors(&rendered);
        assert!(found.iter().any(|e| e.contains("scheme are not allowed")), "{body:?}: {found:?}");
    }
}

// issue 11, beyond the list: text that ends up inside an attribute never leaves it.
#[test]
fn titles_info_strings_and_labels_stay_inside_their_attributes() {
    for body in [
        "[x](/a \"t\\\" onmouseover=alert(1) x=\\\"\")",
        "![a\" onerror=\"alert(1)](t.png)",
        "```js\" onclick=\"alert(1)\ncode\n```",
        "Note[^a\" onclick=\"b].\n\n[^a\" onclick=\"b]: Text.",
    ] {
        for raw_html in [RawHtml::Sanitize, RawHtml::Escape] {
            let html = render_with(body, raw_html).html;
            for attribute in ["\" onmouseover=", "\" onerror=", "\" onclick="] {
                assert!(!html.contains(attribute), "{body:?} -> {html}");
            }
        }
    }
}

// issue 11, beyond the list: raw HTML spellings of script and style, and markup that
// re-parses differently (mutation XSS).
#[test]
fn raw_html_cannot_smuggle_scripts_styles_or_theme_ids() {
    for body in [
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<a href=\"java&#x09;script:alert(1)\">x</a>",
        "<a href=\" \u{1}javascript:alert(1)\">x</a>",
        "<img src=\"data:text/html,x\" alt=a>",
        "<img src=x onerror=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
        "<div style=\"position:fixed;inset:0\">x</div>",
        "<form action=\"https://e.org\"><input name=p></form>",
        "<meta http-equiv=refresh content=\"0;url=https://e.org\">",
        "<base href=\"https://e.org/\">",
        "<link rel=stylesheet href=\"https://e.org/x.css\">",
        "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
        "<a href=\"/x\" id=\"main-content\">x</a>",
        "<p>Text <a href=/x onclick=alert(1)>x</a></p>",
    ] {
        let rendered = render_with(&format!("Intro.\n\n{body}\n\nAfter.\n"), RawHtml::Sanitize);
        assert_harmless(&rendered.html);
        let html = rendered.html.to_ascii_lowercase();
        assert!(!html.contains("main-content"), "{body:?}: {html}");
        assert!(html.contains("after."), "{body:?}: {html}");
        assert!(!warnings(&rendered).is_empty(), "{body:?}: nothing said");
    }
}

// issue 11, beyond the list: a file of many mistakes on one long line must not cost
// (time and memory) a copy of the line for each.
#[test]
fn a_flood_of_problems_is_counted_not_listed() {
    let body = "[x](javascript:a) ".repeat(1_000);
    let rendered = render_with(&body, RawHtml::Sanitize);
    assert_eq!(rendered.diagnostics.len(), 201);
    assert_eq!(rendered.diagnostics[200].message, "800 more errors in this file");
    let body = "<b onclick=x>y</b>".repeat(1_000);
    let rendered = render_with(&body, RawHtml::Sanitize);
    assert_eq!(rendered.diagnostics.len(), 201);
    assert_eq!(rendered.diagnostics[200].message, "800 more warnings in this file");
}

// issue 11 item 3: warnings point into block quotes and list items too.
#[test]
fn sanitizer_warnings_point_into_quotes_and_lists() {
    let cases = [
        ("> <div onclick=x>\n> <b onclick=y>z</b>\n> </div>\n", vec!["4:8", "5:6"]),
        ("- a\n\n  <div\n  onclick=x>\n  </div>\n", vec!["7:3"]),
        ("> <script>\n> x\n\nAfter\n", vec!["4:3"]),
        // Inline HTML over lines of a quote comes without the `>`: the tag's start is shown.
        ("> Text <b\n> onclick=x>y</b>\n", vec!["4:8"]),
    ];
    for (body, places) in cases {
        let rendered = render_with(body, RawHtml::Sanitize);
        let found: Vec<String> = rendered
            .diagnostics
            .iter()
            .map(|d| d.location().trim_start_matches("content/t/a.md:").to_owned())
            .collect();
        assert_eq!(found, places, "{body:?}");
    }
}

// issue 11, beyond the list: a footnote's id is its label; it must not take the id of a
// theme element (the skip link's `main-content`, the `toc`) or of a heading.
#[test]
fn footnote_labels_cannot_take_theme_or_heading_ids() {
    let rendered =
        render_with("See[^toc] and[^notes].\n\n## Notes\n\n[^toc]: One.\n[^notes]: Two.\n", RawHtml::Sanitize);
    assert_eq!(
        errors(&rendered),
        [
            "content/t/a.md:8:1: footnote `[^toc]` needs the id `toc`, which the theme uses",
            "content/t/a.md:9:1: footnote `[^notes]` needs the id `notes`, which a heading uses",
        ]
    );
    let twice = render_with("See[^1].\n\n[^1]: One.\n\n[^1]: Two.\n", RawHtml::Sanitize);
    assert_eq!(errors(&twice), ["content/t/a.md:8:1: footnote `[^1]` is defined twice"]);
    let fine = render_with("See[^1].\n\n## Notes\n\n[^1]: One.\n", RawHtml::Sanitize);
    assert!(fine.diagnostics.is_empty(), "{:?}", fine.diagnostics);
}

// issue 11 leftover 3: raw HTML with a scheme and no address (`href="https:"`) kept a
// link that leads nowhere; it goes, with a warning, like a disallowed scheme.
#[test]
fn raw_html_urls_with_no_address_are_removed_and_told() {
    let rendered = render_with(
        "<a href=\"https:\">x</a> <a href=\"mailto:\">y</a> <a href=\"https://ok.example/\">z</a>",
        RawHtml::Sanitize,
    );
    assert!(!rendered.html.contains("\"https:\"") && !rendered.html.contains("\"mailto:\""), "{}", rendered.html);
    assert!(rendered.html.contains("https://ok.example/"), "{}", rendered.html);
    let found = warnings(&rendered);
    assert_eq!(found.iter().filter(|w| w.contains("not a whole address")).count(), 2, "{found:?}");
    // A protocol-relative URL leaves the site: kept, with a warning.
    let rendered = render_with("<a href=\"//evil.example/x\">x</a>", RawHtml::Sanitize);
    assert!(rendered.html.contains("href=\"//evil.example/x\""), "{}", rendered.html);
    let found = warnings(&rendered);
    assert!(found.iter().any(|w| w.contains("leads to the site `evil.example`")), "{found:?}");
}

#[test]
fn the_words_tend_writes_are_in_the_pages_language() {
    let text = "---\ntitle: t\n---\n> [!TIP]\n> Agua.\n\n## Por qué\n\n| a |\n|---|\n| b |\n\n- [x] hecho\n";
    let targets = HashMap::new();
    let spanish = Words {
        callouts: ["Nota", "Consejo", "Importante", "Advertencia", "Precaución"].map(str::to_owned),
        table: "Tabla {n}".into(),
        section: "Sección «{title}»".into(),
        task: ["hecho", "sin hacer"].map(str::to_owned),
        name: "Español".into(),
    };
    let words = std::collections::BTreeMap::from([("es".to_owned(), spanish)]);
    let settings = Settings {
        targets: &targets,
        drafts: &[],
        base_path: "/",
        raw_html: RawHtml::Sanitize,
        links: LinkLevel::Error,
        snippets: &Snippets::new(),
        images: &Images::new(),
        words: &words,
        default_language: "en",
    };
    let source = |language| Source {
        path: Path::new("content/t/a.es.md"),
        text,
        body_offset: 16,
        link_base: Path::new("content/t"),
        language,
    };
    let html = render(&source(Some("es")), &settings).html;
    for said in ["Consejo", "aria-label=\"Tabla 1\"", "Sección «Por qué»", "aria-label=\"hecho\""] {
        assert!(html.contains(said), "{said} missing from {html}");
    }
    // A language with no words of its own (and the default language here) gets English.
    let html = render(&source(None), &settings).html;
    assert!(html.contains("Tip") && html.contains("Table 1") && html.contains("Section titled “Por qué”"), "{html}");
}
