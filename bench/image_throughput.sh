#!/usr/bin/env bash
# Throughput of `tokensweep scan` on a container image with gzip layers against the same
# files as a plain directory tree: `bench/image_throughput.sh [MiB] [BUILD_DIR]`.
#
# Generates MiB (default 256) of log- and source-like text with gen_corpus, cuts it into
# files of 4 KiB to 2 MiB, packs them into 8 gzip layers of a docker save tarball (Docker
# 25+ form: OCI layout + manifest.json, real sha256 digests) and writes the same files
# into a directory. MB/s is reported over the uncompressed bytes (1 MB = 10^6 bytes), best
# of 3 runs, for the image (one input: one thread) and the directory with --threads 1 and
# with the default thread count.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mib=${1:-256}
build=${2:-$root/build}
[[ -x $build/scanner/tokensweep && -x $build/bench/gen_corpus ]] ||
  { echo "build tokensweep and gen_corpus in $build first" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

half=$((mib * 1024 * 1024 / 2))
{ "$build/bench/gen_corpus" log "$half"; "$build/bench/gen_corpus" source "$half"; } > "$work/corpus"

python3 - "$work" <<'EOF'
import gzip, hashlib, io, json, os, random, sys, tarfile
work = sys.argv[1]
data = open(os.path.join(work, "corpus"), "rb").read()
rng = random.Random(7)
files, pos = [], 0
while pos < len(data):
    n = min(len(data) - pos, rng.choice([4 << 10, 32 << 10, 256 << 10, 2 << 20]))
    files.append((f"srv/app{len(files) % 97}/file{len(files)}.txt", data[pos:pos + n]))
    pos += n
for name, content in files:
    path = os.path.join(work, "tree", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(content)

def tar_of(members):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, content in members:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            t.addfile(info, io.BytesIO(content))
    return out.getvalue()

def digest(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()

layers, blobs = [], {}
per = (len(files) + 7) // 8
for i in range(0, len(files), per):
    tar = tar_of(files[i:i + per])
    gz = gzip.compress(tar, compresslevel=6, mtime=0)
    layers.append((digest(tar), digest(gz), len(gz)))
    blobs[digest(gz)] = gz
config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Env": ["PATH=/usr/bin"]},
                     "rootfs": {"type": "layers", "diff_ids": [l[0] for l in layers]},
                     "history": [{"created_by": "ADD layer %d" % i} for i in range(len(layers))]}).encode()
blobs[digest(config)] = config
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": digest(config), "size": len(config)},
                       "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": l[1], "size": l[2]} for l in layers]}).encode()
blobs[digest(manifest)] = manifest
index = json.dumps({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                                       "digest": digest(manifest), "size": len(manifest)}]}).encode()
save = json.dumps([{"Config": "blobs/sha256/" + digest(config)[7:], "RepoTags": ["bench/image:1"],
                    "Layers": ["blobs/sha256/" + l[1][7:] for l in layers]}]).encode()
members = sorted(("blobs/sha256/" + d[7:], b) for d, b in blobs.items())
members += [("index.json", index), ("manifest.json", save), ("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')]
with open(os.path.join(work, "image.tar"), "wb") as f:
    f.write(tar_of(members))
EOF

bytes=$(stat -c %s "$work/corpus")
image_bytes=$(stat -c %s "$work/image.tar")
best() {  # best wall time of 3 runs of `tokensweep scan ARGS...`
  local best_t=""
  for _ in 1 2 3; do
    local t0 t1 t
    t0=$(date +%s.%N)
    "$build/scanner/tokensweep" scan --format json --output /dev/null "$@" || [[ $? == 1 ]]
    t1=$(date +%s.%N)
    t=$(echo "$t1 - $t0" | bc -l)
    if [[ -z $best_t ]] || (( $(echo "$t < $best_t" | bc -l) )); then best_t=$t; fi
  done
  echo "$best_t"
}
report() {
  printf '%-34s %7.2f s  %7.1f MB/s\n' "$1" "$2" "$(echo "$bytes / $2 / 1000000" | bc -l)"
}
printf 'content %d bytes (%d MiB), image.tar %d bytes (gzip layers: %.2fx smaller)\n' \
  "$bytes" $((bytes >> 20)) "$image_bytes" "$(echo "$bytes / $image_bytes" | bc -l)"
report "image.tar (gzip layers)" "$(best "$work/image.tar")"
report "plain files, --threads 1" "$(best --threads 1 "$work/tree")"
report "plain files, default threads" "$(best "$work/tree")"
