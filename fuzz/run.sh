#!/usr/bin/env bash
# Runs the cargo-fuzz targets one after the other, each for FUZZ_SECONDS, on stable Rust.
#
#   bash fuzz/run.sh                  # every target, 60 s each (what `just fuzz` runs)
#   FUZZ_SECONDS=300 bash fuzz/run.sh csv xtracta
#
# Environment:
#   FUZZ_SECONDS    seconds per target (default 60)
#   FUZZ_SANITIZER  address (default) or none: cargo fuzz's -s; none runs about twice as fast,
#                   and the nebulk crates forbid unsafe code, so ASan watches only dependencies
#   FUZZ_ARGS       more libFuzzer flags, e.g. "-max_len=100000"
#
# cargo fuzz passes -Zsanitizer=address to rustc, which stable refuses; RUSTC_BOOTSTRAP=1 lets
# stable take it (the stable toolchain ships the ASan runtime). With FUZZ_SANITIZER=none no
# -Z flag is passed, but RUSTC_BOOTSTRAP=1 does no harm there either.
#
# Each target's corpus (fuzz/corpus/<target>) is seeded from the matching files in testdata/;
# crashes land in fuzz/artifacts/<target>/, libFuzzer's output in fuzz/artifacts/<target>.log.
# One libFuzzer process at a time (the machine may have two cores, shared). Exits 1 when a
# target found a crash, a timeout (10 s; 60 s for ods) or an out-of-memory (2 GiB).
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd .. && pwd)

ALL_TARGETS=(template mapping csv xtracta xtracta_pieces srv nerm_users nerm_sessions excel ods)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")
seconds=${FUZZ_SECONDS:-60}
sanitizer=${FUZZ_SANITIZER:-address}
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "+ cargo install cargo-fuzz --locked"
    cargo install cargo-fuzz --locked
fi

# The testdata files that seed a target (expected outputs left out). For ods, whose input is a
# content.xml, the ods files whose content.xml is taken; seeds/<target>/ adds seeds of its own.
seeds() {
    local patterns=()
    case $1 in
        template) patterns=(-name 'template*.csv' -o -name 'schema*.json') ;;
        mapping) patterns=(-name '*.toml') ;;
        csv) patterns=(-name '*.csv' -o -name '*.tsv') ;;
        xtracta | xtracta_pieces) patterns=(-path '*xtracta*' -name '*.xml') ;;
        srv) patterns=(-path '*srv*' -name '*.xml' -o -path '*/answers/*' -name '*.xml') ;;
        nerm_users | nerm_sessions) patterns=(-path '*nerm*' -name '*.json') ;;
        excel) patterns=(-name '*.xlsx' -o -name '*.xlsm' -o -name '*.xlsb' -o -name '*.xls' -o -name '*.ods') ;;
        ods) patterns=(-name '*.ods') ;;
        *) echo "unknown target $1; the targets: ${ALL_TARGETS[*]}" >&2; exit 2 ;;
    esac
    find "$root/testdata" -path '*/expected' -prune -o -type f \( "${patterns[@]}" \) -print
}

# Seconds after which a run counts as a hang. The ods target takes content.xml files that make
# calamine write out up to 1 GiB (a run of 200 million spaces, 16 million cells): a second or two
# in a release build, but up to a minute with the fuzzer's instrumentation of every comparison
# in calamine's per-byte loops. A hang is a hang at 60 s as at 10.
timeout_for() {
    case $1 in
        ods) echo 60 ;;
        *) echo 10 ;;
    esac
}

# libFuzzer flags per target beyond the shared ones.
extra_flags() {
    case $1 in
        # Workbooks are zip or OLE files of several KiB.
        excel) echo "-max_len=65536" ;;
        # A content.xml: LibreOffice's for the contractors fixture is 12 KiB.
        ods) echo "-max_len=65536" ;;
        # The engine's threads end after their scope returns (thread-local destructors run
        # late), which LeakSanitizer reports as leaks of std's channel contexts: not ours.
        csv) echo "-max_len=16384 -detect_leaks=0" ;;
        *) echo "-max_len=16384" ;;
    esac
}

# Seed every corpus first, so that a typo in a target name stops before the build.
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target" "artifacts/$target"
    while IFS= read -r file; do
        # Named after its path, so that seeds from different folders do not collide.
        name=${file#"$root/testdata/"}
        seed="corpus/$target/seed-${name//\//-}"
        if [ "$target" = ods ]; then
            [ -e "$seed.content.xml" ] || unzip -p "$file" content.xml >"$seed.content.xml"
        else
            cp -n "$file" "$seed"
        fi
    done < <(seeds "$target")
    # Seeds written for the target (the ods cases the tests build, as content.xml).
    if [ -d "seeds/$target" ]; then
        for file in "seeds/$target"/*; do
            cp -n "$file" "corpus/$target/seed-${file##*/}"
        done
    fi
done

echo "+ cargo fuzz build -s $sanitizer"
cargo fuzz build -s "$sanitizer"

failed=()
for target in "${targets[@]}"; do
    dict=()
    # xtracta_pieces reads what xtracta reads.
    words=${target%_pieces}
    [ -f "dicts/$words.dict" ] && dict=("-dict=dicts/$words.dict")
    log="artifacts/$target.log"
    echo "+ cargo fuzz run $target ($seconds s, log in fuzz/$log)"
    # shellcheck disable=SC2046 # the extra flags are words on purpose
    if cargo fuzz run -s "$sanitizer" "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout="$(timeout_for "$target")" -rss_limit_mb=2048 \
        -print_final_stats=1 \
        $(extra_flags "$target") "${dict[@]}" ${FUZZ_ARGS:-} >"$log" 2>&1; then
        # The last status line: executions, coverage, corpus, speed, memory.
        grep -E '^#[0-9]+' "$log" | tail -1 | sed "s/^/  $target: /"
    else
        failed+=("$target")
        echo "  $target FAILED: see fuzz/$log and fuzz/artifacts/$target/" >&2
        grep -E 'ERROR|panicked|Test unit written' "$log" | head -5 | sed 's/^/    /' >&2 || true
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: findings in ${failed[*]}" >&2
    exit 1
fi
echo "fuzz: ok (${targets[*]}, ${seconds} s each)"
