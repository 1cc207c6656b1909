#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the benchmarks need.
# Idempotent: a machine that already has them skips apt-get entirely.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libhyperscan-dev libre2-dev libyaml-cpp-dev libcli11-dev nlohmann-json3-dev
  libssl-dev libarchive-dev zlib1g-dev libzstd-dev
  libcurl4-openssl-dev
  libsecret-1-dev libglib2.0-dev libkeyutils-dev keyutils gnome-keyring dbus dbus-x11
  libgtest-dev libgmock-dev libbenchmark-dev
  nodejs openssl strace python3 python3-yaml
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian's own nodejs comes without npm; a machine with NodeSource's nodejs has both.
if ! command -v npm >/dev/null; then
  echo "setup: installing npm" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends npm >/dev/null
fi

# The test authorization server (tests/broker) is an npm package, pinned by its lockfile.
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -f "$root/tests/broker/package-lock.json" ]; then
  if [ ! -d "$root/tests/broker/node_modules" ] || \
     [ "$root/tests/broker/package-lock.json" -nt "$root/tests/broker/node_modules/.package-lock.json" ]; then
    (cd "$root/tests/broker" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

# The SARIF validators (tests/sarif: Ajv with the SARIF 2.1.0 schema, and Microsoft's SARIF
# Multitool), pinned by their lockfile.
for dir in tests/sarif; do
  if [ -f "$root/$dir/package-lock.json" ]; then
    if [ ! -d "$root/$dir/node_modules" ] || \
       [ "$root/$dir/package-lock.json" -nt "$root/$dir/node_modules/.package-lock.json" ]; then
      (cd "$root/$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  fi
done
