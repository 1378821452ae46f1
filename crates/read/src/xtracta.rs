//! Xtracta "Get User" XML answers (`POST https://api-app.xtracta.com/v1/user`).
//!
//! # The format
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <user_response>
//!     <status>200</status>
//!     <message>The request has been successfully processed</message>
//!     <user>
//!        <user_id>123</user_id>
//!        <name>John Doe</name>
//!        <email_address>john.doe@xtracta.com</email_address>
//!        <primary_group_id>3</primary_group_id>
//!        <assigned_workflows>496553,496941,498082</assigned_workflows>
//!     </user>
//! </user_response>
//! ```
//!
//! [`read_users`] streams the `<user>` elements of the answer, one [`Record`] per user, in
//! document order. The whole answer is never held in memory: a gigabyte answer is read in
//! memory bounded by its largest element.
//!
//! # The record
//!
//! Each record has the fields of [`FIELDS`], always all five and in that order, and its
//! [`Record::line`] is the line of the `<user>` start tag.
//!
//! - `user_id`, `name`, `email_address`, `primary_group_id`: the element's text, entities
//!   resolved and surrounding whitespace trimmed, as [`Value::Text`]. A missing element, an
//!   empty one (or one holding only whitespace) and one with `xsi:nil="true"` (any prefix) are
//!   [`Value::Null`].
//! - `assigned_workflows`: a [`Value::List`]. The vendor's XSD types it as one integer while
//!   real answers hold a comma-separated list, so both are accepted: `496553` is `["496553"]`,
//!   `1, 2,3` is `["1", "2", "3"]` (items trimmed, empty items dropped). Empty or nil is
//!   [`Value::Null`].
//! - Unknown child elements of `<user>` (and their content) are ignored, as is anything nested
//!   inside one of the five field elements. When a field element appears twice in one user, the
//!   first one counts.
//!
//! # Error answers and malformed files
//!
//! Every problem is a [`FormatError`], fatal for the file:
//!
//! - The root element must be `<user_response>` (any namespace prefix); another root is named
//!   with its line.
//! - A `<status>` other than `200` is an error answer, reported as
//!   `the Xtracta answer is an error: status 401: Invalid API key` (status and `<message>`).
//!   Real answers give the status before the users; should a non-200 status come later, the
//!   read still fails, after the users already emitted. An answer without `<status>` is read as
//!   a success.
//! - Malformed XML (a truncated tag, a mismatched end tag, an unknown entity such as `&foo;`,
//!   text or a second element after the root, an unclosed element at the end) is reported
//!   with its line and column. Columns count bytes from 1.
//! - Any `<!DOCTYPE>` is refused ("DOCTYPE declarations are not accepted (entity
//!   expansion)"), so no entity expansion ("billion laughs") or external entity can happen;
//!   only the five predefined entities and character references are resolved.
//! - Elements nested deeper than 64 levels are refused, so depth costs neither stack nor
//!   memory.
//! - The input must be UTF-8 (a UTF-8 byte order mark is skipped; UTF-16 is refused).
//!
//! # Example
//!
//! ```
//! use nebulk_read::xtracta::read_users;
//! use nebulk_read::Value;
//!
//! let xml = "<user_response>\n<status>200</status><message>OK</message>\n\
//!            <user><user_id>7</user_id><name> Ann &amp; Co </name>\
//!            <assigned_workflows>1, 2</assigned_workflows></user>\n</user_response>";
//! let mut users = Vec::new();
//! let count = read_users(xml.as_bytes(), &mut |user| {
//!     users.push(user);
//!     true
//! })
//! .unwrap();
//! assert_eq!(count, 1);
//! assert_eq!(users[0].line, 3);
//! assert_eq!(users[0].get("name"), Some(&Value::Text("Ann & Co".into())));
//! assert_eq!(users[0].get("email_address"), Some(&Value::Null));
//! assert_eq!(
//!     users[0].get("assigned_workflows"),
//!     Some(&Value::List(vec!["1".into(), "2".into()]))
//! );
//!
//! let error = "<user_response><status>401</status><message>Invalid API key</message></user_response>";
//! let e = read_users(error.as_bytes(), &mut |_| true).unwrap_err();
//! assert_eq!(e.to_string(), "the Xtracta answer is an error: status 401: Invalid API key");
//! ```

use std::cell::RefCell;
use std::io::BufRead;

use crate::record::Spare;
use crate::xml::{local, XmlEvent, XmlStream};
use crate::{FormatError, Record, Value};

