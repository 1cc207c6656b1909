#!/usr/bin/env python3
"""Writes a synthetic Slack workspace export for bench/slack_export_throughput.sh.

Usage: gen_slack_export.py OUT_DIR [TOTAL_BYTES=268435456]

OUT_DIR/export.zip  — channels.json, users.json and <channel>/<YYYY-MM-DD>.json day files
                      (deflated), as Slack writes them: 4-space indent, '/' escaped as '\\/',
                      rich-text blocks repeating each message's text, user_profile, some
                      attachments, file shares with previews, thread replies;
OUT_DIR/plain/      — the same day files' bytes, named .txt: no format applies to them;
OUT_DIR/slack/      — the same day files, unzipped, so the format applies without the zip.
Prints the day files' total size in bytes. Deterministic (seeded). Tokens in it are
invented and fail their checksums. Not part of the tests.
"""
import json
import os
import random
import sys
import zipfile
import zlib

WORDS = ("the deploy failed again after we rotated the staging keys can someone look at "
         "pipeline build cache timeout retry merged reverted config prod incident on-call "
         "metrics dashboard alert latency database migration rollback review approve ship "
         "thanks lgtm please check logs error warning kubernetes pod node cluster").split()


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def fake_token(rng, valid):
    """An invented gho_ token: with a valid CRC32 checksum (a finding) or not (rejected)."""
    body = "".join(rng.choice(BASE62) for _ in range(30))
    crc = zlib.crc32(body.encode())
    check = ""
    for _ in range(6):
        check = BASE62[crc % 62] + check
        crc //= 62
    if not valid:
        check = check[:-1] + ("A" if check[-1] != "A" else "B")
    return "gho_" + body + check


def message(rng, users, ts):
    uid, name = rng.choice(users)
    text = sentence(rng, rng.randint(4, 40))
    roll = rng.random()
    if roll < 0.05:
        text += " https://ci.example.com/job/" + str(rng.randint(1, 99999)) + "/console"
    elif roll < 0.07:
        text += " token " + fake_token(rng, rng.random() < 0.01)
    m = {
        "client_msg_id": "%08x-0000-4000-8000-%012x" % (rng.getrandbits(32), rng.getrandbits(48)),
        "type": "message",
        "text": text,
        "user": uid,
        "ts": "%d.%06d" % (ts, rng.randint(0, 999999)),
        "team": "T0001",
        "user_team": "T0001",
        "source_team": "T0001",
        "user_profile": {
            "avatar_hash": "%012x" % rng.getrandbits(48),
            "image_72": "https://avatars.slack-edge.com/2026-01-01/%d_72.png" % rng.getrandbits(40),
            "first_name": name.title(),
            "real_name": name.title() + " Example",
            "display_name": name,
            "team": "T0001",
            "name": name,
            "is_restricted": False,
            "is_ultra_restricted": False,
        },
        "blocks": [{
            "type": "rich_text",
            "block_id": "%05x" % rng.getrandbits(20),
            "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
        }],
    }
    if rng.random() < 0.2:
        m["thread_ts"] = m["ts"]
        m["reply_count"] = rng.randint(1, 5)
    if rng.random() < 0.05:
        m["attachments"] = [{"fallback": sentence(rng, 8), "text": sentence(rng, 20), "color": "36a64f",
                             "fields": [{"title": "env", "value": rng.choice(["prod", "staging"]), "short": True}]}]
    if rng.random() < 0.03:
        m["files"] = [{"id": "F%08X" % rng.getrandbits(32), "name": "snippet.sh", "title": "snippet.sh",
                       "mimetype": "text/plain", "filetype": "shell",
                       "preview": "\n".join(sentence(rng, 6) for _ in range(5)),
                       "url_private": "https://files.slack.com/files-pri/T0001-F1/snippet.sh"}]
    if rng.random() < 0.1:
        m["reactions"] = [{"name": "eyes", "users": [uid], "count": 1}]
    return m


def main():
    out = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 256 << 20
    rng = random.Random(20260102)
    users = [("U%08X" % rng.getrandbits(32), "user%d" % i) for i in range(200)]
    channels = ["general", "random", "deploys", "incidents", "ops"] + ["team-%02d" % i for i in range(59)]
    os.makedirs(os.path.join(out, "plain"), exist_ok=True)
    written = 0
    day = 0
    with zipfile.ZipFile(os.path.join(out, "export.zip"), "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("channels.json", json.dumps([{"id": "C%04d" % i, "name": c} for i, c in enumerate(channels)],
                                               indent=4))
        z.writestr("users.json", json.dumps([{"id": u, "name": n} for u, n in users], indent=4))
        while written < total:
            date = "2025-%02d-%02d" % (1 + (day // 28) % 12, 1 + day % 28)
            year_offset = day // (28 * 12)
            if year_offset:
                date = "%d%s" % (2025 + year_offset, date[4:])
            for c in channels:
                if written >= total:
                    break
                ts0 = 1735689600 + day * 86400
                msgs = [message(rng, users, ts0 + i * 60) for i in range(rng.randint(20, 120))]
                body = json.dumps(msgs, indent=4, ensure_ascii=True).replace("/", "\\/").encode()
                name = "%s/%s.json" % (c, date)
                z.writestr(name, body)
                for sub, fname in (("plain", "%s-%s.txt" % (c, date)), ("slack", name)):
                    path = os.path.join(out, sub, fname)
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    with open(path, "wb") as f:
                        f.write(body)
                written += len(body)
            day += 1
    print(written)


if __name__ == "__main__":
    main()
