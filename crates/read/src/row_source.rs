//! Rows and row sources: what the validation engine consumes.
//!
//! A [`Row`] is one data row as read, its fields still bytes; a [`RowSource`] hands them out
//! under one header: a CSV file ([`crate::CsvSource`], [`crate::CsvFiles`]), a spreadsheet
//! (`nebulk-sheet`), or records mapped onto a schema (`nebulk-map`). Problems
//! found while producing a row travel with it ([`RowProblem`]) for the validator to reject it
//! with.

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
/// A source reads one row at a time ([`RowSource::next_row`], into a row whose allocations it
/// reuses); the engine takes rows in chunks ([`RowSource::fill_chunk`]), whose budget is
/// written once, here: at most `max_rows` rows, and no more once their fields hold
/// `max_bytes`, but always at least one row however large.
///
/// ```
/// use nebulk_read::{CsvOptions, CsvSource, Row, RowSource};
/// let mut source = CsvSource::new(&b"a,b\n1,2\n3,4\n"[..], CsvOptions::default()).unwrap();
/// assert_eq!(source.header(), ["a", "b"]);
/// let mut row = Row::default();
/// assert!(source.next_row(&mut row).unwrap());
/// assert_eq!((row.line, &row.record[1]), (2, &b"2"[..]));
/// assert_eq!(source.read_chunk(10, 1 << 20).unwrap().len(), 1, "the rest");
/// assert!(!source.next_row(&mut row).unwrap(), "the end");
/// ```
pub trait RowSource: Send {
    /// The header cells, trimmed.
    fn header(&self) -> &[String];

    /// Reads the next row into `row`, replacing all it held but reusing its allocations;
    /// `false` at the end of the input (`row` then holds nothing of use).
    fn next_row(&mut self, row: &mut Row) -> Result<bool, ReadError>;

    /// Bytes of input consumed so far, for progress reporting.
    fn bytes_read(&self) -> u64;

    /// The 1-based line of the header (a spreadsheet's may be below title rows).
    fn header_line(&self) -> u64 {
        1
    }

    /// A new row to read into, with room for a typical row of this source, so that the first
    /// chunks do not grow their rows field by field. The default is empty.
    fn blank_row(&self) -> Row {
        Row::default()
    }

    /// Reads up to `max_rows` rows, stopping early once they hold `max_bytes`; an empty vector
    /// means the end of the input. A chunk holds at least one row, however large. A row holds
    /// the bytes of its fields and one more per field, however empty (each field costs memory:
    /// a line of a million commas is a million fields).
    fn read_chunk(&mut self, max_rows: usize, max_bytes: usize) -> Result<Vec<Row>, ReadError> {
        let mut rows = Vec::new();
        self.fill_chunk(&mut rows, max_rows, max_bytes)?;
        Ok(rows)
    }

    /// Like [`RowSource::read_chunk`], but into `rows`, whose rows (and their allocations) are
    /// reused: on return it holds exactly the new chunk, empty at the end of the input.
    ///
    /// ```
    /// use nebulk_read::{CsvOptions, CsvSource, RowSource};
    /// let mut source = CsvSource::new(&b"h\nlong one\nb\nc\n"[..], CsvOptions::default()).unwrap();
    /// let mut rows = Vec::new();
    /// source.fill_chunk(&mut rows, 10, 4).unwrap();
    /// assert_eq!(rows.len(), 1, "a row larger than the budget comes alone");
    /// source.fill_chunk(&mut rows, 1, 1 << 20).unwrap();
    /// assert_eq!(&rows[0].record[0], b"b");
    /// source.fill_chunk(&mut rows, 10, 1 << 20).unwrap();
    /// source.fill_chunk(&mut rows, 10, 1 << 20).unwrap();
    /// assert!(rows.is_empty(), "the end");
    /// ```
    #[inline]
    fn fill_chunk(
        &mut self,
        rows: &mut Vec<Row>,
        max_rows: usize,
        max_bytes: usize,
    ) -> Result<(), ReadError> {
        let max_rows = max_rows.max(1);
        let mut filled = 0;
        let mut bytes = 0usize;
        while filled < max_rows && (filled == 0 || bytes < max_bytes) {
            if filled == rows.len() {
                rows.push(self.blank_row());
            }
            let Some(row) = rows.get_mut(filled) else {
                break;
            };
            if !self.next_row(row)? {
                break;
            }
            bytes = bytes
                .saturating_add(row.record.as_slice().len())
                .saturating_add(row.record.len());
            filled += 1;
        }
        rows.truncate(filled);
        Ok(())
    }
}

impl<T: RowSource + ?Sized> RowSource for Box<T> {
    fn header(&self) -> &[String] {
        (**self).header()
    }

    fn next_row(&mut self, row: &mut Row) -> Result<bool, ReadError> {
        (**self).next_row(row)
    }

    fn bytes_read(&self) -> u64 {
        (**self).bytes_read()
    }

    fn header_line(&self) -> u64 {
        (**self).header_line()
    }

    fn blank_row(&self) -> Row {
        (**self).blank_row()
    }

    fn read_chunk(&mut self, max_rows: usize, max_bytes: usize) -> Result<Vec<Row>, ReadError> {
        (**self).read_chunk(max_rows, max_bytes)
    }

    // Forwarded whole, so that the rows of a boxed source are read through one call per chunk
    // (the source's own loop), not one dynamic call per row.
    fn fill_chunk(
        &mut self,
        rows: &mut Vec<Row>,
        max_rows: usize,
        max_bytes: usize,
    ) -> Result<(), ReadError> {
        (**self).fill_chunk(rows, max_rows, max_bytes)
    }
}

#[cfg(test)]
mod tests {
    use crate::{CsvOptions, CsvSource, RowSource};

    /// Issue 10: the one chunk budget counts a byte per field, as the spreadsheet reader's did:
    /// rows of empty fields hold memory (a bound per field) though they hold no text, so a
    /// file of lines of commas is cut into chunks like any other.
    #[test]
    fn empty_fields_count_against_the_chunk_budget() {
        let row = ",".repeat(99);
        let data = format!("{}\n{row}\n{row}\n{row}\n", "h,".repeat(99) + "h");
        let mut source = CsvSource::new(data.as_bytes(), CsvOptions::default()).unwrap();
        let chunk = source.read_chunk(10, 150).unwrap();
        assert_eq!(
            chunk.len(),
            2,
            "100 fields each: the second row reaches 150 bytes"
        );
        assert_eq!(chunk[0].record.len(), 100);
        assert_eq!(source.read_chunk(10, 150).unwrap().len(), 1);
        assert!(source.read_chunk(10, 150).unwrap().is_empty());
    }
}