/// The fields of an Xtracta user record, in the order of every record.
///
/// ```
/// assert_eq!(nebulk_read::xtracta::FIELDS[4], "assigned_workflows");
/// ```
pub const FIELDS: [&str; 5] = [
    "user_id",
    "name",
    "email_address",
    "primary_group_id",
    "assigned_workflows",
];

/// Index of `assigned_workflows`, the list field, in [`FIELDS`].
const LIST_FIELD: usize = 4;

/// Streams the `<user>` elements of a `<user_response>`, calling `emit` once per user in
/// document order; stops early (with `Ok`) when `emit` returns `false`. Returns the number of
/// users emitted (counting the one whose `emit` returned `false`).
///
/// See the [module documentation](self) for the record and the errors.
///
/// ```
/// use nebulk_read::xtracta::read_users;
///
/// let xml = "<user_response><user><user_id>1</user_id></user><user><user_id>2</user_id></user></user_response>";
/// let mut first = None;
/// let count = read_users(xml.as_bytes(), &mut |user| {
///     first = Some(user);
///     false // stop after the first user
/// })
/// .unwrap();
/// assert_eq!(count, 1);
/// assert_eq!(first.unwrap().fields.len(), 5);
///
/// let e = read_users("<users/>".as_bytes(), &mut |_| true).unwrap_err();
/// assert_eq!(e.to_string(), "line 1, column 1: the root element is <users>, expected <user_response>");
/// ```
pub fn read_users<R: BufRead>(
    input: R,
    emit: &mut dyn FnMut(Record) -> bool,
) -> Result<u64, FormatError> {
    read_users_reusing(input, emit, &RefCell::new(Spare::default()))
}

/// [`read_users`], taking the records' allocations from `spare` where it has some.
pub(crate) fn read_users_reusing<R: BufRead>(
    input: R,
    emit: &mut dyn FnMut(Record) -> bool,
    spare: &RefCell<Spare>,
) -> Result<u64, FormatError> {
    let mut xml = XmlStream::new(input)?;
    let (root, _, root_pos) = xml.root()?;
    if local(&root) != "user_response" {
        return Err(root_pos.error(format!(
            "the root element is <{root}>, expected <user_response>"
        )));
    }

    let mut count = 0u64;
    let mut collect: Option<Collect> = None;
    // The text of the element being collected; one buffer reused for every element.
    let mut text = String::new();
    let mut user: Option<UserBuilder> = None;
    let mut message: Option<String> = None;
    let mut bad_status: Option<String> = None;

    loop {
        let (event, pos) = xml.next()?;
        match event {
            XmlEvent::Start { name, attrs } => {
                let name = local(name);
                let started = if pos.depth == 2 {
                    match name {
                        "status" => Some(Collect::new(Target::Status, 2, false)),
                        "message" => Some(Collect::new(Target::Message, 2, false)),
                        "user" => {
                            user = Some(UserBuilder::new(pos.line));
                            None
                        }
                        _ => None,
                    }
                } else if pos.depth == 3 && user.is_some() {
                    FIELDS
                        .iter()
                        .position(|f| *f == name)
                        .map(|index| Collect::new(Target::Field(index), 3, is_nil(&attrs)))
                } else {
                    None
                };
                if started.is_some() {
                    text.clear();
                    collect = started;
                }
            }
            XmlEvent::Text(more) => {
                if collect.as_ref().is_some_and(|c| c.depth == pos.depth) {
                    text.push_str(more);
                }
            }
            XmlEvent::End { .. } => {
                if let Some(c) = collect.take_if(|c| c.depth == pos.depth) {
                    match c.target {
                        Target::Status => {
                            let status = text.trim();
                            if status != "200" {
                                if let Some(message) = &message {
                                    return Err(error_answer(status, message));
                                }
                                bad_status = Some(status.to_string());
                            }
                        }
                        Target::Message => {
                            let text = text.trim().to_string();
                            if let Some(status) = &bad_status {
                                return Err(error_answer(status, &text));
                            }
                            message = Some(text);
                        }
                        Target::Field(index) => {
                            if let Some(user) = user.as_mut() {
                                let value = field_value(index, &text, c.nil, spare);
                                user.set(index, value);
                            }
                        }
                    }
                } else if pos.depth == 2 {
                    if let Some(done) = user.take() {
                        if bad_status.is_none() {
                            count += 1;
                            let record = done.finish(spare);
                            if !emit(record) {
                                return Ok(count);
                            }
                        }
                    }
                }
            }
            XmlEvent::Eof => break,
        }
    }
    match bad_status {
        Some(status) => Err(error_answer(&status, "")),
        None => Ok(count),
    }
}

