//! The line a CSV record starts on, from its byte offset: [`LineCounter`].
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

use super::{Break, LineBreaks, LineEnds};

/// A reader that notes where line breaks are as bytes pass through, so that the line a record
/// starts on can be told from its byte offset (for parsers that report byte offsets only).
/// `\n`, `\r\n` and a lone `\r` each end a line.
///
/// Breaks are dropped once a record past them is numbered, and adjacent breaks (blank lines)
/// are kept as one run. A parser that announces each record before reading it
/// ([`LineCounter::start_record`]) and never holds more than a window of bytes read but not
/// parsed ([`LineCounter::with_window`]) gets memory bounded by that window, however many lines
/// a record spans: breaks further back than the window are counted and dropped as they go.
pub struct LineCounter<R> {
    inner: R,
    /// Finds the breaks as bytes pass; its offset is that of the next byte to be read.
    scanner: LineBreaks,
    /// Line breaks not yet passed by [`LineCounter::line_at`], as runs of adjacent breaks (blank
    /// lines): ten million empty lines are one run, not ten million entries.
    breaks: VecDeque<Run>,
    /// Line breaks already passed.
    passed: u64,
    /// How far behind `offset` the parser may be, when known.
    window: Option<u64>,
    /// The record announced by [`LineCounter::start_record`].
    record: Option<Announced>,
}

/// A record announced before it is read.
#[derive(Debug, Clone, Copy)]
struct Announced {
    /// The offset given.
    offset: u64,
    /// Where the search for its first byte that is not a line break has got to.
    cursor: u64,
    /// Its line, once that byte has been read.
    line: Option<u64>,
}

impl<R> LineCounter<R> {
    /// Bytes read through so far.
    pub fn offset(&self) -> u64 {
        self.scanner.offset()
    }

    /// The wrapped reader.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// Wraps a reader.
    pub fn new(inner: R) -> LineCounter<R> {
        LineCounter {
            inner,
            scanner: LineBreaks::new(LineEnds::Any),
            breaks: VecDeque::new(),
            passed: 0,
            window: None,
            record: None,
        }
    }

    /// Wraps a reader for a parser that never holds more than `window` bytes read through
    /// this counter but not yet parsed (a CSV reader's buffer): with records announced by
    /// [`LineCounter::start_record`], breaks further back are counted and dropped as they
    /// pass, so a record spanning millions of lines costs no memory for them.
    ///
    /// ```
    /// use std::io::Read;
    /// use nebulk_read::LineCounter;
    /// let mut data = b"h\n\n\"".to_vec();
    /// data.extend(b"x\n".repeat(1000));
    /// data.extend(b"\"\nnext\n");
    /// let mut counter = LineCounter::with_window(&data[..], 16);
    /// counter.start_record(2);
    /// let mut buf = [0u8; 8];
    /// while counter.read(&mut buf).unwrap() > 0 {} // the parser reads the record
    /// assert_eq!(counter.line_at(2), 3, "after the blank line");
    /// counter.start_record(data.len() as u64 - 5);
    /// assert_eq!(counter.line_at(data.len() as u64 - 5), 1004);
    /// ```
    pub fn with_window(inner: R, window: u64) -> LineCounter<R> {
        LineCounter {
            window: Some(window),
            ..LineCounter::new(inner)
        }
    }

    /// Counts `lines` lines as passed before the first byte read: for a reader whose input
    /// starts below lines skipped already (title lines above a header).
    ///
    /// ```
    /// use std::io::Read;
    /// let mut counter = nebulk_read::LineCounter::new(&b"a\nb"[..]).after_lines(3);
    /// counter.read_to_end(&mut Vec::new()).unwrap();
    /// assert_eq!(counter.line_at(2), 5);
    /// ```
    #[must_use]
    pub fn after_lines(mut self, lines: u64) -> LineCounter<R> {
        self.passed += lines;
        self
    }

    /// Announces that the next record starts at `offset` (at the first byte there or after it
    /// that is not a line break), before it is read; [`LineCounter::line_at`] with the same
    /// offset then gives its line. Offsets must not decrease between calls.
    pub fn start_record(&mut self, offset: u64) {
        self.record = Some(Announced {
            offset,
            cursor: offset,
            line: None,
        });
        self.resolve();
    }

