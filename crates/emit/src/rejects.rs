//! `rejects.csv`: every rejected row with its line, codes and messages, and its original
//! fields byte for byte ([`RejectsWriter`]).

use std::io;
use std::path::{Path, PathBuf};

use nebulk_read::Row;
use nebulk_validate::Verdict;

use crate::atomic::AtomicFile;
use crate::{with_path, BUFFER};

/// A CSV writer into `file`, buffered; rows may differ in length (a malformed row keeps its
/// own fields).
fn csv_writer(file: AtomicFile) -> csv::Writer<AtomicFile> {
    csv::WriterBuilder::new()
        .buffer_capacity(BUFFER)
        .flexible(true)
        .from_writer(file)
}

/// Flushes the writer and gives back its file, uncommitted.
fn finish_csv(writer: csv::Writer<AtomicFile>, target: &Path) -> io::Result<AtomicFile> {
    writer.into_inner().map_err(|e| {
        with_path(
            io::Error::other(e.error().to_string()),
            "cannot write",
            target,
        )
    })
}

/// A CSV writer's error as an I/O error naming `target`.
fn csv_error(e: csv::Error, target: &Path) -> io::Error {
    let e = match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    };
    with_path(e, "cannot write", target)
}

/// Writes `rejects.csv`: `line`, `codes` (separated by `;`), `messages` (separated by ` | `),
/// then the row's original fields under the input header. A malformed row keeps its own number
/// of fields, so nothing of it is lost. When the input is several files, a first column `file`
/// names the file of each row. The first `skip` input columns are left out: those an earlier
/// run's `rejects.csv` put in front of its rows, when it is fed back
/// ([`nebulk_validate::earlier_rejects_columns`]).
///
/// ```
/// use nebulk_emit::RejectsWriter;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("rejects.csv");
/// let header = vec!["accountName".to_string(), "email".to_string()];
/// RejectsWriter::create(&path, &header, false, 0).unwrap().finish().unwrap();
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "line,codes,messages,accountName,email\n");
/// ```
pub struct RejectsWriter {
    csv: csv::Writer<AtomicFile>,
    target: PathBuf,
    with_file: bool,
    /// Columns at the start of the input that an earlier run's `rejects.csv` put there, not
    /// written again.
    skip: usize,
}

impl RejectsWriter {
    /// Starts the file and writes the header.
    pub fn create(
        target: &Path,
        input_header: &[String],
        with_file: bool,
        skip: usize,
    ) -> io::Result<RejectsWriter> {
        let mut csv = csv_writer(AtomicFile::create(target)?);
        let file = with_file.then_some("file");
        let fixed = file.into_iter().chain(["line", "codes", "messages"]);
        let original = input_header.iter().skip(skip).map(String::as_str);
        csv.write_record(fixed.chain(original))
            .map_err(|e| csv_error(e, target))?;
        Ok(RejectsWriter {
            csv,
            target: target.to_path_buf(),
            with_file,
            skip,
        })
    }

    /// Writes a rejected row.
    pub fn write(&mut self, row: &Row, verdict: &Verdict) -> io::Result<()> {
        let line = row.line.to_string();
        let codes: Vec<&str> = verdict.codes().iter().map(|c| c.as_str()).collect();
        let messages: Vec<&str> = verdict.issues.iter().map(|i| i.message.as_str()).collect();
        let codes = codes.join(";");
        let messages = messages.join(" | ");
        let file = self
            .with_file
            .then(|| row.file.as_deref().unwrap_or("").as_bytes());
        let fixed =
            file.into_iter()
                .chain([line.as_bytes(), codes.as_bytes(), messages.as_bytes()]);
        self.csv
            .write_record(fixed.chain(row.record.iter().skip(self.skip)))
            .map_err(|e| csv_error(e, &self.target))
    }

    /// Completes the file.
    pub fn finish(self) -> io::Result<()> {
        finish_csv(self.csv, &self.target)?.commit()
    }

    /// Flushes the file and gives it back, uncommitted.
    pub(crate) fn into_file(self) -> io::Result<AtomicFile> {
        finish_csv(self.csv, &self.target)
    }
}
