//! A record reader run over files on a thread of its own: [`ThreadedRecords`].

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::Arc;

use super::{RecordStream, SourcedRecord, BATCH};
use crate::{
    FileContext, Projection, ReadError, Record, RecordPool, RecordReader, RecordSink, Value,
};

/// The buffer each file is read through: the readers parse from it, a byte or an event at a
/// time, and it is refilled from the file in blocks this size.
const INPUT_BUFFER: usize = 256 * 1024;

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
    /// kind perhaps sniffed by `nebulk-formats` first).
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

/// Runs a [`RecordReader`] over files on a thread of its own, handing out batches through a
/// bounded channel: memory stays bounded however large the files are. A batch may hold the
/// records of several small files (each record names its own); a file that cannot be read
/// ends the stream with its error, after the records of the files before it.
///
/// ```
/// use nebulk_read::{nerm, RecordStream, SourceFile, ThreadedRecords};
/// let page = r#"{"users": [{"login": "ann"}, {"login": "bo"}]}"#;
/// let input = SourceFile::stream("<stdin>", Box::new(std::io::Cursor::new(page)));
/// let mut stream = ThreadedRecords::spawn(nerm::UserReader, vec![input], false);
/// let batch = stream.next_batch().unwrap();
/// assert_eq!(batch.len(), 2);
/// stream.recycle(batch);
/// assert!(stream.next_batch().unwrap().is_empty(), "the end");
/// ```
pub struct ThreadedRecords {
    /// What starts the reading thread, until the first batch is asked for.
    start: Option<Box<dyn FnOnce(Projection) -> Running + Send>>,
    running: Option<Running>,
    bytes: Arc<AtomicU64>,
    /// The fields the consumer reads, for the reader ([`RecordStream::project`]).
    projection: Projection,
}

/// The ends of the reading thread's channels.
struct Running {
    receiver: Receiver<Result<Vec<SourcedRecord>, ReadError>>,
    /// Used batches, back to the reading thread.
    recycler: Sender<Vec<SourcedRecord>>,
}

impl ThreadedRecords {
    /// Reads `files` with `reader` on a thread of its own, started when the first batch is
    /// asked for (so that [`RecordStream::project`] comes first). Records carry their file's
    /// name when `name_files`.
    pub fn spawn<R: RecordReader>(
        reader: R,
        files: Vec<SourceFile>,
        name_files: bool,
    ) -> ThreadedRecords {
        let bytes = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&bytes);
        ThreadedRecords {
            start: Some(Box::new(move |projection| {
                start(reader, files, name_files, counter, projection)
            })),
            running: None,
            bytes,
            projection: Projection::ALL,
        }
    }

    /// The reading thread's channels, the thread started if it was waiting.
    fn running(&mut self) -> Option<&mut Running> {
        if let Some(start) = self.start.take() {
            self.running = Some(start(self.projection.clone()));
        }
        self.running.as_mut()
    }
}

/// Starts reading `files` with `reader` (see [`ThreadedRecords::spawn`]), the bytes read
/// counted in `counter`, only the fields of `projection` read.
fn start<R: RecordReader>(
    reader: R,
    files: Vec<SourceFile>,
    name_files: bool,
    counter: Arc<AtomicU64>,
    projection: Projection,
) -> Running {
    let (sender, receiver) = mpsc::sync_channel(4);
    // Used batches come back, so that their records are freed on the thread that made
    // them and the batches are reused: allocation stays cheap (no freeing across
    // threads) and the batches in use stay as many as are in flight.
    let (recycler, recycled) = mpsc::channel::<Vec<SourcedRecord>>();
    std::thread::spawn(move || {
        let mut sink = Batches {
            sender,
            recycled,
            pool: RecordPool::default(),
            batch: Vec::with_capacity(BATCH),
            file: None,
            extra: Vec::new(),
            closed: false,
        };
        // A batch holds the records of several small files (pages of 100 users go on in
        // batches of BATCH): it is sent when full, and at the end of the reading.
        let mut failure = None;
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
            sink.start_file(label.clone(), extra);
            // With several files, errors name theirs; with one, the caller names it.
            let context = FileContext::for_user(&user).reading(&projection);
            let result =
                read_file(&reader, input, &context, &counter, &mut sink).map_err(
                    |e| match &label {
                        Some(name) => ReadError::InFile {
                            file: name.to_string(),
                            problem: Box::new(e),
                        },
                        None => e,
                    },
                );
            if sink.closed {
                return;
            }
            if let Err(e) = result {
                failure = Some(e);
                break;
            }
        }
        // The last batch, then the error that stopped the reading: after the records read
        // before it.
        let _ = sink.sender.send(Ok(std::mem::take(&mut sink.batch)));
        if let Some(e) = failure {
            let _ = sink.sender.send(Err(e));
        }
    });
    Running { receiver, recycler }
}

/// Reads one file (or stream) with `reader` into `sink`; `context` names the user the file is
/// about (an srv answer's) and the fields read.
fn read_file<R: RecordReader>(
    reader: &R,
    input: SourceInput,
    context: &FileContext<'_>,
    counter: &Arc<AtomicU64>,
    sink: &mut Batches,
) -> Result<(), ReadError> {
    let opened: Box<dyn Read + Send> = match input {
        SourceInput::Path(path) => Box::new(File::open(path).map_err(ReadError::Open)?),
        SourceInput::Stream(reader) => reader,
    };
    let input = BufReader::with_capacity(
        INPUT_BUFFER,
        Counting {
            inner: opened,
            counter: Arc::clone(counter),
        },
    );
    reader.read(input, context, sink)?;
    Ok(())
}

