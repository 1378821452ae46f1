//! Zip bombs, and the zip64 sizes of a central directory.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::tests::books::{raw_xlsx, zip};
use crate::tests::{format_message, known, open_err, write, DATE_ROWS};
use crate::SpreadsheetSource;

#[test]
fn zip_bombs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let whole = raw_xlsx("", DATE_ROWS);
    // The same workbook, its sheet claiming to unzip to nearly 4 GiB.
    let sheet = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>"#;
    let bomb = zip(
        &[("xl/worksheets/sheet1.xml", sheet.as_bytes())],
        Some(("xl/worksheets/sheet1.xml", 0xF000_0000)),
    );
    let path = write(&dir, "bomb.xlsx", &bomb);
    let message = format_message(open_err(&path, None));
    assert_eq!(
        message,
        "not a spreadsheet calamine can read: its 1 zipped parts would unzip to 4026531840 bytes, \
         more than the 2147483648 this reader accepts (a zip bomb?)"
    );
    // Honest sizes pass the check.
    let path = write(&dir, "fine.xlsx", &whole);
    assert!(SpreadsheetSource::open(&path, None, &known).is_ok());
}

#[test]
fn zip64_sizes() {
    let mut extra = Vec::new();
    extra.extend_from_slice(&[0x0A, 0x00, 4, 0, 1, 2, 3, 4]); // another field first
    extra.extend_from_slice(&[0x01, 0x00, 16, 0]);
    extra.extend_from_slice(&(5u64 << 32).to_le_bytes());
    extra.extend_from_slice(&7u64.to_le_bytes());
    assert_eq!(zip64_uncompressed_size(&extra), Some(5 << 32));
    assert_eq!(zip64_uncompressed_size(&extra[..8]), None);
    assert_eq!(zip64_uncompressed_size(&[0x01, 0x00, 16]), None);
}
