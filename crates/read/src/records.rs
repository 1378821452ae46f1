//! Streams of records: structured readers run over one or many files on their own thread, and
//! row sources seen as records (so a CSV or spreadsheet can be mapped too).

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;

use crate::record::Spare;
use crate::{nerm, srv, xtracta, ProblemKind, ReadError, Record, RowProblem, RowSource, Value};

/// Records handed out per batch.
const BATCH: usize = 1024;

/// A record and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcedRecord {
    /// The file, when the input is several files.
    pub file: Option<Arc<str>>,
    /// The record.
    pub record: Record,
    /// Problems of the source row the record was made from (wrong field count, bad encoding).
    pub problems: Vec<RowProblem>,
}

/// A stream of records in batches.
pub trait RecordStream: Send {
    /// The next batch; empty at the end.
    fn next_batch(&mut self) -> Result<Vec<SourcedRecord>, ReadError>;
    /// Bytes of input consumed so far.
    fn bytes_read(&self) -> u64;

    /// Hands back a batch whose records were used: a stream may drop them where they were
    /// made, or reuse the batch. The default drops it.
    fn recycle(&mut self, batch: Vec<SourcedRecord>) {
        drop(batch);
    }
}

/// The structured formats, each read by its module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructuredKind {
    /// [`xtracta::read_users`].
    XtractaUsers,
    /// [`srv::read_roles`], one answer per file.
    SrvWorkflowRoles,
    /// [`nerm::read_users`].
    NermUsers,
    /// [`nerm::read_workflow_sessions`].
    NermWorkflowSessions,
}

/// One input file of a structured source: a file to open, or a stream already open.
///
/// ```
/// use nebulk_read::{SourceFile, SourceInput};
/// let file = SourceFile::path("answers/jsmith.xml".into());
/// assert_eq!(file.name, "answers/jsmith.xml");
/// let stdin = SourceFile::stream("<stdin>", Box::new(std::io::empty()));
/// assert!(matches!(stdin.input, SourceInput::Stream(_)));
/// ```
#[derive(Debug)]
pub struct SourceFile {
    /// The file's name in messages, and in records when the input is several files: its path
    /// as given, or `<stdin>`.
    pub name: String,
    /// Where its bytes come from.
    pub input: SourceInput,
    /// For srv answers: the user the answer is about. When `None`, a file's name without its
    /// extension ([`user_from_file_name`]); a stream's user is empty.
    pub user_name: Option<String>,
    /// Extra fields added to every record of the file (a manifest's other columns).
    pub extra: Vec<(String, String)>,
}

/// Where the bytes of a [`SourceFile`] come from.
pub enum SourceInput {
    /// A file, opened when the reader reaches it.
    Path(PathBuf),
    /// A stream read once, as it is: standard input, a pipe or FIFO already opened (and its
    /// kind perhaps sniffed, see [`crate::SourceKind::sniff_stream`]).
    Stream(Box<dyn Read + Send>),
}

impl std::fmt::Debug for SourceInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SourceInput::Path(path) => f.debug_tuple("Path").field(path).finish(),
            SourceInput::Stream(_) => f.write_str("Stream"),
        }
    }
}

impl SourceFile {
    /// A file, named by its path, without a manifest's user or fields.
    pub fn path(path: PathBuf) -> SourceFile {
        SourceFile {
            name: path.display().to_string(),
            input: SourceInput::Path(path),
            user_name: None,
            extra: Vec::new(),
        }
    }

    /// A stream named `name` (`<stdin>`, a pipe's path), without a manifest's user or fields.
    pub fn stream(name: impl Into<String>, reader: Box<dyn Read + Send>) -> SourceFile {
        SourceFile {
            name: name.into(),
            input: SourceInput::Stream(reader),
            user_name: None,
            extra: Vec::new(),
        }
    }
}

