//! Streams of records, in batches: what the mapping (`nebulk-map`) reads.
//!
//! Two kinds of stream: [`ThreadedRecords`] runs a [`crate::RecordReader`] over one or many
//! structured files (XML, JSON) on a thread of its own, and [`RowRecords`] sees a row source (a
//! CSV file, a spreadsheet) as records, its header cells naming the fields, so that a table can
//! be mapped too.
//!
//! Records go in batches of [`BATCH`], and used batches come back ([`RecordStream::recycle`]):
//! a threaded stream frees their records on the thread that made them, or builds new records in
//! their allocations (a [`crate::RecordPool`]).

use std::sync::Arc;

use crate::{Projection, ReadError, Record, RowProblem};

mod row_records;
mod threaded;

pub use row_records::RowRecords;
pub use threaded::{user_from_file_name, SourceFile, SourceInput, ThreadedRecords};

/// Records handed out per batch.
pub(crate) const BATCH: usize = 1024;

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

    /// Tells the stream, before its first batch, which fields its consumer reads: its reader
    /// may then skip building the others ([`Projection`]). The default reads them all.
    fn project(&mut self, projection: Projection) {
        drop(projection);
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

    fn project(&mut self, projection: Projection) {
        (**self).project(projection);
    }
}
