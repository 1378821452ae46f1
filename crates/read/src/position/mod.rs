//! Positions in text: where lines break, and the line (and column) of a byte offset.
//!
//! Three readers number what they read, and this module is how: the CSV reader numbers each
//! row by the physical line it starts on ([`LineCounter`]), the XML layer gives every event a
//! line and a column ([`PositionReader`]), and the NERM reader gives each element the line of
//! its `{` ([`LineStarts::pass`]). All three find line breaks with [`LineBreaks`], the one
//! place that says what ends a line:
//!
//! - [`LineEnds::Any`]: `\n`, `\r\n` and a lone `\r` (as spreadsheets, editors, CSV and XML
//!   count them), a `\r\n` split between two reads still one break;
//! - [`LineEnds::Newline`]: `\n` only, as serde_json counts lines in its error positions, so
//!   that a NERM record's line agrees with the line of an error in it.
//!
//! Lines and columns are 1-based; a column counts bytes from the line's start. Offsets are
//! 0-based bytes of what the tracker was given.
//!
//! Two stores answer two questions. [`LineStarts`] keeps where the lines ahead of the parser
//! start, for the line and column of any offset (XML errors point inside tags). [`LineCounter`]
//! keeps runs of adjacent breaks, for the line of a CSV record, which the CSV parser reports as
//! starting where the previous one ended, before any blank lines: it skips over breaks, and a
//! million blank lines cost it one entry (issue 5).

mod line_counter;
mod line_starts;

pub use line_counter::LineCounter;
pub(crate) use line_starts::{LineStarts, PositionReader};

/// Which bytes end a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineEnds {
    /// `\n`, `\r\n` and a lone `\r`.
    Any,
    /// `\n` only (serde_json's count).
    Newline,
}

/// A line break found by [`LineBreaks::scan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Break {
    /// The line ends with the byte at this offset (`\n` or `\r`); the next starts after it.
    End(u64),
    /// The `\n` at this offset completes a `\r\n` whose `\r` was the [`Break::End`] just before
    /// (perhaps found in an earlier piece): the next line starts after the `\n` instead.
    CrLf(u64),
}

/// Finds the line breaks of a text handed over in pieces, in order.
#[derive(Debug, Clone)]
pub(crate) struct LineBreaks {
    ends: LineEnds,
    /// Offset of the next byte to scan.
    offset: u64,
    /// Whether the last byte scanned was `\r`, so that a `\n` starting the next piece completes
    /// its break.
    after_cr: bool,
}

impl LineBreaks {
    /// A scanner at offset 0.
    pub(crate) fn new(ends: LineEnds) -> LineBreaks {
        LineBreaks {
            ends,
            offset: 0,
            after_cr: false,
        }
    }

    /// The offset of the next byte to scan: how many were scanned or skipped.
    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    /// Goes on at `offset`, the bytes before it passed over unscanned.
    pub(crate) fn skip_to(&mut self, offset: u64) {
        self.offset = offset;
        self.after_cr = false;
    }

    /// Calls `found` with each line break in `bytes`, the piece of text after those scanned.
    #[inline]
    pub(crate) fn scan(&mut self, bytes: &[u8], mut found: impl FnMut(Break)) {
        let offset = self.offset;
        match self.ends {
            LineEnds::Newline => {
                if let [byte] = bytes {
                    // serde_json reads one byte at a time: no search for one byte.
                    if *byte == b'\n' {
                        found(Break::End(offset));
                    }
                } else {
                    for i in memchr::memchr_iter(b'\n', bytes) {
                        found(Break::End(offset + i as u64));
                    }
                }
            }
            LineEnds::Any => {
                for i in memchr::memchr2_iter(b'\r', b'\n', bytes) {
                    let at = offset + i as u64;
                    let follows_cr = match i.checked_sub(1) {
                        Some(before) => bytes.get(before) == Some(&b'\r'),
                        None => self.after_cr,
                    };
                    if bytes.get(i) == Some(&b'\n') && follows_cr {
                        found(Break::CrLf(at));
                    } else {
                        found(Break::End(at));
                    }
                }
                if let Some(&last) = bytes.last() {
                    self.after_cr = last == b'\r';
                }
            }
        }
        self.offset += bytes.len() as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaks(ends: LineEnds, pieces: &[&[u8]]) -> Vec<Break> {
        let mut scanner = LineBreaks::new(ends);
        let mut found = Vec::new();
        for piece in pieces {
            scanner.scan(piece, |b| found.push(b));
        }
        found
    }

    #[test]
    fn any_line_end_counts_and_a_split_crlf_is_one_break() {
        assert_eq!(
            breaks(LineEnds::Any, &[b"a\nb\r", b"\nc\r\rd\r\n"]),
            [
                Break::End(1),
                Break::End(3),
                Break::CrLf(4),
                Break::End(6),
                Break::End(7),
                Break::End(9),
                Break::CrLf(10)
            ]
        );
    }

    #[test]
    fn newline_only_counts_newlines() {
        assert_eq!(
            breaks(LineEnds::Newline, &[b"a\r\n", b"\r", b"\n", b"b\n\n"]),
            [Break::End(2), Break::End(4), Break::End(6), Break::End(7)]
        );
    }
}
