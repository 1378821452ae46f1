//! xls workbooks whose sheets calamine would lay out as too many cells.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io;

use super::*;
use crate::tests::{fixture_dir, format_message, open_err, write};

/// The committed xls fixture with its first record of type `typ` and length `len` changed
/// by `patch` (its body). The fixture's Workbook stream is stored in one piece.
fn patched_xls(typ: u16, len: u16, patch: impl FnOnce(&mut [u8])) -> Vec<u8> {
    let mut bytes = std::fs::read(fixture_dir().join("contractors.xls")).unwrap();
    let header = [typ.to_le_bytes(), len.to_le_bytes()].concat();
    let at = bytes.windows(4).position(|w| w == header).unwrap() + 4;
    patch(&mut bytes[at..at + usize::from(len)]);
    bytes
}

/// Issue 5: calamine lays an xls sheet out as a rectangle from its first to its last cell,
/// after reserving what the DIMENSIONS record claims; a 7 KiB file with one cell at row and
/// column 65,535 (or a DIMENSIONS record claiming 4 billion rows) once aborted the process
/// on a 137 GB allocation. Such workbooks are refused before calamine opens them.
#[test]
fn xls_sheets_too_large_to_lay_out_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // LabelSst: row, column, format, string index.
    let far_cell = patched_xls(0x00FD, 10, |body| body[..4].fill(0xFE));
    // Dimensions (BIFF8): first row, last row + 1 (u32), first column, last column + 1.
    let false_dimensions = patched_xls(0x0200, 14, |body| body[4..8].fill(0xFF));
    for (what, bytes) in [("far cell", far_cell), ("dimensions", false_dimensions)] {
        let path = write(&dir, "big.xls", &bytes);
        let message = format_message(open_err(&path, None));
        assert!(
            message.starts_with("not a spreadsheet calamine can read: its sheets would take ")
                && message.contains(" cells laid out as rectangles, more than the 16777216 "),
            "{what}: {message}"
        );
    }
    // The fixture itself passes the check.
    assert!(
        xls_cells(&{
            let bytes = std::fs::read(fixture_dir().join("contractors.xls")).unwrap();
            let mut ole = cfb::CompoundFile::open(io::Cursor::new(bytes)).unwrap();
            let mut data = Vec::new();
            ole.open_stream("/Workbook")
                .unwrap()
                .read_to_end(&mut data)
                .unwrap();
            data
        }) < 1000
    );
}
