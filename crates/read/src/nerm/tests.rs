//! Tests of the NERM readers, on the pages of testdata/readers/nerm.

use std::io::{self, BufReader, Read};
use std::rc::Rc;

use super::track::is_json_number;
use super::*;
use crate::{Record, Value};

/// The users reader over any `Read`, through the buffer the readers had of their own before
/// they took a `BufRead` (64 KiB).
fn read_users<R: Read>(input: R, emit: &mut dyn FnMut(Record) -> bool) -> Result<u64, FormatError> {
    let input = BufReader::with_capacity(64 * 1024, input);
    UserReader.read_each(input, &FileContext::default(), emit)
}

/// The sessions reader, as [`read_users`].
fn read_workflow_sessions<R: Read>(
    input: R,
    emit: &mut dyn FnMut(Record) -> bool,
) -> Result<u64, FormatError> {
    let input = BufReader::with_capacity(64 * 1024, input);
    SessionReader.read_each(input, &FileContext::default(), emit)
}

fn users(data: &[u8]) -> (Vec<Record>, Result<u64, FormatError>) {
    let mut records = Vec::new();
    let result = read_users(data, &mut |r| {
        records.push(r);
        true
    });
    (records, result)
}

fn sessions(data: &[u8]) -> (Vec<Record>, Result<u64, FormatError>) {
    let mut records = Vec::new();
    let result = read_workflow_sessions(data, &mut |r| {
        records.push(r);
        true
    });
    (records, result)
}

fn t(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn list(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| s.to_string()).collect())
}

