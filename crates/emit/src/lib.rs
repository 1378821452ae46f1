//! # Brief overview
//!
//! `nebulk-emit` writes what a run produces:
//!
//! - `upload.csv`: the valid rows, the schema's columns in schema order, headed the way the
//!   schema spells them, values trimmed and dates normalised ([`UploadWriter`]);
//! - `rejects.csv`: every rejected row with its input line, its codes, its messages and its
//!   original fields, byte for byte ([`RejectsWriter`]);
//! - `report.json` ([`write_json`]).
//!
//! Every file is written to a temporary file in the same folder and renamed over its name only
//! when complete ([`AtomicFile`]): an interrupted run leaves no half-written output behind. A
//! name that is a symbolic link has its target replaced, and the link stays; a device, a FIFO
//! or an open file of the process (`/dev/stdout`, bash's `>(...)`) is written through, in place
//! and not atomically, since renaming over it would replace the device ([`Destination`]).
//! [`FileSink::finish_with_report`] renames the three files of a run in one step, `report.json`
//! last: when `report.json` is there, the upload and rejects files beside it are complete and
//! from the same run. A signal handler calls [`abandon_pending`] to remove the temporary files
//! of a run it stops. On Unix, each temporary file is locked for as long as its run has it
//! open, and making a file removes the temporary files of the same name that no live run holds:
//! those a killed run (SIGKILL, a power cut) left behind.
//!
//! # Example
//!
//! ```
//! use nebulk_emit::AtomicFile;
//! use std::io::Write;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("hello.txt");
//! let mut file = AtomicFile::create(&path).unwrap();
//! file.write_all(b"hello").unwrap();
//! assert!(!path.exists(), "nothing is visible before commit");
//! file.commit().unwrap();
//! assert_eq!(std::fs::read(&path).unwrap(), b"hello");
//! ```
#![deny(missing_docs)]

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use nebulk_read::Row;
use nebulk_schema::Schema;
use nebulk_validate::{CheckedRow, RowFormat, Sink, UploadValue, Verdict};
use serde::Serialize;

pub use atomic::{abandon_pending, commit_all, Abandoned, AtomicFile};
pub use csv_line::write_record;
pub use target::Destination;

mod atomic;
mod csv_line;
mod stale;
mod target;

/// Size of the output buffers.
const BUFFER: usize = 256 * 1024;

/// Creates folder `dir` and its parents. When a file is in the way, the error names it: the
/// system's own words ("File exists", "Not a directory") do not say which path is the file.
pub(crate) fn create_folder(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir).map_err(|e| {
        let file = dir
            .ancestors()
            .find(|a| !a.as_os_str().is_empty() && a.exists() && !a.is_dir());
        match file {
            Some(file) if file == dir => io::Error::new(
                e.kind(),
                format!("cannot create the folder {}: it is a file", dir.display()),
            ),
            Some(file) => io::Error::new(
                e.kind(),
                format!(
                    "cannot create the folder {}: {} is a file",
                    dir.display(),
                    file.display()
                ),
            ),
            None => with_path(e, "cannot create the folder", dir),
        }
    })
}

pub(crate) fn with_path(e: io::Error, what: &str, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{what} {}: {e}", path.display()))
}

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

fn csv_error(e: csv::Error, target: &Path) -> io::Error {
    let e = match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    };
    with_path(e, "cannot write", target)
}

/// Writes `upload.csv`: the schema header, then one line per valid row. Lines are made by
/// [`UploadFormat`] (on the engine's worker threads) and written as they come.
///
/// ```
/// use nebulk_emit::UploadWriter;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("upload.csv");
/// let writer = UploadWriter::create(&path, &nebulk_schema::Schema::system()).unwrap();
/// writer.finish().unwrap();
/// let text = std::fs::read_to_string(&path).unwrap();
/// assert_eq!(text, "accountName,firstName,lastName,email,phone,manager,startDate,endDate\n");
/// ```
pub struct UploadWriter {
    file: io::BufWriter<AtomicFile>,
    target: PathBuf,
}

