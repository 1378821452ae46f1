//! The one protocol of record readers: a reader pushes the records of one file into a sink.
//!
//! Each structured kind has a reader, a unit struct implementing [`RecordReader`]:
//! [`crate::xtracta::UserReader`], [`crate::srv::RoleReader`], [`crate::nerm::UserReader`] and
//! [`crate::nerm::SessionReader`]. A reader parses its file as it streams ([`BufRead`], a type
//! parameter: no dynamic dispatch on the parse path) and hands each record to a
//! [`RecordSink`] as soon as it is complete, so that memory is bounded by the largest record,
//! not by the file. [`crate::ThreadedRecords`] runs a reader over many files on a thread of its
//! own; [`RecordReader::read_each`] and [`RecordReader::read_all`] run it here.
//!
//! Readers push rather than being pulled because their parsers do (serde_json's visitors,
//! the XML event loop): a pull interface would have to stop and resume them between records.
//!
//! The sink also lends the reader a [`RecordPool`], the allocations of records already used:
//! the Xtracta reader, when it reads on one thread, builds its records there and costs no
//! allocation per field once batches come back.

use std::io::BufRead;

use crate::{FormatError, Projection, Record, RecordPool};

/// What a reader is told about the file it reads, besides its bytes.
///
/// ```
/// use nebulk_read::{FileContext, Projection};
/// assert_eq!(FileContext::default().user_name, "");
/// assert_eq!(FileContext::for_user("jsmith").user_name, "jsmith");
/// assert_eq!(FileContext::default().projection, &Projection::ALL);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileContext<'a> {
    /// The user the file is about, for srv answers, which do not name theirs: a manifest's
    /// `userName`, else the file's name without its extension
    /// ([`crate::user_from_file_name`]); empty for a stream without a manifest.
    pub user_name: &'a str,
    /// The fields the records' consumer reads: a reader may skip the others.
    pub projection: &'a Projection,
}

impl Default for FileContext<'_> {
    fn default() -> Self {
        FileContext::for_user("")
    }
}

impl<'a> FileContext<'a> {
    /// The context of a file about user `user_name`, every field read.
    pub fn for_user(user_name: &'a str) -> FileContext<'a> {
        FileContext {
            user_name,
            projection: &Projection::ALL,
        }
    }

    /// The same context, only the fields of `projection` read.
    pub fn reading(self, projection: &'a Projection) -> FileContext<'a> {
        FileContext { projection, ..self }
    }
}

/// Where a reader hands its records, and where it takes allocations for new ones.
///
/// ```
/// use nebulk_read::{Record, RecordPool, RecordSink};
/// /// Keeps the lines of the first three records.
/// #[derive(Default)]
/// struct FirstLines(Vec<u64>, RecordPool);
/// impl RecordSink for FirstLines {
///     fn emit(&mut self, record: Record) -> bool {
///         self.0.push(record.line);
///         self.1.recycle(record);
///         self.0.len() < 3
///     }
///     fn pool(&mut self) -> &mut RecordPool {
///         &mut self.1
///     }
/// }
/// ```
pub trait RecordSink {
    /// Takes the next record; `false` asks the reader to stop (it then returns `Ok`).
    fn emit(&mut self, record: Record) -> bool;

    /// Allocations of records already used, for new ones.
    fn pool(&mut self) -> &mut RecordPool;
}

/// A [`RecordSink`] that hands each record to a closure (`false` stops the reader), with a
/// pool of its own (the records are not given back, so it stays empty).
///
/// ```
/// use nebulk_read::{EachRecord, Record, RecordSink};
/// let mut lines = Vec::new();
/// let mut sink = EachRecord::new(|record: Record| {
///     lines.push(record.line);
///     true
/// });
/// assert!(sink.emit(Record::new(4)));
/// assert_eq!(lines, [4]);
/// ```
#[derive(Debug)]
pub struct EachRecord<F> {
    emit: F,
    pool: RecordPool,
}

impl<F: FnMut(Record) -> bool> EachRecord<F> {
    /// A sink calling `emit`.
    pub fn new(emit: F) -> EachRecord<F> {
        EachRecord {
            emit,
            pool: RecordPool::default(),
        }
    }
}

impl<F: FnMut(Record) -> bool> RecordSink for EachRecord<F> {
    #[inline]
    fn emit(&mut self, record: Record) -> bool {
        (self.emit)(record)
    }

    #[inline]
    fn pool(&mut self) -> &mut RecordPool {
        &mut self.pool
    }
}

/// A reader of one structured kind: it reads the records of one file and pushes them, in
/// document order, into a [`RecordSink`].
///
/// ```
/// use nebulk_read::{nerm, FileContext, RecordReader, Value};
///
/// let page = "{\"users\": [\n{\"name\": \"bob\"},\n{\"name\": \"ann\"}\n]}";
/// let users = nerm::UserReader.read_all(page.as_bytes(), &FileContext::default())?;
/// assert_eq!(users[1].line, 3);
/// assert_eq!(users[1].get("name"), Some(&Value::Text("ann".into())));
///
/// // Stopping early is not an error: the count includes the record refused.
/// let count = nerm::UserReader.read_each(page.as_bytes(), &FileContext::default(), |_| false)?;
/// assert_eq!(count, 1);
/// # Ok::<(), nebulk_read::FormatError>(())
/// ```
pub trait RecordReader: Send + 'static {
    /// Reads `input`, one file, handing each record to `sink` as soon as it is read; stops
    /// early (with `Ok`) when the sink refuses a record. Returns how many records were handed
    /// on, counting one refused.
    ///
    /// # Errors
    ///
    /// A [`FormatError`], fatal for the file, when it is malformed or an error answer, or
    /// cannot be read; the records handed on before it stay handed on.
    fn read<B: BufRead, S: RecordSink>(
        &self,
        input: B,
        file: &FileContext<'_>,
        sink: &mut S,
    ) -> Result<u64, FormatError>;

    /// [`RecordReader::read`] into a closure: `emit` takes each record and returns `false` to
    /// stop.
    ///
    /// # Errors
    ///
    /// As [`RecordReader::read`].
    fn read_each<B: BufRead>(
        &self,
        input: B,
        file: &FileContext<'_>,
        emit: impl FnMut(Record) -> bool,
    ) -> Result<u64, FormatError> {
        self.read(input, file, &mut EachRecord::new(emit))
    }

    /// Every record of `input`, for a file known to be small (tests, examples).
    ///
    /// # Errors
    ///
    /// As [`RecordReader::read`]; the records read before the error are lost.
    fn read_all<B: BufRead>(
        &self,
        input: B,
        file: &FileContext<'_>,
    ) -> Result<Vec<Record>, FormatError> {
        let mut records = Vec::new();
        self.read_each(input, file, |record| {
            records.push(record);
            true
        })?;
        Ok(records)
    }
}
