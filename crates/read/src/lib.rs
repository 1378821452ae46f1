//! # Brief overview
//!
//! `nebulk-read` turns a delimited text file into a header and a stream of raw rows, each with
//! the physical line it starts on. It does no validation: fields stay bytes, so a row with
//! invalid UTF-8 or the wrong number of fields reaches the validator intact, which rejects it
//! with a reason instead of stopping the run.
//!
//! What it handles: the delimiter (given, or sniffed among `,` `;` tab `|` from the header
//! line), a UTF-8 byte order mark, quoted fields spanning lines, blank lines (skipped) and
//! `\n`, `\r\n` line ends. A UTF-16 file is refused with a clear error.
//!
//! Line numbers are 1-based physical lines of the input: the header is line 1, and a row whose
//! quoted field holds a newline spans several lines and is numbered by its first.
//!
//! # Example
//!
//! ```
//! use nebulk_read::{CsvOptions, CsvSource};
//!
//! let data = "\u{feff}name;note\nann;\"two\nlines\"\nbob;x\n";
//! let mut source = CsvSource::new(data.as_bytes(), CsvOptions::default()).unwrap();
//! assert_eq!(source.delimiter(), b';');
//! assert_eq!(source.header(), ["name", "note"]);
//! let rows = source.read_chunk(100, 1 << 20).unwrap();
//! assert_eq!(rows.len(), 2);
//! assert_eq!(rows[0].line, 2);
//! assert_eq!(rows[1].line, 4);
//! assert_eq!(&rows[1].record[0], b"bob");
//! ```
#![deny(missing_docs)]

use std::collections::VecDeque;
use std::io::{self, Read};

/// How much of the input is looked at to sniff the delimiter and find the header line.
const SNIFF_BYTES: usize = 64 * 1024;

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

/// A fatal problem with the input file as a whole.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file has no header row.
    #[error("the file is empty: expected a header row")]
    NoHeader,
    /// The file is UTF-16 (Excel's "Unicode text"); only UTF-8 is read.
    #[error("the file is UTF-16 ({0}); save it as CSV UTF-8 and run again")]
    Utf16(&'static str),
    /// A header cell is not UTF-8.
    #[error("line 1, column {column}: the header cell is not valid UTF-8")]
    HeaderEncoding {
        /// 1-based column.
        column: usize,
    },
    /// The header row has an empty cell.
    #[error("line 1, column {column}: the header cell is empty")]
    EmptyHeaderCell {
        /// 1-based column.
        column: usize,
    },
    /// Reading failed.
    #[error("read failed near line {line}: {source}")]
    Io {
        /// The line being read.
        line: u64,
        /// The underlying error.
        source: io::Error,
    },
}

/// One data row as read: its fields as bytes and where it starts.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based physical line the row starts on.
    pub line: u64,
    /// Byte offset of the row's first byte in the input file.
    pub byte: u64,
    /// The fields, unmodified (not trimmed, not decoded).
    pub record: csv::ByteRecord,
}

