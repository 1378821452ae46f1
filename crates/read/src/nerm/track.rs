//! Position and number-text tracking of the bytes serde_json reads from the page.
//!
//! serde_json's `IoRead` pulls its input one byte at a time (through `io::Bytes`) and peeks at
//! most one byte ahead. A reader between the buffer and serde_json therefore sees exactly what
//! serde_json has consumed: when an element visitor's `visit_map` starts, the last byte read is
//! the element's `{`, so the newlines read so far give its line. And when serde_json hands a
//! number to a visitor, the bytes just read are the number followed by at most the one byte it
//! peeked at, which gives the number as written (serde_json without `arbitrary_precision` only
//! hands out an `f64` for decimals and big integers). The bytes the element scanner takes past
//! serde_json are counted too ([`Track::skip`]).

use std::cell::RefCell;
use std::rc::Rc;

use crate::position::{LineEnds, LineStarts};

/// Longest number text kept by [`Track`]; longer numbers fall back to serde_json's rendering.
const NUMBER_CHARS: usize = 1024;

/// What the tracking reader has seen.
#[derive(Debug)]
pub(super) struct Track {
    /// The lines of the bytes handed to serde_json (after a byte order mark), which has read
    /// them all: lines end at `\n` only, as serde_json counts them.
    lines: LineStarts,
    /// The latest run of bytes that can make up a JSON number (`0-9 + - . e E`).
    run: Vec<u8>,
    /// The run was longer than [`NUMBER_CHARS`] (and is cut).
    run_cut: bool,
    /// Bytes read since the run ended.
    since_run: u64,
}

impl Default for Track {
    fn default() -> Track {
        Track {
            lines: LineStarts::new(LineEnds::Newline),
            run: Vec::new(),
            run_cut: false,
            since_run: 0,
        }
    }
}

/// Whether `b` may be part of a JSON number's text (its digits, sign, point and exponent).
pub(super) fn is_number_byte(b: u8) -> bool {
    matches!(b, b'0'..=b'9' | b'+' | b'-' | b'.' | b'e' | b'E')
}

impl Track {
    /// Notes `bytes`, read by serde_json one at a time.
    #[inline]
    pub(super) fn note(&mut self, bytes: &[u8]) {
        self.lines.pass(bytes);
        for &b in bytes {
            if is_number_byte(b) {
                if self.since_run > 0 {
                    self.run.clear();
                    self.run_cut = false;
                    self.since_run = 0;
                }
                if self.run.len() < NUMBER_CHARS {
                    self.run.push(b);
                } else {
                    self.run_cut = true;
                }
            } else {
                self.since_run = self.since_run.saturating_add(1);
            }
        }
    }

    /// Notes `bytes`, passed over by the element scanner (they end before a `{` or `]`, so no
    /// number is being read).
    pub(super) fn skip(&mut self, bytes: &[u8]) {
        self.lines.pass(bytes);
        self.run.clear();
        self.run_cut = false;
        self.since_run = u64::MAX;
    }

    /// The line of the last byte read.
    pub(super) fn line(&self) -> u64 {
        self.lines.line()
    }

    /// Bytes handed to serde_json (after a byte order mark).
    pub(super) fn offset(&self) -> u64 {
        self.lines.scanned()
    }

    /// Bytes read since the current line started: serde_json's column.
    pub(super) fn column(&self) -> u64 {
        self.lines.column()
    }

    /// The text of the number serde_json just parsed as `value`, as written, when it can be
    /// told for sure.
    pub(super) fn number_text(&self, value: f64) -> Option<String> {
        if self.run_cut || self.since_run > 1 {
            return None;
        }
        written_number(&self.run, value)
    }
}

/// `text` if it is a number serde_json parsed as `value` and short enough to keep: `85.50`
/// for 85.5, nothing for 1.0.
pub(super) fn written_number(text: &[u8], value: f64) -> Option<String> {
    if text.len() > NUMBER_CHARS || !is_json_number(text) {
        return None;
    }
    let text = std::str::from_utf8(text).ok()?;
    let parsed: f64 = text.parse().ok()?;
    // serde_json's default float parsing may be one unit in the last place off.
    let close = parsed == value || (parsed - value).abs() <= parsed.abs() * 1e-12;
    (close && parsed.is_sign_negative() == value.is_sign_negative()).then(|| text.to_string())
}

/// Whether `bytes` is a JSON number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
pub(super) fn is_json_number(bytes: &[u8]) -> bool {
    let mut rest = bytes.strip_prefix(b"-").unwrap_or(bytes);
    let digits = |s: &[u8]| s.iter().take_while(|b| b.is_ascii_digit()).count();
    let int = digits(rest);
    if int == 0 || (int > 1 && rest[0] == b'0') {
        return false;
    }
    rest = &rest[int..];
    if let Some(after) = rest.strip_prefix(b".") {
        let frac = digits(after);
        if frac == 0 {
            return false;
        }
        rest = &after[frac..];
    }
    if let Some(after) = rest.strip_prefix(b"e").or_else(|| rest.strip_prefix(b"E")) {
        let after = after
            .strip_prefix(b"+")
            .or_else(|| after.strip_prefix(b"-"))
            .unwrap_or(after);
        let exp = digits(after);
        if exp == 0 {
            return false;
        }
        rest = &after[exp..];
    }
    rest.is_empty()
}

/// The [`Track`] shared by the reader and the visitors.
pub(super) type Tracker = Rc<RefCell<Track>>;