/// The error of a non-200 answer.
fn error_answer(status: &str, message: &str) -> FormatError {
    let status = if status.is_empty() { "(empty)" } else { status };
    if message.is_empty() {
        FormatError::whole(format!("the Xtracta answer is an error: status {status}"))
    } else {
        FormatError::whole(format!(
            "the Xtracta answer is an error: status {status}: {message}"
        ))
    }
}

/// Whether an element's attributes say `xsi:nil="true"` (any prefix).
fn is_nil(attrs: &[(String, String)]) -> bool {
    attrs.iter().any(|(key, value)| {
        key.contains(':') && local(key) == "nil" && matches!(value.trim(), "true" | "1")
    })
}

/// The value of field `index` from its text.
fn field_value(index: usize, text: &str, nil: bool, spare: &RefCell<Spare>) -> Value {
    let text = text.trim();
    if nil || text.is_empty() {
        return Value::Null;
    }
    let mut spare = spare.borrow_mut();
    if index == LIST_FIELD {
        let mut items = spare.list();
        for item in text.split(',').map(str::trim) {
            if !item.is_empty() {
                items.push(spare.string(item));
            }
        }
        if items.is_empty() {
            spare.unused_list(items);
            Value::Null
        } else {
            Value::List(items)
        }
    } else {
        Value::Text(spare.string(text))
    }
}

/// What the text being collected is for.
enum Target {
    Status,
    Message,
    Field(usize),
}

/// An element whose text is being collected (into the reader's one text buffer).
struct Collect {
    target: Target,
    /// Depth of the element: only its direct text is collected.
    depth: usize,
    nil: bool,
}

impl Collect {
    fn new(target: Target, depth: usize, nil: bool) -> Collect {
        Collect { target, depth, nil }
    }
}

/// A `<user>` being read.
struct UserBuilder {
    line: u64,
    values: [Option<Value>; 5],
}

impl UserBuilder {
    fn new(line: u64) -> UserBuilder {
        UserBuilder {
            line,
            values: Default::default(),
        }
    }

    /// Sets a field unless it was already set (the first occurrence counts).
    fn set(&mut self, index: usize, value: Value) {
        if let Some(slot) = self.values.get_mut(index) {
            if slot.is_none() {
                *slot = Some(value);
            }
        }
    }

    fn finish(self, spare: &RefCell<Spare>) -> Record {
        let mut record = spare.borrow_mut().record(self.line, FIELDS.len());
        for (name, value) in FIELDS.iter().zip(self.values) {
            record.push(*name, value.unwrap_or(Value::Null));
        }
        record
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::cell::Cell;
    use std::io::{BufReader, Read};
    use std::rc::Rc;

    const SAMPLE: &[u8] = include_bytes!("../../../testdata/readers/xtracta/sample-response.xml");
    const SINGLE: &[u8] = include_bytes!("../../../testdata/readers/xtracta/single-workflow.xml");
    const THREE: &[u8] = include_bytes!("../../../testdata/readers/xtracta/three-users.xml");
    const ERROR_401: &[u8] = include_bytes!("../../../testdata/readers/xtracta/error-401.xml");
    const TRUNCATED: &[u8] = include_bytes!("../../../testdata/readers/xtracta/truncated.xml");
    const WRONG_ROOT: &[u8] = include_bytes!("../../../testdata/readers/xtracta/wrong-root.xml");
    const LAUGHS: &[u8] = include_bytes!("../../../testdata/readers/xtracta/billion-laughs.xml");
    const XXE: &[u8] = include_bytes!("../../../testdata/readers/xtracta/external-entity.xml");
    const UNKNOWN_ENTITY: &[u8] =
        include_bytes!("../../../testdata/readers/xtracta/unknown-entity.xml");
    const MISMATCHED: &[u8] =
        include_bytes!("../../../testdata/readers/xtracta/mismatched-end.xml");
    const TRAILING: &[u8] = include_bytes!("../../../testdata/readers/xtracta/text-after-root.xml");

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
            "496553", "496941", "498082", "503860", "504988", "505283", "505328", "673490",
            "694444", "698730", "872472", "877141",
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
        // Only the first buffer or so was read, not the 20 MB answer.
        assert!(read.get() < 32 * 1024, "read {} bytes", read.get());
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
}
