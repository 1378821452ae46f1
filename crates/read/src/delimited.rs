//! Delimited text: CSV with any of `,` `;` tab `|`, in any encoding.

use std::io::{self, Read};
use std::sync::Arc;

use crate::blocks::{count_lines, Block, BlockCutter, Cut};
use crate::encoding::{
    escape_bytes, windows_1252_reading, Encoding, Malformed, ReadAhead, TextReader, TextStart,
};
use crate::fields::Fields;
use crate::position::LineCounter;
use crate::preamble::{separator_line, skip_lines, Skipped};
use crate::row::{quote_value, ProblemKind, Row, RowProblem};
use crate::row_source::RowSource;
use crate::ReadError;

use crate::SNIFF_BYTES;

/// The CSV reader's buffer: it never holds more than this read but not parsed.
const BUFFER: usize = 256 * 1024;

/// Reading options.
///
/// ```
/// let options = nebulk_read::CsvOptions {
///     delimiter: Some(b'\t'),
///     encoding: Some(encoding_rs::WINDOWS_1252),
///     header_row: Some(3),
/// };
/// assert_eq!(options.delimiter, Some(b'\t'));
/// assert_eq!(nebulk_read::CsvOptions::default().encoding, None, "UTF-8");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CsvOptions {
    /// The field delimiter; `None` takes it from an Excel `sep=X` first line, else sniffs it
    /// from the header line.
    pub delimiter: Option<u8>,
    /// The encoding of a file without a byte order mark (`--encoding`); `None` is UTF-8. A
    /// UTF-16 byte order mark wins (see [`TextReader`]).
    pub encoding: Option<&'static Encoding>,
    /// The 1-based physical line of the header, when lines above it are to be skipped (title
    /// lines); `None` is the first line that is not blank (after a `sep=X` line).
    pub header_row: Option<u64>,
}

/// A delimited file: its header, then its rows in chunks (see [`RowSource`]).
///
/// The file may be in any encoding ([`CsvOptions::encoding`], or told by a UTF-16 byte order
/// mark); everything handed out is UTF-8, except bytes of a UTF-8 file that are not UTF-8,
/// which stay as they are for the validator to reject. A byte sequence that is no character of
/// the file's encoding becomes U+FFFD, and its row carries an `invalid-encoding`
/// [`RowProblem`]. Offsets ([`Row::byte`]) are those of the file for UTF-8, and of its UTF-8
/// reading otherwise.
///
/// Before the header: an Excel `sep=X` first line sets the delimiter (unless one is given) and
/// is skipped; with [`CsvOptions::header_row`], the lines above the header (title lines, read
/// as plain lines, quotes and all) are skipped. Line numbers stay physical lines of the file.
///
/// ```
/// use nebulk_read::{CsvOptions, CsvSource, RowSource};
/// let mut s = CsvSource::new(&b"a,b\n1,2\n\n3\n"[..], CsvOptions::default()).unwrap();
/// let rows = s.read_chunk(10, 1 << 20).unwrap();
/// assert_eq!(rows.len(), 2, "blank lines are skipped");
/// assert_eq!(rows[1].record.len(), 1, "short rows are kept for the validator to reject");
/// assert!(s.read_chunk(10, 1 << 20).unwrap().is_empty());
///
/// let excel = b"sep=;\r\nname;city\r\nM\xfcller;K\xf6ln\r\n";
/// let options = CsvOptions { encoding: Some(encoding_rs::WINDOWS_1252), ..CsvOptions::default() };
/// let mut s = CsvSource::new(&excel[..], options).unwrap();
/// assert_eq!((s.delimiter(), s.header_line()), (b';', 2));
/// let rows = s.read_chunk(10, 1 << 20).unwrap();
/// assert_eq!((&rows[0].record[0], rows[0].line), ("Müller".as_bytes(), 3));
/// ```
pub struct CsvSource<R> {
    rows: Rows<R>,
    header: Vec<String>,
    /// The line of the header (after any blank lines).
    header_line: u64,
    delimiter: u8,
    /// Bytes before the CSV reader's first (a byte order mark, a `sep=` line, title lines), to
    /// report offsets in the file.
    skipped: u64,
    /// The encoding the file is decoded from, when it is not UTF-8.
    encoding: Option<&'static Encoding>,
    /// Where the decoding replaced malformed sequences.
    malformed: Option<Arc<Malformed>>,
}