    /// The 1-based line of the first byte at or after `offset` that is not a line break: the
    /// CSV parser reports a record as starting where the previous one ended, before any blank
    /// lines it skipped. Offsets must not decrease between calls.
    pub fn line_at(&mut self, offset: u64) -> u64 {
        if let Some(Announced {
            offset: announced,
            line: Some(line),
            ..
        }) = self.record
        {
            if announced == offset {
                return line;
            }
        }
        let mut cursor = offset;
        self.pass(&mut cursor);
        self.passed + 1
    }

    /// Passes the breaks before `cursor`, and those at it, moving it past them.
    fn pass(&mut self, cursor: &mut u64) {
        while let Some(&run) = self.breaks.front() {
            if run.start > *cursor {
                break;
            }
            // A break before the cursor is passed; one at (or straddling) it is skipped over,
            // and so is the rest of its run, each break of which starts where the last ends.
            *cursor = (*cursor).max(run.end());
            self.breaks.pop_front();
            self.passed += u64::from(run.count);
        }
    }

    /// Finds the line of the announced record once its first byte has been read; then, with a
    /// window, drops the breaks too far back to matter (the next record starts after them).
    fn resolve(&mut self) {
        if let Some(mut record) = self.record.filter(|r| r.line.is_none()) {
            self.pass(&mut record.cursor);
            if record.cursor < self.offset() {
                // A byte at the cursor was read, and it is no break.
                record.line = Some(self.passed + 1);
            }
            self.record = Some(record);
        }
        let (Some(window), Some(Announced { line: Some(_), .. })) = (self.window, self.record)
        else {
            return;
        };
        let behind = self.offset().saturating_sub(window);
        while let Some(&run) = self.breaks.front() {
            if run.end() >= behind {
                break;
            }
            self.breaks.pop_front();
            self.passed += u64::from(run.count);
        }
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
        let runs = &mut self.breaks;
        self.scanner
            .scan(buf.get(..n).unwrap_or_default(), |found| match found {
                Break::CrLf(at) => {
                    // The `\n` of a `\r\n` belongs to the break noted at the `\r` (passed
                    // already when that run is gone).
                    if let Some(run) = runs.back_mut().filter(|run| run.end() == at) {
                        run.len += 1;
                    }
                }
                Break::End(at) => match runs.back_mut().filter(|run| run.end() == at) {
                    Some(run) if run.count < Run::MAX_COUNT => {
                        run.len += 1;
                        run.count += 1;
                    }
                    _ => runs.push_back(Run {
                        start: at,
                        len: 1,
                        count: 1,
                    }),
                },
            });
        self.resolve();
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

    /// Issue 5, testdata/bad/csv-field-of-10m-lines: the breaks inside one long record were
    /// all kept until the next record was numbered (16 bytes a line).
    #[test]
    fn a_window_bounds_the_breaks_kept_inside_a_long_record() {
        let mut data = b"h\n\r\n\"".to_vec();
        data.extend(b"x\r\n".repeat(100_000));
        data.extend(b"\"\r\r\nnext\n");
        let second = data.len() as u64 - 5;
        let mut counter = LineCounter::with_window(io::Cursor::new(data), 64);
        counter.start_record(2);
        let mut buf = [0u8; 7];
        let mut most = 0;
        while counter.read(&mut buf).unwrap() > 0 {
            most = most.max(counter.breaks.len());
        }
        assert!(most < 40, "{most} runs kept");
        assert_eq!(counter.line_at(2), 3);
        counter.start_record(second - 3);
        assert_eq!(counter.line_at(second - 3), 100_005);
    }

    /// The line of a record whose blank lines run past the bytes read so far is found once
    /// the rest arrives.
    #[test]
    fn an_announced_record_after_blank_lines_not_yet_read() {
        let mut counter = LineCounter::with_window(io::Cursor::new(b"a\n\r\r\n\nb\n".to_vec()), 1);
        let mut buf = [0u8; 3];
        assert_eq!(counter.read(&mut buf).unwrap(), 3); // "a\n\r"
        counter.start_record(1);
        while counter.read(&mut buf).unwrap() > 0 {}
        assert_eq!(counter.line_at(1), 5);
    }

    #[test]
    fn a_crlf_after_the_longest_run_is_still_one_break() {
        let mut counter = LineCounter::new(io::Cursor::new(b"\r\nb".to_vec()));
        let mut buf = [0u8; 1];
        assert_eq!(counter.read(&mut buf).unwrap(), 1);
        counter.breaks[0].count = Run::MAX_COUNT;
        while counter.read(&mut buf).unwrap() > 0 {}
        assert_eq!(counter.breaks.len(), 1);
        assert_eq!(counter.line_at(0), u64::from(Run::MAX_COUNT) + 1);
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
