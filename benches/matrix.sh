#!/usr/bin/env bash
# The compatibility matrix (issue #25, SPEC 7.8): real checkers nobody here wrote, each paired
# with the record format it reads, against the whole probe suite in one gate run, beside the
# built-in validator and sealprobe's own strict readers (`verify --sums`, `--bsd`, `--hashdeep`,
# `--mtree`, `--bag`) run as commands. Installs the checkers it lacks from Debian (busybox, perl,
# rhash, hashdeep, mtree-netbsd) and PyPI (bagit),
# builds uutils' sha256sum 0.12.0 with cargo into target/uutils, prints every checker's version,
# and writes the matrix as OUT/matrix.md, OUT/matrix.html and OUT/matrix.json (default OUT:
# target/matrix).
#
# A checker is paired only with formats it claims to read: busybox `sha256sum -c` reads no BSD
# tag (it refuses the honest tags, checked by hand), so it has no `{bsd}` column.
#
# Exit status: 0 when the matrix was written and every checker accepted every control of its
# format, except the checker bugs listed in KNOWN_CONTROL_BUGS below (each one reproduced by hand
# and explained in the README); 1 when a control was refused that is not listed, which is a
# broken adapter or a new bug, and must be looked at before the matrix means anything.
#
# Usage: bash benches/matrix.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/matrix}

sudo_or() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v busybox >/dev/null || missing+=(busybox)
command -v shasum >/dev/null || missing+=(perl)
command -v rhash >/dev/null || missing+=(rhash)
command -v hashdeep >/dev/null || missing+=(hashdeep)
command -v mtree >/dev/null || missing+=(mtree-netbsd)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing Debian's ${missing[*]}"
    sudo_or apt-get update -qq
    DEBIAN_FRONTEND=noninteractive sudo_or apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# bagit.py from PyPI (the Library of Congress's BagIt validator).
if ! command -v bagit.py >/dev/null; then
    echo "installing bagit 1.9.0 from PyPI"
    python3 -m pip install --quiet bagit==1.9.0 \
        || python3 -m pip install --quiet --break-system-packages bagit==1.9.0
    if command -v pyenv >/dev/null; then pyenv rehash; fi
fi

# uutils coreutils' sha256sum, built from crates.io into target/uutils (never on PATH, where it
# would stand in for GNU's).
uutils=target/uutils/bin/sha256sum
if [ ! -x "$uutils" ]; then
    echo "building uutils sha256sum 0.12.0 (cargo install uu_sha256sum)"
    cargo install uu_sha256sum --version 0.12.0 --locked --quiet --root target/uutils
fi

