//! Rows and row sources: what the validation engine consumes.

use std::sync::Arc;

use crate::ReadError;

/// One data row as read: its fields as bytes and where it starts.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// 1-based line the row starts on in its file (for a spreadsheet, its row number; for XML
    /// and JSON, the line where the record starts).
    pub line: u64,
    /// Byte offset of the row's first byte in its file (0 where unknown).
    pub byte: u64,
    /// The fields, unmodified (not trimmed, not decoded).
    pub record: csv::ByteRecord,
    /// The file the row comes from, when the input is several files.
    pub file: Option<Arc<str>>,
    /// Problems found before validation (a mapping transform that failed), by field.
    pub problems: Vec<RowProblem>,
}

/// A problem found while producing a row (mapping a record, reading a source row to map it).
/// The validator rejects the row with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// What kind of problem.
    pub kind: ProblemKind,
    /// The 0-based field of the produced row it concerns, if one.
    pub column: Option<usize>,
    /// What went wrong.
    pub message: String,
}

/// A value quoted for a message: in single quotes, cut after 60 characters with `…`, so that a
/// message about a 50 MB field stays one short line (in the summary, `report.json` and
/// `rejects.csv`) and costs no copy of the field.
///
/// ```
/// use nebulk_read::quote_value;
/// assert_eq!(quote_value("ann@"), "'ann@'");
/// assert_eq!(quote_value(&"é".repeat(100)), format!("'{}…'", "é".repeat(60)));
/// ```
pub fn quote_value(value: &str) -> String {
    format!("'{}'", shorten_value(value))
}

/// `value` cut after 60 characters with `…`, as [`quote_value`] quotes it, without the quotes.
///
/// ```
/// use nebulk_read::shorten_value;
/// assert_eq!(shorten_value("ann@"), "ann@");
/// assert_eq!(shorten_value(&"é".repeat(100)), format!("{}…", "é".repeat(60)));
/// ```
pub fn shorten_value(value: &str) -> std::borrow::Cow<'_, str> {
    const MAX_CHARS: usize = 60;
    match value.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", value.get(..cut).unwrap_or_default()).into(),
        None => value.into(),
    }
}

/// The kinds of [`RowProblem`]; each becomes the validator code of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// A mapping transform could not handle the value (`transform-failed`).
    Transform,
    /// The source row had the wrong number of fields (`malformed-row`).
    Malformed,
    /// A source field was not UTF-8 (`invalid-encoding`).
    Encoding,
}

impl Row {
    /// A row of text fields, for sources that are not delimited text.
    ///
    /// ```
    /// let row = nebulk_read::Row::from_fields(7, ["ann", "lee"]);
    /// assert_eq!(row.line, 7);
    /// assert_eq!(&row.record[1], b"lee");
    /// ```
    pub fn from_fields<I, S>(line: u64, fields: I) -> Row
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        Row {
            line,
            record: fields.into_iter().collect(),
            ..Row::default()
        }
    }
}

/// A stream of rows under one header: a CSV file, a spreadsheet, or mapped records.
///
/// ```
/// use nebulk_read::{CsvOptions, CsvSource, RowSource};
/// let mut source = CsvSource::new(&b"a,b\n1,2\n"[..], CsvOptions::default()).unwrap();
/// assert_eq!(source.header(), ["a", "b"]);
/// assert_eq!(source.read_chunk(10, 1 << 20).unwrap().len(), 1);
/// ```
pub trait RowSource: Send {
    /// The header cells, trimmed.
    fn header(&self) -> &[String];

    /// Reads up to `max_rows` rows, stopping early once their fields hold `max_bytes`; an
    /// empty vector means the end of the input. A chunk holds at least one row, however large.
    fn read_chunk(&mut self, max_rows: usize, max_bytes: usize) -> Result<Vec<Row>, ReadError> {
        let mut rows = Vec::new();
        self.fill_chunk(&mut rows, max_rows, max_bytes)?;
        Ok(rows)
    }

    /// Like [`RowSource::read_chunk`], but into `rows`, whose rows (and their allocations) may
    /// be reused: on return it holds exactly the new chunk, empty at the end of the input.
    fn fill_chunk(
        &mut self,
        rows: &mut Vec<Row>,
        max_rows: usize,
        max_bytes: usize,
    ) -> Result<(), ReadError>;

    /// Bytes of input consumed so far, for progress reporting.
    fn bytes_read(&self) -> u64;

    /// The 1-based line of the header (a spreadsheet's may be below title rows).
    fn header_line(&self) -> u64 {
        1
    }
}

impl<T: RowSource + ?Sized> RowSource for Box<T> {
    fn header(&self) -> &[String] {
        (**self).header()
    }

    fn read_chunk(&mut self, max_rows: usize, max_bytes: usize) -> Result<Vec<Row>, ReadError> {
        (**self).read_chunk(max_rows, max_bytes)
    }

    fn fill_chunk(
        &mut self,
        rows: &mut Vec<Row>,
        max_rows: usize,
        max_bytes: usize,
    ) -> Result<(), ReadError> {
        (**self).fill_chunk(rows, max_rows, max_bytes)
    }

    fn bytes_read(&self) -> u64 {
        (**self).bytes_read()
    }

    fn header_line(&self) -> u64 {
        (**self).header_line()
    }
}
