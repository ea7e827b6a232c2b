#!/usr/bin/env bash
# Build-speed benchmark: generates corpora with ../shared/bench/gen_corpus.py (--flavor tend),
# renders them with the bundled default theme, and prints median wall time and peak memory.
#
#   scripts/bench.sh [PAGES...]      default: 1000 10000
#   RUNS=5 scripts/bench.sh 1000
#
# Each size is measured twice: a cold build into an empty output folder, and a rebuild with
# no change (which reuses every unchanged file). Whole-process times, like PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
gen=${GEN:-../shared/bench/gen_corpus.py}
work=${BENCH_DIR:-${TMPDIR:-/tmp}/tend-bench}
cargo build --release --quiet
bin=$PWD/target/release/tend
mkdir -p "$work"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for pages in "${@:-1000 10000}"; do
  for n in $pages; do
    site=$work/site-$n
    if [ ! -d "$site" ]; then
      python3 "$gen" --pages "$n" --out "$site" --flavor tend >/dev/null
    fi
    rm -rf "$site/themes" && mkdir -p "$site/themes" && cp -r themes/default "$site/themes/default"
    cold=(); warm=(); mem=0
    for _ in $(seq "$runs"); do
      rm -rf "$site/public"
      s=$(date +%s%N); "$bin" build --root "$site" --quiet; e=$(date +%s%N)
      cold+=("$(( (e - s) / 1000000 ))")
      s=$(date +%s%N); "$bin" build --root "$site" --quiet; e=$(date +%s%N)
      warm+=("$(( (e - s) / 1000000 ))")
    done
    if command -v /usr/bin/time >/dev/null; then
      rm -rf "$site/public"
      mem=$(/usr/bin/time -f '%M' "$bin" build --root "$site" --quiet 2>&1 >/dev/null | tail -1)
    fi
    printf '%6d articles: cold build median %s ms, rebuild (no change) median %s ms, peak RSS %s MiB (%d runs)\n' \
      "$n" "$(printf '%s\n' "${cold[@]}" | median)" "$(printf '%s\n' "${warm[@]}" | median)" "$((mem / 1024))" "$runs"
  done
done
