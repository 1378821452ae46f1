use std::io::{self, Read};
use std::path::Path;

use crate::SourceKind;

#[test]
fn kinds_by_content() {
    let cases: [(&[u8], SourceKind); 8] = [
        (b"PK\x03\x04rest", SourceKind::Spreadsheet),
        (b"\xD0\xCF\x11\xE0\xA1\xB1", SourceKind::Spreadsheet),
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
        (
            "book.xlsx",
            b"\x01\x00\xFF\x10garbage",
            SourceKind::Spreadsheet,
        ),
        ("book.XLS", b"\x00\x00", SourceKind::Spreadsheet),
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
    let named =
        |name: &str| SourceKind::sniff_stream(binary, Some(Path::new(name))).map(|(kind, _)| kind);
    assert_eq!(named("book.xlsx"), Ok(SourceKind::Spreadsheet));
    assert_eq!(named("data.bin"), Ok(SourceKind::Csv));
    assert!(SourceKind::sniff_stream(&b"<html>"[..], None)
        .unwrap_err()
        .contains("root <html>"));
}

/// The messages for documents no kind claims list the kinds that were looked for, in the
/// order of the table.
#[test]
fn unclaimed_documents_name_what_was_looked_for() {
    assert_eq!(
        SourceKind::sniff_bytes(b"<html><body>"),
        Err(
            "an XML document with root <html>, which is neither an Xtracta user_response nor \
             an srv.asmx response; give --from"
                .into()
        )
    );
    assert_eq!(
        SourceKind::sniff_bytes(b"<!-- only a comment -->"),
        Err("an XML document without a root element; give --from".into())
    );
    assert_eq!(
        SourceKind::sniff_bytes(b"{\"error\": \"x\"}"),
        Err(
            "a JSON document with neither a `users` nor a `workflow_sessions` array; give --from"
                .into()
        )
    );
}

/// When both array keys occur, the one that comes first is the document's: a session page
/// holds `users` inside its sessions, a users page may hold `workflow_sessions` inside a user.
#[test]
fn the_first_array_key_names_a_json_document() {
    let users_first = b"{\"users\": [{\"login\": \"ann\", \"workflow_sessions\": []}]}";
    assert_eq!(
        SourceKind::sniff_bytes(users_first),
        Ok(SourceKind::NermUsers)
    );
    let sessions_first = b"{\"workflow_sessions\": [{\"users\": []}]}";
    assert_eq!(
        SourceKind::sniff_bytes(sessions_first),
        Ok(SourceKind::NermWorkflowSessions)
    );
}

/// Issue 14: Parquet and Arrow IPC are told by their magic bytes, NDJSON by two lines that
/// each hold an object; a page spread over lines, or one object alone, is not JSON lines.
#[test]
fn columnar_kinds_are_told_by_content() {
    assert_eq!(
        SourceKind::sniff_bytes(b"PAR1\x15\x04\x15"),
        Ok(SourceKind::Parquet)
    );
    assert_eq!(
        SourceKind::sniff_bytes(b"ARROW1\0\0\xff\xff"),
        Ok(SourceKind::Ipc)
    );
    let lines = b"{\"login\": \"ann\"}\r\n\n  {\"login\": \"bob\"}\n";
    assert_eq!(SourceKind::sniff_bytes(lines), Ok(SourceKind::Ndjson));
    let users_lines = b"{\"users\": 1}\n{\"users\": 2}\n";
    assert_eq!(SourceKind::sniff_bytes(users_lines), Ok(SourceKind::Ndjson));
    let page = b"{\n  \"users\": [{\"login\": \"ann\"}]\n}\n";
    assert_eq!(SourceKind::sniff_bytes(page), Ok(SourceKind::NermUsers));
    assert!(SourceKind::sniff_bytes(b"{\"login\": \"ann\"}\n").is_err());
}
