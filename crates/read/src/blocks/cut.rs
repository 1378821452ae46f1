//! Cutting the input at record boundaries, following the quoting as `csv_core` does.

use std::io::{self, Read};

use super::{count_lines, Block};

/// Reads delimited text and cuts it into [`Block`]s of whole records.
///
/// The input must start at a record's start (after the header): the cutter follows the quoting
/// from there. A `"` opens a quoted field only as a field's first byte (after a delimiter or
/// a line end); in a quoted field `""` is a quote and a lone `"` closes it; a line end outside
/// a quoted field ends a record. Blocks end after a line end (never between the two bytes of a
/// `\r\n`), so each one parses on its own. Memory: a block; a record longer than
/// [`LONGEST_BLOCK`] is not cut ([`Cut::LongRecord`]), so that its reader (the CSV reader,
/// [`BlockCutter::into_parts`]) holds it once rather than as a block and its parsed row.
pub struct BlockCutter<R> {
    input: R,
    /// Read, not yet cut. Starts at a record's start.
    pending: Vec<u8>,
    /// Offset in the file, and line, of `pending[0]`.
    byte: u64,
    line: u64,
    delimiter: u8,
    at_end: bool,
    scan: Scan,
}

/// The most bytes a block holds: past this with no record's end, the cutter stops
/// ([`Cut::LongRecord`]).
pub const LONGEST_BLOCK: usize = 8 << 20;

/// What [`BlockCutter::next_block`] gives.
#[derive(Debug)]
pub enum Cut {
    /// The next block.
    Block(Block),
    /// The end of the input.
    End,
    /// A record runs past [`LONGEST_BLOCK`] bytes: read the rest another way
    /// ([`BlockCutter::into_parts`]).
    LongRecord,
}

/// How far the quoting of `pending` has been followed.
#[derive(Debug, Default, Clone, Copy)]
struct Scan {
    /// Followed up to here.
    at: usize,
    /// Whether `at` is inside a quoted field.
    quoted: bool,
    /// The last place a block may end (after a record's line end), if any.
    cut: Option<usize>,
}

impl<R: Read> BlockCutter<R> {
    /// A cutter of `input`, whose first bytes were already read into `pending`; `pending[0]`
    /// is on 1-based line `line` and at offset `byte` of the file.
    pub fn new(input: R, pending: Vec<u8>, delimiter: u8, line: u64, byte: u64) -> BlockCutter<R> {
        BlockCutter {
            input,
            pending,
            byte,
            line,
            delimiter,
            at_end: false,
            scan: Scan::default(),
        }
    }

    /// Bytes of the file cut into blocks so far (from its start, as the `byte` given).
    pub fn bytes_cut(&self) -> u64 {
        self.byte
    }

    /// The line the next block starts on.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Reads on and cuts the next block: about `size` bytes of whole records (more when one
    /// record is longer, up to [`LONGEST_BLOCK`]), or the rest of the input.
    ///
    /// # Errors
    ///
    /// What reading the input gives.
    pub fn next_block(&mut self, size: usize) -> io::Result<Cut> {
        let size = size.clamp(1, LONGEST_BLOCK);
        if self.pending.len() < size {
            self.read_more(size - self.pending.len())?;
        }
        loop {
            if self.at_end {
                if self.pending.is_empty() {
                    return Ok(Cut::End);
                }
                return Ok(Cut::Block(self.take(self.pending.len())));
            }
            self.follow_quoting();
            if let Some(cut) = self.scan.cut {
                return Ok(Cut::Block(self.take(cut)));
            }
            if self.pending.len() >= LONGEST_BLOCK {
                return Ok(Cut::LongRecord);
            }
            // No record ends in what was read: read on, a quarter more each time (so that a
            // long record is followed in linear time), never past the longest block.
            let room = LONGEST_BLOCK - self.pending.len();
            self.read_more(size.max(self.pending.len() / 4).min(room))?;
        }
    }

