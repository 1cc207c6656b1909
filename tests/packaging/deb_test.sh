#!/usr/bin/env bash
# cpack builds the .deb from BUILD_DIR; dpkg-deb -x unpacks it into a temporary root; the
# installed tokensweep prints the version and finds an invented token (exit 1), and the
# package declares Debian's runtime libraries.
#   deb_test.sh BUILD_DIR VERSION
set -euo pipefail
build=$1 version=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tokensweep-deb-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "deb_test: $*" >&2; exit 1; }

# The package must hold the current binaries, so build them first (cpack does not).
cmake --build "$build" --target tokensweep tokensweep-login >/dev/null
(cd "$build" && cpack -G DEB -B "$tmp/out" >/dev/null) || fail "cpack failed"
debs=("$tmp"/out/tokensweep_"$version"_*.deb)
deb=${debs[0]}
[ -f "$deb" ] || fail "no tokensweep_${version}_*.deb in $tmp/out: $(ls "$tmp/out" | tr '\n' ' ')"

[ "$(dpkg-deb -f "$deb" Package)" = tokensweep ] || fail "package name"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "version"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libhyperscan5 libre2-9 libyaml-cpp0.7 libarchive13 libcurl4 libsecret-1-0 libkeyutils1 libssl3 zlib1g; do
  [[ ", $depends," == *", $lib"[\ ,]* ]] || fail "Depends lacks $lib: $depends"
  dpkg-query -W -f='${Status}' "$lib" 2>/dev/null | grep -q 'install ok installed' || fail "$lib is not a Debian package here"
done

dpkg-deb -x "$deb" "$tmp/root"
root=$tmp/root
for f in usr/bin/tokensweep usr/bin/tokensweep-login usr/share/tokensweep/rules/github.yaml usr/share/doc/tokensweep/README.md; do
  [ -e "$root/$f" ] || fail "package lacks /$f"
done

out=$("$root/usr/bin/tokensweep" --version) || fail "tokensweep --version failed"
[[ "$out" == *"$version"* ]] || fail "--version printed '$out', expected $version"

# An invented token, generated here: gho_ + 30 base62 + the CRC32 checksum in base62.
token=$(python3 - <<'PY'
import random, zlib
alpha = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
body = "".join(random.choice(alpha) for _ in range(30))
n = zlib.crc32(body.encode()) & 0xffffffff
s = ""
while n:
    n, r = divmod(n, 62)
    s = alpha[r] + s
print("gho_" + body + s.rjust(6, "0"))
PY
)
printf 'token = "%s"\n' "$token" >"$tmp/config.txt"
set +e
scan=$("$root/usr/bin/tokensweep" scan "$tmp/config.txt" 2>&1)
status=$?
set -e
[[ "$scan" != *"$token"* ]] || fail "the installed scanner printed the full token"
[ $status -eq 1 ] || fail "installed tokensweep scan exited $status, expected 1: ${scan:0:300}"
printf 'token = "redacted"\n' >"$tmp/config.txt"
"$root/usr/bin/tokensweep" scan "$tmp/config.txt" >/dev/null || fail "clean file did not exit 0"
echo "deb_test: $(basename "$deb") installs and scans"
