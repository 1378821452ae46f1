//! The guard around calamine's calls.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::tests::{fixture_dir, format_message, open_err, write};

/// Issue 5 (fuzzing): malformed OLE files on which calamine 0.38 panics are refused with a
/// format error, whatever their extension (none makes calamine try every format). The OLE
/// check refuses these two before calamine sees them; a panic that gets past it becomes a
/// format error too.
#[test]
fn calamine_panics_are_format_errors() {
    let dir = tempfile::tempdir().unwrap();
    for fixture in [
        "fuzz-ole-fat-sector-cut-short.xls",
        "fuzz-ole-sector-past-end.xls",
    ] {
        let bytes = std::fs::read(fixture_dir().join(fixture)).unwrap();
        for name in ["book.xls", "book.xlsx", "book"] {
            let path = write(&dir, name, &bytes);
            let message = format_message(open_err(&path, None));
            assert!(
                message.starts_with(
                    "not a spreadsheet calamine can read: the OLE (xls) file is malformed: "
                ),
                "{fixture} as {name}: {message}"
            );
        }
    }
    let err = guard_calamine(|| -> Result<(), ReadError> {
        assert!(panic_is_caught());
        panic!("index out of bounds")
    });
    assert!(!panic_is_caught(), "the flag is cleared after a panic");
    assert_eq!(
        format_message(err.unwrap_err()),
        "not a spreadsheet calamine can read: the file is corrupt (calamine failed on it: \
         index out of bounds)"
    );
}
