//! Delimited text: CSV with any of `,` `;` tab `|`.

use std::io::{self, Read};

use crate::lines::LineCounter;
use crate::source::{Row, RowSource};
use crate::ReadError;

use crate::SNIFF_BYTES;

/// The CSV reader's buffer: it never holds more than this read but not parsed.
const BUFFER: usize = 256 * 1024;

/// Reading options.
///
/// ```
/// let options = nebulk_read::CsvOptions { delimiter: Some(b'\t') };
/// assert_eq!(options.delimiter, Some(b'\t'));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CsvOptions {
    /// The field delimiter; `None` sniffs it from the header line.
    pub delimiter: Option<u8>,
}

/// A delimited file: its header, then its rows in chunks (see [`RowSource`]).
///
/// ```
/// use nebulk_read::{CsvOptions, CsvSource, RowSource};
/// let mut s = CsvSource::new(&b"a,b\n1,2\n\n3\n"[..], CsvOptions::default()).unwrap();
/// let rows = s.read_chunk(10, 1 << 20).unwrap();
/// assert_eq!(rows.len(), 2, "blank lines are skipped");
/// assert_eq!(rows[1].record.len(), 1, "short rows are kept for the validator to reject");
/// assert!(s.read_chunk(10, 1 << 20).unwrap().is_empty());
/// ```
pub struct CsvSource<R> {
    reader: csv::Reader<LineCounter<io::Chain<io::Cursor<Vec<u8>>, R>>>,
    header: Vec<String>,
    /// The line of the header (after any blank lines).
    header_line: u64,
    delimiter: u8,
    /// Bytes of a skipped byte order mark, to report offsets in the original file.
    bom_len: u64,
}

impl<R: Read> CsvSource<R> {
    /// Reads the header and prepares to stream rows.
    ///
    /// ```
    /// use nebulk_read::{CsvOptions, CsvSource, ReadError};
    /// let err = CsvSource::new(&b""[..], CsvOptions::default()).err().unwrap();
    /// assert!(matches!(err, ReadError::NoHeader));
    /// ```
    pub fn new(mut input: R, options: CsvOptions) -> Result<CsvSource<R>, ReadError> {
        let mut prefix = Vec::with_capacity(SNIFF_BYTES);
        (&mut input)
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut prefix)
            .map_err(|error| ReadError::Io { line: 1, error })?;
        if prefix.starts_with(b"\xFF\xFE") {
            return Err(ReadError::Utf16("little-endian byte order mark"));
        }
        if prefix.starts_with(b"\xFE\xFF") {
            return Err(ReadError::Utf16("big-endian byte order mark"));
        }
        let bom_len = if prefix.starts_with(b"\xEF\xBB\xBF") {
            prefix.drain(..3);
            3
        } else {
            0
        };
        let delimiter = options
            .delimiter
            .unwrap_or_else(|| sniff_delimiter(first_line(&prefix)));
        let mut reader = csv::ReaderBuilder::new()
            .buffer_capacity(BUFFER)
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(LineCounter::with_window(
                io::Cursor::new(prefix).chain(input),
                BUFFER as u64,
            ));
        reader.get_mut().start_record(0);
        let mut record = csv::ByteRecord::new();
        let found = reader
            .read_byte_record(&mut record)
            .map_err(|e| io_error(e, 1))?;
        if !found {
            return Err(ReadError::NoHeader);
        }
        let header_line = reader
            .get_mut()
            .line_at(record.position().map_or(0, csv::Position::byte));
        let mut header = Vec::with_capacity(record.len());
        for (i, cell) in record.iter().enumerate() {
            let cell = std::str::from_utf8(cell)
                .map_err(|_| ReadError::HeaderEncoding { column: i + 1 })?
                .trim();
            if cell.is_empty() {
                return Err(ReadError::EmptyHeaderCell {
                    line: 1,
                    column: i + 1,
                });
            }
            header.push(cell.to_string());
        }
        Ok(CsvSource {
            reader,
            header,
            header_line,
            delimiter,
            bom_len,
        })
    }

    /// The delimiter in use (given or sniffed).
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }
}

impl<R: Read + Send> RowSource for CsvSource<R> {
    fn header(&self) -> &[String] {
        &self.header
    }

    fn bytes_read(&self) -> u64 {
        self.reader.get_ref().offset() + self.bom_len
    }

    fn header_line(&self) -> u64 {
        self.header_line
    }

    fn fill_chunk(
        &mut self,
        rows: &mut Vec<Row>,
        max_rows: usize,
        max_bytes: usize,
    ) -> Result<(), ReadError> {
        let mut filled = 0;
        let mut bytes = 0usize;
        while filled < max_rows && bytes < max_bytes {
            if filled == rows.len() {
                // Room for a typical row up front, rather than growing the record field by field.
                let fields = self.header.len() + 1;
                rows.push(Row {
                    record: csv::ByteRecord::with_capacity(fields * 32, fields),
                    ..Row::default()
                });
            }
            let row = &mut rows[filled];
            let line = self.reader.position().line();
            // Announced before it is read, so that a record spanning many lines costs the line
            // counter no memory for them (the reader holds at most BUFFER bytes unparsed).
            let next = self.reader.position().byte();
            self.reader.get_mut().start_record(next);
            if !self
                .reader
                .read_byte_record(&mut row.record)
                .map_err(|e| io_error(e, line))?
            {
                break;
            }
            bytes += row.record.as_slice().len();
            let start = row.record.position().map_or(0, csv::Position::byte);
            row.line = self.reader.get_mut().line_at(start);
            row.byte = start + self.bom_len;
            row.file = None;
            row.problems.clear();
            filled += 1;
        }
        rows.truncate(filled);
        Ok(())
    }
}

