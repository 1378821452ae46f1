//! Issue 14: Parquet, Arrow IPC and NDJSON in and Parquet and IPC out, through polars (the
//! `polars` feature: `cargo test -p nebulk-cli --features polars`). Round trips against the
//! CSV run's outputs, a generated file against the generator's truth, typed cells, and every
//! malformed Parquet case as a fatal error naming the file and the column or row group.

use std::collections::HashMap;
use std::path::Path;

use nebulk_columnar::polars::prelude::*;
use nebulk_columnar::{encode_csv, ColumnType, OutputFormat, OutputTable, TypedWriter};
use serde_json::Value;

use crate::harness::{json, run_in, Run};

/// Reads `path`'s records as a header and rows of text, leaving out rows a table cannot hold
/// (another number of fields than the header, bytes that are not UTF-8): how many of each.
fn table_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>, u64, u64) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let (mut rows, mut malformed, mut not_utf8) = (Vec::new(), 0, 0);
    for record in reader.byte_records() {
        let record = record.unwrap();
        if record.len() != header.len() {
            malformed += 1;
            continue;
        }
        let texts: Result<Vec<String>, _> = record
            .iter()
            .map(|f| String::from_utf8(f.to_vec()))
            .collect();
        match texts {
            Ok(texts) => rows.push(texts),
            Err(_) => not_utf8 += 1,
        }
    }
    (header, rows, malformed, not_utf8)
}

/// Writes `header` and `rows` as a table of text columns in `format`.
fn write_table(path: &Path, format: OutputFormat, header: &[String], rows: &[Vec<String>]) {
    let columns: Vec<(&str, ColumnType)> = header
        .iter()
        .map(|h| (h.as_str(), ColumnType::Text))
        .collect();
    let file = std::fs::File::create(path).unwrap();
    let mut writer = TypedWriter::new(file, format, &columns).unwrap();
    for row in rows {
        writer.push_row(row).unwrap();
    }
    writer.finish().unwrap();
}

/// Writes `header` and `rows` as a CSV file.
fn write_csv(path: &Path, header: &[String], rows: &[Vec<String>]) {
    let mut writer = csv::Writer::from_path(path).unwrap();
    writer.write_record(header).unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    writer.flush().unwrap();
}

