//! `tend serve` in-process on an ephemeral port: edits, creates, deletes, renames, broken
//! files, traversal attempts and the live-reload channel.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use tend::serve::{Notice, ServeOptions, Server, Timeouts};

use crate::support::SiteTest;

fn start(site: &SiteTest) -> Server {
    start_with(site, Timeouts::default())
}

fn start_with(site: &SiteTest, timeouts: Timeouts) -> Server {
    Server::start(&ServeOptions {
        root: site.root.clone(),
        bind: "127.0.0.1".parse().expect("ip"),
        port: 0,
        drafts: false,
        base_url: None,
        timeouts,
    })
    .expect("server starts")
}

/// A raw HTTP/1.1 GET (so odd paths reach the server unnormalised): (status, body).
fn get(server: &Server, path: &str) -> (u16, String) {
    get_at(server.addr, path)
}

/// [`get`] for a server at `addr`.
fn get_at(addr: SocketAddr, path: &str) -> (u16, String) {
    let response = send(addr, &format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
    (response.status, response.body)
}

/// A response read to the end.
struct Raw {
    status: u16,
    head: String,
    body: String,
}

/// Sends `request` as it is and reads the response until the server closes.
fn send(addr: SocketAddr, request: &str) -> Raw {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("status line");
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    Raw { status, head: head.to_ascii_lowercase(), body: body.to_owned() }
}

/// Waits (bounded) for the next notice of any kind.
fn next_any(rx: &mut tokio::sync::broadcast::Receiver<Notice>) -> Notice {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().expect("runtime");
    runtime
        .block_on(async { tokio::time::timeout(Duration::from_secs(20), rx.recv()).await })
        .expect("a notice within 20 s")
        .expect("channel open")
}

/// Waits for the next reload (passing over failures and no-change rebuilds); its generation.
fn assert_reload(rx: &mut tokio::sync::broadcast::Receiver<Notice>) -> u64 {
    match next_reload(rx) {
        Notice::Reload { generation } => generation,
        other => panic!("expected a reload, got {other:?}"),
    }
}

/// Waits (bounded) for the next notice that says something changed or failed. An editor
/// save can arrive as more than one batch of events, so rebuilds that found nothing new
/// (`Unchanged`) are passed over.
fn next_notice(rx: &mut tokio::sync::broadcast::Receiver<Notice>) -> Notice {
    loop {
        let notice = next_any(rx);
        if notice != Notice::Unchanged {
            return notice;
        }
    }
}

/// Waits for the next reload or style swap, passing over failures: a rebuild can catch a
/// file between its creation and its first write, and editors save in several steps.
fn next_reload(rx: &mut tokio::sync::broadcast::Receiver<Notice>) -> Notice {
    loop {
        match next_notice(rx) {
            Notice::Failed(_) => {}
            other => return other,
        }
    }
}

#[test]
fn serves_the_built_site_with_the_live_reload_script() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let (status, page) = get(&server, "/care/washing/");
    assert_eq!(status, 200);
    assert!(page.contains("<h1>Washing up</h1>"));
    let script = format!("<script src=\"/__tend/live.js\" data-generation=\"{}\" defer></script>", server.generation());
    assert!(page.contains(&format!("{script}</body>")), "{page}");
    let (status, css) = get(&server, "/style.css");
    assert_eq!((status, css.as_str()), (200, "body { color: black; }\n"));
    assert_eq!(get(&server, "/care/washing").0, 301);
    let (status, missing) = get(&server, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(missing.contains("Page not found"));
}

#[test]
fn served_pages_equal_built_pages_but_for_the_script_and_asset_names() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let built = site.build_with(tend::Overrides { base_url: Some(server.url.clone()), ..Default::default() });
    for path in ["index.html", "care/washing/index.html", "tags/hygiene/index.html", "sitemap.xml"] {
        let url_path = format!("/{}", path.trim_end_matches("index.html"));
        let (_, served) = get(&server, &url_path);
        let script =
            format!("<script src=\"/__tend/live.js\" data-generation=\"{}\" defer></script>", server.generation());
        let served = served.replace(&script, "");
        // `serve` keeps the theme's CSS and JavaScript under their plain names.
        let built = crate::support::without_asset_hashes(&built.read(path)).replace(".[hash].", ".");
        assert_eq!(served, built, "{path}");
    }
    assert!(!built.root.join("public/.tend-serve").exists());
}