fn io_error(e: csv::Error, line: u64) -> ReadError {
    let source = match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    };
    ReadError::Io {
        line,
        error: source,
    }
}

/// The bytes of the first line that is not blank, up to its first line end outside double
/// quotes (the CSV reader skips blank lines before the header too).
fn first_line(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n'))
        .unwrap_or(bytes.len());
    let bytes = &bytes[start..];
    let mut in_quotes = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' | b'\r' if !in_quotes => return &bytes[..i],
            _ => {}
        }
    }
    bytes
}

/// Guesses the delimiter from a header line: the most frequent of `,` `;` tab `|` outside
/// double quotes; `,` when none occurs.
///
/// ```
/// assert_eq!(nebulk_read::sniff_delimiter(b"a;b;\"c,d\";e"), b';');
/// assert_eq!(nebulk_read::sniff_delimiter(b"single"), b',');
/// ```
pub fn sniff_delimiter(header_line: &[u8]) -> u8 {
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let mut counts = [0usize; 4];
    let mut in_quotes = false;
    for &b in header_line {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes {
            if let Some(i) = CANDIDATES.iter().position(|c| *c == b) {
                counts[i] += 1;
            }
        }
    }
    let mut best = 0;
    for i in 1..CANDIDATES.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    CANDIDATES[best]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::RowSource;

    fn rows(data: &[u8]) -> (CsvSource<&[u8]>, Vec<Row>) {
        let mut source = CsvSource::new(data, CsvOptions::default()).unwrap();
        let rows = source.read_chunk(usize::MAX, usize::MAX).unwrap();
        (source, rows)
    }

    #[test]
    fn lines_are_physical_and_one_based() {
        let (_, rows) = rows(b"a,b\r\n1,\"x\r\ny\"\r\n2,z\r\n");
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4]);
        assert_eq!(&rows[0].record[1], b"x\r\ny");
    }

    #[test]
    fn lf_cr_and_crlf_line_ends_all_count() {
        let (_, rows) = rows(b"h\n1\r2\r\n3\n\n4\r\r5\n");
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 4, 6, 8]);
    }

    #[test]
    fn bom_is_skipped_but_counted_in_byte_offsets() {
        let (source, rows) = rows(b"\xEF\xBB\xBFa,b\n1,2\n");
        assert_eq!(source.header(), ["a", "b"]);
        assert_eq!(rows[0].byte, 7);
    }

    #[test]
    fn utf16_is_refused() {
        for bom in [&b"\xFF\xFEa\0"[..], &b"\xFE\xFF\0a"[..]] {
            let err = CsvSource::new(bom, CsvOptions::default()).err().unwrap();
            assert!(matches!(err, ReadError::Utf16(_)), "{err}");
        }
    }

    #[test]
    fn header_problems_name_the_column() {
        let err = CsvSource::new(&b"a,\xFF\n"[..], CsvOptions::default())
            .err()
            .unwrap();
        assert!(matches!(err, ReadError::HeaderEncoding { column: 2 }));
        let err = CsvSource::new(&b"a,,c\n"[..], CsvOptions::default())
            .err()
            .unwrap();
        assert!(matches!(
            err,
            ReadError::EmptyHeaderCell { line: 1, column: 2 }
        ));
    }

    #[test]
    fn blank_lines_before_the_header_are_skipped() {
        let (source, rows) = rows(b"\r\n\na;b\n1;2\n");
        assert_eq!(
            source.delimiter(),
            b';',
            "sniffed from the header, not the blank line"
        );
        assert_eq!(source.header(), ["a", "b"]);
        assert_eq!(source.header_line(), 3);
        assert_eq!(rows[0].line, 4);
    }

    #[test]
    fn explicit_delimiter_wins_over_sniffing() {
        let data = b"a;b|c\n1;2|3\n";
        let s = CsvSource::new(
            &data[..],
            CsvOptions {
                delimiter: Some(b'|'),
            },
        )
        .unwrap();
        assert_eq!(s.header(), ["a;b", "c"]);
    }

    #[test]
    fn invalid_utf8_fields_are_kept_as_bytes() {
        let (_, rows) = rows(b"a,b\n\xFF,ok\n");
        assert_eq!(&rows[0].record[0], b"\xFF");
    }

    #[test]
    fn header_longer_than_sniff_window_still_reads() {
        let mut data = (0..20_000)
            .map(|i| format!("c{i}"))
            .collect::<Vec<_>>()
            .join(";");
        data.push_str("\n1;2\n");
        let (source, rows) = rows(data.as_bytes());
        assert_eq!(source.delimiter(), b';');
        assert_eq!(source.header().len(), 20_000);
        assert_eq!(rows.len(), 1);
    }
}
