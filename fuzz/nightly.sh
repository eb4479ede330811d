#!/usr/bin/env bash
# Nightly fuzzing of every target in fuzz/fuzz_targets/ (SPEC 8, FUZZING.md).
#
#   bash fuzz/nightly.sh                              # FUZZ_SECONDS per target (default 300)
#   bash fuzz/nightly.sh --seconds-per-target 600     # the budget per target, in seconds
#   bash fuzz/nightly.sh --smoke                      # 20 seconds per target (CI)
#   bash fuzz/nightly.sh --seed-from-probes           # first add the probe cases to the corpora
#   bash fuzz/nightly.sh --sanitizer address          # build with ASan (default: none)
#   bash fuzz/nightly.sh strict_json seal_load        # only these targets
#   bash fuzz/nightly.sh --hunt 'sha256sum -c {sums}' # hunt a validator instead (SPEC 7.9)
#       [--hunt-seed N] [--hunt-out DIR]              # its seed (default 0), findings folder
#
# With --hunt, no target is fuzzed: `sealprobe hunt` searches the validator for the budget
# (--seconds-per-target) with the seed --hunt-seed (give each machine or CI job its own, to
# split a long hunt) and appends what it finds to DIR/hunt.toml (default fuzz/hunt/; commit it,
# so that what was found once is known the next night). The job fails on a new finding, on a
# hunt that proves nothing (the validator met no recipe or no control) and on a usage error;
# findings already in DIR/hunt.toml are reported and do not fail it.
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`).
#
# For each target: fuzz for the budget, starting from the seeds in corpus/<target>/ and the
# working corpus fuzz/corpus/<target>/ (new inputs go there; it is gitignored), with the
# target's dictionary fuzz/dictionaries/<target>.dict and the libFuzzer options of
# fuzz/options/<target>.options when there is one (the files ClusterFuzzLite reads too). Then:
#   - every crash (crash-, leak-, timeout-, oom- artifact) is minimized with `cargo fuzz tmin`
#     and the minimized input is copied into corpus/<target>/, where `cargo test` replays it;
#   - the working corpus is merged into corpus/<target>/ with -set_cover_merge=1: the fewest of
#     its inputs (up to 4 KiB each) that add coverage are kept, existing seeds are never removed.
# With --seed-from-probes, every probe case (`sealprobe probes emit`) first gives its seal (up to
# 4 KiB: larger inputs slow every execution down and bloat the committed corpus) to seal_load and
# strict_json, its packet to decide and strict_json, and every grant token in them to
# token_parse, in the working corpora (replacing the probe inputs of an earlier run): fuzzing
# starts where the probes end, and what adds coverage is merged into corpus/ like any new input.
# Then a table (target, execs, exec/s, cov, corpus files, crashes) is printed and written to
# fuzz/summary.txt (or $FUZZ_SUMMARY). Exit status 1 when any target crashed or could not run, 2 on a usage error.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
FUZZ="$ROOT/fuzz"

budget=${FUZZ_SECONDS:-300}
sanitizer=none
seed_from_probes=0
targets=()
hunt=
hunt_seed=0
hunt_out=
usage() {
    echo "nightly.sh: $1 (see bash fuzz/nightly.sh --help)" >&2
    exit 2
}
while (($# > 0)); do
    case "$1" in
        --smoke) budget=20 ;;
        --seconds-per-target)
            (($# >= 2)) || usage "--seconds-per-target needs a number of seconds"
            budget=$2
            shift
            ;;
        --seconds-per-target=*) budget=${1#*=} ;;
        --seed-from-probes) seed_from_probes=1 ;;
        --hunt)
            (($# >= 2)) || usage "--hunt needs a validator template"
            hunt=$2
            shift
            ;;
        --hunt-seed)
            (($# >= 2)) || usage "--hunt-seed needs a number"
            hunt_seed=$2
            shift
            ;;
        --hunt-out)
            (($# >= 2)) || usage "--hunt-out needs a folder"
            hunt_out=$2
            shift
            ;;
        --sanitizer)
            (($# >= 2)) || usage "--sanitizer needs a name (none, address)"
            sanitizer=$2
            shift
            ;;
        --sanitizer=*) sanitizer=${1#*=} ;;
        -h | --help)
            sed -n '2,38p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        -*) usage "unknown option $1" ;;
        *) targets+=("$1") ;;
    esac
    shift
done
case "$budget" in
    '' | *[!0-9]* | 0) usage "the budget per target must be a whole number of seconds, at least 1" ;;
esac
case "$sanitizer" in
    none | address | memory | thread | leak) ;;
    *) usage "unknown sanitizer $sanitizer" ;;
esac

case "$hunt_seed" in
    '' | *[!0-9]*) usage "--hunt-seed must be a whole number" ;;
esac

if [[ -n "$hunt" ]]; then
    out=${hunt_out:-$FUZZ/hunt}
    mkdir -p "$out"
    echo "== hunting '$hunt' for ${budget}s, seed $hunt_seed, findings in $out/hunt.toml"
    cargo build --release --quiet
    status=0
    "$ROOT/target/release/sealprobe" hunt --validator "$hunt" --seconds "$budget" \
        --seed "$hunt_seed" --out "$out" | tee "$FUZZ/hunt-summary.txt" || status=$?
    new=$(sed -n 's/^[0-9]* findings\{0,1\} (\([0-9]*\) new).*/\1/p' "$FUZZ/hunt-summary.txt")
    case "$status" in
        0) echo "ok: nothing found" ;;
        1)
            if [[ -n "$new" && "$new" != 0 ]]; then
                echo "FAILED: $new new finding(s), written to $out/hunt.toml"
                exit 1
            elif [[ -n "$new" ]]; then
                echo "ok: every finding was already in $out/hunt.toml"
                status=0
            else
                echo "FAILED: the hunt proves nothing or could not write its findings"
                exit 1
            fi
            ;;
        *) exit "$status" ;;
    esac
    exit 0
fi

CARGO=(cargo +nightly fuzz)
if ((${#targets[@]} == 0)); then
    mapfile -t targets < <("${CARGO[@]}" list)
fi

# libFuzzer flags of a target: its dictionary and the `key = value` lines of its options file
# (the [libfuzzer] section of an OSS-Fuzz .options file).
flags_for() {
    local t=$1
    if [[ -f "$FUZZ/dictionaries/$t.dict" ]]; then
        echo "-dict=$FUZZ/dictionaries/$t.dict"
    fi
    if [[ -f "$FUZZ/options/$t.options" ]]; then
        sed -n 's/^[[:space:]]*\([a-z_]*\)[[:space:]]*=[[:space:]]*\([^[:space:]]*\)[[:space:]]*$/-\1=\2/p' \
            "$FUZZ/options/$t.options"
    fi
}

# The probe cases' seals, packets and grant tokens, into the working corpora.
seed_from_probes() {
    local emitted
    emitted=$(mktemp -d)
    echo "== seeding the working corpora from the probe cases"
    cargo run --release --quiet -- probes emit --out "$emitted" >/dev/null
    local seals packets tokens=0
    mkdir -p "$FUZZ/corpus"/{seal_load,strict_json,decide,token_parse}
    rm -f "$FUZZ/corpus"/{seal_load,strict_json,decide,token_parse}/probe-*
    # copy_probe_files FILE_NAME TARGET...: every emitted FILE_NAME up to 4 KiB into each TARGET's
    # working corpus; prints how many.
    copy_probe_files() {
        local file=$1 n=0 f name t
        shift
        while IFS= read -r -d '' f; do
            name="probe-$(sha1sum "$f" | cut -c1-16)"
            for t in "$@"; do cp "$f" "$FUZZ/corpus/$t/$name"; done
            n=$((n + 1))
        done < <(find "$emitted" -name "$file" -type f -size -4097c -print0)
        echo "$n"
    }
    seals=$(copy_probe_files seal.json seal_load strict_json)
    packets=$(copy_probe_files packet.json decide strict_json)
    while IFS= read -r token; do
        name="probe-$(printf '%s' "$token" | sha1sum | cut -c1-16)"
        printf '%s' "$token" >"$FUZZ/corpus/token_parse/$name"
        tokens=$((tokens + 1))
    done < <(find "$emitted" \( -name packet.json -o -name seal.json \) -type f \
        -exec grep -ahoE 'spg1\.[A-Za-z0-9._-]+' {} + | sort -u)
    rm -rf "$emitted"
    echo "   $seals seals, $packets packets, $tokens distinct grant tokens"
}

if ((seed_from_probes)); then
    seed_from_probes
fi

echo "== building fuzz targets (sanitizer: $sanitizer)"
"${CARGO[@]}" build --sanitizer "$sanitizer"

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
    mapfile -t flags < <(flags_for "$t")
    status=0
    "${CARGO[@]}" run --sanitizer "$sanitizer" "$t" "$work" "$seeds" -- \
        -max_total_time="$budget" -timeout=20 -print_final_stats=1 "${flags[@]}" \
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
        "${CARGO[@]}" tmin --sanitizer "$sanitizer" --runs 2000 "$t" "$c" >"$logs/$t.tmin.log" 2>&1 || true
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
    # Only inputs up to 4 KiB are candidates: the committed corpus is replayed by every
    # `cargo test` and lives in git.
    candidates=$(mktemp -d)
    find "$work" -maxdepth 1 -type f -size -4097c -exec cp -t "$candidates" {} +
    "${CARGO[@]}" run --sanitizer "$sanitizer" "$t" "$seeds" "$candidates" -- \
        -set_cover_merge=1 -timeout=20 "${flags[@]}" >"$logs/$t.merge.log" 2>&1 || {
        echo "   $t: merge failed; see $logs/$t.merge.log"
        failed=1
    }
    rm -rf "$candidates"

    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2 || true)
    corpus=$(find "$seeds" -maxdepth 1 -type f | wc -l)
    rows+=("$t|${execs:-?}|${rate:-?}|${cov:-?}|$corpus|${#crashes[@]}")
done

summary=${FUZZ_SUMMARY:-$FUZZ/summary.txt}
{
    printf 'fuzz run: %s, %ss per target, sanitizer %s, %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$budget" "$sanitizer" \
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
