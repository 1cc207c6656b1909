#!/usr/bin/env bash
# What the rules cost Hyperscan's literal matcher, counted instead of timed (issue #7). On
# this corpus and machine the speed of the full rule set against the first pack follows the
# number of strings in Hyperscan's FDR literal table (README, Benchmarks), and a count does
# not swing from hour to hour the way a throughput does.
#
#   bash bench/hs_literals.sh [--per-rule N] [--time]
#
# Prints, for the first pack of rules (as bench/rule_pack_cost.sh takes it from git history)
# and for the built-in set: the FDR strings and all of Rose's literals. --per-rule N: also
# the N rules with the most literals when compiled alone. --time: also the two sets' floating
# literals alone, as pure-literal databases, timed in turn on each corpus shape
# (build/bench/hs_literal_cost): the matcher's share of the gap, without the rest of the rules.
#
# Needs Hyperscan's compile-dump tool, hsdump, which the Debian packages do not ship: the
# first run downloads the Debian source of the installed libhyperscan-dev (checked against
# the checksum in its .dsc), builds hsdump from it (a debug build: 15–25 minutes on 2 cores;
# needs cmake, ragel and the Boost headers, installed with apt-get when run as root) and
# keeps it in ${XDG_CACHE_HOME:-~/.cache}/tokensweep/. Not part of the tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
per_rule=0
top=40
time_literals=0
while [ $# -gt 0 ]; do
  case "$1" in
    --per-rule)
      per_rule=1
      top=${2:-}
      [[ "$top" =~ ^[1-9][0-9]*$ ]] || { echo "hs_literals.sh: --per-rule needs a number of rules, not '$top'" >&2; exit 2; }
      shift 2 ;;
    --time) time_literals=1; shift ;;
    *) echo "usage: bash bench/hs_literals.sh [--per-rule N] [--time]" >&2; exit 2 ;;
  esac
done
first_pack=5a5cf82

version=$(dpkg-query -W -f='${Version}' libhyperscan-dev 2>/dev/null) || {
  echo "hs_literals.sh: libhyperscan-dev is not installed (bash scripts/setup.sh installs it)" >&2
  exit 2
}
upstream=${version%%-*}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/tokensweep/hsdump-$version
hsdump=$cache/build/bin/hsdump
if [ ! -x "$hsdump" ]; then
  echo "building hsdump $version into $cache (once) ..." >&2
  missing=()
  for pkg in cmake ragel libboost-dev g++ curl; do dpkg-query -W "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] || { echo "hs_literals.sh: needs ${missing[*]} (apt-get install them, or run as root)" >&2; exit 2; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  mkdir -p "$cache"
  pool=http://deb.debian.org/debian/pool/main/h/hyperscan
  curl -fsS -o "$cache/source.dsc" "$pool/hyperscan_$version.dsc"
  curl -fsS -o "$cache/source.orig.tar.gz" "$pool/hyperscan_$upstream.orig.tar.gz"
  want=$(awk '/^Checksums-Sha256:/ {on=1; next} on && /orig.tar.gz$/ {print $1; exit}' "$cache/source.dsc")
  got=$(sha256sum "$cache/source.orig.tar.gz" | cut -d' ' -f1)
  [ -n "$want" ] && [ "$want" = "$got" ] || { echo "hs_literals.sh: the source tarball does not match its .dsc" >&2; exit 2; }
  rm -rf "$cache/src" && mkdir -p "$cache/src"
  tar -xzf "$cache/source.orig.tar.gz" -C "$cache/src" --strip-components=1
  # Warnings of today's compiler in Hyperscan 5.4 are not errors here; dump support comes
  # with a non-release build type.
  sed -i 's/ -Werror//' "$cache/src/CMakeLists.txt"
  # From the cache directory: Hyperscan's configure asks the compiler about -march=native,
  # which leaves a help-dummy.o in the working directory.
  (cd "$cache" && cmake -S src -B build -DCMAKE_BUILD_TYPE=Debug -DBUILD_EXAMPLES=OFF \
    -DCMAKE_C_FLAGS="-O1 -g0" -DCMAKE_CXX_FLAGS="-O1 -g0") >"$cache/configure.log" 2>&1 ||
    { echo "hs_literals.sh: configuring Hyperscan failed, see $cache/configure.log" >&2; exit 2; }
  make -C "$cache/build" -j"$(nproc)" hsdump >"$cache/build.log" 2>&1 ||
    { echo "hs_literals.sh: building hsdump failed, see $cache/build.log" >&2; exit 2; }