impl UploadWriter {
    /// Starts the file and writes the header.
    pub fn create(target: &Path, schema: &Schema) -> io::Result<UploadWriter> {
        let mut file = io::BufWriter::with_capacity(BUFFER, AtomicFile::create(target)?);
        let mut header = Vec::new();
        write_record(&mut header, schema.headers().map(str::as_bytes));
        file.write_all(&header)
            .map_err(|e| with_path(e, "cannot write", target))?;
        Ok(UploadWriter {
            file,
            target: target.to_path_buf(),
        })
    }

    /// Writes a valid row's line, as [`UploadFormat`] made it.
    pub fn write(&mut self, line: &[u8]) -> io::Result<()> {
        self.file
            .write_all(line)
            .map_err(|e| with_path(e, "cannot write", &self.target))
    }

    /// Completes the file.
    pub fn finish(self) -> io::Result<()> {
        self.into_file()?.commit()
    }

    /// Flushes the file and gives it back, uncommitted.
    fn into_file(self) -> io::Result<AtomicFile> {
        let target = self.target;
        self.file
            .into_inner()
            .map_err(|e| with_path(e.into_error(), "cannot write", &target))
    }
}

/// Formats a valid row as its `upload.csv` line: its values in schema order. The values must
/// be trimmed fields of the row as read (or normalised dates), as [`nebulk_validate`] makes
/// them: when the row as read holds nothing that needs quoting, neither do they.
///
/// ```
/// use nebulk_validate::{CheckedRow, RowFormat, UploadValue};
/// let row = nebulk_read::Row::from_fields(2, [" ann ", "Lee, Ann"]);
/// let checked = CheckedRow {
///     row: &row,
///     values: [UploadValue::Text("ann"), UploadValue::Text("Lee, Ann")].into_iter().collect(),
///     issues: vec![],
///     warnings: vec![],
///     account_key: None,
/// };
/// let mut line = Vec::new();
/// nebulk_emit::UploadFormat.format_row(&checked, &mut line);
/// assert_eq!(line, b"ann,\"Lee, Ann\"\n");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct UploadFormat;

impl RowFormat for UploadFormat {
    fn format_row(&self, row: &CheckedRow<'_>, out: &mut Vec<u8>) {
        // Neutralised values are rare, and the only ones not found in the row as read.
        if row
            .values
            .iter()
            .any(|v| matches!(v, UploadValue::Neutralised(_)))
        {
            let texts: Vec<_> = row.values.iter().map(UploadValue::text).collect();
            write_record(out, texts.iter().map(|t| t.as_bytes()));
            return;
        }
        // The values are trimmed fields of the row (or dates, which need no quotes): one scan
        // of the row as read tells which of them need quotes.
        let values = row.values.iter().map(|v| v.as_str().as_bytes());
        csv_line::write_slices_of(out, row.row.record.as_slice(), values);
    }
}

/// Writes `rejects.csv`: `line`, `codes` (separated by `;`), `messages` (separated by ` | `),
/// then the row's original fields under the input header. A malformed row keeps its own number
/// of fields, so nothing of it is lost. When the input is several files, a first column `file`
/// names the file of each row.
///
/// ```
/// use nebulk_emit::RejectsWriter;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("rejects.csv");
/// let header = vec!["accountName".to_string(), "email".to_string()];
/// RejectsWriter::create(&path, &header, false).unwrap().finish().unwrap();
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "line,codes,messages,accountName,email\n");
/// ```
pub struct RejectsWriter {
    csv: csv::Writer<AtomicFile>,
    target: PathBuf,
    with_file: bool,
}

