#!/usr/bin/env bash
# Peer comparison: nebulk against `cat` (the floor), a polars script doing the same checks (and
# a lean one, polars_lean.py, as a data engineer would first write it),
# frictionless and qsv (when installed) on generated accounts CSVs, and nebulk on a large Xtracta
# XML answer and as many NERM users in JSON pages. Writes BENCHMARKS.md at the repository root (generated: this script owns it).
#
#   just bench-peers                     # or: bash benches/peers/run.sh
#   SIZES=20000 RUNS=2 bash benches/peers/run.sh       # a quick check
#   LINEAR=10000000 bash benches/peers/run.sh          # adds nebulk at 1M vs 10M rows
#
# Knobs (environment): SIZES (rows per CSV, default "20000 1000000"), RUNS (timed runs per
# command, default 5), LINEAR (a second size for the linearity run, default none), LINEAR_BASE
# (default 1000000), XML_ROWS (users in the XML file and the NERM pages, default 1000000), OUT (work folder, default
# target/bench-peers), PYTHON (default python3), TENANT (0 leaves out the tenant section of
# tenant.sh), TENANT_ROWS (its input rows, default 1000000), PARQUET (0 leaves out the Parquet
# section of parquet.sh, which builds nebulk with --features polars, a 14-minute build here;
# `keep` carries the section of the BENCHMARKS.md being replaced over, marked as an earlier run).
# Needs hyperfine and python3; GNU time (/usr/bin/time) for peak memory; polars, frictionless and
# qsv are each skipped, with a note in BENCHMARKS.md, when missing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/benches/peers
SIZES=${SIZES:-"20000 1000000"}
RUNS=${RUNS:-5}
LINEAR=${LINEAR:-}
LINEAR_BASE=${LINEAR_BASE:-1000000}
XML_ROWS=${XML_ROWS:-1000000}
OUT=${OUT:-target/bench-peers}
case $OUT in /*) ;; *) OUT=$ROOT/$OUT ;; esac
PYTHON=${PYTHON:-python3}
MAXACC=100000000
TENANT_ROWS=${TENANT_ROWS:-1000000}
export ROOT HERE SIZES RUNS LINEAR LINEAR_BASE XML_ROWS OUT PYTHON MAXACC

# shellcheck source=benches/peers/lib.sh
source "$HERE/lib.sh"

command -v hyperfine >/dev/null || {
    echo "hyperfine is needed: apt-get install -y hyperfine (or cargo install hyperfine)" >&2
    exit 2
}
command -v "$PYTHON" >/dev/null || { echo "$PYTHON is needed" >&2; exit 2; }

mkdir -p "$OUT"
: > "$OUT/notes.txt"
note() { printf '%s\n' "$*" >> "$OUT/notes.txt"; }

# 1. Build, then run a copy of the binary: others may rebuild target/release meanwhile.
say "building nebulk (release)"
built=
for attempt in 1 2 3 4 5; do
    if (cd "$ROOT" && cargo build --release --bin nebulk); then built=1; break; fi
    echo "build failed (attempt $attempt of 5); retrying in 60 s" >&2
    sleep 60
done
[ -n "$built" ] || { echo "could not build nebulk" >&2; exit 2; }
cp "$ROOT/target/release/nebulk" "$OUT/nebulk"
cp "$HERE/polars_check.py" "$HERE/polars_lean.py" "$HERE/frictionless-schema.json" "$HERE/qsv-schema.json" \
    "$HERE/gen_xtracta.py" "$HERE/gen_nerm.py" "$OUT/"
cd "$OUT"

# Tools.
HAVE_TIME=; [ -x /usr/bin/time ] && HAVE_TIME=1
[ -n "$HAVE_TIME" ] || note "Peak memory not measured: GNU time (/usr/bin/time) is missing (apt-get install -y time)."
HAVE_POLARS=; "$PYTHON" -c 'import polars' 2>/dev/null && HAVE_POLARS=1
[ -n "$HAVE_POLARS" ] || note "polars skipped: \`$PYTHON -c 'import polars'\` failed (pip install polars)."
HAVE_FRICTIONLESS=; command -v frictionless >/dev/null && HAVE_FRICTIONLESS=1
[ -n "$HAVE_FRICTIONLESS" ] || note "frictionless skipped: not on PATH (pip install frictionless)."
HAVE_QSV=; command -v qsv >/dev/null && HAVE_QSV=1
[ -n "$HAVE_QSV" ] || note "qsv skipped: not on PATH (cargo install qsv --locked, a long build)."
QSV_RAGGED=
if [ -n "$HAVE_QSV" ] && qsv validate --help 2>&1 | grep -q -- --split-ragged; then
    QSV_RAGGED=--split-ragged
fi
export HAVE_TIME HAVE_POLARS HAVE_FRICTIONLESS HAVE_QSV QSV_RAGGED

GENERATED=" "
gen() { # gen N: data-N.csv, truth-N.json and template.csv
    say "generating $1 rows"
    GENERATED="$GENERATED$1 "
    ./nebulk gen --rows "$1" --seed 1 --error-rate 0.01 --max-accounts "$MAXACC" \
        --out "data-$1.csv" --truth "truth-$1.json" --template template.csv
}

# bench TAG: times the commands NAMES[i] / CMDS[i] with hyperfine into hyperfine-TAG.json, then
# their peak RSS (median of 3 runs of GNU time, KiB) into rss-TAG.tsv; commands-TAG.tsv keeps
# the command lines.
bench() {
    local tag=$1 i args=()
    : > "commands-$tag.tsv"
    for i in "${!NAMES[@]}"; do
        args+=(-n "${NAMES[$i]}" "${CMDS[$i]}")
        printf '%s\t%s\n' "${NAMES[$i]}" "${CMDS[$i]}" >> "commands-$tag.tsv"
    done
    say "timing ($tag): ${NAMES[*]}"
    # -i: exit code 1 (some rows rejected) is not a failure; the report checks the codes.
    hyperfine --style basic --warmup 1 --runs "$RUNS" -i --export-json "hyperfine-$tag.json" "${args[@]}"
    : > "rss-$tag.tsv"
    [ -n "$HAVE_TIME" ] || return 0
    say "peak memory ($tag)"
    for i in "${!NAMES[@]}"; do
        local kib
        mapfile -t kib < <(peak_kib "${CMDS[$i]}")
        printf '%s\t%s\t%s\n' "${NAMES[$i]}" "$(printf '%s\n' "${kib[@]}" | sort -n | sed -n 2p)" \
            "${kib[*]}" >> "rss-$tag.tsv"
    done
}

# 2–4. Each size: time, memory, then one more run of each for the correctness cross-check.
for n in $SIZES; do
    gen "$n"
    NAMES=("cat (floor)" "nebulk validate" "nebulk convert")
    CMDS=("cat data-$n.csv > /dev/null"
        "./nebulk validate data-$n.csv --schema template.csv --max-accounts $MAXACC -q"
        "./nebulk convert data-$n.csv --schema template.csv --max-accounts $MAXACC --out out-nebulk-$n -q")
    if [ -n "$HAVE_POLARS" ]; then
        NAMES+=("python3 + import polars (startup only)" "polars (polars_check.py, two passes)"
            "polars (lean script)")
        CMDS+=("$PYTHON -c 'import polars'" "$PYTHON polars_check.py data-$n.csv out-polars-$n"
            "$PYTHON polars_lean.py data-$n.csv out-polars-lean-$n")
    fi
    if [ -n "$HAVE_FRICTIONLESS" ]; then
        # latin-1: with utf-8 frictionless stops at the first invalid byte (an encoding-error for
        # the whole table); every byte decodes in latin-1, so it reads the whole file.
        NAMES+=("frictionless validate")
        CMDS+=("frictionless validate data-$n.csv --schema frictionless-schema.json --encoding latin-1 --limit-errors 100000000 --json")
    fi
    if [ -n "$HAVE_QSV" ]; then
        # qsv aborts on the first byte that is not UTF-8 (and, without --split-ragged, on the
        # first row with a wrong field count): it is timed on a copy with those bytes dropped.
        if command -v iconv >/dev/null; then
            iconv -f UTF-8 -t UTF-8 -c "data-$n.csv" > "data-$n.utf8.csv" || true
        else
            cp "data-$n.csv" "data-$n.utf8.csv"
            note "iconv is missing: qsv reads the file with its bytes that are not UTF-8."
        fi
        NAMES+=("qsv validate")
        CMDS+=("qsv validate $QSV_RAGGED data-$n.utf8.csv qsv-schema.json")
    fi
    bench "$n"

    say "correctness run ($n rows)"
    ./nebulk convert "data-$n.csv" --schema template.csv --max-accounts "$MAXACC" --out "out-nebulk-$n" -q || true
    if [ -n "$HAVE_POLARS" ]; then
        "$PYTHON" polars_check.py "data-$n.csv" "out-polars-$n" > "polars-$n.json" || true
    fi
    if [ -n "$HAVE_FRICTIONLESS" ]; then
        frictionless validate "data-$n.csv" --schema frictionless-schema.json --encoding latin-1 \
            --limit-errors 100000000 --json > "frictionless-$n.json" || true
    fi
    if [ -n "$HAVE_QSV" ]; then
        set +e
        qsv validate "data-$n.csv" qsv-schema.json > /dev/null 2> "qsv-raw-$n.stderr"
        echo $? > "qsv-raw-$n.rc"
        qsv validate $QSV_RAGGED "data-$n.utf8.csv" qsv-schema.json > /dev/null 2> "qsv-$n.stderr"
        echo $? > "qsv-$n.rc"
        set -e
    fi
done

# Linearity: nebulk alone at LINEAR_BASE and LINEAR rows.
if [ -n "$LINEAR" ]; then
    for n in $LINEAR_BASE $LINEAR; do
        case $GENERATED in *" $n "*) ;; *) gen "$n" ;; esac
    done
    NAMES=(); CMDS=()
    for n in $LINEAR_BASE $LINEAR; do
        NAMES+=("nebulk validate $n" "nebulk convert $n")
        CMDS+=("./nebulk validate data-$n.csv --schema template.csv --max-accounts $MAXACC -q"
            "./nebulk convert data-$n.csv --schema template.csv --max-accounts $MAXACC --out out-nebulk-$n -q")
    done
    bench linear
fi

# 5. XML: an Xtracta Get User answer with XML_ROWS users.
say "generating $XML_ROWS Xtracta users"
"$PYTHON" gen_xtracta.py "$XML_ROWS" > users.xml
NAMES=("cat (floor)" "nebulk convert --from xtracta-users")
CMDS=("cat users.xml > /dev/null"
    "./nebulk convert users.xml --from xtracta-users --set phone=+15125550100 --set manager=jane.doe --set startDate=2026-01-01 --set endDate=2026-12-31 --max-accounts $MAXACC --out out-xml -q")
bench xml
./nebulk convert users.xml --from xtracta-users --set phone=+15125550100 --set manager=jane.doe \
    --set startDate=2026-01-01 --set endDate=2026-12-31 --max-accounts "$MAXACC" --out out-xml -q || true

# 5b. JSON: the same number of NERM users, as one page and as pages of 100 in a folder.
say "generating $XML_ROWS NERM users"
"$PYTHON" gen_nerm.py "$XML_ROWS" > nerm-users.json
rm -rf nerm-pages && "$PYTHON" gen_nerm.py "$XML_ROWS" --pages nerm-pages 100
NERM_SET="--from nerm-users --set phone=+15125550100 --set manager=jane.doe --set startDate=2026-01-01 --set endDate=2026-12-31 --max-accounts $MAXACC -q"
NAMES=("cat (floor)" "nebulk convert --from nerm-users (one page)" "nebulk convert --from nerm-users (pages of 100)")
CMDS=("cat nerm-users.json > /dev/null"
    "./nebulk convert nerm-users.json $NERM_SET --out out-nerm"
    "./nebulk convert nerm-pages $NERM_SET --out out-nerm-pages")
bench nerm
# shellcheck disable=SC2086
./nebulk convert nerm-users.json $NERM_SET --out out-nerm || true

# 6. The report.
# PARQUET=keep: the Parquet section of the file about to be replaced, kept for the end.
KEPT_PARQUET=$OUT/parquet-section.md
if [ "${PARQUET:-1}" = keep ]; then
    python3 - "$ROOT/BENCHMARKS.md" "$KEPT_PARQUET" <<'PY'
import re, sys
old = open(sys.argv[1], encoding="utf-8").read()
found = re.search(r"^## Parquet in.*?(?=^## )", old, re.S | re.M)
note = "(Kept from the BENCHMARKS.md this run replaced, not rerun: `PARQUET=keep`.)"
with open(sys.argv[2], "w", encoding="utf-8") as out:
    if found:
        section = found.group(0).replace(note, "").rstrip()
        out.write(section + "\n\n" + note + "\n\n")
PY
fi
say "writing BENCHMARKS.md"
"$PYTHON" - <<'PY'
import csv
import filecmp
import json
import os
import platform
import statistics
import subprocess

env = os.environ
ROOT, OUT = env["ROOT"], env["OUT"]
SIZES = env["SIZES"].split()
RUNS, MAXACC, PY = env["RUNS"], env["MAXACC"], env["PYTHON"]
LINEAR, BASE = env.get("LINEAR", ""), env["LINEAR_BASE"]
ALL_SIZES = list(dict.fromkeys(SIZES + ([BASE, LINEAR] if LINEAR else [])))
XML_ROWS = int(env["XML_ROWS"])


def p(*parts):
    return os.path.join(OUT, *parts)


def sh(cmd, cwd=None):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, cwd=cwd).stdout.strip()
    except OSError:
        return ""


def load(path, default=None):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def tsv(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [line.rstrip("\n").split("\t") for line in f if line.strip()]
    except OSError:
        return []


def secs(t):
    """Seconds to 3 significant digits: 0.00181, 0.0466, 0.414, 1.34, 12.3."""
    return f"{t:.3g}" if t < 100 else f"{t:.0f}"


def rows_of(tag):
    """Per command: median, min, max (s), exit codes, peak RSS (KiB) and the command line."""
    runs = load(p(f"hyperfine-{tag}.json"), {"results": []})["results"]
    rss = {r[0]: int(r[1]) for r in tsv(p(f"rss-{tag}.tsv")) if len(r) > 1 and r[1].isdigit()}
    cmds = dict(r[:2] for r in tsv(p(f"commands-{tag}.tsv")))
    out = []
    for r in runs:
        name = r["command"]
        out.append(dict(
            name=name, median=r["median"], min=r["min"], max=r["max"],
            codes=sorted(set(r.get("exit_codes") or [])), rss=rss.get(name), cmd=cmds.get(name, name),
        ))
    return out


def ratio(t, base):
    if base is None or base <= 0 or t <= 0:
        return ""
    r = t / base
    if abs(r - 1) < 0.05:
        return f"{secs(t)} s = same as nebulk convert"
    if r > 1:
        return f"{secs(t)} s = {r:.1f}x slower than nebulk convert"
    return f"{secs(t)} s = {1 / r:.1f}x faster than nebulk convert"


def table(rows, nbytes, base_name):
    base = next((r["median"] for r in rows if r["name"] == base_name), None)
    lines = [
        "| command | median s (min–max) | MB/s of input | peak RSS MiB | vs nebulk convert |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        fatal = [c for c in r["codes"] if c not in (0, 1)]
        rss = f"{r['rss'] / 1024:.1f}" if r["rss"] is not None else "n/a"
        vs = "baseline" if r["name"] == base_name else ratio(r["median"], base)
        if fatal:
            vs = f"exited {fatal} (fatal): not comparable"
        timed = "startup only" not in r["name"] and r["median"] > 0
        speed = f"{nbytes / 1e6 / r['median']:.0f}" if timed else "—"
        lines.append(
            f"| {r['name']} | {secs(r['median'])} ({secs(r['min'])}–{secs(r['max'])}) "
            f"| {speed} | {rss} | {vs} |"
        )
    return lines


LEAN = "polars (lean script)"


def lean_ratios(rows):
    """How nebulk convert and validate compare with the lean polars script (same run)."""
    by = {r["name"]: r for r in rows}
    lean = by.get(LEAN)
    if lean is None:
        return []
    if [c for c in lean["codes"] if c not in (0, 1)]:
        return ["", f"The lean polars script exited {lean['codes']}: no ratio."]
    out = [""]
    for name in ("nebulk convert", "nebulk validate"):
        r = by.get(name)
        if r is None or r["median"] <= 0:
            continue
        k = lean["median"] / r["median"]
        how = ("about as fast as" if abs(k - 1) < 0.05
               else f"{k:.1f}x faster than" if k > 1 else f"{1 / k:.1f}x slower than")
        out.append(f"- {name} is {how} the lean polars script (same run): "
                   f"{secs(r['median'])} s against {secs(lean['median'])} s.")
    return out


def fmt_codes(by_code):
    return ", ".join(f"{k} {v}" for k, v in sorted(by_code.items())) or "none"


def diff_codes(got, truth):
    keys = sorted(set(got) | set(truth))
    return [f"{k}: {got.get(k, 0)} vs {truth.get(k, 0)}" for k in keys if got.get(k, 0) != truth.get(k, 0)]


def records(path):
    """(first record, number of records) of a CSV file, streamed; None when it is missing."""
    try:
        with open(path, newline="", encoding="utf-8", errors="replace") as f:
            reader = csv.reader(f)
            first = next(reader, None)
            return first, (0 if first is None else 1) + sum(1 for _ in reader)
    except OSError:
        return None


def record_starts(path):
    """The physical line where each data record of a CSV starts (list index 0: the first row)."""
    starts = []
    with open(path, newline="", encoding="latin-1") as f:  # latin-1: any byte, one char each
        reader = csv.reader(f)
        next(reader, None)
        prev = reader.line_num
        for _ in reader:
            starts.append(prev + 1)
            prev = reader.line_num
    return starts


def reject_codes(path):
    """{line: codes} of a rejects.csv (nebulk's or polars_check.py's)."""
    try:
        with open(path, newline="", encoding="latin-1") as f:
            return {int(r["line"]): r["codes"] for r in csv.DictReader(f) if r.get("line")}
    except (OSError, ValueError):
        return None


def correctness(n):
    """Markdown lines (also printed) comparing every tool's counts with the truth file."""
    truth = load(p(f"truth-{n}.json"))
    if truth is None:
        return ["(no truth file)"]
    tv, tr, tc = truth["rows_valid"], truth["rows_rejected"], truth["by_code"]
    out = [
        f"**{int(n):,} rows** — truth (`truth-{n}.json`): {tv:,} valid, {tr:,} rejected; {fmt_codes(tc)}.",
        "",
        "| tool | rows valid | rows rejected | agrees with the truth |",
        "|---|---|---|---|",
    ]
    notes = []
    rep = load(p(f"out-nebulk-{n}", "report.json"))
    if rep:
        d = diff_codes(rep["by_code"], tc)
        ok = rep["rows_valid"] == tv and rep["rows_rejected"] == tr and not d
        out.append(f"| nebulk convert (report.json) | {rep['rows_valid']:,} | {rep['rows_rejected']:,} | "
                   + ("yes, every count and by_code" if ok else "NO: " + "; ".join(d or ["row counts differ"])) + " |")
    nebulk_rejects = reject_codes(p(f"out-nebulk-{n}", "rejects.csv"))
    pol = load(p(f"polars-{n}.json"))
    if pol:
        d = diff_codes(pol["by_code"], tc)
        ok = pol["rows_valid"] == tv and pol["rows_rejected"] == tr and not d
        out.append(f"| polars_check.py | {pol['rows_valid']:,} | {pol['rows_rejected']:,} | "
                   + ("yes, every count and code" if ok else "no: " + "; ".join(d or ["row counts differ"])) + " |")
        if not ok:
            notes.append("polars differs: see the limits listed in polars_check.py's docstring "
                         "(field counts from a raw-lines pass, U+FFFD taken for invalid bytes).")
        same_rejects = nebulk_rejects is not None and reject_codes(p(f"out-polars-{n}", "rejects.csv")) == nebulk_rejects
        same_upload = filecmp.cmp(p(f"out-nebulk-{n}", "upload.csv"), p(f"out-polars-{n}", "upload.csv"), shallow=False) \
            if os.path.exists(p(f"out-polars-{n}", "upload.csv")) else False
        notes.append("polars against nebulk's outputs: rejects.csv "
                     + ("rejects the same rows (same lines) with the same codes" if same_rejects else "DIFFERS in rejected lines or codes")
                     + "; upload.csv " + ("is byte-for-byte identical" if same_upload else "differs") + ".")
    fl = load(p(f"frictionless-{n}.json"))
    if fl and fl.get("tasks"):
        task = fl["tasks"][0]
        errors = task.get("errors", [])
        fatal = [e for e in errors if e.get("rowNumber") is None]
        flagged = len({e["rowNumber"] for e in errors if e.get("rowNumber") is not None})
        kinds = {}
        for e in errors:
            kinds[e["type"]] = kinds.get(e["type"], 0) + 1
        read = task.get("stats", {}).get("rows")
        verdict = "no: it cannot express every rule (see Results)"
        if nebulk_rejects is not None and os.path.exists(p(f"data-{n}.csv")):
            # frictionless numbers rows from the header (row 2 is the first data row); nebulk
            # numbers physical lines: both are mapped to record indices.
            starts = record_starts(p(f"data-{n}.csv"))
            index_of = {line: i for i, line in enumerate(starts)}
            faulty = {index_of[line]: codes for line, codes in nebulk_rejects.items() if line in index_of}
            seen = {e["rowNumber"] - 2 for e in errors if e.get("rowNumber") is not None}
            missed = {}
            for i, codes in faulty.items():
                if i not in seen:
                    for code in codes.split(";"):
                        missed[code] = missed.get(code, 0) + 1
            false = len(seen - set(faulty))
            verdict = (f"no: flags {len(seen & set(faulty)):,} of the {len(faulty):,} faulty rows; misses "
                       + (fmt_codes(missed) if missed else "none")
                       + f"; {false:,} false alarm(s)")
        out.append(f"| frictionless validate | {int(n) - flagged:,} (rows not flagged) | {flagged:,} (rows flagged) | "
                   f"{verdict} |")
        notes.append(f"frictionless read {read:,} rows and reported {len(errors):,} errors of types "
                     + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items()))
                     + (f"; {len(fatal)} table-level error(s): {fatal[0].get('message', '')[:120]}" if fatal else "")
                     + ".")
    if env.get("HAVE_QSV"):
        raw_rc = open(p(f"qsv-raw-{n}.rc")).read().strip() if os.path.exists(p(f"qsv-raw-{n}.rc")) else "?"
        raw_err = open(p(f"qsv-raw-{n}.stderr"), errors="replace").read().strip().splitlines()[:1] if os.path.exists(p(f"qsv-raw-{n}.stderr")) else []
        header = (records(p(f"data-{n}.csv")) or ([], 0))[0]

        def body(path):
            got = records(path)
            if got is None:
                return None
            first, count = got
            return count - (1 if first == header else 0)

        nv, ni = body(p(f"data-{n}.utf8.csv.valid")), body(p(f"data-{n}.utf8.csv.invalid"))
        out.append(f"| qsv validate (on the UTF-8-cleaned copy) | {nv if nv is not None else 'n/a'} | "
                   f"{ni if ni is not None else 'n/a'} | no: JSON Schema cannot express every rule (below) |")
        notes.append(f"qsv on the original file exited {raw_rc}"
                     + (f" ({raw_err[0][:160]})" if raw_err else "")
                     + "; the timed run reads a copy with the non-UTF-8 bytes dropped (`iconv -c`)"
                     + (", with --split-ragged" if env.get("QSV_RAGGED") else ", and this qsv has no --split-ragged: it may stop at the first row with a wrong field count")
                     + ". Its counts come from the .valid/.invalid files (header row not counted).")
    return out + [""] + [f"- {x}" for x in notes]


# The machine.
def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def mem_gib():
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def os_name():
    try:
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip().strip('"') + f", Linux {platform.release()}"
    except OSError:
        pass
    return platform.platform()


commit = sh("git rev-parse --short HEAD", ROOT) or "unknown"
dirty = sh("git status --porcelain --untracked-files=no", ROOT)
versions = [
    sh("rustc --version"),
    sh("hyperfine --version"),
    sh(f"{PY} --version"),
    "polars " + (sh(f"{PY} -c 'import polars; print(polars.__version__)'") if env.get("HAVE_POLARS") else "not installed"),
    "frictionless " + (sh("frictionless --version") if env.get("HAVE_FRICTIONLESS") else "not installed"),
    (sh("qsv --version").splitlines() or ["qsv ?"])[0] if env.get("HAVE_QSV") else "qsv not installed",
]
notes = [line.strip() for line in open(p("notes.txt")) if line.strip()]

md = []
w = md.append
w("# Benchmarks: nebulk and its peers")
w("")
w("<!-- Generated by benches/peers/run.sh: edit that script, not this file. -->")
w("")
w("How fast nebulk checks and converts a SailPoint ISC Non-Employee accounts CSV, next to `cat` "
  "(the floor: reading the file and nothing else), a polars script doing the same checks "
  "([`benches/peers/polars_check.py`](benches/peers/polars_check.py)) and a lean one as a data "
  "engineer would first write it ([`benches/peers/polars_lean.py`](benches/peers/polars_lean.py)), "
  "frictionless with a Table "
  "Schema and qsv with a JSON Schema (each expressing what it can of the rules), and how fast it "
  f"reads a large Xtracta XML answer and NERM JSON pages. Every time is the **median** of {RUNS} runs (hyperfine, one "
  "warm-up run first; min–max beside it), peak memory the median of 3 runs. "
  "**The machine is shared and noisy**: other jobs run beside the benchmark, so treat differences "
  "under ~20% as noise and compare ratios rather than absolute times.")
w("")
w("## Rerun")
w("")
w("```sh")
w("apt-get update && apt-get install -y hyperfine time   # hyperfine, GNU time (peak memory)")
w("pip install polars frictionless                        # the Python peers")
w("cargo install qsv --locked                             # optional: qsv (a long build)")
w("just bench-peers                                       # or: bash benches/peers/run.sh")
w("```")
w("")
w("Knobs (environment): `SIZES` rows per CSV (default `\"20000 1000000\"`), `RUNS` timed runs "
  "per command (default 5), `LINEAR=10000000` adds nebulk at 1M vs 10M rows, `XML_ROWS` users in "
  "the XML file and the NERM pages (default 1000000), `OUT` the work folder (default `target/bench-peers`, which "
  "keeps the data, outputs and hyperfine JSON), `PYTHON` (default `python3`), `TENANT=0` leaves "
  "out the tenant section, `PARQUET=0` the Parquet section (which builds nebulk with the `polars` "
  "feature) and `PARQUET=keep` keeps the previous file's. A tool that is not installed is skipped "
  "and named below.")
w("")
w(f"This run: `SIZES=\"{' '.join(SIZES)}\" RUNS={RUNS}"
  + (f" LINEAR={LINEAR}" if LINEAR else "") + f" XML_ROWS={XML_ROWS}"
  + (f" PARQUET={env['PARQUET']}" if env.get("PARQUET", "1") != "1" else "") + "`.")
if notes:
    w("")
    w("Skipped or not measured in this run:")
    w("")
    for x in notes:
        w(f"- {x}")
w("")
w("## Machine")
w("")
w(f"- {os.cpu_count()} CPUs (`nproc`: {sh('nproc')}), {cpu_model()}, {mem_gib()} memory")
w(f"- {os_name()}")
w(f"- nebulk at commit `{commit}`" + (" (the working tree had uncommitted changes when it was built)" if dirty else ""))
w("- " + "; ".join(v for v in versions if v))
w("")
w("## Data")
w("")
w(f"`nebulk gen --rows N --seed 1 --error-rate 0.01 --max-accounts {MAXACC}`: 18 columns (the 8 "
  "system attributes and 10 custom ones), realistic and non-ASCII names, quoted commas, quotes and "
  "newlines; 1% of the rows carry exactly one fault, of every class nebulk reports (missing "
  "value, bad e-mail, phone or date, end before start, duplicate account name in other case, "
  "wrong field count, Latin-1 bytes, a value over 255 characters). The truth file counts them.")
w("")
w(f"Every generated account is new, so nebulk runs with `--max-accounts {MAXACC}`: under the "
  "default limit of 20,000 accounts every valid row past the 20,000th would be rejected with "
  "`account-limit` and most of the output would be rejects. The generator is given the same "
  "limit so that its truth agrees.")
w("")
w("| rows | bytes | MB | valid (truth) | rejected (truth) |")
w("|---|---|---|---|---|")
for n in ALL_SIZES:
    if not os.path.exists(p(f"data-{n}.csv")):
        continue
    t = load(p(f"truth-{n}.json"), {})
    size = os.path.getsize(p(f"data-{n}.csv"))
    w(f"| {int(n):,} | {size:,} | {size / 1e6:.1f} | {t.get('rows_valid', 0):,} | {t.get('rows_rejected', 0):,} |")
w("")
w("MB is 10^6 bytes; MB/s is the input file's size over the median time.")
w("")
w("## Results")
for n in SIZES:
    size = os.path.getsize(p(f"data-{n}.csv"))
    w("")
    w(f"### {int(n):,} rows ({size / 1e6:.1f} MB)")
    w("")
    md.extend(table(rows_of(n), size, "nebulk convert"))
    if int(n) == 1_000_000:
        md.extend(lean_ratios(rows_of(n)))
w("")
w(f"What the peers do and do not do (all of them read the same file; nebulk and polars use all "
  f"{os.cpu_count()} CPUs, frictionless is one Python process):")
w("")
w("- **nebulk validate** checks every rule and prints a summary; **nebulk convert** also writes "
  "upload.csv, rejects.csv and report.json.")
w("- **polars (polars_check.py, two passes)** applies every rule but the account limit with vectorised "
  "expressions and writes upload.csv and rejects.csv (line, codes, fields). polars' CSV reader "
  "cannot keep a row's own field count nor bytes that are not UTF-8, so the script reads the file "
  "a second time as raw lines to count each record's fields, and takes the U+FFFD of `utf8-lossy` "
  "for an encoding fault. Its time includes starting Python and importing polars, timed on its "
  "own in the startup-only row. The correctness check below compares its outputs with nebulk's.")
w("- **polars (lean script)** (`polars_lean.py`) reads the file once (every column a string, "
  "`utf8-lossy`, ragged lines cut or padded) and checks the 8 system attributes with vectorised "
  "expressions: missing values, a simple e-mail shape, the phone rule, ISO dates and date-times "
  "with an offset (`str.to_datetime`), endDate before startDate, duplicate lower-cased account "
  "names, values over 255 characters (any column); it writes valid.csv (the rows as read) and invalid.csv "
  "(a `codes` column, then the fields). It leaves out field counts and bytes that are not UTF-8: "
  "such rows pass as valid unless another check fails, so it rejects fewer rows than the truth. "
  "Python start-up and the polars import are in its time.")
w("- **frictionless** ([`frictionless-schema.json`](benches/peers/frictionless-schema.json)): "
  "required and non-blank system attributes, `format: email`, a pattern for the phone rule (7–15 "
  "digits and the separators), a pattern for the ISO date shapes, `maxLength: 255`, `unique` "
  "accountName; it reports extra and missing cells. It cannot check: a real calendar date "
  "(2026-02-30 fits the pattern; Table Schema's `date`/`datetime` types each take one layout while "
  "the column mixes dates and date-times with offsets), endDate before startDate, duplicate account "
  "names that differ in case, and bytes that are not UTF-8 (with `--encoding utf-8` it stops at the "
  "first one, so it reads the file as latin-1, which never fails). It writes no output file, only "
  "its JSON report.")
w("- **qsv validate**" + ("" if env.get("HAVE_QSV") else " (not installed for this run)")
  + " ([`qsv-schema.json`](benches/peers/qsv-schema.json), JSON Schema 2020-12): "
  "the same patterns, `format: email`, `maxLength`, required, and qsv's `uniqueCombinedWith` on "
  "accountName (case-sensitive). Same gaps as frictionless; it also refuses input that is not "
  "UTF-8, so it is timed on a copy without those bytes. It writes `.valid`/`.invalid` files.")

if LINEAR:
    w("")
    w(f"## Linearity: {int(BASE):,} vs {int(LINEAR):,} rows")
    w("")
    rows = rows_of("linear")
    by = {r["name"]: r for r in rows}
    w("| command | median s at " + f"{int(BASE):,}" + " | at " + f"{int(LINEAR):,}"
      + " | time ratio | peak RSS MiB at each | RSS ratio |")
    w("|---|---|---|---|---|---|")
    scale = int(LINEAR) / int(BASE)
    for cmd in ("nebulk validate", "nebulk convert"):
        a, b = by.get(f"{cmd} {BASE}"), by.get(f"{cmd} {LINEAR}")
        if not a or not b:
            continue
        rss = (f"{a['rss'] / 1024:.1f} / {b['rss'] / 1024:.1f}", f"{b['rss'] / a['rss']:.2f}x") \
            if a["rss"] and b["rss"] else ("n/a", "n/a")
        w(f"| {cmd} | {secs(a['median'])} ({secs(a['min'])}–{secs(a['max'])}) "
          f"| {secs(b['median'])} ({secs(b['min'])}–{secs(b['max'])}) "
          f"| {b['median'] / a['median']:.2f}x (rows: {scale:.0f}x) | {rss[0]} | {rss[1]} |")
    w("")
    w("Linear time shows as a time ratio near the row ratio; bounded memory as an RSS ratio far "
      "below it (what grows is the set of account names seen).")

w("")
def size_of(name):
    return os.path.getsize(p(name)) if os.path.exists(p(name)) else 0


def structured_section(tag, size, base_name, out, which=""):
    """The table of a structured input's commands, and the counts of its report.json."""
    md.extend(table(rows_of(tag), size, base_name))
    rep = load(p(out, "report.json"))
    if rep:
        w("")
        w(f"report.json{which}: {rep['rows_read']:,} rows read, {rep['rows_valid']:,} valid, "
          f"{rep['rows_rejected']:,} rejected.")


w(f"## XML: an Xtracta answer of {XML_ROWS:,} users")
w("")
xml_size = size_of("users.xml")
w(f"`python3 benches/peers/gen_xtracta.py {XML_ROWS} > users.xml`: a `<user_response>` with "
  f"{XML_ROWS:,} `<user>` elements (user_id, name, email_address, primary_group_id, "
  f"assigned_workflows), {xml_size:,} bytes ({xml_size / 1e6:.1f} MB, "
  f"{xml_size / max(XML_ROWS, 1):.0f} bytes a user). nebulk maps each user onto the 8 system "
  "attributes (no `--schema`, so the workflows are not uploaded) with the constants set on the "
  "command line.")
w("")
structured_section("xml", xml_size, "nebulk convert --from xtracta-users", "out-xml")

w("")
w(f"## JSON: NERM pages of {XML_ROWS:,} users")
w("")
nerm_size = size_of("nerm-users.json")
w(f"`python3 benches/peers/gen_nerm.py {XML_ROWS} > nerm-users.json`: one `GET /users` page of "
  f"{XML_ROWS:,} users, {nerm_size:,} bytes ({nerm_size / 1e6:.1f} MB), and the same users as "
  "pages of 100 in a folder (`--pages nerm-pages 100`, about the same bytes). nebulk maps each "
  "user onto the 8 system attributes with the constants set on the command line. MB/s is of the "
  "one page's size.")
w("")
structured_section("nerm", nerm_size, "nebulk convert --from nerm-users (one page)", "out-nerm",
                   " (one page)")

w("")
w("## Correctness cross-check")
w("")
w("Each tool is run once more on the same file and its counts are set against the generator's "
  "truth file.")
check = []
for n in SIZES:
    check.append("")
    check.extend(correctness(n))
md.extend(check)
print("\n".join(["", "Correctness cross-check:"] + check))

w("")
w("## Command lines")
w("")
w(f"Run in `{os.path.relpath(OUT, ROOT)}/`, where `./nebulk` is a copy of `target/release/nebulk` "
  "(built with `cargo build --release --bin nebulk`) and the peers' files are copied beside the "
  "data. Data:")
w("")
w("```sh")
for n in ALL_SIZES:
    w(f"./nebulk gen --rows {n} --seed 1 --error-rate 0.01 --max-accounts {MAXACC} "
      f"--out data-{n}.csv --truth truth-{n}.json --template template.csv")
if env.get("HAVE_QSV"):
    for n in SIZES:
        w(f"iconv -f UTF-8 -t UTF-8 -c data-{n}.csv > data-{n}.utf8.csv   # for qsv")
w(f"{PY} gen_xtracta.py {XML_ROWS} > users.xml")
w(f"{PY} gen_nerm.py {XML_ROWS} > nerm-users.json")
w(f"{PY} gen_nerm.py {XML_ROWS} --pages nerm-pages 100")
w("```")
w("")
w(f"Timing: `hyperfine --warmup 1 --runs {RUNS} -i --export-json hyperfine-TAG.json -n NAME 'COMMAND' ...` "
  "(`-i`: exit code 1, some rows rejected, is not a failure). Peak memory: "
  "`/usr/bin/time -f %M sh -c 'COMMAND'` three times, the median (KiB). The commands:")
w("")
w("```sh")
tags = SIZES + (["linear"] if LINEAR else []) + ["xml", "nerm"]
seen = set()
for tag in tags:
    for name, cmd in (r[:2] for r in tsv(p(f"commands-{tag}.tsv"))):
        if cmd not in seen:
            seen.add(cmd)
            w(cmd)
w("```")
w("")
with open(os.path.join(ROOT, "BENCHMARKS.md"), "w", encoding="utf-8") as f:
    f.write("\n".join(md))
print(f"\nwrote {os.path.join(ROOT, 'BENCHMARKS.md')}")
PY

# 7. The tenant (issue 11): 1M rows against 50 source exports, appended (TENANT=0 leaves it out).
if [ "${TENANT:-1}" != 0 ]; then
    say "the tenant"
    ROWS=$TENANT_ROWS NEBULK=$OUT/nebulk RUNS=$RUNS OUT=$OUT/tenant bash "$HERE/tenant.sh" >> "$ROOT/BENCHMARKS.md"
fi

# 8. Parquet in (issue 14): nebulk built with --features polars (its own build, a long one),
# Parquet next to CSV and polars' scan_parquet, appended (PARQUET=0 leaves it out).
if [ "${PARQUET:-1}" = keep ]; then
    cat "$KEPT_PARQUET" >> "$ROOT/BENCHMARKS.md"
elif [ "${PARQUET:-1}" != 0 ]; then
    say "Parquet in"
    RUNS=$RUNS OUT=$OUT/parquet bash "$HERE/parquet.sh" >> "$ROOT/BENCHMARKS.md"
fi

# 9. Where the time goes: the profile, kept by hand in profile.md (callgrind counts do not
# change from run to run, so they are measured when the code changes, with the commands there).
cat "$HERE/profile.md" >> "$ROOT/BENCHMARKS.md"
