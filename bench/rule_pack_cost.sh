#!/usr/bin/env bash
# What the rules added since the first pack cost the engine (issue #7: "within 15% of the
# first pack"). Takes the first pack of rules (67, as they were at commit 5a5cf82) from this
# clone's history, and the same 67 rules as they are today (several were made cheaper
# since), and runs build/bench/rule_pack_cost on the three shapes of corpus: the three sets
# scanned in turn, ROUNDS times, median MB/s in thread CPU time, ratios to the first pack.
#
#   bash bench/rule_pack_cost.sh [ROUNDS=41] [MIB=64]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-41}
mib=${2:-64}
first_pack=5a5cf82
bash "$root/scripts/build.sh" --target rule_pack_cost >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$root" archive "$first_pack" rules | tar -x -C "$work"
mkdir "$work/today"
python3 - "$work/rules" "$root/rules" "$work/today/first-pack.yaml" <<'PY'
import glob, sys, yaml
ids = {r["id"] for f in glob.glob(sys.argv[1] + "/*.yaml") for r in (yaml.safe_load(open(f)) or {}).get("rules", [])}
today = [r for f in sorted(glob.glob(sys.argv[2] + "/*.yaml")) for r in (yaml.safe_load(open(f)) or {}).get("rules", [])
         if r["id"] in ids]
yaml.safe_dump({"rules": today}, open(sys.argv[3], "w"), sort_keys=False, allow_unicode=True)
PY
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for shape in log source jsonl; do
  "$root/build/bench/rule_pack_cost" --shape "$shape" --mib "$mib" --rounds "$rounds" \
    "first-pack=$work/rules" "first-pack-today=$work/today" full=builtin
done