impl RejectsWriter {
    /// Starts the file and writes the header.
    pub fn create(
        target: &Path,
        input_header: &[String],
        with_file: bool,
    ) -> io::Result<RejectsWriter> {
        let mut csv = csv_writer(AtomicFile::create(target)?);
        let file = with_file.then_some("file");
        let fixed = file.into_iter().chain(["line", "codes", "messages"]);
        csv.write_record(fixed.chain(input_header.iter().map(String::as_str)))
            .map_err(|e| csv_error(e, target))?;
        Ok(RejectsWriter {
            csv,
            target: target.to_path_buf(),
            with_file,
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
            .write_record(fixed.chain(row.record.iter()))
            .map_err(|e| csv_error(e, &self.target))
    }

    /// Completes the file.
    pub fn finish(self) -> io::Result<()> {
        finish_csv(self.csv, &self.target)?.commit()
    }

    /// Flushes the file and gives it back, uncommitted.
    fn into_file(self) -> io::Result<AtomicFile> {
        finish_csv(self.csv, &self.target)
    }
}

/// The upload and rejects files of one run, as a [`Sink`] for the engine, and its report.
pub struct FileSink {
    upload: UploadWriter,
    rejects: RejectsWriter,
    report: AtomicFile,
}

impl FileSink {
    /// Starts `DIR/upload.csv`, `DIR/rejects.csv` and `DIR/report.json`, creating `DIR` when
    /// needed (the folder a link `DIR` leads to, when it is one); `with_file` adds the `file`
    /// column to the rejects. Each file's own links are followed (see [`AtomicFile`]); a file
    /// that cannot be written is an error before any row is.
    pub fn create(
        dir: &Path,
        schema: &Schema,
        input_header: &[String],
        with_file: bool,
    ) -> io::Result<FileSink> {
        create_folder(&target::folder(dir))?;
        Ok(FileSink {
            upload: UploadWriter::create(&dir.join("upload.csv"), schema)?,
            rejects: RejectsWriter::create(&dir.join("rejects.csv"), input_header, with_file)?,
            report: AtomicFile::create(&dir.join("report.json"))?,
        })
    }

    /// Completes the upload and rejects files and renames them into place together (see
    /// [`commit_all`]); no report is written.
    pub fn finish(self) -> io::Result<()> {
        drop(self.report);
        commit_all(vec![self.upload.into_file()?, self.rejects.into_file()?])
    }

    /// Completes both files, writes `report` as `report.json` beside them, and renames the three
    /// into place together, `report.json` last (see [`commit_all`]): an interrupted run renames
    /// none of them, and when `report.json` is there, `upload.csv` and `rejects.csv` are complete
    /// and from the same run as it.
    ///
    /// ```
    /// use nebulk_emit::FileSink;
    /// use nebulk_schema::Schema;
    /// let dir = tempfile::tempdir().unwrap();
    /// let sink = FileSink::create(dir.path(), &Schema::system(), &[], false).unwrap();
    /// sink.finish_with_report(&serde_json::json!({"rows_read": 0})).unwrap();
    /// for name in ["upload.csv", "rejects.csv", "report.json"] {
    ///     assert!(dir.path().join(name).exists());
    /// }
    /// ```
    pub fn finish_with_report<T: Serialize>(self, report: &T) -> io::Result<()> {
        let upload = self.upload.into_file()?;
        let rejects = self.rejects.into_file()?;
        let report = fill_json(self.report, report)?;
        commit_all(vec![upload, rejects, report])
    }
}

impl Sink for FileSink {
    type Format = UploadFormat;

    fn format(&self) -> UploadFormat {
        UploadFormat
    }

    fn accept(&mut self, _: &Row, line: &[u8]) -> io::Result<()> {
        self.upload.write(line)
    }
    fn reject(&mut self, row: &Row, verdict: &Verdict) -> io::Result<()> {
        self.rejects.write(row, verdict)
    }
}

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
    fill_json(file, value)?.commit()
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
fn fill_json<T: Serialize>(file: AtomicFile, value: &T) -> io::Result<AtomicFile> {
    let target = file.target().to_path_buf();
    let mut file = io::BufWriter::new(file);
    write_json_to(&mut file, value).map_err(|e| with_path(e, "cannot write", &target))?;
    file.into_inner()
        .map_err(|e| with_path(e.into_error(), "cannot write", &target))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 5, testdata/bad/output-is-a-file: "cannot create the folder x: File exists".
    #[test]
    fn a_file_in_the_way_of_a_folder_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        fs::write(&file, "x").unwrap();
        let message = |path: &Path| create_folder(path).unwrap_err().to_string();
        assert_eq!(
            message(&file),
            format!("cannot create the folder {}: it is a file", file.display())
        );
        let below = file.join("a").join("b");
        assert_eq!(
            message(&below),
            format!(
                "cannot create the folder {}: {} is a file",
                below.display(),
                file.display()
            )
        );
    }

    #[cfg(unix)]
    #[test]
    fn outputs_get_the_mode_a_plain_file_gets() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        fs::File::create(&plain).unwrap();
        let atomic = dir.path().join("atomic");
        AtomicFile::create(&atomic).unwrap().commit().unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&atomic), mode(&plain));
    }

    proptest::proptest! {
        #[test]
        fn the_plain_shortcut_writes_what_quoting_writes(
            fields in proptest::collection::vec("[ a-z,\"\r\n]{0,8}", 1..12),
            other in "[a-z,\"]{0,3}",
        ) {
            // Values are trimmed fields of the row, and one text from elsewhere (as a date is).
            let row = nebulk_read::Row::from_fields(2, &fields);
            let values = fields.iter().map(|f| f.trim()).chain([other.as_str()]);
            let checked = CheckedRow {
                row: &row,
                values: values.clone().map(nebulk_validate::UploadValue::Text).collect(),
                issues: vec![],
                warnings: vec![],
                account_key: None,
            };
            let mut shortcut = Vec::new();
            UploadFormat.format_row(&checked, &mut shortcut);
            let mut quoted = Vec::new();
            write_record(&mut quoted, values.map(str::as_bytes));
            proptest::prop_assert_eq!(shortcut, quoted);
        }
    }

    #[test]
    fn an_uncommitted_file_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let mut file = AtomicFile::create(&dir.path().join("x.csv")).unwrap();
        file.write_all(b"partial").unwrap();
        drop(file);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_group_is_renamed_together_marker_last() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for name in ["a.csv", "marker.json"] {
            fs::write(d.join(name), "old").unwrap();
        }
        let mut a = AtomicFile::create(&d.join("a.csv")).unwrap();
        a.write_all(b"new").unwrap();
        let mut marker = AtomicFile::create(&d.join("marker.json")).unwrap();
        marker.write_all(b"new").unwrap();
        commit_all(vec![a, marker]).unwrap();
        for name in ["a.csv", "marker.json"] {
            assert_eq!(fs::read(d.join(name)).unwrap(), b"new");
        }
        assert_eq!(
            fs::read_dir(d).unwrap().count(),
            2,
            "no temporary file left"
        );
    }

    #[test]
    fn a_failed_rename_in_a_group_leaves_no_old_marker_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("marker.json"), "old").unwrap();
        let group = ["a.csv", "b.csv", "c.csv", "marker.json"]
            .map(|name| AtomicFile::create(&d.join(name)).unwrap());
        // A rename over a folder that is not empty fails (a folder there at the start would
        // have been refused by `create`).
        fs::create_dir(d.join("b.csv")).unwrap();
        fs::write(d.join("b.csv/keep"), "").unwrap();
        let err = commit_all(group.into()).unwrap_err();
        assert!(err.to_string().contains("cannot rename into"), "{err}");
        let mut names: Vec<String> = fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["a.csv", "b.csv"],
            "the old marker is gone, nothing else"
        );
    }

    #[test]
    fn commit_replaces_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        fs::write(&path, "old").unwrap();
        let mut file = AtomicFile::create(&path).unwrap();
        file.write_all(b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"old");
        file.commit().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
    }
}
