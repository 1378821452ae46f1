//! Text in any encoding read as UTF-8, as it streams: see [`TextReader`] and [`DecodeReader`].
//!
//! Windows exports come in the ANSI code page (Excel's "CSV (Comma delimited)" is Windows-1252
//! in Western Europe and the Americas), Excel's "Unicode text" in UTF-16. The decoding itself is
//! [`encoding_rs`]'s, which implements the WHATWG Encoding Standard: its labels
//! (`windows-1252`, `latin1`, `iso-8859-15`, `windows-1250`, `utf-16le`, `shift_jis`, ...) name
//! the encodings, and its decoders turn each into UTF-8.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

pub use encoding_rs::Encoding;
use encoding_rs::{Decoder, DecoderResult, UTF_16BE, UTF_16LE, UTF_8};

/// How many bytes are read from the underlying reader at a time.
const BLOCK: usize = 64 * 1024;

/// The UTF-8 bytes of U+FFFD REPLACEMENT CHARACTER, written where a sequence is malformed.
const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

/// The encoding a WHATWG label names, ignoring case and surrounding spaces: `windows-1252`,
/// `cp1252`, `latin1` and `iso-8859-1` (all Windows-1252, as browsers read them),
/// `iso-8859-15`, `windows-1250`, `utf-16le`, `utf-16be`, `shift_jis`, `gbk`, `utf-8`, ...
///
/// ```
/// use nebulk_read::encoding_for_label;
/// assert_eq!(encoding_for_label("Latin1").unwrap().name(), "windows-1252");
/// assert_eq!(encoding_for_label("utf-16le").unwrap().name(), "UTF-16LE");
/// assert!(encoding_for_label("klingon").unwrap_err().contains("windows-1252"));
/// ```
///
/// # Errors
///
/// A message naming the label and some labels that work, when the label names no encoding,
/// or names the WHATWG `replacement` encoding (`iso-2022-kr`, ...), which decodes nothing.
pub fn encoding_for_label(label: &str) -> Result<&'static Encoding, String> {
    match Encoding::for_label_no_replacement(label.trim().as_bytes()) {
        Some(encoding) => Ok(encoding),
        None => Err(format!(
            "`{label}` is not an encoding nebulk can read; use a WHATWG label such as \
             windows-1252 (also latin1, cp1252), iso-8859-15, windows-1250, utf-16le, utf-16be, \
             shift_jis, gbk or utf-8"
        )),
    }
}

/// The name of an encoding as nebulk reports it: the WHATWG name in lower case
/// (`windows-1252`, `utf-16le`, `shift_jis`).
///
/// ```
/// assert_eq!(nebulk_read::encoding_name(encoding_rs::UTF_16BE), "utf-16be");
/// ```
pub fn encoding_name(encoding: &'static Encoding) -> String {
    encoding.name().to_ascii_lowercase()
}

/// The encoding a byte order mark at the start of `bytes` announces, and the mark's length:
/// UTF-8 (`EF BB BF`), UTF-16LE (`FF FE`) or UTF-16BE (`FE FF`).
///
/// ```
/// use nebulk_read::bom_encoding;
/// assert_eq!(bom_encoding(b"\xFF\xFEa\0").map(|(e, n)| (e.name(), n)), Some(("UTF-16LE", 2)));
/// assert_eq!(bom_encoding(b"\xEF\xBB\xBFa").map(|(e, n)| (e.name(), n)), Some(("UTF-8", 3)));
/// assert_eq!(bom_encoding(b"abc"), None);
/// ```
pub fn bom_encoding(bytes: &[u8]) -> Option<(&'static Encoding, usize)> {
    Encoding::for_bom(bytes)
}

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
/// looked for (see [`TextReader`] for that).
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

