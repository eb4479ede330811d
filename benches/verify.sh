#!/usr/bin/env bash
# Benchmark of `sealprobe verify` (SPEC section 9), side by side with peers, in one run:
#   - one 2 GiB file, and 20,000 files totalling 1 GiB;
#   - `sealprobe verify`, `sha256sum -c` and `rhash -c` (when installed) on the same trees;
#   - `openssl speed -evp sha256` at 16 KiB blocks: the per-core SHA-NI ceiling.
# Trees are built once under $BENCH_DIR (default /tmp/sealprobe-bench) and reused.
# Files are read from the page cache (each tree is read once before timing), so the figures
# measure hashing and I/O overhead, not the disk.
#
# Usage: bash benches/verify.sh            (RUNS=3 by default; best run is reported)
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_DIR=${BENCH_DIR:-/tmp/sealprobe-bench}
RUNS=${RUNS:-3}
BIN=target/release/sealprobe
cargo build --release --quiet

mkdir -p "$BENCH_DIR"
single="$BENCH_DIR/single"
many="$BENCH_DIR/many"

if [ ! -f "$single/big.bin" ]; then
    echo "building $single (one 2 GiB file)"
    mkdir -p "$single"
    head -c $((2 * 1024 * 1024 * 1024)) /dev/urandom > "$single/big.bin.tmp"
    mv "$single/big.bin.tmp" "$single/big.bin"
fi
if [ ! -f "$many/.done" ]; then
    echo "building $many (20,000 files, 1 GiB)"
    rm -rf "$many"; mkdir -p "$many"
    # 20,000 files of 53,687 bytes (= 1 GiB), in 100 folders, cut from one random stream.
    head -c $((20000 * 53687)) /dev/urandom | split -b 53687 -a 5 -d - "$many/f"
    for d in $(seq -w 0 99); do mkdir -p "$many/d$d"; done
    i=0
    for f in "$many"/f*; do
        mv "$f" "$many/d$(printf '%02d' $((i % 100)))/"
        i=$((i + 1))
    done
    touch "$many/.done"
fi

for tree in single many; do
    dir="$BENCH_DIR/$tree"
    if [ ! -f "$BENCH_DIR/$tree.seal.json" ]; then
        if [ "$tree" = single ]; then
            "$BIN" seal --root "$dir" --out "$BENCH_DIR/$tree.seal.json" big.bin
        else
            (cd "$dir" && ls -d d* | xargs "$OLDPWD/$BIN" seal --root . --out "$BENCH_DIR/$tree.seal.json")
        fi
        (cd "$dir" && find . -type f ! -name .done -printf '%P\n' | sort | xargs -d '\n' sha256sum) > "$BENCH_DIR/$tree.sha256sums"
    fi
    cat "$dir"/* "$dir"/*/* > /dev/null 2>&1 || true   # warm the page cache
done

now() { date +%s.%N; }
best() { # best wall time of RUNS runs of "$@"
    local b="" s e t
    for _ in $(seq "$RUNS"); do
        s=$(now); "$@" > /dev/null; e=$(now)
        t=$(echo "$e - $s" | bc -l)
        if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
    done
    echo "$b"
}

bytes_single=$(stat -c %s "$single/big.bin")
bytes_many=$((20000 * 53687))
cores=$(nproc)

# openssl per-core ceiling: bytes/s at 16 KiB blocks, single thread.
openssl_rate=$(openssl speed -evp sha256 -bytes 16384 -seconds 3 2>/dev/null \
    | awk '/^sha256/ || /^SHA256/ {v=$NF; sub(/k$/, "", v); print v * 1000}' | tail -1)

printf '\nmachine: %s cores, %s\n' "$cores" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
printf 'openssl speed -evp sha256 (16 KiB blocks, 1 core): %.2f GB/s\n\n' "$(echo "$openssl_rate / 1000000000" | bc -l)"
printf '%-8s %-28s %9s %9s %16s\n' tree tool seconds "GB/s" "% of 1-core"

report() { # tree tool seconds bytes
    local rate pct
    rate=$(echo "$4 / $3" | bc -l)
    pct=$(echo "100 * $rate / $openssl_rate" | bc -l)
    printf '%-8s %-28s %9.3f %9.3f %15.0f%%\n' "$1" "$2" "$3" "$(echo "$rate / 1000000000" | bc -l)" "$pct"
}

for tree in single many; do
    dir="$BENCH_DIR/$tree"
    b=$bytes_single; [ "$tree" = many ] && b=$bytes_many
    t=$(best "$BIN" verify --root "$dir" "$BENCH_DIR/$tree.seal.json")
    report "$tree" "sealprobe verify" "$t" "$b"
    t=$(best env RAYON_NUM_THREADS=1 "$BIN" verify --root "$dir" "$BENCH_DIR/$tree.seal.json")
    report "$tree" "sealprobe verify (1 thread)" "$t" "$b"
    t=$(best bash -c "cd '$dir' && sha256sum --quiet -c '$BENCH_DIR/$tree.sha256sums'")
    report "$tree" "sha256sum -c" "$t" "$b"
    if command -v rhash > /dev/null; then
        t=$(best bash -c "cd '$dir' && rhash --sha256 -c --skip-ok '$BENCH_DIR/$tree.sha256sums'")
        report "$tree" "rhash -c" "$t" "$b"
    fi
done
echo
for tree in single many; do
    rss=$(/usr/bin/time -f %M "$BIN" verify --root "$BENCH_DIR/$tree" "$BENCH_DIR/$tree.seal.json" 2>&1 >/dev/null | tail -1)
    echo "max RSS of sealprobe verify on $tree: $rss KiB"
done
echo
echo "targets: single file >= 90% of the 1-core ceiling; many files >= 160% (>= 1.6x one core)"
