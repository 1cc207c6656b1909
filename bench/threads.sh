#!/usr/bin/env bash
# Issue #6: "≥ 1.8× from 1 to 2 threads on large files and on many small files", measured
# so that this shared machine's drift does not decide it: interleaved pairs.
#
#   bash bench/threads.sh [PAIRS=10] [BYTES=268435456]
#
# Generates a log corpus of BYTES (one big file) and the same bytes cut into ~2,600-byte
# files (`split -b 2600`: ~100,000 small files for the default size), then runs PAIRS pairs
# of `tokensweep scan --threads 1` and `--threads 2` on each, the two runs of a pair back to
# back (which one goes first alternates), wall-clock. Prints every pair's ratio and the
# median. For reference it also times what the machine's two cores give to anything: one
# bare Hyperscan scan of the big file against two of them at once, the same PAIRS times.
# Builds what it needs; not part of the tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pairs=${1:-10}
bytes=${2:-268435456}
[[ "$pairs" =~ ^[1-9][0-9]*$ ]] || { echo "threads.sh: PAIRS must be a positive number, not '$pairs'" >&2; exit 2; }
[[ "$bytes" =~ ^[1-9][0-9]*$ ]] || { echo "threads.sh: BYTES must be a positive number, not '$bytes'" >&2; exit 2; }
bash "$root/scripts/build.sh" --target tokensweep gen_corpus hs_bare >/dev/null
ts="$root/build/scanner/tokensweep"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$root/build/bench/gen_corpus" log "$bytes" >"$work/big.log"
mkdir "$work/small"
(cd "$work/small" && split -b 2600 "$work/big.log")
"$ts" scan --threads 1 /dev/null >/dev/null 2>&1 || true  # warm the database cache
cat "$work/big.log" >/dev/null                            # and the page cache
find "$work/small" -type f -exec cat {} + >/dev/null

seconds() {  # wall-clock seconds of one command, its output dropped
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  e=$(date +%s.%N)
  python3 -c "print($e - $s)"
}
# PAIRS pairs of one-thread and two-thread scans of $2: each pair's ratio, and the median.
pairs_of() {
  local label=$1 target=$2 rows=()
  for p in $(seq "$pairs"); do
    local a b
    if [ $((p % 2)) -eq 1 ]; then
      a=$(seconds "$ts" scan --threads 1 --format jsonl "$target")
      b=$(seconds "$ts" scan --threads 2 --format jsonl "$target")
    else
      b=$(seconds "$ts" scan --threads 2 --format jsonl "$target")
      a=$(seconds "$ts" scan --threads 1 --format jsonl "$target")
    fi
    rows+=("$a $b")
  done
  printf '%s\n' "${rows[@]}" | python3 -c "
import statistics, sys
rows = [tuple(map(float, l.split())) for l in sys.stdin if l.strip()]
r = [a / b for a, b in rows]
print('$label: per pair ' + ', '.join(f'{x:.2f}x' for x in r))
print(f'  1 thread {min(a for a, _ in rows):.3f}-{max(a for a, _ in rows):.3f} s, '
      f'2 threads {min(b for _, b in rows):.3f}-{max(b for _, b in rows):.3f} s, median {statistics.median(r):.2f}x')"
}
both_hs() { "$root/build/bench/hs_bare" "$work/big.log" & "$root/build/bench/hs_bare" "$work/big.log"; wait; }

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "big file: $bytes bytes; small files: $(find "$work/small" -type f | wc -l) of ~2,600 bytes"
pairs_of "big file" "$work/big.log"
pairs_of "small files" "$work/small"
# The machine: one bare scan against two at once (per scan's worth of work).
ratios=()
for p in $(seq "$pairs"); do
  one=$(seconds "$root/build/bench/hs_bare" "$work/big.log")
  two=$(seconds both_hs)
  ratios+=("$(python3 -c "print(f'{2 * $one / $two:.2f}')")")
done
printf '%s\n' "${ratios[@]}" | python3 -c "
import statistics, sys
r = [l.strip() for l in sys.stdin if l.strip()]
m = statistics.median(float(x) for x in r)
print('machine (bare Hyperscan, two at once against one): per pair ' + ', '.join(x + 'x' for x in r) + f', median {m:.2f}x')"
