#!/usr/bin/env bash
# The browser suite: both themes in headless Chromium (axe accessibility checks,
# screenshots, requests to other origins, Quick exit, no-JavaScript and colour scheme
# tests). `.ci/run` calls this. It installs what is missing (Chromium from Debian, the
# npm packages), builds the release binary, then runs node's test runner on every
# *.test.mjs here; it exits non-zero if anything fails. Screenshots go to artifacts/.
#
# Environment (all optional):
#   TEND_BIN       a tend binary to test instead of building target/release/tend
#   E2E_THEMES     comma-separated themes to test (default: every theme the suite knows)
#   CHROMIUM_PATH  the browser to drive (default: /usr/bin/chromium)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
START=$(date +%s)

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "-- installing chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }
fi

cd "$HERE"
# npm ci again only when package-lock.json changed since the last install.
STAMP=node_modules/.tend-package-lock.json
if [ ! -f "$STAMP" ] || ! cmp -s package-lock.json "$STAMP"; then
  echo "-- npm ci"
  npm ci --no-audit --no-fund
  cp package-lock.json "$STAMP"
fi

if [ -z "${TEND_BIN:-}" ]; then
  echo "-- cargo build --release --locked"
  (cd "$ROOT" && cargo build --release --locked)
  TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
  case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
  export TEND_BIN="$TARGET_DIR/release/tend"
fi

rm -rf artifacts
mkdir -p artifacts
echo "-- set-up took $(($(date +%s) - START)) s; running the browser suite ($("$CHROMIUM" --version 2>/dev/null || echo chromium))"
# TAP output ends with node's "# pass N" and "# fail N" lines. Two files at a time: each
# runs its own browser.
exec node --test --test-reporter=tap --test-concurrency=2 ./*.test.mjs