/// Runs a structured reader over files on a thread of its own, handing out batches through a
/// bounded channel: memory stays bounded however large the files are.
pub struct ThreadedRecords {
    receiver: Receiver<Result<Vec<SourcedRecord>, ReadError>>,
    bytes: Arc<AtomicU64>,
    /// Used batches, back to the reading thread.
    recycler: Sender<Vec<SourcedRecord>>,
}

impl ThreadedRecords {
    /// Starts reading `files` as `kind`. Records carry their file's name when `name_files`.
    pub fn spawn(
        kind: StructuredKind,
        files: Vec<SourceFile>,
        name_files: bool,
    ) -> ThreadedRecords {
        let (sender, receiver) = mpsc::sync_channel(4);
        // Used batches come back, so that their records are freed on the thread that made
        // them and the batches are reused: allocation stays cheap (no freeing across
        // threads) and the batches in use stay as many as are in flight.
        let (recycler, recycled) = mpsc::channel::<Vec<SourcedRecord>>();
        let bytes = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&bytes);
        std::thread::spawn(move || {
            // The allocations of the records that came back, for the reader's new ones (only
            // the Xtracta reader takes them; for the others they are freed).
            let spare = RefCell::new(Spare::default());
            let new_batch = || match recycled.try_recv() {
                Ok(mut batch) if kind == StructuredKind::XtractaUsers => {
                    let mut spare = spare.borrow_mut();
                    for sourced in batch.drain(..) {
                        spare.recycle(sourced.record);
                    }
                    batch
                }
                Ok(mut batch) => {
                    batch.clear();
                    batch
                }
                Err(_) => Vec::with_capacity(BATCH),
            };
            for file in files {
                let SourceFile {
                    name,
                    input,
                    user_name,
                    extra,
                } = file;
                let label: Option<Arc<str>> = name_files.then(|| Arc::from(name));
                let user = user_name.unwrap_or_else(|| match &input {
                    SourceInput::Path(path) => user_from_file_name(path),
                    SourceInput::Stream(_) => String::new(),
                });
                let mut batch = new_batch();
                let mut closed = false;
                let mut emit = |mut record: Record| {
                    for (field, value) in &extra {
                        record.push(field.clone(), Value::Text(value.clone()));
                    }
                    batch.push(SourcedRecord {
                        file: label.clone(),
                        record,
                        problems: Vec::new(),
                    });
                    if batch.len() >= BATCH {
                        let full = std::mem::replace(&mut batch, new_batch());
                        closed = sender.send(Ok(full)).is_err();
                    }
                    !closed
                };
                // With several files, errors name theirs; with one, the caller names it.
                let result =
                    read_file(kind, input, &user, &counter, &spare, &mut emit).map_err(|e| {
                        match &label {
                            Some(name) => ReadError::InFile {
                                file: name.to_string(),
                                problem: Box::new(e),
                            },
                            None => e,
                        }
                    });
                if closed {
                    return;
                }
                let sent = match result {
                    Ok(()) => sender.send(Ok(batch)),
                    Err(e) => {
                        let _ = sender.send(Ok(batch));
                        let _ = sender.send(Err(e));
                        return;
                    }
                };
                if sent.is_err() {
                    return;
                }
            }
        });
        ThreadedRecords {
            receiver,
            bytes,
            recycler,
        }
    }
}

/// Reads one file (or stream) as `kind`, handing its records to `emit`; `user` is the user an
/// srv answer is about.
fn read_file(
    kind: StructuredKind,
    input: SourceInput,
    user: &str,
    counter: &Arc<AtomicU64>,
    spare: &RefCell<Spare>,
    emit: &mut dyn FnMut(Record) -> bool,
) -> Result<(), ReadError> {
    let opened: Box<dyn Read + Send> = match input {
        SourceInput::Path(path) => Box::new(File::open(path).map_err(ReadError::Open)?),
        SourceInput::Stream(reader) => reader,
    };
    let input = BufReader::with_capacity(
        256 * 1024,
        Counting {
            inner: opened,
            counter: Arc::clone(counter),
        },
    );
    match kind {
        StructuredKind::XtractaUsers => {
            xtracta::read_users_reusing(input, emit, spare).map(drop)?
        }
        StructuredKind::NermUsers => nerm::read_users(input, emit).map(drop)?,
        StructuredKind::NermWorkflowSessions => {
            nerm::read_workflow_sessions(input, emit).map(drop)?
        }
        StructuredKind::SrvWorkflowRoles => {
            emit(srv::read_roles(input, user)?);
        }
    }
    Ok(())
}

