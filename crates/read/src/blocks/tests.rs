//! Blocks against the CSV reader: cut anywhere, parsed on their own, they give the rows the
//! reader gives for the whole file, field for field, line for line, byte for byte.

use proptest::prelude::*;

use super::{count_lines, BlockCutter, Cut};
use crate::{CsvOptions, CsvSource, Row, RowSource};

/// What a row is compared by.
type Seen = (u64, u64, Vec<Vec<u8>>);

/// [`seen`], the row placed at its first byte in `data` (the CSV reader places a row where
/// the previous one ended, before blank lines; blocks place it at its first byte).
fn seen_in(data: &[u8], row: &Row) -> Seen {
    let (line, mut byte, fields) = seen(row);
    while matches!(data.get(byte as usize), Some(b'\r' | b'\n')) {
        byte += 1;
    }
    (line, byte, fields)
}

fn seen(row: &Row) -> Seen {
    (
        row.line,
        row.byte,
        row.record.iter().map(<[u8]>::to_vec).collect(),
    )
}

/// The rows the CSV reader gives (the reference).
fn through_reader(data: &[u8]) -> (Vec<String>, Vec<Seen>) {
    let mut source = CsvSource::streaming(data, CsvOptions::default()).unwrap();
    let mut rows = Vec::new();
    let mut row = Row::default();
    while source.next_row(&mut row).unwrap() {
        rows.push(seen_in(data, &row));
    }
    (source.header().to_vec(), rows)
}

/// The rows of the blocks a source cuts, each block at most `size` bytes asked for.
fn through_blocks(data: &[u8], size: usize) -> (Vec<String>, Vec<Seen>) {
    let mut source = CsvSource::new(data, CsvOptions::default()).unwrap();
    assert!(source.cuts_blocks(), "plain UTF-8 is cut into blocks");
    let mut rows = Vec::new();
    let mut parsed = Vec::new();
    while let Some(block) = source.next_block(size).unwrap() {
        block.parse_into(&mut parsed);
        rows.extend(parsed.iter().map(seen));
    }
    (source.header().to_vec(), rows)
}

/// The rows [`RowSource::next_row`] hands out from blocks.
fn row_by_row(data: &[u8]) -> Vec<Seen> {
    let mut source = CsvSource::new(data, CsvOptions::default()).unwrap();
    let mut rows = Vec::new();
    let mut row = Row::default();
    while source.next_row(&mut row).unwrap() {
        rows.push(seen_in(data, &row));
    }
    rows
}

/// Text made of what CSV parsing turns on: delimiters, quotes (opening, escaped, inside an
/// unquoted field), every line end, blank lines, a byte order mark in the middle.
fn csv_text() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(&b"a"[..]),
        Just(&b"bc"[..]),
        Just(&b","[..]),
        Just(&b"\""[..]),
        Just(&b"\"\""[..]),
        Just(&b"\n"[..]),
        Just(&b"\r\n"[..]),
        Just(&b"\r"[..]),
        Just(&b" "[..]),
        Just(&b",\"x\ny\","[..]),
        Just(&b"\xEF\xBB\xBF"[..]),
        Just(&b"\xFF"[..]),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn blocks_of_any_size_read_as_the_csv_reader_reads(
        body in csv_text(),
        size in 1usize..40,
    ) {
        let data = [&b"h1,h2\n"[..], &body].concat();
        let expected = through_reader(&data);
        prop_assert_eq!(&through_blocks(&data, size), &expected);
        prop_assert_eq!(&through_blocks(&data, 1 << 20), &expected);
        prop_assert_eq!(&row_by_row(&data), &expected.1);
    }

    #[test]
    fn a_cutter_given_read_bytes_goes_on_from_them(
        body in csv_text(),
        split in 0usize..200,
        size in 1usize..40,
    ) {
        let split = split.min(body.len());
        let (pending, rest) = body.split_at(split);
        let mut whole = BlockCutter::new(&body[..], Vec::new(), b',', 1, 0);
        let mut parted = BlockCutter::new(rest, pending.to_vec(), b',', 1, 0);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        while let Cut::Block(block) = whole.next_block(size).unwrap() {
            a.extend_from_slice(block.bytes());
        }
        while let Cut::Block(block) = parted.next_block(size).unwrap() {
            b.extend_from_slice(block.bytes());
        }
        prop_assert_eq!(&a, &body);
        prop_assert_eq!(&b, &body);
        prop_assert_eq!(whole.line(), 1 + count_lines(&body, None));
    }
}

