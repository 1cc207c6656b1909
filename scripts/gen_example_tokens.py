#!/usr/bin/env python3
"""Generate INVENTED credentials for the examples in rules/*.yaml.

Every value this script prints is made up from a pseudo-random generator: none of them
was ever issued by a provider, none of them works anywhere. They only have the *shape*
of real tokens (prefix, alphabet, length, and a valid checksum where the format carries
one) so that `tokensweep rules check` can prove a rule finds the real thing.

Usage:
    scripts/gen_example_tokens.py list                 # the token kinds it knows
    scripts/gen_example_tokens.py KIND [--count N] [--seed S]
    scripts/gen_example_tokens.py github-pat --count 2 --seed 7
    scripts/gen_example_tokens.py github-pat --bad     # same shape, wrong CRC32 (last char altered)
    scripts/gen_example_tokens.py prefixed --prefix dop_v1_ --alphabet hex --length 64
    scripts/gen_example_tokens.py jwt-issuer --issuer https://invented.eu.auth0.com/

The functions are importable too (`import gen_example_tokens as g; g.gh_token(rng, "ghp_")`).

Checksum scheme of GitHub and npm tokens (as documented in rules/README.md):
    token    = prefix + 30 random base62 chars + 6 checksum chars
    checksum = zlib.crc32(random 30 chars), base62 (0-9A-Za-z), most significant digit
               first, left-padded with '0' to 6 chars.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import string
import sys
import uuid
import zlib

BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
B64URL = string.ascii_letters + string.digits + "-_"
B64STD = string.ascii_letters + string.digits + "+/"
UPPER_ALNUM = string.ascii_uppercase + string.digits
# RFC 8628 §6.1 recommends base-20 consonants for user codes.
USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"

# Substrings the engine's placeholder filter rejects; a generated token must not contain
# any of them by accident (compared case-insensitively).
_PLACEHOLDER_MARKERS = ("xxxx", "****", "...", "<", ">", "${", "{{", "example", "your_", "your-", "yourtoken",
                        "change_me", "dummy", "replace_me", "replace-me", "insert_",
                        "changeme", "redacted", "placeholder")


def _clean(s: str) -> bool:
    low = s.lower()
    return not any(m in low for m in _PLACEHOLDER_MARKERS)


def rand_str(rng: random.Random, alphabet: str, n: int) -> str:
    while True:
        s = "".join(rng.choice(alphabet) for _ in range(n))
        if _clean(s):
            return s


def base62_encode(value: int, width: int) -> str:
    out = ""
    while value:
        value, r = divmod(value, 62)
        out = BASE62[r] + out
    return out.rjust(width, "0")


def crc32_base62(body: str) -> str:
    return base62_encode(zlib.crc32(body.encode()) & 0xFFFFFFFF, 6)


def gh_token(rng: random.Random, prefix: str) -> str:
    """GitHub (ghp_ gho_ ghu_ ghs_ ghr_) or npm (npm_) token with a valid CRC32."""
    body = rand_str(rng, BASE62, 30)
    return prefix + body + crc32_base62(body)


def break_checksum(token: str) -> str:
    """Alter the last character so the CRC32 no longer matches (hex stays hex)."""
    last = token[-1]
    alphabet = "0123456789abcdef" if token.startswith("glsa_") else BASE62
    repl = alphabet[(alphabet.index(last) + 1) % len(alphabet)]
    return token[:-1] + repl


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_json(obj) -> str:
    return b64url(json.dumps(obj, separators=(",", ":")).encode())


def rand_bytes(rng: random.Random, n: int) -> bytes:
    return bytes(rng.getrandbits(8) for _ in range(n))


def jwt(rng: random.Random, payload: dict, header: dict | None = None, sig_bytes: int = 256) -> str:
    """A structurally valid JWT (header/payload are JSON) with a random, meaningless signature."""
    header = header or {"alg": "RS256", "typ": "JWT"}
    while True:
        tok = b64url_json(header) + "." + b64url_json(payload) + "." + b64url(rand_bytes(rng, sig_bytes))
        if _clean(tok):
            return tok


def fake_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def github_fine_grained_pat(rng: random.Random) -> str:
    return "github_pat_" + rand_str(rng, BASE62, 22) + "_" + rand_str(rng, BASE62, 59)


def github_stateless_installation_token(rng: random.Random, app_id: int = 918273) -> str:
    payload = {"iss": "invented-issuer", "sub": f"installation:{rng.randint(10**6, 10**8)}",
               "app": app_id, "iat": 1767225600, "exp": 1767229200, "jti": fake_uuid(rng)}
    return f"ghs_{app_id}_" + jwt(rng, payload, sig_bytes=64)


def gitlab_legacy(rng: random.Random, prefix: str) -> str:
    return prefix + rand_str(rng, B64URL, 20)


def gitlab_routable(rng: random.Random, prefix: str, routing: str = "o:1a2b\nu:3c4d") -> str:
    """GitLab 'routable' token: base64url(16 random bytes + routing + len) . 01 . len36 crc36."""
    while True:
        payload = routing.encode()
        raw = rand_bytes(rng, 16) + payload + bytes([len(payload)])
        b64 = b64url(raw)
        length36 = _base36(len(b64)).rjust(2, "0")
        head = f"{prefix}{b64}.01.{length36}"
        tok = head + _base36(zlib.crc32(head.encode()) & 0xFFFFFFFF).rjust(7, "0")
        if _clean(tok):
            return tok


def _base36(v: int) -> str:
    digits = string.digits + string.ascii_lowercase
    out = ""
    while v:
        v, r = divmod(v, 36)
        out = digits[r] + out
    return out or "0"


def gitlab_job_token(rng: random.Random) -> str:
    return "glcbt-" + format(rng.randint(100, 200), "x") + "_" + rand_str(rng, B64URL, 20)


def google_access_token(rng: random.Random) -> str:
    return "ya29.a0" + rand_str(rng, B64URL, 160)


def google_refresh_token(rng: random.Random) -> str:
    return "1//0" + rng.choice("3469eg") + rand_str(rng, B64URL, 98)


def google_client_secret(rng: random.Random) -> str:
    return "GOCSPX-" + rand_str(rng, B64URL, 28)


def google_api_key(rng: random.Random) -> str:
    return "AIza" + rand_str(rng, B64URL, 35)


def aws_key_id(rng: random.Random, prefix: str = "AKIA") -> str:
    return prefix + rand_str(rng, string.ascii_uppercase + "234567", 16)


def aws_secret_key(rng: random.Random) -> str:
    return rand_str(rng, B64STD, 40)


def aws_session_token(rng: random.Random) -> str:
    body = base64.b64encode(rand_bytes(rng, 600)).decode()
    return "IQoJb3JpZ2luX2Vj" + body


def aws_sso_token(rng: random.Random, prefix: str) -> str:
    """IAM Identity Center (SSO OIDC) access ('aoa') or refresh ('aor') token shape."""
    sig = base64.b64encode(b"0f\x021\x00" + rand_bytes(rng, 95)).decode()
    return prefix + "AAAAAG" + rand_str(rng, B64URL, 240) + ":" + sig


def aws_sso_client_secret(rng: random.Random) -> str:
    header = {"kid": "key-1564028099", "alg": "HS384"}
    payload = {"serialized": b64url(rand_bytes(rng, 180))}
    return jwt(rng, payload, header=header, sig_bytes=48)


def slack_bot(rng: random.Random) -> str:
    return f"xoxb-{rand_str(rng, string.digits, 12)}-{rand_str(rng, string.digits, 13)}-{rand_str(rng, string.ascii_letters + string.digits, 24)}"


def slack_user(rng: random.Random) -> str:
    return (f"xoxp-{rand_str(rng, string.digits, 12)}-{rand_str(rng, string.digits, 12)}-"
            f"{rand_str(rng, string.digits, 13)}-{rand_str(rng, '0123456789abcdef', 32)}")


def slack_rotating(rng: random.Random, inner: str = "xoxp") -> str:
    return f"xoxe.{inner}-1-" + rand_str(rng, string.ascii_letters + string.digits, 140)


def slack_refresh(rng: random.Random) -> str:
    return "xoxe-1-" + rand_str(rng, string.ascii_letters + string.digits, 140)


def slack_app(rng: random.Random) -> str:
    return (f"xapp-1-A{rand_str(rng, UPPER_ALNUM, 10)}-{rand_str(rng, string.digits, 13)}-"
            f"{rand_str(rng, '0123456789abcdef', 64)}")


def slack_webhook(rng: random.Random) -> str:
    return (f"https://hooks.slack.com/services/T{rand_str(rng, UPPER_ALNUM, 10)}/"
            f"B{rand_str(rng, UPPER_ALNUM, 10)}/{rand_str(rng, string.ascii_letters + string.digits, 24)}")


def okta_api_token(rng: random.Random) -> str:
    return "00" + rand_str(rng, B64URL, 40)


def user_code(rng: random.Random) -> str:
    return rand_str(rng, USER_CODE_ALPHABET, 4) + "-" + rand_str(rng, USER_CODE_ALPHABET, 4)


def microsoft_user_code(rng: random.Random) -> str:
    return rand_str(rng, UPPER_ALNUM, 9)


def microsoft_refresh_token(rng: random.Random) -> str:
    return "0.A" + rand_str(rng, B64URL, 380) + "." + rand_str(rng, B64URL, 300)


def entra_client_secret(rng: random.Random) -> str:
    alpha = string.ascii_letters + string.digits + "_~.-"
    return rand_str(rng, alpha, 3) + rng.choice("78") + "Q~" + rand_str(rng, alpha, 34)


ALPHABETS = {"base62": BASE62, "hex": "0123456789abcdef", "HEX": "0123456789ABCDEF",
             "lower": string.ascii_lowercase + string.digits, "upper": UPPER_ALNUM,
             "letters": string.ascii_letters, "b64url": B64URL, "b64": B64STD, "digits": string.digits}


def prefixed(rng: random.Random, prefix: str, alphabet: str = "base62", length: int = 40) -> str:
    """A provider token that is a literal prefix plus a random body (most of rules/*.yaml)."""
    return prefix + rand_str(rng, ALPHABETS[alphabet], length)


def grafana_sa_token(rng: random.Random) -> str:
    """Grafana service-account token: glsa_ + 32 base62 + _ + CRC32 of the head, little-endian hex."""
    head = "glsa_" + rand_str(rng, BASE62, 32)
    return head + "_" + (zlib.crc32(head.encode()) & 0xFFFFFFFF).to_bytes(4, "little").hex()


def basic_userpass(rng: random.Random, user: str = "ci-bot") -> str:
    """base64("user:password"), as in a Docker config `auth` or an .npmrc `_auth`."""
    return base64.b64encode(f"{user}:{rand_str(rng, BASE62, 20)}".encode()).decode()


def jwt_with_issuer(rng: random.Random, iss: str) -> str:
    """A JWT whose payload names `iss` (issuer-specific rules look for it inside the base64)."""
    return jwt(rng, {"iss": iss, "sub": fake_uuid(rng), "exp": 4102444800})


KINDS = {
    "github-pat": lambda r: gh_token(r, "ghp_"),
    "github-oauth": lambda r: gh_token(r, "gho_"),
    "github-user-to-server": lambda r: gh_token(r, "ghu_"),
    "github-installation": lambda r: gh_token(r, "ghs_"),
    "github-refresh": lambda r: gh_token(r, "ghr_"),
    "github-fine-grained-pat": github_fine_grained_pat,
    "github-installation-stateless": github_stateless_installation_token,
    "npm": lambda r: gh_token(r, "npm_"),
    "gitlab-pat": lambda r: gitlab_legacy(r, "glpat-"),
    "gitlab-pat-routable": lambda r: gitlab_routable(r, "glpat-"),
    "gitlab-job": gitlab_job_token,
    "google-access": google_access_token,
    "google-refresh": google_refresh_token,
    "google-client-secret": google_client_secret,
    "google-api-key": google_api_key,
    "aws-key-id": aws_key_id,
    "aws-secret-key": aws_secret_key,
    "aws-session-token": aws_session_token,
    "aws-sso-access": lambda r: aws_sso_token(r, "aoa"),
    "aws-sso-refresh": lambda r: aws_sso_token(r, "aor"),
    "aws-sso-client-secret": aws_sso_client_secret,
    "slack-bot": slack_bot,
    "slack-user": slack_user,
    "slack-rotating": slack_rotating,
    "slack-refresh": slack_refresh,
    "slack-app": slack_app,
    "slack-webhook": slack_webhook,
    "okta-api": okta_api_token,
    "user-code": user_code,
    "microsoft-user-code": microsoft_user_code,
    "microsoft-refresh": microsoft_refresh_token,
    "entra-client-secret": entra_client_secret,
    "docker-auth": basic_userpass,
    "grafana-sa": grafana_sa_token,
    "k8s-bootstrap": lambda r: rand_str(r, ALPHABETS["lower"], 6) + "." + rand_str(r, ALPHABETS["lower"], 16),
    "azure-devops-pat": lambda r: rand_str(r, BASE62, 76) + "AZDO" + rand_str(r, BASE62, 4),
    "stripe-live": lambda r: prefixed(r, "sk_live_", "base62", 99),
    "openai-project": lambda r: prefixed(r, "sk-proj-", "b64url", 74) + "T3BlbkFJ" + rand_str(r, B64URL, 74),
    "anthropic": lambda r: prefixed(r, "sk-ant-api03-", "b64url", 93) + "AA",
    "jwt": lambda r: jwt(r, {"iss": "https://auth.invented.test/", "sub": fake_uuid(r),
                             "aud": "invented-api", "exp": 1893456000}),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kind", help="a token kind, or 'list'")
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--seed", type=int, default=None, help="make the output reproducible")
    ap.add_argument("--bad", action="store_true", help="break the checksum (checksummed kinds only)")
    ap.add_argument("--prefix", help="kind 'prefixed': the literal prefix (e.g. dop_v1_)")
    ap.add_argument("--alphabet", default="base62", choices=sorted(ALPHABETS), help="kind 'prefixed'")
    ap.add_argument("--length", type=int, default=40, help="kind 'prefixed': body length")
    ap.add_argument("--issuer", help="kind 'jwt-issuer': the iss claim")
    args = ap.parse_args()
    if args.kind == "list":
        print("\n".join(sorted(KINDS) + ["prefixed (--prefix P --alphabet A --length N)", "jwt-issuer (--issuer URL)"]))
        return 0
    rng = random.Random(args.seed)
    if args.kind in ("prefixed", "jwt-issuer"):
        if (args.prefix if args.kind == "prefixed" else args.issuer) is None:
            print(f"kind {args.kind!r} needs --{'prefix' if args.kind == 'prefixed' else 'issuer'}", file=sys.stderr)
            return 2
        for _ in range(args.count):
            print(prefixed(rng, args.prefix, args.alphabet, args.length) if args.kind == "prefixed"
                  else jwt_with_issuer(rng, args.issuer))
        return 0
    if args.kind not in KINDS:
        print(f"unknown kind {args.kind!r}; try 'list'", file=sys.stderr)
        return 2
    for _ in range(args.count):
        tok = KINDS[args.kind](rng)
        print(break_checksum(tok) if args.bad else tok)
    return 0


if __name__ == "__main__":
    sys.exit(main())
