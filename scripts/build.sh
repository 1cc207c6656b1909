#!/usr/bin/env bash
# Configures and builds tokensweep into build/ (after scripts/setup.sh). Extra arguments
# are passed to `cmake --build`, e.g. `--target tokensweep`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"$jobs" "$@"
