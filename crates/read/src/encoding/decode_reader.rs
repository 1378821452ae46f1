//! Text in any encoding read as UTF-8, a block at a time: [`DecodeReader`], and where it met
//! sequences that are no character ([`Malformed`]).

use std::collections::VecDeque;
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use encoding_rs::{Decoder, DecoderResult, Encoding};

/// How many bytes are read from the underlying reader at a time.
pub(super) const BLOCK: usize = 64 * 1024;

/// The UTF-8 bytes of U+FFFD REPLACEMENT CHARACTER, written where a sequence is malformed.
const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

/// Where a [`DecodeReader`] met byte sequences that are no character in its encoding (each
/// written as U+FFFD): the offsets, in the UTF-8 it hands out, of the replacements not yet
/// taken. Shared between the reader and whoever numbers what it reads.
///
/// ```
/// use std::io::Read;
/// use nebulk_read::DecodeReader;
/// // Shift_JIS: "a", then a lead byte without its trail byte, then "b".
/// let mut reader = DecodeReader::new(&b"a\x81 b"[..], encoding_rs::SHIFT_JIS);
/// let malformed = reader.malformed();
/// let mut text = String::new();
/// reader.read_to_string(&mut text).unwrap();
/// assert_eq!(text, "a\u{FFFD} b");
/// assert_eq!(malformed.take_before(100), [1]);
/// assert!(malformed.take_before(100).is_empty(), "taken");
/// ```
#[derive(Debug, Default)]
pub struct Malformed {
    /// Offsets of replacements not yet taken, in increasing order.
    offsets: Mutex<VecDeque<u64>>,
    /// Whether any offset waits in `offsets`: read without locking for every row.
    pending: AtomicBool,
}

impl Malformed {
    fn note(&self, offset: u64) {
        let mut offsets = self.offsets.lock().unwrap_or_else(PoisonError::into_inner);
        offsets.push_back(offset);
        self.pending.store(true, Ordering::Release);
    }

    /// Whether some replacement has not been taken yet (cheap: no lock).
    pub fn any_pending(&self) -> bool {
        self.pending.load(Ordering::Acquire)
    }

    /// Takes the offsets of the replacements before `end`, in order.
    pub fn take_before(&self, end: u64) -> Vec<u64> {
        if !self.any_pending() {
            return Vec::new();
        }
        let mut offsets = self.offsets.lock().unwrap_or_else(PoisonError::into_inner);
        let split = offsets.partition_point(|&offset| offset < end);
        let taken: Vec<u64> = offsets.drain(..split).collect();
        self.pending.store(!offsets.is_empty(), Ordering::Release);
        taken
    }
}

/// A reader of text in `encoding` that reads as UTF-8, a block at a time, so that everything
/// after it sees UTF-8. Memory is two fixed buffers whatever the input's size.
///
/// Nothing is lost silently: line breaks and delimiters are kept, so line numbers stay the
/// input's; a byte sequence that is no character in the encoding (a lone UTF-16 surrogate, a
/// Shift_JIS lead byte without its trail byte, half a code unit at the end) is written as U+FFFD
/// and its offset noted in [`DecodeReader::malformed`], so that the row holding it can be
/// rejected and still be written as UTF-8. The input is read as it is: a byte order mark is not
/// looked for (see [`TextReader`](super::TextReader) for that).
///
/// ```
/// use std::io::Read;
/// use nebulk_read::DecodeReader;
/// let mut text = String::new();
/// DecodeReader::new(&b"M\xFCller;N\xFA\xF1ez"[..], encoding_rs::WINDOWS_1252)
///     .read_to_string(&mut text)
///     .unwrap();
/// assert_eq!(text, "Müller;Núñez");
/// ```
pub struct DecodeReader<R> {
    inner: R,
    decoder: Decoder,
    /// Bytes read from `inner`, of which `input[input_at..input_end]` are not yet decoded.
    input: Vec<u8>,
    input_at: usize,
    input_end: usize,
    /// Decoded UTF-8 not yet handed out, from `output_at`.
    output: Vec<u8>,
    output_at: usize,
    /// UTF-8 bytes produced before `output`'s first.
    produced: u64,
    /// Whether `inner` has reached its end.
    done: bool,
    /// Whether the decoder has been told the input is done and has said all it had.
    finished: bool,
    malformed: Arc<Malformed>,
}

impl<R: Read> DecodeReader<R> {
    /// Wraps `inner`, which holds text in `encoding` (without a byte order mark).
    pub fn new(inner: R, encoding: &'static Encoding) -> DecodeReader<R> {
        DecodeReader {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            input: vec![0; BLOCK],
            input_at: 0,
            input_end: 0,
            output: Vec::with_capacity(BLOCK * 3 + 16),
            output_at: 0,
            produced: 0,
            done: false,
            finished: false,
            malformed: Arc::new(Malformed::default()),
        }
    }

    /// Where malformed sequences were replaced (see [`Malformed`]).
    pub fn malformed(&self) -> Arc<Malformed> {
        Arc::clone(&self.malformed)
    }

    /// Decodes the next block into `output`; false at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        self.produced += self.output.len() as u64;
        self.output.clear();
        self.output_at = 0;
        while self.output.is_empty() {
            if self.finished {
                return Ok(false);
            }
            if self.input_at == self.input_end && !self.done {
                let n = loop {
                    match self.inner.read(&mut self.input) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                };
                self.input_at = 0;
                self.input_end = n;
                self.done = n == 0;
            }
            self.decode();
        }
        Ok(true)
    }

    /// Decodes what input there is into `output`, a U+FFFD for each malformed sequence.
    fn decode(&mut self) {
        loop {
            let src = &self.input[self.input_at..self.input_end];
            let room = self
                .decoder
                .max_utf8_buffer_length_without_replacement(src.len())
                .unwrap_or(BLOCK * 3)
                .max(REPLACEMENT.len());
            let start = self.output.len();
            self.output.resize(start + room, 0);
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                src,
                &mut self.output[start..],
                self.done,
            );
            self.output.truncate(start + written);
            self.input_at += read;
            match result {
                DecoderResult::InputEmpty => {
                    self.finished = self.done;
                    return;
                }
                DecoderResult::Malformed(_, _) => {
                    let at = self.produced + self.output.len() as u64;
                    self.malformed.note(at);
                    self.output.extend_from_slice(REPLACEMENT);
                }
                // Room was made for all of it: only when a block's worth was held back.
                DecoderResult::OutputFull => {}
            }
        }
    }
}

impl<R: Read> Read for DecodeReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.output_at == self.output.len() && !self.fill()? {
            return Ok(0);
        }
        let pending = &self.output[self.output_at..];
        let n = pending.len().min(buf.len());
        buf[..n].copy_from_slice(&pending[..n]);
        self.output_at += n;
        Ok(n)
    }
}
