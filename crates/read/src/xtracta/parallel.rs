//! Reading an answer in pieces parsed on the worker threads: [`read_in_pieces`].
//!
//! The answer is read a window at a time (a few MiB), and each window is cut into pieces at
//! lines that start a `<user>`: the first piece at the document's start, the others inside the
//! root. The pieces of a window are parsed in parallel ([`parse_piece`]), then taken in order:
//! a piece is taken when the one before it ended inside the root (so the assumption it was
//! parsed under holds) and it ended so too, or closed the root if it is the last. The first
//! piece that is not taken, and everything after it, is read by the sequential reader from
//! that piece's start, resumed inside the root ([`Begin::InRoot`]): so records, lines and
//! errors are always those of a reading of the whole answer on one thread, and the speculation
//! only decides how fast they come.
//!
//! Memory stays bounded by the window (and the records of one window): a window without a cut
//! (one huge user, or an answer on one line) is read sequentially from there on.

use std::io::{self, BufRead, Read};
use std::ops::Range;

use rayon::prelude::*;

use super::piece::{parse_piece, Piece, Prologue, Start};
use super::{read_answer, Begin, Reads};
use crate::{FormatError, RecordSink};

/// How an answer is cut: pieces of about `piece` bytes, read `window` bytes at a time.
#[derive(Debug, Clone, Copy)]
pub(super) struct Split {
    pub(super) piece: usize,
    pub(super) window: usize,
}

impl Split {
    /// Pieces large enough that a piece's cost dwarfs handing it to a worker, windows of
    /// several pieces a worker.
    pub(super) const DEFAULT: Split = Split {
        piece: 256 << 10,
        window: 4 << 20,
    };
}

/// Reads an answer in pieces, as [`read_answer`] reads it whole.
pub(super) fn read_in_pieces<B: BufRead, S: RecordSink>(
    mut input: B,
    split: Split,
    reads: Reads,
    sink: &mut S,
) -> Result<u64, FormatError> {
    let mut window = Vec::new();
    let mut prologue: Option<Prologue> = None;
    // The line the window starts on, and the records handed on so far.
    let mut line = 1u64;
    let mut count = 0u64;
    // The sequential stream tells a byte order mark from the first bytes it is handed: a
    // window holds all of them.
    let window_size = split.window.max(16);
    loop {
        let filled = fill(&mut input, &mut window, window_size);
        let end = match filled {
            Ok(end) => end,
            // The sequential reader meets the error where it stands, and reports it there.
            Err(e) => {
                let rest = (&window[..]).chain(Failing(Some(e)));
                return Ok(count + resume(rest, prologue.as_ref(), line, reads, sink)?);
            }
        };
        let pieces = cut(&window, split.piece, end == End::Reached);
        let small = prologue.is_none() && end == End::Reached && pieces.len() < 2;
        if pieces.is_empty() || small {
            // No cut in a whole window, or a small answer: no pieces to share.
            let rest = (&window[..]).chain(input);
            return Ok(count + resume(rest, prologue.as_ref(), line, reads, sink)?);
        }
        let parsed: Vec<Option<Piece>> = pieces
            .par_iter()
            .enumerate()
            .map(|(i, range)| {
                let start = if i == 0 && prologue.is_none() {
                    Start::Document
                } else {
                    Start::InRoot
                };
                parse_piece(window.get(range.clone()).unwrap_or_default(), start, reads)
            })
            .collect();
        let last = pieces.len() - 1;
        let mut taken_to = 0;
        for (i, (range, piece)) in pieces.iter().zip(parsed).enumerate() {
            let is_last = end == End::Reached && i == last;
            let Some(piece) = piece.filter(|p| fits(p, prologue.as_ref(), is_last)) else {
                let rest = window.get(range.start..).unwrap_or_default().chain(input);
                return Ok(count + resume(rest, prologue.as_ref(), line, reads, sink)?);
            };
            if let Some(first) = piece.prologue {
                prologue = Some(first);
            }
            for mut record in piece.records {
                record.line += line - 1;
                count += 1;
                if !sink.emit(record) {
                    return Ok(count);
                }
            }
            line += piece.breaks;
            taken_to = range.end;
        }
        if end == End::Reached {
            return Ok(count);
        }
        window.drain(..taken_to);
    }
}

