//! Conservation over arbitrary CSV content (issue 5): whatever bytes follow a valid header,
//! every input record ends exactly once in upload.csv or rejects.csv, rejects name the
//! physical line each record starts on and keep its fields byte for byte, and upload rows read
//! back equal the normalised input. A header that does not fit the schema is a clean fatal
//! error that writes nothing.
//!
//! Inputs come in two shapes:
//! - built: records of fields drawn from plausible values and from hostile bytes (quotes,
//!   delimiters, line ends, NUL, invalid and multi-byte UTF-8), quoted where needed (and now and
//!   then where not), with mixed line ends and blank lines. The records and the line each starts
//!   on are known by construction, independently of any CSV parser.
//! - soup: a valid header, then a byte soup biased the same way. The records are what the `csv`
//!   crate (`flexible(true)`) reads; their lines are counted here from the bytes.
//!
//! Most cases go through the library (`engine::run` into the real `FileSink`, with the input
//! read a few bytes at a time and in tiny chunks, to cross every boundary); fewer through the
//! real binary.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use nebulk_read::{CsvOptions, CsvSource, RowSource};
use nebulk_schema::{Schema, SystemAttr};
use nebulk_validate::{Chunking, ColumnPlan, Engine, Ledger, RuleConfig};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use crate::harness::{csv_records, json, run_in, sorted_files};

/// Date values with their normalised form (`None` when invalid).
const DATES: [(&str, Option<&str>); 8] = [
    ("2026-01-05", Some("2026-01-05T00:00:00+00:00")),
    ("2026-12-31", Some("2026-12-31T00:00:00+00:00")),
    ("2026-03-24T00:00-05:00", Some("2026-03-24T00:00:00-05:00")),
    ("2026-06-01T08:30:00Z", Some("2026-06-01T08:30:00+00:00")),
    (
        "2026-06-01T08:30:00.250+01:00",
        Some("2026-06-01T08:30:00+01:00"),
    ),
    ("2026-02-30", None),
    ("03/24/2026", None),
    ("", None),
];

/// Index of the first date attribute in `SystemAttr::ALL`.
const FIRST_DATE: usize = 6;

// ---------------------------------------------------------------------------------------------
// Bytes

/// A piece of hostile or ordinary content.
fn token() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        8 => "[a-z]{1,4}".prop_map(String::into_bytes),
        2 => Just(b" ".to_vec()),
        3 => Just(b"\"".to_vec()),
        3 => Just(b",".to_vec()),
        2 => Just(b";".to_vec()),
        2 => Just(b"\t".to_vec()),
        1 => Just(b"|".to_vec()),
        2 => Just(b"\n".to_vec()),
        2 => Just(b"\r".to_vec()),
        1 => Just(b"\r\n".to_vec()),
        1 => Just(b"\0".to_vec()),
        // Invalid UTF-8: a bad byte, a lone continuation, truncated sequences, a surrogate.
        2 => prop::sample::select(vec![&b"\xFF"[..], b"\x80", b"\xC3", b"\xE2\x82", b"\xED\xA0\x80", b"\xF0\x9F\x98"])
            .prop_map(<[u8]>::to_vec),
        // Multi-byte UTF-8, including Unicode white space that trimming removes at the ends.
        3 => prop::sample::select(vec!["é", "ß", "€", "日本", "😀", "\u{a0}", "\u{2028}", "\u{feff}", "\u{85}"])
            .prop_map(|s| s.as_bytes().to_vec()),
        1 => any::<u8>().prop_map(|b| vec![b]),
    ]
}

fn hostile_field() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(token(), 0..5).prop_map(|t| t.concat())
}

/// Plain value, optionally padded with white space that trimming removes.
fn padded(value: impl Strategy<Value = String>) -> impl Strategy<Value = Vec<u8>> {
    let pad = prop_oneof![
        6 => Just(""),
        1 => Just(" "),
        1 => Just("\t"),
        1 => Just("\u{a0}"),
    ];
    (pad.clone(), value, pad).prop_map(|(a, v, b)| format!("{a}{v}{b}").into_bytes())
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Z][a-z]{0,6}",
        Just("O'Brien".to_string()),
        Just("Lee, Ann".to_string()),
        Just("Zoë Ångström".to_string()),
        Just("say \"hi\"".to_string()),
        Just("two\nlines".to_string()),
        Just("cr\r\nlf".to_string()),
        Just("semi;colon\ttab|pipe".to_string()),
        Just("日本 語".to_string()),
    ]
}

