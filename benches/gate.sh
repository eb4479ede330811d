#!/usr/bin/env bash
# Benchmark of `sealprobe gate` (SPEC section 9, issue #9 acceptance 4): the whole probe suite
# against the built-in validator, as the README's main command runs it (release build, every
# core). Target: under 10 s on 2 cores.
#
# Reports, for RUNS runs (default 3), the wall time of each, the best and the median, the
# case count and the case-set digest (the same in every run: the suite is deterministic per
# seed), the gate's own elapsed time, and the max RSS of the best run.
#
# Usage: bash benches/gate.sh            (JOBS=<n> to pin --jobs; default: all cores)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
BIN=target/release/sealprobe
cargo build --release --quiet
jobs_arg=()
if [ -n "${JOBS:-}" ]; then jobs_arg=(--jobs "$JOBS"); fi

echo "machine: $(nproc) cores, $(uname -sr)"
echo "command: $BIN gate ${jobs_arg[*]}"
times=()
best=""
for i in $(seq "$RUNS"); do
    out=$(mktemp)
    /usr/bin/time -f '%e %M' -o "$out.time" "$BIN" gate "${jobs_arg[@]}" > "$out" 2>&1 || {
        echo "run $i: the gate failed"; tail -20 "$out"; exit 1; }
    read -r wall rss < "$out.time"
    set_line=$(grep '^case set ' "$out")
    echo "run $i: ${wall} s wall, max RSS ${rss} KiB; $set_line"
    times+=("$wall")
    if [ -z "$best" ] || awk "BEGIN {exit !($wall < $best)}"; then best=$wall; best_rss=$rss; fi
    tail -1 "$out"
    rm -f "$out" "$out.time"
done
median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "best ${best} s, median ${median} s over $RUNS runs (max RSS of the best run: ${best_rss} KiB)"