#[test]
fn never_touches_public() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    server.rebuild();
    assert!(!site.root.join("public").exists());
}

#[test]
fn refuses_paths_that_leave_the_site() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    for path in ["/../site.yaml", "/%2e%2e/site.yaml", "/care/%2E%2E/%2E%2E/site.yaml", "/..%5csite.yaml", "/%00"] {
        let (status, body) = get(&server, path);
        assert!(status == 400 || status == 404, "{path}: {status}");
        assert!(!body.contains("title: Fixture guide"), "{path} leaked a source file");
    }
    let (status, _) = get(&server, "/content/care/washing.md");
    assert_eq!(status, 404, "sources are never served");
}

#[test]
fn edits_creates_deletes_and_renames_are_reflected() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let mut notices = server.notices();
    let washing = site.root.join("content/care/washing.md");
    let text = std::fs::read_to_string(&washing).expect("read");
    std::fs::write(&washing, text.replace("Plain **water** is enough.", "Warm water is enough.")).expect("edit");
    assert_reload(&mut notices);
    assert!(get(&server, "/care/washing/").1.contains("Warm water is enough."));

    std::fs::write(site.root.join("content/talk/new-one.md"), "---\ntitle: A new one\ndescription: New.\n---\nHi.\n")
        .expect("create");
    assert_reload(&mut notices);
    assert_eq!(get(&server, "/talk/new-one/").0, 200);

    std::fs::rename(site.root.join("content/talk/new-one.md"), site.root.join("content/talk/renamed.md"))
        .expect("rename");
    assert_reload(&mut notices);
    assert_eq!(get(&server, "/talk/new-one/").0, 404, "no stale page after a rename");
    assert_eq!(get(&server, "/talk/renamed/").0, 200);

    std::fs::remove_file(site.root.join("content/care/drying.md")).expect("delete");
    assert_reload(&mut notices);
    assert_eq!(get(&server, "/care/drying/").0, 404, "a deleted article disappears");
    assert!(!get(&server, "/care/").1.contains("Drying off"));

    std::fs::create_dir_all(site.root.join("content/rest")).expect("mkdir");
    std::fs::write(site.root.join("content/rest/_index.md"), "---\ntitle: Resting\n---\n").expect("topic");
    assert_reload(&mut notices);
    assert!(get(&server, "/").1.contains("Resting"), "a new topic appears in the navigation");
}

#[test]
fn rebuilds_reuse_the_last_render() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let mut notices = server.notices();
    let washing = site.root.join("content/care/washing.md");
    let text = std::fs::read_to_string(&washing).expect("read");
    std::fs::write(&washing, text.replace("Plain **water**", "Plain, warm **water**")).expect("edit");
    assert_reload(&mut notices);
    // The watcher's rebuild took the edit; another one has nothing new to render.
    let stats = server.rebuild().expect("the rebuild succeeds");
    assert_eq!((stats.markdown_rendered, stats.pages_rendered, stats.theme_compiled), (0, 0, false), "{stats:?}");
    assert!(stats.pages_reused > 10);
    assert!(get(&server, "/care/washing/").1.contains("Plain, warm <strong>water</strong>"));
}

#[test]
fn folders_created_while_serving_are_watched() {
    let site = SiteTest::fixture("basic").remove("static");
    let server = start(&site);
    let mut notices = server.notices();
    assert_eq!(get(&server, "/hello.txt").0, 404);
    std::fs::create_dir_all(site.root.join("static")).expect("mkdir");
    std::fs::write(site.root.join("static/hello.txt"), "one").expect("write");
    next_reload(&mut notices);
    wait_for(&server, "/hello.txt", "one");
    // A file changed later in the new folder is seen too: the folder is watched now.
    std::thread::sleep(std::time::Duration::from_millis(100));
    std::fs::write(site.root.join("static/hello.txt"), "two").expect("write");
    wait_for(&server, "/hello.txt", "two");
}

#[test]
fn a_content_folder_deleted_and_restored_is_watched_again() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let mut notices = server.notices();
    let content = site.root.join("content");
    let saved = site.root.parent().expect("temp dir").join("saved-content");
    crate::support::copy_dir(&content, &saved);
    std::fs::remove_dir_all(&content).expect("remove");
    assert!(matches!(next_notice(&mut notices), Notice::Failed(text) if text.contains("content/")));
    crate::support::copy_dir(&saved, &content);
    wait_for(&server, "/care/washing/", "Washing up");
    std::thread::sleep(std::time::Duration::from_millis(100));
    let washing = content.join("care/washing.md");
    let text = std::fs::read_to_string(&washing).expect("read");
    std::fs::write(&washing, text.replace("Plain **water** is enough.", "Restored and edited.")).expect("edit");
    wait_for(&server, "/care/washing/", "Restored and edited.");
}

