#!/usr/bin/env bash
# Seal size and verify memory (issue #23, point 5): `seal` and `verify` share one limit,
# SEAL_SIZE_LIMIT (256 MiB). This bench makes a tree of 600,000 small source files with paths of
# 50 bytes (`pkg-123-1.0.0/src/module_07/source_file_123456.rs`, about the 43 to 50 bytes of real
# trees), then:
#
#   1. seals all of it: over the limit, so `seal` must refuse (exit 1) and write nothing;
#   2. seals the first 578 packages (578,000 files): a seal just under the limit;
#   3. verifies that maximal seal with verify's defaults (no --max-seal-bytes), unkeyed and
#      keyed, and against an empty root (every artifact missing, JSON report);
#   4. seals and verifies 90 packages (90,000 files, the size of a Linux kernel tree).
#
# Each step is timed with /usr/bin/time -v (wall time and max RSS). The tree is made once under
# $DIR (default /dev/shm/sealprobe-seal-size-bench: 2.3 GiB of tmpfs, about 4 KiB a file) and
# kept for the next run; remove it afterwards.
#
# Usage: bash benches/seal_size.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${DIR:-/dev/shm/sealprobe-seal-size-bench}
BIN=$PWD/target/release/sealprobe
cargo build --release --quiet
mkdir -p "$DIR"
cd "$DIR"

if [ ! -e tree.done ]; then
    rm -rf tree
    python3 - <<'EOF'
import os
n = 0
for a in range(600):
    for b in range(10):
        d = f"tree/pkg-{a:03d}-1.0.0/src/module_{b:02d}"
        os.makedirs(d)
        for c in range(100):
            with open(f"{d}/source_file_{n:06d}.rs", "w") as f:
                f.write(f"// file {n}\nfn f{n}() -> u64 {{ {n} }}\n")
            n += 1
EOF
    touch tree.done
fi

packages() { for a in $(seq 0 $(($1 - 1))); do printf 'pkg-%03d-1.0.0 ' "$a"; done; }

# Runs "$@" under /usr/bin/time -v; prints the label, exit status, wall time and max RSS.
timed() {
    local label=$1
    shift
    local status=0
    /usr/bin/time -v "$@" > out.txt 2> time.txt || status=$?
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' time.txt)
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' time.txt)
    printf '%-34s exit %d  %8s wall  max RSS %8s KiB\n' "$label" "$status" "$wall" "$rss"
}

echo "machine: $(nproc) cores, $(uname -sr)"
rm -f all.seal.json
timed "seal 600,000 files (over)" "$BIN" seal --root tree --out all.seal.json .
grep -m1 'refusing' time.txt || true
if [ -e all.seal.json ]; then echo "FAIL: a seal over the limit was written"; exit 1; fi

# shellcheck disable=SC2046
timed "seal 578,000 files" "$BIN" seal --root tree --out max.seal.json $(packages 578)
echo "max.seal.json: $(stat -c %s max.seal.json) bytes, $(grep -c '"path"' max.seal.json) artifacts"
timed "verify 578,000 (defaults)" "$BIN" verify --root tree max.seal.json
tail -1 out.txt

head -c 32 /dev/urandom > key
chmod 600 key
# shellcheck disable=SC2046
"$BIN" seal --root tree --key-file key --out maxk.seal.json $(packages 578)
timed "verify 578,000 keyed" "$BIN" verify --root tree --key-file key maxk.seal.json
tail -1 out.txt
mkdir -p empty
timed "verify 578,000, all missing, json" "$BIN" verify --root empty --format json max.seal.json

# shellcheck disable=SC2046
"$BIN" seal --root tree --out k90.seal.json $(packages 90)
echo "k90.seal.json: $(stat -c %s k90.seal.json) bytes"
timed "verify 90,000 (defaults)" "$BIN" verify --root tree k90.seal.json
tail -1 out.txt
