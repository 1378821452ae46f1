//! [`ColumnarSource`]: a table read a batch at a time, as rows of text for the engine.

use nebulk_read::{ReadError, Row, RowSource};
use polars::prelude::*;

use crate::cells::{render_series, NaiveTimes, Rendered};
use crate::flatten::{leaf_series, leaves_of, Leaf};
use crate::ColumnarError;

/// The most rows read at once: a batch of a Parquet row group, a chunk of NDJSON lines. (An
/// IPC record batch is read whole, as its file holds it.)
pub const BATCH_ROWS: usize = 64 * 1024;

/// Where a [`ColumnarSource`] gets its batches: one format's reader.
pub(crate) trait Batches: Send {
    /// The next batch of rows, `None` at the end.
    fn next_batch(&mut self) -> Result<Option<DataFrame>, ColumnarError>;

    /// Bytes of the file read so far (an estimate), for progress.
    fn bytes_read(&self) -> u64;
}

/// A Parquet, IPC or NDJSON table as a [`RowSource`]: its fields (struct columns flattened to
/// `parent.child`) are the header, and each row's values are rendered as text
/// ([`crate::cells`]). Rows are read a batch at a time; memory holds one batch and its texts.
///
/// A row's [`Row::line`] is its 1-based row number in the file (the first row is 1): there are
/// no lines, and the header is not a row. [`RowSource::header_line`] is 0.
pub struct ColumnarSource {
    header: Vec<String>,
    leaves: Vec<Leaf>,
    batches: Box<dyn Batches>,
    naive: NaiveTimes,
    /// The rendered columns of the current batch.
    columns: Vec<Rendered>,
    /// Rows in the current batch, and the next one to hand out.
    height: usize,
    next: usize,
    /// Rows in the batches before the current one.
    rows_before: u64,
}

impl ColumnarSource {
    /// A source over `batches` of tables of `schema`; refuses a column of a type that is not
    /// rendered, naming it.
    pub(crate) fn new(
        schema: &Schema,
        batches: Box<dyn Batches>,
    ) -> Result<ColumnarSource, ColumnarError> {
        let leaves = leaves_of(schema)?;
        Ok(ColumnarSource {
            header: leaves.iter().map(|l| l.name.clone()).collect(),
            columns: vec![Rendered::default(); leaves.len()],
            leaves,
            batches,
            naive: NaiveTimes::Utc,
            height: 0,
            next: 0,
            rows_before: 0,
        })
    }

    /// Writes date-times without a time zone as `naive` says (default: as UTC, with `Z`).
    pub fn naive_times(mut self, naive: NaiveTimes) -> ColumnarSource {
        self.naive = naive;
        self
    }

    /// Reads and renders the next batch; `false` at the end.
    fn next_batch(&mut self) -> Result<bool, ColumnarError> {
        let Some(batch) = self.batches.next_batch()? else {
            return Ok(false);
        };
        self.rows_before += self.height as u64;
        self.height = batch.height();
        self.next = 0;
        for (leaf, column) in self.leaves.iter().zip(&mut self.columns) {
            column.clear();
            let (series, present) = leaf_series(&batch, leaf)?;
            render_series(&series, present.as_ref(), self.naive, column)?;
            if column.len() != self.height {
                return Err(ColumnarError::Invalid(format!(
                    "column `{}` has {} values in a batch of {} rows",
                    leaf.name,
                    column.len(),
                    self.height
                )));
            }
        }
        Ok(true)
    }
}

impl RowSource for ColumnarSource {
    fn header(&self) -> &[String] {
        &self.header
    }

    fn next_row(&mut self, row: &mut Row) -> Result<bool, ReadError> {
        while self.next >= self.height {
            if !self.next_batch()? {
                return Ok(false);
            }
        }
        row.record.clear();
        for column in &self.columns {
            row.record.push_field(column.get(self.next));
        }
        self.next += 1;
        row.line = self.rows_before + self.next as u64;
        row.byte = 0;
        row.file = None;
        row.problems.clear();
        Ok(true)
    }

    fn bytes_read(&self) -> u64 {
        self.batches.bytes_read()
    }

    /// 0: the column names come from the file's schema, not from a line.
    fn header_line(&self) -> u64 {
        0
    }
}
