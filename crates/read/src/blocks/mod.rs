//! CSV cut into blocks of whole records, parsed on any thread: how a large UTF-8 file is read
//! in parallel.
//!
//! A [`BlockCutter`] reads the input in large pieces and cuts each at a record boundary, which
//! it finds by following the quoting exactly as `csv_core` does (a `"` opens a quoted field
//! only at the start of a field; inside one, `""` is a quote and a lone `"` closes it), so that
//! a newline inside a quoted field is never taken for a record's end. It counts the physical
//! lines of each [`Block`], so that every block knows the line and byte offset it starts at.
//!
//! [`Block::parse_into`] then turns a block into rows on whatever thread holds it. A line
//! without a `"` and without a carriage return before its end is split at the delimiter
//! directly (the common case, at memchr speed); any other record is read by `csv_core`, so the
//! rows are those `csv::Reader` gives for the whole file, field for field, line for line.
//!
//! ```
//! use nebulk_read::{BlockCutter, Cut, Row};
//! let data = b"ann,\"two\nlines\"\r\nbob,x\n\ncy,\"a \"\"quote\"\"\"\n";
//! let mut cutter = BlockCutter::new(&data[..], Vec::new(), b',', 2, 10);
//! let mut rows: Vec<Row> = Vec::new();
//! let mut seen = Vec::new();
//! while let Cut::Block(block) = cutter.next_block(8).unwrap() {
//!     block.parse_into(&mut rows);
//!     seen.extend(rows.iter().map(|r| (r.line, r.byte, r.record.iter().map(|f| f.to_vec()).collect::<Vec<_>>())));
//! }
//! assert_eq!(seen[0], (2, 10, vec![b"ann".to_vec(), b"two\nlines".to_vec()]));
//! assert_eq!(seen[1], (4, 27, vec![b"bob".to_vec(), b"x".to_vec()]));
//! assert_eq!(seen[2].0, 6, "the blank line is skipped but counted");
//! assert_eq!(seen[2].2[1], b"a \"quote\"");
//! ```

mod cut;
mod parse;
mod reread;
mod specials;
#[cfg(test)]
mod tests;

use std::sync::Arc;

pub use cut::{BlockCutter, Cut, LONGEST_BLOCK};
pub use reread::read_records_at;
pub use specials::byte_mask;

/// Whole records of a delimited file, with where they start: parse them with
/// [`Block::parse_into`] on any thread.
#[derive(Debug, Clone, Default)]
pub struct Block {
    /// The records' bytes: the block starts at a record's start (or blank lines before one)
    /// and ends after a record's line end, or at the end of the input.
    bytes: Vec<u8>,
    /// The 1-based physical line of the first byte.
    line: u64,
    /// The offset of the first byte in the file.
    byte: u64,
    delimiter: u8,
    /// The file the block comes from, when the input is several files.
    file: Option<Arc<str>>,
}

impl Block {
    /// The block's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The line of its first byte.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Names the file its rows come from ([`crate::Row::file`]).
    pub fn set_file(&mut self, file: Arc<str>) {
        self.file = Some(file);
    }
}

/// The physical lines that end within `bytes` (a `\n`, a `\r\n` or a lone `\r` each end one),
/// where `next` is the byte after them, if known: a `\r` last in `bytes` ends a line unless
/// `next` is a `\n` (which then ends it).
pub(crate) fn count_lines(bytes: &[u8], next: Option<u8>) -> u64 {
    let newlines = memchr::memchr_iter(b'\n', bytes).count() as u64;
    let lone_returns = memchr::memchr_iter(b'\r', bytes)
        .filter(|&at| bytes.get(at + 1).copied().or(next) != Some(b'\n'))
        .count() as u64;
    newlines + lone_returns
}