/// A field for system attribute `attr` (index in `SystemAttr::ALL`): mostly a plausible value,
/// sometimes hostile bytes.
fn field(attr: usize) -> BoxedStrategy<Vec<u8>> {
    let plausible: BoxedStrategy<Vec<u8>> = match attr {
        // Duplicates (ignoring case) are meant to happen.
        0 => padded(prop_oneof![
            8 => "[a-z]{3,8}",
            3 => "[a-cA-C]{1,2}",
            1 => Just("zoë.ångström".to_string()),
            1 => Just("ZOË.ÅNGSTRÖM".to_string()),
            1 => Just("a,b".to_string()),
        ])
        .boxed(),
        3 => padded(prop_oneof![
            "[a-z]{1,5}@example\\.com",
            Just("o'brien+x@sub.example.org".to_string()),
        ])
        .boxed(),
        4 => padded(prop_oneof![
            "\\+?[0-9]{3} [0-9]{3} [0-9]{4}",
            "\\([0-9]{3}\\) [0-9]{3}-[0-9]{4}",
        ])
        .boxed(),
        // Mostly valid dates (the first five), end dates mostly the latest.
        6 | 7 => prop_oneof![
            4 => 0..5usize,
            (attr as u32 - 6) * 4 => Just(1usize),
            1 => 5..DATES.len(),
        ]
        .prop_flat_map(|i| padded(Just(DATES[i].0.to_string())))
        .boxed(),
        _ => padded(name()).boxed(),
    };
    prop_oneof![11 => plausible, 1 => hostile_field()].boxed()
}

// ---------------------------------------------------------------------------------------------
// Inputs

/// The header: the 8 system attributes in some order, maybe with an unknown column.
#[derive(Debug, Clone)]
struct Header {
    delimiter: u8,
    /// Cells in input order.
    cells: Vec<String>,
    /// For each system attribute (in `SystemAttr::ALL` order), its input column.
    columns: [usize; 8],
    bom: bool,
    /// Blank lines before the header.
    blank_lines: Vec<&'static str>,
    quoted: bool,
    terminator: &'static str,
}

fn terminator() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["\n", "\r\n", "\r"])
}

fn header() -> impl Strategy<Value = Header> {
    (
        prop::sample::select(vec![b',', b';', b'\t', b'|']),
        Just((0..8).collect::<Vec<usize>>()).prop_shuffle(),
        proptest::option::of(0..9usize),
        any::<[bool; 8]>(),
        any::<bool>(),
        proptest::collection::vec(terminator(), 0..4).prop_map(|mut v| {
            // Rare.
            v.truncate(if v.len() == 3 { 2 } else { 0 });
            v
        }),
        any::<bool>(),
        terminator(),
    )
        .prop_map(
            |(delimiter, order, extra, labels, bom, blank_lines, quoted, terminator)| {
                let mut cells: Vec<String> = order
                    .iter()
                    .map(|&a| {
                        let attr = SystemAttr::ALL[a];
                        if labels[a] {
                            attr.label().to_string()
                        } else {
                            attr.technical_name().to_string()
                        }
                    })
                    .collect();
                let mut order = order;
                if let Some(at) = extra {
                    cells.insert(at, "Notes".to_string());
                    order.insert(at, usize::MAX);
                }
                let mut columns = [0; 8];
                for (column, attr) in order.iter().enumerate() {
                    if *attr < 8 {
                        columns[*attr] = column;
                    }
                }
                Header {
                    delimiter,
                    cells,
                    columns,
                    bom,
                    blank_lines,
                    quoted,
                    terminator,
                }
            },
        )
}

impl Header {
    fn width(&self) -> usize {
        self.cells.len()
    }