/// How a [`CsvSource`] reads its rows.
enum Rows<R> {
    /// UTF-8 text, cut into blocks of whole records ([`BlockCutter`]): what the engine parses
    /// in parallel, and what [`RowSource::next_row`] parses a block at a time.
    Blocks {
        cutter: Box<BlockCutter<ReadAhead<R>>>,
        /// The rows of the block being handed out, and the next one to hand out.
        parsed: Vec<Row>,
        next: usize,
    },
    /// Decoded text (or a header longer than the sniffed start, or what follows a record too
    /// long for a block), through the CSV reader.
    Stream(Box<Streamed<R>>),
    /// Only while the blocks' reader is handed over to the CSV reader.
    Switching,
}

/// The CSV reader, and the record it reads into before a row takes the fields.
struct Streamed<R> {
    reader: csv::Reader<LineCounter<ReadAhead<TextReader<R>>>>,
    record: csv::ByteRecord,
}

/// The bytes [`RowSource::next_row`] parses at a time when a source reads blocks.
const ROW_BLOCK: usize = 64 * 1024;

impl<R: Read> CsvSource<R> {
    /// Reads the header and prepares to stream rows.
    ///
    /// ```
    /// use nebulk_read::{CsvOptions, CsvSource, ReadError};
    /// let err = CsvSource::new(&b""[..], CsvOptions::default()).err().unwrap();
    /// assert!(matches!(err, ReadError::NoHeader));
    /// ```
    pub fn new(input: R, options: CsvOptions) -> Result<CsvSource<R>, ReadError> {
        CsvSource::start(input, options, true)
    }

    /// [`CsvSource::new`], reading through the CSV reader only (never in blocks): the
    /// reference the block reading is tested against.
    #[cfg(test)]
    pub(crate) fn streaming(input: R, options: CsvOptions) -> Result<CsvSource<R>, ReadError> {
        CsvSource::start(input, options, false)
    }

