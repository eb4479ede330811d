#!/usr/bin/env python3
"""A validator with one flaw each, for the gate's own tests (issue #10, acceptance 2).

    broken.py MODE ROOT SEAL

It reads a sealprobe-seal/1 seal the lenient way (Python's json module) and checks every
artifact's length and SHA-256 under ROOT. Exit 0 when it believes the tree is intact, 1 when
not. MODE picks the one thing it gets wrong:

  honest           no extra flaw (still lenient: no canonical check, no complete folders)
  skip-missing     a sealed file that is missing is skipped instead of failing
  prefix           hashes only the sealed length of a file, so bytes appended are not seen
  follow-symlinks  opens paths normally, so a symlink to the right bytes passes
  echo             prints the artifact's content in its error message
  hang             never answers
  crash            aborts (a signal) whatever the case
"""
import hashlib
import json
import os
import sys
import time


def main():
    mode, root, seal = sys.argv[1], sys.argv[2], sys.argv[3]
    if mode == "hang":
        time.sleep(3600)
    if mode == "crash":
        os.abort()
    try:
        with open(seal, "rb") as f:
            doc = json.load(f)
        artifacts = doc["artifacts"]
    except Exception:
        print("seal: not a seal", file=sys.stderr)
        return 1
    bad = 0
    for a in artifacts:
        try:
            path = os.path.join(root, a["path"])
            size = int(a["bytes"])
            want = a["sha256"]
        except Exception:
            print("seal: bad entry", file=sys.stderr)
            return 1
        if not os.path.lexists(path):
            if mode == "skip-missing":
                continue
            print("missing: %s" % a["path"], file=sys.stderr)
            bad += 1
            continue
        if mode != "follow-symlinks" and (os.path.islink(path) or not os.path.isfile(path)):
            print("not a regular file: %s" % a["path"], file=sys.stderr)
            bad += 1
            continue
        try:
            with open(path, "rb") as f:
                data = f.read(size) if mode == "prefix" else f.read(size + 1)
        except Exception:
            print("unreadable: %s" % a["path"], file=sys.stderr)
            bad += 1
            continue
        if len(data) != size or hashlib.sha256(data).hexdigest() != want:
            if mode == "echo":
                print("%s differs: %r" % (a["path"], data[:4096]), file=sys.stderr)
            else:
                print("drift: %s" % a["path"], file=sys.stderr)
            bad += 1
    return 1 if bad else 0


sys.exit(main())
