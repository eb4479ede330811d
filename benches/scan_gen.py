#!/usr/bin/env python3
"""Data generator and scorer for benches/scan.sh (SPEC section 9, issue #3 acceptance 4).

    scan_gen.py gen DIR          logs.txt (256 MiB), secrets.txt, truth.tsv  (deterministic, seed 3)
    scan_gen.py variants DIR     variants.txt: every fixed-string encoding of every secret, for rg -F
    scan_gen.py score-sealprobe DIR REPORT.json
    scan_gen.py score-rg DIR RG_OUTPUT LABEL     (output of rg -aF -o -b -N -f variants.txt logs.txt)
    scan_gen.py table DIR LABEL...               per-encoding detection of the scored tools

truth.tsv has one row per planted item: fingerprint (first 8 hex of SHA-256 of the secret; `-` for
decoys), encoding, start, end (byte range [start, end) in logs.txt of the encoded secret only, not
its surrounding text). Secrets are planted exactly once each, evenly over ENCODINGS; decoys are
token-shaped strings that are not secrets.
"""

import base64
import hashlib
import json
import os
import random
import sys
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

SEED = 3
SIZE = int(os.environ.get("SCAN_BENCH_MIB", "256")) * 1024 * 1024
N_SECRETS = 200
N_DECOYS = 50
WRAP = 76

ENCODINGS = [
    "literal",
    "json-u-full",
    "json-u-mixed",
    "utf16le",
    "utf16be",
    "base64-a0-pad",
    "base64-a0-nopad",
    "base64-a1-pad",
    "base64-a1-nopad",
    "base64-a2-pad",
    "base64-a2-nopad",
    "base64url",
    "hex-lower",
    "hex-upper",
    "percent-all",
    "percent-mixed",
    "html-dec",
    "html-hex",
    "base64>json-u",
    "percent>base64",
    "hex>base64",
    "partial-20",
    "base64-wrapped-halves",
]

# Encodings that get one grant-token-shaped secret (spg1.cutover.<16 hex>.<10 digits>.<43 b64url>).
GRANT_ENCODINGS = [
    "literal", "json-u-full", "percent-all", "partial-20", "hex-lower", "utf16le",
    "json-u-mixed", "html-dec", "base64>json-u", "base64-wrapped-halves",
]

B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
PRINTABLE = [chr(c) for c in range(0x20, 0x7F)]


def fingerprint(secret: bytes) -> str:
    return hashlib.sha256(secret).hexdigest()[:8]


# --- secrets and decoys ---------------------------------------------------------------------------

def grant_token(rng, action="cutover"):
    return "spg1.%s.%s.%d.%s" % (
        action,
        "".join(rng.choice("0123456789abcdef") for _ in range(16)),
        rng.randrange(1_700_000_000, 2_100_000_000),
        "".join(rng.choice(B64URL) for _ in range(43)),
    )


def random_secret(rng, length):
    while True:
        s = "".join(rng.choice(PRINTABLE) for _ in range(length))
        if s[0] != " " and s[-1] != " ":
            return s


def make_secrets(rng):
    """200 (secret, encoding) pairs, round-robin over ENCODINGS."""
    out = []
    grant_left = list(GRANT_ENCODINGS)
    for i in range(N_SECRETS):
        enc = ENCODINGS[i % len(ENCODINGS)]
        if enc in grant_left:
            grant_left.remove(enc)
            out.append((grant_token(rng), enc))
            continue
        length = rng.randrange(24, 97)
        # Make sure the base64 text really ends in a partial group (padding present or stripped),
        # and that percent-encoding base64 really changes it (`%3D` at least).
        p = int(enc[len("base64-a")]) if enc.startswith("base64-a") else 0
        if enc.startswith("base64-a") or enc == "percent>base64":
            while (p + length) % 3 == 0:
                length = rng.randrange(24, 97)
        out.append((random_secret(rng, length), enc))
    return out