    fn start(input: R, options: CsvOptions, blocks: bool) -> Result<CsvSource<R>, ReadError> {
        let io_error = |error| ReadError::Io { line: 1, error };
        let mut text = TextReader::sniff(input, options.encoding).map_err(io_error)?;
        let encoding = text.is_decoded().then(|| text.encoding());
        let malformed = text.malformed();
        let mut prefix = Vec::with_capacity(SNIFF_BYTES);
        (&mut text)
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut prefix)
            .map_err(io_error)?;
        let mut skipped = Skipped::default();
        // A UTF-8 mark (UTF-16's is gone, decoded away) is skipped and counted in offsets.
        if let start @ TextStart::Utf8Bom = TextStart::of(&prefix) {
            prefix.drain(..start.bom_len());
            skipped.bytes = start.bom_len() as u64;
        }
        let separator = separator_line(&prefix);
        let title_lines = match (options.header_row, separator) {
            (Some(row), _) => row.saturating_sub(1),
            (None, Some(_)) => 1,
            (None, None) => 0,
        };
        let lines = skip_lines(&mut prefix, &mut text, title_lines).map_err(io_error)?;
        skipped.bytes += lines.bytes;
        skipped.lines = lines.lines;
        let delimiter = options
            .delimiter
            .or(separator.map(|(delimiter, _)| delimiter))
            .unwrap_or_else(|| sniff_delimiter(first_line(&prefix)));
        let start = Start {
            delimiter,
            skipped,
            encoding,
            malformed,
        };
        // Plain UTF-8 whose header ends within the sniffed start is cut into blocks; the rest
        // (decoded text, whose offsets the decoder tracks) goes through the CSV reader.
        let plain = blocks && encoding.is_none();
        match header_in(&prefix, delimiter).filter(|_| plain) {
            Some(header) => match text.into_plain() {
                Ok(input) => CsvSource::in_blocks(input, prefix, header, start),
                Err(text) => CsvSource::through_reader(*text, prefix, start),
            },
            None => CsvSource::through_reader(text, prefix, start),
        }
    }

    /// A source whose header, ending at `header.end` of `prefix`, was read: the rest is cut
    /// into blocks.
    fn in_blocks(
        input: ReadAhead<R>,
        mut prefix: Vec<u8>,
        header: HeaderRecord,
        start: Start,
    ) -> Result<CsvSource<R>, ReadError> {
        let first_line = start.skipped.lines + 1;
        let header_line = first_line + count_lines(&prefix[..header.start], None);
        let cells = header_cells(&header.record, header_line, None, false)?;
        let end = header.end;
        let line = first_line + count_lines(&prefix[..end], prefix.get(end).copied());
        let rest = prefix.split_off(end);
        let byte = start.skipped.bytes + end as u64;
        Ok(CsvSource {
            rows: Rows::Blocks {
                cutter: Box::new(BlockCutter::new(input, rest, start.delimiter, line, byte)),
                parsed: Vec::new(),
                next: 0,
            },
            header: cells,
            header_line,
            delimiter: start.delimiter,
            skipped: start.skipped.bytes,
            encoding: start.encoding,
            malformed: start.malformed,
        })
    }

    /// A source read through the CSV reader, from its header on.
    fn through_reader(
        text: TextReader<R>,
        prefix: Vec<u8>,
        start: Start,
    ) -> Result<CsvSource<R>, ReadError> {
        let Start {
            delimiter,
            skipped,
            encoding,
            malformed,
        } = start;
        let mut reader = csv_reader(text, prefix, delimiter, skipped.lines);
        reader.get_mut().start_record(0);
        let mut record = csv::ByteRecord::new();
        let found = reader
            .read_byte_record(&mut record)
            .map_err(|e| io_error_at(e, skipped.lines + 1))?;
        if !found {
            return Err(ReadError::NoHeader);
        }
        let header_line = reader
            .get_mut()
            .line_at(record.position().map_or(0, csv::Position::byte));
        let header_end = reader.position().byte() + skipped.bytes;
        let malformed_header = malformed
            .as_ref()
            .is_some_and(|m| !m.take_before(header_end).is_empty());
        let header = header_cells(&record, header_line, encoding, malformed_header)?;
        Ok(CsvSource {
            rows: Rows::Stream(Box::new(Streamed {
                reader,
                record: csv::ByteRecord::new(),
            })),
            header,
            header_line,
            delimiter,
            skipped: skipped.bytes,
            encoding,
            malformed,
        })
    }

    /// The delimiter in use (given, from a `sep=` line, or sniffed).
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The encoding the file is decoded from, when it is not UTF-8 (given, or told by a UTF-16
    /// byte order mark).
    ///
    /// ```
    /// use nebulk_read::{CsvOptions, CsvSource};
    /// let utf16: Vec<u8> = [0xFE, 0xFF].into_iter()
    ///     .chain("a\tb\n".encode_utf16().flat_map(u16::to_be_bytes)).collect();
    /// let source = CsvSource::new(&utf16[..], CsvOptions::default()).unwrap();
    /// assert_eq!(source.encoding().map(|e| e.name()), Some("UTF-16BE"));
    /// ```
    pub fn encoding(&self) -> Option<&'static Encoding> {
        self.encoding
    }

    /// Notes an `invalid-encoding` problem on `row`, which spans `start..end` of the CSV
    /// reader's stream, when the decoding replaced a sequence there.
    fn note_malformed(&self, row: &mut Row, start: u64, end: u64) {
        let Some(malformed) = self.malformed.as_ref().filter(|m| m.any_pending()) else {
            return;
        };
        let offsets = malformed.take_before(end + self.skipped);
        if !offsets.iter().any(|&at| at >= start + self.skipped) {
            return;
        }
        let column = row
            .record
            .iter()
            .position(|field| memchr::memmem::find(field, "\u{FFFD}".as_bytes()).is_some());
        let name = text_encoding(self.encoding).name();
        row.problems.push(RowProblem {
            kind: ProblemKind::Encoding,
            column,
            message: format!(
                "not valid {name}: a byte sequence that is no character in it (shown as U+FFFD)"
            ),
        });
    }
}

/// What [`CsvSource::new`] learnt before the header: how the rows are told apart and what
/// was skipped.
struct Start {
    delimiter: u8,
    skipped: Skipped,
    encoding: Option<&'static Encoding>,
    malformed: Option<Arc<Malformed>>,
}

/// The header record read from the start of a file, and where it starts and ends there.
struct HeaderRecord {
    record: csv::ByteRecord,
    /// After the blank lines before it.
    start: usize,
    /// After its line end.
    end: usize,
}