validators=(
    builtin
    'sha256sum -c {sums}'
    'sha256sum -c --strict {sums}'
    'sha256sum -c {bsd}'
    'sha256sum -c --strict {bsd}'
    'busybox sha256sum -c {sums}'
    'shasum -a 256 -c {sums}'
    'shasum -a 256 -c {bsd}'
    'rhash -c {sums}'
    'rhash -c {bsd}'
    "$uutils -c {sums}"
    "$uutils -c {bsd}"
    'hashdeep -c sha256 -r -l -a -k {hashdeep} .'
    'mtree -f {mtree} -p .'
    'bagit.py --validate {bag}'
    'bagit.py --validate --fast {bag}'
    'target/release/sealprobe verify --sums {sums}'
    'target/release/sealprobe verify --bsd {bsd}'
    'target/release/sealprobe verify --hashdeep {hashdeep}'
    'target/release/sealprobe verify --mtree {mtree}'
    'target/release/sealprobe verify --bag {bag}'
)
# Controls a checker refuses because of a bug of its own: "<validator>|<case id>" per line, each
# reproduced by hand and explained in the README ("The compatibility matrix").
# - hashdeep 4.4 cuts a known-file line at 2,047 characters: an honest file at a path of 1,980
#   bytes or more is read back under a shorter name, counts as moved, and the audit fails.
# - hashdeep -r opens every file it walks, a FIFO too, and waits on it forever.
# - bagit.py 1.9.0 decodes only %0A and %0D in a manifest path, not %25 (RFC 8493 2.1.3): the
#   honest bag of a name holding % lists a file it cannot find.
# - GNU, busybox, perl shasum and uutils `sha256sum -c` read standard input for a listed `-`
#   (in both formats), so the honest tree with a file named `-` is refused (found by the hunt).
# - rhash reads a listed name of one space as no name and `*` as a pattern; bagit.py strips the
#   space from a manifest line; NetBSD mtree matches a name holding `*` as a pattern, escaped or
#   not. Each refuses the record it writes itself for such a tree (found by the hunt).
# - hashdeep's audit takes its list for the whole tree: a file the list does not name fails it,
#   outside every complete folder too (found by the hunt).
KNOWN_CONTROL_BUGS="
hashdeep -c sha256 -r -l -a -k {hashdeep} .|filesystem/control-unsealed-file-outside-complete-folders
sha256sum -c {sums}|filesystem/control-file-named-dash
sha256sum -c --strict {sums}|filesystem/control-file-named-dash
sha256sum -c {bsd}|filesystem/control-file-named-dash
sha256sum -c --strict {bsd}|filesystem/control-file-named-dash
busybox sha256sum -c {sums}|filesystem/control-file-named-dash
shasum -a 256 -c {sums}|filesystem/control-file-named-dash
shasum -a 256 -c {bsd}|filesystem/control-file-named-dash
target/uutils/bin/sha256sum -c {sums}|filesystem/control-file-named-dash
target/uutils/bin/sha256sum -c {bsd}|filesystem/control-file-named-dash
rhash -c {sums}|filesystem/control-file-named-space
rhash -c {sums}|filesystem/control-file-named-star
rhash -c {bsd}|filesystem/control-file-named-space
rhash -c {bsd}|filesystem/control-file-named-star
bagit.py --validate {bag}|filesystem/control-file-named-space
mtree -f {mtree} -p .|filesystem/control-file-named-star
hashdeep -c sha256 -r -l -a -k {hashdeep} .|resource/control-long-total-path
hashdeep -c sha256 -r -l -a -k {hashdeep} .|resource/control-long-path-in-complete-folder
hashdeep -c sha256 -r -l -a -k {hashdeep} .|filesystem/control-extras-outside-complete-folders
bagit.py --validate {bag}|seal-tamper/control-bag-names-with-percent
"

echo "versions:"
echo "  $(sha256sum --version | head -1)"
echo "  $(busybox 2>&1 | head -1)"
echo "  perl shasum $(shasum --version 2>&1 | head -1)"
echo "  $(rhash --version | head -1)"
echo "  $("$uutils" --version | head -1)"
echo "  $(hashdeep -V 2>&1 | head -1 | sed 's/^/hashdeep /')"
# NetBSD mtree prints no version of its own: the Debian package's is the one that counts.
echo "  bagit.py $(python3 -c 'import bagit; print(bagit.VERSION)' 2>/dev/null || echo '?')"
echo "  NetBSD mtree (Debian mtree-netbsd $(dpkg-query -W -f '${Version}' mtree-netbsd 2>/dev/null || echo '?'))"
cargo build --release --quiet
echo "  $(target/release/sealprobe --version)"

mkdir -p "$out"
args=()
for v in "${validators[@]}"; do args+=(--validator "$v"); done
status=0
target/release/sealprobe gate "${args[@]}" --timeout 10 \
    --json "$out/matrix.json" --markdown "$out/matrix.md" --html "$out/matrix.html" \
    > "$out/gate.txt" 2>&1 || status=$?
# The gate fails whenever a checker fails open, which is what a matrix is for; it must not have
# stopped for another reason (a usage error is 2, a signal 130 or 143).
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
    echo "the gate stopped with exit $status:"; tail -20 "$out/gate.txt"; exit 1
fi
sed -n '/^family /,/^total /p' "$out/gate.txt"
echo "wrote $out/matrix.md, $out/matrix.html, $out/matrix.json"

KNOWN="$KNOWN_CONTROL_BUGS" python3 - "$out/matrix.json" <<'PY'
import json, os, sys
report = json.load(open(sys.argv[1]))
known = {line.strip() for line in os.environ["KNOWN"].splitlines() if line.strip()}
refused = [
    f"{c['validator']}|{c['id']}"
    for c in report["cases"]
    # A control that leaks was accepted (the checker printed a token-shaped name): that is a
    # weakness the matrix shows, not a refusal.
    if c["expect"] == "pass" and c["outcome"] in ("control-failed", "crash", "timeout")
]
new = [r for r in refused if r not in known]
for r in new:
    print(f"a control was refused and is not a known checker bug: {r}")
stale = [k for k in known if k not in refused]
for k in stale:
    print(f"a listed checker bug no longer shows: {k}")
sys.exit(1 if new or stale else 0)
PY
