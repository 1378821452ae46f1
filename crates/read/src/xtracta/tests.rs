//! Tests of the Xtracta reader, on the vendor sample and the hostile files of testdata/readers/xtracta.

use super::*;
use proptest::prelude::*;
use std::cell::Cell;
use std::io::{BufReader, Read};
use std::rc::Rc;

const SAMPLE: &[u8] = include_bytes!("../../../../testdata/readers/xtracta/sample-response.xml");
const SINGLE: &[u8] = include_bytes!("../../../../testdata/readers/xtracta/single-workflow.xml");
const THREE: &[u8] = include_bytes!("../../../../testdata/readers/xtracta/three-users.xml");
const ERROR_401: &[u8] = include_bytes!("../../../../testdata/readers/xtracta/error-401.xml");
const TRUNCATED: &[u8] = include_bytes!("../../../../testdata/readers/xtracta/truncated.xml");
const WRONG_ROOT: &[u8] = include_bytes!("../../../../testdata/readers/xtracta/wrong-root.xml");
const LAUGHS: &[u8] = include_bytes!("../../../../testdata/readers/xtracta/billion-laughs.xml");
const XXE: &[u8] = include_bytes!("../../../../testdata/readers/xtracta/external-entity.xml");
const UNKNOWN_ENTITY: &[u8] =
    include_bytes!("../../../../testdata/readers/xtracta/unknown-entity.xml");
const MISMATCHED: &[u8] = include_bytes!("../../../../testdata/readers/xtracta/mismatched-end.xml");
const TRAILING: &[u8] = include_bytes!("../../../../testdata/readers/xtracta/text-after-root.xml");

/// The reader, into a closure.
fn read_users<B: BufRead>(
    input: B,
    emit: &mut dyn FnMut(Record) -> bool,
) -> Result<u64, FormatError> {
    UserReader.read_each(input, &FileContext::default(), emit)
}

/// All users of a document, checking the returned count.
fn read(data: &[u8]) -> Result<Vec<Record>, FormatError> {
    let mut users = Vec::new();
    let count = read_users(data, &mut |user| {
        users.push(user);
        true
    })?;
    assert_eq!(count, users.len() as u64);
    Ok(users)
}

/// The error of a document, as displayed.
fn error(data: &[u8]) -> String {
    match read(data) {
        Ok(users) => panic!("expected an error, got {users:?}"),
        Err(e) => e.to_string(),
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn list(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| s.to_string()).collect())
}

fn user(line: u64, values: [Value; 5]) -> Record {
    let mut record = Record::new(line);
    for (name, value) in FIELDS.iter().zip(values) {
        record.push(*name, value);
    }
    record
}

#[test]
fn the_vendor_sample_response() {
    let workflows = [
        "496553", "496941", "498082", "503860", "504988", "505283", "505328", "673490", "694444",
        "698730", "872472", "877141",
    ];
    assert_eq!(
        read(SAMPLE).unwrap(),
        [user(
            5,
            [
                text("123"),
                text("John Doe"),
                text("john.doe@xtracta.com"),
                text("3"),
                list(&workflows),
            ]
        )]
    );
}

#[test]
fn a_single_number_in_assigned_workflows_is_a_one_item_list() {
    assert_eq!(
        read(SINGLE).unwrap(),
        [user(
            5,
            [
                text("456"),
                text("Mary Major"),
                text("mary.major@example.com"),
                text("12345"),
                list(&["496553"]),
            ]
        )]
    );
}

#[test]
fn three_users_with_entities_nil_empty_and_missing_fields() {
    assert_eq!(
        read(THREE).unwrap(),
        [
            user(
                5,
                [
                    text("101"),
                    text("O'Brien & Sons"),
                    text("pat.obrien@example.com"),
                    text("3"),
                    list(&["1", "2", "3"]),
                ]
            ),
            user(
                13,
                [
                    text("102"),
                    text("Zo\u{eb} Quinn"),
                    Value::Null,
                    text("3"),
                    Value::Null,
                ]
            ),
            user(
                21,
                [
                    text("103"),
                    text("Lee <contractor>"),
                    Value::Null,
                    Value::Null,
                    Value::Null,
                ]
            ),
        ]
    );
}

#[test]
fn an_error_answer_quotes_status_and_message() {
    let e = read(ERROR_401).unwrap_err();
    assert_eq!(
        e,
        FormatError::whole("the Xtracta answer is an error: status 401: Invalid API key")
    );
}