/// The first record of `prefix`, when its line end is within `prefix` with a byte after it
/// (so that the record is surely whole, and a `\r\n` not cut in two), or `prefix` is shorter
/// than [`SNIFF_BYTES`], the whole input.
fn header_in(prefix: &[u8], delimiter: u8) -> Option<HeaderRecord> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(prefix);
    let mut record = csv::ByteRecord::new();
    if !reader.read_byte_record(&mut record).ok()? {
        return None;
    }
    let end = usize::try_from(reader.position().byte()).ok()?;
    let start = prefix.iter().position(|b| !matches!(b, b'\r' | b'\n'))?;
    (end < prefix.len() || prefix.len() < SNIFF_BYTES).then_some(HeaderRecord {
        record,
        start,
        end,
    })
}

/// The header's cells as text, trimmed; a cell that is not UTF-8 (or that the decoding of
/// `encoding` marked malformed) is an error naming its line and column.
fn header_cells(
    record: &csv::ByteRecord,
    header_line: u64,
    encoding: Option<&'static Encoding>,
    malformed_header: bool,
) -> Result<Vec<String>, ReadError> {
    let mut header = Vec::with_capacity(record.len());
    for (i, cell) in record.iter().enumerate() {
        let not_text = |encoding: &'static Encoding, hint| ReadError::HeaderEncoding {
            line: header_line,
            column: i + 1,
            encoding: encoding.name(),
            hint,
        };
        let cell = std::str::from_utf8(cell).map_err(|_| {
            let hint = windows_1252_reading(cell).map(|reading| {
                format!(
                    " ({} reads as {} in windows-1252: if the file is Windows-1252, run \
                     again with --encoding windows-1252)",
                    quote_value(&escape_bytes(cell)),
                    quote_value(&reading)
                )
            });
            not_text(encoding_rs::UTF_8, hint)
        })?;
        if malformed_header && cell.contains('\u{FFFD}') {
            return Err(not_text(text_encoding(encoding), None));
        }
        // An empty cell (Excel's trailing `,,`) names no column: the validator decides.
        header.push(cell.trim().to_string());
    }
    Ok(header)
}

