//! What `tend serve` answers: which requests it refuses, files of the current snapshot,
//! tend's own endpoints (the live-reload script and event stream).
//!
//! Every request passes [`guard`] first. The preview holds drafts and error messages that
//! quote source lines, so only requests addressed to this computer are answered: a web
//! page the author visits could otherwise point a name of its own at 127.0.0.1 (DNS
//! rebinding) and read them. The preview only reads, so only GET and HEAD are answered.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio_stream::StreamExt as _;
use tokio_stream::wrappers::BroadcastStream;

use super::{Notice, Published};

/// Where tend's own endpoints live, under the base path.
const PREFIX: &str = "__tend/";

/// The browser side of live reload.
const LIVE_JS: &str = include_str!("live.js");

/// What the handlers share.
pub(super) struct App {
    pub(super) published: Arc<Published>,
    pub(super) hosts: Hosts,
    /// The base URL's path, with its trailing slash.
    pub(super) base_path: String,
    /// How often the event stream sends a comment, to stay within the idle timeout.
    pub(super) keep_alive: Duration,
}

/// Every request: refused by [`guard`], or tend's endpoints, or a file of the site.
pub(super) fn router(app: App) -> axum::Router {
    let hosts = app.hosts.clone();
    axum::Router::new()
        .fallback(handle)
        .with_state(Arc::new(app))
        .layer(axum::middleware::from_fn_with_state(Arc::new(hosts), guard))
}

/// Host names the server answers (any port): `localhost` and names under `.localhost`
/// (RFC 6761 keeps them for this computer, and browsers resolve them without asking DNS,
/// so no other site can own one), loopback addresses, the address listened on, and the
/// host of `--base-url`. Listening on every address (`--bind 0.0.0.0`) answers any IP
/// address too: a DNS rebinding attack needs a name, and a literal address is not one.
#[derive(Debug, Clone)]
pub(super) struct Hosts {
    bound: IpAddr,
    base_url_host: Option<String>,
}

impl Hosts {
    pub(super) fn new(bound: IpAddr, base_url: Option<&str>) -> Self {
        let base_url_host = base_url.and_then(|url| url::Url::parse(url).ok()).and_then(|url| {
            url.host_str().map(|h| h.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase())
        });
        Self { bound, base_url_host }
    }

    /// Whether a `Host` value (a name or address and an optional port) is answered.
    pub(super) fn allows(&self, authority: &str) -> bool {
        let Some(host) = host_of(authority) else { return false };
        let host = host.to_ascii_lowercase();
        let name = host.strip_suffix('.').unwrap_or(&host);
        let base_url_host = self.base_url_host.as_deref();
        if let Ok(ip) = name.parse::<IpAddr>() {
            let ip = ip.to_canonical();
            return ip.is_loopback()
                || ip == self.bound
                || self.bound.is_unspecified()
                || base_url_host.and_then(|h| h.parse::<IpAddr>().ok()) == Some(ip);
        }
        is_dns_name(name)
            && (name == "localhost"
                || name.strip_suffix(".localhost").is_some_and(is_dns_name)
                || base_url_host == Some(name))
    }
}

/// The host of `host[:port]` or `[v6][:port]`, or `None` when the port is not a number
/// or the brackets do not hold an IPv6 address.
fn host_of(authority: &str) -> Option<&str> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(rest) => {
            let (inside, after) = rest.split_once(']')?;
            inside.parse::<std::net::Ipv6Addr>().ok()?;
            (inside, if after.is_empty() { None } else { Some(after.strip_prefix(':')?) })
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    port.is_none_or(|p| p.bytes().all(|b| b.is_ascii_digit())).then_some(host)
}

/// Letters, digits, hyphens and dots, with no empty label.
fn is_dns_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

/// Refuses requests for other hosts (421), without a single Host (400), and with methods
/// other than GET and HEAD (405); passes the rest on.
async fn guard(State(hosts): State<Arc<Hosts>>, request: Request, next: Next) -> Response {
    if let Some(refusal) = refusal(&hosts, request.method(), request.uri(), request.headers()) {
        return refusal;
    }
    next.run(request).await
}

fn refusal(hosts: &Hosts, method: &Method, uri: &Uri, headers: &HeaderMap) -> Option<Response> {
    let mut values = headers.get_all(header::HOST).iter();
    let (Some(host), None) = (values.next(), values.next()) else {
        return Some(plain(
            StatusCode::BAD_REQUEST,
            "tend serve needs exactly one Host header, to tell that the request is meant for this computer.\n",
        ));
    };
    // An absolute request line (`GET http://host/ HTTP/1.1`) names a host too.
    let Ok(host) = host.to_str() else { return Some(misdirected("(not text)")) };
    let mut named = std::iter::once(host).chain(uri.authority().map(axum::http::uri::Authority::as_str));
    if let Some(stranger) = named.find(|h| !hosts.allows(h)) {
        return Some(misdirected(stranger));
    }
    if method != Method::GET && method != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "tend serve only reads: use GET or HEAD.\n");
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return Some(response);
    }
    None
}

