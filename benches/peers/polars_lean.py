#!/usr/bin/env python3
"""nebulk's checks as a data engineer would first write them in polars: the lean peer in
benches/peers/run.sh (issue 12), beside the fuller polars_check.py.

    python3 polars_lean.py data.csv OUT_DIR

One `pl.read_csv` of the file (every column a string, `utf8-lossy`, ragged lines cut or padded),
then vectorised expressions over the 8 system attributes, found by their technical names:
missing-value (empty after trimming), invalid-email (a simple local@domain.tld shape),
invalid-phone (optional `+`, digits and space - . ( ) /, 7 to 15 digits), invalid-date (a
`YYYY-MM-DD` date or a date-time with an offset, seconds and a fraction optional, parsed by
`str.to_datetime`, so a real calendar date), end-before-start (as instants; a date is its
midnight UTC), duplicate-account (trimmed, lower-cased accountName, the first one kept; every
row with a name claims it, even one rejected for another reason) and, because it costs one
length per field, value-too-long (any column over 255 characters after trimming). Writes
OUT_DIR/valid.csv (the valid rows, original columns and values) and OUT_DIR/invalid.csv (the
other rows: a `codes` column, `;`-joined, then the original columns), prints one JSON line
{"rows_read", "rows_valid", "rows_rejected"}, and exits 1 when a row is rejected (as nebulk
validate does).

Deliberately left out, as a lean script would (polars_check.py models them with a second pass):
- Field counts: `truncate_ragged_lines` cuts a long row and pads a short one with nulls, so a
  malformed row is only caught when the padding empties a system attribute or the shift breaks
  another check; otherwise it passes as valid.
- Encoding: `utf8-lossy` turns bytes that are not UTF-8 into U+FFFD and the row passes (unless
  another check fails); valid.csv then holds the replaced text.
- The account limit, and nebulk's exact e-mail grammar; the date-time separator must be `T`
  and `%#z` also takes offsets such as +0530 or +05.
"""

import json
import os
import sys

import polars as pl

SYSTEM = ["accountName", "firstName", "lastName", "email", "phone", "manager", "startDate", "endDate"]
MAX_LEN = 255
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s.]+$"
PHONE = r"^\+?[0-9 ./()-]+$"
# A date (midnight UTC), or a date-time with an offset (Z or ±hh:mm), with or without seconds.
DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M%#z"]


def trimmed(c: str) -> pl.Expr:
    return pl.col(c).str.strip_chars()


def present(c: str) -> pl.Expr:
    return trimmed(c).fill_null("") != ""


def instant(c: str) -> pl.Expr:
    return pl.coalesce(
        [trimmed(c).str.to_datetime(f, strict=False, time_zone="UTC") for f in DATE_FORMATS]
    )


def lean_checks(columns: list[str]) -> dict[str, pl.Expr]:
    """Each code's check as an expression over the frame's `columns` (strings), true where the
    row fails it: the checks this script and polars_parquet.py run."""
    account = trimmed("accountName").str.to_lowercase()
    phone = trimmed("phone")
    return {
        "missing-value": pl.any_horizontal([~present(c) for c in SYSTEM]),
        "invalid-email": present("email") & ~trimmed("email").str.contains(EMAIL),
        "invalid-phone": present("phone")
        & (~phone.str.contains(PHONE) | ~phone.str.count_matches("[0-9]").is_between(7, 15)),
        "invalid-date": pl.any_horizontal([present(c) & instant(c).is_null() for c in ("startDate", "endDate")]),
        "end-before-start": instant("endDate") < instant("startDate"),
        "duplicate-account": present("accountName")
        & ~pl.when(present("accountName")).then(account).is_first_distinct(),
        "value-too-long": pl.any_horizontal([trimmed(c).str.len_chars() > MAX_LEN for c in columns]),
    }


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.splitlines()[3].strip(), file=sys.stderr)
        return 2
    path, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)

    df = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy", truncate_ragged_lines=True)
    columns = df.columns
    missing = [c for c in SYSTEM if c not in columns]
    if missing:
        print(f"{path}: no column for {', '.join(missing)}", file=sys.stderr)
        return 2

    checks = lean_checks(columns)
    checked = df.lazy().with_columns(
        codes=pl.concat_str(
            [pl.when(cond).then(pl.lit(code)) for code, cond in checks.items()],
            separator=";",
            ignore_nulls=True,
        )
    ).collect()

    valid = checked.filter(pl.col("codes") == "").drop("codes")
    invalid = checked.filter(pl.col("codes") != "").select(["codes", *columns])
    valid.write_csv(os.path.join(out_dir, "valid.csv"))
    invalid.write_csv(os.path.join(out_dir, "invalid.csv"))

    print(json.dumps({"rows_read": checked.height, "rows_valid": valid.height, "rows_rejected": invalid.height}))
    return 1 if invalid.height else 0


if __name__ == "__main__":
    sys.exit(main())
