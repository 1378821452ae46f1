//! Row sources: what the validation engine consumes. A [`RowSource`] hands out [`Row`]s under
//! one header: a CSV file ([`crate::CsvSource`], [`crate::CsvFiles`]), a spreadsheet
//! (`nebulk-sheet`), or records mapped onto a schema (`nebulk-map`).

use crate::blocks::Block;
use crate::row::Row;
use crate::ReadError;

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

    /// Whether [`RowSource::next_block`] cuts this source into blocks, whose rows any thread
    /// can parse (plain UTF-8 CSV): then the engine parses in parallel. A source either hands
    /// out rows or blocks: once it has cut a block, rows are not to be asked for.
    fn cuts_blocks(&self) -> bool {
        false
    }

    /// The delimiter of a source that is delimited text read as it is (UTF-8, not decoded):
    /// then its rows' offsets ([`Row::byte`]) are those of the file, and its records can be
    /// read again from them ([`crate::read_records_at`]). `None` for any other source (the
    /// default).
    ///
    /// ```
    /// use nebulk_read::{CsvOptions, CsvSource, RowSource};
    /// let source = CsvSource::new(&b"a;b\n1;2\n"[..], CsvOptions::default()).unwrap();
    /// assert_eq!(source.plain_delimiter(), Some(b';'));
    /// ```
    fn plain_delimiter(&self) -> Option<u8> {
        None
    }

    /// The next [`Block`] of whole rows, of about `size` bytes (more when one row is longer),
    /// to be parsed with [`Block::parse_into`]; `None` at the end of the input, or when the
    /// source does not cut blocks ([`RowSource::cuts_blocks`]). A source may stop cutting
    /// blocks on the way (a CSV record longer than [`crate::LONGEST_BLOCK`]): then `None`
    /// comes while [`RowSource::next_row`] still has rows.
    ///
    /// ```
    /// use nebulk_read::{CsvOptions, CsvSource, Row, RowSource};
    /// let mut source = CsvSource::new(&b"h\nann\nbob\n"[..], CsvOptions::default()).unwrap();
    /// assert!(source.cuts_blocks());
    /// let block = source.next_block(1 << 16).unwrap().unwrap();
    /// let mut rows = Vec::new();
    /// block.parse_into(&mut rows);
    /// assert_eq!((rows.len(), rows[1].line), (2, 3));
    /// assert!(source.next_block(1 << 16).unwrap().is_none());
    /// ```
    fn next_block(&mut self, size: usize) -> Result<Option<Block>, ReadError> {
        let _ = size;
        Ok(None)
    }

    /// Reads up to `max_rows` rows, stopping early once they hold `max_bytes`; an empty vector
    /// means the end of the input. A chunk holds at least one row, however large. A row holds
    /// what [`crate::Fields::held_bytes`] counts.
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
            bytes = bytes.saturating_add(row.record.held_bytes());
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

    fn cuts_blocks(&self) -> bool {
        (**self).cuts_blocks()
    }

    fn plain_delimiter(&self) -> Option<u8> {
        (**self).plain_delimiter()
    }

    fn next_block(&mut self, size: usize) -> Result<Option<Block>, ReadError> {
        (**self).next_block(size)
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
    /// file of lines of commas is cut into chunks like any other. (A row's buffer holds its
    /// delimiters too: 99 bytes, and 100 for its fields.)
    #[test]
    fn empty_fields_count_against_the_chunk_budget() {
        let row = ",".repeat(99);
        let data = format!("{}\n{row}\n{row}\n{row}\n", "h,".repeat(99) + "h");
        let mut source = CsvSource::new(data.as_bytes(), CsvOptions::default()).unwrap();
        let chunk = source.read_chunk(10, 300).unwrap();
        assert_eq!(
            chunk.len(),
            2,
            "199 bytes each: the second row reaches 300 bytes"
        );
        assert_eq!(chunk[0].record.len(), 100);
        assert_eq!(source.read_chunk(10, 300).unwrap().len(), 1);
        assert!(source.read_chunk(10, 300).unwrap().is_empty());
    }
}
