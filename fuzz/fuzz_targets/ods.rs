//! The spreadsheet reader on an ods file whose `content.xml` is the fuzz input: the input is
//! wrapped into the smallest zip calamine opens as an ods (a stored `mimetype` entry first,
//! `META-INF/manifest.xml`, which calamine requires to look for a password, then
//! `content.xml`), written to `input.ods`, and read to the end or to its error.
//!
//! Random bytes almost never make such a zip, so the `excel` target never reaches the ods
//! pre-walk (`content_cost` in `nebulk-read`'s `excel/ods.rs`) that runs before calamine opens
//! the file. Here every input does: the walk must not panic, hang or allocate without bound,
//! and must refuse every content.xml on which calamine would then (libFuzzer's -rss_limit_mb
//! and -timeout catch a file let through that calamine blows up on or hangs on).
//!
//! calamine panics on some malformed files; `ExcelSource::open` catches those panics and returns
//! a format error. libfuzzer-sys's panic hook aborts on every panic, caught or not, so this
//! target's hook lets through the panics `nebulk_read::excel::panic_is_caught` says will be
//! caught; any other panic (in the pre-walk, say) is a crash.
#![no_main]

use std::io::{Cursor, Write};
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use nebulk_read::excel::{panic_is_caught, ExcelSource};
use nebulk_read::RowSource;
use nebulk_schema::Schema;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

const MANIFEST: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

/// A folder for the input file, made once per process and removed at its end.
fn input_path() -> &'static PathBuf {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("no temporary folder: {e}"));
        let path = dir.path().join("input.ods");
        (dir, path)
    });
    path
}

/// Lets the panics nebulk-read's guard will catch unwind to it; others abort as before.
fn pass_caught_panics() {
    let abort = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !panic_is_caught() {
            abort(info);
        }
    }));
}

/// An ods file (entries stored, not deflated) whose `content.xml` is `content`.
fn ods(content: &[u8]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::with_capacity(content.len() + 1024)));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for (name, bytes) in [
        ("mimetype", MIMETYPE),
        ("META-INF/manifest.xml", MANIFEST),
        ("content.xml", content),
    ] {
        if let Err(e) = zip.start_file(name, stored) {
            panic!("cannot start {name}: {e}");
        }
        if let Err(e) = zip.write_all(bytes) {
            panic!("cannot write {name}: {e}");
        }
    }
    match zip.finish() {
        Ok(cursor) => cursor.into_inner(),
        Err(e) => panic!("cannot finish the zip: {e}"),
    }
}

fn check(content: &[u8]) {
    let path = input_path();
    if let Err(e) = std::fs::write(path, ods(content)) {
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

fuzz_target!(init: pass_caught_panics(), |data: &[u8]| check(data));
