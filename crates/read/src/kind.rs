//! Source kinds, and telling them apart by content.

use std::fmt;
use std::io::{self, Read};
use std::path::Path;

use crate::encoding::{bom_encoding, encoding_name, DecodeReader, Encoding};
use crate::SNIFF_BYTES;

/// The kinds of input nebulk reads (`--from`).
///
/// ```
/// use nebulk_read::SourceKind;
/// assert_eq!(SourceKind::parse("nerm-users"), Some(SourceKind::NermUsers));
/// assert_eq!(SourceKind::sniff_bytes(b"<?xml version=\"1.0\"?>\n<user_response>"), Ok(SourceKind::XtractaUsers));
/// assert_eq!(SourceKind::sniff_bytes(b"accountName,email\n"), Ok(SourceKind::Csv));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// Delimited text.
    Csv,
    /// A spreadsheet: xlsx, xlsm, xlsb, xls, ods.
    Excel,
    /// Xtracta Get User XML.
    XtractaUsers,
    /// srv.asmx GetUsersWorkflowRoles XML, one answer per user.
    SrvWorkflowRoles,
    /// SailPoint NERM users JSON pages.
    NermUsers,
    /// SailPoint NERM workflow-session JSON pages.
    NermWorkflowSessions,
}

impl SourceKind {
    /// Every kind.
    pub const ALL: [SourceKind; 6] = [
        SourceKind::Csv,
        SourceKind::Excel,
        SourceKind::XtractaUsers,
        SourceKind::SrvWorkflowRoles,
        SourceKind::NermUsers,
        SourceKind::NermWorkflowSessions,
    ];

