#!/usr/bin/env python3
"""Measures a dev server's save latency: the time from writing an article to the server
serving the changed page (and, for tend, to the live-reload event reaching a connected tab
over Server-Sent Events), over N edits.

    scripts/serve-latency.py [--root DIR] [--edits 20]                  tend serve on the guide
    scripts/serve-latency.py --root SITE --article content/t/a.md --server hugo --json

"Served" is measured the same way for every server: after each save the page is fetched every
--poll ms until its HTML holds the word the edit added. Builds nothing itself: run
`cargo build --release` first (or pass --bin). Works on a copy of the site, so the site is left
as it was. With --json, the last line of output is one JSON object (used by scripts/bench.sh).
"""
import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--root", default=".", help="site to copy and serve (default: .)")
parser.add_argument("--edits", type=int, default=20)
parser.add_argument("--article", default="content/feelings/feeling-low-after-sex.md",
                    help="Markdown file to edit, relative to --root")
parser.add_argument("--page", help="URL path of the article's page (default: from --article, "
                    "content/a/b.md -> /a/b/)")
parser.add_argument("--server", choices=["tend", "hugo"], default="tend")
parser.add_argument("--bin", help="server binary (default: target/release/tend, or hugo on PATH)")
parser.add_argument("--pause", type=float, default=0.3,
                    help="seconds between edits, so background work (search index) can finish")
parser.add_argument("--poll", type=float, default=5.0, help="ms between fetches of the page")
parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for one edit")
parser.add_argument("--startup", type=float, default=900.0,
                    help="seconds to wait for the server's first build")
parser.add_argument("--json", action="store_true", help="end with a JSON summary line")
args = parser.parse_args()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def page_path(article):
    rel = os.path.relpath(article, "content").replace(os.sep, "/")
    rel = re.sub(r"(/?_?index)?\.md$", "", rel)
    return "/" + (rel + "/" if rel else "")


def fetch(host, port, path):
    conn = http.client.HTTPConnection(host, port, timeout=5)
    try:
        conn.request("GET", path, headers={"Cache-Control": "no-cache"})
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


work = tempfile.mkdtemp(prefix="serve-latency-")
site = os.path.join(work, "site")
shutil.copytree(args.root, site, ignore=shutil.ignore_patterns(
    "target", "public", ".git", "node_modules", "resources", ".hugo_build.lock"))
if args.server == "tend":
    binary = os.path.abspath(args.bin or "target/release/tend")
    cmd = [binary, "serve", "--root", site, "--port", "0"]
    url_re = re.compile(r"serving (http://[^ ]+)")
else:
    binary = args.bin or shutil.which("hugo") or "hugo"
    cmd = [binary, "server", "-s", site, "--bind", "127.0.0.1", "--port", str(free_port())]
    url_re = re.compile(r"Web Server is available at (http://[^ ]+)")

server = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
rebuilds = []  # tend: (ms, pages rendered, pages)
events = []  # tend: (time, event name) from the live-reload stream
output = []  # the server's last lines, shown if it fails


def fail(message):
    sys.stderr.write(f"serve-latency: {message}\n" + "".join(output[-20:]))
    sys.exit(1)


try:
    url = None
    ready = threading.Event()

    def read_log():
        global url
        for line in server.stdout:
            output.append(line)
            del output[:-50]
            m = url_re.search(line)
            if m and url is None:
                url = m.group(1)
                ready.set()
            m = re.search(r"rebuilt after .* in (\d+) ms \((\d+) of (\d+) HTML files", line)
            if m:
                rebuilds.append(tuple(int(g) for g in m.groups()))
        ready.set()

    threading.Thread(target=read_log, daemon=True).start()
    if not ready.wait(args.startup) or url is None:
        fail(f"{args.server} did not start serving")
    host, port = re.match(r"http://([^:/]+):(\d+)", url).groups()
    host, port = ("127.0.0.1" if host == "localhost" else host), int(port)
    page = args.page or page_path(args.article)

    if args.server == "tend":
        def listen():
            conn = http.client.HTTPConnection(host, port)
            conn.request("GET", "/__tend/events")
            resp = conn.getresponse()
            while True:
                line = resp.fp.readline().decode()
                if not line:
                    return
                if line.startswith("event: "):
                    events.append((time.perf_counter(), line[7:].strip()))

        threading.Thread(target=listen, daemon=True).start()
        deadline = time.monotonic() + 10
        while not events and time.monotonic() < deadline:
            time.sleep(0.01)
        if not events:
            fail("no live-reload stream at /__tend/events")

    status, _ = fetch(host, port, page)
    if status != 200:
        fail(f"GET {page} answered {status}: pass --page")

    path = os.path.join(site, args.article)
    original = open(path).read()
    body_at = 0
    if original.startswith("---\n"):
        end = original.find("\n---\n", 3)
        body_at = end + 5 if end >= 0 else 0
    served, reloaded, missed = [], [], 0
    for i in range(args.edits):
        marker = f"benchedit{i}q{os.getpid()}"
        seen = len(events)
        with open(path, "w") as f:
            f.write(original[:body_at] + f"\n{marker}.\n" + original[body_at:])
        start = time.perf_counter()
        deadline = start + args.timeout
        while True:
            _, html = fetch(host, port, page)
            now = time.perf_counter()
            if marker in html:
                served.append((now - start) * 1000)
                break
            if now > deadline:
                missed += 1
                break
            time.sleep(args.poll / 1000)
        if args.server == "tend":
            while time.perf_counter() < deadline:
                reloads = [t for t, name in events[seen:] if name == "reload"]
                if reloads:
                    reloaded.append((reloads[0] - start) * 1000)
                    break
                time.sleep(0.001)
        time.sleep(args.pause)  # let background work finish before the next edit
finally:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    shutil.rmtree(work, ignore_errors=True)

if not served:
    fail(f"no edit was served within {args.timeout} s")


def summary(values):
    values = sorted(values)
    return f"median {statistics.median(values):.0f} ms, min {values[0]:.0f} ms, max {values[-1]:.0f} ms"


print(f"{args.server}: {len(served)} of {args.edits} edits: save-to-page-served {summary(served)}"
      + (f"; {missed} not served within {args.timeout:g} s" if missed else ""))
if reloaded:
    print(f"{args.server}: {len(reloaded)} edits: save-to-reload-event {summary(reloaded)}")
if rebuilds:
    took = sorted(r[0] for r in rebuilds)
    print(f"{len(rebuilds)} rebuilds: median {statistics.median(took):.0f} ms, "
          f"pages rendered per rebuild: {sorted(set(r[1] for r in rebuilds))} of {rebuilds[-1][2]}")
if args.json:
    print(json.dumps({
        "server": args.server, "edits": args.edits, "missed": missed,
        "served_ms": round(statistics.median(served), 1),
        "served_min_ms": round(min(served), 1), "served_max_ms": round(max(served), 1),
        "reload_ms": round(statistics.median(reloaded), 1) if reloaded else None,
    }))
