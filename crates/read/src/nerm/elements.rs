//! The page's array read in blocks: each element found by the scanner and parsed by serde_json
//! from its slice, instead of a byte at a time from the page.
//!
//! serde_json has read the page up to the array's `[` when [`read_elements`] starts. It takes
//! element after element while all is plain: an object the scanner can end and serde_json
//! parses from its slice, followed by `,` and the next `{`, or by the closing `]`. It stops
//! before the `]` (serde_json reads it and goes on with the page), or before an element that
//! is not plain: serde_json then reads the rest of the array from that element, as if it were
//! the first, and reports any error in it at the same place and in the same words as if it had
//! read the whole page. Only the line and column serde_json counts miss the bytes taken, which
//! [`Shift::apply`] puts back.

use std::cell::{Cell, RefCell};
use std::fmt;

use serde::de::{Deserializer as _, MapAccess, Visitor};

use super::json::{read_entries, Entries, NumberSpans, Numbers, Reading, SkipKeys};
use super::scan::{ObjectScan, Scanned};
use super::source::{Shared, Source};
use super::track::{Track, Tracker};
use crate::RecordPool;

/// How [`read_elements`] left the array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// Every element was taken: the `]` comes next.
    End,
    /// The element callback asked to stop.
    Stopped,
    /// serde_json reads the rest of the array, from an element start (or the `]`).
    HandOver,
}

/// The lines and columns serde_json did not see: the bytes taken from serde_json's position
/// `line`, `column` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Shift {
    line: u64,
    column: u64,
    /// Line breaks in the bytes taken.
    lines: u64,
    /// The column after the bytes taken.
    end_column: u64,
}

impl Shift {
    /// The page's line and column of serde_json's `line` and `column`.
    pub(super) fn apply(&self, line: u64, column: u64) -> (u64, u64) {
        if line < self.line {
            (line, column)
        } else if line == self.line {
            (
                line + self.lines,
                self.end_column + column.saturating_sub(self.column),
            )
        } else {
            (line + self.lines, column)
        }
    }
}

/// Where the elements taken go.
pub(super) trait Elements {
    /// The pool the elements' strings are made in.
    fn pool(&mut self) -> &mut RecordPool;

    /// The keys whose values no one reads: parsed, not kept.
    fn skip(&self) -> Option<&SkipKeys>;

