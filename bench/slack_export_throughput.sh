#!/usr/bin/env bash
# Throughput of scanning a Slack export: the export zip (slack-export records + raw bytes +
# inflate), the same day files unzipped (records + raw bytes), and the same bytes as plain
# text (.txt names: no format). MB/s are of the day files' uncompressed bytes; best of
# RUNS (default 3) wall-clock runs, built-in rules, --threads THREADS (default 1).
# Usage: bench/slack_export_throughput.sh [TOTAL_BYTES=268435456] [BUILD_DIR=build]
# Not part of the tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-268435456}
build=${2:-$root/build}
threads=${THREADS:-1}
ts="$build/scanner/tokensweep"
[ -x "$ts" ] || cmake --build "$build" --target tokensweep >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bytes=$(python3 "$root/bench/gen_slack_export.py" "$work" "$size")
zip_bytes=$(stat -c %s "$work/export.zip")
"$ts" scan --threads 1 /dev/null >/dev/null 2>&1 || true  # warm the database cache

# Best of RUNS: "wall_seconds cpu_seconds" (cpu = user + sys: what a shared machine's
# other load does not inflate).
best() {
  local b=""
  for _ in $(seq "${RUNS:-3}"); do
    local t
    /usr/bin/time -o "$work/time" -f "%e %U %S" "$@" >/dev/null 2>&1 || true
    t=$(tail -1 "$work/time")
    b=$(python3 -c "
w, u, s = map(float, '$t'.split()); c = u + s
b = '$b'.split()
print(f'{w} {c}' if not b else f'{min(w, float(b[0]))} {min(c, float(b[1]))}')")
  done
  echo "$b"
}
mbps() {
  python3 -c "
w, c = map(float, '$1'.split())
print(f'{$bytes/w/1e6:8.1f} MB/s wall ({w:.2f} s), {$bytes/c/1e6:8.1f} MB/s of CPU ({c:.2f} s)')"
}

t_zip=$(best "$ts" scan --threads "$threads" --format jsonl "$work/export.zip")
t_dir=$(best "$ts" scan --threads "$threads" --format jsonl "$work/slack")
t_plain=$(best "$ts" scan --threads "$threads" --format jsonl "$work/plain")
echo "slack export: $bytes bytes of day files ($zip_bytes zipped), $(nproc) cores, --threads $threads, $(date -u +%Y-%m-%d)"
echo "export.zip (inflate + records + raw)   $(mbps "$t_zip")"
echo "day files unzipped (records + raw)     $(mbps "$t_dir")"
echo "same bytes as plain text (raw only)    $(mbps "$t_plain")"
# How many records' findings, for a sanity check that the format ran.
"$ts" scan --threads "$threads" --format json "$work/export.zip" 2>/dev/null | python3 -c '
import json, sys
f = json.load(sys.stdin)["findings"]
print("findings in export.zip: %d, with a channel: %d" % (len(f), sum(1 for x in f if "channel" in x.get("source", {}))))'