#[test]
fn lines_end_at_lf_crlf_and_lone_cr() {
    assert_eq!(count_lines(b"a\nb\r\nc\rd", None), 3);
    assert_eq!(count_lines(b"a\r", Some(b'\n')), 0);
    assert_eq!(count_lines(b"a\r", Some(b'x')), 1);
    assert_eq!(count_lines(b"a\r", None), 1);
}

#[test]
fn a_block_never_ends_inside_quotes_or_between_cr_and_lf() {
    let data = b"a,\"1\n2\n3\"\r\nb,\"x\"\"\ny\"\rc\r\nd\n";
    let mut cutter = BlockCutter::new(&data[..], Vec::new(), b',', 2, 0);
    let mut blocks = Vec::new();
    while let Cut::Block(block) = cutter.next_block(1).unwrap() {
        blocks.push((block.line(), block.bytes().to_vec()));
    }
    assert_eq!(blocks[0], (2, b"a,\"1\n2\n3\"\r\n".to_vec()));
    // A lone `\r` last in what was read may be half a `\r\n`: the cut waits for a later end.
    assert_eq!(blocks[1].0, 5);
    assert!(blocks[1].1.starts_with(b"b,\"x\"\"\ny\"\rc\r\n"));
    let joined: Vec<u8> = blocks.iter().flat_map(|(_, bytes)| bytes.clone()).collect();
    assert_eq!(joined, data);
}

#[test]
fn a_quote_inside_an_unquoted_field_is_text() {
    let data = b"h\nab\"c\nd\"e\nf\n";
    let (_, rows) = through_blocks(data, 1);
    let fields: Vec<_> = rows.iter().map(|r| r.2[0].clone()).collect();
    assert_eq!(fields, [&b"ab\"c"[..], b"d\"e", b"f"]);
    assert_eq!(through_reader(data).1, rows);
}

#[test]
fn a_header_longer_than_the_sniffed_start_is_read_by_the_csv_reader() {
    let mut data = "x,".repeat(40_000).into_bytes();
    data.extend_from_slice(b"y\n1\n");
    let source = CsvSource::new(&data[..], CsvOptions::default()).unwrap();
    assert!(!source.cuts_blocks());
    let decoded = CsvOptions {
        encoding: Some(encoding_rs::WINDOWS_1252),
        ..CsvOptions::default()
    };
    let source = CsvSource::new(&b"a\n1\n"[..], decoded).unwrap();
    assert!(
        !source.cuts_blocks(),
        "decoded text goes through the CSV reader"
    );
}

/// A record longer than a block is not held as a block and a row: the source reads it, and
/// what follows, through the CSV reader, as rows, with the same lines and offsets.
#[test]
fn a_record_longer_than_a_block_is_read_on_row_by_row() {
    /// A row by its line, offset and the lengths and hashes of its fields.
    type Short = (u64, u64, Vec<(usize, u64)>);
    fn short(rows: &[Seen]) -> Vec<Short> {
        let hash = |field: &[u8]| {
            field
                .iter()
                .fold(0u64, |h, &b| h.rotate_left(5) ^ u64::from(b))
        };
        rows.iter()
            .map(|(line, byte, fields)| {
                (
                    *line,
                    *byte,
                    fields.iter().map(|f| (f.len(), hash(f))).collect(),
                )
            })
            .collect()
    }
    let repeats = crate::LONGEST_BLOCK / 3 + 10;
    let long = "y\r\n".repeat(repeats);
    let data = format!("h1,h2\na,b\nx,\"{long}\"\r\nc,\"d\ne\"\n\nlast,1\n");
    let expected = short(&through_reader(data.as_bytes()).1);
    assert_eq!(short(&row_by_row(data.as_bytes())), expected);

    let mut source = CsvSource::new(data.as_bytes(), CsvOptions::default()).unwrap();
    let mut rows = Vec::new();
    let mut parsed = Vec::new();
    while let Some(block) = source.next_block(4).unwrap() {
        block.parse_into(&mut parsed);
        rows.extend(parsed.iter().map(seen));
    }
    assert_eq!(rows.len(), 1, "the row before the long one came in a block");
    assert!(!source.cuts_blocks(), "then the source reads row by row");
    let mut row = Row::default();
    while source.next_row(&mut row).unwrap() {
        rows.push(seen_in(data.as_bytes(), &row));
    }
    assert_eq!(short(&rows), expected);
    assert_eq!(rows[2].0, 4 + repeats as u64);
}