    /// Takes the entries of an element whose `{` is on `line`; `false` stops.
    fn element(&mut self, line: u64, entries: Entries<'_>) -> bool;
}

/// Takes the elements of the array whose `[` serde_json has just read (see the module
/// documentation), handing each to `element`.
pub(super) fn read_elements(
    source: &Shared<'_>,
    track: &Tracker,
    elements: &mut dyn Elements,
) -> (Outcome, Shift) {
    let (Ok(mut source), Ok(mut track)) = (source.try_borrow_mut(), track.try_borrow_mut()) else {
        let shift = Shift {
            line: u64::MAX,
            column: 0,
            lines: 0,
            end_column: 0,
        };
        return (Outcome::HandOver, shift);
    };
    let (line, column) = (track.line(), track.column());
    let outcome = take_elements(&mut source, &mut track, elements);
    let shift = Shift {
        line,
        column,
        lines: track.line() - line,
        end_column: track.column(),
    };
    (outcome, shift)
}

fn take_elements(
    source: &mut Source<'_>,
    track: &mut Track,
    elements: &mut dyn Elements,
) -> Outcome {
    let mut scan = ObjectScan::default();
    // Offsets are from `source.at`, the end of what is taken, which `fill` may move.
    let Some(mut start) = skip_whitespace(source, 0) else {
        return Outcome::HandOver;
    };
    if source.window[source.at + start] == b']' {
        take(source, track, start);
        return Outcome::End;
    }
    loop {
        if source.window[source.at + start] != b'{' {
            return Outcome::HandOver;
        }
        scan.reset();
        let end = loop {
            match scan.scan(&source.window[source.at + start..]) {
                Scanned::End(len) => break start + len,
                Scanned::More if source.fill() => {}
                Scanned::More | Scanned::TooDeep => return Outcome::HandOver,
            }
        };
        let Some(after) = skip_whitespace(source, end) else {
            return Outcome::HandOver;
        };
        let (next, last) = match source.window[source.at + after] {
            b']' => (after, true),
            b',' => match skip_whitespace(source, after + 1) {
                Some(next) if source.window[source.at + next] == b'{' => (next, false),
                _ => return Outcome::HandOver,
            },
            _ => return Outcome::HandOver,
        };
        let at = source.at;
        let pool = RefCell::new(std::mem::take(elements.pool()));
        let parsed = parse(
            &source.window[at + start..at + end],
            &scan.numbers,
            &pool,
            elements.skip(),
        );
        *elements.pool() = pool.into_inner();
        let Some(entries) = parsed else {
            return Outcome::HandOver;
        };
        let before = &source.window[at..at + start];
        let line = track.line() + memchr::memchr_iter(b'\n', before).count() as u64;
        let go_on = elements.element(line, entries);
        take(source, track, next);
        if !go_on {
            return Outcome::Stopped;
        }
        if last {
            return Outcome::End;
        }
        start = 0;
    }
}

/// Takes the next `len` bytes from serde_json.
fn take(source: &mut Source<'_>, track: &mut Track, len: usize) {
    let at = source.at;
    track.skip(&source.window[at..at + len]);
    source.at = at + len;
}

/// The offset of the first byte at or after `from` that is not JSON whitespace; `None` at the
/// end of the input (or a read error).
fn skip_whitespace(source: &mut Source<'_>, mut from: usize) -> Option<usize> {
    loop {
        let rest = source.window.get(source.at + from..).unwrap_or_default();
        match rest
            .iter()
            .position(|b| !matches!(b, b' ' | b'\n' | b'\t' | b'\r'))
        {
            Some(i) => return Some(from + i),
            None => {
                from += rest.len();
                if !source.fill() {
                    return None;
                }
            }
        }
    }
}

/// The entries of the object `text`, its numbers at `numbers`, its strings made in `pool`, the
/// values of its keys `skip` read as `null`; `None` when it is not UTF-8, when serde_json
/// refuses it, or when its numbers are not the ones scanned.
fn parse<'t>(
    text: &'t [u8],
    numbers: &[(usize, usize)],
    pool: &RefCell<RecordPool>,
    skip: Option<&SkipKeys>,
) -> Option<Entries<'t>> {
    let spans = NumberSpans {
        text,
        spans: numbers,
        next: Cell::new(0),
    };
    // One check of the whole element, not one per string.
    let mut de = serde_json::Deserializer::from_str(std::str::from_utf8(text).ok()?);
    let entries = de
        .deserialize_map(ObjectVisitor {
            reading: Reading {
                numbers: Numbers::Spans(&spans),
                pool: Some(pool),
                skip,
                keep: true,
            },
        })
        .ok()?;
    de.end().ok()?;
    spans.all_taken().then_some(entries)
}

/// The entries of an element parsed from its slice.
struct ObjectVisitor<'n> {
    reading: Reading<'n>,
}

impl<'de> Visitor<'de> for ObjectVisitor<'_> {
    type Value = Entries<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Entries<'de>, A::Error> {
        read_entries(map, self.reading)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_moves_positions_after_the_bytes_taken() {
        // Taken from line 2, column 5: three line breaks, ending at column 7.
        let shift = Shift {
            line: 2,
            column: 5,
            lines: 3,
            end_column: 7,
        };
        assert_eq!(shift.apply(1, 9), (1, 9));
        assert_eq!(shift.apply(2, 6), (5, 8));
        assert_eq!(shift.apply(3, 1), (6, 1));
    }
}
