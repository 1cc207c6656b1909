#!/usr/bin/env python3
"""Writes a git fast-import stream of a long, generated history to stdout:
`gen_git_history.py COMMITS [FILES] | git -C REPO fast-import --quiet`.

The first commit adds FILES (default 2,000) source-like files of 0.5-3.5 KiB in 40
directories; each later commit changes one to three of them (a line edited, a line
appended), and about one commit in 200 adds a file and one in 400 deletes one. Every
5,000 commits a ten-commit side branch is merged back into main (merges without a
conflict). The tokens are invented, with valid GitHub CRC32 checksums so the built-in
rules report them:

- gone:   added to config/app.env at commit 1,000, deleted from it at commit 1,500;
- kept:   added to deploy/secrets.env at commit 20,000 and kept through its later edits;
- branch: only on the unmerged branch `topic/leak`.

Statistics for the benchmark go to stderr as `key value` lines: commits, blob changes
(file additions and modifications the history records) and tree entries summed over
all commits with their bytes (what scanning every commit's tree would read).
"""
import random
import sys
import zlib

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def gh_token(seed):
    rng = random.Random(seed)
    body = "".join(rng.choice(BASE62) for _ in range(30))
    crc, check = zlib.crc32(body.encode()), ["0"] * 6
    for i in range(5, -1, -1):
        if crc == 0:
            break
        check[i] = BASE62[crc % 62]
        crc //= 62
    return "gho_" + body + "".join(check)


WORDS = ("config value request handler client server token cache retry timeout buffer "
         "parse render queue worker index schema record update delete insert select").split()


def source_line(rng):
    return "    {} = {}({}, {})  # {}\n".format(
        rng.choice(WORDS) + "_" + rng.choice(WORDS), rng.choice(WORDS),
        rng.randrange(1 << 20), rng.choice(WORDS), " ".join(rng.choice(WORDS) for _ in range(4)))


def main():
    commits = int(sys.argv[1])
    nfiles = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    rng = random.Random(8)
    out = sys.stdout.buffer
    files = {}  # path -> list of lines
    for i in range(nfiles):
        path = "src/mod{:02d}/file{:05d}.py".format(i % 40, i)
        files[path] = ["# generated module {}\n".format(i)] + [source_line(rng) for _ in range(rng.randrange(6, 48))]
    tokens = {"gone": gh_token(101), "kept": gh_token(102), "branch": gh_token(103)}

    mark = 0
    blob_changes = tree_entries = tree_bytes = 0
    sizes = {}  # path -> bytes of the current tree, for tree_bytes

    def blob(data):
        nonlocal mark
        mark += 1
        out.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)))
        out.write(data)
        out.write(b"\n")
        return mark

    def commit(ref, n, changes, parents=(), merge=None):
        """changes: path -> bytes, or None to delete. Returns the commit's mark."""
        nonlocal mark, blob_changes
        marks = {p: blob(d) for p, d in changes.items() if d is not None}
        mark += 1
        when = 1700000000 + n * 60
        out.write(b"commit %s\nmark :%d\n" % (ref.encode(), mark))
        out.write(b"author Dev %d <dev%d@example.com> %d +0000\n" % (n % 7, n % 7, when))
        out.write(b"committer Dev %d <dev%d@example.com> %d +0000\n" % (n % 7, n % 7, when))
        msg = b"change %d\n" % n
        out.write(b"data %d\n%s" % (len(msg), msg))
        for p in parents:
            out.write(b"from :%d\n" % p)
        if merge is not None:
            out.write(b"merge :%d\n" % merge)
        for p, d in changes.items():
            if d is None:
                out.write(b"D %s\n" % p.encode())
            else:
                out.write(b"M 100644 :%d %s\n" % (marks[p], p.encode()))
                blob_changes += 1
        out.write(b"\n")
        return mark

    def text(path):
        return "".join(files[path]).encode()

    live = [0]  # bytes of the current tree

    def apply(changes):  # keeps `sizes` and `live` the tree's after `changes`
        for p, d in changes.items():
            live[0] -= sizes.pop(p, 0)
            if d is not None:
                sizes[p] = len(d)
                live[0] += len(d)

    def account():  # one commit's tree: what a per-commit scan would read
        nonlocal tree_entries, tree_bytes
        tree_entries += len(sizes)
        tree_bytes += live[0]

    def edit(path, n):
        lines = files[path]
        if rng.random() < 0.5 and len(lines) > 2 and path.startswith("src/"):  # planted lines stay
            lines[rng.randrange(1, len(lines))] = source_line(rng)
        else:
            lines.append(source_line(rng))

    def change_set(n):
        changes = {}
        for _ in range(rng.randrange(1, 4)):
            path = rng.choice(paths)
            edit(path, n)
            changes[path] = text(path)
        if n % 200 == 0:
            path = "src/new/file_{:06d}.py".format(n)
            files[path] = ["# added in {}\n".format(n)] + [source_line(rng) for _ in range(20)]
            paths.append(path)
            changes[path] = text(path)
        elif n % 400 == 1 and len(paths) > 10:
            path = paths[rng.randrange(len(paths))]
            if path.startswith("src/"):  # the planted files live on as planned
                paths.remove(path)
                del files[path]
                changes[path] = None
        if n == 1000:
            files["config/app.env"] = ["APP_ENV=prod\n", "GITHUB_TOKEN={}\n".format(tokens["gone"])]
            paths.append("config/app.env")
            changes["config/app.env"] = text("config/app.env")
        if n == 1500:
            paths.remove("config/app.env")
            del files["config/app.env"]
            changes["config/app.env"] = None
        if n == 20000:
            files["deploy/secrets.env"] = ["# deploy settings\n", "GH_DEPLOY_TOKEN={}\n".format(tokens["kept"])]
            paths.append("deploy/secrets.env")
            changes["deploy/secrets.env"] = text("deploy/secrets.env")
        if n > 20000 and n % 997 == 0:  # a file with a secret that keeps being edited
            files["deploy/secrets.env"].append("DEPLOY_REVISION={}\n".format(n))
            changes["deploy/secrets.env"] = text("deploy/secrets.env")
        return changes

    paths = sorted(files)
    first = {p: text(p) for p in paths}
    head = commit("refs/heads/main", 0, first)
    apply(first)
    account()
    n = 1
    while n < commits:
        if n % 5000 == 0 and n + 11 < commits:  # a side branch of ten commits, merged back
            side = head
            merged = {}
            for k in range(10):
                changes = change_set(n)
                side = commit("refs/heads/side", n, changes, parents=(side,) if k == 0 else ())
                apply(changes)
                merged.update(changes)
                account()
                n += 1
            # main has not moved: the merge's tree is the side branch's.
            head = commit("refs/heads/main", n, merged, parents=(head,), merge=side)
            account()
            n += 1
            continue
        changes = change_set(n)
        head = commit("refs/heads/main", n, changes)
        apply(changes)
        account()
        n += 1
    # An unmerged branch off the tip of main, holding one more secret.
    leak = "LEAK_TOKEN={}\n".format(tokens["branch"]).encode()
    commit("refs/heads/topic/leak", n, {"notes/leak.env": leak}, parents=(head,))
    n += 1
    print("commits", n, file=sys.stderr)
    print("files_at_head", len(paths), file=sys.stderr)
    print("blob_changes", blob_changes, file=sys.stderr)
    print("tree_entries_all_commits", tree_entries, file=sys.stderr)
    print("tree_bytes_all_commits", tree_bytes, file=sys.stderr)


if __name__ == "__main__":
    main()
