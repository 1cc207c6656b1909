#!/usr/bin/env bash
# The README's first command: set up, build, and run the scanner's main job. Without
# arguments it scans the bundled sample (examples/sample: invented leaks and look-alikes);
# with arguments they are passed to `tokensweep scan`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh" --target tokensweep
bin="$root/build/scanner/tokensweep"
if [ $# -gt 0 ]; then
  exec "$bin" scan "$@"
fi
cd "$root"
status=0
"$bin" scan examples/sample || status=$?
if [ "$status" -eq 1 ]; then
  echo "(exit status 1 means findings: expected for the sample, whose leaks are invented)" >&2
  exit 0
fi
exit "$status"