/// A delimited file: its header, then its rows in chunks.
pub struct CsvSource<R> {
    reader: csv::Reader<LineCounter<io::Chain<io::Cursor<Vec<u8>>, R>>>,
    header: Vec<String>,
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
            .map_err(|source| ReadError::Io { line: 1, source })?;
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
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(LineCounter::new(io::Cursor::new(prefix).chain(input)));
        let mut record = csv::ByteRecord::new();
        let found = reader
            .read_byte_record(&mut record)
            .map_err(|e| io_error(e, 1))?;
        if !found {
            return Err(ReadError::NoHeader);
        }
        let mut header = Vec::with_capacity(record.len());
        for (i, cell) in record.iter().enumerate() {
            let cell = std::str::from_utf8(cell)
                .map_err(|_| ReadError::HeaderEncoding { column: i + 1 })?
                .trim();
            if cell.is_empty() {
                return Err(ReadError::EmptyHeaderCell { column: i + 1 });
            }
            header.push(cell.to_string());
        }
        Ok(CsvSource {
            reader,
            header,
            delimiter,
            bom_len,
        })
    }

    /// The header cells, trimmed.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The delimiter in use (given or sniffed).
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Bytes of the input consumed so far, for progress reporting.
    pub fn bytes_read(&self) -> u64 {
        self.reader.position().byte() + self.bom_len
    }

    /// Reads up to `max_rows` rows, stopping early once their fields hold `max_bytes`; an empty
    /// vector means the end of the input. A chunk holds at least one row, however large.
    ///
    /// ```
    /// use nebulk_read::{CsvOptions, CsvSource};
    /// let mut s = CsvSource::new(&b"a,b\n1,2\n\n3\n"[..], CsvOptions::default()).unwrap();
    /// let rows = s.read_chunk(10, 1 << 20).unwrap();
    /// assert_eq!(rows.len(), 2, "blank lines are skipped");
    /// assert_eq!(rows[1].record.len(), 1, "short rows are kept for the validator to reject");
    /// assert!(s.read_chunk(10, 1 << 20).unwrap().is_empty());
    /// ```
    pub fn read_chunk(&mut self, max_rows: usize, max_bytes: usize) -> Result<Vec<Row>, ReadError> {
        let mut rows = Vec::with_capacity(max_rows.min(64 * 1024));
        let mut bytes = 0usize;
        while rows.len() < max_rows && bytes < max_bytes {
            let mut record = csv::ByteRecord::new();
            let line = self.reader.position().line();
            if !self
                .reader
                .read_byte_record(&mut record)
                .map_err(|e| io_error(e, line))?
            {
                break;
            }
            bytes += record.as_slice().len();
            let start = record.position().map_or(0, csv::Position::byte);
            let line = self.reader.get_mut().line_at(start);
            rows.push(Row {
                line,
                byte: start + self.bom_len,
                record,
            });
        }
        Ok(rows)
    }
}

/// A reader that notes where line breaks are as bytes pass through, so that the line a record
/// starts on can be told from its byte offset. `\n`, `\r\n` and a lone `\r` each end a line.
///
/// Breaks are dropped once a record past them is numbered, so memory stays bounded by what the
/// CSV parser has buffered but not yet returned.
struct LineCounter<R> {
    inner: R,
    /// Offset of the next byte to be read from `inner`.
    offset: u64,
    /// Offset and length (1 or 2) of line breaks not yet passed by [`LineCounter::line_at`].
    breaks: VecDeque<(u64, u64)>,
    /// Line breaks already passed.
    passed: u64,
    /// Whether the last byte read was `\r`, so that a following `\n` is the same break.
    after_cr: bool,
}

impl<R> LineCounter<R> {
    fn new(inner: R) -> LineCounter<R> {
        LineCounter {
            inner,
            offset: 0,
            breaks: VecDeque::new(),
            passed: 0,
            after_cr: false,
        }
    }

    /// The 1-based line of the first byte at or after `offset` that is not a line break: the
    /// CSV parser reports a record as starting where the previous one ended, before any blank
    /// lines it skipped. Offsets must not decrease between calls.
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut cursor = offset;
        while let Some(&(at, len)) = self.breaks.front() {
            if at > cursor {
                break;
            }
            // A break before the cursor is passed; one at (or straddling) it is skipped over.
            cursor = cursor.max(at + len);
            self.breaks.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let bytes = &buf[..n];
        for i in memchr::memchr2_iter(b'\r', b'\n', bytes) {
            let follows_cr = if i == 0 {
                self.after_cr
            } else {
                bytes[i - 1] == b'\r'
            };
            let at = self.offset + i as u64;
            if bytes[i] == b'\n' && follows_cr {
                // The `\n` of a `\r\n` belongs to the break noted at the `\r`.
                if let Some(last) = self.breaks.back_mut().filter(|b| b.0 + 1 == at) {
                    last.1 = 2;
                }
            } else {
                self.breaks.push_back((at, 1));
            }
        }
        if let Some(last) = bytes.last() {
            self.after_cr = *last == b'\r';
        }
        self.offset += n as u64;
        Ok(n)
    }
}

fn io_error(e: csv::Error, line: u64) -> ReadError {
    let source = match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    };
    ReadError::Io { line, source }
}

/// The bytes before the first line end that is not inside double quotes.
fn first_line(bytes: &[u8]) -> &[u8] {
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
    fn crlf_split_across_reads_is_one_break() {
        let mut counter = LineCounter::new(io::Cursor::new(b"a\r\nb\r\nc".to_vec()));
        let mut buf = [0u8; 2];
        while counter.read(&mut buf).unwrap() > 0 {}
        assert_eq!(counter.line_at(3), 2);
        assert_eq!(counter.line_at(6), 3);
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
        assert!(matches!(err, ReadError::EmptyHeaderCell { column: 2 }));
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