    /// The `--from` name.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Csv => "csv",
            SourceKind::Excel => "excel",
            SourceKind::XtractaUsers => "xtracta-users",
            SourceKind::SrvWorkflowRoles => "srv-workflow-roles",
            SourceKind::NermUsers => "nerm-users",
            SourceKind::NermWorkflowSessions => "nerm-workflow-sessions",
        }
    }

    /// The kind a `--from` name names.
    pub fn parse(name: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Whether the kind is a table (CSV, spreadsheet) rather than records to map.
    pub fn is_tabular(self) -> bool {
        matches!(self, SourceKind::Csv | SourceKind::Excel)
    }

    /// Tells the kind of a file from its first 64 KiB ([`SourceKind::sniff_bytes`]), and its
    /// name: a file named like a spreadsheet (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) whose
    /// content is binary (it holds a NUL byte) but neither a zip nor an OLE file is a damaged
    /// spreadsheet, for the spreadsheet reader to refuse, not CSV. (A text file so named, a CSV
    /// renamed, is still read as CSV.)
    ///
    /// The file is opened again to be read: for a stream that can be read only once (standard
    /// input, a pipe), use [`SourceKind::sniff_stream`].
    pub fn sniff(path: &Path) -> Result<SourceKind, String> {
        let mut prefix = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(SNIFF_BYTES as u64).read_to_end(&mut prefix))
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        sniff_named(&prefix, Some(path))
    }

    /// Tells the kind of a stream that can be read only once (standard input, a pipe, a FIFO):
    /// reads its first 64 KiB into memory (less if it ends sooner), tells the kind from them as
    /// [`SourceKind::sniff`] does (`name`, the stream's path if it has one, counts as there),
    /// and hands the stream back whole: reading the [`Peeked`] stream gives those bytes again,
    /// then the rest.
    ///
    /// ```
    /// use std::io::Read;
    /// use nebulk_read::SourceKind;
    /// let input = &b"{\"users\": [{\"login\": \"ann\"}]}"[..];
    /// let (kind, mut whole) = SourceKind::sniff_stream(input, None).unwrap();
    /// assert_eq!(kind, SourceKind::NermUsers);
    /// let mut text = String::new();
    /// whole.read_to_string(&mut text).unwrap();
    /// assert_eq!(text, "{\"users\": [{\"login\": \"ann\"}]}");
    /// ```
    pub fn sniff_stream<R: Read>(
        mut input: R,
        name: Option<&Path>,
    ) -> Result<(SourceKind, Peeked<R>), String> {
        let mut prefix = Vec::new();
        input
            .by_ref()
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut prefix)
            .map_err(|e| format!("cannot read it: {e}"))?;
        let kind = sniff_named(&prefix, name)?;
        Ok((kind, io::Cursor::new(prefix).chain(input)))
    }

    /// Tells the kind from the first bytes of a file: a zip or OLE file is a spreadsheet; XML
    /// by its root element (`user_response`: Xtracta; `response` or a SOAP envelope: srv);
    /// JSON by its array key (`users`, `workflow_sessions`); anything else is CSV. UTF-16 text
    /// (with its byte order mark) is CSV, or refused when it is XML or JSON.
    pub fn sniff_bytes(prefix: &[u8]) -> Result<SourceKind, String> {
        if prefix.starts_with(b"PK\x03\x04") || prefix.starts_with(b"\xD0\xCF\x11\xE0") {
            return Ok(SourceKind::Excel);
        }
        if let Some((encoding, bom)) = utf16_bom(prefix) {
            // UTF-16 CSV is decoded as it is read; XML and JSON are read as UTF-8 only.
            let mut text = Vec::new();
            let _ = DecodeReader::new(&prefix[bom..], encoding).read_to_end(&mut text);
            return match text.iter().find(|b| !b.is_ascii_whitespace()) {
                Some(b'<') => Err(utf16_document("an XML", encoding)),
                Some(b'{') => Err(utf16_document("a JSON", encoding)),
                _ => Ok(SourceKind::Csv),
            };
        }
        let text = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
        let start = text
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(text.len());
        let text = &text[start..];
        match text.first() {
            Some(b'<') => sniff_xml(text),
            Some(b'{') => sniff_json(text),
            _ => Ok(SourceKind::Csv),
        }
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A stream whose first bytes were read ahead ([`SourceKind::sniff_stream`]): those bytes,
/// then the rest of the stream.
pub type Peeked<R> = io::Chain<io::Cursor<Vec<u8>>, R>;

/// The kind the first bytes of a file tell, and its name where it has one (see
/// [`SourceKind::sniff`]).
fn sniff_named(prefix: &[u8], name: Option<&Path>) -> Result<SourceKind, String> {
    let kind = SourceKind::sniff_bytes(prefix)?;
    let spreadsheet_name = name
        .and_then(Path::extension)
        .and_then(|e| e.to_str())
        .is_some_and(|e| {
            ["xlsx", "xlsm", "xlsb", "xls", "ods"].contains(&e.to_ascii_lowercase().as_str())
        });
    let binary = utf16_bom(prefix).is_none() && prefix.contains(&0);
    Ok(if kind == SourceKind::Csv && spreadsheet_name && binary {
        SourceKind::Excel
    } else {
        kind
    })
}

/// The UTF-16 encoding a byte order mark at the start of `bytes` announces, and its length.
fn utf16_bom(bytes: &[u8]) -> Option<(&'static Encoding, usize)> {
    bom_encoding(bytes).filter(|(encoding, _)| *encoding != encoding_rs::UTF_8)
}

fn utf16_document(what: &str, encoding: &'static Encoding) -> String {
    format!(
        "{what} document in UTF-16 ({}); XML and JSON are read in UTF-8 only: save it as UTF-8",
        encoding_name(encoding)
    )
}

/// The local name of the first element that is not a declaration, comment or doctype.
fn sniff_xml(text: &[u8]) -> Result<SourceKind, String> {
    let mut rest = text;
    while let Some(i) = memchr::memchr(b'<', rest) {
        rest = &rest[i + 1..];
        match rest.first() {
            Some(b'?' | b'!') => continue,
            Some(_) => {
                let end = rest
                    .iter()
                    .position(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/'))
                    .unwrap_or(rest.len());
                let name = String::from_utf8_lossy(&rest[..end]).into_owned();
                let local = name.rsplit(':').next().unwrap_or(&name);
                return match local {
                    "user_response" => Ok(SourceKind::XtractaUsers),
                    "response" | "Envelope" => Ok(SourceKind::SrvWorkflowRoles),
                    _ => Err(format!(
                        "an XML document with root <{name}>, which is neither an Xtracta user_response nor an srv.asmx response; give --from"
                    )),
                };
            }
            None => break,
        }
    }
    Err("an XML document without a root element; give --from".into())
}

fn sniff_json(text: &[u8]) -> Result<SourceKind, String> {
    let has = |key: &[u8]| memchr::memmem::find(text, key).is_some();
    if has(b"\"workflow_sessions\"") {
        Ok(SourceKind::NermWorkflowSessions)
    } else if has(b"\"users\"") {
        Ok(SourceKind::NermUsers)
    } else {
        Err(
            "a JSON document with neither a `users` nor a `workflow_sessions` array; give --from"
                .into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_content() {
        let cases: [(&[u8], SourceKind); 8] = [
            (b"PK\x03\x04rest", SourceKind::Excel),
            (b"\xD0\xCF\x11\xE0\xA1\xB1", SourceKind::Excel),
            (
                b"\xEF\xBB\xBF  <!-- note --><user_response>",
                SourceKind::XtractaUsers,
            ),
            (
                b"<response success=\"false\" error=\"[901]x\" />",
                SourceKind::SrvWorkflowRoles,
            ),
            (
                b"<?xml version=\"1.0\"?><soap:Envelope xmlns:soap=\"x\">",
                SourceKind::SrvWorkflowRoles,
            ),
            (b"{\"_metadata\": {}, \"users\": [", SourceKind::NermUsers),
            (
                b"\n{\"workflow_sessions\": [{\"users\": 1}]",
                SourceKind::NermWorkflowSessions,
            ),
            (b"Account Name;Email\n", SourceKind::Csv),
        ];
        for (bytes, kind) in cases {
            assert_eq!(
                SourceKind::sniff_bytes(bytes),
                Ok(kind),
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn unknown_documents_ask_for_from() {
        assert!(SourceKind::sniff_bytes(b"<html><body>")
            .unwrap_err()
            .contains("root <html>"));
        assert!(SourceKind::sniff_bytes(b"{\"error\": \"x\"}")
            .unwrap_err()
            .contains("give --from"));
    }

    #[test]
    fn utf16_is_csv_unless_it_is_xml_or_json() {
        let utf16 = |text: &str| -> Vec<u8> {
            let mut bytes = vec![0xFF, 0xFE];
            bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            bytes
        };
        assert_eq!(
            SourceKind::sniff_bytes(&utf16("a\tb\r\n")),
            Ok(SourceKind::Csv)
        );
        assert_eq!(
            SourceKind::sniff_bytes(&utf16(" <user_response>")),
            Err("an XML document in UTF-16 (utf-16le); XML and JSON are read in UTF-8 only: save it as UTF-8".into())
        );
        assert!(SourceKind::sniff_bytes(&utf16("{\"users\": []}"))
            .unwrap_err()
            .starts_with("a JSON document in UTF-16"));
    }

    /// Issue 5, testdata/bad/excel-random-bytes: such a file was read as CSV, and refused for
    /// a header "not valid UTF-8".
    #[test]
    fn a_binary_file_named_like_a_spreadsheet_is_one() {
        let dir = tempfile::tempdir().unwrap();
        let cases: [(&str, &[u8], SourceKind); 4] = [
            ("book.xlsx", b"\x01\x00\xFF\x10garbage", SourceKind::Excel),
            ("book.XLS", b"\x00\x00", SourceKind::Excel),
            ("renamed.xlsx", b"accountName,email\n", SourceKind::Csv),
            ("data.bin", b"\x01\x00\xFF\x10", SourceKind::Csv),
        ];
        for (name, bytes, kind) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            assert_eq!(SourceKind::sniff(&path), Ok(kind), "{name}");
        }
    }

    /// Hands out at most `piece` bytes a read, as a pipe does.
    struct Trickle<'a> {
        rest: &'a [u8],
        piece: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.piece.min(buf.len()).min(self.rest.len());
            buf[..n].copy_from_slice(&self.rest[..n]);
            self.rest = &self.rest[n..];
            Ok(n)
        }
    }

    /// Issue 9: a stream is sniffed from its first 64 KiB, however the pipe hands them out,
    /// and then read whole.
    #[test]
    fn a_stream_is_sniffed_then_handed_back_whole() {
        // The root element past a first read's worth of comment, and the document past 64 KiB.
        let mut document = format!("<!--{}-->\n<user_response>", "x".repeat(20_000)).into_bytes();
        while document.len() < 200_000 {
            document.extend_from_slice(b"<user><name>Ann Lee</name></user>\n");
        }
        document.extend_from_slice(b"</user_response>\n");
        let stream = Trickle {
            rest: &document,
            piece: 4096,
        };
        let (kind, mut whole) = SourceKind::sniff_stream(stream, None).unwrap();
        assert_eq!(kind, SourceKind::XtractaUsers);
        let mut read = Vec::new();
        whole.read_to_end(&mut read).unwrap();
        assert_eq!(read, document);
    }

    #[test]
    fn a_stream_takes_its_name_into_account() {
        let binary = &b"\x01\x00\xFF\x10garbage"[..];
        let named = |name: &str| {
            SourceKind::sniff_stream(binary, Some(Path::new(name))).map(|(kind, _)| kind)
        };
        assert_eq!(named("book.xlsx"), Ok(SourceKind::Excel));
        assert_eq!(named("data.bin"), Ok(SourceKind::Csv));
        assert!(SourceKind::sniff_stream(&b"<html>"[..], None)
            .unwrap_err()
            .contains("root <html>"));
    }

    #[test]
    fn names_round_trip() {
        for kind in SourceKind::ALL {
            assert_eq!(SourceKind::parse(kind.name()), Some(kind));
        }
    }
}
