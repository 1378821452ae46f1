//! What the tests share: the schema's column names, workbooks written with rust_xlsxwriter or
//! by hand ([`books`]), the committed fixtures under `testdata/readers/excel`, and reading a
//! source to its end.
//!
//! Each module's own tests sit next to it (`source/tests.rs`, `guard/ods/tests.rs`, ...);
//! here too are the tests of the committed fixtures ([`fixtures`]).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use nebulk_read::{ReadError, RowSource};
use rust_xlsxwriter::{Workbook, Worksheet};

use crate::SpreadsheetSource;

pub(crate) mod books;
mod fixtures;

/// The system attributes: the columns a test's header search knows.
pub(crate) const SCHEMA: [&str; 8] = [
    "accountName",
    "firstName",
    "lastName",
    "email",
    "phone",
    "manager",
    "startDate",
    "endDate",
];

/// Whether `name` is one of [`SCHEMA`]'s columns.
pub(crate) fn known(name: &str) -> bool {
    SCHEMA.contains(&name)
}

/// Builds an xlsx with one sheet filled by `fill`, in a fresh temporary directory.
pub(crate) fn xlsx(fill: impl FnOnce(&mut Worksheet)) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.xlsx");
    let mut workbook = Workbook::new();
    fill(workbook.add_worksheet());
    workbook.save(&path).unwrap();
    (dir, path)
}

/// All remaining rows as (line, fields).
pub(crate) fn read_all(source: &mut SpreadsheetSource) -> Vec<(u64, Vec<String>)> {
    let mut out = Vec::new();
    loop {
        let rows = source.read_chunk(3, 1 << 20).unwrap();
        if rows.is_empty() {
            return out;
        }
        for row in rows {
            let fields = row
                .record
                .iter()
                .map(|f| String::from_utf8(f.to_vec()).unwrap())
                .collect();
            out.push((row.line, fields));
        }
    }
}

/// `fields` as owned strings, to compare with [`read_all`]'s rows.
pub(crate) fn strings(fields: &[&str]) -> Vec<String> {
    fields.iter().map(|s| s.to_string()).collect()
}

/// The error opening `path` gives; a test failure when it opens.
pub(crate) fn open_err(path: &Path, sheet: Option<&str>) -> ReadError {
    match SpreadsheetSource::open(path, sheet, &known) {
        Ok(source) => panic!("expected an error, got header {:?}", source.header()),
        Err(e) => e,
    }
}

/// Writes `bytes` to a file `name` in `dir`.
pub(crate) fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// An xlsx sheet's rows: a header, then serial day 43890 under a date format and without one.
pub(crate) const DATE_ROWS: &str = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>startDate</t></is></c><c r="B1" t="inlineStr"><is><t>n</t></is></c></row><row r="2"><c r="A2" s="1"><v>43890</v></c><c r="B2"><v>43890</v></c></row>"#;

/// The message of a format error about the file as a whole; a test failure for any other error.
pub(crate) fn format_message(err: ReadError) -> String {
    match err {
        ReadError::Format(e) => {
            assert_eq!(e.position(), nebulk_read::Position::Whole);
            e.message().to_string()
        }
        other => panic!("expected a format error, got {other:?}"),
    }
}

/// `testdata/readers/excel`, the committed workbooks.
pub(crate) fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/readers/excel")
}
