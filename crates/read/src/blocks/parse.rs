//! A block into rows: records written the usual way (quoted fields closed before a delimiter or
//! the line end, no stray `"` or `\r`) are read here with memchr; every other record is read
//! by `csv_core`, as `csv::Reader` reads it.

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

use super::specials::Specials;
use super::{count_lines, Block};
use crate::fields::{Fields, Span};
use crate::row::Row;

impl Block {
    /// Parses the block into `rows`, replacing what they held and reusing their allocations:
    /// on return `rows` holds exactly the block's rows, each with its line, byte offset and
    /// file. Blank lines are skipped (and counted); the last record may end without a line end.
    ///
    /// ```
    /// use nebulk_read::{BlockCutter, Cut, Row};
    /// let mut cutter = BlockCutter::new(&b"a;\"b\nc\"\r\n\r\nd;e"[..], Vec::new(), b';', 7, 0);
    /// let Cut::Block(block) = cutter.next_block(1 << 16).unwrap() else { panic!() };
    /// let mut rows = vec![Row::default(); 5];
    /// block.parse_into(&mut rows);
    /// assert_eq!(rows.len(), 2);
    /// assert_eq!((rows[0].line, &rows[0].record[1]), (7, &b"b\nc"[..]));
    /// assert_eq!((rows[1].line, rows[1].byte, &rows[1].record[1]), (10, 11, &b"e"[..]));
    /// ```
    pub fn parse_into(&self, rows: &mut Vec<Row>) {
        let bytes = &self.bytes[..];
        let mut quoted = QuotedRecords::new(self.delimiter);
        let mut unescaped = Vec::new();
        let mut specials = Specials::new(bytes, self.delimiter);
        // A lone `\r` ends a record where a `\n` search does not look: such a block is read
        // by csv_core throughout.
        let lone_return =
            memchr::memchr_iter(b'\r', bytes).any(|at| bytes.get(at + 1) != Some(&b'\n'));
        let (mut at, mut line, mut filled) = (0, self.line, 0);
        loop {
            // Blank lines, which the CSV reader skips too, each a line further.
            let tail = bytes.get(at..).unwrap_or_default();
            let blank = tail
                .iter()
                .position(|b| !matches!(b, b'\r' | b'\n'))
                .unwrap_or(tail.len());
            line += count_lines(tail.get(..blank).unwrap_or(tail), tail.get(blank).copied());
            at += blank;
            let Some(rest) = bytes.get(at..).filter(|rest| !rest.is_empty()) else {
                break;
            };
            if filled == rows.len() {
                // Room for a typical row, rather than growing field by field.
                rows.push(Row {
                    record: Fields::with_capacity(512, 32),
                    ..Row::default()
                });
            }
            let Some(row) = rows.get_mut(filled) else {
                break;
            };
            filled += 1;
            row.line = line;
            row.byte = self.byte + at as u64;
            row.file.clone_from(&self.file);
            row.problems.clear();
            let simple = if lone_return {
                None
            } else {
                simple_record(bytes, at, &mut specials, &mut row.record, &mut unescaped)
            };
            let Simple { used, spans_lines } = simple.unwrap_or_else(|| Simple {
                used: quoted.read(rest, &mut row.record),
                spans_lines: true,
            });
            line += if spans_lines {
                count_lines(rest.get(..used).unwrap_or(rest), rest.get(used).copied())
            } else {
                1
            };
            at += used;
        }
        rows.truncate(filled);
    }
}

/// A record [`simple_record`] read.
struct Simple {
    /// The bytes it took, its line end included.
    used: usize,
    /// Whether it may span lines (a quoted field may hold a line end); otherwise it is one
    /// line.
    spans_lines: bool,
}

/// Reads the record at `start` of `input` into `record` when it is written the usual way:
/// unquoted fields without `"`, quoted fields closed right before a delimiter or the line end,
/// a `\n` or `\r\n` line end (or none, at the end of the input). Gives `None` for anything
/// else (a `"` inside an unquoted field, text after a closing quote, an unclosed quote), which
/// `csv_core` reads. The caller sees to it that `input` has no lone `\r`. `unescaped` is room
/// for a field with `""`. The places of the delimiters, line ends and quotes come from
/// `specials`, so that a field costs a step, not a search.
fn simple_record(
    input: &[u8],
    start: usize,
    specials: &mut Specials<'_>,
    record: &mut Fields,
    unescaped: &mut Vec<u8>,
) -> Option<Simple> {
    let delimiter = specials.delimiter();
    record.clear();
    unescaped.clear();
    let (bytes, spans) = record.parts_mut();
    // Spans are first noted from `start` (those of fields with `""`, from the start of
    // `unescaped`, marked by `escaped`); the record's text is copied once at the end.
    let mut escaped_fields = 0u64;
    let mut at = start;
    let mut spans_lines = false;
    loop {
        let quoted = input.get(at) == Some(&b'"');
        let (end, span) = if quoted {
            spans_lines = true;
            let close = closing_quote(specials, input, at, unescaped)?;
            let span = match close.unescaped {
                Some(text) => {
                    escaped_fields |= 1 << spans.len().min(63);
                    text
                }
                None => Span {
                    start: at + 1 - start,
                    end: close.at - start,
                },
            };
            (close.at + 1, span)
        } else {
            let end = specials.next_from(at).unwrap_or(input.len());
            let span = Span {
                start: at - start,
                end: end - start,
            };
            (end, span)
        };
        let used = match input.get(end) {
            Some(&b) if b == delimiter => {
                spans.push(span);
                at = end + 1;
                continue;
            }
            None => {
                spans.push(span);
                end
            }
            Some(b'\n') => {
                // The `\r` of a `\r\n` is no part of an unquoted last field.
                let cr = !quoted && span.end > span.start && input.get(end - 1) == Some(&b'\r');
                spans.push(Span {
                    end: span.end - usize::from(cr),
                    ..span
                });
                end + 1
            }
            Some(b'\r') if quoted && input.get(end + 1) == Some(&b'\n') => {
                spans.push(span);
                end + 2
            }
            // A `"` inside an unquoted field; text after a closing quote.
            Some(_) => return None,
        };
        // A record of more than 64 fields with `""` past the 64th goes to csv_core, which
        // copies them one by one.
        if escaped_fields >> 63 != 0 {
            return None;
        }
        let text = input.get(start..end)?;
        bytes.extend_from_slice(text);
        if escaped_fields != 0 {
            bytes.extend_from_slice(unescaped);
            for (i, span) in spans.iter_mut().enumerate() {
                if escaped_fields & (1 << i.min(63)) != 0 {
                    span.start += text.len();
                    span.end += text.len();
                }
            }
        }
        return Some(Simple {
            used: used - start,
            spans_lines,
        });
    }
}