/// The encoding a source is read in: the one decoded from, else UTF-8.
fn text_encoding(decoded: Option<&'static Encoding>) -> &'static Encoding {
    decoded.unwrap_or(encoding_rs::UTF_8)
}

impl<R: Read + Send> RowSource for CsvSource<R> {
    fn header(&self) -> &[String] {
        &self.header
    }

    fn bytes_read(&self) -> u64 {
        match &self.rows {
            Rows::Blocks { cutter, .. } => cutter.bytes_cut(),
            Rows::Stream(streamed) => streamed.reader.get_ref().offset() + self.skipped,
            Rows::Switching => self.skipped,
        }
    }

    fn header_line(&self) -> u64 {
        self.header_line
    }

    fn plain_delimiter(&self) -> Option<u8> {
        self.encoding.is_none().then_some(self.delimiter)
    }

    /// Room for a typical row up front, rather than growing the record field by field.
    fn blank_row(&self) -> Row {
        let fields = self.header.len() + 1;
        Row {
            record: Fields::with_capacity(fields * 32, fields),
            ..Row::default()
        }
    }

    // The hot path of CSV input: inlined into the chunk loop.
    #[inline]
    fn next_row(&mut self, row: &mut Row) -> Result<bool, ReadError> {
        if let Rows::Blocks {
            cutter,
            parsed,
            next,
        } = &mut self.rows
        {
            loop {
                if let Some(parsed_row) = parsed.get_mut(*next) {
                    // The caller's row goes into the block's rows, to be parsed into again.
                    std::mem::swap(row, parsed_row);
                    *next += 1;
                    return Ok(true);
                }
                match cut_next(cutter, ROW_BLOCK)? {
                    Cut::Block(block) => block.parse_into(parsed),
                    Cut::End => return Ok(false),
                    Cut::LongRecord => break,
                }
                *next = 0;
            }
            self.read_on_without_blocks();
        }
        let Rows::Stream(streamed) = &mut self.rows else {
            return Ok(false);
        };
        let Streamed { reader, record } = &mut **streamed;
        let line = reader.position().line();
        // Announced before it is read, so that a record spanning many lines costs the line
        // counter no memory for them (the reader holds at most BUFFER bytes unparsed).
        let next = reader.position().byte();
        reader.get_mut().start_record(next);
        if !reader
            .read_byte_record(record)
            .map_err(|e| io_error_at(e, line))?
        {
            return Ok(false);
        }
        row.record.set_from(record);
        let start = record.position().map_or(0, csv::Position::byte);
        row.line = reader.get_mut().line_at(start);
        row.byte = start + self.skipped;
        row.file = None;
        row.problems.clear();
        let end = reader.position().byte();
        self.note_malformed(row, start, end);
        Ok(true)
    }

    /// Plain UTF-8 is cut into blocks, once the rows of the block [`RowSource::next_row`] is
    /// in are all handed out.
    fn cuts_blocks(&self) -> bool {
        matches!(&self.rows, Rows::Blocks { parsed, next, .. } if *next >= parsed.len())
    }

    /// `None` at the end, and also when a record longer than [`crate::LONGEST_BLOCK`] comes:
    /// the source then reads on row by row ([`RowSource::cuts_blocks`] turns false).
    fn next_block(&mut self, size: usize) -> Result<Option<Block>, ReadError> {
        if !self.cuts_blocks() {
            return Ok(None);
        }
        let Rows::Blocks { cutter, .. } = &mut self.rows else {
            return Ok(None);
        };
        match cut_next(cutter, size)? {
            Cut::Block(block) => Ok(Some(block)),
            Cut::End => Ok(None),
            Cut::LongRecord => {
                self.read_on_without_blocks();
                Ok(None)
            }
        }
    }
}

impl<R: Read> CsvSource<R> {
    /// Goes on through the CSV reader from where the block cutter stopped: a record too long for
    /// a block is read once into its row, as the reader reads it, not held as a block too.
    fn read_on_without_blocks(&mut self) {
        let Rows::Blocks { cutter, .. } = std::mem::replace(&mut self.rows, Rows::Switching) else {
            return;
        };
        let (input, pending, line, byte) = cutter.into_parts();
        let text = TextReader::plain(input);
        let mut reader = csv_reader(text, pending, self.delimiter, line.saturating_sub(1));
        // The reader keeps a copy of its first record as the header, however long: given an
        // empty one (and asked for it once, which reads nothing), it keeps none.
        reader.set_byte_headers(csv::ByteRecord::new());
        let _ = reader.read_byte_record(&mut csv::ByteRecord::new());
        self.skipped = byte;
        self.rows = Rows::Stream(Box::new(Streamed {
            reader,
            record: csv::ByteRecord::new(),
        }));
    }
}

/// The CSV reader over `read` (bytes already read from `text`, then the rest of it), the way a
/// source reads rows: no header taken, any number of fields, `lines_before` lines above
/// `read`'s first byte.
fn csv_reader<R: Read>(
    text: TextReader<R>,
    read: Vec<u8>,
    delimiter: u8,
    lines_before: u64,
) -> csv::Reader<LineCounter<ReadAhead<TextReader<R>>>> {
    csv::ReaderBuilder::new()
        .buffer_capacity(BUFFER)
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(
            LineCounter::with_window(io::Cursor::new(read).chain(text), BUFFER as u64)
                .after_lines(lines_before),
        )
}

/// The cutter's next block of about `size` bytes; an error names the line it stopped on.
fn cut_next<R: Read>(cutter: &mut BlockCutter<R>, size: usize) -> Result<Cut, ReadError> {
    let line = cutter.line();
    cutter
        .next_block(size)
        .map_err(|error| ReadError::Io { line, error })
}

fn io_error_at(e: csv::Error, line: u64) -> ReadError {
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
    use crate::row_source::RowSource;

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
    fn utf16_is_read_by_its_byte_order_mark() {
        for (bom, little) in [(&b"\xFF\xFE"[..], true), (&b"\xFE\xFF"[..], false)] {
            let mut data = bom.to_vec();
            for unit in "a;b\r\nZo\u{eb};\u{1F600}\r\n".encode_utf16() {
                data.extend(if little {
                    unit.to_le_bytes()
                } else {
                    unit.to_be_bytes()
                });
            }
            let (source, rows) = rows(&data);
            assert_eq!(source.header(), ["a", "b"]);
            assert_eq!(&rows[0].record[1], "\u{1F600}".as_bytes());
            assert_eq!(rows[0].line, 2);
        }
    }

    /// Issue 9: a lone surrogate became the WTF-8 bytes ED A0 BD, "not valid UTF-8", and
    /// rejects.csv held them.
    #[test]
    fn a_malformed_sequence_marks_its_row_and_field() {
        let mut data = vec![0xFF, 0xFE];
        let mut units: Vec<u16> = "a,b\nok,1\nx".encode_utf16().collect();
        units.push(0xD83D); // half a surrogate pair
        units.extend("y,2\nlast,3\n".encode_utf16());
        data.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        let (_, rows) = rows(&data);
        assert_eq!(rows.len(), 3);
        assert!(rows[0].problems.is_empty());
        assert_eq!(&rows[1].record[0], "x\u{FFFD}y".as_bytes());
        assert_eq!(rows[1].problems.len(), 1);
        assert_eq!(rows[1].problems[0].column, Some(0));
        assert!(rows[1].problems[0].message.contains("not valid UTF-16LE"));
        assert!(rows[2].problems.is_empty());
    }

    #[test]
    fn header_problems_name_the_line_and_column() {
        let err = CsvSource::new(&b"\na,\x81\n"[..], CsvOptions::default())
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "line 2, column 2: the header cell is not valid UTF-8"
        );
        let err = CsvSource::new(&b"a,B\xfcro\n"[..], CsvOptions::default())
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "line 1, column 2: the header cell is not valid UTF-8 ('B\\xfcro' reads as 'Büro' \
             in windows-1252: if the file is Windows-1252, run again with --encoding windows-1252)"
        );
        let options = CsvOptions {
            encoding: Some(encoding_rs::SHIFT_JIS),
            ..CsvOptions::default()
        };
        let err = CsvSource::new(&b"a,\x81 b\n1,2\n"[..], options)
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "line 1, column 2: the header cell is not valid Shift_JIS"
        );
    }

    /// Issue 9: Excel's and LibreOffice's trailing empty header cells stopped the run.
    #[test]
    fn empty_header_cells_are_kept_empty_for_the_validator() {
        let (source, rows) = rows(b"a,,c,,\n1,,3,,\n");
        assert_eq!(source.header(), ["a", "", "c", "", ""]);
        assert_eq!(rows[0].record.len(), 5);
    }

    /// Issue 9: Excel's `sep=;` first line was read as the header.
    #[test]
    fn an_excel_separator_line_sets_the_delimiter() {
        let (source, crlf) = rows(b"\xEF\xBB\xBFsep=;\r\na,b;c\r\n1,2;3\r\n");
        assert_eq!(source.delimiter(), b';');
        assert_eq!(source.header(), ["a,b", "c"]);
        assert_eq!(source.header_line(), 2);
        assert_eq!(crlf[0].line, 3);
        let (_, rows) = rows(b"\xEF\xBB\xBFsep=;\na,b;c\n1,2;3\n");
        assert_eq!(
            (rows[0].line, rows[0].byte),
            (3, 15),
            "the offset in the file"
        );
        let given = CsvOptions {
            delimiter: Some(b','),
            ..CsvOptions::default()
        };
        let source = CsvSource::new(&b"sep=;\na,b;c\n"[..], given).unwrap();
        assert_eq!(source.header(), ["a", "b;c"], "a given delimiter wins");
    }

    #[test]
    fn title_lines_above_a_header_row_are_skipped() {
        let data = b"Contractors, \"March\r\n\r\nExported 2026-03-01\na;b\n1;2\n";
        let options = CsvOptions {
            header_row: Some(4),
            ..CsvOptions::default()
        };
        let mut source = CsvSource::new(&data[..], options).unwrap();
        assert_eq!(source.header(), ["a", "b"]);
        assert_eq!(
            source.delimiter(),
            b';',
            "sniffed from the header, not a title"
        );
        assert_eq!(source.header_line(), 4);
        let rows = source.read_chunk(10, 1 << 20).unwrap();
        assert_eq!((rows[0].line, rows[0].byte), (5, 47));
        let options = CsvOptions {
            header_row: Some(9),
            ..CsvOptions::default()
        };
        assert!(matches!(
            CsvSource::new(&data[..], options).err().unwrap(),
            ReadError::NoHeader
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
                ..CsvOptions::default()
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
