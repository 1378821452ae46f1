//! CSV files of a fixed header written a record at a time ([`ListWriter`]): the upload files
//! (through [`crate::UploadWriter`]), `changes.csv` (`source,accountName,attribute,old,new`,
//! one line per changed attribute) and `absent.csv` (`source,accountName,endDate`).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::atomic::AtomicFile;
use crate::csv_line::write_record;
use crate::{with_path, BUFFER};

/// The header of `changes.csv`.
pub const CHANGES_HEADER: [&str; 5] = ["source", "accountName", "attribute", "old", "new"];

/// The header of `absent.csv`.
pub const ABSENT_HEADER: [&str; 3] = ["source", "accountName", "endDate"];

/// Writes a CSV file of a fixed header, a record at a time, to a temporary file renamed into
/// place when the run completes.
///
/// ```
/// use nebulk_emit::ListWriter;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("absent.csv");
/// let mut list = ListWriter::create(&path, &nebulk_emit::ABSENT_HEADER).unwrap();
/// list.write(["north", "ann", "2026-06-30T00:00:00+00:00"]).unwrap();
/// list.finish().unwrap();
/// assert_eq!(
///     std::fs::read_to_string(&path).unwrap(),
///     "source,accountName,endDate\nnorth,ann,2026-06-30T00:00:00+00:00\n"
/// );
/// ```
pub struct ListWriter {
    file: io::BufWriter<AtomicFile>,
    target: PathBuf,
    line: Vec<u8>,
}

impl ListWriter {
    /// Starts the file and writes `header`.
    pub fn create(target: &Path, header: &[&str]) -> io::Result<ListWriter> {
        let file = io::BufWriter::with_capacity(BUFFER, AtomicFile::create(target)?);
        let mut list = ListWriter {
            file,
            target: target.to_path_buf(),
            line: Vec::new(),
        };
        list.write(header.iter().copied())?;
        Ok(list)
    }

    /// Writes one record.
    pub fn write<'f>(&mut self, fields: impl IntoIterator<Item = &'f str>) -> io::Result<()> {
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        write_record(&mut line, fields.into_iter().map(str::as_bytes));
        let written = self.write_line(&line);
        self.line = line;
        written
    }

    /// Writes a record already written as CSV (with its line end).
    pub fn write_line(&mut self, line: &[u8]) -> io::Result<()> {
        self.file
            .write_all(line)
            .map_err(|e| with_path(e, "cannot write", &self.target))
    }

    /// Completes the file.
    pub fn finish(self) -> io::Result<()> {
        self.into_file()?.commit()
    }

    /// Flushes the file and gives it back, uncommitted.
    pub(crate) fn into_file(self) -> io::Result<AtomicFile> {
        let target = self.target;
        self.file
            .into_inner()
            .map_err(|e| with_path(e.into_error(), "cannot write", &target))
    }
}