/// The closing quote of a quoted field.
struct Close {
    at: usize,
    /// Where the field's text is in `unescaped`, when it has `""`.
    unescaped: Option<Span>,
}

/// Finds the quote that closes the quoted field opening at `open`, taking the places
/// `specials` gives (delimiters and line ends inside the field are text); `None` when it is
/// not closed. A field with `""` has its text written at the end of `unescaped`.
fn closing_quote(
    specials: &mut Specials<'_>,
    input: &[u8],
    open: usize,
    unescaped: &mut Vec<u8>,
) -> Option<Close> {
    let mut from = open + 1;
    let mut escaped: Option<usize> = None;
    loop {
        let mut quote = specials.next_from(from)?;
        while input.get(quote) != Some(&b'"') {
            quote = specials.next_from(quote + 1)?;
        }
        if input.get(quote + 1) != Some(&b'"') {
            let unescaped = match escaped {
                Some(text_start) => {
                    unescaped.extend_from_slice(input.get(from..quote)?);
                    Some(Span {
                        start: text_start,
                        end: unescaped.len(),
                    })
                }
                None => None,
            };
            return Some(Close {
                at: quote,
                unescaped,
            });
        }
        escaped.get_or_insert(unescaped.len());
        // Up to and with the first quote of the pair: one quote of text.
        unescaped.extend_from_slice(input.get(from..=quote)?);
        from = quote + 2;
    }
}

/// `csv_core`, configured as the CSV reader is, reading one record at a time.
struct QuotedRecords {
    delimiter: u8,
    /// Made when the first record needs it (most blocks have none).
    reader: Option<Reader>,
    fields: Vec<u8>,
    ends: Vec<usize>,
}

impl QuotedRecords {
    fn new(delimiter: u8) -> QuotedRecords {
        QuotedRecords {
            delimiter,
            reader: None,
            fields: Vec::new(),
            ends: Vec::new(),
        }
    }

    /// A reader at the start of a record that does not take a byte order mark at its start
    /// for one (`csv_core` drops one before its very first read; the file's own was dropped
    /// long before, so one here is data): a blank line read first makes that read.
    fn fresh_reader(delimiter: u8) -> Reader {
        let mut reader = ReaderBuilder::new().delimiter(delimiter).build();
        let _ = reader.read_record(b"\n", &mut [], &mut []);
        reader
    }

    /// Reads the record at the start of `input` into `record`; gives the bytes it used.
    fn read(&mut self, input: &[u8], record: &mut Fields) -> usize {
        let delimiter = self.delimiter;
        let reader = self
            .reader
            .get_or_insert_with(|| QuotedRecords::fresh_reader(delimiter));
        if self.fields.len() < input.len().min(1 << 16) {
            self.fields.resize(input.len().min(1 << 16), 0);
        }
        if self.ends.is_empty() {
            self.ends.resize(64, 0);
        }
        let (mut used, mut written, mut ended) = (0, 0, 0);
        let mut at_end = false;
        loop {
            let rest = if at_end {
                &[][..]
            } else {
                input.get(used..).unwrap_or_default()
            };
            let (result, read, wrote, ends) = reader.read_record(
                rest,
                self.fields.get_mut(written..).unwrap_or_default(),
                self.ends.get_mut(ended..).unwrap_or_default(),
            );
            used += read;
            written += wrote;
            ended += ends;
            match result {
                ReadRecordResult::InputEmpty => at_end = used >= input.len(),
                ReadRecordResult::OutputFull => {
                    let grown = (self.fields.len() * 2).max(64);
                    self.fields.resize(grown, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                }
                ReadRecordResult::Record | ReadRecordResult::End => break,
            }
        }
        if at_end {
            // Told that the input ended, the reader is done: the next record needs a new one.
            self.reader = None;
        }
        record.clear();
        let (bytes, spans) = record.parts_mut();
        bytes.extend_from_slice(self.fields.get(..written).unwrap_or_default());
        let mut start = 0;
        for &end in self.ends.get(..ended).unwrap_or_default() {
            spans.push(Span { start, end });
            start = end;
        }
        used
    }
}
