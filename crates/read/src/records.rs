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

/// One input file of a structured source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The file.
    pub path: PathBuf,
    /// For srv answers: the user the answer is about.
    pub user_name: Option<String>,
    /// Extra fields added to every record of the file (a manifest's other columns).
    pub extra: Vec<(String, String)>,
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
                let name: Arc<str> = Arc::from(file.path.display().to_string());
                let label = name_files.then(|| Arc::clone(&name));
                let mut batch = new_batch();
                let mut closed = false;
                let mut emit = |mut record: Record| {
                    for (field, value) in &file.extra {
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
                    read_file(kind, &file, &counter, &spare, &mut emit).map_err(|e| match &label {
                        Some(name) => ReadError::InFile {
                            file: name.to_string(),
                            problem: Box::new(e),
                        },
                        None => e,
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

fn read_file(
    kind: StructuredKind,
    file: &SourceFile,
    counter: &Arc<AtomicU64>,
    spare: &RefCell<Spare>,
    emit: &mut dyn FnMut(Record) -> bool,
) -> Result<(), ReadError> {
    let opened = File::open(&file.path).map_err(|error| ReadError::Io { line: 0, error })?;
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
            let user = match &file.user_name {
                Some(user) => user.clone(),
                None => user_from_file_name(&file.path),
            };
            emit(srv::read_roles(input, &user)?);
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
                    .map(|problem| match problem.column.and_then(|c| self.header.get(c)) {
                        Some(name) => RowProblem {
                            column: None,
                            message: format!("{name}: {}", problem.message),
                            ..problem
                        },
                        None => problem,
                    })
                    .collect();
                if row.record.len() != self.header.len() {
                    problems.push(RowProblem {
                        kind: ProblemKind::Malformed,
                        column: None,
                        message: format!("expected {} fields, found {}", self.header.len(), row.record.len()),
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
                                message: format!(
                                    "{name}: not valid UTF-8 (bad byte at position {} of the field)",
                                    e.valid_up_to() + 1
                                ),
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
