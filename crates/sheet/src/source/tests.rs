//! The row source end to end: cells as read from real xlsx files, row numbers, chunks and
//! progress, date systems, far-apart and wide sparse cells.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rust_xlsxwriter::{ExcelDateTime as XlDate, Format, Formula};

use super::*;
use crate::tests::books::raw_xlsx;
use crate::tests::{known, read_all, strings, write, xlsx, DATE_ROWS};

#[test]
fn title_rows_numbers_dates_formulas_booleans_errors() {
    let (_dir, path) = xlsx(|s| {
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let dmy = Format::new().set_num_format("dd/mm/yyyy");
        let stamp = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
        s.write(0, 0, "Contractor list").unwrap();
        // Two non-empty cells, but not known columns: not the header.
        s.write(1, 0, "Exported by").unwrap();
        s.write(1, 1, "HR").unwrap();
        s.write_row(
            2,
            0,
            [
                "accountName",
                " phone ",
                "startDate",
                "id",
                "email",
                "active",
                "check",
                "endDate",
                "note",
            ],
        )
        .unwrap();
        s.write(3, 0, "ann.lee").unwrap();
        s.write(3, 1, 15125550100.0).unwrap();
        let start = XlDate::from_ymd(2024, 3, 1).unwrap();
        s.write_datetime_with_format(3, 2, &start, &date).unwrap();
        s.write(3, 3, 1042.0).unwrap();
        s.write_formula(
            3,
            4,
            Formula::new("=A4&\"@example.com\"").set_result("ann.lee@example.com"),
        )
        .unwrap();
        s.write(3, 5, true).unwrap();
        s.write_formula(3, 6, Formula::new("=NA()").set_result("#N/A"))
            .unwrap();
        let end = XlDate::from_ymd(2024, 12, 31)
            .unwrap()
            .and_hms(17, 30, 5)
            .unwrap();
        s.write_datetime_with_format(3, 7, &end, &stamp).unwrap();
        s.write(3, 8, "  spaced  ").unwrap();

        s.write(4, 0, "bob.ray").unwrap();
        s.write(4, 1, 4401632960123.0).unwrap();
        // A serial number under a date format: 45413 is 2024-05-01.
        s.write_number_with_format(4, 2, 45413.0, &dmy).unwrap();
        s.write(4, 3, 1043.5).unwrap();
        s.write_formula(4, 4, Formula::new("=1/0").set_result("#DIV/0!"))
            .unwrap();
        s.write(4, 5, false).unwrap();
        s.write_formula(4, 6, Formula::new("=2*21").set_result("42"))
            .unwrap();
    });
    let mut source = SpreadsheetSource::open(&path, None, &known).unwrap();
    assert_eq!(source.sheet_name(), "Sheet1");
    assert_eq!(source.header_line(), 3);
    assert_eq!(source.first_column(), 1);
    assert_eq!(
        source.header(),
        [
            "accountName",
            "phone",
            "startDate",
            "id",
            "email",
            "active",
            "check",
            "endDate",
            "note"
        ]
    );
    let rows = read_all(&mut source);
    assert_eq!(
        rows,
        [
            (
                4,
                strings(&[
                    "ann.lee",
                    "15125550100",
                    "2024-03-01",
                    "1042",
                    "ann.lee@example.com",
                    "true",
                    "#N/A",
                    "2024-12-31T17:30:05Z",
                    "  spaced  ",
                ])
            ),
            (
                5,
                strings(&[
                    "bob.ray",
                    "4401632960123",
                    "2024-05-01",
                    "1043.5",
                    "#DIV/0!",
                    "false",
                    "42",
                    "",
                    "",
                ])
            ),
        ]
    );
}

#[test]
fn times_durations_and_odd_numbers() {
    let (_dir, path) = xlsx(|s| {
        s.write_row(0, 0, ["a", "b", "c", "d", "e", "f"]).unwrap();
        let time = Format::new().set_num_format("hh:mm");
        let duration = Format::new().set_num_format("[h]:mm:ss");
        let date = Format::new().set_num_format("yyyy-mm-dd");
        s.write_number_with_format(1, 0, 0.5, &time).unwrap();
        s.write_number_with_format(1, 1, 1.5 + 0.5 / 24.0, &duration)
            .unwrap();
        s.write(1, 2, 1e20).unwrap();
        s.write(1, 3, 0.000_000_25).unwrap();
        s.write(1, 4, -12.0).unwrap();
        // Dates outside Excel's range stay numbers.
        s.write_number_with_format(1, 5, -3.0, &date).unwrap();
    });
    let mut source = SpreadsheetSource::open(&path, None, &known).unwrap();
    assert_eq!(
        read_all(&mut source),
        [(
            2,
            strings(&[
                "12:00:00",
                "PT36H30M00S",
                "100000000000000000000",
                "0.00000025",
                "-12",
                "-3"
            ])
        )]
    );
}

