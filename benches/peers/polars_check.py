#!/usr/bin/env python3
"""nebulk's checks written as a data engineer would in polars: the peer in benches/peers/run.sh.

    python3 polars_check.py data.csv OUT_DIR

Reads a Non-Employee accounts CSV (every column as a string), applies the rules of nebulk's
README with vectorised expressions, writes OUT_DIR/upload.csv (the valid rows: trimmed, dates as
RFC 3339 with seconds) and OUT_DIR/rejects.csv (line, codes, then the row's fields), and prints
the counts as JSON: rows_read, rows_valid, rows_rejected, by_code.

The 8 system attributes are found by their technical names; every other column is an optional
custom attribute. Checks: missing-value (a system attribute empty after trimming), invalid-email
(the HTML5 address grammar the `validator` crate uses), invalid-phone (optional
`+`, digits and space - . ( ) /, 7 to 15 digits), invalid-date (ISO `YYYY-MM-DD` or a date-time
with an offset, a real calendar date), end-before-start (as instants), value-too-long (more than
255 characters after trimming), duplicate-account (trimmed, lower-cased, the first one kept),
malformed-row (a different number of fields than the header) and invalid-encoding (bytes that
are not UTF-8). The account limit is not modelled (the benchmark raises it out of reach).

What polars cannot do the way nebulk does, and how this script gets closest:
- Its CSV reader cannot keep a row's own number of fields: with `truncate_ragged_lines` it cuts
  long rows and pads short ones. So the file is also read as raw lines (a second, cheap pass),
  physical lines are joined into records by quote parity, and the delimiters outside quotes are
  counted; that gives each record's field count and its first line number.
- It cannot keep bytes that are not UTF-8: `utf8-lossy` turns them into U+FFFD, so a field
  holding U+FFFD is taken for an encoding fault (a genuine U+FFFD in the input would be too), and
  rejects.csv holds the replaced text, not the original bytes.
- Internationalised e-mail domains are matched by a regular expression rather than through
  punycode, and a leap second (:60) is read as the next minute (and written as :60).
"""

import inspect
import json
import os
import sys

import polars as pl

SYSTEM = ["accountName", "firstName", "lastName", "email", "phone", "manager", "startDate", "endDate"]
MAX_LEN = 255

# The `validator` crate's grammar: the HTML5 local part (at most 64 characters), then host
# labels of letters, digits and inner hyphens joined by dots, or an address literal. validator
# turns an internationalised domain into punycode first; here a label may hold any non-ASCII
# letter instead (close, not exact).
LABEL = r"[A-Za-z0-9\u0080-\U0010FFFF](?:[A-Za-z0-9\u0080-\U0010FFFF-]{0,61}[A-Za-z0-9\u0080-\U0010FFFF])?"
LITERAL = r"\[(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|IPv6:[0-9A-Fa-f:.]+)\]"
EMAIL = r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?:" + LABEL + r"(?:\." + LABEL + r")*|" + LITERAL + r")$"
PHONE_CHARS = r"^\+?[0-9 ./()-]*$"
# ISO 8601 as nebulk reads it: a date, or a date-time (T, t or space; seconds and a fraction
# optional) with an offset (Z or +hh:mm).
DATE = (
    r"^(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?:[Tt ](?P<hm>[0-9]{2}:[0-9]{2})(?::(?P<sec>[0-9]{2})(?P<frac>\.[0-9]+)?)?(?P<off>[Zz]|[+-][0-9]{2}:[0-9]{2}))?$"
)
CODES = [
    "missing-value",
    "invalid-email",
    "invalid-phone",
    "invalid-date",
    "end-before-start",
    "duplicate-account",
    "malformed-row",
    "invalid-encoding",
    "value-too-long",
]


def keep_empty_strings() -> dict:
    """Empty fields as "" rather than null, under polars 1.x's or 2.x's keyword."""
    params = inspect.signature(pl.read_csv).parameters
    if "empty_string_is_null" in params:
        return {"empty_string_is_null": False}
    return {"missing_utf8_is_empty_string": True}


