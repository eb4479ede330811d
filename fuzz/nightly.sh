#!/usr/bin/env bash
# Nightly fuzzing of every target in fuzz/fuzz_targets/ (SPEC 8).
#
#   bash fuzz/nightly.sh            # FUZZ_SECONDS per target (default 300)
#   bash fuzz/nightly.sh --smoke    # 20 seconds per target (CI)
#   bash fuzz/nightly.sh strict_json seal_load    # only these targets
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`).
#
# For each target: fuzz for the budget, starting from the seeds in corpus/<target>/ and the
# working corpus fuzz/corpus/<target>/ (new inputs go there; it is gitignored). Then:
#   - every crash (crash-, leak-, timeout-, oom- artifact) is minimized with `cargo fuzz tmin`
#     and the minimized input is copied into corpus/<target>/, where `cargo test` replays it;
#   - the working corpus is merged into corpus/<target>/ with -merge=1: only inputs that add
#     coverage are kept, existing seeds are never removed.
# Then a table (target, execs, exec/s, cov, corpus files, crashes) is printed and written to
# fuzz/summary.txt. Exit status 1 when any target crashed or could not run.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
FUZZ="$ROOT/fuzz"

budget=${FUZZ_SECONDS:-300}
targets=()
for arg in "$@"; do
    case "$arg" in
        --smoke) budget=20 ;;
        -h | --help)
            sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        -*)
            echo "nightly.sh: unknown option $arg" >&2
            exit 2
            ;;
        *) targets+=("$arg") ;;
    esac
done
case "$budget" in
    '' | *[!0-9]*)
        echo "nightly.sh: FUZZ_SECONDS must be a whole number of seconds" >&2
        exit 2
        ;;
esac

CARGO=(cargo +nightly fuzz)
if ((${#targets[@]} == 0)); then
    mapfile -t targets < <("${CARGO[@]}" list)
fi

# Targets that read JSON get the JSON dictionary; token_parse gets the grant token pieces.
dict_for() {
    case "$1" in
        strict_json | seal_load | decide) echo "-dict=$FUZZ/dictionaries/json.dict" ;;
        token_parse) echo "-dict=$FUZZ/dictionaries/token.dict" ;;
    esac
}

echo "== building fuzz targets"
"${CARGO[@]}" build

logs="$FUZZ/target/nightly"
mkdir -p "$logs"
rows=()
failed=0

for t in "${targets[@]}"; do
    seeds="$ROOT/corpus/$t"
    work="$FUZZ/corpus/$t"
    artifacts="$FUZZ/artifacts/$t"
    mkdir -p "$seeds" "$work" "$artifacts"
    log="$logs/$t.log"
    marker="$logs/$t.start"
    touch "$marker"
    sleep 1 # artifacts of this run are strictly newer than the marker

    echo "== fuzzing $t for ${budget}s"
    dict=$(dict_for "$t")
    status=0
    # shellcheck disable=SC2086 # $dict is empty or one word
    "${CARGO[@]}" run "$t" "$work" "$seeds" -- \
        -max_total_time="$budget" -timeout=20 -print_final_stats=1 $dict \
        >"$log" 2>&1 || status=$?

    mapfile -t crashes < <(find "$artifacts" -maxdepth 1 -type f \
        \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) \
        -newer "$marker" | sort)
    if ((status != 0 && ${#crashes[@]} == 0)); then
        echo "   $t: libFuzzer exited with status $status and left no artifact; see $log"
        tail -n 20 "$log"
        failed=1
    fi

    for c in "${crashes[@]}"; do
        echo "   $t: crash $(basename "$c"); minimizing"
        tmin_marker="$logs/$t.tmin"
        touch "$tmin_marker"
        sleep 1
        "${CARGO[@]}" tmin --runs 2000 "$t" "$c" >"$logs/$t.tmin.log" 2>&1 || true
        # tmin names its result in its last "Reproduce with" line; the smallest new file otherwise.
        minimized=$(grep -o "$artifacts/minimized-from-[0-9a-f]*\|fuzz/artifacts/$t/minimized-from-[0-9a-f]*" \
            "$logs/$t.tmin.log" | tail -n 1 || true)
        if [[ -n "$minimized" && "$minimized" != /* ]]; then
            minimized="$ROOT/$minimized"
        fi
        if [[ -z "$minimized" || ! -f "$minimized" ]]; then
            minimized=$(find "$artifacts" -maxdepth 1 -type f -name 'minimized-from-*' \
                -newer "$tmin_marker" -printf '%s %p\n' | sort -n | head -n 1 | cut -d' ' -f2-)
        fi
        input=${minimized:-$c}
        sum=$(sha1sum "$input" | cut -c1-16)
        cp "$input" "$seeds/crash-$sum"
        echo "   $t: kept corpus/$t/crash-$sum ($(wc -c <"$input") bytes); replay with" \
            "cargo test --test corpus_replay"
        failed=1
    done

    echo "== merging new coverage of $t into corpus/$t/"
    # shellcheck disable=SC2086
    "${CARGO[@]}" run "$t" "$seeds" "$work" -- -merge=1 -timeout=20 $dict \
        >"$logs/$t.merge.log" 2>&1 || {
        echo "   $t: merge failed; see $logs/$t.merge.log"
        failed=1
    }

    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2 || true)
    corpus=$(find "$seeds" -maxdepth 1 -type f | wc -l)
    rows+=("$t|${execs:-?}|${rate:-?}|${cov:-?}|$corpus|${#crashes[@]}")
done

summary="$FUZZ/summary.txt"
{
    printf 'fuzz run: %s, %ss per target, %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$budget" \
        "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo 'no git')"
    printf '%-14s %12s %8s %8s %8s %8s\n' target execs exec/s cov corpus crashes
    for r in "${rows[@]}"; do
        IFS='|' read -r t execs rate cov corpus crashes <<<"$r"
        printf '%-14s %12s %8s %8s %8s %8s\n' "$t" "$execs" "$rate" "$cov" "$corpus" "$crashes"
    done
    if ((failed)); then
        echo "FAILED: a target crashed or could not run (logs in fuzz/target/nightly/)"
    else
        echo "ok: no crash"
    fi
} | tee "$summary"

exit "$failed"