def make_decoys(rng, secrets):
    """Token-shaped strings that are not secrets. Twenty share the first 15 characters (one short
    of a partial leak) with a grant-token secret."""
    grants = [s for s, _ in secrets if s.startswith("spg1.")]
    decoys = []
    for i in range(N_DECOYS):
        if i < 20:
            g = grants[i % len(grants)]
            while True:
                d = g[:15] + grant_token(rng)[15:]
                if d[15] != g[15]:
                    break
        elif i < 30:
            d = grant_token(rng)
        elif i < 40:
            d = grant_token(rng, rng.choice(["apply", "repoint", "permit", "production-db"]))
        else:
            d = "hmac-sha256:" + "".join(rng.choice(B64URL) for _ in range(43))
        decoys.append(d)
    # No decoy may hold a 16-character run of a secret, or it would be a real (partial) leak.
    runs = {s[j:j + 16] for s, _ in secrets for j in range(len(s) - 15)}
    for d in decoys:
        assert not any(d[j:j + 16] in runs for j in range(len(d) - 15)), "decoy overlaps a secret"
    return decoys


# --- encoders: each returns (encoded bytes, start, end of the secret inside them) -----------------

def b64_span(prefix_len, secret_len, total_chars):
    """Chars of the base64 of (prefix + secret + ...) that carry the secret's bits."""
    start = (prefix_len * 8) // 6
    end = min(-(-((prefix_len + secret_len) * 8) // 6), total_chars)
    return start, end


def json_u(ch, upper=False):
    return ("\\u%04X" if upper else "\\u%04x") % ord(ch)


def encode(rng, secret: str, enc: str):
    raw = secret.encode()
    n = len(raw)
    if enc == "literal":
        return raw, 0, n
    if enc == "json-u-full":
        e = "".join(json_u(c) for c in secret).encode()
        return e, 0, len(e)
    if enc == "json-u-mixed":
        parts = []
        for c in secret:
            if c in '"\\':
                parts.append(rng.choice(["\\" + c, json_u(c)]))
            elif rng.random() < 0.5:
                parts.append(json_u(c, upper=rng.random() < 0.3))
            else:
                parts.append(c)
        e = "".join(parts).encode()
        return e, 0, len(e)
    if enc in ("utf16le", "utf16be"):
        codec = "utf-16-le" if enc == "utf16le" else "utf-16-be"
        head = "password=".encode(codec)
        e = head + secret.encode(codec) + "\r\n".encode(codec)
        return e, len(head), len(head) + 2 * n
    if enc.startswith("base64-a"):
        p = int(enc[len("base64-a")])
        msg = bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(p)) + raw
        e = base64.b64encode(msg)
        if enc.endswith("nopad"):
            e = e.rstrip(b"=")
        s, t = b64_span(p, n, len(e))
        return e, s, t
    if enc == "base64url":
        p = rng.randrange(3)
        msg = b'{"t":"'[:p] + raw
        e = base64.urlsafe_b64encode(msg).rstrip(b"=")
        s, t = b64_span(p, n, len(e))
        return e, s, t
    if enc == "hex-lower":
        return raw.hex().encode(), 0, 2 * n
    if enc == "hex-upper":
        return raw.hex().upper().encode(), 0, 2 * n
    if enc == "percent-all":
        e = "".join("%%%02X" % b for b in raw).encode()
        return e, 0, len(e)
    if enc == "percent-mixed":
        parts = []
        for c in secret:
            q = urllib.parse.quote(c, safe="")
            if q == c and rng.random() < 0.3:
                q = "%%%02X" % ord(c)
            parts.append(q)
        e = "".join(parts).encode()
        return e, 0, len(e)
    if enc == "html-dec":
        e = "".join("&#%d;" % b for b in raw).encode()
        return e, 0, len(e)
    if enc == "html-hex":
        e = "".join("&#x%x;" % b for b in raw).encode()
        return e, 0, len(e)
    if enc == "base64>json-u":
        head = '{"level":"debug","secret":"'
        body = head + "".join(json_u(c) for c in secret) + '","ok":true}'
        e = base64.b64encode(body.encode())
        s, t = b64_span(len(head), 6 * n, len(e))
        return e, s, t
    if enc == "percent>base64":
        e = urllib.parse.quote(base64.b64encode(raw).decode(), safe="").encode()
        return e, 0, len(e)
    if enc == "hex>base64":
        e = base64.b64encode(raw).hex().encode()
        return e, 0, len(e)
    if enc == "partial-20":
        j = 0 if secret.startswith("spg1.") else rng.randrange(n - 20 + 1)
        return raw[j:j + 20], 0, 20
    if enc == "base64-wrapped-halves":
        enc_len = -(-n * 4 // 3)
        p = max(0, ((WRAP - enc_len // 2) * 3) // 4 + rng.randrange(-2, 3))
        msg = rng.randbytes(p) + raw + rng.randbytes(rng.randrange(30, 120))
        flat = base64.b64encode(msg)
        s, t = b64_span(p, n, len(flat))
        assert s < WRAP < t, "secret must span the line break"
        lines = [flat[k:k + WRAP] for k in range(0, len(flat), WRAP)]
        e = b"\n".join(lines)
        return e, s + s // WRAP, (t - 1) + (t - 1) // WRAP + 1
    raise ValueError(enc)


def context(rng, enc, ts):
    """Text around a planted secret: (before, after), realistic for the encoding."""
    if enc in ("literal", "partial-20"):
        return rng.choice([
            (f"{ts} ERROR auth: token ", " is invalid (expired or revoked)\n"),
            (f"{ts} WARN  gate: rejected grant ", "\n"),
            (f"{ts} DEBUG env: API_TOKEN=", " HOME=/home/app\n"),
        ])
    if enc.startswith("json-u"):
        return (f'{{"ts":"{ts}","level":"debug","msg":"loaded config","value":"', '","n":1}\n')
    if enc.startswith("utf16"):
        return (f"{ts} TRACE registry dump: ", "\n")
    if enc.startswith("base64-a"):
        return rng.choice([
            (f"{ts} DEBUG outbound: Authorization: Basic ", "\n"),
            (f'{{"ts":"{ts}","level":"trace","blob":"', '"}\n'),
        ])
    if enc == "base64url":
        return (f'10.0.3.7 - - [{ts}] "GET /oauth/callback?state=', '&code=ok HTTP/1.1" 302 0 "-" "curl/8.5.0"\n')
    if enc.startswith("hex-"):
        return (f'{{"ts":"{ts}","level":"trace","frame":"', '"}\n')
    if enc.startswith("percent"):
        return (f'10.0.3.7 - - [{ts}] "GET /login?next=%2Fhome&token=', '&lang=fr HTTP/1.1" 401 17 "-" "Mozilla/5.0"\n')
    if enc.startswith("html"):
        return (f'{ts} DEBUG render: <input type="hidden" name="csrf" value="', '">\n')
    if enc == "base64>json-u":
        return (f'{{"ts":"{ts}","level":"debug","payload":"', '"}\n')
    if enc == "hex>base64":
        return (f"{ts} TRACE body_hex=", "\n")
    if enc == "base64-wrapped-halves":
        return (f"{ts} DEBUG attachment:\n-----BEGIN DATA-----\n", "\n-----END DATA-----\n")
    raise ValueError(enc)


# --- filler ---------------------------------------------------------------------------------------

WORDS = ("user account order invoice payment session cache request retry timeout upstream shard "
         "replica backup config token refresh queue worker batch export import report").split()
NAMES = ["caf\\u00e9", "na\\u00efve", "M\\u00fcnchen", "Z\\u00fcrich", "\\u6771\\u4eac", "r\\u00e9sum\\u00e9"]
RAW_NAMES = ["café", "Zürich", "東京", "naïve"]
QUERY_VALUES = ["caf%C3%A9%20cr%C3%A8me", "a%2Bb%3Dc", "https%3A%2F%2Fexample.com%2Fx%3Fy%3D1",
                "%E6%9D%B1%E4%BA%AC", "50%25%20off", "q%22quoted%22", "x%26y%3Bz", "hello%20world"]
PATHS = ["/api/v1/users", "/api/v1/orders", "/search", "/static/app.js", "/login", "/healthz",
         "/api/v2/invoices", "/download"]
AGENTS = ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
          'curl/8.5.0', 'python-requests/2.32.3', 'Go-http-client/2.0']
FRAMES_JAVA = ["com.example.billing.InvoiceService.charge(InvoiceService.java:%d)",
               "com.example.http.Router.dispatch(Router.java:%d)",
               "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:%d)",
               "java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:%d)"]
FRAMES_PY = ['  File "/srv/app/handlers.py", line %d, in handle',
             '  File "/usr/lib/python3.11/json/decoder.py", line %d, in decode',
             '  File "/srv/app/db.py", line %d, in execute']


class Filler:
    def __init__(self, rng):
        self.rng = rng
        self.t = 0

    def ts(self):
        self.t += self.rng.randrange(1, 40)
        ms, s = self.t % 1000, self.t // 1000
        return "2026-11-24T%02d:%02d:%02d.%03dZ" % ((s // 3600) % 24, (s // 60) % 60, s % 60, ms)

    def apache_ts(self):
        s = self.t // 1000
        return "24/Nov/2026:%02d:%02d:%02d +0000" % ((s // 3600) % 24, (s // 60) % 60, s % 60)

    def chunk(self):
        r = self.rng
        k = r.random()
        ts = self.ts()
        if k < 0.36:
            msg = "%s %s %s" % (r.choice(WORDS), r.choice(NAMES), r.choice(WORDS))
            if r.random() < 0.3:
                msg += ' said \\"%s\\"' % r.choice(RAW_NAMES + WORDS)
            extra = ',"html":"it&#39;s &#x26; more"' if r.random() < 0.05 else ""
            return ('{"ts":"%s","level":"%s","svc":"%s","msg":"%s","req":"%08x","latency_ms":%d%s}\n'
                    % (ts, r.choice(["info", "info", "debug", "warn"]), r.choice(WORDS), msg,
                       r.getrandbits(32), r.randrange(1, 5000), extra))
        if k < 0.66:
            q = "&".join("%s=%s" % (r.choice(WORDS), r.choice(QUERY_VALUES)) for _ in range(r.randrange(1, 5)))
            return ('10.%d.%d.%d - - [%s] "GET %s?%s HTTP/1.1" %d %d "-" "%s"\n'
                    % (r.randrange(256), r.randrange(256), r.randrange(256), self.apache_ts(),
                       r.choice(PATHS), q, r.choice([200, 200, 200, 304, 404, 500]),
                       r.randrange(100, 90000), r.choice(AGENTS)))
        if k < 0.78:
            if r.random() < 0.5:
                lines = ["%s ERROR http: request failed" % ts,
                         "java.lang.IllegalStateException: %s %s not found" % (r.choice(WORDS), r.choice(WORDS))]
                lines += ["\tat " + (r.choice(FRAMES_JAVA) % r.randrange(20, 900)) for _ in range(r.randrange(4, 14))]
                lines.append("Caused by: java.io.IOException: connection reset")
                lines += ["\tat " + (r.choice(FRAMES_JAVA) % r.randrange(20, 900)) for _ in range(r.randrange(2, 6))]
            else:
                lines = ["%s ERROR worker: unhandled exception" % ts, "Traceback (most recent call last):"]
                for _ in range(r.randrange(3, 8)):
                    lines.append(r.choice(FRAMES_PY) % r.randrange(10, 400))
                    lines.append("    return self._%s(%s)" % (r.choice(WORDS), r.choice(WORDS)))
                lines.append("KeyError: '%s'" % r.choice(WORDS))
            return "\n".join(lines) + "\n"
        if k < 0.90:
            blob = base64.b64encode(r.randbytes(r.randrange(32, 900))).decode()
            if len(blob) > WRAP and r.random() < 0.4:
                body = "\n".join(blob[i:i + WRAP] for i in range(0, len(blob), WRAP))
                return "%s DEBUG attachment:\n-----BEGIN DATA-----\n%s\n-----END DATA-----\n" % (ts, body)
            if r.random() < 0.3:
                blob = blob.replace("+", "-").replace("/", "_").rstrip("=")
            return '{"ts":"%s","level":"trace","blob":"%s"}\n' % (ts, blob)
        h = r.randbytes(r.randrange(16, 300)).hex()
        if r.random() < 0.3:
            h = h.upper()
        return "%s TRACE frame=%s\n" % (ts, h)


# --- commands -------------------------------------------------------------------------------------

def gen(d: Path):
    rng = random.Random(SEED)
    secrets = make_secrets(rng)
    decoys = make_decoys(rng, secrets)
    plants = [(s, enc) for s, enc in secrets] + [(d_, "decoy") for d_ in decoys]
    rng.shuffle(plants)
    # Plant k goes just after byte (k + 0.5) * SIZE / len(plants): spread evenly over the file.
    targets = [int((k + 0.5) * SIZE / len(plants)) for k in range(len(plants))]

    filler = Filler(rng)
    truth = []
    pos = 0
    k = 0
    tmp = d / "logs.txt.tmp"
    with open(tmp, "wb") as f:
        buf = []
        buflen = 0
        while pos < SIZE:
            if k < len(plants) and pos >= targets[k]:
                secret, enc = plants[k]
                k += 1
                ts = filler.ts()
                if enc == "decoy":
                    before, after = (f"{ts} WARN  gate: rejected token ", ": bad mac, not issued by this key\n")
                    body, s, t = secret.encode(), 0, len(secret)
                    fp = "-"
                else:
                    before, after = context(rng, enc, ts)
                    body, s, t = encode(rng, secret, enc)
                    fp = fingerprint(secret.encode())
                piece = before.encode() + body + after.encode()
                at = pos + len(before.encode())
                truth.append((fp, enc, at + s, at + t))
            else:
                piece = filler.chunk().encode()
            buf.append(piece)
            buflen += len(piece)
            pos += len(piece)
            if buflen > 1 << 20:
                f.write(b"".join(buf))
                buf, buflen = [], 0
        f.write(b"".join(buf))
        f.truncate(SIZE)
    assert k == len(plants), "not every secret was planted"
    assert all(t <= SIZE for _, _, _, t in truth)
    with open(d / "secrets.txt", "w") as f:
        for s, _ in secrets:
            f.write(s + "\n")
    with open(d / "truth.tsv", "w") as f:
        f.write("fingerprint\tencoding\tstart\tend\n")
        for row in sorted(truth, key=lambda r: r[2]):
            f.write("%s\t%s\t%d\t%d\n" % row)
    tmp.rename(d / "logs.txt")


def variants_of(secret: bytes):
    """Every encoding of the whole secret that can be searched as a fixed string."""
    v = {
        "literal": secret,
        "json-u": "".join("\\u%04x" % b for b in secret).encode(),
        "utf16le": secret.decode().encode("utf-16-le"),
        "hex-lower": secret.hex().encode(),
        "hex-upper": secret.hex().upper().encode(),
        "percent": "".join("%%%02X" % b for b in secret).encode(),
        "html-dec": "".join("&#%d;" % b for b in secret).encode(),
    }
    for skip in range(3):
        body = secret[skip:]
        whole = len(body) // 3 * 3
        v["base64-core%d" % skip] = base64.b64encode(body[:whole])
    return v


def read_secrets(d: Path):
    return [l for l in (d / "secrets.txt").read_bytes().split(b"\n") if l]


def variants(d: Path):
    with open(d / "variants.txt", "wb") as f:
        for s in read_secrets(d):
            for v in variants_of(s).values():
                assert b"\n" not in v
                f.write(v + b"\n")


def read_truth(d: Path):
    rows = []
    with open(d / "truth.tsv") as f:
        next(f)
        for line in f:
            fp, enc, s, t = line.rstrip("\n").split("\t")
            rows.append((fp, enc, int(s), int(t)))
    return rows


def overlaps(a, b, s, t):
    return a < t and s < b


def score(d: Path, hits):
    """hits: list of (fingerprint or None, start, end, extra) for secret matches, extra for rules.
    Prints detection, per-encoding counts and misses as `key value` lines and a table."""
    truth = read_truth(d)
    planted = {fp: (enc, s, t) for fp, enc, s, t in truth if fp != "-"}
    decoys = [(s, t) for fp, enc, s, t in truth if fp == "-"]
    found = set()
    on_decoy = 0
    false_pos = 0
    for fp, a, b in hits:
        if fp in planted and overlaps(a, b, planted[fp][1], planted[fp][2]):
            found.add(fp)
        elif any(overlaps(a, b, s, t) for s, t in decoys):
            on_decoy += 1
        else:
            false_pos += 1
    per_enc = Counter(enc for enc, _, _ in planted.values())
    per_found = Counter(planted[fp][0] for fp in found)
    missed = sorted((planted[fp][0], fp) for fp in planted if fp not in found)
    return found, on_decoy, false_pos, per_enc, per_found, missed


def print_score(tool, found, on_decoy, false_pos, per_enc, per_found, missed, extra=(), list_missed=True):
    print(f"{tool}: found {len(found)}/{sum(per_enc.values())} secrets; "
          f"{on_decoy} secret findings on decoys; {false_pos} secret findings outside every planted range")
    for line in extra:
        print(f"{tool}: {line}")
    if missed and list_missed:
        by = defaultdict(list)
        for enc, fp in missed:
            by[enc].append(fp)
        for enc in ENCODINGS:
            if enc in by:
                print(f"{tool}: missed {len(by[enc])}/{per_enc[enc]} {enc}: {' '.join(by[enc])}")


def score_sealprobe(d: Path, report: Path):
    doc = json.loads(report.read_text())
    truth = read_truth(d)
    decoys = [(s, t) for fp, enc, s, t in truth if fp == "-"]
    planted_ranges = [(s, t) for fp, enc, s, t in truth if fp != "-"]
    hits = []
    rules = Counter()
    for f in doc["findings"]:
        a, b = f["offset"], f["offset"] + f["length"]
        if f["kind"] == "secret":
            hits.append((f["id"], a, b))
        else:
            where = ("decoy" if any(overlaps(a, b, s, t) for s, t in decoys)
                     else "planted secret" if any(overlaps(a, b, s, t) for s, t in planted_ranges)
                     else "elsewhere")
            rules[(f["id"], where)] += 1
    res = score(d, hits)
    extra = ["%d findings in total (%d secret, %d rule)" % (
        len(doc["findings"]), len(hits), sum(rules.values()))]
    extra += ["rule %s on %s: %d" % (rid, where, n) for (rid, where), n in sorted(rules.items())]
    encs = Counter(f["encoding"] for f in doc["findings"] if f["kind"] == "secret")
    extra.append("encoding chains reported: " + ", ".join("%s %d" % kv for kv in sorted(encs.items())))
    print_score("sealprobe", *res, extra=extra)
    dump_per_encoding(d, "sealprobe", res)


def score_rg(d: Path, out: Path, label: str):
    back = {}
    for s in read_secrets(d):
        fp = fingerprint(s)
        for v in variants_of(s).values():
            back[v] = fp
    hits = []
    for line in out.read_bytes().split(b"\n"):
        if not line:
            continue
        off, _, m = line.partition(b":")
        a = int(off)
        hits.append((back.get(m, "?"), a, a + len(m)))
    res = score(d, hits)
    print_score(label, *res, extra=["%d matches (misses per encoding: see the table)" % len(hits)],
                list_missed=False)
    dump_per_encoding(d, label, res)


def dump_per_encoding(d: Path, tool: str, res):
    found, _, _, per_enc, per_found, _ = res
    with open(d / f"per-encoding.{tool}.tsv", "w") as f:
        for enc in ENCODINGS:
            f.write("%s\t%d\t%d\n" % (enc, per_found.get(enc, 0), per_enc[enc]))


def table(d: Path, tools):
    """Per-encoding detection of both tools, side by side."""
    cols = {}
    for tool in tools:
        p = d / f"per-encoding.{tool}.tsv"
        cols[tool] = {l.split("\t")[0]: l.split("\t")[1] for l in p.read_text().splitlines()}
    per_enc = Counter(enc for fp, enc, _, _ in read_truth(d) if fp != "-")
    print("%-24s %8s" % ("encoding", "planted") + "".join(" %12s" % t for t in tools))
    for enc in ENCODINGS + ["total"]:
        n = sum(per_enc.values()) if enc == "total" else per_enc[enc]
        got = [sum(int(v) for v in cols[t].values()) if enc == "total" else int(cols[t][enc])
               for t in tools]
        print("%-24s %8d" % (enc, n) + "".join(" %12d" % g for g in got))


def main():
    cmd, d = sys.argv[1], Path(sys.argv[2])
    if cmd == "gen":
        gen(d)
    elif cmd == "variants":
        variants(d)
    elif cmd == "score-sealprobe":
        score_sealprobe(d, Path(sys.argv[3]))
    elif cmd == "score-rg":
        score_rg(d, Path(sys.argv[3]), sys.argv[4])
    elif cmd == "table":
        table(d, sys.argv[3:])
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
