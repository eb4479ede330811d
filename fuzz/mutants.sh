#!/usr/bin/env bash
# Mutation testing of the validator modules (issue #11, FUZZING.md "Mutation score").
#
#   bash fuzz/mutants.sh 0/5        # one shard (round-robin) of the mutants: under an hour here
#   bash fuzz/mutants.sh all        # every shard, one after the other
#
# What is mutated and which tests judge each mutant: .cargo/mutants.toml. Installs cargo-mutants
# when it is missing. The mutants are made in a git worktree of HEAD (target/mutants/tree,
# with `--in-place`), not in a fresh copy per run, so its target folder and the built dependencies
# are kept between shards: only the first shard pays the ten-minute dependency build. Uncommitted
# changes are therefore not tested. Each shard's outcome is written to
# fuzz/mutants/shard-K-of-N.txt (counts and every surviving mutant), which is committed; the full
# logs stay in fuzz/target/mutants/.
# Exit status: 0 when the shard ran (survivors are listed, not fatal), 1 when it could not run.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)

if ! cargo mutants --version >/dev/null 2>&1; then
    echo "== installing cargo-mutants"
    cargo install cargo-mutants --locked
fi

TREE="$ROOT/target/mutants/tree"

# The worktree at HEAD: made once, moved to HEAD on every later run (its target folder stays).
prepare_tree() {
    local head
    head=$(git -C "$ROOT" rev-parse HEAD)
    if [[ ! -e "$TREE/.git" ]]; then
        mkdir -p "$(dirname "$TREE")"
        git -C "$ROOT" worktree prune
        git -C "$ROOT" worktree add --detach "$TREE" "$head" >/dev/null
    else
        # A run cut short leaves a mutated file behind: throw away every change first.
        git -C "$TREE" checkout --detach --force "$head" >/dev/null 2>&1
        git -C "$TREE" clean -fdq -e target
    fi
    if [[ -n "$(git -C "$ROOT" status --porcelain -- src tests Cargo.toml .cargo)" ]]; then
        echo "note: uncommitted changes in src, tests, Cargo.toml or .cargo are not tested" >&2
    fi
}

run_shard() {
    local shard=$1 k=${1%/*} n=${1#*/}
    local out="$ROOT/fuzz/target/mutants/shard-$k-of-$n"
    local summary="$ROOT/fuzz/mutants/shard-$k-of-$n.txt"
    mkdir -p "$out" "$ROOT/fuzz/mutants"
    echo "== cargo mutants --shard $shard"
    prepare_tree
    local rev
    rev=$(git -C "$TREE" rev-parse --short HEAD)
    local status=0
    cargo mutants --dir "$TREE" --in-place --shard "$shard" --sharding round-robin \
        --output "$out" --no-shuffle >"$out/run.log" 2>&1 || status=$?
    # --in-place restores each file after its mutant; make sure nothing is left mutated.
    git -C "$TREE" checkout --force -- . >/dev/null 2>&1 || true
    # cargo-mutants exits 2 when mutants were missed, 3 on timeouts: both are results.
    if ((status != 0 && status != 2 && status != 3)); then
        echo "cargo mutants failed (status $status); see $out/run.log" >&2
        tail -n 20 "$out/run.log" >&2
        return 1
    fi
    local m="$out/mutants.out"
    count() { [[ -f "$m/$1" ]] && wc -l <"$m/$1" || echo 0; }
    local caught missed unviable timeout
    caught=$(count caught.txt)
    missed=$(count missed.txt)
    unviable=$(count unviable.txt)
    timeout=$(count timeout.txt)
    local viable=$((caught + missed + timeout))
    {
        printf 'cargo mutants --shard %s --sharding round-robin (%s, %s)\n' "$shard" \
            "$(date -u +%Y-%m-%d)" "$rev"
        printf 'caught %s, missed %s, timeout %s, unviable %s\n' "$caught" "$missed" "$timeout" "$unviable"
        if ((viable > 0)); then
            printf 'score: %s of %s viable mutants caught, timeouts counted as caught (%s%%)\n' "$((caught + timeout))" \
                "$viable" "$(((caught + timeout) * 100 / viable))"
        fi
        echo "survivors:"
        sed 's/^/  /' "$m/missed.txt" 2>/dev/null || true
    } | tee "$summary"
}

case "${1:-}" in
    */*) run_shard "$1" ;;
    all)
        n=${2:-5}
        for ((k = 0; k < n; k++)); do run_shard "$k/$n"; done
        ;;
    *)
        sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
