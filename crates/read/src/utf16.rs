//! UTF-16 text (Excel's "Unicode text" export) transcoded to UTF-8 as it is read: see
//! [`Utf16Reader`].

use std::io::{self, Read};

/// The byte order of UTF-16 text.
///
/// ```
/// use nebulk_read::Endian;
/// assert_eq!(Endian::of_bom(b"\xFF\xFEa\0"), Some(Endian::Little));
/// assert_eq!(Endian::of_bom(b"\xFE\xFF\0a"), Some(Endian::Big));
/// assert_eq!(Endian::of_bom(b"\xEF\xBB\xBFa"), None, "UTF-8");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endian {
    /// UTF-16LE, byte order mark `FF FE`: what Windows and Excel write.
    Little,
    /// UTF-16BE, byte order mark `FE FF`.
    Big,
}

impl Endian {
    /// The byte order whose byte order mark `bytes` starts with, if any.
    pub fn of_bom(bytes: &[u8]) -> Option<Endian> {
        match bytes {
            [0xFF, 0xFE, ..] => Some(Endian::Little),
            [0xFE, 0xFF, ..] => Some(Endian::Big),
            _ => None,
        }
    }

    /// The encoding's name, as in `report.json`: `utf-16le` or `utf-16be`.
    pub fn name(self) -> &'static str {
        match self {
            Endian::Little => "utf-16le",
            Endian::Big => "utf-16be",
        }
    }

    fn unit(self, pair: [u8; 2]) -> u16 {
        match self {
            Endian::Little => u16::from_le_bytes(pair),
            Endian::Big => u16::from_be_bytes(pair),
        }
    }
}

/// How many bytes of UTF-16 are read at a time.
const BLOCK: usize = 64 * 1024;

/// A reader of UTF-16 text that reads as UTF-8.
///
/// It wraps a reader of UTF-16 bytes, little- or big-endian, and reads as UTF-8, a
/// block at a time, so that the CSV reader (and everything after it) sees ordinary UTF-8 text.
/// Memory is two fixed buffers whatever the file's size.
///
/// Nothing is lost on the way. Line breaks and delimiters are kept, so line numbers stay those
/// of the file. A code unit that is half of a surrogate pair without its other half (text that
/// is not valid UTF-16) is written as the three bytes WTF-8 gives it (`ED A0 80` for `D800`):
/// never valid UTF-8, so the validator rejects that row with `invalid-encoding`, and
/// `rejects.csv` still holds a faithful image of the original. A file that ends in half a code
/// unit gives a last byte `FF`, also never valid UTF-8.
///
/// [`Utf16Reader::sniff`] tells a UTF-16 input by its byte order mark; without one, a file is
/// not taken for UTF-16.
///
/// ```
/// use std::io::Read;
/// use nebulk_read::{Endian, Utf16Reader};
///
/// let utf16: Vec<u8> = "a\tZoë 😀\r\n".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
/// let mut text = String::new();
/// Utf16Reader::new(&utf16[..], Endian::Little).read_to_string(&mut text).unwrap();
/// assert_eq!(text, "a\tZoë 😀\r\n");
/// ```
pub struct Utf16Reader<R> {
    inner: R,
    endian: Endian,
    /// UTF-16 bytes read, of which the first `have` are not yet decoded (between blocks, at
    /// most an odd byte and a high surrogate carried over).
    input: Vec<u8>,
    have: usize,
    /// The code units being decoded (kept to reuse its allocation).
    units: Vec<u16>,
    /// Decoded UTF-8 not yet handed out, from `output_at`.
    output: Vec<u8>,
    output_at: usize,
    /// Whether `inner` has reached its end.
    done: bool,
}

impl<R: Read> Utf16Reader<R> {
    /// Wraps `inner`, which holds UTF-16 in byte order `endian`, after its byte order mark.
    pub fn new(inner: R, endian: Endian) -> Utf16Reader<R> {
        Utf16Reader {
            inner,
            endian,
            input: vec![0; BLOCK],
            have: 0,
            units: Vec::with_capacity(BLOCK / 2 + 2),
            output: Vec::with_capacity(BLOCK * 3 / 2 + 8),
            output_at: 0,
            done: false,
        }
    }

