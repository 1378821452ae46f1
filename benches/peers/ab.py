#!/usr/bin/env python3
"""Two (or more) nebulk binaries on the same arguments, in turn, round after round: the wall time
and the CPU time (user + system, from getrusage) of each run, their medians, and for each
binary after the first the median of the rounds' ratios (first / that one). Run side by side,
a slow spell of this shared machine falls on all of them alike.

    python3 benches/peers/ab.py ROUNDS 'ARGS' BINARY_A BINARY_B [...]
    python3 benches/peers/ab.py 6 'convert nerm-users.json --from nerm-users -q --out out-ab' \\
        /tmp/nebulk.before target/release/nebulk
"""
import resource
import statistics
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    rounds, args, binaries = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    wall = {b: [] for b in binaries}
    cpu = {b: [] for b in binaries}
    for _ in range(rounds):
        for binary in binaries:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(f"{binary} {args}", shell=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wall[binary].append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[binary].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    for binary in binaries:
        print(f"{binary}: wall median {statistics.median(wall[binary]):.3f} s "
              f"(min {min(wall[binary]):.3f}); CPU median {statistics.median(cpu[binary]):.3f} s")
    first = binaries[0]
    for binary in binaries[1:]:
        walls = [a / b for a, b in zip(wall[first], wall[binary])]
        cpus = [a / b for a, b in zip(cpu[first], cpu[binary])]
        print(f"{first} / {binary}: wall {statistics.median(walls):.3f}x "
              f"{[round(r, 2) for r in walls]}, CPU {statistics.median(cpus):.3f}x")


if __name__ == "__main__":
    main()
