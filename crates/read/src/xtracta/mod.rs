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
//! [`UserReader`] streams the `<user>` elements of the answer, one [`Record`] per user, in
//! document order (see [`RecordReader`]). The whole answer is never held in memory: it is read
//! 4 MiB at a time, and each window is cut where a line starts a `<user>` into pieces that
//! rayon's workers parse at once. The cuts are checked (each piece must leave the root open for
//! the next) and anything unusual (a cut inside a comment, a late status, a malformed piece) is
//! read on one thread from that piece on, so records, lines and errors are always those of a
//! reading on one thread. An answer with no line breaks between users (or one huge user) is
//! read on one thread, in memory bounded by the window and its largest element.
//!
//! # The record
//!
//! Each record has the fields of [`FIELDS`], always all five and in that order, and its
//! [`Record::line`] is the line of the `<user>` start tag. A field outside the reader's
//! [`crate::Projection`] (no mapping rule reads it) is [`Value::Null`]: its element is parsed and
//! checked, its text not collected.
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
//! use nebulk_read::xtracta::UserReader;
//! use nebulk_read::{FileContext, RecordReader, Value};
//!
//! let xml = "<user_response>\n<status>200</status><message>OK</message>\n\
//!            <user><user_id>7</user_id><name> Ann &amp; Co </name>\
//!            <assigned_workflows>1, 2</assigned_workflows></user>\n</user_response>";
//! let users = UserReader.read_all(xml.as_bytes(), &FileContext::default()).unwrap();
//! assert_eq!(users.len(), 1);
//! assert_eq!(users[0].line, 3);
//! assert_eq!(users[0].get("name"), Some(&Value::Text("Ann & Co".into())));
//! assert_eq!(users[0].get("email_address"), Some(&Value::Null));
//! assert_eq!(
//!     users[0].get("assigned_workflows"),
//!     Some(&Value::List(vec!["1".into(), "2".into()]))
//! );
//!
//! let error = "<user_response><status>401</status><message>Invalid API key</message></user_response>";
//! let e = UserReader.read_all(error.as_bytes(), &FileContext::default()).unwrap_err();
//! assert_eq!(e.to_string(), "the Xtracta answer is an error: status 401: Invalid API key");
//! ```

use std::io::BufRead;

use crate::xml::{local, XmlEvent, XmlStream};
use crate::xtracta::parallel::Split;
use crate::{
    FileContext, FormatError, Projection, Record, RecordPool, RecordReader, RecordSink, Value,
};

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

/// Which of [`FIELDS`] are read ([`crate::Projection`]): a field not read is skipped (its text
/// is not collected) and given as `Null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Reads([bool; FIELDS.len()]);

impl Reads {
    /// Every field.
    pub(super) const ALL: Reads = Reads([true; FIELDS.len()]);

    /// The fields `projection` reads.
    pub(super) fn of(projection: &Projection) -> Reads {
        Reads(FIELDS.map(|field| projection.reads(field)))
    }

    /// The index in [`FIELDS`] of the field named `name`, when it is read.
    pub(super) fn field(self, name: &str) -> Option<usize> {
        FIELDS
            .iter()
            .position(|f| *f == name)
            .filter(|&index| self.0[index])
    }
}

/// Index of `assigned_workflows`, the list field, in [`FIELDS`].
const LIST_FIELD: usize = 4;

/// The reader of Xtracta "Get User" answers: streams the `<user>` elements of a
/// `<user_response>`, one record per user in document order, taking the records' strings from
/// the sink's [`RecordPool`].
///
/// See the [module documentation](self) for the record and the errors.
///
/// ```
/// use nebulk_read::xtracta::UserReader;
/// use nebulk_read::{FileContext, RecordReader};
///
/// let xml = "<user_response><user><user_id>1</user_id></user><user><user_id>2</user_id></user></user_response>";
/// let mut first = None;
/// let count = UserReader.read_each(xml.as_bytes(), &FileContext::default(), |user| {
///     first = Some(user);
///     false // stop after the first user
/// })
/// .unwrap();
/// assert_eq!(count, 1);
/// assert_eq!(first.unwrap().fields.len(), 5);
///
/// let e = UserReader.read_all("<users/>".as_bytes(), &FileContext::default()).unwrap_err();
/// assert_eq!(e.to_string(), "line 1, column 1: the root element is <users>, expected <user_response>");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct UserReader;

impl RecordReader for UserReader {
    fn read<B: BufRead, S: RecordSink>(
        &self,
        input: B,
        context: &FileContext<'_>,
        sink: &mut S,
    ) -> Result<u64, FormatError> {
        let reads = Reads::of(context.projection);
        parallel::read_in_pieces(input, Split::DEFAULT, reads, sink)
    }
}