#[test]
fn a_late_error_status_fails_after_the_users_before_it() {
    let xml = "<user_response><user><user_id>1</user_id></user>\
                   <status>500</status><user><user_id>2</user_id></user>\
                   <message>Internal error</message></user_response>";
    let mut users = Vec::new();
    let e = read_users(xml.as_bytes(), &mut |u| {
        users.push(u);
        true
    })
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "the Xtracta answer is an error: status 500: Internal error"
    );
    assert_eq!(
        users.len(),
        1,
        "the user after the bad status is not emitted"
    );
    assert_eq!(users[0].get("user_id"), Some(&text("1")));

    assert_eq!(
        error(b"<user_response><status> 403 </status></user_response>"),
        "the Xtracta answer is an error: status 403"
    );
    assert_eq!(
        error(b"<user_response><message>No</message><status>OK</status></user_response>"),
        "the Xtracta answer is an error: status OK: No"
    );
    assert_eq!(
        error(b"<user_response><status/></user_response>"),
        "the Xtracta answer is an error: status (empty)"
    );
}

#[test]
fn an_answer_without_status_and_an_empty_answer_are_read() {
    assert_eq!(read(b"<user_response/>").unwrap(), []);
    assert_eq!(
            read(b"<x:user_response xmlns:x='urn:x'><x:user><x:name>A</x:name></x:user></x:user_response>")
                .unwrap(),
            [user(1, [Value::Null, text("A"), Value::Null, Value::Null, Value::Null])]
        );
}

#[test]
fn field_edge_cases() {
    let xml = br#"<user_response xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
<user>
  <user_id>1</user_id>
  <user_id>2</user_id>
  <name i:nil="true">ignored</name>
  <email_address>  a@b.c <extra>nested text</extra> </email_address>
  <primary_group_id>
  </primary_group_id>
  <assigned_workflows> , ,</assigned_workflows>
  <unknown><user_id>9</user_id></unknown>
</user>
<user><assigned_workflows>7,,8 ,</assigned_workflows><name i:nil="false">B</name></user>
</user_response>"#;
    assert_eq!(
        read(xml).unwrap(),
        [
            user(
                2,
                [
                    text("1"),
                    Value::Null,
                    text("a@b.c"),
                    Value::Null,
                    Value::Null,
                ]
            ),
            user(
                12,
                [
                    Value::Null,
                    text("B"),
                    Value::Null,
                    Value::Null,
                    list(&["7", "8"])
                ]
            ),
        ]
    );
}

#[test]
fn byte_order_mark_and_crlf_lines() {
    let xml = "\u{feff}<user_response>\r\n<status>200</status>\r\n\r\n<user>\r\n<name>A\r\nB</name></user>\r<user/></user_response>";
    let users = read(xml.as_bytes()).unwrap();
    assert_eq!(users.len(), 2);
    assert_eq!(users[0].line, 4);
    assert_eq!(users[0].get("name"), Some(&text("A\nB")));
    assert_eq!(users[1].line, 7);
    assert_eq!(
        error("\u{feff}<users/>".as_bytes()),
        "line 1, column 1: the root element is <users>, expected <user_response>"
    );
    // A second mark is a character before the root (the parser would skip it unseen and
    // every line after would be off).
    assert_eq!(
        error("\u{feff}\u{feff}<user_response>\n<user/></user_response>".as_bytes()),
        "line 1, column 1: malformed XML: text before the root element"
    );
}

#[test]
fn the_wrong_root_is_named_with_its_line() {
    let e = read(WRONG_ROOT).unwrap_err();
    assert_eq!(
        e,
        FormatError::at_line(
            3,
            Some(1),
            "the root element is <workflow_response>, expected <user_response>"
        )
    );
}

#[test]
fn malformed_files_give_the_position() {
    assert_eq!(
            error(TRUNCATED),
            "line 8, column 8: malformed XML: syntax error: tag not closed: `>` not found before end of input"
        );
    assert_eq!(
            error(MISMATCHED),
            "line 7, column 23: malformed XML: ill-formed document: expected `</name>`, but `</email_address>` was found"
        );
    assert_eq!(
        error(UNKNOWN_ENTITY),
        "line 7, column 18: malformed XML: unknown entity &foo;"
    );
    assert_eq!(
        error(TRAILING),
        "line 9, column 1: malformed XML: text after the root element"
    );
    assert_eq!(
            error(b"<user_response/>\n<user_response/>"),
            "line 2, column 1: malformed XML: a second root element <user_response> after the root element"
        );
    assert_eq!(
        error(b"<user_response/>\n  </user_response>"),
        "line 2, column 3: malformed XML: ill-formed document: close tag `</user_response>` does not match any open tag"
    );
    assert_eq!(
        error(b"<user_response>\n<user>"),
        "line 2, column 7: unexpected end of the document: <user> (line 2) is not closed"
    );
    assert_eq!(
        error(b"hello <user_response/>"),
        "line 1, column 1: malformed XML: text before the root element"
    );
    assert_eq!(
        error(b""),
        "line 1, column 1: the document has no root element"
    );
    assert_eq!(
        error(b"  <!-- nothing -->\n"),
        "line 2, column 1: the document has no root element"
    );
    assert_eq!(
        error(b"<user_response><user a='1' a='2'/></user_response>"),
        "line 1, column 28: malformed XML: duplicated attribute in <user>"
    );
    assert_eq!(
            error(b"<user_response><user><name>&#xZZ;</name></user></user_response>"),
            "line 1, column 28: malformed XML: &#xZZ;: invalid character reference: invalid digit found in string"
        );
    assert_eq!(
            error(b"<user_response>\n<name>\xff</name></user_response>"),
            "line 2, column 7: malformed XML: cannot decode input using UTF-8: invalid utf-8 sequence of 1 bytes from index 0"
        );
    assert_eq!(
        read(b"\xff\xfe<\0u\0").unwrap_err(),
        FormatError::at_byte(0, "the document is UTF-16; only UTF-8 XML is accepted")
    );
}