fi

bash "$root/scripts/build.sh" --target hs_patterns hs_literal_cost >/dev/null
patterns=$root/build/bench/hs_patterns
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$root" archive "$first_pack" rules | tar -x -C "$work"

# FDR strings and all literals of one expression file; its floating literals (those with a
# role) go to $2, one "c|i HEX" line each, for hs_literal_cost.
count() {
  rm -rf "$work/dump"
  "$hsdump" -N -X -e "$1" -o "$work/dump" >/dev/null 2>&1 || { echo "hs_literals.sh: hsdump failed on $1" >&2; exit 2; }
  local fdr lits
  fdr=$(awk '$1 == "strings" {print $2; exit}' "$work/dump/dump/lit_table_floating.txt" 2>/dev/null || true)
  lits=$(awk -F: '/total literal count/ {gsub(/ /, "", $2); print $2; exit}' "$work/dump/dump/rose.txt")
  python3 - "$work/dump/dump/rose_literals.txt" "$2" <<'LITERALS'
import re, sys
found = set()
for line in open(sys.argv[1], encoding="latin-1"):
    m = re.match(r'FLOATING ID \d+/\d+: "(.*)" \(len \d+(.*)\) roles=(\d+)', line)
    if m and int(m.group(3)) > 0:
        text = m.group(1).encode("latin-1").decode("unicode_escape").encode("latin-1")
        found.add(("i" if "nocase" in m.group(2) else "c") + " " + text.hex())
open(sys.argv[2], "w").write("".join(sorted(f + "\n" for f in found)))
LITERALS
  echo "${fdr:-0} $lits"
}

"$patterns" --no-builtin --rules "$work/rules" >"$work/first.txt"
"$patterns" >"$work/full.txt"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), Hyperscan $version"
printf '%-12s %6s %12s %14s\n' set rules "FDR strings" "all literals"
for set in first full; do
  read -r fdr lits < <(count "$work/$set.txt" "$work/$set.lits")
  printf '%-12s %6s %12s %14s\n' "$([ $set = first ] && echo "first pack" || echo "built-in")" \
    "$(wc -l <"$work/$set.txt")" "$fdr" "$lits"
done

if [ "$time_literals" -eq 1 ]; then
  echo
  echo "the floating literals alone, first pack (A) against built-in (B), thread CPU time:"
  for shape in log source jsonl; do
    printf '%-7s ' "$shape"
    "$root/build/bench/hs_literal_cost" --shape "$shape" --rounds 9 "$work/first.lits" "$work/full.lits"
  done
fi

if [ "$per_rule" -eq 1 ]; then
  "$patterns" --ids >"$work/ids.txt"
  echo
  echo "rules by floating literals compiled alone (top $top):"
  n=0
  while IFS= read -r line; do
    n=$((n + 1))
    printf '0:%s\n' "${line#*:}" >"$work/one.txt"
    rm -rf "$work/dump"
    "$hsdump" -N -X -e "$work/one.txt" -o "$work/dump" >/dev/null 2>&1 || continue
    lits=$(grep -c '^FLOATING .*roles=[1-9]' "$work/dump/dump/rose_literals.txt" || true)
    echo "$lits $(sed -n "${n}p" "$work/ids.txt")"
  done <"$work/full.txt" | sort -rn | head -n "$top"
fi
