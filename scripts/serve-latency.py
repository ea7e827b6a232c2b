#!/usr/bin/env python3
"""Measures tend serve's save-to-reload latency: the time from writing an article to the
live-reload event reaching a connected tab (Server-Sent Events), over N edits.

    scripts/serve-latency.py [--root DIR] [--edits 20]

Builds nothing itself: run `cargo build --release` first. Works on a copy of the site."""
import argparse, http.client, os, re, shutil, statistics, subprocess, sys, tempfile, threading, time

parser = argparse.ArgumentParser()
parser.add_argument("--root", default=".")
parser.add_argument("--edits", type=int, default=20)
parser.add_argument("--article", default="content/feelings/feeling-low-after-sex.md")
parser.add_argument("--pause", type=float, default=0.3,
                    help="seconds between edits, so the background search index can finish")
args = parser.parse_args()

work = tempfile.mkdtemp()
site = os.path.join(work, "site")
shutil.copytree(args.root, site, ignore=shutil.ignore_patterns("target", "public", ".git", "node_modules"))
binary = os.path.abspath("target/release/tend")
server = subprocess.Popen([binary, "serve", "--root", site, "--port", "0"], stderr=subprocess.PIPE, text=True)
url = None
for line in server.stderr:
    m = re.search(r"serving (http://[^ ]+)", line)
    if m:
        url = m.group(1)
        break
host, port = re.match(r"http://([^:/]+):(\d+)/", url).groups()
rebuilds = []
def read_log():
    for line in server.stderr:
        m = re.search(r"rebuilt after .* in (\d+) ms \((\d+) of (\d+) pages", line)
        if m:
            rebuilds.append(tuple(int(g) for g in m.groups()))
threading.Thread(target=read_log, daemon=True).start()
events = []
def listen():
    conn = http.client.HTTPConnection(host, int(port))
    conn.request("GET", "/__tend/events")
    resp = conn.getresponse()
    while True:
        line = resp.fp.readline().decode()
        if not line:
            return
        if line.startswith("event: "):
            events.append((time.perf_counter(), line[7:].strip()))
threading.Thread(target=listen, daemon=True).start()
while not events:
    time.sleep(0.01)
path = os.path.join(site, args.article)
text = open(path).read()
latencies = []
for i in range(args.edits):
    seen = len(events)
    start = time.perf_counter()
    with open(path, "w") as f:
        f.write(text.replace("\n\n", f"\n\nEdit {i}.\n\n", 1))
    deadline = start + 10
    while time.perf_counter() < deadline:
        reloads = [t for t, name in events[seen:] if name == "reload"]
        if reloads:
            latencies.append((reloads[0] - start) * 1000)
            break
        time.sleep(0.001)
    time.sleep(args.pause)  # let the background search index finish before the next edit
server.terminate()
server.wait()
shutil.rmtree(work)
latencies.sort()
print(f"{len(latencies)} edits: save-to-reload median {statistics.median(latencies):.0f} ms, "
      f"min {latencies[0]:.0f} ms, max {latencies[-1]:.0f} ms")
if rebuilds:
    took = sorted(r[0] for r in rebuilds)
    print(f"{len(rebuilds)} rebuilds: median {statistics.median(took):.0f} ms, "
          f"pages rendered per rebuild: {sorted(set(r[1] for r in rebuilds))} of {rebuilds[-1][2]}")
