//! `tend serve` in-process on an ephemeral port: edits, creates, deletes, renames, broken
//! files, traversal attempts and the live-reload channel.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use tend::serve::{Notice, ServeOptions, Server};

use crate::support::SiteTest;

fn start(site: &SiteTest) -> Server {
    Server::start(&ServeOptions {
        root: site.root.clone(),
        bind: "127.0.0.1".parse().expect("ip"),
        port: 0,
        drafts: false,
        base_url: None,
    })
    .expect("server starts")
}

/// A raw HTTP/1.1 GET (so odd paths reach the server unnormalised): (status, body).
fn get(server: &Server, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(server.addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("status line");
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

/// Waits (bounded) for the next notice that says something changed or failed. An editor
/// save can arrive as more than one batch of events, so rebuilds that found nothing new
/// (`Unchanged`) are passed over.
fn next_notice(rx: &mut tokio::sync::broadcast::Receiver<Notice>) -> Notice {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().expect("runtime");
    loop {
        let notice = runtime
            .block_on(async { tokio::time::timeout(Duration::from_secs(20), rx.recv()).await })
            .expect("a notice within 20 s")
            .expect("channel open");
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
    assert!(page.contains("<script src=\"/__tend/live.js\" defer></script></body>"));
    let (status, css) = get(&server, "/style.css");
    assert_eq!((status, css.as_str()), (200, "body { color: black; }\n"));
    assert_eq!(get(&server, "/care/washing").0, 301);
    let (status, missing) = get(&server, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(missing.contains("Page not found"));
}

#[test]
fn served_pages_equal_built_pages_but_for_the_script() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let built = site.build_with(tend::Overrides { base_url: Some(server.url.clone()), ..Default::default() });
    for path in ["index.html", "care/washing/index.html", "tags/hygiene/index.html", "sitemap.xml"] {
        let url_path = format!("/{}", path.trim_end_matches("index.html"));
        let (_, served) = get(&server, &url_path);
        let served = served.replace("<script src=\"/__tend/live.js\" defer></script>", "");
        assert_eq!(served, built.read(path), "{path}");
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
    assert_eq!(next_reload(&mut notices), Notice::Reload);
    assert!(get(&server, "/care/washing/").1.contains("Warm water is enough."));

    std::fs::write(site.root.join("content/talk/new-one.md"), "---\ntitle: A new one\ndescription: New.\n---\nHi.\n")
        .expect("create");
    assert_eq!(next_reload(&mut notices), Notice::Reload);
    assert_eq!(get(&server, "/talk/new-one/").0, 200);

    std::fs::rename(site.root.join("content/talk/new-one.md"), site.root.join("content/talk/renamed.md"))
        .expect("rename");
    assert_eq!(next_reload(&mut notices), Notice::Reload);
    assert_eq!(get(&server, "/talk/new-one/").0, 404, "no stale page after a rename");
    assert_eq!(get(&server, "/talk/renamed/").0, 200);

    std::fs::remove_file(site.root.join("content/care/drying.md")).expect("delete");
    assert_eq!(next_reload(&mut notices), Notice::Reload);
    assert_eq!(get(&server, "/care/drying/").0, 404, "a deleted article disappears");
    assert!(!get(&server, "/care/").1.contains("Drying off"));

    std::fs::create_dir_all(site.root.join("content/rest")).expect("mkdir");
    std::fs::write(site.root.join("content/rest/_index.md"), "---\ntitle: Resting\n---\n").expect("topic");
    assert_eq!(next_reload(&mut notices), Notice::Reload);
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
    assert_eq!(next_reload(&mut notices), Notice::Reload);
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
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (status, body) = get(server, path);
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
    assert_eq!(next_notice(&mut notices), Notice::Styles(vec!["style.css".into()]));
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
    assert_eq!(next_reload(&mut notices), Notice::Reload, "fixing it reloads and clears the overlay");
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
    assert_eq!(next_reload(&mut notices), Notice::Reload);
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
    assert_eq!(next_reload(&mut notices), Notice::Reload);
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