/// The reading thread's [`RecordSink`]: records into batches, full batches into the channel,
/// and the records of the batches that come back into the pool.
struct Batches {
    sender: SyncSender<Result<Vec<SourcedRecord>, ReadError>>,
    recycled: Receiver<Vec<SourcedRecord>>,
    pool: RecordPool,
    /// The batch being filled.
    batch: Vec<SourcedRecord>,
    /// The name records of the file being read carry, and the fields added to each.
    file: Option<Arc<str>>,
    extra: Vec<(String, String)>,
    /// The receiving end has gone: reading stops.
    closed: bool,
}

impl Batches {
    /// Sets the name and the added fields of the next file's records.
    fn start_file(&mut self, file: Option<Arc<str>>, extra: Vec<(String, String)>) {
        self.file = file;
        self.extra = extra;
    }

    /// An empty batch: one that came back, its records' allocations kept in the pool, else a
    /// new one.
    fn new_batch(&mut self) -> Vec<SourcedRecord> {
        match self.recycled.try_recv() {
            Ok(mut batch) => {
                for sourced in batch.drain(..) {
                    self.pool.recycle(sourced.record);
                }
                batch
            }
            Err(_) => Vec::with_capacity(BATCH),
        }
    }
}

impl RecordSink for Batches {
    fn emit(&mut self, mut record: Record) -> bool {
        for (field, value) in &self.extra {
            record.push(field.clone(), Value::Text(value.clone()));
        }
        self.batch.push(SourcedRecord {
            file: self.file.clone(),
            record,
            problems: Vec::new(),
        });
        if self.batch.len() >= BATCH {
            let fresh = self.new_batch();
            let full = std::mem::replace(&mut self.batch, fresh);
            self.closed = self.sender.send(Ok(full)).is_err();
        }
        !self.closed
    }

    fn pool(&mut self) -> &mut RecordPool {
        &mut self.pool
    }
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
        let Some(running) = self.running() else {
            return Ok(Vec::new());
        };
        loop {
            match running.receiver.recv() {
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
        if let Some(running) = &self.running {
            let _ = running.recycler.send(batch);
        }
    }

    fn project(&mut self, projection: Projection) {
        self.projection = projection;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{nerm, srv};

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
            nerm::UserReader,
            vec![SourceFile::path(path)],
            false,
        ))
        .unwrap();
        let stream = SourceFile::stream("<stdin>", Box::new(std::io::Cursor::new(USERS)));
        let by_stream = all_records(ThreadedRecords::spawn(
            nerm::UserReader,
            vec![stream],
            false,
        ))
        .unwrap();
        assert_eq!(by_path.len(), 2);
        assert_eq!(by_stream, by_path);
    }

    /// The projection given before the first batch reaches the reader: the fixed fields it
    /// does not read are empty, the others as read.
    #[test]
    fn the_reader_reads_what_the_projection_says() {
        let open = || {
            let input = SourceFile::stream("<stdin>", Box::new(std::io::Cursor::new(USERS)));
            ThreadedRecords::spawn(nerm::UserReader, vec![input], false)
        };
        let mut projected = open();
        projected.project(Projection::only(|field| field == "login"));
        let projected = all_records(projected).unwrap();
        let whole = all_records(open()).unwrap();
        assert_eq!(
            whole[0].record.get("name"),
            Some(&Value::Text("Ann Lee".into()))
        );
        assert_eq!(projected[0].record.get("name"), Some(&Value::Null));
        assert_eq!(
            projected[0].record.get("login"),
            whole[0].record.get("login")
        );
        assert_eq!(
            projected[0].record.fields.len(),
            whole[0].record.fields.len()
        );
    }

    #[test]
    fn records_of_several_inputs_name_a_stream_by_its_name() {
        let streams = ["one", "two"]
            .map(|name| SourceFile::stream(name, Box::new(std::io::Cursor::new(USERS))));
        let records = all_records(ThreadedRecords::spawn(
            nerm::UserReader,
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
            let records =
                all_records(ThreadedRecords::spawn(srv::RoleReader, vec![file], false)).unwrap();
            records[0].record.get("userName").cloned()
        };
        assert_eq!(user(None), Some(Value::Text(String::new())));
        assert_eq!(user(Some("jsmith")), Some(Value::Text("jsmith".into())));
    }

    #[test]
    fn a_missing_file_cannot_be_opened() {
        let dir = tempfile::tempdir().unwrap();
        let err = all_records(ThreadedRecords::spawn(
            nerm::UserReader,
            vec![SourceFile::path(dir.path().join("gone.json"))],
            false,
        ))
        .unwrap_err();
        assert!(err.to_string().starts_with("cannot open it: "), "{err}");
    }

    /// Records of several files share a batch; a file that fails ends the stream with its
    /// error, after the records of the files read before it.
    #[test]
    fn an_error_follows_the_records_read_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![
            SourceFile::stream("one", Box::new(std::io::Cursor::new(USERS))),
            SourceFile::stream("two", Box::new(std::io::Cursor::new(USERS))),
            SourceFile::path(dir.path().join("gone.json")),
        ];
        let mut stream = ThreadedRecords::spawn(nerm::UserReader, files, true);
        let first = stream.next_batch().unwrap();
        assert_eq!(first.len(), 4, "both files' records in one batch");
        let err = stream.next_batch().unwrap_err();
        assert!(err.to_string().contains("gone.json"), "{err}");
    }
}
