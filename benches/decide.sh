#!/usr/bin/env bash
# Benchmark of `sealprobe decide` on huge packets (issue #23, point 4: decide is linear in the
# packet). Generates, once, under $BENCH_DIR (default /tmp/sealprobe-decide-bench):
#   - blockers.json: 200,000 blockers, all CLOSED, all required by the selected option (9 MB);
#   - selected.json: 100,000 `selected` entries against 100,000 options;
# then times `sealprobe decide` on each (best of RUNS, default 3) with its max RSS.
# Target: each under 1 s on 2 cores. Before issue #23: 246 s and 14.7 s.
#
# Usage: bash benches/decide.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR=${BENCH_DIR:-/tmp/sealprobe-decide-bench}
RUNS=${RUNS:-3}
BIN=$PWD/target/release/sealprobe
cargo build --release --quiet
mkdir -p "$BENCH_DIR"
python3 - "$BENCH_DIR" <<'PY'
import json, os, sys
out = sys.argv[1]
def write(name, packet):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        with open(path, "w") as f:
            json.dump(packet, f, separators=(",", ":"), sort_keys=True)
n = 200_000
ids = [f"B-{i:06d}" for i in range(n)]
write("blockers.json", {
    "blockers": [{"id": b, "status": "CLOSED"} for b in ids],
    "default": "HOLD",
    "format": "sealprobe-decision/1",
    "options": [{"id": "HOLD", "requires_closed": [], "requires_grants": []},
                {"id": "GO", "requires_closed": ids, "requires_grants": []}],
    "packet": "BENCH-BLOCKERS",
    "selected": ["GO"],
})
m = 100_000
opts = [f"O-{i:06d}" for i in range(m)]
write("selected.json", {
    "blockers": [],
    "default": "HOLD",
    "format": "sealprobe-decision/1",
    "options": [{"id": "HOLD", "requires_closed": [], "requires_grants": []}] +
               [{"id": o, "requires_closed": [], "requires_grants": []} for o in opts],
    "packet": "BENCH-SELECTED",
    "selected": opts,
})
PY
echo "machine: $(nproc) cores, $(uname -sr)"
echo "sealprobe $(git rev-parse --short HEAD)"
for p in blockers selected; do
    f="$BENCH_DIR/$p.json"
    best=""
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f '%e %M' -o "$BENCH_DIR/time" "$BIN" decide "$f" > /dev/null || true
        read -r wall rss < <(tail -n 1 "$BENCH_DIR/time")
        if [ -z "$best" ] || awk -v t="$wall" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$wall; brss=$rss; fi
    done
    printf '%-14s %10d bytes  best %5.2f s  max RSS %6d KiB\n' "$p.json" "$(stat -c %s "$f")" "$best" "$brss"
done
