//! Loading a sheet's cells: choosing the sheet, the memory budget, and panics in nebulk's own
//! cell handling left unguarded.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use nebulk_read::RowSource;
use rust_xlsxwriter::Workbook;

use super::*;
use crate::guard::panic_is_caught;
use crate::tests::{fixture_dir, format_message, known, open_err, read_all, strings, xlsx};
use crate::SpreadsheetSource;

#[test]
fn sheet_choice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.xlsx");
    let mut workbook = Workbook::new();
    let first = workbook.add_worksheet().set_name("Summary").unwrap();
    first.write_row(0, 0, ["total", "count"]).unwrap();
    first.write_row(1, 0, [3.0, 4.0]).unwrap();
    let second = workbook.add_worksheet().set_name("People").unwrap();
    second.write_row(0, 0, ["email", "phone"]).unwrap();
    second.write_row(1, 0, ["a@x.org", "1"]).unwrap();
    workbook.add_worksheet().set_name("Empty").unwrap();
    workbook.save(&path).unwrap();

    let source = SpreadsheetSource::open(&path, None, &known).unwrap();
    assert_eq!(source.sheet_name(), "Summary");
    assert_eq!(source.header(), ["total", "count"]);

    let mut source = SpreadsheetSource::open(&path, Some("People"), &known).unwrap();
    assert_eq!(source.sheet_name(), "People");
    assert_eq!(source.header(), ["email", "phone"]);
    assert_eq!(read_all(&mut source), [(2, strings(&["a@x.org", "1"]))]);

    let source = SpreadsheetSource::open(&path, Some(" people "), &known).unwrap();
    assert_eq!(source.sheet_name(), "People");

    let err = open_err(&path, Some("Staff"));
    let ReadError::Format(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        e.message(),
        "there is no sheet named \"Staff\"; the sheets are: \"Summary\", \"People\", \"Empty\""
    );

    assert!(matches!(
        open_err(&path, Some("Empty")),
        ReadError::NoHeader
    ));
}

/// Issue 5, testdata/bad/excel-shared-string-bomb: a shared string is copied into every
/// cell that uses it, so a small file could ask for gigabytes.
#[test]
fn cells_over_the_memory_budget_are_refused() {
    let long = "x".repeat(30_000);
    let (_dir, path) = xlsx(|sheet| {
        sheet.write_row(0, 0, ["accountName", "email"]).unwrap();
        for row in 1..=40 {
            sheet.write(row, 1, long.as_str()).unwrap();
        }
    });
    let workbook = calamine::open_workbook_auto(&path).unwrap();
    let cells = load_cells(workbook, "Sheet1", 2 << 20, DateTimes::Utc).unwrap();
    assert_eq!(cells.len(), 42, "30,000 × 40 bytes fit in 2 MiB");
    let workbook = calamine::open_workbook_auto(&path).unwrap();
    let err = format_message(load_cells(workbook, "Sheet1", 1 << 20, DateTimes::Utc).unwrap_err());
    assert!(
        err.starts_with(
            "cannot read sheet \"Sheet1\": the sheet is too large to read into memory: its \
             cells take more than 1 MiB by row 36, column 2"
        ),
        "{err}"
    );
}

thread_local! {
    /// Makes [`push_cell`], nebulk's own code, panic on this thread.
    static PANIC_IN_PUSH_CELL: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Whether the guard said it would catch that panic.
    static CAUGHT_IN_PUSH_CELL: std::cell::Cell<Option<bool>> = const { std::cell::Cell::new(None) };
}

/// Called by [`push_cell`]: panics when a test asks, noting what [`panic_is_caught`] says.
pub(super) fn on_push_cell() {
    if PANIC_IN_PUSH_CELL.get() {
        CAUGHT_IN_PUSH_CELL.set(Some(panic_is_caught()));
        panic!("a bug in nebulk's cell handling");
    }
}

/// Issue 9: only calamine's calls are guarded. A panic in nebulk's own code, in the cell
/// handling (made on purpose as each cell is kept) or while the table is built (the
/// caller's `is_known_column`), is a bug: it unwinds out of `open` instead of becoming a
/// "corrupt file" error, and `panic_is_caught` says so to the panic hook (which the `nebulk`
/// command and the fuzz targets ask). The guard used to wrap the cell handling too.
#[test]
fn panics_in_nebulk_code_are_not_caught() {
    for book in ["contractors.xlsx", "contractors.ods", "contractors.xls"] {
        let path = fixture_dir().join(book);
        assert!(
            SpreadsheetSource::open(&path, None, &known).is_ok(),
            "{book}"
        );

        PANIC_IN_PUSH_CELL.set(true);
        CAUGHT_IN_PUSH_CELL.set(None);
        let outcome = std::panic::catch_unwind(|| SpreadsheetSource::open(&path, None, &known));
        PANIC_IN_PUSH_CELL.set(false);
        match outcome {
            Err(panic) => assert_eq!(
                panic.downcast_ref::<&str>(),
                Some(&"a bug in nebulk's cell handling"),
                "{book}"
            ),
            Ok(result) => panic!("{book}: the cell handling's panic was caught: {result:?}"),
        }
        assert_eq!(
            CAUGHT_IN_PUSH_CELL.get(),
            Some(false),
            "{book}: panic_is_caught"
        );

        let bad_column_check = |_: &str| -> bool {
            assert!(!panic_is_caught(), "building the table is not guarded");
            panic!("a bug in the column check")
        };
        let outcome =
            std::panic::catch_unwind(|| SpreadsheetSource::open(&path, None, &bad_column_check));
        assert!(
            outcome.is_err(),
            "{book}: the column check's panic was caught"
        );
        assert!(!panic_is_caught());
    }
}