/// A text input read as UTF-8: its encoding told by a byte order mark, else the one declared
/// (`--encoding`), else UTF-8.
///
/// - A UTF-16 byte order mark wins over the declared encoding (as the WHATWG decode algorithm
///   has it): the rest is decoded, the mark dropped.
/// - UTF-8 (with or without its mark, declared or not) is handed on as it is, byte for byte:
///   bytes that are not UTF-8 stay, for the validator to reject with `invalid-encoding` (and
///   `rejects.csv` to keep as they were).
/// - Any other encoding is decoded by a [`DecodeReader`].
///
/// ```
/// use std::io::Read;
/// use nebulk_read::TextReader;
///
/// let utf16: Vec<u8> = [0xFF, 0xFE].into_iter()
///     .chain("a\tb\r\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
/// let mut reader = TextReader::sniff(&utf16[..], None).unwrap();
/// assert_eq!(reader.encoding().name(), "UTF-16LE");
/// let mut text = String::new();
/// reader.read_to_string(&mut text).unwrap();
/// assert_eq!(text, "a\tb\r\n");
///
/// let latin1 = encoding_rs::WINDOWS_1252;
/// let mut reader = TextReader::sniff(&b"Andr\xE9"[..], Some(latin1)).unwrap();
/// let mut text = String::new();
/// reader.read_to_string(&mut text).unwrap();
/// assert_eq!(text, "André");
/// ```
pub struct TextReader<R> {
    inner: Text<R>,
    encoding: &'static Encoding,
}

enum Text<R> {
    Utf8(io::Chain<io::Cursor<Vec<u8>>, R>),
    Decoded(DecodeReader<io::Chain<io::Cursor<Vec<u8>>, R>>),
}

impl<R: Read> TextReader<R> {
    /// Reads the first bytes of `inner` for a byte order mark and sets up the decoding.
    ///
    /// # Errors
    ///
    /// When reading the first bytes fails.
    pub fn sniff(mut inner: R, declared: Option<&'static Encoding>) -> io::Result<TextReader<R>> {
        // Up to three bytes: the longest byte order mark (UTF-8's).
        let mut start = Vec::with_capacity(3);
        inner.by_ref().take(3).read_to_end(&mut start)?;
        let (encoding, bom) = match bom_encoding(&start) {
            Some((encoding, len)) if encoding == UTF_16LE || encoding == UTF_16BE => {
                (encoding, len)
            }
            // A UTF-8 mark stays for the CSV reader, which skips it and counts it in offsets.
            Some(_) => (UTF_8, 0),
            None => (declared.unwrap_or(UTF_8), 0),
        };
        start.drain(..bom);
        let rest = io::Cursor::new(start).chain(inner);
        let inner = if encoding == UTF_8 {
            Text::Utf8(rest)
        } else {
            Text::Decoded(DecodeReader::new(rest, encoding))
        };
        Ok(TextReader { inner, encoding })
    }

    /// The encoding the text is read in.
    pub fn encoding(&self) -> &'static Encoding {
        self.encoding
    }

    /// Whether the text is decoded (it is not UTF-8).
    pub fn is_decoded(&self) -> bool {
        matches!(self.inner, Text::Decoded(_))
    }

    /// Where malformed sequences were replaced, when the text is decoded.
    pub fn malformed(&self) -> Option<Arc<Malformed>> {
        match &self.inner {
            Text::Utf8(_) => None,
            Text::Decoded(reader) => Some(reader.malformed()),
        }
    }
}

impl<R: Read> Read for TextReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.inner {
            Text::Utf8(reader) => reader.read(buf),
            Text::Decoded(reader) => reader.read(buf),
        }
    }
}

/// What `bytes`, which are not UTF-8, read as in Windows-1252, when that reading is plausible
/// text: no control characters besides tab and line breaks (Windows-1252's five unassigned
/// bytes, `81 8D 8F 90 9D`, read as controls). The hint nebulk gives for a file that is not
/// UTF-8.
///
/// ```
/// use nebulk_read::windows_1252_reading;
/// assert_eq!(windows_1252_reading(b"M\xFCller").as_deref(), Some("Müller"));
/// assert_eq!(windows_1252_reading(b"\x81\x9D"), None);
/// ```
pub fn windows_1252_reading(bytes: &[u8]) -> Option<String> {
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
    let plausible = text
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'));
    plausible.then(|| text.into_owned())
}

