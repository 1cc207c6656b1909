#!/usr/bin/env bash
# Whole-process comparison, single-threaded, on one generated corpus:
#   tokensweep scan | bare Hyperscan with the same patterns (the ceiling) |
#   ripgrep with the same patterns as one alternation | cat (the read floor)
# Usage: bench/compare.sh [SIZE_BYTES=1073741824] [log|source|jsonl]
# Builds what it needs; installs ripgrep with apt-get if it is missing. Not part of the tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-1073741824}
shape=${2:-log}
bash "$root/scripts/build.sh" --target tokensweep gen_corpus hs_bare >/dev/null
if ! command -v rg >/dev/null; then
  [ "$(id -u)" -eq 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ripgrep >/dev/null || true
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
corpus="$work/corpus.$shape"
"$root/build/bench/gen_corpus" "$shape" "$size" > "$corpus"
bytes=$(stat -c %s "$corpus")
ts="$root/build/scanner/tokensweep"
"$ts" scan --threads 1 /dev/null >/dev/null 2>&1 || true   # warm the database cache
# The rules' patterns, one per line, for ripgrep (python3-yaml is on Debian machines).
python3 -c '
import json,sys,yaml,glob
pats=[]
for f in sorted(glob.glob(sys.argv[1]+"/rules/*.yaml")):
    for r in (yaml.safe_load(open(f)) or {}).get("rules",[]): pats.append(r["pattern"])
open(sys.argv[2],"w").write("\n".join(pats)+"\n")' "$root" "$work/patterns.txt"

# Best of N (default 3) wall-clock seconds for a command: RUNS=1 best CMD...
best() {
  local b=""
  for _ in $(seq "${RUNS:-3}"); do
    local s e
    s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N)
    b=$(python3 -c "import sys; t=$e-$s; b='$b'; print(t if b=='' else min(t,float(b)))")
  done
  echo "$b"
}
mbps() { python3 -c "print(f'{$bytes/$1/1e6:8.1f} MB/s  ({$1:.3f} s)')"; }

t_cat=$(best cat "$corpus")
# hs_bare times itself, without its compile; best of 3 reading in tokensweep's blocks and
# best of 3 in 1 MiB reads (the ceiling is whichever is faster on this machine).
t_hs=$(for block in "" 1048576; do for _ in 1 2 3; do "$root/build/bench/hs_bare" "$corpus" $block | cut -d' ' -f1; done; done |
  sort -g | head -1)
t_ts=$(best "$ts" scan --threads 1 --format jsonl "$corpus")
t_ts2=$(best "$ts" scan --threads 2 --format jsonl "$corpus")
echo "corpus: $shape, $bytes bytes, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo "cat (read floor)          $(mbps "$t_cat")"
echo "bare Hyperscan (ceiling)  $(mbps "$t_hs")"
echo "tokensweep, 1 thread      $(mbps "$t_ts")"
echo "tokensweep, 2 threads     $(mbps "$t_ts2")"
# rg exits 1 when nothing matches, 2 when a pattern does not compile.
rg_status=0
command -v rg >/dev/null && { rg -U --no-config -c -f "$work/patterns.txt" /dev/null >/dev/null 2>&1 || rg_status=$?; }
if command -v rg >/dev/null && [ "$rg_status" -le 1 ]; then
  # -U: several rules' patterns may match a newline. Once: it is two orders slower.
  t_rg=$(RUNS=1 best rg -U --no-config -j1 -c -f "$work/patterns.txt" "$corpus")
  echo "ripgrep alternation, -j1  $(mbps "$t_rg")"
  python3 -c "print(f'tokensweep / ripgrep      {$t_rg/$t_ts:8.2f}x')"
else
  echo "ripgrep: not available, or it rejects one of the patterns"
fi
python3 -c "print(f'tokensweep / ceiling      {$t_hs/$t_ts:8.2f}')"
