//! JSON files, written the one way every JSON output of nebulk is: pretty, with a line end,
//! atomically ([`write_json`], [`write_json_into`]) or into any writer ([`write_json_to`]).

use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;

use crate::atomic::AtomicFile;
use crate::with_path;

/// Writes `value` as pretty JSON to `target`, atomically, creating its folder when needed
/// (see [`AtomicFile`] for links, devices and FIFOs).
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("report.json");
/// nebulk_emit::write_json(&path, &serde_json::json!({"rows_read": 3})).unwrap();
/// assert!(std::fs::read_to_string(&path).unwrap().contains("\"rows_read\": 3"));
/// ```
pub fn write_json<T: Serialize>(target: &Path, value: &T) -> io::Result<()> {
    write_json_into(AtomicFile::create_with_folder(target)?, value)
}

/// Writes `value` as pretty JSON into `file`, started earlier, and commits it.
///
/// ```
/// use nebulk_emit::{write_json_into, AtomicFile};
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("report.json");
/// // Started before the work, so that a path that cannot be written fails first.
/// let file = AtomicFile::create(&path).unwrap();
/// write_json_into(file, &serde_json::json!({"rows_read": 3})).unwrap();
/// assert!(std::fs::read_to_string(&path).unwrap().contains("\"rows_read\": 3"));
/// ```
pub fn write_json_into<T: Serialize>(file: AtomicFile, value: &T) -> io::Result<()> {
    fill(file, value)?.commit()
}

/// Writes `value` as pretty JSON, then a line end, to `out`, as the JSON files are written.
/// An error writing to `out` keeps its kind (a broken pipe stays a broken pipe).
///
/// ```
/// let mut out = Vec::new();
/// nebulk_emit::write_json_to(&mut out, &serde_json::json!({"rows_read": 3})).unwrap();
/// assert_eq!(out, b"{\n  \"rows_read\": 3\n}\n");
/// ```
pub fn write_json_to<T: Serialize>(mut out: impl Write, value: &T) -> io::Result<()> {
    // serde_json hands an I/O error back as it came.
    serde_json::to_writer_pretty(&mut out, value).map_err(io::Error::from)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Writes `value` as pretty JSON into `file`, and gives it back uncommitted.
pub(crate) fn fill<T: Serialize>(file: AtomicFile, value: &T) -> io::Result<AtomicFile> {
    fill_with(file, |out| write_json_to(out, value))
}

/// Writes into `file` with `write`, buffered, and gives it back uncommitted; an error names the
/// file.
pub(crate) fn fill_with(
    file: AtomicFile,
    write: impl FnOnce(&mut io::BufWriter<AtomicFile>) -> io::Result<()>,
) -> io::Result<AtomicFile> {
    let target = file.target().to_path_buf();
    let mut file = io::BufWriter::new(file);
    write(&mut file).map_err(|e| with_path(e, "cannot write", &target))?;
    file.into_inner()
        .map_err(|e| with_path(e.into_error(), "cannot write", &target))
}
