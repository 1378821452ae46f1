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
use std::sync::{Mutex, MutexGuard, PoisonError};

use nebulk_read::Row;
use nebulk_schema::Schema;
use nebulk_validate::{CheckedRow, RowFormat, Sink, UploadValue, Verdict};

pub use csv_line::write_record;

mod csv_line;
mod stale;
use serde::Serialize;

/// Size of the output buffers.
const BUFFER: usize = 256 * 1024;

/// How a temporary file's name ends.
const TEMP_SUFFIX: &str = ".tmp";
/// How many random letters and digits `tempfile` puts between a temporary file's prefix and
/// [`TEMP_SUFFIX`]: a leftover is recognised by that exact shape.
const TEMP_RANDOM_CHARS: usize = 6;

/// The files of this process: temporary files not yet renamed, and the names of those renamed.
/// Every creation, rename and removal of a temporary file happens while holding it, so that
/// [`abandon_pending`] sees each file either pending (and removes it) or complete.
static FILES: Mutex<Files> = Mutex::new(Files {
    next_id: 0,
    pending: Vec::new(),
    kept: Vec::new(),
});

struct Files {
    next_id: u64,
    /// Id, temporary path and target of each file not yet renamed.
    pending: Vec<(u64, PathBuf, PathBuf)>,
    /// Targets renamed into place, in order.
    kept: Vec<PathBuf>,
}

impl Files {
    fn unregister(&mut self, id: u64) {
        self.pending.retain(|(pending, _, _)| *pending != id);
    }
}

/// The registry, even if a thread panicked holding it (its lists are still right: each change
/// is one push or one removal).
fn files() -> MutexGuard<'static, Files> {
    FILES.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What [`abandon_pending`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Abandoned {
    /// The names of the files whose temporary files were removed: not written.
    pub removed: Vec<PathBuf>,
    /// The files this process had completed (renamed into place) before: kept.
    pub kept: Vec<PathBuf>,
}

/// Removes the temporary file of every [`AtomicFile`] of this process not yet committed, then
/// calls `then` with what it did, still holding the lock that commits take: no commit can happen
/// from the moment the files are removed until `then` returns. A signal handler calls this and
/// exits the process inside `then`; no file is then left half-written or as a temporary file.
///
/// The `AtomicFile`s themselves are not told: committing one afterwards fails.
///
/// ```
/// use nebulk_emit::{abandon_pending, AtomicFile};
/// let dir = tempfile::tempdir().unwrap();
/// let file = AtomicFile::create(&dir.path().join("upload.csv")).unwrap();
/// let removed = abandon_pending(|abandoned| abandoned.removed.clone());
/// assert!(removed.contains(&dir.path().join("upload.csv")));
/// assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no temporary file left");
/// assert!(file.commit().is_err());
/// ```
pub fn abandon_pending<R>(then: impl FnOnce(&Abandoned) -> R) -> R {
    let mut files = files();
    let mut abandoned = Abandoned {
        removed: Vec::new(),
        kept: files.kept.clone(),
    };
    for (_, temp, target) in files.pending.drain(..) {
        // Already gone is as good as removed.
        let _ = fs::remove_file(&temp);
        abandoned.removed.push(target);
    }
    then(&abandoned)
}

/// A file that appears under its name only once [`AtomicFile::commit`] is called: it is written
/// to a hidden temporary file in the same folder, synced, then renamed. Dropped uncommitted, the
/// temporary file is removed; so is it by [`abandon_pending`].
///
/// The temporary file of target `NAME` is `.NAME.XXXXXX.tmp`, `XXXXXX` six random letters or
/// digits. On Unix it holds an advisory lock (`flock`) while it is open, that is until it is
/// committed or dropped, or the process ends, however it ends. [`AtomicFile::create`] first
/// removes every `.NAME.XXXXXX.tmp` beside the target whose lock it can take: left behind by a
/// run that was killed. One that a live run is writing is locked, and kept.
///
/// ```
/// use nebulk_emit::AtomicFile;
/// let dir = tempfile::tempdir().unwrap();
/// // What a killed run left: not locked, since no process has it open.
/// std::fs::write(dir.path().join(".upload.csv.Ab12Cd.tmp"), "half a file").unwrap();
/// let file = AtomicFile::create(&dir.path().join("upload.csv")).unwrap();
/// if cfg!(unix) {
///     assert!(!dir.path().join(".upload.csv.Ab12Cd.tmp").exists());
/// }
/// # drop(file);
/// ```
#[derive(Debug)]
pub struct AtomicFile {
    /// `None` once renamed or removed.
    temp: Option<tempfile::NamedTempFile>,
    target: PathBuf,
    id: u64,
}

impl AtomicFile {
    /// Starts a file that will be `target`, after removing the temporary files for `target`
    /// that killed runs left behind (see [`AtomicFile`]).
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
        builder
            .prefix(&prefix)
            .suffix(TEMP_SUFFIX)
            .rand_bytes(TEMP_RANDOM_CHARS);
        // tempfile makes private (0600) files; outputs get the mode `File::create` would give
        // them, 0666 less the umask.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        // Created and registered in one step: an interrupt cannot fall in between.
        let mut files = files();
        stale::remove(dir, &prefix, &files);
        let temp = stale::create_locked(&builder, dir)?;
        let id = files.next_id;
        files.next_id += 1;
        files
            .pending
            .push((id, temp.path().to_path_buf(), target.to_path_buf()));
        Ok(AtomicFile {
            temp: Some(temp),
            target: target.to_path_buf(),
            id,
        })
    }

    /// The name the file will have.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Syncs the data and renames the file to its name, replacing any file there.
    pub fn commit(self) -> io::Result<()> {
        commit_all(vec![self])
    }

    fn temp(&mut self) -> io::Result<&mut tempfile::NamedTempFile> {
        self.temp.as_mut().ok_or_else(|| gone(&self.target))
    }
}

