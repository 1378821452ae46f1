#!/usr/bin/env python3
"""The lean polars checks (polars_lean.py) over a Parquet file: the peer of `nebulk validate
FILE.parquet` in benches/peers/parquet.sh (issue 14).

    python3 polars_parquet.py data.parquet

`pl.scan_parquet` of the file (its columns strings, as nebulk's own Parquet files of accounts
hold them), then the same vectorised expressions as polars_lean.py over the 8 system
attributes: missing-value, invalid-email, invalid-phone, invalid-date, end-before-start,
duplicate-account and value-too-long (any column over 255 characters after trimming). The
query runs on polars' streaming engine where it can (`collect(engine="streaming")`); it writes
nothing but prints one JSON line {"rows_read", "rows_valid", "rows_rejected"} and exits 1 when
a row is rejected (as nebulk validate does). What it leaves out is what polars_lean.py leaves
out (the account limit, nebulk's exact e-mail grammar); a Parquet file has no ragged rows nor
bytes that are not UTF-8.
"""

import json
import sys

import polars as pl

from polars_lean import SYSTEM, lean_checks


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.splitlines()[3].strip(), file=sys.stderr)
        return 2
    lf = pl.scan_parquet(sys.argv[1])
    columns = lf.collect_schema().names()
    missing = [c for c in SYSTEM if c not in columns]
    if missing:
        print(f"{sys.argv[1]}: no column for {', '.join(missing)}", file=sys.stderr)
        return 2
    lf = lf.with_columns(pl.col(c).cast(pl.String) for c in columns)
    checks = lean_checks(columns)
    rejected = pl.any_horizontal(list(checks.values())).fill_null(False)
    counts = lf.select(
        rows_read=pl.len(), rows_rejected=rejected.sum()
    ).collect(engine="streaming")
    read, bad = counts["rows_read"][0], counts["rows_rejected"][0]
    print(json.dumps({"rows_read": read, "rows_valid": read - bad, "rows_rejected": bad}))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
