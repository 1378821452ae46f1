#!/usr/bin/env bash
# Parquet in (issue 14): nebulk (built with the polars feature) checking ROWS generated rows
# from a Parquet file next to the same rows as CSV, and polars' own scan_parquet with the
# lean checks (polars_parquet.py), in one run; and the peak memory of reading a Parquet file
# of about 1 GB. Prints a Markdown section for BENCHMARKS.md on standard output:
#
#   bash benches/peers/parquet.sh > parquet.md
#   ROWS=100000 BIG_COPIES=2 RUNS=2 bash benches/peers/parquet.sh   # a quick check
#
# Knobs (environment): ROWS (default 1000000), BIG_COPIES (how many times the ~1 GB file
# repeats the Parquet file's rows, written uncompressed; default 8), RUNS (default 3), OUT (work folder, default
# target/bench-parquet), NEBULK (the binary; default: built here with --features polars),
# PYTHON (default python3, with polars). Needs hyperfine, and GNU time (/usr/bin/time).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/benches/peers
ROWS=${ROWS:-1000000}
BIG_COPIES=${BIG_COPIES:-8}
RUNS=${RUNS:-3}
PYTHON=${PYTHON:-python3}
OUT=${OUT:-target/bench-parquet}
case $OUT in /*) ;; *) OUT=$ROOT/$OUT ;; esac
# shellcheck source=benches/peers/lib.sh
source "$HERE/lib.sh"

command -v hyperfine >/dev/null || { echo "hyperfine is needed" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is needed" >&2; exit 2; }
if [ -z "${NEBULK:-}" ]; then
    say "building nebulk with the polars feature (release)"
    (cd "$ROOT" && cargo build --release --locked -q --features polars) >&2
    NEBULK=$ROOT/target/release/nebulk
fi
mkdir -p "$OUT"
cd "$OUT"

# The rows a table can hold: the generator's rows less those with another number of fields
# than the header or bytes that are not UTF-8 (its malformed-row and invalid-encoding faults),
# as clean.csv; the same rows as data.parquet (strings, zstd, polars' row groups).
to_tables() { # gen.csv clean.csv out.parquet compression
    "$PYTHON" - "$@" <<'PY'
import csv, sys
import polars as pl
src, clean, parquet, compression = sys.argv[1:5]
with open(src, encoding="utf-8", errors="surrogateescape", newline="") as f, \
     open(clean, "w", encoding="utf-8", newline="") as g:
    rows = csv.reader(f)
    out = csv.writer(g, lineterminator="\n")
    header = next(rows)
    out.writerow(header)
    for row in rows:
        if len(row) == len(header) and not any("\udc80" <= c <= "\udcff" for v in row for c in v):
            out.writerow(row)
pl.scan_csv(clean, infer_schema=False).sink_parquet(parquet, compression=compression)
PY
}

say "generating $ROWS rows"
"$NEBULK" gen --rows "$ROWS" --seed 1 --error-rate 0.01 --max-accounts 100000000 \
    --out gen.csv --template template.csv --truth truth.json >&2
to_tables gen.csv clean.csv data.parquet zstd
csv_bytes=$(wc -c < clean.csv)
parquet_bytes=$(wc -c < data.parquet)

common="--schema template.csv --max-accounts 100000000 -q"
v_csv="$NEBULK validate clean.csv $common"
v_parquet="$NEBULK validate data.parquet $common"
c_csv="$NEBULK convert clean.csv $common --out out-csv"
c_parquet="$NEBULK convert data.parquet $common --out out-parquet"
c_parquet_out="$NEBULK convert data.parquet $common --format parquet --out out-typed"
peer="$PYTHON $HERE/polars_parquet.py data.parquet"

say "timing"
hyperfine --style basic --warmup 1 --runs "$RUNS" -i --export-json parquet.json \
    -n "nebulk validate (CSV in)" "$v_csv" \
    -n "nebulk validate (Parquet in)" "$v_parquet" \
    -n "nebulk convert (CSV in)" "$c_csv" \
    -n "nebulk convert (Parquet in)" "$c_parquet" \
    -n "nebulk convert (Parquet in, --format parquet)" "$c_parquet_out" \
    -n "polars scan_parquet + lean checks" "$peer" >&2

say "peak memory"
rss=()
for command in "$v_csv" "$v_parquet" "$c_csv" "$c_parquet" "$c_parquet_out" "$peer"; do
    rss+=("$(peak "$command")")
done
agree=$("$NEBULK" validate data.parquet $common --report - 2>/dev/null | "$PYTHON" -c '
import json, sys; r = json.load(sys.stdin); print(r["rows_read"], r["rows_valid"], r["rows_rejected"])' || true)
peer_counts=$($peer 2>/dev/null | "$PYTHON" -c '
import json, sys; r = json.load(sys.stdin); print(r["rows_read"], r["rows_valid"], r["rows_rejected"])' || true)

say "a Parquet file of about 1 GB (data.parquet's rows $BIG_COPIES times, uncompressed)"
"$PYTHON" -c '
import sys, polars as pl
df = pl.read_parquet("data.parquet")
pl.concat([df] * int(sys.argv[1])).write_parquet("big.parquet", compression="uncompressed")
' "$BIG_COPIES"
big_rows=$((ROWS * BIG_COPIES))
big_bytes=$(wc -c < big.parquet)
/usr/bin/time -f '%e %M' -o big.tmp $NEBULK validate big.parquet $common >/dev/null 2>&1 || true
read -r big_s big_kib < <(tail -n 1 big.tmp)
rm -f big.tmp

"$PYTHON" - "$ROWS" "$csv_bytes" "$parquet_bytes" "${rss[@]}" "$big_rows" "$big_bytes" \
    "$big_s" "$big_kib" "$BIG_COPIES" "$agree" "$peer_counts" <<'PY'
import json, statistics, sys
a = sys.argv[1:]
rows, csv_b, pq_b = int(a[0]), int(a[1]), int(a[2])
rss = a[3:9]
big_rows, big_b, big_s, big_kib, copies = a[9:14]
agree, peer = a[14], a[15]
runs = json.load(open("parquet.json"))["results"]
med = {r["command"]: statistics.median(r["times"]) for r in runs}
names = list(med)
print("## Parquet in (issue 14)")
print()
print(f"Generated by `benches/peers/parquet.sh` (ROWS={rows}, nebulk built with "
      f"`--features polars`): `nebulk gen --rows {rows} --seed 1 --error-rate 0.01`, less the "
      f"rows a table cannot hold (a wrong number of fields, bytes that are not UTF-8), as CSV "
      f"({csv_b / 1e6:.1f} MB) and as Parquet written by polars ({pq_b / 1e6:.1f} MB: string "
      f"columns, zstd). The polars peer is "
      f"[`benches/peers/polars_parquet.py`](benches/peers/polars_parquet.py): `scan_parquet` "
      f"and the lean checks of `polars_lean.py`, counting only (it writes nothing). Medians of "
      f"the runs, in one run of the script; peak memory the median of 3.")
print()
print("| command | median s | peak memory | vs the same command on CSV |")
print("|---|---|---|---|")
base = {names[1]: names[0], names[3]: names[2], names[4]: names[2]}
for name, mib in zip(names, rss):
    vs = f"{med[name] / med[base[name]]:.2f}x" if name in base else "—"
    print(f"| {name} | {med[name]:.2f} | {mib or '-'} MiB | {vs} |")
print()
print(f"Ratios in this run: Parquet in to CSV in, validate **{med[names[1]] / med[names[0]]:.2f}x**, "
      f"convert **{med[names[3]] / med[names[2]]:.2f}x**; polars' scan_parquet with the lean "
      f"checks to nebulk validate from Parquet **{med[names[5]] / med[names[1]]:.2f}x** "
      f"({med[names[5]]:.2f} s against {med[names[1]]:.2f} s).")
print()
print(f"Counts (rows read, valid, rejected): nebulk from Parquet {agree}; the polars peer {peer} "
      f"(it leaves out what polars_lean.py leaves out).")
print()
print(f"Reading a Parquet file of about 1 GB: the rows of the Parquet file above {copies} times "
      f"over ({int(big_rows):,} rows, written uncompressed by polars: {int(big_b) / 1e9:.2f} GB), "
      f"`nebulk validate` took {float(big_s):.1f} s with a peak of **{int(big_kib) / 1024:.0f} MiB** "
      f"(GNU time `%M`): the file is read a row group at a time, in batches of at most 65,536 "
      f"rows, so memory does not grow with the file (the rows repeat, so most are rejected "
      f"`duplicate-account`).")
print()
PY