#[test]
fn a_content_folder_replaced_in_one_burst_is_watched_again() {
    // `rm -rf content && cp -r backup content`: on ext4 the new folder often gets the
    // deleted one's inode, so only the event on `content` itself says to watch afresh.
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let content = site.root.join("content");
    let saved = site.root.parent().expect("temp dir").join("saved-content");
    crate::support::copy_dir(&content, &saved);
    std::fs::remove_dir_all(&content).expect("remove");
    crate::support::copy_dir(&saved, &content);
    std::thread::sleep(Duration::from_millis(300));
    wait_for(&server, "/care/washing/", "Washing up");
    let washing = content.join("care/washing.md");
    let text = std::fs::read_to_string(&washing).expect("read");
    std::fs::write(&washing, text.replace("Plain **water** is enough.", "Edited after restore.")).expect("edit");
    wait_for(&server, "/care/washing/", "Edited after restore.");
}

#[test]
fn a_themes_folder_created_while_serving_is_used() {
    let site = SiteTest::fixture("basic");
    let themes = site.root.join("themes");
    let saved = site.root.parent().expect("temp dir").join("saved-themes");
    crate::support::copy_dir(&themes, &saved);
    std::fs::remove_dir_all(&themes).expect("remove");
    let server = start(&site);
    assert_ne!(get(&server, "/care/washing/").0, 200, "no theme yet");
    crate::support::copy_dir(&saved, &themes);
    wait_for(&server, "/care/washing/", "Washing up");
}

#[test]
fn a_static_file_replaced_with_its_old_size_and_mtime_is_read_again() {
    let site = SiteTest::fixture("basic");
    let file = site.root.join("static/robots.txt");
    std::fs::write(&file, "version 1").expect("write");
    let mtime = std::fs::metadata(&file).and_then(|m| m.modified()).expect("mtime");
    let server = start(&site);
    assert_eq!(get(&server, "/robots.txt").1, "version 1");
    // As `cp -p`, `tar` or `rsync -t` would: same size, the old modification time.
    let other = site.root.parent().expect("temp dir").join("robots.txt");
    std::fs::write(&other, "version 2").expect("write");
    std::fs::File::options().write(true).open(&other).and_then(|f| f.set_modified(mtime)).expect("set mtime");
    std::fs::rename(&other, &file).expect("replace");
    server.rebuild();
    assert_eq!(get(&server, "/robots.txt").1, "version 2");
}

/// Polls (bounded) until `path` is served with `text` in it.
fn wait_for(server: &Server, path: &str, text: &str) {
    wait_for_at(server.addr, path, text);
}

/// [`wait_for`] for a server at `addr`.
fn wait_for_at(addr: SocketAddr, path: &str, text: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (status, body) = get_at(addr, path);
        if status == 200 && body.contains(text) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "{path} never showed {text:?} (last: {status})");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn stylesheet_changes_swap_without_a_reload() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let mut notices = server.notices();
    std::fs::write(site.root.join("themes/plain/static/style.css"), "body { color: navy; }\n").expect("edit css");
    assert!(
        matches!(next_notice(&mut notices), Notice::Styles { paths, .. } if paths == ["style.css"]),
        "a style-only change"
    );
}

