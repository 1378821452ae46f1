//! Text encodings: the byte order mark, UTF-16, and `--encoding`; text in any encoding read as
//! UTF-8 as it streams.
//!
//! Windows exports come in the ANSI code page (Excel's "CSV (Comma delimited)" is Windows-1252
//! in Western Europe and the Americas), Excel's "Unicode text" in UTF-16 with a byte order mark.
//! Every reader asks [`TextStart::of`] what the first bytes of its input say: the CSV reader
//! decodes UTF-16 and skips a UTF-8 mark, the XML and JSON readers skip a UTF-8 mark and refuse
//! UTF-16 (the JSON one also when it has no mark), and telling a file's kind looks through a
//! UTF-16 mark.
//!
//! The decoding itself is [`encoding_rs`]'s, which implements the WHATWG Encoding Standard: its
//! labels (`windows-1252`, `latin1`, `iso-8859-15`, `windows-1250`, `utf-16le`, `shift_jis`,
//! ...) name the encodings ([`encoding_for_label`], behind `--encoding`), and its decoders turn
//! each into UTF-8 ([`DecodeReader`]). [`TextReader`] puts the two together for the CSV reader:
//! a byte order mark, else the encoding declared, else UTF-8.

pub use encoding_rs::Encoding;
use encoding_rs::{UTF_16BE, UTF_16LE, UTF_8};

mod decode_reader;
mod text_reader;

pub use decode_reader::{DecodeReader, Malformed};
pub use text_reader::{ReadAhead, TextReader};

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

/// What the first bytes of a text say of its encoding.
///
/// ```
/// use nebulk_read::TextStart;
/// assert_eq!(TextStart::of(b"\xEF\xBB\xBFname"), TextStart::Utf8Bom);
/// assert_eq!(TextStart::of(b"\xFF\xFEn\0"), TextStart::Utf16Bom(encoding_rs::UTF_16LE));
/// assert_eq!(TextStart::of(b"\0{\0\""), TextStart::Utf16Unmarked(encoding_rs::UTF_16BE));
/// assert_eq!(TextStart::of(b"{\"users\""), TextStart::Unmarked);
/// assert_eq!(TextStart::of(b"\xEF\xBB\xBFa").bom_len(), 3);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextStart {
    /// The UTF-8 byte order mark, `EF BB BF`.
    Utf8Bom,
    /// A UTF-16 byte order mark: `FF FE` (UTF-16LE) or `FE FF` (UTF-16BE).
    Utf16Bom(&'static Encoding),
    /// No byte order mark, but of the first two bytes one is zero and the other ASCII: UTF-16
    /// text saved without a mark (UTF-16LE when the zero comes second). Only a guess: a text
    /// in one byte per character may hold a zero byte too.
    Utf16Unmarked(&'static Encoding),
    /// Nothing told: no mark, and no sign of UTF-16.
    Unmarked,
}

impl TextStart {
    /// What `bytes`, the first of a text (at least two, or the whole text, for the
    /// [`TextStart::Utf16Unmarked`] guess; three for the UTF-8 mark), say of its encoding.
    pub fn of(bytes: &[u8]) -> TextStart {
        match Encoding::for_bom(bytes) {
            Some((encoding, _)) if encoding == UTF_8 => TextStart::Utf8Bom,
            Some((encoding, _)) => TextStart::Utf16Bom(encoding),
            None => match bytes {
                [first, second, ..]
                    if (*first == 0) != (*second == 0) && (first | second).is_ascii() =>
                {
                    TextStart::Utf16Unmarked(if *first == 0 { UTF_16BE } else { UTF_16LE })
                }
                _ => TextStart::Unmarked,
            },
        }
    }

    /// The length of the byte order mark: 3 for UTF-8, 2 for UTF-16, 0 without one.
    pub fn bom_len(self) -> usize {
        match self {
            TextStart::Utf8Bom => 3,
            TextStart::Utf16Bom(_) => 2,
            TextStart::Utf16Unmarked(_) | TextStart::Unmarked => 0,
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
mod tests;