/// Writes `header` and `rows` as NDJSON, one object of strings per line.
fn write_ndjson(path: &Path, header: &[String], rows: &[Vec<String>]) {
    let mut text = String::new();
    for row in rows {
        let object: serde_json::Map<String, Value> = header
            .iter()
            .zip(row)
            .map(|(h, v)| (h.clone(), Value::String(v.clone())))
            .collect();
        text.push_str(&serde_json::to_string(&object).unwrap());
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

fn read_parquet(path: &Path) -> DataFrame {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ParquetReader::new(file).finish().unwrap()
}

fn read_ipc(path: &Path) -> DataFrame {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    IpcReader::new(file).finish().unwrap()
}

/// The row number of the record starting on each line of the CSV file `path` (1 for the first
/// record after the header; a record spans lines when a quoted field holds a line break), and
/// 0 for the header's line.
fn rows_by_line(path: &Path) -> HashMap<u64, u64> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .unwrap();
    let mut rows = HashMap::from([(1, 0)]);
    let mut record = csv::ByteRecord::new();
    let mut row = 0;
    while reader.read_byte_record(&mut record).unwrap() {
        row += 1;
        rows.insert(record.position().unwrap().line(), row);
    }
    rows
}

/// `text` with every `line N` said as the row that starts on line N (`rows`).
fn as_rows(text: &str, rows: &HashMap<u64, u64>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("line ") {
        let (before, after) = rest.split_at(at + "line ".len());
        out.push_str(before);
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if let Ok(n) = after[..digits].parse::<u64>() {
            out.push_str(&rows[&n].to_string());
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// The CSV run's `name` (in `csv_out`) as the table a table run writes, its line numbers
/// (column `line`, and lines named in messages) taken as the row numbers of the input `input`.
fn expected_table(csv_out: &Path, name: &str, date_columns: &[String], input: &Path) -> DataFrame {
    let rows = rows_by_line(input);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(csv_out.join(name))
        .unwrap();
    let header = reader.byte_headers().unwrap().clone();
    let line = header.iter().position(|h| h == b"line");
    let mut shifted = csv::Writer::from_writer(Vec::new());
    shifted.write_byte_record(&header).unwrap();
    for record in reader.byte_records() {
        let record = record.unwrap();
        let fields: Vec<Vec<u8>> = record
            .iter()
            .enumerate()
            .map(|(i, field)| match std::str::from_utf8(field) {
                Ok(text) if Some(i) == line => {
                    rows[&text.parse::<u64>().unwrap()].to_string().into_bytes()
                }
                Ok(text) => as_rows(text, &rows).into_bytes(),
                Err(_) => field.to_vec(),
            })
            .collect();
        shifted.write_record(&fields).unwrap();
    }
    let csv = shifted.into_inner().unwrap();
    let table = OutputTable::of_file(name, date_columns).unwrap();
    let mut bytes = Vec::new();
    encode_csv(
        &csv[..],
        OutputFormat::Parquet,
        &|c| table.column_type(c),
        &mut bytes,
    )
    .unwrap();
    ParquetReader::new(std::io::Cursor::new(bytes))
        .finish()
        .unwrap()
}

fn assert_same(name: &str, got: &DataFrame, want: &DataFrame) {
    assert_eq!(got.schema(), want.schema(), "{name}: columns and types");
    assert_eq!(got.height(), want.height(), "{name}: rows");
    for (a, b) in got.columns().iter().zip(want.columns()) {
        for i in 0..a.len() {
            let (x, y) = (a.get(i).unwrap(), b.get(i).unwrap());
            assert!(
                x.eq_missing(&y, true),
                "{name}: column `{}`, row {i}: got {x:?}, want {y:?}",
                a.name()
            );
        }
    }
    assert!(got.equals_missing(want), "{name}: values differ");
}

/// Generates `rows` accounts with faults and keeps those a table can hold, as `accounts.csv`
/// (rewritten without the others), `accounts.parquet`, `accounts.arrow` and `accounts.ndjson`;
/// gives the truth and the rows left out (malformed, not UTF-8).
fn generated_tables(d: &Path, rows: u64, seed: u64, max: &str) -> (Value, u64, u64) {
    let gen = run_in(
        d,
        &[
            "gen",
            "--rows",
            &rows.to_string(),
            "--seed",
            &seed.to_string(),
            "--error-rate",
            "0.05",
            "--max-accounts",
            max,
            "--out",
            "generated.csv",
            "--truth",
            "truth.json",
            "--template",
            "template.csv",
        ],
    );
    assert_eq!(gen.code, 0, "{}", gen.stderr);
    let (header, rows, malformed, not_utf8) = table_rows(&d.join("generated.csv"));
    write_csv(&d.join("accounts.csv"), &header, &rows);
    write_table(
        &d.join("accounts.parquet"),
        OutputFormat::Parquet,
        &header,
        &rows,
    );
    write_table(&d.join("accounts.arrow"), OutputFormat::Ipc, &header, &rows);
    write_ndjson(&d.join("accounts.ndjson"), &header, &rows);
    (json(&d.join("truth.json")), malformed, not_utf8)
}

fn convert(d: &Path, input: &str, out: &str, extra: &[&str]) -> Run {
    let args = [
        &[
            "convert",
            input,
            "--schema",
            "template.csv",
            "--out",
            out,
            "-q",
        ][..],
        extra,
    ]
    .concat();
    let run = run_in(d, &args);
    assert_eq!(run.code, 1, "{input} {extra:?}: {}", run.stderr);
    run
}

/// The CSV run of a file, and the Parquet run of the same rows written as Parquet, agree value
/// for value in every data file (line numbers as row numbers); so do the IPC outputs, and
/// the upload.csv of every input kind (Parquet sniffed and named, IPC, NDJSON) is the CSV
/// run's byte for byte.
#[test]
fn csv_and_parquet_runs_agree_value_for_value() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    generated_tables(d, 3000, 21, "2500");
    let limit = ["--max-accounts", "2500"];
    convert(d, "accounts.csv", "csv", &limit);
    convert(
        d,
        "accounts.parquet",
        "parquet",
        &[&limit[..], &["--format", "parquet"]].concat(),
    );
    convert(
        d,
        "accounts.parquet",
        "ipc",
        &[&limit[..], &["--from", "parquet", "--format", "ipc"]].concat(),
    );
    convert(d, "accounts.arrow", "from-ipc", &limit);
    convert(d, "accounts.ndjson", "from-ndjson", &limit);
    let dates = vec!["startDate".to_string(), "endDate".to_string()];
    for name in ["upload.csv", "overflow.csv", "rejects.csv", "findings.csv"] {
        let want = expected_table(&d.join("csv"), name, &dates, &d.join("accounts.csv"));
        assert!(want.height() > 0, "{name} has rows");
        let stem = name.trim_end_matches(".csv");
        let parquet = read_parquet(&d.join(format!("parquet/{stem}.parquet")));
        assert_same(&format!("{stem}.parquet"), &parquet, &want);
        let ipc = read_ipc(&d.join(format!("ipc/{stem}.arrow")));
        assert_same(&format!("{stem}.arrow"), &ipc, &want);
        assert!(!d.join(format!("parquet/{name}")).exists() || name == "upload.csv");
    }
    let upload = std::fs::read(d.join("csv/upload.csv")).unwrap();
    for run in ["parquet", "ipc", "from-ipc", "from-ndjson"] {
        let other = std::fs::read(d.join(format!("{run}/upload.csv"))).unwrap();
        assert!(
            other == upload,
            "{run}/upload.csv differs from the CSV run's"
        );
    }
    let rejects = read_parquet(&d.join("parquet/rejects.parquet"));
    assert_eq!(rejects.column("line").unwrap().dtype(), &DataType::Int64);
    assert_eq!(
        rejects.column("codes").unwrap().dtype(),
        &DataType::List(Box::new(DataType::String))
    );
    let upload = read_parquet(&d.join("parquet/upload.parquet"));
    assert_eq!(
        upload.column("startDate").unwrap().dtype(),
        &DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
    );
}

/// 100,000 generated rows written as Parquet: the report counts what the generator's truth
/// counts, less the rows Parquet cannot hold (a wrong number of fields, bytes that are not
/// UTF-8), which are left out of the file.
#[test]
fn a_generated_parquet_file_agrees_with_the_truth() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (truth, malformed, not_utf8) = generated_tables(d, 100_000, 14, "200000");
    assert!(malformed > 0 && not_utf8 > 0, "the generator injects both");
    let run = run_in(
        d,
        &[
            "validate",
            "accounts.parquet",
            "--schema",
            "template.csv",
            "--max-accounts",
            "200000",
            "--report",
            "report.json",
            "-q",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = json(&d.join("report.json"));
    let left_out = malformed + not_utf8;
    let count = |v: &Value| v.as_u64().unwrap();
    assert_eq!(report["from"], "parquet");
    assert_eq!(
        count(&report["rows_read"]),
        count(&truth["rows"]) - left_out
    );
    assert_eq!(report["rows_valid"], truth["rows_valid"]);
    assert_eq!(
        count(&report["rows_rejected"]),
        count(&truth["rows_rejected"]) - left_out
    );
    let mut by_code = truth["by_code"].as_object().unwrap().clone();
    for (code, gone) in [("malformed-row", malformed), ("invalid-encoding", not_utf8)] {
        let left = count(&by_code[code]) - gone;
        match left {
            0 => by_code.remove(code),
            n => by_code.insert(code.to_string(), n.into()),
        };
    }
    assert_eq!(report["by_code"], Value::Object(by_code));
}

/// Typed cells read as a person would have typed them: dates ISO, date-times RFC 3339 keeping
/// their zone (UTC as `Z`; a naive one as UTC), integral floats (a phone number) without `.0`,
/// nulls missing, a struct's fields as `parent.child`, lists joined with `,`; a row's line is
/// its 1-based row number.
#[test]
fn typed_parquet_cells_read_as_text() {
    use nebulk_read::RowSource;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typed.parquet");
    let start = Series::new("start".into(), [Some(20_536i32), None])
        .cast(&DataType::Date)
        .unwrap();
    let chicago = TimeZone::opt_try_new(Some("America/Chicago"))
        .unwrap()
        .unwrap();
    let zoned = Int64Chunked::new("zoned".into(), [1_774_357_200_000_000i64, 0])
        .into_datetime(TimeUnit::Microseconds, Some(chicago))
        .into_series();
    let naive = Series::new("naive".into(), [1_774_357_200_000i64, 0])
        .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
        .unwrap();
    let city = Series::new("city".into(), ["Austin", "Berlin"]);
    let zip = Series::new("zip".into(), [78701i64, 10115]);
    let address = StructChunked::from_series("address".into(), 2, [city, zip].iter())
        .unwrap()
        .into_series();
    let tags = Series::new(
        "tags".into(),
        [
            Series::new("".into(), [Some("a"), None, Some("b")]),
            Series::new("".into(), Vec::<&str>::new()),
        ],
    );
    let mut df = DataFrame::new(
        2,
        vec![
            Series::new("login".into(), ["ann", "bob"]).into_column(),
            Series::new("phone".into(), [Some(5_125_550_100.0f64), Some(2.5)]).into_column(),
            Series::new("badge".into(), [Some(42i32), None]).into_column(),
            Series::new("email".into(), [None, Some("bob@example.com")]).into_column(),
            Series::new("active".into(), [true, false]).into_column(),
            start.into_column(),
            zoned.into_column(),
            naive.into_column(),
            address.into_column(),
            tags.into_column(),
        ],
    )
    .unwrap();
    ParquetWriter::new(std::fs::File::create(&path).unwrap())
        .finish(&mut df)
        .unwrap();
    let mut source = nebulk_columnar::open_parquet(&path).unwrap();
    assert_eq!(
        source.header(),
        [
            "login",
            "phone",
            "badge",
            "email",
            "active",
            "start",
            "zoned",
            "naive",
            "address.city",
            "address.zip",
            "tags"
        ]
    );
    let rows = source.read_chunk(10, 1 << 20).unwrap();
    let text = |row: usize| -> Vec<String> {
        rows[row]
            .record
            .iter()
            .map(|f| String::from_utf8(f.to_vec()).unwrap())
            .collect()
    };
    assert_eq!(
        text(0),
        [
            "ann",
            "5125550100",
            "42",
            "",
            "true",
            "2026-03-24",
            "2026-03-24T08:00:00-05:00",
            "2026-03-24T13:00:00Z",
            "Austin",
            "78701",
            "a,b"
        ]
    );
    assert_eq!(
        text(1),
        [
            "bob",
            "2.5",
            "",
            "bob@example.com",
            "false",
            "",
            "1969-12-31T18:00:00-06:00",
            "1970-01-01T00:00:00Z",
            "Berlin",
            "10115",
            ""
        ]
    );
    assert_eq!(
        (rows[0].line, rows[1].line),
        (1, 2),
        "rows are numbered from 1"
    );
}

/// A table on standard input is copied to a temporary file and read as a file is.
#[test]
fn a_parquet_file_on_standard_input_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let header: Vec<String> = nebulk_schema::Schema::system()
        .headers()
        .map(String::from)
        .collect();
    let row: Vec<String> = [
        "ann",
        "Ann",
        "Lee",
        "ann@example.com",
        "+15125550100",
        "jane.doe",
        "2026-01-05",
        "2026-12-31",
    ]
    .map(String::from)
    .to_vec();
    write_table(
        &d.join("one.parquet"),
        OutputFormat::Parquet,
        &header,
        &[row],
    );
    let output = crate::harness::nebulk()
        .current_dir(d)
        .args(["validate", "-", "-q"])
        .stdin(std::fs::File::open(d.join("one.parquet")).unwrap())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A valid Parquet file of 1,000 rows of one text column, `accountName`, as polars writes it.
fn valid_parquet() -> Vec<u8> {
    let names: Vec<String> = (0..1000).map(|i| format!("user.{i:04}")).collect();
    let mut df = DataFrame::new(
        1000,
        vec![Series::new("accountName".into(), names).into_column()],
    )
    .unwrap();
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::empty())
        .finish(&mut df)
        .unwrap();
    bytes
}

/// Thrift's compact encoding of an i64 (zigzag, then 7 bits a byte).
fn varint(value: i64) -> Vec<u8> {
    let mut n = ((value << 1) ^ (value >> 63)) as u64;
    let mut out = Vec::new();
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// `bytes` with every i64 field of its footer that follows the field before it (thrift's short
/// header `0x16`) and holds `old` set to `new`, the footer's length mended: a footer that
/// declares what the file does not hold. Panics when no such field is there.
fn patch_footer(bytes: &[u8], old: i64, new: i64) -> Vec<u8> {
    let len = bytes.len();
    let footer_len = u32::from_le_bytes(bytes[len - 8..len - 4].try_into().unwrap()) as usize;
    let start = len - 8 - footer_len;
    let footer = &bytes[start..len - 8];
    let pattern = [&[0x16u8][..], &varint(old)].concat();
    let replacement = [&[0x16u8][..], &varint(new)].concat();
    let mut patched = Vec::new();
    let mut i = 0;
    let mut found = 0;
    while i < footer.len() {
        if footer[i..].starts_with(&pattern) {
            patched.extend_from_slice(&replacement);
            i += pattern.len();
            found += 1;
        } else {
            patched.push(footer[i]);
            i += 1;
        }
    }
    assert!(found > 0, "no field holding {old} in the footer");
    let mut out = bytes[..start].to_vec();
    out.extend_from_slice(&patched);
    out.extend_from_slice(&(patched.len() as u32).to_le_bytes());
    out.extend_from_slice(b"PAR1");
    out
}

/// Runs `validate` on `bytes` saved as `name`: exit 2, a message naming the file and
/// `names`, and no panic.
fn assert_refused(name: &str, bytes: &[u8], names: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), bytes).unwrap();
    let run = run_in(dir.path(), &["validate", name]);
    assert_eq!(run.code, 2, "{name}: {}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
    assert_eq!(
        run.stderr.lines().count(),
        1,
        "{name}: one line: {}",
        run.stderr
    );
    for wanted in [&[name][..], names].concat() {
        assert!(
            run.stderr.contains(wanted),
            "{name}: `{wanted}` in: {}",
            run.stderr
        );
    }
}

#[test]
fn a_truncated_parquet_file_is_a_fatal_error() {
    let bytes = valid_parquet();
    assert_refused("cut.parquet", &bytes[..bytes.len() / 2], &["truncated"]);
    assert_refused("tiny.parquet", b"PAR1", &["truncated"]);
}

#[test]
fn a_parquet_file_with_a_damaged_footer_is_a_fatal_error() {
    let mut bytes = valid_parquet();
    let len = bytes.len();
    let footer_len = u32::from_le_bytes(bytes[len - 8..len - 4].try_into().unwrap()) as usize;
    for byte in &mut bytes[len - 8 - footer_len..len - 8] {
        *byte = 0xff;
    }
    assert_refused("footer.parquet", &bytes, &["footer"]);
    let mut lying = valid_parquet();
    let at = lying.len() - 8;
    lying[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_refused("length.parquet", &lying, &["footer"]);
}

#[test]
fn a_parquet_column_of_an_unexpected_type_is_a_fatal_error() {
    let blob = Series::new("blob".into(), [&b"\x00\x01"[..], &b"\x02"[..]]);
    let mut df = DataFrame::new(
        2,
        vec![
            Series::new("accountName".into(), ["ann", "bob"]).into_column(),
            blob.into_column(),
        ],
    )
    .unwrap();
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).finish(&mut df).unwrap();
    assert_refused("binary.parquet", &bytes, &["column `blob`", "binary"]);
}

/// A tiny file whose footer declares 5 billion rows (the file's and its row group's).
#[test]
fn a_parquet_row_count_bomb_is_a_fatal_error() {
    let bomb = patch_footer(&valid_parquet(), 1000, 5_000_000_000);
    assert_refused("rows.parquet", &bomb, &["5000000000 rows"]);
}

/// A column chunk whose footer declares a terabyte uncompressed (a huge dictionary or row
/// group) from a few kilobytes.
#[test]
fn a_parquet_size_bomb_is_a_fatal_error() {
    let bytes = valid_parquet();
    let metadata = ParquetReader::new(std::io::Cursor::new(bytes.clone()))
        .get_metadata()
        .unwrap()
        .clone();
    let column = &metadata.row_groups[0].parquet_columns()[0];
    let bomb = patch_footer(&bytes, column.uncompressed_size(), 1 << 40);
    assert_refused(
        "size.parquet",
        &bomb,
        &["row group 0", "column `accountName`", "bomb"],
    );
}
