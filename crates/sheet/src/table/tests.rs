//! Finding the header row and laying rows out under it, through xlsx files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use nebulk_read::{ReadError, RowSource};
use rust_xlsxwriter::Format;

use crate::tests::books::raw_xlsx;
use crate::tests::{format_message, known, open_err, read_all, strings, write, xlsx};
use crate::SpreadsheetSource;

#[test]
fn header_fallbacks() {
    // No known column anywhere: the first row with two non-empty cells.
    let (_dir, path) = xlsx(|s| {
        s.write(0, 0, "Title").unwrap();
        s.write_row(1, 0, ["Name", "Mail"]).unwrap();
        s.write_row(2, 0, ["ann", "a@x.org"]).unwrap();
    });
    let mut source = SpreadsheetSource::open(&path, None, &known).unwrap();
    assert_eq!(source.header_line(), 2);
    assert_eq!(source.header(), ["Name", "Mail"]);
    assert_eq!(read_all(&mut source), [(3, strings(&["ann", "a@x.org"]))]);

    // A single column: the first non-empty row.
    let (_dir, path) = xlsx(|s| {
        s.write(4, 2, "email").unwrap();
        s.write(5, 2, "a@x.org").unwrap();
    });
    let mut source = SpreadsheetSource::open(&path, None, &known).unwrap();
    assert_eq!(source.header_line(), 5);
    assert_eq!(source.first_column(), 3);
    assert_eq!(source.header(), ["email"]);
    assert_eq!(read_all(&mut source), [(6, strings(&["a@x.org"]))]);

    // Known columns win over an earlier row with more cells.
    let (_dir, path) = xlsx(|s| {
        s.write_row(0, 0, ["Report", "of", "March"]).unwrap();
        s.write_row(1, 0, ["email", "phone"]).unwrap();
    });
    let source = SpreadsheetSource::open(&path, None, &known).unwrap();
    assert_eq!(source.header_line(), 2);

    // Only the first 50 non-empty rows are searched for known columns.
    let (_dir, path) = xlsx(|s| {
        for row in 0..50 {
            s.write_row(row, 0, ["x", "y"]).unwrap();
        }
        s.write_row(50, 0, ["email", "phone"]).unwrap();
    });
    let source = SpreadsheetSource::open(&path, None, &known).unwrap();
    assert_eq!(source.header_line(), 1);
    assert_eq!(source.header(), ["x", "y"]);
}

#[test]
fn empty_sheets() {
    let (_dir, path) = xlsx(|_| {});
    assert!(matches!(open_err(&path, None), ReadError::NoHeader));
    // Formatting and whitespace alone are not content.
    let (_dir, path) = xlsx(|s| {
        s.write_blank(3, 3, &Format::new().set_bold()).unwrap();
        s.write(5, 1, "   ").unwrap();
    });
    assert!(matches!(open_err(&path, None), ReadError::NoHeader));
}

/// Issue 9: a header row with a blank spacer column was refused.
#[test]
fn header_gaps() {
    let (_dir, path) = xlsx(|s| {
        s.write(0, 0, "email").unwrap();
        s.write(0, 2, "phone").unwrap();
        s.write_row(1, 0, ["a@x.org", "", "1"]).unwrap();
    });
    let mut source = SpreadsheetSource::open(&path, None, &known).unwrap();
    assert_eq!(source.header(), ["email", "", "phone"]);
    assert_eq!(read_all(&mut source), [(2, strings(&["a@x.org", "", "1"]))]);

    // A blank-looking header cell is empty too.
    let (_dir, path) = xlsx(|s| {
        s.write_row(0, 0, ["email", "  ", "phone"])
            .map(|_| ())
            .unwrap()
    });
    let source = SpreadsheetSource::open(&path, None, &known).unwrap();
    assert_eq!(source.header(), ["email", "", "phone"]);

    // Data left of the header's first cell: the header's first column is empty.
    let (_dir, path) = xlsx(|s| {
        s.write_row(0, 1, ["email", "phone"]).unwrap();
        s.write_row(1, 0, ["7", "a@x.org", "1"]).unwrap();
    });
    let mut source = SpreadsheetSource::open(&path, None, &known).unwrap();
    assert_eq!(source.header(), ["", "email", "phone"]);
    assert_eq!(
        read_all(&mut source),
        [(2, strings(&["7", "a@x.org", "1"]))]
    );

    // A table indented by a column, with a title in column A above it.
    let (_dir, path) = xlsx(|s| {
        s.write(0, 0, "Contractors").unwrap();
        s.write_row(2, 1, ["email", "phone"]).unwrap();
        s.write_row(3, 1, ["a@x.org", "1"]).unwrap();
    });
    let mut source = SpreadsheetSource::open(&path, None, &known).unwrap();
    assert_eq!(source.first_column(), 2);
    assert_eq!(source.header(), ["email", "phone"]);
    assert_eq!(read_all(&mut source), [(4, strings(&["a@x.org", "1"]))]);
}

#[test]
fn row_widths_and_empty_rows() {
    let (_dir, path) = xlsx(|s| {
        // Trailing header cells that are empty or blank are dropped.
        s.write_row(0, 0, ["email", "phone", "manager", " "])
            .unwrap();
        s.write_blank(0, 6, &Format::new().set_bold()).unwrap();
        s.write_row(1, 0, ["a@x.org", "1", "m"]).unwrap();
        // Shorter: padded.
        s.write(2, 0, "b@x.org").unwrap();
        // Empty row 4; a blank-looking row 5.
        s.write(4, 1, "  ").unwrap();
        // Longer: kept, with the gap filled.
        s.write_row(5, 0, ["c@x.org", "3", "m"]).unwrap();
        s.write(5, 4, "extra").unwrap();
        // Blank cells beyond the header are dropped.
        s.write_row(6, 0, ["d@x.org", "4", "m", " ", "", "\t"])
            .unwrap();
        // Blank cells inside the header's width are kept as they are.
        s.write_row(7, 0, ["e@x.org", " "]).unwrap();
        s.write(9, 2, "m").unwrap();
    });
    let mut source = SpreadsheetSource::open(&path, None, &known).unwrap();
    assert_eq!(source.header(), ["email", "phone", "manager"]);
    assert_eq!(
        read_all(&mut source),
        [
            (2, strings(&["a@x.org", "1", "m"])),
            (3, strings(&["b@x.org", "", ""])),
            (6, strings(&["c@x.org", "3", "m", "", "extra"])),
            (7, strings(&["d@x.org", "4", "m"])),
            (8, strings(&["e@x.org", " ", ""])),
            (10, strings(&["", "", "m"])),
        ]
    );
}

/// Issue 5: a cell position far beyond Excel's last column, in a 1 KiB file, once became the
/// width of a row (7.7 GB for column ZZZZZZ). Such a file is malformed.
#[test]
fn cells_beyond_the_last_column_are_malformed() {
    let dir = tempfile::tempdir().unwrap();
    for (far, column) in [("XFE2", "16385"), ("ZZZZZZ2", "321272406")] {
        let rows = format!(
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>email</t></is></c><c r="B1" t="inlineStr"><is><t>phone</t></is></c></row><row r="2"><c r="{far}" t="inlineStr"><is><t>far</t></is></c></row>"#
        );
        let path = write(&dir, "far.xlsx", &raw_xlsx("", &rows));
        assert_eq!(
            format_message(open_err(&path, None)),
            format!(
                "the sheet is malformed: it has a cell in row 2, column {column}, beyond the \
                 last column a sheet can have (16384, XFD)"
            )
        );
    }
}
