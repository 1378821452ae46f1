//! Where lines start, for the line and column of an offset: XML events and NERM elements.

use std::collections::VecDeque;
use std::io::{self, BufRead, Read};

use super::{Break, LineBreaks, LineEnds};

/// The starts of lines, for the line and column of offsets asked for in increasing order.
///
/// A reader that scans ahead of its parser (a buffer's worth, [`LineStarts::scan`]) keeps the
/// starts of the lines ahead until an offset at or past them is located; one whose parser is
/// never behind it ([`LineStarts::pass`]) keeps only the current line.
#[derive(Debug, Clone)]
pub(crate) struct LineStarts {
    breaks: LineBreaks,
    /// Starts of the lines scanned and not yet passed.
    ahead: VecDeque<u64>,
    /// The line passed last: its number and the offset of its start.
    line: u64,
    line_start: u64,
}

impl LineStarts {
    /// Nothing scanned yet: line 1 starts at offset 0.
    pub(crate) fn new(ends: LineEnds) -> LineStarts {
        LineStarts {
            breaks: LineBreaks::new(ends),
            ahead: VecDeque::new(),
            line: 1,
            line_start: 0,
        }
    }

    /// The offset of the next byte to scan.
    pub(crate) fn scanned(&self) -> u64 {
        self.breaks.offset()
    }

    /// Goes on scanning at `offset`, the bytes before it passed over unscanned.
    pub(crate) fn skip_to(&mut self, offset: u64) {
        self.breaks.skip_to(offset);
    }

    /// Counts columns of the first line from `offset` (after a byte order mark).
    pub(crate) fn first_line_starts_at(&mut self, offset: u64) {
        self.line_start = offset;
    }

    /// Notes the lines that start in `bytes`, which follow the bytes scanned so far.
    #[inline]
    pub(crate) fn scan(&mut self, bytes: &[u8]) {
        let LineStarts {
            breaks,
            ahead,
            line_start,
            ..
        } = self;
        breaks.scan(bytes, |found| match found {
            Break::End(at) => ahead.push_back(at + 1),
            // The line starts after the `\n`, not after the `\r`.
            Break::CrLf(at) => match ahead.back_mut() {
                Some(last) if *last == at => *last = at + 1,
                _ if *line_start == at => *line_start = at + 1,
                _ => {}
            },
        });
    }

    /// Notes `bytes`, which follow the bytes scanned so far, as scanned and passed: for a
    /// reader whose parser has read everything it scanned.
    #[inline]
    pub(crate) fn pass(&mut self, bytes: &[u8]) {
        let LineStarts {
            breaks,
            line,
            line_start,
            ..
        } = self;
        breaks.scan(bytes, |found| match found {
            Break::End(at) => {
                *line += 1;
                *line_start = at + 1;
            }
            Break::CrLf(at) => {
                if *line_start == at {
                    *line_start = at + 1;
                }
            }
        });
    }

    /// The line passed last.
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// Bytes passed since the line passed last started.
    pub(crate) fn column(&self) -> u64 {
        self.scanned().saturating_sub(self.line_start)
    }

    /// The line and 1-based byte column of `offset`. Offsets must not decrease between calls
    /// (a smaller one gets the current line, column 1); lines before it are forgotten.
    #[inline]
    pub(crate) fn locate(&mut self, offset: u64) -> (u64, u64) {
        while let Some(&start) = self.ahead.front() {
            if start > offset {
                break;
            }
            self.ahead.pop_front();
            self.line += 1;
            self.line_start = start;
        }
        (self.line, offset.saturating_sub(self.line_start) + 1)
    }
}

/// A [`BufRead`] that notes where lines start as its buffer fills, so that the line and column
/// of any offset the parser has not yet passed can be told ([`PositionReader::locate`]).
pub(crate) struct PositionReader<R> {
    inner: R,
    /// Bytes consumed from `inner`.
    consumed: u64,
    lines: LineStarts,
}

impl<R> PositionReader<R> {
    /// Wraps `inner`; lines end as [`LineEnds::Any`] says.
    pub(crate) fn new(inner: R) -> PositionReader<R> {
        PositionReader {
            inner,
            consumed: 0,
            lines: LineStarts::new(LineEnds::Any),
        }
    }

    /// Line and 1-based byte column of `offset` (see [`LineStarts::locate`]).
    #[inline]
    pub(crate) fn locate(&mut self, offset: u64) -> (u64, u64) {
        self.lines.locate(offset)
    }

    /// Counts columns of the first line from `offset` (after a byte order mark).
    pub(crate) fn first_line_starts_at(&mut self, offset: u64) {
        self.lines.first_line_starts_at(offset);
    }

    /// Numbers the first line `line`: for input that starts at a line of a larger document.
    pub(crate) fn first_line_is(&mut self, line: u64) {
        self.lines.line = line;
    }
}

impl<R: BufRead> Read for PositionReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let available = self.fill_buf()?;
            let n = available.len().min(out.len());
            if let (Some(to), Some(from)) = (out.get_mut(..n), available.get(..n)) {
                to.copy_from_slice(from);
            }
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for PositionReader<R> {
    // Called several times per event by the XML parser: inlined.
    #[inline]
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let buf = self.inner.fill_buf()?;
        if self.lines.scanned() < self.consumed {
            self.lines.skip_to(self.consumed);
        }
        let end = self.consumed + buf.len() as u64;
        if end > self.lines.scanned() {
            let from = usize::try_from(self.lines.scanned() - self.consumed).unwrap_or(usize::MAX);
            self.lines.scan(buf.get(from..).unwrap_or_default());
        }
        Ok(buf)
    }

    #[inline]
    fn consume(&mut self, amt: usize) {
        self.inner.consume(amt);
        self.consumed += amt as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_of_offsets_ahead() {
        let mut lines = LineStarts::new(LineEnds::Any);
        lines.scan(b"ab\r");
        lines.scan(b"\ncd\n\nef\rg");
        assert_eq!(lines.locate(1), (1, 2));
        assert_eq!(lines.locate(2), (1, 3), "the \\r of a \\r\\n ends line 1");
        assert_eq!(lines.locate(4), (2, 1), "line 2 starts after the \\n");
        assert_eq!(lines.locate(7), (3, 1));
        assert_eq!(lines.locate(10), (4, 3));
        assert_eq!(lines.locate(11), (5, 1));
    }

    #[test]
    fn passing_keeps_only_the_current_line() {
        let mut lines = LineStarts::new(LineEnds::Newline);
        for byte in b"a\r\nb\rc\n\n{" {
            lines.pass(std::slice::from_ref(byte));
        }
        assert_eq!(lines.line(), 4);
        assert!(lines.ahead.is_empty());
        assert_eq!(lines.scanned(), 9);
    }

    #[test]
    fn a_crlf_split_across_fills_starts_its_line_after_the_newline() {
        let text = b"a\r\nb\r\nc";
        let mut reader = PositionReader::new(io::BufReader::with_capacity(2, &text[..]));
        let mut all = Vec::new();
        reader.read_to_end(&mut all).unwrap();
        assert_eq!(reader.locate(3), (2, 1));
        assert_eq!(reader.locate(6), (3, 1));
    }
}
