#!/usr/bin/env bash
# Two nebulk binaries side by side on the same data, in one hyperfine run each (commands
# interleaved by hyperfine's order, same machine state): for a change that must not be slower.
#
#   bash benches/peers/compare.sh OLD_BINARY NEW_BINARY
#   ROWS=1000000 RUNS=5 bash benches/peers/compare.sh /tmp/nebulk-before target/release/nebulk
#
# Knobs (environment): ROWS (CSV rows and Xtracta users, default 1000000), RUNS (default 5),
# OUT (work folder, default target/bench-compare), PYTHON (default python3).
# Times CSV `validate` and `convert` (every check, 1% faults) and Xtracta XML `convert`; prints
# hyperfine's table (mean ± σ, min, max) and the medians of each pair with their ratio.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: compare.sh OLD_BINARY NEW_BINARY" >&2; exit 2; }
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ROWS=${ROWS:-1000000}
RUNS=${RUNS:-5}
OUT=${OUT:-$ROOT/target/bench-compare}
PYTHON=${PYTHON:-python3}
MAXACC=100000000
command -v hyperfine >/dev/null || { echo "hyperfine is needed" >&2; exit 2; }

mkdir -p "$OUT"
cp "$1" "$OUT/old"
cp "$2" "$OUT/new"
cp "$ROOT/benches/peers/gen_xtracta.py" "$OUT/"
cd "$OUT"
[ -f "data-$ROWS.csv" ] || ./new gen --rows "$ROWS" --seed 1 --error-rate 0.01 \
    --max-accounts "$MAXACC" --out "data-$ROWS.csv" --truth "truth-$ROWS.json" --template template.csv
[ -f "users-$ROWS.xml" ] || "$PYTHON" gen_xtracta.py "$ROWS" > "users-$ROWS.xml"

run() { # run TAG COMMAND: %BIN% in COMMAND is the binary's name (old, new)
    local tag=$1 cmd=$2
    hyperfine --style basic --warmup 1 --runs "$RUNS" -i --export-json "$tag.json" \
        -n "old $tag" "${cmd//%BIN%/old}" -n "new $tag" "${cmd//%BIN%/new}"
}
run validate "./%BIN% validate data-$ROWS.csv --schema template.csv --max-accounts $MAXACC -q"
run convert "./%BIN% convert data-$ROWS.csv --schema template.csv --max-accounts $MAXACC --out out-%BIN% -q"
run xtracta "./%BIN% convert users-$ROWS.xml --from xtracta-users --set phone=+15125550100 \
--set manager=jane.doe --set startDate=2026-01-01 --set endDate=2026-12-31 --max-accounts $MAXACC --out xml-%BIN% -q"

"$PYTHON" - <<'PY'
import json, statistics
print("\n| command | old median | new median | new / old |\n|---|---|---|---|")
for tag in ["validate", "convert", "xtracta"]:
    old, new = (statistics.median(r["times"]) for r in json.load(open(f"{tag}.json"))["results"])
    print(f"| {tag} | {old:.3f} s | {new:.3f} s | {new / old:.3f} |")
PY
# The same outputs, byte for byte (report.json holds no timing or path of the binary).
for out in out xml; do
    if diff -r "$out-old" "$out-new" >/dev/null; then
        echo "outputs equal: $out-old $out-new"
    else
        echo "OUTPUTS DIFFER: $out-old $out-new"
    fi
done