fn record(line: u64, fields: &[(&'static str, Value)]) -> Record {
    let mut r = Record::new(line);
    for (name, value) in fields {
        r.push(*name, value.clone());
    }
    r
}

fn err(result: Result<u64, FormatError>) -> FormatError {
    match result {
        Ok(n) => panic!("expected an error, got Ok({n})"),
        Err(e) => e,
    }
}

const PAGE1: &[u8] = include_bytes!("../../../../testdata/readers/nerm/users-page1.json");
const PAGE2: &[u8] = include_bytes!("../../../../testdata/readers/nerm/users-page2.json");
const SESSIONS: &[u8] = include_bytes!("../../../../testdata/readers/nerm/sessions-page1.json");
const ERROR: &[u8] = include_bytes!("../../../../testdata/readers/nerm/error.json");
const TRUNCATED: &[u8] = include_bytes!("../../../../testdata/readers/nerm/truncated.json");
const USERS_OBJECT: &[u8] = include_bytes!("../../../../testdata/readers/nerm/users-object.json");

#[test]
fn seed_users_page() {
    let (records, result) = users(PAGE1);
    assert_eq!(result, Ok(1));
    let id = t("db6f8e8b-65c2-47d5-a0db-90bcc4e9df9e");
    assert_eq!(
        records,
        [record(
            3,
            &[
                ("id", id.clone()),
                ("uid", id),
                ("name", t("bob")),
                ("email", t("example@sailpoint.com")),
                ("type", t("NeprofileUser")),
                ("title", t("mytitle")),
                ("status", t("Active")),
                ("login", t("bob")),
                ("last_login", t("2023-05-01T09:12:28Z")),
                ("cookies_accepted_at", t("2023-05-01T09:12:28Z")),
                ("preferred_language", t("en-US")),
            ]
        )]
    );
}

#[test]
fn second_users_page_with_metadata_first() {
    let (records, result) = users(PAGE2);
    assert_eq!(result, Ok(3));
    assert_eq!(
        records,
        [
            record(
                10,
                &[
                    ("id", t("5b0c9a1e-7f3d-4c2a-9e8b-1d2f3a4b5c6d")),
                    ("uid", t("5b0c9a1e7f3d4c2a9e8b1d2f3a4b5c6d")),
                    ("name", t("Priya Raman")),
                    ("email", t("priya.raman@contractor.example.com")),
                    ("type", t("NeprofileUser")),
                    ("title", t("Data Engineer (contract)")),
                    ("status", t("Active")),
                    ("login", t("praman")),
                    ("last_login", t("2024-02-12T08:41:07Z")),
                    ("cookies_accepted_at", t("2023-11-02T14:03:55Z")),
                    ("preferred_language", t("en-GB")),
                ]
            ),
            record(
                23,
                &[
                    ("id", t("a7e4d2c1-3b5f-4e6a-8c9d-0f1e2d3c4b5a")),
                    ("uid", t("a7e4d2c13b5f4e6a8c9d0f1e2d3c4b5a")),
                    ("name", t("Jürgen Müller")),
                    ("email", t("j.mueller@partner.example.de")),
                    ("type", t("NeaccessUser")),
                    ("title", t("Site electrician")),
                    ("status", t("Disabled")),
                    ("login", t("jmueller")),
                    ("last_login", Value::Null),
                    ("cookies_accepted_at", Value::Null),
                    ("preferred_language", t("de-DE")),
                ]
            ),
            record(
                35,
                &[
                    ("id", t("c3d9f0b8-2a1e-4f7c-b6d5-e4a3b2c1d0f9")),
                    ("uid", t("c3d9f0b82a1e4f7cb6d5e4a3b2c1d0f9")),
                    ("name", t("Ana Lucía Ortega")),
                    ("email", t("ana.ortega@contractor.example.com")),
                    ("type", t("NeprofileUser")),
                    ("title", t("UX researcher")),
                    ("status", t("Active")),
                    ("login", t("aortega")),
                    ("last_login", t("2024-03-01T17:22:40Z")),
                    ("cookies_accepted_at", t("2024-01-15T09:00:00Z")),
                    ("preferred_language", t("es-MX")),
                    ("created_at", t("2023-12-20T10:15:00Z")),
                ]
            ),
        ]
    );
}

#[test]
fn sessions_page() {
    let (records, result) = sessions(SESSIONS);
    assert_eq!(result, Ok(3));
    assert_eq!(
        records,
        [
            record(
                3,
                &[
                    ("id", t("0f3e2d1c-9b8a-4765-8432-10fedcba9876")),
                    ("uid", t("0f3e2d1c9b8a4765843210fedcba9876")),
                    ("workflow_id", t("9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d")),
                    ("requester_id", t("1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d")),
                    ("requester_type", t("User")),
                    ("profile_id", Value::Null),
                    ("profile_ids", list(&[])),
                    ("status", t("completed")),
                    ("attributes.first_name", t("Priya")),
                    ("attributes.last_name", t("Raman")),
                    ("attributes.email", t("priya.raman@contractor.example.com")),
                    ("attributes.phone", t("+44 20 7946 0958")),
                    ("attributes.start_date", t("2024-03-01")),
                    ("attributes.end_date", t("2024-08-31")),
                    ("attributes.department", t("Data Platform")),
                    ("attributes.vendor.name", t("Northwind Staffing Ltd")),
                    (
                        "attributes.vendor.contact.email",
                        t("accounts@northwind.example.com")
                    ),
                    ("attributes.skills", list(&["Spark", "Airflow", "SQL"])),
                    ("attributes.hourly_rate", t("85.50")),
                    ("attributes.badge_number", t("12345678901234567890")),
                ]
            ),
            record(
                31,
                &[
                    ("id", t("7c6b5a49-3827-4165-a0b9-c8d7e6f5a4b3")),
                    ("uid", t("7c6b5a4938274165a0b9c8d7e6f5a4b3")),
                    ("workflow_id", t("9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d")),
                    ("requester_id", t("2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e")),
                    ("requester_type", t("NeprofileUser")),
                    ("profile_id", t("d4c3b2a1-0f9e-4d8c-b7a6-5f4e3d2c1b0a")),
                    ("profile_ids", Value::Null),
                    ("status", t("rejected")),
                    ("attributes.first_name", t("Jürgen")),
                    ("attributes.last_name", t("Müller")),
                    ("attributes.email", t("j.mueller@partner.example.de")),
                    ("attributes.phone", t("4989123456")),
                    ("attributes.start_date", t("2024-04-15")),
                    ("attributes.end_date", t("2024-04-01")),
                    ("attributes.department", t("Facilities")),
                    ("attributes.vendor.name", t("Elektro Bayern GmbH")),
                    ("attributes.vendor.contact.email", Value::Null),
                    ("attributes.skills", list(&["electrical", "HV certified"])),
                    (
                        "attributes.equipment",
                        t(r#"[{"type":"laptop","asset":"LT-0042"}]"#)
                    ),
                    (
                        "attributes.rejection_reason",
                        t("End date before start date")
                    ),
                ]
            ),
            record(
                54,
                &[
                    ("id", t("e1d2c3b4-a596-4877-8695-a4b3c2d1e0f9")),
                    ("uid", t("e1d2c3b4a59648778695a4b3c2d1e0f9")),
                    ("workflow_id", t("3f2e1d0c-b9a8-4796-8574-63524130f2e1")),
                    ("requester_id", t("1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d")),
                    ("requester_type", t("User")),
                    ("profile_id", Value::Null),
                    (
                        "profile_ids",
                        list(&[
                            "aa11bb22-cc33-4d44-8e55-ff6677889900",
                            "bb22cc33-dd44-4e55-9f66-00778899aabb"
                        ])
                    ),
                    ("status", t("pending_approval")),
                    ("attributes.first_name", t("Ana Lucía")),
                    ("attributes.last_name", t("Ortega")),
                    ("attributes.email", t("ana.ortega@contractor.example.com")),
                    ("attributes.phone", t("+52 55 1234 5678")),
                    ("attributes.start_date", t("2024-05-06")),
                    ("attributes.end_date", t("2025-05-05")),
                    ("attributes.department", t("Design")),
                    ("attributes.vendor", Value::Null),
                    ("attributes.skills", list(&[])),
                    ("attributes.remote", t("true")),
                    ("created_at", t("2024-04-20T11:30:00Z")),
                ]
            ),
        ]
    );
}

#[test]
fn wrong_reader_for_the_page_names_the_keys() {
    let e = err(read_workflow_sessions(PAGE1, &mut |_| true));
    assert_eq!(
        e,
        FormatError::whole(
            "the NERM page has no `workflow_sessions` array; its keys are: `users`, \
                 `_metadata` (is it a users page?)"
        )
    );
    let e = err(read_users(SESSIONS, &mut |_| true));
    assert_eq!(
        e.to_string(),
        "the NERM page has no `users` array; its keys are: `workflow_sessions`, `_metadata` \
             (is it a workflow-sessions page?)"
    );
    assert_eq!(
        err(users(b" {} ").1).to_string(),
        "the NERM page is an empty object; expected a `users` array"
    );
    let many: String = (0..25).map(|i| format!("\"k{i}\": {i},")).collect();
    let page = format!("{{{many} \"k0\": 1, \"last\": null}}");
    let e = err(users(page.as_bytes()).1);
    assert!(
        e.message().ends_with("`k18`, `k19` and 6 more"),
        "{}",
        e.message()
    );
}

#[test]
fn error_answers() {
    let (records, result) = users(ERROR);
    assert!(records.is_empty());
    assert_eq!(
        err(result),
        FormatError::whole("the NERM answer is an error: Sorry something went wrong")
    );
    let bad_request =
        br#"{"error": "Invalid JSON syntax. Please check your syntax and try again."}"#;
    assert_eq!(
        err(sessions(bad_request).1).to_string(),
        "the NERM answer is an error: Invalid JSON syntax. Please check your syntax and try again."
    );
    let several = br#"{"errors": ["limit is too large", "order is unknown"]}"#;
    assert_eq!(
        err(users(several).1).to_string(),
        "the NERM answer is an error: limit is too large; order is unknown"
    );
    let object = br#"{"_metadata": {}, "errors": {"limit": ["must be <= 100"]}}"#;
    assert_eq!(
        err(users(object).1).to_string(),
        r#"the NERM answer is an error: {"limit":["must be <= 100"]}"#
    );
    // A null error is no error.
    assert_eq!(users(br#"{"error": null, "users": []}"#).1, Ok(0));
}

#[test]
fn truncated_page_emits_what_came_before_then_fails() {
    let (records, result) = users(TRUNCATED);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].get("name"), Some(&t("Priya Raman")));
    assert_eq!(
        err(result),
        FormatError::at_line(29, Some(15), "EOF while parsing a value")
    );
    // Every truncation of a good page is an error (not a panic, not Ok).
    for cut in 0..PAGE2.len() - 2 {
        let (records, result) = users(&PAGE2[..cut]);
        assert!(result.is_err(), "cut at {cut}");
        assert!(records.len() <= 3);
    }
}

#[test]
fn users_as_an_object_is_positioned() {
    let e = err(users(USERS_OBJECT).1);
    assert_eq!(
        e,
        FormatError::at_line(
            2,
            Some(12),
            "invalid type: map, expected an array of NERM user objects"
        )
    );
}

#[test]
fn wrong_shapes() {
    assert_eq!(
        err(users(b"[1, 2]").1),
        FormatError::at_line(
            1,
            Some(1),
            "invalid type: sequence, expected a NERM page: a JSON object with a `users` array"
        )
    );
    assert_eq!(
        err(users(b"{\"users\": [\n {\"id\": \"a\"},\n \"bob\"\n]}").1),
        FormatError::at_line(
            3,
            Some(6),
            "invalid type: string \"bob\", expected a NERM user object"
        )
    );
    assert_eq!(
        err(sessions(b"{\"workflow_sessions\": null}").1),
        FormatError::at_line(
            1,
            Some(26),
            "invalid type: null, expected an array of NERM workflow-session objects"
        )
    );
    assert_eq!(
        err(users(b"{\"users\": [], \"users\": []}").1).to_string(),
        "line 1, column 22: the page has a second `users` key"
    );
    assert_eq!(
        err(users(b"{\"users\": []} x").1),
        FormatError::at_line(1, Some(15), "trailing characters")
    );
    assert_eq!(
        err(users(b"").1),
        FormatError::at_line(1, None, "EOF while parsing a value")
    );
    assert_eq!(
        err(users(b"{\"users\": [{\"name\": \"b\xffb\"}]}").1),
        FormatError::at_line(1, Some(23), "invalid unicode code point")
    );
    assert_eq!(
        err(users(b"{\"users\": [{\"name\": 01}]}").1),
        FormatError::at_line(1, Some(22), "invalid number")
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = |open: &str, close: &str| {
        let mut page = String::from("{\"users\": [{\"id\": \"x\", \"deep\": ");
        page.push_str(&open.repeat(10_000));
        page.push_str(&close.repeat(10_000));
        page.push_str("}]}");
        page
    };
    for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
        let e = err(users(deep(open, close).as_bytes()).1);
        assert_eq!(e.message(), "recursion limit exceeded");
        assert!(matches!(
            e.position(),
            crate::Position::Line { line: 1, .. }
        ));
    }
    // At the top level.
    let e = err(users("[".repeat(10_000).as_bytes()).1);
    assert!(e.message().starts_with("invalid type: sequence"), "{e}");
    // In a skipped key serde_json needs no recursion: accepted.
    let page = format!(
        "{{\"_metadata\": {}{}, \"users\": []}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert_eq!(users(page.as_bytes()).1, Ok(0));
    // Within the limit, deep values become compact JSON.
    let page = format!(
        "{{\"users\": [{{\"deep\": [{}{}]}}]}}",
        "[".repeat(100),
        "]".repeat(100)
    );
    let (records, result) = users(page.as_bytes());
    assert_eq!(result, Ok(1));
    let expected = format!("[{}{}]", "[".repeat(100), "]".repeat(100));
    assert_eq!(records[0].get("deep"), Some(&t(&expected)));
}

#[test]
fn numbers_are_kept_as_written() {
    let page = b"{\"users\": [{\"id\": 42, \"n\": [-7, 0, -0, 1.50, 1e3, 2E-2, -12.0e+01, \
            18446744073709551615, 18446744073709551616, -9223372036854775809, \
            123456789012345678901234567890.000, true, false, null, \"x\"]}]}";
    let (records, result) = users(page);
    assert_eq!(result, Ok(1));
    assert_eq!(records[0].get("id"), Some(&t("42")));
    assert_eq!(
        records[0].get("n"),
        Some(&list(&[
            "-7",
            "0",
            "-0",
            "1.50",
            "1e3",
            "2E-2",
            "-12.0e+01",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775809",
            "123456789012345678901234567890.000",
            "true",
            "false",
            "x"
        ]))
    );
    // In compact JSON too, and a number at the end of the line.
    let page = b"{\"users\": [{\"a\": [{\"v\": 0.10}, [1.0]], \"b\": 2.5\n}]}";
    let (records, _) = users(page);
    assert_eq!(records[0].get("a"), Some(&t(r#"[{"v":0.10},[1.0]]"#)));
    assert_eq!(records[0].get("b"), Some(&t("2.5")));
    // Too long to keep: serde_json's rendering.
    let long = format!("{{\"users\": [{{\"a\": 1.{}}}]}}", "0".repeat(2000));
    let (records, _) = users(long.as_bytes());
    assert_eq!(records[0].get("a"), Some(&t("1.0")));
}

#[test]
fn json_number_syntax() {
    for good in ["0", "-0", "1.5", "10e-3", "1E+9", "-0.0e0"] {
        assert!(is_json_number(good.as_bytes()), "{good}");
    }
    for bad in [
        "", "-", "01", "1.", ".5", "1e", "1e+", "+1", "1.5.", "1-", "--1",
    ] {
        assert!(!is_json_number(bad.as_bytes()), "{bad}");
    }
}

#[test]
fn flattening_and_duplicates() {
    let page = br#"{"workflow_sessions": [{"extra": 1, "status": "new", "attributes": {"a": {"b": {"c": "deep"}, "e": {}}, "list": [1, {"x": null}], "a": 2}, "id": {"k": "v"}, "status": "closed", "attributes.a": "literal"}]}"#;
    let (records, result) = sessions(page);
    assert_eq!(result, Ok(1));
    assert_eq!(
        records[0],
        record(
            1,
            &[
                ("id", t(r#"{"k":"v"}"#)),
                ("uid", Value::Null),
                ("workflow_id", Value::Null),
                ("requester_id", Value::Null),
                ("requester_type", Value::Null),
                ("profile_id", Value::Null),
                ("profile_ids", Value::Null),
                ("status", t("closed")),
                ("attributes.a", t("2")),
                ("attributes.list", t(r#"[1,{"x":null}]"#)),
                ("extra", t("1")),
                ("attributes.a", t("literal")),
            ]
        )
    );
    // Attributes that are not an object keep their name; users have no attributes rule.
    let (records, _) = sessions(br#"{"workflow_sessions": [{"x": 1, "attributes": "none"}]}"#);
    let names: Vec<&str> = records[0].fields[8..]
        .iter()
        .map(|(n, _)| n.as_ref())
        .collect();
    assert_eq!(names, ["attributes", "x"]);
    let (records, _) = users(br#"{"users": [{"x": 1, "attributes": {"a": "b"}}]}"#);
    let names: Vec<&str> = records[0].fields[11..]
        .iter()
        .map(|(n, _)| n.as_ref())
        .collect();
    assert_eq!(names, ["x", "attributes.a"]);
    // Many keys (the index path) still dedupe.
    let keys: String = (0..40).map(|i| format!("\"k{i}\": {i}, ")).collect();
    let page = format!("{{\"users\": [{{{keys} \"k3\": \"again\", \"k39\": null}}]}}");
    let (records, _) = users(page.as_bytes());
    assert_eq!(records[0].fields.len(), 11 + 40);
    assert_eq!(records[0].get("k3"), Some(&t("again")));
    assert_eq!(records[0].get("k39"), Some(&Value::Null));
}

#[test]
fn escapes_in_compact_json() {
    let page = br#"{"users": [{"a": [{"q": "say \"hi\"\\\n\t\u0001\u00e9"}]}]}"#;
    let (records, _) = users(page);
    assert_eq!(
        records[0].get("a"),
        Some(&t(r#"[{"q":"say \"hi\"\\\n\t\u0001é"}]"#))
    );
}

#[test]
fn lines_follow_newlines_only() {
    let page = b"\xef\xbb\xbf{\"users\":\r\n[\r\n\r\n  {\"id\": \"a\"}, {\"id\": \"b\"},\n\n\n\
            {\"id\":\n\"c\"},\r{\"id\": \"d\"}]}";
    let (records, result) = users(page);
    assert_eq!(result, Ok(4));
    let lines: Vec<u64> = records.iter().map(|r| r.line).collect();
    assert_eq!(lines, [4, 4, 7, 8]);
    // A BOM does not shift positions of later lines; on line 1 columns count after it.
    assert_eq!(
        err(users(b"\xef\xbb\xbf{\"users\": x}").1),
        FormatError::at_line(1, Some(11), "expected value")
    );
}

#[test]
fn utf16_is_refused() {
    let text = "{\"users\": []}";
    let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    let mut le_bom = vec![0xFF, 0xFE];
    le_bom.extend_from_slice(&le);
    let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
    for data in [le, le_bom, be] {
        assert_eq!(
            err(users(&data).1).message().to_string(),
            "the input is UTF-16 text; a NERM answer is UTF-8 JSON (save the file as UTF-8)"
        );
    }
}

struct Failing;

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(io::Error::other("disk on fire"))
    }
}

#[test]
fn read_errors_are_reported() {
    let e = err(read_users(Failing, &mut |_| true));
    assert_eq!(
        e,
        FormatError::at_byte(0, "could not read the input: disk on fire")
    );
    let e = err(read_users(
        Read::chain(&b"{\"users\": [{\"id\": \"a\"},"[..], Failing),
        &mut |_| true,
    ));
    assert_eq!(
        e.to_string(),
        "byte 23: could not read the input: disk on fire"
    );
}

/// A users page of `n` users, produced as it is read; counts the bytes handed out.
struct Generated {
    n: u64,
    next: u64,
    pending: Vec<u8>,
    at: usize,
    served: Rc<std::cell::Cell<u64>>,
}

impl Generated {
    fn new(n: u64) -> (Generated, Rc<std::cell::Cell<u64>>) {
        let served = Rc::new(std::cell::Cell::new(0));
        let page = Generated {
            n,
            next: 0,
            pending: b"{\"_metadata\": {\"total\": 100000},\n\"users\": [\n".to_vec(),
            at: 0,
            served: Rc::clone(&served),
        };
        (page, served)
    }
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at == self.pending.len() {
            self.pending.clear();
            self.at = 0;
            if self.next < self.n {
                let i = self.next;
                let comma = if i + 1 < self.n { "," } else { "" };
                let status = if i.is_multiple_of(3) {
                    "Disabled"
                } else {
                    "Active"
                };
                self.pending = format!(
                        "  {{\"id\": \"user-{i}\", \"name\": \"User {i}\",\n   \"status\": \"{status}\", \"login\": \"u{i}\"}}{comma}\n"
                    )
                    .into_bytes();
                self.next += 1;
            } else if self.next == self.n {
                self.pending = b"]}\n".to_vec();
                self.next += 1;
            } else {
                return Ok(0);
            }
        }
        let n = (self.pending.len() - self.at).min(buf.len());
        buf[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        self.served.set(self.served.get() + n as u64);
        Ok(n)
    }
}

#[test]
fn streams_100_000_users_and_stops_early() {
    let (page, served) = Generated::new(100_000);
    let mut count = 0u64;
    let mut last = None;
    let result = read_users(page, &mut |r| {
        count += 1;
        assert_eq!(r.line, 3 + 2 * (count - 1));
        last = Some(r);
        true
    });
    assert_eq!(result, Ok(100_000));
    assert_eq!(count, 100_000);
    let last = last.expect("records");
    assert_eq!(last.get("id"), Some(&t("user-99999")));
    assert_eq!(last.get("status"), Some(&t("Disabled")));
    assert_eq!(last.get("email"), Some(&Value::Null));
    assert!(served.get() > 8_000_000);

    let (page, served) = Generated::new(100_000);
    let mut seen = Vec::new();
    let result = read_users(page, &mut |r| {
        seen.push(r.line);
        seen.len() < 10
    });
    assert_eq!(result, Ok(10));
    assert_eq!(seen, [3, 5, 7, 9, 11, 13, 15, 17, 19, 21]);
    // Only about one buffer's worth of the page was read.
    assert!(served.get() < 200_000, "read {} bytes", served.get());
}

proptest::proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(proptest::arbitrary::any::<u8>(), 0..512)) {
        let _ = users(&data);
        let _ = sessions(&data);
    }

    #[test]
    fn mangled_pages_never_panic(at in 0usize..2000, byte in proptest::arbitrary::any::<u8>(), cut in 0usize..2600) {
        let mut data = SESSIONS.to_vec();
        let at = at % data.len();
        data[at] = byte;
        data.truncate(cut.min(data.len()));
        let (records, result) = sessions(&data);
        proptest::prop_assert!(records.len() <= 3);
        if let Ok(n) = result {
            proptest::prop_assert_eq!(n, records.len() as u64);
        }
    }
}