/// The sequential reading of a whole answer, on this thread: what [`UserReader`] gives,
/// whatever it cuts. For the differential fuzz target `xtracta_pieces`; not for other use.
#[doc(hidden)]
pub fn read_whole<B: BufRead, S: RecordSink>(input: B, sink: &mut S) -> Result<u64, FormatError> {
    read_answer(input, Begin::Document, Reads::ALL, sink)
}

/// [`UserReader`]'s reading with the answer cut into pieces of at least `piece` bytes, read
/// `window` bytes at a time (its own sizes are 256 KiB and 4 MiB): small sizes make small
/// inputs take the parallel path. For the differential fuzz target `xtracta_pieces`; not for
/// other use.
///
/// ```
/// use nebulk_read::{xtracta, EachRecord};
/// let xml = "<user_response>\n<user><user_id>1</user_id></user>\n<user><user_id>2</user_id></user>\n</user_response>\n";
/// let lines = |pieces: bool| {
///     let mut lines = Vec::new();
///     let mut sink = EachRecord::new(|user: nebulk_read::Record| { lines.push(user.line); true });
///     let count = if pieces {
///         xtracta::read_in_pieces_of(xml.as_bytes(), 8, 64, &mut sink)
///     } else {
///         xtracta::read_whole(xml.as_bytes(), &mut sink)
///     };
///     (count.unwrap(), lines)
/// };
/// assert_eq!(lines(true), (2, vec![2, 3]));
/// assert_eq!(lines(true), lines(false));
/// ```
#[doc(hidden)]
pub fn read_in_pieces_of<B: BufRead, S: RecordSink>(
    input: B,
    piece: usize,
    window: usize,
    sink: &mut S,
) -> Result<u64, FormatError> {
    parallel::read_in_pieces(input, Split { piece, window }, Reads::ALL, sink)
}

/// Where [`read_answer`] begins.
enum Begin<'a> {
    /// At the start of the document.
    Document,
    /// At the start of line `line`, inside the root (`root`, opened on `root_line`), after a
    /// prologue whose status was 200 or absent and whose message was `message`.
    InRoot {
        root: &'a str,
        root_line: u64,
        line: u64,
        message: Option<String>,
    },
}

/// Reads the users of one answer into `sink`, on this thread, from where `begin` says, the
/// fields `reads` reads.
fn read_answer<B: BufRead, S: RecordSink>(
    input: B,
    begin: Begin<'_>,
    reads: Reads,
    sink: &mut S,
) -> Result<u64, FormatError> {
    let (mut xml, mut message) = match begin {
        Begin::Document => {
            let mut xml = XmlStream::new(input)?;
            let (root, _, root_pos) = xml.root()?;
            if local(&root) != "user_response" {
                return Err(root_pos.error(format!(
                    "the root element is <{root}>, expected <user_response>"
                )));
            }
            (xml, None)
        }
        Begin::InRoot {
            root,
            root_line,
            line,
            message,
        } => (XmlStream::resume(input, root, root_line, line), message),
    };

    let mut count = 0u64;
    let mut collect: Option<Collect> = None;
    // The text of the element being collected; one buffer reused for every element.
    let mut text = String::new();
    let mut user: Option<UserBuilder> = None;
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
                    reads
                        .field(name)
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
                                let value = field_value(index, &text, c.nil, sink.pool());
                                user.set(index, value);
                            }
                        }
                    }
                } else if pos.depth == 2 {
                    if let Some(done) = user.take() {
                        if bad_status.is_none() {
                            count += 1;
                            let record = done.finish(sink.pool());
                            if !sink.emit(record) {
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
fn field_value(index: usize, text: &str, nil: bool, pool: &mut RecordPool) -> Value {
    let text = text.trim();
    if nil || text.is_empty() {
        return Value::Null;
    }
    if index == LIST_FIELD {
        let mut items = pool.list();
        for item in text.split(',').map(str::trim) {
            if !item.is_empty() {
                items.push(pool.string(item));
            }
        }
        if items.is_empty() {
            pool.unused_list(items);
            Value::Null
        } else {
            Value::List(items)
        }
    } else {
        Value::Text(pool.string(text))
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

    fn finish(self, pool: &mut RecordPool) -> Record {
        let mut record = pool.record(self.line, FIELDS.len());
        for (name, value) in FIELDS.iter().zip(self.values) {
            record.push(*name, value.unwrap_or(Value::Null));
        }
        record
    }
}

mod parallel;
#[cfg(test)]
mod parallel_tests;
mod piece;
#[cfg(test)]
mod tests;
