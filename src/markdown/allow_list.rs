//! The allow-list for raw HTML under `raw_html: sanitize`: formatting and structure, and
//! the markup tend itself writes; never scripts, styles, forms, frames, media, event
//! handlers or URLs with schemes Markdown links may not use. Used both per fragment (by
//! [`super::raw_html`]) and for the whole page (by ammonia, through [`cleaner`]).

use super::{RESERVED_IDS, SCHEMES};

/// Tags raw HTML may use under `sanitize` (ammonia's defaults, plus `section` and the
/// task list's `input`); tend's own markup uses only these too.
#[rustfmt::skip]
pub(super) const TAGS: &[&str] = &[
    "a", "abbr", "acronym", "area", "article", "aside", "b", "bdi", "bdo", "blockquote", "br", "caption", "center",
    "cite", "code", "col", "colgroup", "data", "dd", "del", "details", "dfn", "div", "dl", "dt", "em",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "i", "img",
    "input", "ins", "kbd", "li", "map", "mark", "nav", "ol", "p", "pre", "q", "rp", "rt", "rtc", "ruby", "s",
    "samp", "section", "small", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th",
    "thead", "time", "tr", "tt", "u", "ul", "var", "wbr",
];

/// Attributes any allowed tag may have.
const GENERIC_ATTRIBUTES: &[&str] =
    &["lang", "title", "id", "class", "role", "aria-label", "aria-hidden", "tabindex", "data-pagefind-ignore"];

/// Attributes particular tags may have (ammonia's defaults, plus the task list's).
const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "hreflang"]),
    ("bdo", &["dir"]),
    ("blockquote", &["cite"]),
    ("col", &["align", "char", "charoff", "span"]),
    ("colgroup", &["align", "char", "charoff", "span"]),
    ("del", &["cite", "datetime"]),
    ("hr", &["align", "size", "width"]),
    ("img", &["align", "alt", "height", "loading", "src", "width"]),
    ("input", &["type", "checked", "disabled"]),
    ("ins", &["cite", "datetime"]),
    ("ol", &["start"]),
    ("q", &["cite"]),
    ("table", &["align", "char", "charoff", "summary"]),
    ("tbody", &["align", "char", "charoff"]),
    ("td", &["align", "char", "charoff", "colspan", "headers", "rowspan"]),
    ("tfoot", &["align", "char", "charoff"]),
    ("th", &["align", "char", "charoff", "colspan", "headers", "rowspan", "scope"]),
    ("thead", &["align", "char", "charoff"]),
    ("tr", &["align", "char", "charoff"]),
];

/// Attributes holding a URL, which may use the [schemes](SCHEMES) Markdown links may.
const URL_ATTRIBUTES: &[&str] = &["href", "src", "cite"];

/// Elements whose content is code, removed with them (as ammonia does); the text of other
/// removed elements stays.
pub(super) const CODE: &[&str] = &["script", "style"];

/// Elements without content, never left open.
pub(super) const VOID: &[&str] = &["area", "br", "col", "hr", "img", "input", "wbr"];

/// Elements whose end tag may be left out (a browser closes them itself).
pub(super) const OPTIONAL_END: &[&str] =
    &["p", "li", "dt", "dd", "rt", "rp", "rtc", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "caption"];

/// The ammonia cleaner for a whole rendered page, with the same allow-list.
pub(super) fn cleaner() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(TAGS.iter().copied().collect())
        .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
        .tag_attributes(
            TAG_ATTRIBUTES.iter().map(|(tag, attributes)| (*tag, attributes.iter().copied().collect())).collect(),
        )
        .url_schemes(SCHEMES.iter().copied().collect())
        .link_rel(None);
    builder
}

/// The host a URL attribute's protocol-relative value (`href="//host/x"`) leads to: it
/// leaves the site, which the author may not mean (`//page/` for `/page/`).
pub(super) fn protocol_relative_host<'v>(name: &str, value: &'v str) -> Option<&'v str> {
    URL_ATTRIBUTES.contains(&name).then(|| super::protocol_relative_host(value)).flatten()
}

/// Why an attribute must go (`None` when it may stay): empty when it is not allowed on
/// the tag at all, else the reason, for the warning.
pub(super) fn attribute_problem(tag: &str, name: &str, value: &str) -> Option<String> {
    let allowed = GENERIC_ATTRIBUTES.contains(&name)
        || TAG_ATTRIBUTES.iter().any(|(t, names)| *t == tag && names.contains(&name));
    if !allowed {
        Some(String::new())
    } else if URL_ATTRIBUTES.contains(&name) {
        let scheme = crate::sitepath::scheme(value)?;
        if !SCHEMES.contains(&scheme.as_str()) {
            return Some(format!(": the `{scheme}:` scheme is not allowed"));
        }
        crate::sitepath::incomplete(value, &scheme)
            .map(|why| format!(": `{}` is not a whole address ({why})", value.trim()))
    } else if name == "id" && RESERVED_IDS.contains(&value) {
        Some(format!(": `{value}` is the theme's own id"))
    } else {
        None
    }
}
