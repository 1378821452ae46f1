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
//! when complete ([`AtomicFile`]): an interrupted run leaves no half-written output behind.
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
use nebulk_validate::{CheckedRow, RowFormat, Sink, Verdict};

pub use csv_line::write_record;

mod csv_line;
use serde::Serialize;

/// Size of the output buffers.
const BUFFER: usize = 256 * 1024;

/// A file that appears under its name only once [`AtomicFile::commit`] is called: it is written
/// to a hidden temporary file in the same folder, synced, then renamed. Dropped uncommitted, the
/// temporary file is removed.
#[derive(Debug)]
pub struct AtomicFile {
    temp: tempfile::NamedTempFile,
    target: PathBuf,
}

impl AtomicFile {
    /// Starts a file that will be `target`.
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        // tempfile makes private (0600) files; outputs get the mode `File::create` would give
        // them, 0666 less the umask.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let temp = builder
            .tempfile_in(dir)
            .map_err(|e| with_path(plain(e), "cannot create a file in", dir))?;
        Ok(AtomicFile {
            temp,
            target: target.to_path_buf(),
        })
    }

    /// The name the file will have.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Syncs the data and renames the file to its name, replacing any file there.
    pub fn commit(self) -> io::Result<()> {
        self.temp
            .as_file()
            .sync_all()
            .map_err(|e| with_path(e, "cannot write", &self.target))?;
        let target = self.target;
        self.temp
            .persist(&target)
            .map_err(|e| with_path(plain(e.error), "cannot rename into", &target))?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.temp.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.temp.flush()
    }
}

/// The operating system's own message, without the temporary file's random name that
/// `tempfile` adds.
fn plain(e: io::Error) -> io::Error {
    match e.raw_os_error() {
        Some(code) => io::Error::from_raw_os_error(code),
        None => e,
    }
}

/// Creates folder `dir` and its parents. When a file is in the way, the error names it: the
/// system's own words ("File exists", "Not a directory") do not say which path is the file.
fn create_folder(dir: &Path) -> io::Result<()> {
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

fn with_path(e: io::Error, what: &str, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{what} {}: {e}", path.display()))
}

fn csv_writer(file: AtomicFile) -> csv::Writer<AtomicFile> {
    csv::WriterBuilder::new()
        .buffer_capacity(BUFFER)
        .flexible(true)
        .from_writer(file)
}

fn finish_csv(writer: csv::Writer<AtomicFile>, target: &Path) -> io::Result<()> {
    writer
        .into_inner()
        .map_err(|e| {
            with_path(
                io::Error::other(e.error().to_string()),
                "cannot write",
                target,
            )
        })?
        .commit()
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
        let target = self.target;
        self.file
            .into_inner()
            .map_err(|e| with_path(e.into_error(), "cannot write", &target))?
            .commit()
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
        let values = row.values.iter().map(|v| v.as_str().as_bytes());
        // The values are trimmed fields of the row (or dates, which need no quotes): when the
        // row as read holds no byte that needs quoting, none of them does, and one scan of the
        // row replaces one per value.
        if csv_line::needs_quotes(row.row.record.as_slice()) {
            write_record(out, values);
        } else {
            csv_line::write_plain_record(out, values);
        }
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
        finish_csv(self.csv, &self.target)
    }
}

/// The upload and rejects files of one run, as a [`Sink`] for the engine.
pub struct FileSink {
    upload: UploadWriter,
    rejects: RejectsWriter,
}

impl FileSink {
    /// Starts `DIR/upload.csv` and `DIR/rejects.csv`, creating `DIR` when needed; `with_file`
    /// adds the `file` column to the rejects.
    pub fn create(
        dir: &Path,
        schema: &Schema,
        input_header: &[String],
        with_file: bool,
    ) -> io::Result<FileSink> {
        create_folder(dir)?;
        Ok(FileSink {
            upload: UploadWriter::create(&dir.join("upload.csv"), schema)?,
            rejects: RejectsWriter::create(&dir.join("rejects.csv"), input_header, with_file)?,
        })
    }

    /// Completes both files.
    pub fn finish(self) -> io::Result<()> {
        self.upload.finish()?;
        self.rejects.finish()
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

/// Writes `value` as pretty JSON to `target`, atomically, creating its folder when needed.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("report.json");
/// nebulk_emit::write_json(&path, &serde_json::json!({"rows_read": 3})).unwrap();
/// assert!(std::fs::read_to_string(&path).unwrap().contains("\"rows_read\": 3"));
/// ```
pub fn write_json<T: Serialize>(target: &Path, value: &T) -> io::Result<()> {
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_folder(dir)?;
    }
    let mut file = io::BufWriter::new(AtomicFile::create(target)?);
    serde_json::to_writer_pretty(&mut file, value)
        .map_err(|e| with_path(io::Error::other(e), "cannot write", target))?;
    file.write_all(b"\n")?;
    file.into_inner()
        .map_err(|e| with_path(e.into_error(), "cannot write", target))?
        .commit()
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
            fields in proptest::collection::vec("[ a-z,\"\r\n]{0,6}", 1..6)
        ) {
            let row = nebulk_read::Row::from_fields(2, &fields);
            let checked = CheckedRow {
                row: &row,
                values: fields.iter().map(|f| nebulk_validate::UploadValue::Text(f.trim())).collect(),
                issues: vec![],
                account_key: None,
            };
            let mut shortcut = Vec::new();
            UploadFormat.format_row(&checked, &mut shortcut);
            let mut quoted = Vec::new();
            write_record(&mut quoted, fields.iter().map(|f| f.trim().as_bytes()));
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
