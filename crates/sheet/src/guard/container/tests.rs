//! Files that are not workbooks, or not workbooks calamine can read.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{self, Write};

use nebulk_read::ReadError;

use crate::tests::books::{raw_xlsx, zip};
use crate::tests::{format_message, open_err, write, DATE_ROWS};

/// An OLE compound file holding one stream `name` with `data`.
fn ole_with(name: &str, data: &[u8]) -> Vec<u8> {
    let mut ole = cfb::CompoundFile::create(io::Cursor::new(Vec::new())).unwrap();
    ole.create_stream(name).unwrap().write_all(data).unwrap();
    ole.flush().unwrap();
    ole.into_inner().into_inner()
}

#[test]
fn not_spreadsheets() {
    let dir = tempfile::tempdir().unwrap();
    let text = b"accountName,email\nann,a@x.org\n";
    for name in ["list.xlsx", "list.xls", "list.ods", "list.xlsb", "list.dat"] {
        let path = write(&dir, name, text);
        assert_eq!(
            format_message(open_err(&path, None)),
            "not a spreadsheet calamine can read: the file is text (a CSV file?), not a workbook",
            "{name}"
        );
    }
    let path = write(&dir, "image.xlsx", &[0x89, b'P', b'N', b'G', 0, 0, 0, 13]);
    assert!(format_message(open_err(&path, None)).ends_with(
        "the file is neither a zip-based workbook (xlsx, xlsm, xlsb, ods) nor an OLE one (xls)"
    ));
    // An OLE file too broken to read.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(1024, 0);
    let path = write(&dir, "old.xls", &ole);
    assert!(format_message(open_err(&path, None))
        .starts_with("not a spreadsheet calamine can read: the OLE (xls) file is malformed: "));
    // An OLE file whose workbook stream is not one: calamine says why.
    let path = write(&dir, "old.xls", &ole_with("Workbook", b"not BIFF"));
    assert!(format_message(open_err(&path, None))
        .starts_with("not a spreadsheet calamine can read: Xls error: "));
    // An OLE file without a workbook stream, named like an xlsx.
    let ole = ole_with("EncryptedPackage", b"secret");
    let path = write(&dir, "locked.xlsx", &ole);
    assert!(format_message(open_err(&path, None)).starts_with(
        "not a spreadsheet calamine can read: an OLE file with an Office Open XML name, \
         as password-protected workbooks are (remove the password and save it again): "
    ));

    let path = write(&dir, "notes.xlsx", &zip(&[("notes.txt", b"hello")], None));
    assert_eq!(
        format_message(open_err(&path, None)),
        "not a spreadsheet calamine can read: a zip archive, but not a workbook: \
         Xlsx error: File not found '_rels/.rels'"
    );
    let path = write(&dir, "notes.ods", &zip(&[("notes.txt", b"hello")], None));
    assert!(format_message(open_err(&path, None))
        .contains(": a zip archive, but not a workbook: Ods error: "));

    // An empty file, and a truncated workbook.
    let path = write(&dir, "empty.xlsx", b"");
    assert!(format_message(open_err(&path, None)).ends_with(": the file is empty"));
    let whole = raw_xlsx("", DATE_ROWS);
    let path = write(&dir, "cut.xlsx", &whole[..whole.len() / 2]);
    assert!(format_message(open_err(&path, None)).starts_with("not a spreadsheet"));

    let missing = dir.path().join("missing.xlsx");
    let err = open_err(&missing, None);
    assert!(
        matches!(&err, ReadError::Io { error, .. } if error.kind() == io::ErrorKind::NotFound),
        "{err:?}"
    );
}
