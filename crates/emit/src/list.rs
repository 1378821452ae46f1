//! CSV files of a fixed header written a record at a time ([`ListWriter`]): the upload files
//! (through [`crate::UploadWriter`]), `changes.csv` (`source,accountName,attribute,old,new`,
//! one line per changed attribute), `absent.csv` (`source,accountName,endDate`) and
//! `findings.csv` (every finding, [`FINDINGS_HEADER`]).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use nebulk_validate::Finding;

use crate::atomic::AtomicFile;
use crate::csv_line::write_record;
use crate::{with_path, BUFFER};

/// The header of `changes.csv`.
pub const CHANGES_HEADER: [&str; 5] = ["source", "accountName", "attribute", "old", "new"];

/// The header of `absent.csv`.
pub const ABSENT_HEADER: [&str; 3] = ["source", "accountName", "endDate"];

/// The header of `findings.csv`: one line per finding, as [`nebulk_validate::Finding`] has it
/// (`file` empty for a single input file; `column`, `field` and `value` empty for a finding not
/// about one field).
pub const FINDINGS_HEADER: [&str; 8] = [
    "file", "line", "column", "field", "code", "severity", "value", "message",
];

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

    /// Writes a finding as a line of `findings.csv` (a list of [`FINDINGS_HEADER`]).
    ///
    /// ```
    /// use nebulk_validate::{Code, Finding};
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("findings.csv");
    /// let mut list = nebulk_emit::ListWriter::create(&path, &nebulk_emit::FINDINGS_HEADER).unwrap();
    /// let finding = Finding {
    ///     file: None, line: 3, column: Some(4), field: Some("email".into()),
    ///     code: Code::InvalidEmail, severity: Code::InvalidEmail.severity(),
    ///     value: Some("ann@".into()), message: "`ann@` is not an e-mail address".into(),
    /// };
    /// list.write_finding(&finding).unwrap();
    /// list.finish().unwrap();
    /// let text = std::fs::read_to_string(&path).unwrap();
    /// assert_eq!(text.lines().nth(1), Some(",3,4,email,invalid-email,error,ann@,`ann@` is not an e-mail address"));
    /// ```
    pub fn write_finding(&mut self, finding: &Finding) -> io::Result<()> {
        let line = finding.line.to_string();
        let column = finding.column.map(|c| c.to_string()).unwrap_or_default();
        self.write([
            finding.file.as_deref().unwrap_or_default(),
            &line,
            &column,
            finding.field.as_deref().unwrap_or_default(),
            finding.code.as_str(),
            finding.severity.as_str(),
            finding.value.as_deref().unwrap_or_default(),
            &finding.message,
        ])
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

    /// Flushes what was written so far, and starts syncing it to disk while writing goes on
    /// ([`AtomicFile::sync_early`]).
    pub(crate) fn sync_early(&mut self) -> io::Result<()> {
        self.file
            .flush()
            .map_err(|e| with_path(e, "cannot write", &self.target))?;
        self.file.get_mut().sync_early();
        Ok(())
    }

    /// Flushes the file and gives it back, uncommitted.
    pub(crate) fn into_file(self) -> io::Result<AtomicFile> {
        let target = self.target;
        self.file
            .into_inner()
            .map_err(|e| with_path(e.into_error(), "cannot write", &target))
    }
}