#[test]
fn doctype_is_refused_before_any_entity_is_seen() {
    let expected = "line 2, column 1: DOCTYPE declarations are not accepted (entity expansion)";
    assert_eq!(error(LAUGHS), expected);
    assert_eq!(error(XXE), expected);
}

#[test]
fn nesting_is_limited_to_64_levels() {
    let deep = |levels: usize| {
        let mut xml = String::from("<user_response>");
        xml.push_str(&"<x>".repeat(levels - 1));
        xml.push_str(&"</x>".repeat(levels - 1));
        xml.push_str("</user_response>");
        xml
    };
    assert_eq!(read(deep(64).as_bytes()).unwrap(), []);
    // The 64th <x> is the 65th level: 15 bytes of root and 63 of `<x>` before it.
    assert_eq!(
        error(deep(10_001).as_bytes()),
        "line 1, column 205: elements are nested deeper than 64 levels"
    );
}

/// A generated answer with `users` one-line users, read through a byte counter.
struct Generated {
    users: u64,
    next: u64,
    pending: Vec<u8>,
    at: usize,
    read: Rc<Cell<u64>>,
}

const HEADER: &str =
    "<?xml version=\"1.0\"?>\n<user_response>\n<status>200</status>\n<message>OK</message>\n";

fn generated_user(i: u64) -> String {
    format!(
            "<user><user_id>{i}</user_id><name>User {i}</name><email_address>u{i}@example.com</email_address>\
             <primary_group_id>3</primary_group_id><assigned_workflows>{i},7</assigned_workflows></user>\n"
        )
}

impl Generated {
    fn new(users: u64) -> (Generated, Rc<Cell<u64>>) {
        let read = Rc::new(Cell::new(0));
        let generated = Generated {
            users,
            next: 0,
            pending: HEADER.as_bytes().to_vec(),
            at: 0,
            read: Rc::clone(&read),
        };
        (generated, read)
    }
}

