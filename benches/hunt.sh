#!/usr/bin/env bash
# Benchmark of `sealprobe hunt` against the gate on the same checker (SPEC 7.9, issue #26
# acceptance 4): validator runs per second of a hunt, beside the gate's own rate on the same
# command validator. Target: the hunt reaches at least half the gate's rate (spawning the
# checker is the floor of both; the hunt also draws, drafts and shrinks).
#
#   bash benches/hunt.sh                         # sha256sum -c {sums}, RUNS=3 of each
#   VALIDATOR='busybox sha256sum -c {sums}' bash benches/hunt.sh
#
# The gate's rate: the runs its JSON report lists as put to the checker (not `not-applicable`),
# over the gate's own elapsed time (summary.ms; the sentinel controls and the drawing of the
# suite are outside it). The hunt's: the validator runs it prints over its elapsed time (the
# drawing of its pools is outside it), for HUNT_RUNS recipes of seed 0.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
HUNT_RUNS=${HUNT_RUNS:-2000}
VALIDATOR=${VALIDATOR:-'sha256sum -c {sums}'}
BIN=target/release/sealprobe
cargo build --release --quiet

echo "machine: $(nproc) cores, $(uname -sr); validator: $VALIDATOR"
gate_rates=()
hunt_rates=()
for i in $(seq "$RUNS"); do
    json=$(mktemp)
    "$BIN" gate --validator "$VALIDATOR" --json "$json" >/dev/null 2>&1 || true
    rate=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
ran = sum(1 for c in d["cases"] if c["outcome"] != "not-applicable")
ms = d["summary"]["ms"]
print(ran, ms, "%.1f" % (ran / (ms / 1000)))' "$json")
    rm -f "$json"
    read -r ran ms g <<<"$rate"
    line=$("$BIN" hunt --validator "$VALIDATOR" --runs "$HUNT_RUNS" --seed 0 2>/dev/null | grep 'validator runs in' || true)
    h=$(sed -n 's/.*(\([0-9.]*\) runs\/s).*/\1/p' <<<"$line")
    echo "run $i: gate $ran runs in $ms ms = $g runs/s; hunt $line"
    gate_rates+=("$g")
    hunt_rates+=("$h")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
g=$(median "${gate_rates[@]}")
h=$(median "${hunt_rates[@]}")
echo "median over $RUNS runs: gate $g runs/s, hunt $h runs/s, hunt/gate $(awk "BEGIN {printf \"%.2f\", $h / $g}")"
