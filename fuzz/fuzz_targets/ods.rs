//! The spreadsheet reader on an ods file whose `content.xml` is the fuzz input: the input is
//! wrapped into the smallest zip calamine opens as an ods (a stored `mimetype` entry first,
//! `META-INF/manifest.xml`, which calamine requires to look for a password, then
//! `content.xml`), written to `input.ods`, and read to the end or to its error.
//!
//! Random bytes almost never make such a zip, so the `excel` target never reaches the ods
//! pre-walk (`content_cost` in `nebulk-sheet`'s `guard/ods/cost.rs`) that runs before calamine
//! opens the file. Here every input does: the walk must not panic, hang or allocate without
//! bound, and must refuse every content.xml on which calamine would then (libFuzzer's
//! -rss_limit_mb and -timeout catch a file let through that calamine blows up on or hangs on).
//!
//! Panics are handled as in the `excel` target (see `shared/spreadsheet.rs`).
#![no_main]

use std::io::{Cursor, Write};

use libfuzzer_sys::fuzz_target;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

#[path = "shared/spreadsheet.rs"]
mod spreadsheet;

const MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

const MANIFEST: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

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

fuzz_target!(init: spreadsheet::pass_caught_panics(), |content: &[u8]| {
    spreadsheet::check(spreadsheet::input_path("input.ods"), &ods(content))
});
