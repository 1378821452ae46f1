//! The input of a page, shared by serde_json and the element scanner.
//!
//! serde_json reads the page through [`TrackedInput`], one byte at a time: the top level, and
//! any element the scanner hands back. The scanner ([`super::elements`]) reads the page's array
//! in blocks into the [`Source`]'s window; what it does not take stays there for serde_json,
//! followed by the read error that stopped it, if one did.

use std::cell::RefCell;
use std::io::{self, BufRead, Read};
use std::rc::Rc;

use super::track::Tracker;
use crate::{FormatError, TextStart};

/// The page's bytes not yet read by serde_json or taken by the scanner.
pub(super) struct Source<'a> {
    /// Bytes read from `inner`; those before `at` are taken.
    pub(super) window: Vec<u8>,
    pub(super) at: usize,
    /// The error a read into the window met, for serde_json once it has read the window.
    pub(super) error: Option<io::Error>,
    inner: Box<dyn BufRead + 'a>,
}

impl Source<'_> {
    /// Reads more of the input onto the window's end (dropping the taken bytes first); `false`
    /// at the end of the input or on a read error (kept for serde_json).
    pub(super) fn fill(&mut self) -> bool {
        if self.error.is_some() {
            return false;
        }
        if self.at > 0 {
            self.window.drain(..self.at);
            self.at = 0;
        }
        loop {
            match self.inner.fill_buf() {
                Ok([]) => return false,
                Ok(bytes) => {
                    let n = bytes.len();
                    self.window.extend_from_slice(bytes);
                    self.inner.consume(n);
                    return true;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.error = Some(e);
                    return false;
                }
            }
        }
    }
}

/// The source shared by the reader handed to serde_json and the page's visitors.
pub(super) type Shared<'a> = Rc<RefCell<Source<'a>>>;

/// The reader handed to serde_json: the window, then the input, and the [`super::track::Track`]
/// of what passed.
pub(super) struct TrackedInput<'a> {
    pub(super) source: Shared<'a>,
    pub(super) track: Tracker,
    /// Length of the byte order mark skipped.
    pub(super) bom: usize,
}

impl Read for TrackedInput<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Ok(mut source) = self.source.try_borrow_mut() else {
            return Err(io::Error::other("the input is busy"));
        };
        let source = &mut *source;
        let n = if source.at < source.window.len() {
            let n = (source.window.len() - source.at).min(buf.len());
            buf[..n].copy_from_slice(&source.window[source.at..source.at + n]);
            source.at += n;
            n
        } else if let Some(e) = source.error.take() {
            return Err(e);
        } else {
            source.inner.read(buf)?
        };
        match self.track.try_borrow_mut() {
            Ok(mut track) => track.note(&buf[..n]),
            Err(_) => return Err(io::Error::other("position tracking is busy")),
        }
        Ok(n)
    }
}

/// Wraps `input`, skipping a UTF-8 byte order mark and refusing UTF-16 (with a byte order
/// mark or, JSON starting with ASCII, without one).
pub(super) fn open<'a, B: BufRead + 'a>(mut inner: B) -> Result<TrackedInput<'a>, FormatError> {
    let mut head = [0u8; 4];
    let mut len = 0;
    while len < head.len() {
        match inner.read(&mut head[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                return Err(FormatError::at_byte(
                    len as u64,
                    format!("could not read the input: {e}"),
                ))
            }
        }
    }
    let head = head.get(..len).unwrap_or_default();
    let told = TextStart::of(head);
    if let TextStart::Utf16Bom(_) | TextStart::Utf16Unmarked(_) = told {
        return Err(FormatError::whole(
            "the input is UTF-16 text; a NERM answer is UTF-8 JSON (save the file as UTF-8)",
        ));
    }
    let source = Source {
        window: head.to_vec(),
        at: told.bom_len(),
        error: None,
        inner: Box::new(inner),
    };
    Ok(TrackedInput {
        source: Rc::new(RefCell::new(source)),
        track: Tracker::default(),
        bom: told.bom_len(),
    })
}