/// Whether a parsed piece may be taken: it continues what the pieces before it left (the
/// prologue's root open) and leaves what the next one assumes (the root still open), or closes
/// the root if it is the last.
fn fits(piece: &Piece, prologue: Option<&Prologue>, is_last: bool) -> bool {
    let Some(root) = piece.prologue.as_ref().or(prologue).map(|p| &p.root) else {
        return false;
    };
    match &piece.root_end {
        None => !is_last,
        Some(end) => is_last && end == root,
    }
}

/// The sequential reader, from the document's start (no prologue taken yet) or from a line
/// inside the root.
fn resume<B: BufRead, S: RecordSink>(
    rest: B,
    prologue: Option<&Prologue>,
    line: u64,
    reads: Reads,
    sink: &mut S,
) -> Result<u64, FormatError> {
    let begin = match prologue {
        None => Begin::Document,
        Some(p) => Begin::InRoot {
            root: &p.root,
            root_line: p.root_line,
            line,
            message: p.message.clone(),
        },
    };
    read_answer(rest, begin, reads, sink)
}

/// Whether the input's end was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Reached,
    NotYet,
}

/// Reads into `window` until it holds `size` bytes or the input ends.
fn fill<R: Read>(input: &mut R, window: &mut Vec<u8>, size: usize) -> io::Result<End> {
    let want = size.saturating_sub(window.len()) as u64;
    // Reads up to `want` bytes, stopping early only at the end (or on an error, the bytes
    // before it kept).
    input.by_ref().take(want).read_to_end(window)?;
    Ok(if window.len() < size {
        End::Reached
    } else {
        End::NotYet
    })
}

/// The pieces of `window`, each at least `piece` bytes but the last, cut where a line starts a
/// `<user>`; the bytes after the last cut are a piece only at the input's end (else they wait
/// for the next window).
fn cut(window: &[u8], piece: usize, at_end: bool) -> Vec<Range<usize>> {
    let mut pieces = Vec::new();
    let mut start = 0;
    while let Some(next) = next_cut(window, start + piece.max(1)) {
        pieces.push(start..next);
        start = next;
    }
    if at_end && start < window.len() {
        pieces.push(start..window.len());
    }
    pieces
}

/// The first offset at or after `from` where a line starts that opens a `<user>` (any prefix)
/// after spaces or tabs.
fn next_cut(window: &[u8], from: usize) -> Option<usize> {
    let mut at = from.checked_sub(1)?;
    loop {
        let newline = at + memchr::memchr(b'\n', window.get(at..)?)?;
        let line_start = newline + 1;
        if starts_a_user(window.get(line_start..)?) {
            return Some(line_start);
        }
        at = line_start;
    }
}

/// Whether a line opens a `<user>`: spaces or tabs, `<`, a name whose local part is `user`,
/// then the end of the name.
fn starts_a_user(line: &[u8]) -> bool {
    let indent = line
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    let Some(tag) = line.get(indent..).and_then(|l| l.strip_prefix(b"<")) else {
        return false;
    };
    let name_len = tag
        .iter()
        .take_while(|b| !matches!(b, b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n'))
        .count();
    let name = tag.get(..name_len).unwrap_or_default();
    let local = match memchr::memrchr(b':', name) {
        Some(colon) => name.get(colon + 1..).unwrap_or_default(),
        None => name,
    };
    // The name's end must be in the window: a name cut by the window's end is no cut.
    local == b"user" && name_len < tag.len()
}

/// A reader that fails once with an error met earlier, then ends.
struct Failing(Option<io::Error>);

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

impl BufRead for Failing {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(&[]),
        }
    }

    fn consume(&mut self, _: usize) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_fall_where_a_line_opens_a_user() {
        let doc = b"<r>\n<user>a</user>\n  <x:user a='1'>\n<user_id/>\n\t<user/>\n<user";
        assert_eq!(next_cut(doc, 0), None, "no line starts before offset 0");
        assert_eq!(next_cut(doc, 1), Some(4));
        assert_eq!(
            next_cut(doc, 5),
            Some(19),
            "indented, prefixed, with attributes"
        );
        assert_eq!(
            next_cut(doc, 20),
            Some(47),
            "not <user_id>; a tab and an empty tag"
        );
        assert_eq!(next_cut(doc, 48), None, "a name cut by the window's end");
        assert_eq!(cut(doc, 10, false), [0..19, 19..47]);
        assert_eq!(cut(doc, 10, true), [0..19, 19..47, 47..doc.len()]);
        assert_eq!(cut(doc, 100, false), Vec::<Range<usize>>::new());
    }
}
