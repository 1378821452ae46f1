//! What the `excel` and `ods` targets share: a file to write each input to, a panic hook that
//! lets the reader's guard catch calamine's panics, and the read-everything check.
//!
//! calamine panics on some malformed files; `SpreadsheetSource::open` catches those panics and
//! returns a format error. libfuzzer-sys's panic hook aborts on every panic, caught or not, so
//! the targets' hook lets through the panics `nebulk_sheet::panic_is_caught` says will be
//! caught; any other panic (in nebulk's own code, or one the guard misses) is a crash.

use std::path::PathBuf;
use std::sync::OnceLock;

use nebulk_read::RowSource;
use nebulk_schema::Schema;
use nebulk_sheet::{panic_is_caught, SpreadsheetSource};

/// A path named `name` in a folder made once per process and removed at its end.
pub fn input_path(name: &str) -> &'static PathBuf {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("no temporary folder: {e}"));
        let path = dir.path().join(name);
        (dir, path)
    });
    path
}

/// Lets the panics nebulk-sheet's guard will catch unwind to it; others abort as before.
pub fn pass_caught_panics() {
    let abort = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !panic_is_caught() {
            abort(info);
        }
    }));
}

/// Writes `bytes` to `path`, opens it as a spreadsheet and reads it to the end or to its
/// error: rows come in line order, each at least as wide as the header.
pub fn check(path: &PathBuf, bytes: &[u8]) {
    if let Err(e) = std::fs::write(path, bytes) {
        panic!("cannot write {}: {e}", path.display());
    }
    let schema = Schema::system();
    let known = |cell: &str| schema.find(cell).is_some();
    let Ok(mut source) = SpreadsheetSource::open(path, None, &known) else {
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
