#!/usr/bin/env bash
# Where the CPU time of a run goes, thread by thread: perf samples (a timer, so it works without
# hardware counters, as on this VM) of `nebulk validate` and `nebulk convert` on the 1M-row file,
# summed per thread (the engine's reader and writer, the rayon workers, the main thread, the
# early syncs) with each one's top functions. Prints Markdown for benches/peers/profile.md.
#
#   bash benches/peers/threads.sh                       # the binary built here
#   NEBULK=/tmp/nebulk.before bash benches/peers/threads.sh
#
# Knobs (environment): NEBULK (the binary), DATA (default target/bench-peers/data-1000000.csv,
# made by run.sh), TEMPLATE (default: template.csv beside DATA), FREQ (samples a second per
# thread, default 4000), TOP (functions shown per thread, default 4).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
source "$HERE/lib.sh"

NEBULK=${NEBULK:-$ROOT/target/release/nebulk}
DATA=${DATA:-$ROOT/target/bench-peers/data-1000000.csv}
TEMPLATE=${TEMPLATE:-$(dirname "$DATA")/template.csv}
FREQ=${FREQ:-4000}
TOP=${TOP:-4}
command -v perf >/dev/null || { say "perf is not installed (apt-get install linux-perf)"; exit 1; }
[ -f "$DATA" ] || { say "no $DATA: run benches/peers/run.sh first, or set DATA"; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
max=100000000
for cmd in validate convert; do
    args=("$cmd" "$DATA" --schema "$TEMPLATE" --max-accounts "$max" -q)
    [ "$cmd" = convert ] && args+=(--out "$WORK/out")
    # A warm-up run first: the file in the page cache, the output folder there.
    "$NEBULK" "${args[@]}" >/dev/null 2>&1 || true
    perf record -q -F "$FREQ" -o "$WORK/$cmd.data" "$NEBULK" "${args[@]}" >/dev/null 2>&1 || true
    perf script -i "$WORK/$cmd.data" -F comm,ip,sym 2>/dev/null >"$WORK/$cmd.txt"
    python3 - "$cmd" "$FREQ" "$TOP" "$WORK/$cmd.txt" <<'PY'
import collections, re, sys

cmd, freq, top, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]

def group(comm):
    """Workers are counted together, as are the early syncs."""
    if comm.startswith("nebulk-work"):
        return "workers (rayon)"
    if comm.startswith("nebulk-writeb"):
        return "early syncs"
    if comm in ("nebulk-read", "nebulk-write"):
        return {"nebulk-read": "reader", "nebulk-write": "writer (ordered stage)"}[comm]
    return "main thread"

samples = collections.Counter()
symbols = collections.defaultdict(collections.Counter)
for line in open(path, encoding="utf-8", errors="replace"):
    parts = line.split(None, 1)
    if not parts:
        continue
    comm = parts[0]
    # The address, then the function (or [unknown]), then the object in parentheses.
    sym = parts[1].strip() if len(parts) > 1 else "?"
    sym = re.sub(r"^[0-9a-f]+\s+", "", sym)
    sym = re.sub(r"\s*\([^()]*\)$", "", sym)
    sym = re.sub(r"::\{\{closure\}\}|::h[0-9a-f]{16}$", "", sym)
    sym = sym.replace("[unknown]", "?")
    g = group(comm)
    samples[g] += 1
    symbols[g][sym.split("<")[0][-60:] or "?"] += 1

if "workers (rayon)" not in samples and "main thread" in samples:
    # A binary from before the workers were named: they share the main thread's name.
    samples["main thread and workers"] = samples.pop("main thread")
    symbols["main thread and workers"] = symbols.pop("main thread")
total = sum(samples.values())
print(f"`nebulk {cmd}`, {total / freq:.2f} CPU-s in all ({total:,} samples):\n")
print("| thread | CPU s | share | top functions (share of the thread) |")
print("|---|---|---|---|")
for g, n in samples.most_common():
    tops = ", ".join(f"`{s}` {c / n:.0%}" for s, c in symbols[g].most_common(top))
    print(f"| {g} | {n / freq:.2f} | {n / total:.0%} | {tops} |")
print()
PY
done