    /// The input, the bytes read from it but not cut (from a record's start), and the line and
    /// file offset of their first byte: for reading on without blocks.
    pub fn into_parts(self) -> (R, Vec<u8>, u64, u64) {
        (self.input, self.pending, self.line, self.byte)
    }

    fn read_more(&mut self, wanted: usize) -> io::Result<()> {
        self.pending.reserve_exact(wanted);
        let got = (&mut self.input)
            .take(wanted as u64)
            .read_to_end(&mut self.pending)?;
        if got < wanted {
            self.at_end = true;
        }
        Ok(())
    }

    /// Cuts the first `cut` bytes of `pending` off as a block.
    fn take(&mut self, cut: usize) -> Block {
        let rest = self.pending.split_off(cut.min(self.pending.len()));
        let bytes = std::mem::replace(&mut self.pending, rest);
        let block = Block {
            line: self.line,
            byte: self.byte,
            delimiter: self.delimiter,
            file: None,
            bytes,
        };
        self.line += count_lines(&block.bytes, self.pending.first().copied());
        self.byte += block.bytes.len() as u64;
        self.scan = Scan::default();
        block
    }

    /// Follows the quoting from where it stopped to the end of `pending`, noting the last
    /// record end outside quotes.
    fn follow_quoting(&mut self) {
        let bytes = &self.pending[..];
        let Scan {
            mut at,
            mut quoted,
            mut cut,
        } = self.scan;
        while at < bytes.len() {
            let rest = bytes.get(at..).unwrap_or_default();
            if quoted {
                let Some(quote) = memchr::memchr(b'"', rest).map(|i| at + i) else {
                    at = bytes.len();
                    break;
                };
                match bytes.get(quote + 1) {
                    // Whether it closes the field is told by the byte after it: read more.
                    None => {
                        at = quote;
                        break;
                    }
                    Some(b'"') => at = quote + 2,
                    Some(_) => {
                        quoted = false;
                        at = quote + 1;
                    }
                }
            } else {
                let opening = self.opening_quote(at);
                let stretch_end = opening.unwrap_or(bytes.len());
                if let Some(end) = last_record_end(bytes, at, stretch_end) {
                    cut = Some(end);
                }
                match opening {
                    Some(quote) => {
                        quoted = true;
                        at = quote + 1;
                    }
                    None => at = bytes.len(),
                }
            }
        }
        self.scan = Scan { at, quoted, cut };
    }

    /// The first `"` from `from` on, outside quotes, that opens a quoted field: the first
    /// byte of `pending` (a record's start), or one after a delimiter or a line end. Others
    /// are text.
    fn opening_quote(&self, from: usize) -> Option<usize> {
        let bytes = &self.pending[..];
        let mut at = from;
        loop {
            let quote = at + memchr::memchr(b'"', bytes.get(at..)?)?;
            let opens = match quote.checked_sub(1).and_then(|before| bytes.get(before)) {
                None => true,
                Some(&before) => before == self.delimiter || before == b'\n' || before == b'\r',
            };
            if opens {
                return Some(quote);
            }
            at = quote + 1;
        }
    }
}

/// Where the last record that ends within `bytes[from..to]` (outside quotes) ends: after its
/// `\n`, or after a lone `\r`. A `\r` last in `bytes` may be the first half of a `\r\n`, so
/// no block ends there.
fn last_record_end(bytes: &[u8], from: usize, to: usize) -> Option<usize> {
    let mut to = to;
    loop {
        let end = from + memchr::memrchr2(b'\n', b'\r', bytes.get(from..to)?)?;
        match (bytes.get(end), bytes.get(end + 1)) {
            (Some(b'\n'), _) => return Some(end + 1),
            (_, Some(b'\n')) => return Some(end + 2),
            (_, Some(_)) => return Some(end + 1),
            (_, None) => to = end,
        }
    }
}
