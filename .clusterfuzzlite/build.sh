#!/bin/bash -eu
# Builds every cargo-fuzz target and puts into $OUT what ClusterFuzzLite (and OSS-Fuzz) expect:
# the fuzzer binaries, <target>.dict, <target>.options and <target>_seed_corpus.zip.
#
# In the builder image $SRC, $OUT and $SANITIZER are set (ClusterFuzzLite builds Rust with
# address only). Outside it, as `.ci/run` runs it:
#
#   OUT=$(mktemp -d) SANITIZER=none bash .clusterfuzzlite/build.sh
#
# The targets are built as fuzz/nightly.sh builds them (release, debug assertions and overflow
# checks on), so a crash found there reproduces here and the other way round.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -n "${SRC:-}" && -d "$SRC/sealprobe" ]]; then
    ROOT="$SRC/sealprobe"
fi
: "${OUT:?set OUT to the folder the fuzzers go to}"
SANITIZER=${SANITIZER:-address}
mkdir -p "$OUT"
cd "$ROOT"

# The builder image's cargo is nightly; on a workstation nightly is asked for by name.
CARGO=(cargo)
if cargo +nightly --version >/dev/null 2>&1; then
    CARGO=(cargo +nightly)
fi

"${CARGO[@]}" fuzz build --sanitizer "$SANITIZER"
built="$ROOT/fuzz/target/x86_64-unknown-linux-gnu/release"

zip_folder() { # zip_folder FOLDER ZIPFILE: the files of FOLDER, flat
    if command -v zip >/dev/null; then
        (cd "$1" && zip -q -j "$2" ./*)
    else
        python3 -c 'import sys, zipfile, pathlib
with zipfile.ZipFile(sys.argv[2], "w") as z:
    for p in sorted(pathlib.Path(sys.argv[1]).iterdir()):
        if p.is_file():
            z.write(p, p.name)' "$1" "$2"
    fi
}

for target in $("${CARGO[@]}" fuzz list); do
    cp "$built/$target" "$OUT/$target"
    if [[ -f "fuzz/dictionaries/$target.dict" ]]; then
        cp "fuzz/dictionaries/$target.dict" "$OUT/$target.dict"
    fi
    if [[ -f "fuzz/options/$target.options" ]]; then
        cp "fuzz/options/$target.options" "$OUT/$target.options"
    fi
    if [[ -d "corpus/$target" ]] && [[ -n "$(ls -A "corpus/$target")" ]]; then
        rm -f "$OUT/${target}_seed_corpus.zip"
        zip_folder "$ROOT/corpus/$target" "$OUT/${target}_seed_corpus.zip"
    fi
done
echo "build.sh: $(ls "$OUT" | wc -l) files in $OUT"
