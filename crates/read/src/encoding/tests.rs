//! Tests of the decoding readers: UTF-16 in both byte orders, malformed sequences, and
//! Windows-1252 round trips.

use std::io::{self, Read};

use encoding_rs::{UTF_16BE, UTF_16LE, UTF_8};

use super::decode_reader::BLOCK;
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
