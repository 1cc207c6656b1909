#!/usr/bin/env bash
# Start-up time of `tokensweep scan` on a small file with a warm database cache: the cost
# a pre-commit hook or a CI step pays on every run. Builds nothing; runs the built binary.
# Usage: bench/startup.sh [RUNS=50] [BINARY=build/scanner/tokensweep]
# Prints the median, p90 and min wall-clock milliseconds of RUNS runs, after one run that
# fills a private database cache (so the user's cache is neither used nor touched); then,
# when build/bench/startup_phases is built, the in-process phases of such a start-up.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-50}
bin=${2:-$root/build/scanner/tokensweep}
[ -x "$bin" ] || { echo "startup.sh: no executable at $bin (build it first)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '2026-01-02T03:04:05Z build step 3/7: npm ci\nexport PATH=/usr/local/bin:$PATH\nno secrets here\n' \
  > "$work/small.txt"
export TOKENSWEEP_CACHE_DIR="$work/cache"
"$bin" scan --format text "$work/small.txt" >/dev/null   # compiles and stores the database
[ -n "$(ls "$work/cache")" ] || { echo "startup.sh: the database cache was not written" >&2; exit 2; }
python3 - "$runs" "$bin" "$work/small.txt" <<'EOF'
import subprocess, sys, time
runs, cmd = int(sys.argv[1]), [sys.argv[2], "scan", "--format", "text", sys.argv[3]]
ms = []
for _ in range(runs):
    t = time.perf_counter_ns()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    ms.append((time.perf_counter_ns() - t) / 1e6)
ms.sort()
pick = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]
print(f"tokensweep scan, small file, warm cache, {runs} runs: "
      f"median {pick(0.5):.1f} ms, p90 {pick(0.9):.1f} ms, min {ms[0]:.1f} ms")
EOF
phases=$(dirname "$bin")/../bench/startup_phases
if [ -x "$phases" ]; then
  echo "in-process phases (exec and dynamic linking not included):"
  "$phases" "$work/small.txt" 20
fi