#[test]
fn a_broken_file_keeps_the_last_good_page_and_reports_the_error() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let mut notices = server.notices();
    let washing = site.root.join("content/care/washing.md");
    let good = std::fs::read_to_string(&washing).expect("read");
    std::fs::write(&washing, good.replacen("title: Washing up", "titel: Washing up", 1)).expect("break");
    match next_notice(&mut notices) {
        Notice::Failed(text) => {
            assert!(text.contains("content/care/washing.md:2:1"), "{text}");
            assert!(text.contains("did you mean `title`?"), "{text}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    assert!(get(&server, "/care/washing/").1.contains("<h1>Washing up</h1>"), "last good page still served");
    std::fs::write(&washing, good).expect("fix");
    // The fixed site is the last good one again: the tabs clear the overlay, no reload.
    let after = loop {
        match next_any(&mut notices) {
            Notice::Failed(_) => {}
            other => break other,
        }
    };
    assert_eq!(after, Notice::Unchanged, "fixing it clears the overlay");
    let generation = server.generation();
    std::fs::write(&washing, std::fs::read_to_string(&washing).expect("read").replace("Plain", "Plainly"))
        .expect("edit");
    assert!(assert_reload(&mut notices) > generation, "a change after the fix is a new generation");
}

#[test]
fn a_failing_first_build_still_serves_the_error() {
    let site = SiteTest::fixture("basic").write("content/care/washing.md", "---\ntitle: [\n---\n");
    let server = start(&site);
    let (status, body) = get(&server, "/");
    assert_eq!(status, 500);
    assert!(body.contains("content/care/washing.md"), "{body}");
    assert!(body.contains("/__tend/live.js"));
    let mut notices = server.notices();
    std::fs::write(site.root.join("content/care/washing.md"), "---\ntitle: Fixed\ndescription: D\n---\nOk.\n")
        .expect("fix");
    assert_reload(&mut notices);
    assert_eq!(get(&server, "/care/washing/").0, 200);
}

#[test]
fn the_event_stream_sends_one_event_per_rebuild() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let mut stream = TcpStream::connect(server.addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    write!(stream, "GET /__tend/events HTTP/1.1\r\nHost: localhost\r\n\r\n").expect("send");
    let mut reader = BufReader::new(stream);
    let mut next_event = || loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("read event stream");
        if let Some(name) = line.strip_prefix("event: ") {
            return name.trim().to_owned();
        }
    };
    assert_eq!(next_event(), "hello");
    server.rebuild();
    assert_eq!(next_event(), "unchanged");
    server.rebuild();
    assert_eq!(next_event(), "unchanged");
}

#[test]
fn a_rebuild_does_not_trigger_another() {
    // Regression: reading the sources during a rebuild raised inotify access events,
    // which started the next rebuild, forever.
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let mut notices = server.notices();
    std::fs::write(
        site.root.join("content/care/drying.md"),
        "---\ntitle: Drying off\ndescription: Pat dry.\n---\nPat.\n",
    )
    .expect("edit");
    assert_reload(&mut notices);
    // A quiet second must pass with at most a late batch of the same save (the loop
    // rebuilt about every 50 ms).
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().expect("runtime");
    let mut late = 0;
    loop {
        match runtime.block_on(async { tokio::time::timeout(Duration::from_secs(1), notices.recv()).await }) {
            Err(_) => break,
            Ok(Ok(Notice::Unchanged)) if late < 2 => late += 1,
            Ok(other) => panic!("unexpected rebuild after {late} late batches: {other:?}"),
        }
    }
}

// issue 11 item 6: a web page the author visits could point its own host name at
// 127.0.0.1 (DNS rebinding) and read drafts and the error stream.
#[test]
fn serve_refuses_requests_for_other_hosts() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let port = server.addr.port();
    for host in [
        "evil.example".to_owned(),
        format!("evil.example:{port}"),
        "localhost.evil.example".into(),
        "127.0.0.1.nip.io".into(),
        "evillocalhost".into(),
        "192.0.2.7".into(),
        "[2001:db8::1]:80".into(),
        "localhost@evil.example".into(),
    ] {
        for path in ["/", "/care/washing/", "/__tend/events", "/__tend/live.js"] {
            let response =
                send(server.addr, &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
            assert_eq!(response.status, 421, "Host: {host}, {path}");
            assert!(response.head.contains("content-type: text/plain"), "{}", response.head);
            assert!(response.body.contains("DNS rebinding"), "{}", response.body);
            assert!(!response.body.contains("Washing"), "Host: {host} read the site");
        }
    }
    // The request line's host counts as much as the Host header.
    let absolute =
        send(server.addr, "GET http://evil.example/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assert_eq!(absolute.status, 421);
    for request in [
        "GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    ] {
        let response = send(server.addr, request);
        assert_eq!(response.status, 400, "{request:?}");
        assert!(!response.body.contains("Washing"));
    }
}

// issue 11 item 6: the names that do reach this computer are all answered, with any port.
#[test]
fn serve_answers_loopback_names_and_its_own_address() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let port = server.addr.port();
    for host in [
        "localhost".to_owned(),
        "LocalHost:8080".into(),
        "localhost.".into(),
        "docs.localhost".into(),
        format!("127.0.0.1:{port}"),
        "127.0.0.1".into(),
        "127.0.0.2:9".into(),
        format!("[::1]:{port}"),
        "[::1]".into(),
    ] {
        let response =
            send(server.addr, &format!("GET /care/washing/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
        assert_eq!(response.status, 200, "Host: {host}");
        assert!(response.body.contains("Washing up"), "Host: {host}");
    }
}

// issue 11 item 6: the preview only reads; anything else is refused, saying what is allowed.
#[test]
fn serve_answers_other_methods_with_405() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW"] {
        let response = send(
            server.addr,
            &format!(
                "{method} /care/washing/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"
            ),
        );
        assert_eq!(response.status, 405, "{method}");
        assert!(response.head.contains("\r\nallow: get, head"), "{method}: {}", response.head);
        assert!(!response.body.contains("Washing"), "{method}");
    }
    let head = send(server.addr, "HEAD /care/washing/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assert_eq!(head.status, 200);
    assert!(head.head.contains("content-type: text/html"), "{}", head.head);
    assert_eq!(head.body, "", "HEAD has no body");
}

// issue 11 item 7: the README promises tend never follows links; the watcher followed a
// link in content/ to a folder outside the site and rebuilt on every change there.
#[cfg(unix)]
#[test]
fn the_watcher_does_not_follow_links_out_of_the_site() {
    let site = SiteTest::fixture("basic");
    let outside = site.root.parent().expect("temp dir").join("outside");
    std::fs::create_dir_all(outside.join("deeper")).expect("mkdir");
    std::fs::write(outside.join("deeper/secret.md"), "one").expect("write");
    std::os::unix::fs::symlink(&outside, site.root.join("content/linked")).expect("link");
    // A source folder that is itself a link (the build skips it with a warning).
    let elsewhere = site.root.parent().expect("temp dir").join("elsewhere");
    std::fs::create_dir_all(elsewhere.join("deeper")).expect("mkdir");
    std::fs::remove_dir_all(site.root.join("static")).expect("remove static");
    std::os::unix::fs::symlink(&elsewhere, site.root.join("static")).expect("link");
    let (tx, rx) = std::sync::mpsc::channel();
    let _watcher = tend::watch::Watcher::start(&site.root, move |change| {
        let _ = tx.send(change);
    })
    .expect("watch");
    std::fs::write(outside.join("deeper/secret.md"), "two").expect("write outside");
    std::fs::write(outside.join("new.md"), "new").expect("create outside");
    std::fs::write(elsewhere.join("deeper/robots.txt"), "outside").expect("write outside");
    // A change inside the site, made after: by the time it arrives, one outside would have.
    let washing = site.root.join("content/care/washing.md");
    let text = std::fs::read_to_string(&washing).expect("read");
    std::fs::write(&washing, text.replace("Plain", "Plainly")).expect("edit");
    let mut seen = Vec::new();
    while !seen.iter().any(|p: &std::path::PathBuf| p.ends_with("washing.md")) {
        let change = rx.recv_timeout(Duration::from_secs(20)).expect("the edit inside the site is seen");
        seen.extend(change.paths);
    }
    assert!(
        !seen.iter().any(|p| p.starts_with("content/linked") || p.starts_with("static")),
        "followed a link: {seen:?}"
    );
}

/// A `tend serve` process, stopped when dropped.
struct Process(std::process::Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the tend binary with `args` in `dir` and waits (bounded) for the address it serves.
fn spawn_serve(dir: &std::path::Path, args: &[&str]) -> (Process, SocketAddr) {
    let (process, addr, _, _) = spawn_serve_with_output(dir, args);
    (process, addr)
}

/// [`spawn_serve`], also returning what it printed before the address and the channel of
/// the lines it prints after.
fn spawn_serve_with_output(
    dir: &std::path::Path,
    args: &[&str],
) -> (Process, SocketAddr, String, std::sync::mpsc::Receiver<String>) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tend"))
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start tend serve");
    let stderr = child.stderr.take().expect("stderr");
    let process = Process(child);
    let (tx, rx) = std::sync::mpsc::channel();
    // Reads stderr to the end, so the process never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut seen = String::new();
    loop {
        let line = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_else(|_| panic!("no address in: {seen}"));
        if let Some(url) = line.strip_prefix("serving http://") {
            let addr = url.split('/').next().expect("address").parse().expect("socket address");
            return (process, addr, seen, rx);
        }
        seen.push_str(&line);
        seen.push('\n');
    }
}

/// The next line printed that starts with `prefix`, waiting at most 30 s.
fn next_line_starting(lines: &std::sync::mpsc::Receiver<String>, prefix: &str) -> String {
    let mut seen = String::new();
    loop {
        let line = lines.recv_timeout(Duration::from_secs(30)).unwrap_or_else(|_| panic!("no `{prefix}` in: {seen}"));
        if line.starts_with(prefix) {
            return line;
        }
        seen.push_str(&line);
        seen.push('\n');
    }
}

// issue 15 part 4: serve printed nothing for its first build, did not say when a save fixed
// a failing build, and counted "pages" differently from `tend build`.
#[test]
fn serve_summarises_its_first_build_as_build_does_and_says_when_a_save_fixes_it() {
    let site = SiteTest::fixture("basic");
    let built = std::process::Command::new(env!("CARGO_BIN_EXE_tend"))
        .args(["build", "--output", "out"])
        .current_dir(&site.root)
        .output()
        .expect("build");
    let built = String::from_utf8_lossy(&built.stderr).into_owned();
    let counts = built.lines().find_map(|l| l.strip_prefix("built ")).expect("build summary");
    let counts = &counts[..counts.find(" files").expect("files")];
    let counts = &counts[..counts.rfind(", ").expect("comma")];
    let (_process, _addr, before, lines) = spawn_serve_with_output(&site.root, &["serve", "--port", "0"]);
    assert!(
        before.lines().any(|l| l.starts_with(&format!("built {counts}, ")) && l.contains("HTML files")),
        "{before}"
    );
    let washing = site.root.join("content/care/washing.md");
    let good = std::fs::read_to_string(&washing).expect("read");
    std::fs::write(&washing, good.replacen("title:", "titel:", 1)).expect("break");
    next_line_starting(&lines, "build failed after content/care/washing.md");
    std::fs::write(&washing, good.replace("Plain **water**", "Plain, warm **water**")).expect("fix");
    let fixed = next_line_starting(&lines, "fixed: rebuilt after content/care/washing.md");
    assert!(fixed.contains("HTML files rendered"), "{fixed}");
    std::fs::write(&washing, good).expect("edit");
    next_line_starting(&lines, "rebuilt after content/care/washing.md");
}

// issue 11 item 10: with `--root .` the watcher compared absolute event paths with the
// relative root, dropped every event, and the preview never reloaded.
#[test]
fn serve_with_a_relative_root_rebuilds_after_an_edit() {
    let site = SiteTest::fixture("basic");
    let (_process, addr) = spawn_serve(&site.root, &["serve", "--root", ".", "--port", "0"]);
    let (status, page) = get_at(addr, "/care/washing/");
    assert_eq!(status, 200);
    assert!(page.contains("Washing up"));
    let washing = site.root.join("content/care/washing.md");
    let text = std::fs::read_to_string(&washing).expect("read");
    std::fs::write(&washing, text.replace("Plain **water** is enough.", "Edited under a relative root."))
        .expect("edit");
    wait_for_at(addr, "/care/washing/", "Edited under a relative root.");
}

/// Whether the server has closed `stream` (or answered 408 to close it): reads what is there.
fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut buf = [0; 4096];
    match stream.read(&mut buf) {
        // Closed, or answered with a timeout before closing.
        Ok(read) => read == 0 || buf[..read].starts_with(b"HTTP/1.1 408"),
        Err(error) => !matches!(error.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut),
    }
}

// issue 11 item 6: a client sending its headers a byte at a time (slowloris) held a
// connection, and a task, for as long as it liked.
#[test]
fn serve_drops_connections_that_send_headers_too_slowly() {
    let site = SiteTest::fixture("basic");
    let headers = Duration::from_millis(500);
    let server = start_with(&site, Timeouts { headers, idle: Duration::from_secs(30) });
    let mut stream = TcpStream::connect(server.addr).expect("connect");
    stream.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ").expect("send");
    // A byte every 50 ms (the read timeout paces it): never idle, never finished.
    stream.set_read_timeout(Some(Duration::from_millis(50))).expect("timeout");
    let started = std::time::Instant::now();
    loop {
        assert!(started.elapsed() < Duration::from_secs(10), "still open after 10 s of slow headers");
        if stream.write_all(b"x").is_err() || closed_by_server(&mut stream) {
            break;
        }
    }
    assert!(started.elapsed() >= headers - Duration::from_millis(100), "closed after {:?}", started.elapsed());
}

// issue 11 item 6: a connection that sends nothing, or nothing after its first response,
// stayed open forever.
#[test]
fn serve_closes_connections_that_send_nothing() {
    let site = SiteTest::fixture("basic");
    let server = start_with(&site, Timeouts { headers: Duration::from_millis(300), idle: Duration::from_secs(30) });
    let mut silent = TcpStream::connect(server.addr).expect("connect");
    silent.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    assert!(closed_by_server(&mut silent), "a connection that never sent a byte is still open after 10 s");
    // Kept alive after one answer, then silent.
    let mut kept = TcpStream::connect(server.addr).expect("connect");
    kept.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    kept.write_all(b"GET /robots.txt HTTP/1.1\r\nHost: localhost\r\n\r\n").expect("send");
    let mut response = Vec::new();
    kept.read_to_end(&mut response).expect("the server closes the kept-alive connection");
    assert!(String::from_utf8_lossy(&response).starts_with("HTTP/1.1 200"));
}

// issue 11 item 6: the idle timeout must not cut off an open tab's live-reload stream,
// which can be quiet for hours: it sends a comment every third of the timeout.
#[test]
fn the_event_stream_outlives_the_idle_timeout() {
    let site = SiteTest::fixture("basic");
    let idle = Duration::from_millis(600);
    let server = start_with(&site, Timeouts { headers: Duration::from_millis(300), idle });
    let mut stream = TcpStream::connect(server.addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    write!(stream, "GET /__tend/events HTTP/1.1\r\nHost: localhost\r\n\r\n").expect("send");
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    let started = std::time::Instant::now();
    let mut comments = 0;
    while started.elapsed() < idle * 3 {
        line.clear();
        assert_ne!(reader.read_line(&mut line).expect("the stream stays open"), 0, "the stream was closed");
        comments += usize::from(line.starts_with(':'));
    }
    assert!(comments >= 3, "{comments} keep-alive comments in {:?}", idle * 3);
    server.rebuild();
    loop {
        line.clear();
        assert_ne!(reader.read_line(&mut line).expect("read"), 0, "the stream was closed");
        if line.starts_with("event: ") {
            assert_eq!(line.trim(), "event: unchanged");
            break;
        }
    }
}

// issue 13 "never stale": a page names the generation of the site it came from, and the
// event stream starts with the generation served now, so a tab that loaded while a
// rebuild was published (and missed its notice) can tell, and reloads.
#[test]
fn pages_and_the_event_stream_carry_the_generation() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let mut notices = server.notices();
    let first = server.generation();
    assert!(first >= 1, "a good first build is generation 1 or later");
    assert!(get(&server, "/care/washing/").1.contains(&format!("data-generation=\"{first}\"")));
    let washing = site.root.join("content/care/washing.md");
    let text = std::fs::read_to_string(&washing).expect("read");
    std::fs::write(&washing, text.replace("Plain", "Plainly")).expect("edit");
    let second = assert_reload(&mut notices);
    assert!(second > first);
    assert_eq!(server.generation(), second);
    assert!(get(&server, "/care/washing/").1.contains(&format!("data-generation=\"{second}\"")));
    server.rebuild();
    assert_eq!(server.generation(), second, "a rebuild that changes nothing keeps the generation");

    let mut stream = TcpStream::connect(server.addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    write!(stream, "GET /__tend/events HTTP/1.1\r\nHost: localhost\r\n\r\n").expect("send");
    let mut lines = BufReader::new(stream).lines().map(|line| line.expect("read event stream"));
    lines.find(|line| line == "event: hello").expect("a hello event");
    let data = lines.next().expect("the hello event's data");
    assert!(data.contains(&format!("\"generation\":{second}")), "{data}");
    assert!(data.contains("\"error\":null"), "{data}");
}

// issue 15 part 1: a missing page under a language's folder gets that language's 404.
#[test]
fn a_missing_page_in_a_language_gets_that_languages_not_found_page() {
    let site = SiteTest::fixture("translations");
    let server = start(&site);
    let (status, body) = get(&server, "/es/nada/");
    assert_eq!(status, 404);
    assert!(body.contains("<html lang=\"es\""), "{body}");
    let (status, body) = get(&server, "/nothing/");
    assert_eq!(status, 404);
    assert!(body.contains("<html lang=\"en\""), "{body}");
}
