#!/usr/bin/env bash
# `tokensweep scan --git` on a long generated history:
# `bench/git_history_throughput.sh [COMMITS=50000] [BUILD_DIR] [REPO_DIR]`.
#
# Builds the repository with bench/gen_git_history.py through `git fast-import` (kept in
# REPO_DIR when given, and reused when it is already there), then measures, with the
# built-in rules and a warm rule cache: the whole history (--git: all refs), the last 100
# commits (--since HEAD~100) and a typical pre-commit (--staged, three files changed).
# For each: wall time, peak RSS (/usr/bin/time -v; tokensweep's own from /proc) and
# tokensweep's counts (--verbose): commits walked, blob changes listed, distinct blobs,
# bytes scanned; then the findings with where each secret still is.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
commits=${1:-50000}
build=${2:-$root/build}
repo=${3:-}
bin=$build/scanner/tokensweep
[[ -x $bin ]] || { echo "build tokensweep in $build first" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (Debian: time)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TOKENSWEEP_CACHE_DIR=$work/cache CI=1
if [[ -z $repo ]]; then repo=$work/repo; fi
if [[ ! -d $repo/.git ]]; then
  git init -q -b main "$repo"
  start=$(date +%s.%N)
  python3 "$root/bench/gen_git_history.py" "$commits" 2> "$repo/.git/gen-stats" | git -C "$repo" fast-import --quiet
  git -C "$repo" checkout -q -f main
  echo "generated in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s"
fi
echo "history (from the generator):"
sed 's/^/  /' "$repo/.git/gen-stats"
echo "  pack: $(du -sh "$repo/.git/objects" | cut -f1)"

run() {  # label, scan arguments...
  local label=$1
  shift
  # /usr/bin/time's peak RSS is the largest of tokensweep and the git processes it ran;
  # tokensweep's own high-water mark (VmHWM) is polled from /proc while it runs.
  /usr/bin/time -v "$bin" scan --verbose --format json --output "$work/out.json" "$@" "$repo" 2> "$work/err" &
  local tpid=$! child="" hwm=0 key value rest
  while kill -0 "$tpid" 2> /dev/null; do
    [[ -n $child ]] || read -r child rest < "/proc/$tpid/task/$tpid/children" 2> /dev/null || true
    if [[ -n $child && -r /proc/$child/status ]]; then
      while read -r key value rest; do [[ $key == VmHWM: ]] && hwm=$value; done < "/proc/$child/status" 2> /dev/null || true
    fi
    sleep 0.02
  done
  local rc=0
  wait "$tpid" || rc=$?
  local wall rss user sys
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/err")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/err")
  user=$(sed -n 's/.*User time (seconds): //p' "$work/err")
  sys=$(sed -n 's/.*System time (seconds): //p' "$work/err")
  # CPU time counts git's too (tokensweep waits for its children): steadier than wall
  # time on a shared machine.
  echo "$label: exit $rc, wall $wall, CPU ${user} s user + ${sys} s sys," \
    "peak RSS $((rss / 1024)) MiB (tokensweep alone: $((hwm / 1024)) MiB)"
  grep -E '^tokensweep: (git|scanned)' "$work/err" | sed 's/^/  /'
  python3 - "$work/out.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
s = doc["summary"]
print("  summary: files_scanned {} bytes_scanned {} findings {} duplicates_merged {}".format(
    s["files_scanned"], s["bytes_scanned"], s["findings"], s.get("duplicates_merged", 0)))
for f in doc["findings"]:
    src = f.get("source", {})
    where = {k: v for k, v in src.items() if k in ("still_in", "removed_in", "not_in")}
    print("  {} {} commit {} {}".format(f["path"], f["redacted"], src.get("commit", "")[:12],
                                        {k: v[:40] for k, v in where.items()}))
EOF
}

"$bin" scan --staged "$repo" > /dev/null 2>&1 || true  # fills the rule cache
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
run "--git (all refs)" --git
run "--since HEAD~100" --since HEAD~100
for f in $(git -C "$repo" ls-files 'src/mod0*' | head -3); do echo "    extra = 1  # staged" >> "$repo/$f"; done
git -C "$repo" add -u
run "--staged (3 files)" --staged
git -C "$repo" reset -q --hard
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