    /// Reads the first bytes of `inner`: when they are a UTF-16 byte order mark, a reader that
    /// transcodes the rest, and its byte order; otherwise a reader of the same bytes as
    /// `inner`, unchanged.
    ///
    /// ```
    /// use std::io::Read;
    /// use nebulk_read::{Endian, Utf16Reader};
    ///
    /// let (mut reader, endian) = Utf16Reader::sniff(&b"\xFE\xFF\0h\0i"[..]).unwrap();
    /// assert_eq!(endian, Some(Endian::Big));
    /// let mut text = String::new();
    /// reader.read_to_string(&mut text).unwrap();
    /// assert_eq!(text, "hi");
    ///
    /// let (mut reader, endian) = Utf16Reader::sniff(&b"hi"[..]).unwrap();
    /// assert_eq!(endian, None);
    /// let mut text = String::new();
    /// reader.read_to_string(&mut text).unwrap();
    /// assert_eq!(text, "hi");
    /// ```
    ///
    /// # Errors
    ///
    /// When reading the first two bytes fails.
    pub fn sniff(mut inner: R) -> io::Result<(Sniffed<R>, Option<Endian>)> {
        let mut start = [0u8; 2];
        let mut filled = 0;
        while filled < start.len() {
            match inner.read(&mut start[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(match Endian::of_bom(&start[..filled]) {
            Some(endian) => (
                Sniffed::Utf16(Utf16Reader::new(inner, endian)),
                Some(endian),
            ),
            None => (
                Sniffed::Other(io::Cursor::new(start[..filled].to_vec()).chain(inner)),
                None,
            ),
        })
    }

    /// Reads and decodes the next block into `output`; false at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        self.output.clear();
        self.output_at = 0;
        while self.output.is_empty() {
            if self.done {
                return Ok(false);
            }
            let n = loop {
                match self.inner.read(&mut self.input[self.have..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            self.have += n;
            self.done = n == 0;
            self.decode();
        }
        Ok(true)
    }

    /// Decodes the bytes read into `output`, keeping back a last odd byte and a last high
    /// surrogate (their other halves may come with the next read) unless the input is done.
    fn decode(&mut self) {
        let whole = self.have / 2 * 2;
        let endian = self.endian;
        self.units.clear();
        self.units.extend(
            self.input[..whole]
                .chunks_exact(2)
                .map(|pair| endian.unit([pair[0], pair[1]])),
        );
        let mut keep = self.have - whole;
        if !self.done
            && self
                .units
                .last()
                .is_some_and(|u| (0xD800..0xDC00).contains(u))
        {
            self.units.pop();
            keep += 2;
        }
        for decoded in char::decode_utf16(self.units.iter().copied()) {
            match decoded {
                Ok(c) => {
                    let mut buf = [0u8; 4];
                    self.output
                        .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                Err(e) => {
                    // WTF-8: the surrogate's code point as a three-byte sequence.
                    let u = e.unpaired_surrogate();
                    self.output.extend_from_slice(&[
                        0xE0 | (u >> 12) as u8,
                        0x80 | ((u >> 6) & 0x3F) as u8,
                        0x80 | (u & 0x3F) as u8,
                    ]);
                }
            }
        }
        self.input.copy_within(self.have - keep..self.have, 0);
        self.have = keep;
        if self.done && self.have > 0 {
            // Half a code unit at the very end.
            self.output.push(0xFF);
            self.have = 0;
        }
    }
}

impl<R: Read> Read for Utf16Reader<R> {
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

/// What [`Utf16Reader::sniff`] gives: the input transcoded, or as it was.
pub enum Sniffed<R> {
    /// UTF-16, read as UTF-8.
    Utf16(Utf16Reader<R>),
    /// Not UTF-16: the bytes as they were.
    Other(io::Chain<io::Cursor<Vec<u8>>, R>),
}

impl<R: Read> Read for Sniffed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Sniffed::Utf16(reader) => reader.read(buf),
            Sniffed::Other(reader) => reader.read(buf),
        }
    }
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

    /// A reader handing out `step` bytes a read, to split pairs and surrogates anywhere.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(self.1).min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn encode(text: &str, endian: Endian) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| match endian {
                Endian::Little => u.to_le_bytes(),
                Endian::Big => u.to_be_bytes(),
            })
            .collect()
    }

    #[test]
    fn round_trips_in_both_byte_orders_however_the_reads_split() {
        let line = "accountName\tfirstName\r\nzoe.wu\tZoë 吴 😀\r\n";
        for endian in [Endian::Little, Endian::Big] {
            for (step, repeat) in [
                (1, 50),
                (3, 50),
                (4, 50),
                (7, 50),
                (4096, 3000),
                (BLOCK + 1, 3000),
            ] {
                let text = line.repeat(repeat);
                let bytes = encode(&text, endian);
                let out = read_all(Utf16Reader::new(Trickle(&bytes, step), endian), 5);
                assert_eq!(out, text.as_bytes(), "{endian:?}, {step} bytes a read");
            }
        }
    }

    #[test]
    fn unpaired_surrogates_and_a_half_unit_are_kept_as_invalid_utf8() {
        // "a", a lone high surrogate, "b", a lone low surrogate, then half a unit.
        let bytes = [b'a', 0, 0x00, 0xD8, b'b', 0, 0x00, 0xDC, 0x41];
        let out = read_all(Utf16Reader::new(&bytes[..], Endian::Little), 64);
        assert_eq!(out, b"a\xED\xA0\x80b\xED\xB0\x80\xFF");
        assert!(std::str::from_utf8(&out).is_err());
        // A high surrogate at the end of one read, its low half in the next, is one character.
        let bytes = encode("😀", Endian::Little);
        let out = read_all(Utf16Reader::new(Trickle(&bytes, 2), Endian::Little), 64);
        assert_eq!(out, "😀".as_bytes());
    }

    #[test]
    fn sniffing_needs_a_byte_order_mark() {
        for input in [&b""[..], b"a", b"ab", b"\xFF", b"\xEF\xBB\xBFa"] {
            let (reader, endian) = Utf16Reader::sniff(input).unwrap();
            assert_eq!(endian, None);
            assert_eq!(read_all(reader, 1), input);
        }
    }
}