/// The user name an srv answer file stands for: its name without the extension.
///
/// ```
/// use std::path::Path;
/// assert_eq!(nebulk_read::user_from_file_name(Path::new("answers/jsmith.xml")), "jsmith");
/// ```
pub fn user_from_file_name(path: &std::path::Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl RecordStream for ThreadedRecords {
    fn next_batch(&mut self) -> Result<Vec<SourcedRecord>, ReadError> {
        loop {
            match self.receiver.recv() {
                // The thread has finished (or stopped): the end.
                Err(_) => return Ok(Vec::new()),
                Ok(Ok(batch)) if batch.is_empty() => continue,
                Ok(result) => return result,
            }
        }
    }

    fn bytes_read(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    fn recycle(&mut self, batch: Vec<SourcedRecord>) {
        // The thread may have finished: then the batch is dropped here.
        let _ = self.recycler.send(batch);
    }
}

/// Counts the bytes read through it into a shared counter.
struct Counting<R> {
    inner: R,
    counter: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A row source seen as records, the header cells naming the fields: a CSV or spreadsheet to
/// be mapped. A column whose header cell is empty is the field `column N` (1-based). A row with
/// the wrong number of fields or a field that is not text carries the problem along, naming
/// the field.
///
/// ```
/// use nebulk_read::{CsvOptions, CsvSource, RecordStream, RowRecords, Value};
/// let csv = CsvSource::new(&b"name,mail,\nJohn Doe,j@example.com,x\n"[..], CsvOptions::default()).unwrap();
/// let mut records = RowRecords::new(csv);
/// assert_eq!(records.fields(), ["name", "mail", "column 3"]);
/// let batch = records.next_batch().unwrap();
/// assert_eq!(batch[0].record.get("name"), Some(&Value::Text("John Doe".into())));
/// assert_eq!(batch[0].record.line, 2);
/// ```
pub struct RowRecords<S> {
    source: S,
    header: Vec<String>,
}

impl<S: RowSource> RowRecords<S> {
    /// Wraps a row source.
    pub fn new(source: S) -> RowRecords<S> {
        let header = source
            .header()
            .iter()
            .enumerate()
            .map(|(i, name)| {
                if name.is_empty() {
                    format!("column {}", i + 1)
                } else {
                    name.clone()
                }
            })
            .collect();
        RowRecords { source, header }
    }

    /// The header cells: the fields each record has.
    pub fn fields(&self) -> &[String] {
        &self.header
    }
}

impl<S: RowSource> RecordStream for RowRecords<S> {
    fn next_batch(&mut self) -> Result<Vec<SourcedRecord>, ReadError> {
        let rows = self.source.read_chunk(BATCH, 4 << 20)?;
        Ok(rows
            .into_iter()
            .map(|row| {
                // The record's fields are not the mapped row's: a problem names its field in
                // words instead of by number.
                let mut problems: Vec<RowProblem> = row
                    .problems
                    .into_iter()
                    .map(
                        |problem| match problem.column.and_then(|c| self.header.get(c)) {
                            Some(name) => RowProblem {
                                column: None,
                                message: format!("{name}: {}", problem.message),
                                ..problem
                            },
                            None => problem,
                        },
                    )
                    .collect();
                if row.record.len() != self.header.len() {
                    problems.push(RowProblem {
                        kind: ProblemKind::Malformed,
                        column: None,
                        message: crate::wrong_field_count_message(
                            self.header.len(),
                            row.record.len(),
                        ),
                    });
                }
                let mut record = Record::new(row.line);
                for (name, field) in self.header.iter().zip(row.record.iter()) {
                    let text = match std::str::from_utf8(field) {
                        Ok(text) => text.to_string(),
                        Err(e) => {
                            problems.push(RowProblem {
                                kind: ProblemKind::Encoding,
                                column: None,
                                message: crate::not_utf8_message(name, &e),
                            });
                            String::from_utf8_lossy(field).into_owned()
                        }
                    };
                    record.push(name.clone(), Value::Text(text));
                }
                SourcedRecord {
                    file: row.file,
                    record,
                    problems,
                }
            })
            .collect())
    }

    fn bytes_read(&self) -> u64 {
        self.source.bytes_read()
    }
}

impl<T: RecordStream + ?Sized> RecordStream for Box<T> {
    fn next_batch(&mut self) -> Result<Vec<SourcedRecord>, ReadError> {
        (**self).next_batch()
    }

    fn bytes_read(&self) -> u64 {
        (**self).bytes_read()
    }

    fn recycle(&mut self, batch: Vec<SourcedRecord>) {
        (**self).recycle(batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_records(mut stream: ThreadedRecords) -> Result<Vec<SourcedRecord>, ReadError> {
        let mut all = Vec::new();
        loop {
            let batch = stream.next_batch()?;
            if batch.is_empty() {
                return Ok(all);
            }
            all.extend(batch);
        }
    }

    const USERS: &str = r#"{"users": [{"login": "ann", "name": "Ann Lee"}, {"login": "bo"}]}"#;

    /// Issue 9: a structured source read from a stream gives the records the same file gives
    /// by its path.
    #[test]
    fn a_stream_reads_as_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.json");
        std::fs::write(&path, USERS).unwrap();
        let by_path = all_records(ThreadedRecords::spawn(
            StructuredKind::NermUsers,
            vec![SourceFile::path(path)],
            false,
        ))
        .unwrap();
        let stream = SourceFile::stream("<stdin>", Box::new(std::io::Cursor::new(USERS)));
        let by_stream = all_records(ThreadedRecords::spawn(
            StructuredKind::NermUsers,
            vec![stream],
            false,
        ))
        .unwrap();
        assert_eq!(by_path.len(), 2);
        assert_eq!(by_stream, by_path);
    }

    #[test]
    fn records_of_several_inputs_name_a_stream_by_its_name() {
        let streams = ["one", "two"]
            .map(|name| SourceFile::stream(name, Box::new(std::io::Cursor::new(USERS))));
        let records = all_records(ThreadedRecords::spawn(
            StructuredKind::NermUsers,
            streams.into(),
            true,
        ))
        .unwrap();
        let files: Vec<_> = records.iter().map(|r| r.file.as_deref()).collect();
        assert_eq!(files, [Some("one"), Some("one"), Some("two"), Some("two")]);
    }

    /// An srv answer on a stream has no file name: its user is empty unless given.
    #[test]
    fn an_srv_stream_has_the_user_given_or_none() {
        let answer = r#"<response success="true"><WorkflowRoles/></response>"#;
        let user = |user_name: Option<&str>| {
            let mut file = SourceFile::stream("<stdin>", Box::new(std::io::Cursor::new(answer)));
            file.user_name = user_name.map(String::from);
            let records = all_records(ThreadedRecords::spawn(
                StructuredKind::SrvWorkflowRoles,
                vec![file],
                false,
            ))
            .unwrap();
            records[0].record.get("userName").cloned()
        };
        assert_eq!(user(None), Some(Value::Text(String::new())));
        assert_eq!(user(Some("jsmith")), Some(Value::Text("jsmith".into())));
    }

    #[test]
    fn a_missing_file_cannot_be_opened() {
        let dir = tempfile::tempdir().unwrap();
        let err = all_records(ThreadedRecords::spawn(
            StructuredKind::NermUsers,
            vec![SourceFile::path(dir.path().join("gone.json"))],
            false,
        ))
        .unwrap_err();
        assert!(err.to_string().starts_with("cannot open it: "), "{err}");
    }
}
