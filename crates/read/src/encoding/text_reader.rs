//! A text input read as UTF-8, its encoding told by a byte order mark or declared:
//! [`TextReader`].

use std::io::{self, Read};
use std::sync::Arc;

use encoding_rs::{Encoding, UTF_8};

use super::{DecodeReader, Malformed, TextStart};

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

/// An input whose first bytes, read ahead (to sniff them), are handed out again first.
pub type ReadAhead<R> = io::Chain<io::Cursor<Vec<u8>>, R>;

enum Text<R> {
    Utf8(ReadAhead<R>),
    Decoded(DecodeReader<ReadAhead<R>>),
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
        let told = TextStart::of(&start);
        let (encoding, bom) = match told {
            TextStart::Utf16Bom(encoding) => (encoding, told.bom_len()),
            // A UTF-8 mark stays for the CSV reader, which skips it and counts it in offsets.
            TextStart::Utf8Bom => (UTF_8, 0),
            // Only a mark tells UTF-16 here: a CSV file without one is read as declared.
            TextStart::Utf16Unmarked(_) | TextStart::Unmarked => (declared.unwrap_or(UTF_8), 0),
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

    /// The input as it is, when it is UTF-8 (not decoded): the bytes read ahead for a byte
    /// order mark, then the rest. Read through it, a buffer that has not been written to is
    /// filled without first being zeroed, which `TextReader` itself cannot promise on stable
    /// Rust. A decoded text is handed back as it is (boxed: a decoder is large).
    ///
    /// ```
    /// use std::io::Read;
    /// let reader = nebulk_read::TextReader::sniff(&b"\xEF\xBB\xBFa,b\n"[..], None).unwrap();
    /// let mut plain = reader.into_plain().ok().unwrap();
    /// let mut text = Vec::new();
    /// plain.read_to_end(&mut text).unwrap();
    /// assert_eq!(text, b"\xEF\xBB\xBFa,b\n", "a UTF-8 mark stays for the CSV reader");
    /// let latin1 = nebulk_read::TextReader::sniff(&b"x"[..], Some(encoding_rs::WINDOWS_1252)).unwrap();
    /// assert!(latin1.into_plain().is_err());
    /// ```
    pub fn into_plain(self) -> Result<ReadAhead<R>, Box<TextReader<R>>> {
        match self.inner {
            Text::Utf8(plain) => Ok(plain),
            inner @ Text::Decoded(_) => Err(Box::new(TextReader {
                inner,
                encoding: self.encoding,
            })),
        }
    }

    /// The UTF-8 text of a plain input, as [`TextReader::into_plain`] gave it.
    pub fn plain(input: ReadAhead<R>) -> TextReader<R> {
        TextReader {
            inner: Text::Utf8(input),
            encoding: UTF_8,
        }
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
