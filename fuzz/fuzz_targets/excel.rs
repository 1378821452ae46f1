//! The spreadsheet reader on arbitrary bytes, written to a file without an extension (so that
//! calamine tries xls, xlsx, xlsb and ods in turn), read to the end or to its error. The zip
//! directory check runs first and refuses zip bombs.
//!
//! calamine panics on some malformed files; `ExcelSource::open` catches those panics and returns
//! a format error. libfuzzer-sys's panic hook aborts on every panic, caught or not, so this
//! target's hook lets panics raised in calamine's code unwind to that guard; any other panic,
//! or one the guard misses (it reaches libfuzzer-sys's own catch, which aborts), is a crash.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use nebulk_read::excel::ExcelSource;
use nebulk_read::RowSource;
use nebulk_schema::Schema;

/// A folder for the input file, made once per process and removed at its end.
fn input_path() -> &'static PathBuf {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("no temporary folder: {e}"));
        let path = dir.path().join("input");
        (dir, path)
    });
    path
}

/// Lets panics raised in calamine's code unwind to nebulk-read's guard; others abort as before.
fn pass_calamine_panics() {
    let abort = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !info
            .location()
            .is_some_and(|l| l.file().contains("/calamine-"))
        {
            abort(info);
        }
    }));
}

fn check(data: &[u8]) {
    let path = input_path();
    if let Err(e) = std::fs::write(path, data) {
        panic!("cannot write {}: {e}", path.display());
    }
    let schema = Schema::system();
    let known = |cell: &str| schema.find(cell).is_some();
    let Ok(mut source) = ExcelSource::open(path, None, &known) else {
        return;
    };
    let width = source.header().len();
    assert!(width > 0);
    let mut last_line = source.header_line();
    loop {
        match source.read_chunk(64, 1 << 20) {
            Ok(rows) if rows.is_empty() => break,
            Ok(rows) => {
                for row in &rows {
                    assert!(row.line > last_line, "row {} after {last_line}", row.line);
                    assert!(row.record.len() >= width);
                    last_line = row.line;
                }
            }
            Err(_) => break,
        }
    }
}

fuzz_target!(init: pass_calamine_panics(), |data: &[u8]| check(data));