fn gone(target: &Path) -> io::Error {
    with_path(
        io::Error::new(io::ErrorKind::NotFound, "the file was abandoned"),
        "cannot write",
        target,
    )
}

/// Syncs `files`, then renames them into place in order as one step for [`abandon_pending`]: an
/// interrupt comes before every rename or after all of them.
///
/// The last file is the group's marker: when there are several, an existing file at its name is
/// removed before the first rename, so that a crash between two renames (a SIGKILL, a power
/// cut) never leaves an old marker beside new files. When the marker is there, every file of the
/// group is from the same commit.
///
/// ```
/// use nebulk_emit::{commit_all, AtomicFile};
/// use std::io::Write;
/// let dir = tempfile::tempdir().unwrap();
/// let mut data = AtomicFile::create(&dir.path().join("data.csv")).unwrap();
/// data.write_all(b"a\n").unwrap();
/// let done = AtomicFile::create(&dir.path().join("done.json")).unwrap();
/// commit_all(vec![data, done]).unwrap();
/// assert!(dir.path().join("data.csv").exists() && dir.path().join("done.json").exists());
/// ```
pub fn commit_all(mut group: Vec<AtomicFile>) -> io::Result<()> {
    for file in &mut group {
        let target = file.target.clone();
        file.temp()?
            .as_file()
            .sync_all()
            .map_err(|e| with_path(e, "cannot write", &target))?;
    }
    let mut files = files();
    if let [_, .., marker] = group.as_slice() {
        match fs::remove_file(&marker.target) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(with_path(e, "cannot replace", &marker.target)),
        }
    }
    let mut result = Ok(());
    for file in &mut group {
        let Some(temp) = file.temp.take() else {
            result = result.and(Err(gone(&file.target)));
            continue;
        };
        files.unregister(file.id);
        if result.is_err() {
            // After a failed rename the rest of the group is not renamed.
            let _ = temp.close();
            continue;
        }
        // A failed rename gives the file back, and dropping it removes it.
        match temp.persist(&file.target) {
            Ok(_) => files.kept.push(file.target.clone()),
            Err(e) => {
                result = Err(with_path(
                    plain(e.error),
                    "cannot rename into",
                    &file.target,
                ));
            }
        }
    }
    result
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(temp) = self.temp.take() {
            // Removed and unregistered in one step (see `FILES`).
            let mut files = files();
            let _ = temp.close();
            files.unregister(self.id);
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.temp()?.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.temp()?.flush()
    }
}

/// The operating system's own message, without the temporary file's random name that
/// `tempfile` adds.
fn plain(e: io::Error) -> io::Error {
    if let Some(code) = e.raw_os_error() {
        return io::Error::from_raw_os_error(code);
    }
    // tempfile wraps the system's error, whose code it does not hand on, in one that reads
    // `{error} at path "{temporary file}"`: the system's words are kept, the name dropped.
    let text = e.to_string();
    match text.find(" at path \"") {
        Some(end) => io::Error::new(e.kind(), &text[..end]),
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
    dir: PathBuf,
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
            dir: dir.to_path_buf(),
        })
    }

    /// Completes both files and renames them into place together (see [`commit_all`]).
    pub fn finish(self) -> io::Result<()> {
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
        let report = json_file(&self.dir.join("report.json"), report)?;
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
    json_file(target, value)?.commit()
}

/// `value` as pretty JSON in an uncommitted file that will be `target`.
fn json_file<T: Serialize>(target: &Path, value: &T) -> io::Result<AtomicFile> {
    let mut file = io::BufWriter::new(AtomicFile::create(target)?);
    serde_json::to_writer_pretty(&mut file, value)
        .map_err(|e| with_path(io::Error::other(e), "cannot write", target))?;
    file.write_all(b"\n")
        .map_err(|e| with_path(e, "cannot write", target))?;
    file.into_inner()
        .map_err(|e| with_path(e.into_error(), "cannot write", target))
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
        // A rename over a folder that is not empty fails.
        fs::create_dir(d.join("b.csv")).unwrap();
        fs::write(d.join("b.csv/keep"), "").unwrap();
        let group = ["a.csv", "b.csv", "c.csv", "marker.json"]
            .map(|name| AtomicFile::create(&d.join(name)).unwrap());
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
