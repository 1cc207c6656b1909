#!/usr/bin/env bash
# Start-up time of `tokensweep scan` on a small file with a warm database cache: the cost
# a pre-commit hook or a CI step pays on every run; and on a small file holding two
# invented JWTs (made here, at run time), where the rules that hit build their RE2
# programs. Builds nothing; runs the built binary.
# Usage: bench/startup.sh [RUNS=50] [BINARY=build/scanner/tokensweep]
# Prints the median, p90 and min wall-clock milliseconds of RUNS runs of each, after one
# run that fills a private database cache (so the user's cache is neither used nor
# touched); then, when build/bench/startup_phases is built, the in-process phases of such
# a start-up.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-50}
bin=${2:-$root/build/scanner/tokensweep}
[ -x "$bin" ] || { echo "startup.sh: no executable at $bin (build it first)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '2026-01-02T03:04:05Z build step 3/7: npm ci\nexport PATH=/usr/local/bin:$PATH\nno secrets here\n' \
  > "$work/small.txt"
python3 - "$work/tokens.txt" <<'EOF'
import base64, json, sys
b64 = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()
claims = {"iss": "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
          "sub": "invented", "aud": "invented", "exp": 4102444800}
jwt = b64({"alg": "RS256", "typ": "JWT"}) + "." + b64(claims) + "." + "Q" * 43  # signed by no one
open(sys.argv[1], "w").write("export ID_TOKEN=" + jwt + "\ncurl -H 'Authorization: Bearer " + jwt + "'\n")
EOF
export TOKENSWEEP_CACHE_DIR="$work/cache"
"$bin" scan --format text "$work/small.txt" >/dev/null   # compiles and stores the database
[ -n "$(ls "$work/cache")" ] || { echo "startup.sh: the database cache was not written" >&2; exit 2; }
python3 - "$runs" "$bin" "$work/small.txt" "$work/tokens.txt" <<'EOF'
import subprocess, sys, time
runs, binary = int(sys.argv[1]), sys.argv[2]
# Exit status 1: findings (the JWTs), as expected; anything else stops the measurement.
for path, what, status in ((sys.argv[3], "small file", 0), (sys.argv[4], "small file with two JWTs", 1)):
    ms = []
    for _ in range(runs):
        t = time.perf_counter_ns()
        rc = subprocess.run([binary, "scan", "--format", "text", path], stdout=subprocess.DEVNULL).returncode
        ms.append((time.perf_counter_ns() - t) / 1e6)
        if rc != status:
            sys.exit(f"startup.sh: exit status {rc} on the {what}, expected {status}")
    ms.sort()
    pick = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]
    print(f"tokensweep scan, {what}, warm cache, {runs} runs: "
          f"median {pick(0.5):.1f} ms, p90 {pick(0.9):.1f} ms, min {ms[0]:.1f} ms")
EOF
phases=$(dirname "$bin")/../bench/startup_phases
if [ -x "$phases" ]; then
  echo "in-process phases (exec and dynamic linking not included):"
  "$phases" "$work/small.txt" 20
fi
