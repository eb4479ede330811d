#!/usr/bin/env python3
"""A SHA256SUMS checker with one weakness that no fixed case of the suite targets, for the
hunt's own tests (issue #26, acceptance 1): the hunt must find each weakness, shrink it, and
write a case that fails this checker and holds for `sealprobe verify`.

    weak_sums.py MODE SUMS

It reads SUMS (GNU's format: `<64 hex>  <name>`, a leading backslash marking a name written
with `\\n` and `\\\\` escapes) and checks every listed file in the current folder: a regular
file (a symlink, FIFO or folder is refused without being opened) of exactly those bytes. Exit 0
when every line checks, 1 otherwise. MODE picks the one thing it gets wrong:

  honest         nothing
  two-spaces     skips a file whose name holds two spaces in a row
  skip-empty     skips a file sealed empty (the digest of no bytes): "nothing to check"
                 (the fixed suite already holds this one: bytes/append-to-empty-file)
  leading-dash   skips a file whose name (or a folder of it) starts with `-`, as if an option
                 (the fixed suite holds this one since the hunt's finding about GNU joined it:
                 filesystem/file-named-dash-sealed-empty-then-written)
  glob           skips a file whose name holds `*`, `?`, `[` or `]`, as a shell loop whose
                 pattern matched nothing would
  stop-at-hash   stops reading the manifest at the first name with a `#` in it
  crlf-if-bom    turns CRLF into LF before hashing, but only in a file that starts with a BOM
                 (the fixed suite already holds this one: line-endings/bom-kept-lf-to-crlf)

An empty manifest, an absolute name and a name with a `..` part are refused in every mode.
"""
import hashlib
import os
import stat
import sys

BOM = b"\xef\xbb\xbf"
EMPTY = hashlib.sha256(b"").hexdigest()


def unescape(name):
    out, i = [], 0
    while i < len(name):
        c = name[i]
        if c == "\\" and i + 1 < len(name):
            nxt = name[i + 1]
            out.append({"n": "\n", "r": "\r", "\\": "\\"}.get(nxt, "\\" + nxt))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def entries(sums):
    with open(sums, "rb") as f:
        text = f.read().decode("utf-8", "surrogateescape")
    for line in text.split("\n"):
        if not line:
            continue
        escaped = line.startswith("\\")
        if escaped:
            line = line[1:]
        if len(line) < 67 or line[64:66] not in ("  ", " *"):
            raise ValueError("a line that is not <hex>  <name>")
        digest, name = line[:64], line[66:]
        name = unescape(name) if escaped else name
        if name.startswith("/") or ".." in name.split("/"):
            raise ValueError("a name outside the folder")
        yield digest, name


def digest_of(name, mode):
    st = os.lstat(name.encode("utf-8", "surrogateescape"))
    if not stat.S_ISREG(st.st_mode):
        return None
    with open(name.encode("utf-8", "surrogateescape"), "rb") as f:
        data = f.read()
    if mode == "crlf-if-bom" and data.startswith(BOM):
        data = data.replace(b"\r\n", b"\n")
    return hashlib.sha256(data).hexdigest()


def main():
    mode, sums = sys.argv[1], sys.argv[2]
    bad = 0
    try:
        listed = list(entries(sums))
    except (OSError, ValueError):
        print("weak_sums: the manifest cannot be read", file=sys.stderr)
        return 1
    if not listed:
        print("weak_sums: the manifest lists nothing", file=sys.stderr)
        return 1
    for digest, name in listed:
        if mode == "stop-at-hash" and "#" in name:
            break
        if mode == "two-spaces" and "  " in name:
            continue
        if mode == "skip-empty" and digest == EMPTY:
            continue
        if mode == "leading-dash" and any(p.startswith("-") for p in name.split("/")):
            continue
        if mode == "glob" and any(c in name for c in "*?[]"):
            continue
        try:
            got = digest_of(name, mode)
        except OSError:
            got = None
        if got != digest:
            bad += 1
    print(f"weak_sums: {len(listed)} lines, {bad} did not check")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
