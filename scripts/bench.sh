#!/usr/bin/env bash
# tend beside Hugo and Pagefind, like for like (issue 13's table), measured in one run.
#
#   scripts/bench.sh [SIZES...]                  default: 1000 10000 (100000 allowed)
#   RUNS=5 scripts/bench.sh 1000                 more paired runs
#   BENCH_INSTALL=1 scripts/bench.sh             first try to install Hugo and Pagefind
#   scripts/bench.sh --default-theme [SIZES...]  tend alone, bundled default theme:
#                                                cold build and no-change rebuild
#
# Builds tend in release, writes the corpora with ../shared/bench/make_sites.sh into BENCH_DIR
# (kept between runs; only missing corpora are written), then for each size prints one
# markdown table: work | Hugo | tend | tend/Hugo.
#   P1  cold build, no per-page list:  hugo -s hugo-N-nonav      vs  tend build tend-N-nonav
#   P2  cold build, topic list on every page:  hugo-N             vs  tend-N
#   P3  searchable site from scratch:  hugo -s hugo-N-nonav, then pagefind --site on its
#       output (times added, peak memory of the larger)           vs  tend build tend-N-search
#   P4  serve: save -> changed page served (scripts/serve-latency.py): hugo server on hugo-N
#       vs tend serve on tend-N; median over EDITS saves of one article.
# P1-P3: whole-process wall time and peak RSS (/usr/bin/time -f '%e %M'), medians of RUNS
# paired runs, each into a fresh output folder (removed before and after, never reused); the
# pair's order alternates (tend first, then Hugo first). The ratio column gives tend/Hugo of
# the medians for time and memory, and the range of the per-pair time ratios.
# A tool that is not installed shows "not installed"; tend is measured all the same.
#
# Environment:
#   RUNS=3            paired runs per measurement
#   EDITS=10          saves per server for P4
#   PARTS="P1 P2 P3 P4"  what to measure (default: all up to 10000 articles; above that P1
#                     alone, the issue's 100,000-article row: P2's lists grow with the topics)
#   BENCH_DIR         corpora and output folders (default: ${TMPDIR:-/tmp}/tend-bench; about
#                     70 MB per 1000 articles: 0.7 GB for 10000, 7 GB for 100000)
#   BENCH_INSTALL=1   apt-get install -y hugo and pip install pagefind-bin if they are missing
#   HUGO, PAGEFIND    binaries to use instead of the ones found on PATH
# Measure on a quiet machine: anything else running moves the numbers.
set -Eeuo pipefail
shopt -s inherit_errexit
# Say where a failing command stopped the run, rather than ending without a word. (Pipelines
# take their first line with `sed -n 1p`, not `head`: under pipefail a `head` that exits
# early can kill the writer with SIGPIPE and fail the pipeline, one run in four at 10,000.)
trap 'echo "bench: stopped at line $LINENO: $BASH_COMMAND (exit $?)" >&2' ERR
bench=${BENCH_DIR:-${TMPDIR:-/tmp}/tend-bench}
case $bench in /*) ;; *) bench=$PWD/$bench ;; esac
cd "$(dirname "$0")/.."

die() { echo "bench: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

mode=compare
case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  --default-theme) mode=default-theme; shift ;;
  -*) usage >&2; exit 2 ;;
esac
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
for n in "${sizes[@]}"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "not a number of articles: $n"
done
runs=${RUNS:-3}
edits=${EDITS:-10}
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive number"
[[ $edits =~ ^[1-9][0-9]*$ ]] || die "EDITS must be a positive number"
make_sites=../shared/bench/make_sites.sh
[ -f "$make_sites" ] || die "$make_sites not found (shared/ is expected beside this repository)"

# --- tools ------------------------------------------------------------------------------
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_install() {
  as_root apt-get install -y -qq "$@" >/dev/null 2>&1 ||
    { as_root apt-get update -qq >/dev/null 2>&1 && as_root apt-get install -y -qq "$@" >/dev/null 2>&1; }
}
if [ ! -x /usr/bin/time ]; then
  echo "bench: installing GNU time (apt-get install time)" >&2
  apt_install time || die "/usr/bin/time is missing: install GNU time (apt-get install time)"
fi

find_hugo() { if [ -n "${HUGO:-}" ]; then command -v "$HUGO"; else command -v hugo; fi; }
find_pagefind() {
  if [ -n "${PAGEFIND:-}" ]; then command -v "$PAGEFIND"; return; fi
  command -v pagefind && return
  # pip install pagefind-bin puts no `pagefind` on PATH: its entry point is
  # `python3 -m pagefind_bin`, which execs the binary inside the package. Run that binary.
  python3 -c 'import pagefind_bin; print(pagefind_bin.get_executable())' 2>/dev/null
}
hugo=""
pagefind=""
if [ "$mode" = compare ]; then
  hugo=$(find_hugo) || true
  if [ -z "$hugo" ] && [ "${BENCH_INSTALL:-0}" = 1 ]; then
    echo "bench: installing Hugo (apt-get install -y hugo)" >&2
    apt_install hugo || echo "bench: could not install Hugo" >&2
    hugo=$(find_hugo) || true
  fi
  pagefind=$(find_pagefind) || true
  if [ -z "$pagefind" ] && [ "${BENCH_INSTALL:-0}" = 1 ]; then
    echo "bench: installing Pagefind (pip install pagefind-bin)" >&2
    python3 -m pip install -q pagefind-bin >/dev/null 2>&1 || echo "bench: could not install Pagefind" >&2
    pagefind=$(find_pagefind) || true
  fi
fi

cargo build --release --quiet
tend=$PWD/target/release/tend
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git diff --quiet HEAD -- src Cargo.toml Cargo.lock themes 2>/dev/null; then commit="$commit+changes"; fi

mkdir -p "$bench"
echo "bench: writing missing corpora into $bench" >&2
bash "$make_sites" "$bench" "${sizes[@]}" >"$bench/make_sites.log" 2>&1 ||
  { tail -n 20 "$bench/make_sites.log" >&2; die "make_sites.sh failed"; }
scratch=$(mktemp -d "$bench/run.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# --- measuring ----------------------------------------------------------------------------
# timed CMD...: runs CMD under /usr/bin/time; prints "seconds KiB". Fails loudly.
timed() {
  local tf=$scratch/time log=$scratch/log
  if ! /usr/bin/time -o "$tf" -f '%e %M' "$@" >"$log" 2>&1; then
    echo "bench: failed: $*" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  tail -n 1 "$tf"
}
# fresh NAME: an output folder path that does not exist (removed if a past run left it).
fresh() { local d=$scratch/$1; rm -rf "$d"; echo "$d"; }

median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
secs() { awk -v s="$1" 'BEGIN {printf (s < 10 ? "%.2f s" : "%.1f s"), s}'; }
mem() { awk -v k="$1" 'BEGIN {if (k >= 1048576) printf "%.2f GiB", k/1048576; else printf "%.0f MiB", k/1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f×", a/b; else printf "—"}'; }
range() {  # stdin: lines "tend_seconds hugo_seconds"; prints the pair ratios as "lo–hi"
  awk '$2 > 0 {r=$1/$2; if (NR==1 || r<lo) lo=r; if (NR==1 || r>hi) hi=r}
         END {if (lo == hi) printf "%.2f", lo; else printf "%.2f–%.2f", lo, hi}'
}

# One side of a P1-P3 run; each prints "seconds KiB" (P3 Hugo: "hugo_s pagefind_s KiB").
tend_run() {  # part n run
  local site out
  case $1 in P1) site=tend-$2-nonav ;; P2) site=tend-$2 ;; P3) site=tend-$2-search ;; esac
  out=$(fresh "tend-$1-$2-$3")
  timed "$tend" build --root "$bench/$site" --output "$out" --quiet
  rm -rf "$out"
}
hugo_run() {  # part n run
  local site out h p
  case $1 in P1 | P3) site=hugo-$2-nonav ;; P2) site=hugo-$2 ;; esac
  out=$(fresh "hugo-$1-$2-$3")
  h=$(timed "$hugo" -s "$bench/$site" -d "$out" --quiet)
  if [ "$1" = P3 ]; then
    p=$(timed "$pagefind" --site "$out")
    awk -v h="$h" -v p="$p" 'BEGIN {split(h, a, " "); split(p, b, " "); print a[1], b[1], (a[2] > b[2] ? a[2] : b[2])}'
  else
    echo "$h"
  fi
  rm -rf "$out"
}

# row PART N LABEL: measures RUNS pairs and prints one table row.
row() {
  local part=$1 n=$2 label=$3 i have_hugo=1 t h a b c
  local tt=() tm=() ht=() hm=() h1=() h2=()
  [ -n "$hugo" ] || have_hugo=0
  [ "$part" != P3 ] || [ -n "$pagefind" ] || have_hugo=0
  for ((i = 1; i <= runs; i++)); do
    if ((i % 2)); then t=$(tend_run "$part" "$n" "$i"); fi
    if ((have_hugo)); then h=$(hugo_run "$part" "$n" "$i"); fi
    if ((i % 2 == 0)); then t=$(tend_run "$part" "$n" "$i"); fi
    read -r a b <<<"$t"; tt+=("$a"); tm+=("$b")
    if ((have_hugo)); then
      if [ "$part" = P3 ]; then
        read -r a b c <<<"$h"; h1+=("$a"); h2+=("$b"); ht+=("$(awk -v a="$a" -v b="$b" 'BEGIN {print a + b}')"); hm+=("$c")
      else
        read -r a b <<<"$h"; ht+=("$a"); hm+=("$b")
      fi
    fi
  done
  local tts tms hts hms hcell rcell
  tts=$(printf '%s\n' "${tt[@]}" | median); tms=$(printf '%s\n' "${tm[@]}" | median)
  if ((have_hugo)); then
    hts=$(printf '%s\n' "${ht[@]}" | median); hms=$(printf '%s\n' "${hm[@]}" | median)
    if [ "$part" = P3 ]; then
      hcell="$(secs "$(printf '%s\n' "${h1[@]}" | median)") + $(secs "$(printf '%s\n' "${h2[@]}" | median)") = $(secs "$hts"), $(mem "$hms")"
    else
      hcell="$(secs "$hts"), $(mem "$hms")"
    fi
    rcell="$(ratio "$tts" "$hts") time"
    if ((runs > 1)); then rcell="$rcell (pairs $(paste -d' ' <(printf '%s\n' "${tt[@]}") <(printf '%s\n' "${ht[@]}") | range))"; fi
    rcell="$rcell, $(ratio "$tms" "$hms") memory"
  else
    if [ -z "$hugo" ]; then hcell="Hugo not installed"; else hcell="Pagefind not installed"; fi
    rcell="—"
  fi
  printf '| %s | %s | %s, %s | %s |\n' "$label" "$hcell" "$(secs "$tts")" "$(mem "$tms")" "$rcell"
}

json_fields() {  # JSON KEY...: the values, space-separated
  python3 -c 'import json, sys; j = json.loads(sys.argv[1]); print(*(j[k] for k in sys.argv[2:]))' "$@"
}
# serve_row N: P4, tend serve and hugo server on the same edit of the same article.
serve_row() {
  local n=$1 topic article json tcell hcell rcell ts tr tmiss hs
  topic=$(find "$bench/tend-$n/content" -mindepth 1 -maxdepth 1 -type d | sort | sed -n 1p)
  article=$(find "$topic" -maxdepth 1 -name '*.md' ! -name '_index.md' | sort | sed -n 1p)
  article=${article#"$bench/tend-$n/"}
  json=$(python3 scripts/serve-latency.py --server tend --bin "$tend" --root "$bench/tend-$n" \
    --article "$article" --edits "$edits" --json 2>"$scratch/serve.log" | tail -n 1) ||
    { cat "$scratch/serve.log" >&2; die "serve-latency.py failed for tend"; }
  read -r ts tr tmiss <<<"$(json_fields "$json" served_ms reload_ms missed)"
  tcell="$(printf '%.0f ms' "$ts")"
  [ "$tr" = None ] || tcell="$tcell (reload event $(printf '%.0f ms' "$tr"))"
  [ "$tmiss" = 0 ] || tcell="$tcell, $tmiss saves not served in 10 s"
  if [ -n "$hugo" ] && [ -f "$bench/hugo-$n/$article" ]; then
    if json=$(python3 scripts/serve-latency.py --server hugo --bin "$hugo" --root "$bench/hugo-$n" \
      --article "$article" --edits "$edits" --json 2>"$scratch/serve.log" | tail -n 1); then
      hs=$(json_fields "$json" served_ms)
      hcell="$(printf '%.0f ms' "$hs")"
      rcell=$(ratio "$ts" "$hs")
    else
      sed -n '1,5p' "$scratch/serve.log" >&2
      hcell="—"; rcell="—"
    fi
  elif [ -n "$hugo" ]; then
    hcell="—"; rcell="—"
  else
    hcell="Hugo not installed"; rcell="—"
  fi
  printf '| P4 serve: save → changed page served (median of %s saves) | %s | %s | %s |\n' \
    "$edits" "$hcell" "$tcell" "$rcell"
}

version() { "$@" 2>/dev/null | sed -n 1p | grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' | sed -n 1p; }
fmt_n() { printf "%'d" "$1" 2>/dev/null || echo "$1"; }

# --- the default theme, tend alone (the old scripts/bench.sh) -----------------------------
if [ "$mode" = default-theme ]; then
  for n in "${sizes[@]}"; do
    site=$bench/default-$n
    rm -rf "$site" && mkdir -p "$site/themes"
    cp -r "$bench/tend-$n-nonav/content" "$site/content"
    cp -r themes/default "$site/themes/default"
    printf 'title: Synthetic corpus\ndescription: A generated corpus for benchmarks.\nbase_url: https://example.org/\n' >"$site/site.yaml"
    cold=(); coldm=(); warm=(); warmm=()
    for ((i = 1; i <= runs; i++)); do
      out=$(fresh "default-$n-$i")
      read -r a b <<<"$(timed "$tend" build --root "$site" --output "$out" --quiet)"; cold+=("$a"); coldm+=("$b")
      read -r a b <<<"$(timed "$tend" build --root "$site" --output "$out" --quiet)"; warm+=("$a"); warmm+=("$b")
      rm -rf "$out"
    done
    echo
    echo "### $(fmt_n "$n") articles, bundled default theme (tend $commit; medians of $runs runs)"
    echo
    echo "| work | tend |"
    echo "|---|---|"
    echo "| cold build into a fresh folder | $(secs "$(printf '%s\n' "${cold[@]}" | median)"), $(mem "$(printf '%s\n' "${coldm[@]}" | median)") |"
    echo "| rebuild, no change | $(secs "$(printf '%s\n' "${warm[@]}" | median)"), $(mem "$(printf '%s\n' "${warmm[@]}" | median)") |"
    rm -rf "$site"
  done
  exit 0
fi

# --- tend beside Hugo and Pagefind ----------------------------------------------------------
hv="not installed"; [ -z "$hugo" ] || hv="$(version "$hugo" version)"
pv="not installed"; [ -z "$pagefind" ] || pv="$(version "$pagefind" --version)"
echo "tend $commit; Hugo $hv${hugo:+ ($hugo)}; Pagefind $pv${pagefind:+ ($pagefind)}; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for n in "${sizes[@]}"; do
  parts=${PARTS:-}
  if [ -z "$parts" ]; then if ((n > 10000)); then parts="P1"; else parts="P1 P2 P3 P4"; fi; fi
  # Warm the page cache with the sources, so the first run does not pay for reading them.
  find "$bench"/{hugo,tend}-"$n"{,-nonav,-search} -type f -exec cat {} + >/dev/null 2>&1 || true
  per_topic=$(find "$(find "$bench/tend-$n/content" -mindepth 1 -maxdepth 1 -type d | sort | sed -n 1p)" \
    -maxdepth 1 -name '*.md' ! -name '_index.md' | wc -l)
  echo
  echo "### $(fmt_n "$n") articles ($per_topic per topic): tend $commit vs Hugo $hv, Pagefind $pv; medians of $runs paired runs"
  echo
  echo "| work | Hugo (time, memory) | tend (time, memory) | tend/Hugo |"
  echo "|---|---|---|---|"
  for part in $parts; do
    case $part in
      P1) row P1 "$n" "P1 build, no per-page list" ;;
      P2) row P2 "$n" "P2 build, $per_topic-link topic list on every page" ;;
      P3) row P3 "$n" "P3 searchable site from scratch (Hugo + Pagefind CLI)" ;;
      P4) serve_row "$n" ;;
      *) die "unknown part $part (PARTS takes P1 P2 P3 P4)" ;;
    esac
  done
done