impl Read for Generated {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.pending.len() {
            self.pending.clear();
            self.at = 0;
            if self.next < self.users {
                self.pending
                    .extend_from_slice(generated_user(self.next).as_bytes());
                self.next += 1;
            } else if self.next == self.users {
                self.pending.extend_from_slice(b"</user_response>\n");
                self.next += 1;
            }
        }
        let n = out.len().min(self.pending.len() - self.at);
        out[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

#[test]
fn streams_100_000_users() {
    let users = 100_000;
    let total: u64 = HEADER.len() as u64
        + (0..users)
            .map(|i| generated_user(i).len() as u64)
            .sum::<u64>()
        + "</user_response>\n".len() as u64;
    let (input, read) = Generated::new(users);
    let mut seen = 0u64;
    let count = read_users(BufReader::new(input), &mut |user| {
        assert_eq!(user.line, 5 + seen, "user {seen}");
        assert_eq!(user.get("user_id"), Some(&Value::Text(seen.to_string())));
        assert_eq!(
            user.get("assigned_workflows"),
            Some(&Value::List(vec![seen.to_string(), "7".into()]))
        );
        seen += 1;
        true
    })
    .unwrap();
    assert_eq!(count, users);
    assert_eq!(seen, users);
    assert_eq!(read.get(), total, "the whole answer was read");
}

#[test]
fn stops_early_when_emit_says_so() {
    let (input, read) = Generated::new(100_000);
    let mut seen = Vec::new();
    let count = read_users(BufReader::new(input), &mut |user| {
        seen.push(user.line);
        seen.len() < 10
    })
    .unwrap();
    assert_eq!(count, 10);
    assert_eq!(seen, (5..15).collect::<Vec<u64>>());
    // Only the first window was read, not the 20 MB answer.
    let window = parallel::Split::DEFAULT.window as u64;
    assert!(
        read.get() <= window + 64 * 1024,
        "read {} bytes",
        read.get()
    );
}

#[test]
fn line_tracking_across_tiny_reads() {
    // A reader that gives one byte at a time splits every `\r\n`.
    let xml = b"<user_response>\r\n<user/>\r\n\r\n<user>\r\n</user>\r\n<user/></user_response>";
    let users = read_users(BufReader::with_capacity(1, &xml[..]), &mut |_| true);
    assert_eq!(users, Ok(3));
    let mut lines = Vec::new();
    read_users(BufReader::with_capacity(1, &xml[..]), &mut |u| {
        lines.push(u.line);
        true
    })
    .unwrap();
    assert_eq!(lines, [2, 4, 6]);
    let e = read_users(
        BufReader::with_capacity(1, &b"<user_response>\r\n\r\n  <a></b>"[..]),
        &mut |_| true,
    )
    .unwrap_err();
    assert_eq!(
            e.to_string(),
            "line 3, column 6: malformed XML: ill-formed document: expected `</a>`, but `</b>` was found"
        );
}

/// Fragments to build XML-like inputs from.
const TOKENS: &[&str] = &[
    "<user_response>",
    "</user_response>",
    "<user>",
    "</user>",
    "<user/>",
    "<status>",
    "</status>",
    "200",
    "401",
    "<message>",
    "</message>",
    "<name>",
    "</name>",
    "<assigned_workflows>",
    "</assigned_workflows>",
    "1,2",
    "&amp;",
    "&foo;",
    "&#x41;",
    "&#0;",
    "<!DOCTYPE x>",
    "<![CDATA[a]]>",
    "<!-- c -->",
    "<?pi x?>",
    " ",
    "\n",
    "\r",
    "<",
    ">",
    "\"",
    "=",
    "<a b='1'>",
    "</a>",
    "xsi:nil=\"true\"",
    "\u{feff}",
    "\u{e9}",
];

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut emitted = 0u64;
        let result = read_users(&bytes[..], &mut |_| { emitted += 1; true });
        if let Ok(count) = result {
            prop_assert_eq!(count, emitted);
        }
    }

    #[test]
    fn xml_like_input_never_panics(parts in proptest::collection::vec(0..TOKENS.len(), 0..64)) {
        let xml: String = parts.iter().map(|&i| TOKENS[i]).collect();
        let mut emitted = 0u64;
        let result = read_users(xml.as_bytes(), &mut |user| {
            assert_eq!(user.fields.len(), 5);
            emitted += 1;
            true
        });
        if let Ok(count) = result {
            prop_assert_eq!(count, emitted);
        }
    }
}

/// A sink that keeps what it is given and lends a pool of used strings.
struct Keeping {
    records: Vec<Record>,
    pool: RecordPool,
}

impl RecordSink for Keeping {
    fn emit(&mut self, record: Record) -> bool {
        self.records.push(record);
        true
    }

    fn pool(&mut self) -> &mut RecordPool {
        &mut self.pool
    }
}

/// The reader builds its records in the allocations of used ones (measurable on the Xtracta
/// bench): the strings, the list and the field vector all come from the pool.
#[test]
fn records_are_built_in_the_pool_s_allocations() {
    let mut pool = RecordPool::default();
    let mut used = pool.record(1, 64);
    for _ in 0..3 {
        used.push("x", Value::Text(String::with_capacity(1000)));
    }
    let mut list = Vec::with_capacity(50);
    list.push(String::with_capacity(1000));
    used.push("y", Value::List(list));
    pool.recycle(used);
    let mut sink = Keeping {
        records: Vec::new(),
        pool,
    };
    let xml = "<user_response><user><name>Ann</name><email_address>a@b.example</email_address>\
               <assigned_workflows>1</assigned_workflows></user></user_response>";
    assert_eq!(
        UserReader.read(xml.as_bytes(), &FileContext::default(), &mut sink),
        Ok(1)
    );
    let user = &sink.records[0];
    assert!(user.fields.capacity() >= 64, "the used field vector");
    for field in ["name", "email_address"] {
        match user.get(field) {
            Some(Value::Text(text)) => assert!(text.capacity() >= 1000, "{field}: {text:?}"),
            other => panic!("{field}: {other:?}"),
        }
    }
    match user.get("assigned_workflows") {
        Some(Value::List(items)) => {
            assert_eq!(items, &["1"]);
            assert!(items.capacity() >= 50, "the used list");
            assert!(items[0].capacity() >= 1000, "a used string");
        }
        other => panic!("{other:?}"),
    }
}