#[test]
fn chunks_and_progress() {
    let (_dir, path) = xlsx(|s| {
        s.write_row(0, 0, ["email", "phone"]).unwrap();
        for row in 1..=10 {
            s.write_row(row, 0, [format!("user{row}@x.org"), row.to_string()])
                .unwrap();
        }
    });
    let size = std::fs::metadata(&path).unwrap().len();
    let mut source = SpreadsheetSource::open(&path, None, &known).unwrap();
    assert_eq!(source.bytes_read(), 0);
    let rows = source.read_chunk(4, 1 << 20).unwrap();
    assert_eq!(
        rows.iter().map(|r| r.line).collect::<Vec<_>>(),
        [2, 3, 4, 5]
    );
    assert_eq!(source.bytes_read(), size * 4 / 10);
    // max_bytes stops the chunk once reached, but a chunk holds at least one row.
    let rows = source.read_chunk(100, 1).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].line, 6);
    assert_eq!(rows[0].byte, 0);
    assert!(rows[0].file.is_none());
    let rows = source.read_chunk(100, 30).unwrap();
    // 11 + 1 bytes of text a row ("userN@x.org" and "N") and one a field: 14 a row, so the
    // chunk stops after the third row.
    assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [7, 8, 9]);
    let rows = source.read_chunk(0, 1 << 20).unwrap();
    assert_eq!(rows.len(), 1);
    let rows = source.read_chunk(100, 1 << 20).unwrap();
    assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [11]);
    assert_eq!(source.bytes_read(), size);
    assert!(source.read_chunk(100, 1 << 20).unwrap().is_empty());
}

#[test]
fn date_systems() {
    let dir = tempfile::tempdir().unwrap();
    // 43890 is 2024-03-01 in the 1904 system, 2020-02-29 in the 1900 one.
    let path = write(
        &dir,
        "1904.xlsx",
        &raw_xlsx(r#"<workbookPr date1904="1"/>"#, DATE_ROWS),
    );
    let mut source = SpreadsheetSource::open(&path, None, &known).unwrap();
    assert_eq!(source.sheet_name(), "Data");
    assert_eq!(
        read_all(&mut source),
        [(2, strings(&["2024-03-01", "43890"]))]
    );

    let path = write(&dir, "1900.xlsx", &raw_xlsx("", DATE_ROWS));
    let mut source = SpreadsheetSource::open(&path, None, &known).unwrap();
    assert_eq!(
        read_all(&mut source),
        [(2, strings(&["2020-02-29", "43890"]))]
    );
}

#[test]
fn far_apart_cells_take_no_memory() {
    // A stray cell in the last row and column: a dense range would be 17 billion cells.
    let dir = tempfile::tempdir().unwrap();
    let rows = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>email</t></is></c><c r="B1" t="inlineStr"><is><t>phone</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>oops</t></is></c></row>"#;
    let path = write(&dir, "far.xlsx", &raw_xlsx("", rows));
    let mut source = SpreadsheetSource::open(&path, None, &known).unwrap();
    let rows = source.read_chunk(10, 1 << 20).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].line, 1_048_576);
    assert_eq!(rows[0].record.len(), 16_384);
    assert_eq!(&rows[0].record[16_383], b"oops");
    assert_eq!(&rows[0].record[0], b"");
}

/// Issue 5: rows are kept as their cells and padded when handed out, and a chunk counts
/// their fields, so that wide rows with one cell each (cheap in a file) stay cheap in memory.
#[test]
fn wide_sparse_rows_are_chunked_by_fields() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = String::from(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>email</t></is></c><c r="B1" t="inlineStr"><is><t>phone</t></is></c></row>"#,
    );
    for r in 2..=6 {
        rows.push_str(&format!(
            r#"<row r="{r}"><c r="XFD{r}" t="inlineStr"><is><t>wide</t></is></c></row>"#
        ));
    }
    let path = write(&dir, "wide.xlsx", &raw_xlsx("", &rows));
    let mut source = SpreadsheetSource::open(&path, None, &known).unwrap();
    // 16,384 fields and 4 bytes of text a row: the third row passes 40,000.
    let chunk = source.read_chunk(100, 40_000).unwrap();
    assert_eq!(chunk.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3, 4]);
    assert!(chunk.iter().all(|r| r.record.len() == 16_384
        && &r.record[16_383] == b"wide"
        && r.record.iter().take(16_383).all(<[u8]>::is_empty)));
    assert_eq!(source.read_chunk(100, 40_000).unwrap().len(), 2);
}