/// `bytes` as text for a message: valid UTF-8 as it is, each byte that is not written `\xNN`.
///
/// ```
/// assert_eq!(nebulk_read::escape_bytes(b"M\xFCller \xE2\x9C\x93"), "M\\xfcller ✓");
/// ```
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads all of `reader` a few bytes at a time.
    fn read_all(mut reader: impl Read, step: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; step];
        loop {
            let n = reader.read(&mut buf).unwrap();
            if n == 0 {
                return out;
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    /// A reader handing out `step` bytes a read, to split characters anywhere.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(self.1).min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn utf16(text: &str, little: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if little {
                    u.to_le_bytes()
                } else {
                    u.to_be_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn utf16_round_trips_in_both_byte_orders_however_the_reads_split() {
        let line = "accountName\tfirstName\r\nzoe.wu\tZoë 吴 😀\r\n";
        for (encoding, little) in [(UTF_16LE, true), (UTF_16BE, false)] {
            for (step, repeat) in [(1, 50), (3, 50), (7, 50), (4096, 3000), (BLOCK + 1, 3000)] {
                let text = line.repeat(repeat);
                let bytes = utf16(&text, little);
                let reader = DecodeReader::new(Trickle(&bytes, step), encoding);
                let malformed = reader.malformed();
                assert_eq!(read_all(reader, 5), text.as_bytes(), "{step} bytes a read");
                assert!(!malformed.any_pending());
            }
        }
    }

    /// Issue 9: a lone surrogate was written as WTF-8 (`ED A0 80`), which is not UTF-8, so that
    /// rejects.csv held bytes that are not UTF-8.
    #[test]
    fn unpaired_surrogates_and_a_half_unit_become_u_fffd_at_noted_offsets() {
        // "a", a lone high surrogate, "b", a lone low surrogate, then half a unit.
        let bytes = [b'a', 0, 0x00, 0xD8, b'b', 0, 0x00, 0xDC, 0x41];
        let reader = DecodeReader::new(&bytes[..], UTF_16LE);
        let malformed = reader.malformed();
        let out = read_all(reader, 64);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a\u{FFFD}b\u{FFFD}\u{FFFD}"
        );
        assert_eq!(malformed.take_before(u64::MAX), [1, 5, 8]);
        // A high surrogate at the end of one read, its low half in the next, is one character.
        let bytes = utf16("😀", true);
        let out = read_all(DecodeReader::new(Trickle(&bytes, 2), UTF_16LE), 64);
        assert_eq!(out, "😀".as_bytes());
    }

    #[test]
    fn offsets_count_the_utf8_handed_out_across_blocks() {
        // Shift_JIS: 'ア' is 83 41 (three bytes in UTF-8); a lone 0x81 before a space is malformed.
        let mut bytes = b"\x83\x41".repeat(BLOCK);
        bytes.extend_from_slice(b"\x81 ");
        let reader = DecodeReader::new(Trickle(&bytes, 1000), encoding_rs::SHIFT_JIS);
        let malformed = reader.malformed();
        let out = read_all(reader, 333);
        let at = (BLOCK * 3) as u64;
        assert_eq!(&out[at as usize..], "\u{FFFD} ".as_bytes());
        assert_eq!(malformed.take_before(at), Vec::<u64>::new());
        assert_eq!(malformed.take_before(at + 1), [at]);
    }

    #[test]
    fn a_bom_wins_and_utf8_passes_through_unchanged() {
        let latin1 = Some(encoding_rs::WINDOWS_1252);
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend(utf16("é", false));
        let reader = TextReader::sniff(&bytes[..], latin1).unwrap();
        assert_eq!(reader.encoding(), UTF_16BE);
        assert_eq!(read_all(reader, 1), "é".as_bytes());
        for input in [&b""[..], b"a", b"ab", b"\xFF", b"\xEF\xBB\xBFa\xFF"] {
            let reader = TextReader::sniff(input, None).unwrap();
            assert!(!reader.is_decoded());
            assert_eq!(read_all(reader, 1), input);
        }
        let reader = TextReader::sniff(&b"\xEF\xBB\xBFa"[..], latin1).unwrap();
        assert_eq!(
            reader.encoding(),
            UTF_8,
            "a UTF-8 mark wins over --encoding too"
        );
    }

    proptest::proptest! {
        /// Any text Windows-1252 can hold, written in it and read back, is the same text.
        #[test]
        fn windows_1252_round_trips(text in "[ -~\u{a0}-\u{ff}€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ\t\r\n]{0,200}", step in 1usize..9) {
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
            proptest::prop_assert!(!unmappable);
            let reader = TextReader::sniff(Trickle(&bytes, step), Some(encoding_rs::WINDOWS_1252)).unwrap();
            let out = read_all(reader, 7);
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), text);
        }
    }
}