def record_shapes(path: str) -> pl.DataFrame:
    """Each CSV record's first physical line and number of fields, from the raw lines."""
    lines = pl.read_csv(
        path,
        has_header=False,
        separator="\x1f",
        quote_char=None,
        new_columns=["text"],
        schema={"text": pl.String},
        encoding="utf8-lossy",
        **keep_empty_strings(),
    ).with_row_index("line", offset=1)
    text = pl.col("text").fill_null("")
    lines = lines.with_columns(
        open_after=text.str.count_matches('"', literal=True).cum_sum() % 2 == 1
    ).with_columns(open_before=pl.col("open_after").shift(1, fill_value=False))
    # Delimiters outside quotes: a line that starts inside a quoted field is read as if it began
    # with the quote; every quoted stretch is then removed ("" escapes are two stretches).
    outside = (
        pl.when(pl.col("open_before")).then(pl.lit('"') + text).otherwise(text)
        .str.replace_all(r'"[^"]*("|$)', "")
    )
    lines = lines.with_columns(commas=outside.str.count_matches(",", literal=True).cum_sum())
    starts = lines.filter(~pl.col("open_before")).select("line")
    ends = lines.filter(~pl.col("open_after")).select(
        fields=pl.col("commas") - pl.col("commas").shift(1, fill_value=0) + 1
    )
    n = min(starts.height, ends.height)  # a file ending inside quotes has an unfinished record
    return pl.concat([starts.head(n), ends.head(n)], how="horizontal")


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.splitlines()[2].strip(), file=sys.stderr)
        return 2
    path, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)

    df = pl.read_csv(
        path,
        infer_schema=False,
        encoding="utf8-lossy",
        truncate_ragged_lines=True,
        **keep_empty_strings(),
    )
    columns = df.columns
    missing = [c for c in SYSTEM if c not in columns]
    if missing:
        print(f"{path}: no column for {', '.join(missing)}", file=sys.stderr)
        return 2

    shapes = record_shapes(path)
    header_fields, records = shapes["fields"][0], shapes.slice(1)
    if records.height != df.height:
        print(
            f"warning: {records.height} records in the raw lines but {df.height} rows parsed; "
            "field counts not checked",
            file=sys.stderr,
        )
        records = pl.DataFrame({"line": [None] * df.height, "fields": [header_fields] * df.height})
    df = pl.concat([records, df], how="horizontal")

    dates = ("startDate", "endDate")

    def value(c: str) -> pl.Expr:
        """The field trimmed (computed once, in the first stage)."""
        return pl.col(f"t:{c}")

    def present(c: str) -> pl.Expr:
        """A value to check: well encoded and not empty."""
        return ~pl.col(f"bad:{c}") & (value(c) != "")

    def rfc3339(parts: pl.Expr, fraction: bool = False) -> pl.Expr:
        """The ISO parts as upload text, 2026-03-24T08:00:00-05:00 (with the fraction of a
        second, if any, when `fraction`); null when not ISO."""
        offset = parts.struct.field("off")
        return pl.concat_str(
            parts.struct.field("date"),
            pl.lit("T"),
            parts.struct.field("hm").fill_null("00:00"),
            pl.lit(":"),
            parts.struct.field("sec").fill_null("00"),
            *([parts.struct.field("frac").fill_null("")] if fraction else []),
            pl.when(offset.is_null() | (offset.str.to_uppercase() == "Z"))
            .then(pl.lit("+00:00"))
            .otherwise(offset),
        )

    phone = value("phone")
    checked = (
        df.lazy()
        # Each field trimmed, and whether polars had to replace bytes that are not UTF-8.
        .with_columns(
            [pl.col(c).fill_null("").str.strip_chars().alias(f"t:{c}") for c in columns]
            + [pl.col(c).fill_null("").str.contains("\ufffd", literal=True).alias(f"bad:{c}") for c in columns]
        )
        # Dates: the ISO shape, the upload text, then the instant (null unless a real date).
        .with_columns([value(c).str.extract_groups(DATE).alias(f"iso:{c}") for c in dates])
        .with_columns(
            [rfc3339(pl.col(f"iso:{c}")).alias(f"up:{c}") for c in dates]
            + [
                rfc3339(pl.col(f"iso:{c}"), fraction=True)
                .str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%z", strict=False, time_zone="UTC")
                .alias(f"at:{c}")
                for c in dates
            ]
        )
        .with_columns(
            malformed=pl.col("fields") != header_fields,
            # Every well-formed row with an account name claims it, even one rejected for
            # another reason; the first claim wins.
            claim=(pl.col("fields") == header_fields) & present("accountName"),
            **{
                "invalid-encoding": pl.any_horizontal([pl.col(f"bad:{c}") for c in columns]),
                "missing-value": pl.any_horizontal([~pl.col(f"bad:{c}") & (value(c) == "") for c in SYSTEM]),
                "value-too-long": pl.any_horizontal(
                    [present(c) & (value(c).str.len_chars() > MAX_LEN) for c in columns]
                ),
                "invalid-email": present("email") & ~value("email").str.contains(EMAIL),
                "invalid-phone": present("phone")
                & (~phone.str.contains(PHONE_CHARS) | ~phone.str.count_matches("[0-9]").is_between(7, 15)),
                "invalid-date": pl.any_horizontal([present(c) & pl.col(f"at:{c}").is_null() for c in dates]),
                "end-before-start": pl.col("at:endDate") < pl.col("at:startDate"),
            },
        )
        .with_columns(
            **{
                "duplicate-account": pl.col("claim")
                & ~pl.when(pl.col("claim")).then(value("accountName").str.to_lowercase()).is_first_distinct(),
            }
        )
        .with_columns(
            # A malformed row gets no other check.
            codes=pl.when(pl.col("malformed"))
            .then(pl.lit("malformed-row"))
            .otherwise(
                pl.concat_str(
                    [
                        pl.when(pl.col(code).fill_null(False)).then(pl.lit(code))
                        for code in CODES
                        if code != "malformed-row"
                    ],
                    separator=";",
                    ignore_nulls=True,
                )
            )
        )
        .collect()
    )

    valid = checked.filter(pl.col("codes") == "")
    rejected = checked.filter(pl.col("codes") != "")

    # polars writes an empty string as "" and a null as nothing: empty values go out as nulls.
    upload = valid.select(
        [(pl.col(f"up:{c}") if c in dates else value(c)).replace("", None).alias(c) for c in columns]
    )
    upload.write_csv(os.path.join(out_dir, "upload.csv"), line_terminator="\n")
    rejected.select(["line", "codes", *[pl.col(c).replace("", None) for c in columns]]).write_csv(
        os.path.join(out_dir, "rejects.csv"), line_terminator="\n"
    )

    by_code = (
        rejected.select(pl.col("codes").str.split(";").explode())
        .group_by("codes")
        .len()
        .sort("codes")
    )
    counts = {
        "rows_read": checked.height,
        "rows_valid": valid.height,
        "rows_rejected": rejected.height,
        "by_code": {row["codes"]: row["len"] for row in by_code.iter_rows(named=True)},
    }
    print(json.dumps(counts, indent=2))
    return 1 if rejected.height else 0


if __name__ == "__main__":
    sys.exit(main())