    fn write(&self, out: &mut Vec<u8>) {
        if self.bom {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        for blank in &self.blank_lines {
            out.extend_from_slice(blank.as_bytes());
        }
        let cells: Vec<Vec<u8>> = self
            .cells
            .iter()
            .map(|c| {
                if self.quoted {
                    format!("\"{c}\"").into_bytes()
                } else {
                    c.clone().into_bytes()
                }
            })
            .collect();
        out.extend_from_slice(&cells.join(&self.delimiter));
        out.extend_from_slice(self.terminator.as_bytes());
    }
}

/// One record to build: its fields, and how to lay it out.
#[derive(Debug, Clone)]
struct Built {
    /// Fields per system attribute, plus the unknown column's.
    values: [Vec<u8>; 8],
    extra: Vec<u8>,
    /// -1 drops the last field, 1 adds one, -7 leaves a single field, 0 keeps the width.
    shape: i8,
    /// Quote every field, needed or not.
    quote_all: bool,
    terminator: &'static str,
    /// Blank lines after the record.
    blank_lines: Vec<&'static str>,
}

fn built_record() -> impl Strategy<Value = Built> {
    let values = (
        (field(0), field(1), field(2), field(3)),
        (field(4), field(5), field(6), field(7)),
    );
    (
        values,
        hostile_field(),
        prop_oneof![16 => Just(0i8), 1 => Just(-1i8), 1 => Just(1i8), 1 => Just(-7i8)],
        prop::bool::weighted(0.1),
        terminator(),
        proptest::collection::vec(terminator(), 0..3).prop_map(|mut v| {
            // Blank lines are rare.
            v.truncate(usize::from(v.len() == 2));
            v
        }),
    )
        .prop_map(
            |(((a, b, c, d), (e, f, g, h)), extra, shape, quote_all, terminator, blank_lines)| {
                Built {
                    values: [a, b, c, d, e, f, g, h],
                    extra,
                    shape,
                    quote_all,
                    terminator,
                    blank_lines,
                }
            },
        )
}

/// An input with its records known: (start line, fields) in input order.
#[derive(Debug, Clone)]
struct Input {
    bytes: Vec<u8>,
    header: Header,
    records: Vec<(u64, Vec<Vec<u8>>)>,
}

/// Appends `field`, quoted when it must be (or when `quote` says so).
fn write_field(out: &mut Vec<u8>, field: &[u8], delimiter: u8, quote: bool) {
    let must = field
        .iter()
        .any(|b| *b == delimiter || matches!(b, b'"' | b'\r' | b'\n'));
    if !(must || quote) {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    for &b in field {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

fn build(header: Header, records: Vec<Built>, last_terminated: bool) -> Input {
    let mut bytes = Vec::new();
    header.write(&mut bytes);
    let mut known = Vec::new();
    let count = records.len();
    for (i, record) in records.into_iter().enumerate() {
        let mut fields: Vec<Vec<u8>> = vec![Vec::new(); header.width()];
        for (attr, value) in record.values.iter().enumerate() {
            fields[header.columns[attr]] = value.clone();
        }
        if let Some(extra) = header.cells.iter().position(|c| c == "Notes") {
            fields[extra] = record.extra.clone();
        }
        match record.shape {
            -1 => {
                fields.pop();
            }
            1 => fields.push(record.extra.clone()),
            -7 => fields.truncate(1),
            _ => {}
        }
        let start = bytes.len();
        for (j, field) in fields.iter().enumerate() {
            if j > 0 {
                bytes.push(header.delimiter);
            }
            // A record of one empty field must be quoted, or it is a blank line.
            let quote = record.quote_all || (fields.len() == 1 && field.is_empty());
            write_field(&mut bytes, field, header.delimiter, quote);
        }
        known.push((line_of(&bytes, start), fields));
        if i + 1 < count || last_terminated {
            bytes.extend_from_slice(record.terminator.as_bytes());
            for blank in &record.blank_lines {
                bytes.extend_from_slice(blank.as_bytes());
            }
        }
    }
    Input {
        bytes,
        header,
        records: known,
    }
}

/// The 1-based physical line of the byte at `offset`: `\n`, `\r\n` and a lone `\r` each end a
/// line.
fn line_of(bytes: &[u8], offset: usize) -> u64 {
    let before = &bytes[..offset];
    let mut breaks = 0;
    for (i, b) in before.iter().enumerate() {
        match b {
            b'\n' if i > 0 && before[i - 1] == b'\r' => {}
            b'\n' | b'\r' => breaks += 1,
            _ => {}
        }
    }
    breaks + 1
}

fn built_input() -> impl Strategy<Value = Input> {
    (
        header(),
        proptest::collection::vec(built_record(), 0..24),
        any::<bool>(),
    )
        .prop_map(|(header, records, last)| build(header, records, last))
}

/// A valid header followed by a byte soup; the records are what the `csv` crate reads.
fn soup_input() -> impl Strategy<Value = Input> {
    (header(), proptest::collection::vec(token(), 0..160)).prop_map(|(header, soup)| {
        let mut bytes = Vec::new();
        header.write(&mut bytes);
        bytes.extend(soup.concat());
        let records = csv_crate_records(&bytes, header.delimiter);
        Input {
            bytes,
            header,
            records,
        }
    })
}

/// The data records of `bytes` as the `csv` crate reads them (header skipped), each with the
/// line it starts on: the first byte at or after the position the crate gives that is not a
/// line end (the crate places a record where the previous one ended, before blank lines).
fn csv_crate_records(bytes: &[u8], delimiter: u8) -> Vec<(u64, Vec<Vec<u8>>)> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let bom = bytes.len() - body.len();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(body);
    let mut out = Vec::new();
    let mut record = csv::ByteRecord::new();
    let mut first = true;
    while reader.read_byte_record(&mut record).unwrap() {
        if std::mem::take(&mut first) {
            continue;
        }
        let mut start = bom + record.position().unwrap().byte() as usize;
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        out.push((
            line_of(bytes, start),
            record.iter().map(<[u8]>::to_vec).collect(),
        ));
    }
    out
}

/// A header that cannot be matched to the schema, followed by valid-looking rows.
fn garbage_input() -> impl Strategy<Value = Vec<u8>> {
    let missing = (header(), proptest::collection::vec(0..8usize, 1..4)).prop_map(|(h, drop)| {
        // Drop some system attributes (their columns become unknown ones).
        let mut h = h;
        for attr in drop {
            h.cells[h.columns[attr]] = format!("zz{attr}");
        }
        h
    });
    let duplicate = header().prop_map(|mut h| {
        let name = h.cells[h.columns[0]].clone();
        h.cells.push(name.to_uppercase());
        h
    });
    // An empty header cell is no longer refused (issue 9: Excel's trailing `,,`); it names a
    // column that is not uploaded (golden case csv-excel-trailing-empties).
    let headed = prop_oneof![missing, duplicate].prop_map(|h| {
        let mut bytes = Vec::new();
        h.write(&mut bytes);
        bytes
    });
    let soup = proptest::collection::vec(token(), 0..12).prop_map(|t| {
        let mut bytes = b"zz".to_vec();
        bytes.extend(t.concat());
        bytes
    });
    let raw = prop::sample::select(vec![
        &b""[..],
        b"\n\n\r\n",
        b"\xFF\xFEa\0c\0",
        b"\xFE\xFF\0a\0c",
        b"accountName,firstName,lastName,email,phone,manager,startDate,\xFFendDate\n",
    ])
    .prop_map(<[u8]>::to_vec);
    (
        prop_oneof![4 => headed, 3 => soup, 1 => raw],
        proptest::collection::vec(built_record(), 0..3),
    )
        .prop_map(|(mut bytes, rows)| {
            for row in rows {
                for (i, value) in row.values.iter().enumerate() {
                    if i > 0 {
                        bytes.push(b',');
                    }
                    write_field(&mut bytes, value, b',', true);
                }
                bytes.push(b'\n');
            }
            bytes
        })
}

// ---------------------------------------------------------------------------------------------
// The property

/// What one run wrote, read back.
struct Written {
    upload: Vec<csv::ByteRecord>,
    rejects: Vec<csv::ByteRecord>,
}

/// The normalised form of a field of attribute `attr`, as upload.csv must hold it.
fn normalised(attr: usize, raw: &[u8]) -> Result<Vec<u8>, TestCaseError> {
    let text = std::str::from_utf8(raw)
        .map_err(|_| TestCaseError::fail(format!("uploaded a field that is not UTF-8: {raw:?}")))?
        .trim();
    if attr >= FIRST_DATE {
        return match DATES.iter().find(|(d, _)| *d == text) {
            Some((_, Some(norm))) => Ok(norm.as_bytes().to_vec()),
            _ => Err(TestCaseError::fail(format!(
                "uploaded a date that is not a valid one of the pool: {text:?}"
            ))),
        };
    }
    Ok(text.as_bytes().to_vec())
}

fn show(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

/// Every record in exactly one file, at its line, intact; upload rows normalised, in order.
fn check_conservation(input: &Input, written: &Written) -> Result<(), TestCaseError> {
    let records = &input.records;
    prop_assert_eq!(
        written.upload.len() + written.rejects.len(),
        records.len(),
        "upload {} + rejects {} != records {}",
        written.upload.len(),
        written.rejects.len(),
        records.len()
    );
    let mut rejected = BTreeSet::new();
    let mut expected_rejects = records.iter();
    for reject in &written.rejects {
        let line: u64 = std::str::from_utf8(&reject[0])
            .ok()
            .and_then(|l| l.parse().ok())
            .ok_or_else(|| TestCaseError::fail(format!("bad line cell {}", show(&reject[0]))))?;
        prop_assert!(
            !reject[1].is_empty(),
            "a reject without codes at line {}",
            line
        );
        // Rejects come in input order: the record is the next one starting on that line.
        let (_, fields) = expected_rejects
            .by_ref()
            .find(|(l, _)| *l == line)
            .ok_or_else(|| {
                TestCaseError::fail(format!(
                    "rejected line {line} is no record's start line (or is out of order)"
                ))
            })?;
        prop_assert!(rejected.insert(line), "line {} rejected twice", line);
        let original: Vec<&[u8]> = reject.iter().skip(3).collect();
        let fields: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
        prop_assert_eq!(original, fields, "the fields of line {} as rejected", line);
    }
    let kept: Vec<&Vec<Vec<u8>>> = records
        .iter()
        .filter(|(line, _)| !rejected.contains(line))
        .map(|(_, fields)| fields)
        .collect();
    prop_assert_eq!(kept.len(), written.upload.len());
    let mut accounts = BTreeSet::new();
    for (fields, row) in kept.iter().zip(&written.upload) {
        prop_assert_eq!(row.len(), 8);
        for attr in 0..8 {
            let raw = &fields[input.header.columns[attr]];
            let expected = normalised(attr, raw)?;
            prop_assert_eq!(
                &row[attr],
                &expected[..],
                "attribute {} of {} uploaded as {}",
                SystemAttr::ALL[attr].technical_name(),
                show(raw),
                show(&row[attr])
            );
        }
        let account = String::from_utf8_lossy(&row[0]).to_lowercase();
        prop_assert!(
            accounts.insert(account.clone()),
            "{} uploaded twice",
            account
        );
    }
    Ok(())
}

/// Serves its bytes a few at a time, so that line ends and fields straddle reads.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn upload_header() -> Vec<u8> {
    let mut header = SystemAttr::ALL.map(SystemAttr::technical_name).join(",");
    header.push('\n');
    header.into_bytes()
}

/// Runs the library on `input` into a `FileSink` in `dir`, and reads back what it wrote.
fn run_library(
    input: &Input,
    dir: &Path,
    step: usize,
    chunking: Chunking,
) -> Result<Written, TestCaseError> {
    let trickle = Trickle {
        data: &input.bytes,
        step,
    };
    let source = CsvSource::new(trickle, CsvOptions::default())
        .map_err(|e| TestCaseError::fail(format!("valid header refused: {e}")))?;
    prop_assert_eq!(source.delimiter(), input.header.delimiter);
    let plan = ColumnPlan::new(Schema::system(), source.header(), RuleConfig::default())
        .map_err(|e| TestCaseError::fail(format!("valid header not matched: {e}")))?;
    let mut sink =
        crate::harness::file_sink(dir, &plan).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let report = Engine::new(&plan)
        .chunking(chunking)
        .max_findings(usize::MAX)
        .run(source, &mut Ledger::new(20_000), &mut sink)
        .map_err(|e| TestCaseError::fail(format!("engine failed: {e}")))?;
    sink.finish()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(report.rows_read, input.records.len() as u64);
    prop_assert_eq!(report.rows_valid + report.rows_rejected, report.rows_read);
    let upload = std::fs::read(dir.join("upload.csv")).unwrap();
    prop_assert!(upload.starts_with(&upload_header()));
    let written = Written {
        upload: csv_records(&dir.join("upload.csv")),
        rejects: csv_records(&dir.join("rejects.csv")),
    };
    prop_assert_eq!(written.upload.len() as u64, report.rows_valid);
    Ok(written)
}

/// Runs the binary on `input` in `dir` and reads back what it wrote.
fn run_binary(input: &Input, dir: &Path) -> Result<Written, TestCaseError> {
    std::fs::write(dir.join("in.csv"), &input.bytes).unwrap();
    let run = run_in(dir, &["convert", "in.csv", "--out", "out", "-q"]);
    let out = dir.join("out");
    let report = json(&out.join("report.json"));
    let written = Written {
        upload: csv_records(&out.join("upload.csv")),
        rejects: csv_records(&out.join("rejects.csv")),
    };
    let expected_code = if written.rejects.is_empty() { 0 } else { 1 };
    prop_assert_eq!(run.code, expected_code, "stderr: {}", run.stderr);
    prop_assert!(run.stderr.is_empty(), "-q prints nothing: {}", run.stderr);
    prop_assert_eq!(&report["rows_read"], input.records.len());
    prop_assert_eq!(&report["rows_valid"], written.upload.len());
    prop_assert_eq!(&report["rows_rejected"], written.rejects.len());
    prop_assert_eq!(sorted_files(&out), crate::harness::CONVERT_OUTPUTS);
    Ok(written)
}

/// A temporary folder, in memory where the system offers one: the outputs are synced before
/// they are renamed, and syncs to a disk would take most of the test's time.
fn scratch_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(dir) = tempfile::tempdir_in(shm) {
            return dir;
        }
    }
    tempfile::tempdir().unwrap()
}

fn chunking() -> impl Strategy<Value = Chunking> {
    (
        prop_oneof![Just(1usize), Just(2), Just(3), Just(4096)],
        prop_oneof![Just(1usize), Just(40), Just(2 << 20)],
        1..3usize,
    )
        .prop_map(|(max_rows, max_bytes, read_ahead)| Chunking {
            max_rows,
            max_bytes,
            read_ahead,
        })
}

fn any_input() -> impl Strategy<Value = Input> {
    prop_oneof![3 => built_input(), 2 => soup_input()]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1000,
        // ChaCha, the default, takes a good share of a debug build's time here.
        rng_algorithm: proptest::test_runner::RngAlgorithm::XorShift,
        .. ProptestConfig::default()
    })]

    #[test]
    fn library_conserves_every_record(
        input in any_input(),
        step in prop_oneof![1 => Just(1usize), 3 => 2..8usize, 4 => Just(1 << 20)],
        chunking in chunking(),
    ) {
        let dir = scratch_dir();
        let written = run_library(&input, dir.path(), step, chunking)?;
        check_conservation(&input, &written)?;
    }

    #[test]
    fn library_refuses_garbage_headers(bytes in garbage_input()) {
        let refused = match CsvSource::new(&bytes[..], CsvOptions::default()) {
            Err(_) => true,
            Ok(source) => ColumnPlan::new(Schema::system(), source.header(), RuleConfig::default()).is_err(),
        };
        prop_assert!(refused, "accepted {}", show(&bytes));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn binary_conserves_every_record(input in any_input()) {
        let dir = scratch_dir();
        let written = run_binary(&input, dir.path())?;
        check_conservation(&input, &written)?;
    }

    #[test]
    fn binary_refuses_garbage_headers_cleanly(bytes in garbage_input()) {
        let dir = scratch_dir();
        std::fs::write(dir.path().join("in.csv"), &bytes).unwrap();
        let run = run_in(dir.path(), &["convert", "in.csv", "--out", "out"]);
        prop_assert_eq!(run.code, 2, "{}", run.stderr);
        prop_assert!(run.stderr.starts_with("nebulk: error: "), "{}", run.stderr);
        prop_assert_eq!(run.stderr.trim_end().lines().count(), 1, "one line: {}", run.stderr);
        prop_assert!(sorted_files(&dir.path().join("out")).is_empty(), "no outputs");
    }
}
