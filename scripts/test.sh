#!/usr/bin/env bash
# The README's second command: set up, build everything, run the whole test suite.
# Services the tests need (the oidc-provider test server, gnome-keyring under
# dbus-run-session) are started and stopped by the tests themselves.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh"
cd "$root/build"
ctest -j"$jobs" --output-on-failure --timeout 600 "$@"
