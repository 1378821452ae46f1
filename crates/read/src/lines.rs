//! Line numbers from byte offsets.
//!
//! ```
//! use std::io::Read;
//! use nebulk_read::LineCounter;
//! let mut counter = LineCounter::new(&b"a\r\nb\n\nc"[..]);
//! let mut all = Vec::new();
//! counter.read_to_end(&mut all).unwrap();
//! assert_eq!(counter.line_at(3), 2, "after a CRLF");
//! assert_eq!(counter.line_at(6), 4, "a blank line is skipped over");
//! ```

use std::collections::VecDeque;
use std::io::{self, Read};

/// A reader that notes where line breaks are as bytes pass through, so that the line a record
/// starts on can be told from its byte offset (for parsers that report byte offsets only). `\n`, `\r\n` and a lone `\r` each end a line.
///
/// Breaks are dropped once a record past them is numbered, so memory stays bounded by what the
/// CSV parser has buffered but not yet returned.
pub struct LineCounter<R> {
    inner: R,
    /// Offset of the next byte to be read from `inner`.
    offset: u64,
    /// Line breaks not yet passed by [`LineCounter::line_at`], as runs of adjacent breaks (blank
    /// lines): ten million empty lines are one run, not ten million entries.
    breaks: VecDeque<Run>,
    /// Line breaks already passed.
    passed: u64,
    /// Whether the last byte read was `\r`, so that a following `\n` is the same break.
    after_cr: bool,
}

impl<R> LineCounter<R> {
    /// Bytes read through so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The wrapped reader.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// Wraps a reader.
    pub fn new(inner: R) -> LineCounter<R> {
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
    pub fn line_at(&mut self, offset: u64) -> u64 {
        let mut cursor = offset;
        while let Some(&run) = self.breaks.front() {
            if run.start > cursor {
                break;
            }
            // A break before the cursor is passed; one at (or straddling) it is skipped over,
            // and so is the rest of its run, each break of which starts where the last ends.
            cursor = cursor.max(run.end());
            self.breaks.pop_front();
            self.passed += u64::from(run.count);
        }
        self.passed + 1
    }
}

/// Adjacent line breaks: `count` of them in the `len` bytes from `start`.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: u64,
    len: u32,
    count: u32,
}

impl Run {
    /// The most breaks in one run, so that its length (at most two bytes a break) fits a u32.
    const MAX_COUNT: u32 = u32::MAX / 2;

    /// The offset just past the run.
    fn end(self) -> u64 {
        self.start + u64::from(self.len)
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
            let last = self.breaks.back_mut().filter(|run| run.end() == at);
            match last {
                // The `\n` of a `\r\n` belongs to the break noted at the `\r`.
                Some(run) if bytes[i] == b'\n' && follows_cr => run.len += 1,
                Some(run) if run.count < Run::MAX_COUNT => {
                    run.len += 1;
                    run.count += 1;
                }
                _ => self.breaks.push_back(Run {
                    start: at,
                    len: 1,
                    count: 1,
                }),
            }
        }
        if let Some(last) = bytes.last() {
            self.after_cr = *last == b'\r';
        }
        self.offset += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 5, testdata/bad/csv-10m-empty-lines: blank lines used to cost 16 bytes each
    /// until the next record was numbered.
    #[test]
    fn a_run_of_blank_lines_is_one_entry() {
        let mut data = b"a\n".to_vec();
        data.extend(std::iter::repeat_n(b'\n', 100_000));
        data.extend_from_slice(b"\r\n\r\r\nb\n");
        let mut counter = LineCounter::new(io::Cursor::new(data));
        let mut buf = [0u8; 7];
        while counter.read(&mut buf).unwrap() > 0 {}
        assert_eq!(counter.breaks.len(), 2, "{:?}", counter.breaks);
        assert_eq!(counter.line_at(0), 1);
        assert_eq!(counter.line_at(1), 100_005);
        assert_eq!(counter.line_at(100_008), 100_006, "past the last break");
    }

    #[test]
    fn crlf_split_across_reads_is_one_break() {
        let mut counter = LineCounter::new(io::Cursor::new(b"a\r\nb\r\nc".to_vec()));
        let mut buf = [0u8; 2];
        while counter.read(&mut buf).unwrap() > 0 {}
        assert_eq!(counter.line_at(3), 2);
        assert_eq!(counter.line_at(6), 3);
    }
}