/// 421 Misdirected Request, saying why.
fn misdirected(host: &str) -> Response {
    let shown: String = host.chars().take(100).flat_map(char::escape_debug).collect();
    plain(
        StatusCode::MISDIRECTED_REQUEST,
        &format!(
            "tend serve answers only requests for this computer (localhost, 127.0.0.1, [::1]), not `{shown}`.\n\
             This keeps other web sites from reading your preview through your browser (DNS rebinding).\n\
             Open the address tend serve printed, or pass --base-url with the name you use.\n"
        ),
    )
}

fn plain(status: StatusCode, text: &str) -> Response {
    let mut response = with_type(text.as_bytes().to_vec(), "text/plain; charset=utf-8");
    *response.status_mut() = status;
    response.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

async fn handle(State(app): State<Arc<App>>, uri: Uri) -> Response {
    let Some(path) = site_path(uri.path(), &app.base_path) else {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    };
    match path.strip_prefix(PREFIX) {
        Some("live.js") => with_type(LIVE_JS.as_bytes().into(), "text/javascript; charset=utf-8"),
        Some("events") => events(&app).into_response(),
        _ => file(&app, &path),
    }
}

/// The request path relative to the base path, percent-decoded and checked: `None`
/// for anything that tries to leave the site (`..`, `\`, NUL, bad UTF-8).
fn site_path(raw: &str, base_path: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8().ok()?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let rest = decoded.strip_prefix(base_path).or_else(|| decoded.strip_prefix(base_path.trim_end_matches('/')))?;
    let mut parts = Vec::new();
    for part in rest.split('/') {
        match part {
            "" => {}
            "." | ".." => return None,
            part => parts.push(part),
        }
    }
    let mut path = parts.join("/");
    if rest.ends_with('/') && !path.is_empty() {
        path.push('/');
    }
    Some(path)
}

fn file(app: &App, path: &str) -> Response {
    let (site, error) = app.published.now();
    if site.generation == 0 {
        return error_page(&app.base_path, error.as_deref().unwrap_or("The site is being built."));
    }
    let key = if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_owned() };
    let page = Page { base_path: &app.base_path, generation: site.generation };
    if let Some(bytes) = site.files.get(&key) {
        return page.respond(&key, bytes, StatusCode::OK);
    }
    if site.files.contains_key(&format!("{key}/index.html")) {
        let location = format!("{}{key}/", app.base_path);
        return (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response();
    }
    // A language's own not-found page under its folder (`es/404.html`), else the site's.
    let language_404 = key.split_once('/').map(|(first, _)| format!("{first}/404.html"));
    let not_found = language_404.filter(|own| site.files.contains_key(own)).unwrap_or_else(|| "404.html".to_owned());
    match site.files.get(&not_found) {
        Some(bytes) => page.respond(&not_found, bytes, StatusCode::NOT_FOUND),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

/// A file of one snapshot, as served.
struct Page<'a> {
    base_path: &'a str,
    generation: u64,
}

impl Page<'_> {
    fn respond(&self, key: &str, bytes: &[u8], status: StatusCode) -> Response {
        let mime = mime_guess::from_path(key).first_or_octet_stream();
        let body = if mime.essence_str() == "text/html" { self.inject(bytes) } else { bytes.to_vec() };
        let content_type = if mime.type_() == "text" || mime.essence_str() == "application/javascript" {
            format!("{}; charset=utf-8", mime.essence_str())
        } else {
            mime.essence_str().to_owned()
        };
        let mut response = with_type(body, &content_type);
        *response.status_mut() = status;
        response
    }

    /// The page with the live-reload script added before `</body>`, naming the
    /// generation the page comes from.
    fn inject(&self, html: &[u8]) -> Vec<u8> {
        let tag = format!(
            "<script src=\"{}{PREFIX}live.js\" data-generation=\"{}\" defer></script>",
            self.base_path, self.generation
        );
        let text = String::from_utf8_lossy(html);
        match text.rfind("</body>") {
            Some(at) => format!("{}{tag}{}", &text[..at], &text[at..]).into_bytes(),
            None => format!("{text}{tag}").into_bytes(),
        }
    }
}

fn with_type(body: Vec<u8>, content_type: &str) -> Response {
    let mut response = Response::new(Body::from(body));
    if let Ok(value) = HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Shown for every page while there has never been a good build.
fn error_page(base_path: &str, error: &str) -> Response {
    let text = quick_xml::escape::escape(error);
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head><body><main><h1>The site could not be built</h1><p>Fix the problem below and save: this page reloads by itself.</p><pre>{text}</pre></main></body></html>"
    );
    let page = Page { base_path, generation: 0 };
    let mut response = with_type(page.inject(html.as_bytes()), "text/html; charset=utf-8");
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
}

impl Notice {
    fn to_event(&self) -> Event {
        use serde_json::json;
        match self {
            Self::Reload { generation } => {
                Event::default().event("reload").data(json!({ "generation": generation }).to_string())
            }
            Self::Styles { generation, paths } => {
                Event::default().event("css").data(json!({ "generation": generation, "paths": paths }).to_string())
            }
            Self::Unchanged => Event::default().event("unchanged").data("{}"),
            Self::Failed(text) => Event::default().event("error").data(json!(text).to_string()),
        }
    }
}

/// The live-reload stream: first the state now (a tab showing an older generation
/// reloads at once; one showing this generation shows or clears the error), then every
/// notice. Subscribing comes first, so nothing published meanwhile is missed; a tab that
/// falls behind the channel is sent the state again instead of what it missed. A comment
/// every `keep_alive` keeps the connection inside the idle timeout.
fn events(app: &App) -> Sse<impl tokio_stream::Stream<Item = Result<Event, std::convert::Infallible>> + use<>> {
    let updates = BroadcastStream::new(app.published.notices.subscribe());
    let first = tokio_stream::once(Ok(state(&app.published)));
    let published = Arc::clone(&app.published);
    let updates = updates.map(move |notice| Ok(notice.map_or_else(|_lagged| state(&published), |n| n.to_event())));
    Sse::new(first.chain(updates)).keep_alive(KeepAlive::new().interval(app.keep_alive))
}

/// `hello`: the generation served now and the last build's error, if it failed.
fn state(published: &Published) -> Event {
    let (site, error) = published.now();
    Event::default()
        .event("hello")
        .data(serde_json::json!({ "generation": site.generation, "error": error }).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_tab_that_falls_behind_is_sent_the_state_again() {
        let published = Arc::new(Published::new());
        published
            .update(|state| state.site = Arc::new(super::super::Snapshot { files: Default::default(), generation: 9 }));
        let app = App {
            published: Arc::clone(&published),
            hosts: Hosts::new("127.0.0.1".parse().expect("ip"), None),
            base_path: "/".into(),
            keep_alive: Duration::from_secs(60),
        };
        let body = events(&app).into_response().into_body();
        // More notices than the channel holds, before the tab reads any.
        for generation in 10..=100 {
            published.notify(Notice::Reload { generation });
        }
        let mut stream = body.into_data_stream();
        let mut events = Vec::new();
        while events.len() < 3 {
            let chunk = stream.next().await.expect("an event").expect("bytes");
            events.push(String::from_utf8_lossy(&chunk).into_owned());
        }
        assert!(events[0].starts_with("event: hello\ndata: {\"error\":null,\"generation\":9}"), "{}", events[0]);
        assert!(events[1].starts_with("event: hello\n"), "the state again after falling behind: {}", events[1]);
        assert!(events[2].starts_with("event: reload\n"), "{}", events[2]);
    }

    #[test]
    fn paths_cannot_leave_the_site() {
        for raw in
            ["/../etc/passwd", "/%2e%2e/x", "/a/%2E%2E/%2E%2E/x", "/a\\..\\b", "/%00", "/a/./b", "/%c0%ae%c0%ae/x"]
        {
            assert_eq!(site_path(raw, "/"), None, "{raw}");
        }
        assert_eq!(site_path("/guide/a/b/", "/guide/"), Some("a/b/".into()));
        assert_eq!(site_path("/guide", "/guide/"), Some(String::new()));
        assert_eq!(site_path("/other/a", "/guide/"), None);
        assert_eq!(site_path("/caf%C3%A9/", "/"), Some("café/".into()));
    }

    #[test]
    fn injects_the_script_with_the_generation_before_the_closing_body() {
        let page = Page { base_path: "/g/", generation: 7 };
        let out = String::from_utf8(page.inject(b"<html><body><p>x</p></body></html>")).expect("utf-8");
        assert_eq!(
            out,
            "<html><body><p>x</p><script src=\"/g/__tend/live.js\" data-generation=\"7\" defer></script></body></html>"
        );
    }

    #[test]
    fn hosts_are_loopback_names_and_addresses() {
        let loopback = Hosts::new("127.0.0.1".parse().expect("ip"), None);
        for host in
            ["localhost", "LOCALHOST:1", "localhost.", "a.b.localhost:80", "127.0.0.1", "127.9.9.9:1", "[::1]:8"]
        {
            assert!(loopback.allows(host), "{host}");
        }
        for host in [
            "",
            "evil.example",
            "localhost.evil.example",
            "evil-localhost",
            ".localhost",
            "a..localhost",
            "localhost:x",
            "localhost:1:2",
            "user@localhost",
            "[localhost]",
            "[::1",
            "[::1]x",
            "192.168.1.2",
            "[::ffff:192.168.1.2]",
            "0x7f.0.0.1",
            "127.1",
        ] {
            assert!(!loopback.allows(host), "{host:?}");
        }
        assert!(Hosts::new("::1".parse().expect("ip"), None).allows("[::ffff:127.0.0.1]:1"));
        let lan = Hosts::new("192.168.1.2".parse().expect("ip"), Some("http://mybox.local:1111/"));
        assert!(lan.allows("192.168.1.2:1111") && lan.allows("MyBox.local:1111") && !lan.allows("192.168.1.3"));
        let every = Hosts::new("0.0.0.0".parse().expect("ip"), None);
        assert!(every.allows("10.1.2.3:1111") && every.allows("[fe80::1]") && !every.allows("evil.example"));
    }
}
