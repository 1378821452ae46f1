//! Records of structured sources (XML, JSON): named fields, before mapping to a schema.

use std::borrow::Cow;
use std::fmt;

/// The value of one field of a record.
///
/// ```
/// use nebulk_read::Value;
/// assert_eq!(Value::List(vec!["1".into(), "2".into()]).joined(","), "1,2");
/// assert_eq!(Value::Null.joined(","), "");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Absent or null.
    Null,
    /// One value (numbers and booleans as their text).
    Text(String),
    /// Several values, e.g. a comma list or a JSON array of scalars.
    List(Vec<String>),
}

impl Value {
    /// The value as one string, list items joined with `separator`.
    pub fn joined(&self, separator: &str) -> String {
        match self {
            Value::Null => String::new(),
            Value::Text(text) => text.clone(),
            Value::List(items) => items.join(separator),
        }
    }
}

/// One record: the fields of one user, one session, one roles answer.
///
/// ```
/// use nebulk_read::{Record, Value};
/// let mut record = Record::new(3);
/// record.push("name", Value::Text("John Doe".into()));
/// assert_eq!(record.get("name"), Some(&Value::Text("John Doe".into())));
/// assert_eq!(record.get("email"), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Record {
    /// 1-based line of the record's start in its file (0 when unknown).
    pub line: u64,
    /// The fields in document order. Nested names are joined with `.` (`attributes.title`).
    /// Names are borrowed when they are fixed (`&'static str`): no allocation per record.
    pub fields: Vec<(Cow<'static, str>, Value)>,
}

impl Record {
    /// An empty record starting at `line`.
    pub fn new(line: u64) -> Record {
        Record {
            line,
            fields: Vec::new(),
        }
    }

    /// An empty record starting at `line`, with room for `fields` fields.
    pub fn with_capacity(line: u64, fields: usize) -> Record {
        Record {
            line,
            fields: Vec::with_capacity(fields),
        }
    }

    /// Adds a field. A `&'static str` name is kept borrowed; a `String` is moved in.
    pub fn push(&mut self, name: impl Into<Cow<'static, str>>, value: Value) {
        self.fields.push((name.into(), value));
    }

    /// The first field named `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// Allocations of used records, for new ones: a reader that takes its strings here costs no
/// allocation per field once records come back (see [`crate::RecordStream::recycle`]).
#[derive(Debug, Default)]
pub(crate) struct Spare {
    strings: Vec<String>,
    lists: Vec<Vec<String>>,
    fields: Vec<Vec<(Cow<'static, str>, Value)>>,
}

impl Spare {
    /// At most this many strings are kept (and a tenth as many lists and field vectors): records
    /// that come back with more than was taken for them (extra fields) do not grow the pool
    /// beyond about two batches' worth.
    const MAX_STRINGS: usize = 1 << 14;

    /// Keeps the allocations of a used record.
    pub(crate) fn recycle(&mut self, record: Record) {
        let mut fields = record.fields;
        for (_, value) in fields.drain(..) {
            match value {
                Value::Null => {}
                Value::Text(text) => self.keep(text),
                Value::List(mut items) => {
                    for item in items.drain(..) {
                        self.keep(item);
                    }
                    if self.lists.len() < Self::MAX_STRINGS / 10 {
                        self.lists.push(items);
                    }
                }
            }
        }
        if self.fields.len() < Self::MAX_STRINGS / 10 {
            self.fields.push(fields);
        }
    }

    fn keep(&mut self, text: String) {
        if self.strings.len() < Self::MAX_STRINGS {
            self.strings.push(text);
        }
    }

    /// `text` as a `String`, in a used one when there is one.
    pub(crate) fn string(&mut self, text: &str) -> String {
        match self.strings.pop() {
            Some(mut string) => {
                string.clear();
                string.push_str(text);
                string
            }
            None => text.to_string(),
        }
    }

    /// An empty list, used when there is one.
    pub(crate) fn list(&mut self) -> Vec<String> {
        self.lists.pop().unwrap_or_default()
    }

    /// Gives back a list that was not used.
    pub(crate) fn unused_list(&mut self, list: Vec<String>) {
        if self.lists.len() < Self::MAX_STRINGS / 10 {
            self.lists.push(list);
        }
    }

    /// An empty record at `line`, in a used one's field vector when there is one.
    pub(crate) fn record(&mut self, line: u64, fields: usize) -> Record {
        match self.fields.pop() {
            Some(mut used) => {
                used.reserve(fields);
                Record { line, fields: used }
            }
            None => Record::with_capacity(line, fields),
        }
    }
}

/// A structured file is malformed, or is an error answer of the system that produced it. Fatal
/// for the file; the message says where.
///
/// ```
/// let e = nebulk_read::FormatError::at_line(4, Some(12), "expected `>`");
/// assert_eq!(e.to_string(), "line 4, column 12: expected `>`");
/// let e = nebulk_read::FormatError::at_byte(1024, "unexpected end of file");
/// assert_eq!(e.to_string(), "byte 1024: unexpected end of file");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// 1-based line, when known.
    pub line: Option<u64>,
    /// 1-based column, when known.
    pub column: Option<u64>,
    /// 0-based byte offset, when known and no line is.
    pub byte: Option<u64>,
    /// What is wrong.
    pub message: String,
}

impl FormatError {
    /// An error at a line (and column).
    pub fn at_line(line: u64, column: Option<u64>, message: impl Into<String>) -> FormatError {
        FormatError {
            line: Some(line),
            column,
            byte: None,
            message: message.into(),
        }
    }

    /// An error at a byte offset.
    pub fn at_byte(byte: u64, message: impl Into<String>) -> FormatError {
        FormatError {
            line: None,
            column: None,
            byte: Some(byte),
            message: message.into(),
        }
    }

    /// An error about the file as a whole (e.g. an error answer).
    pub fn whole(message: impl Into<String>) -> FormatError {
        FormatError {
            line: None,
            column: None,
            byte: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column, self.byte) {
            (Some(line), Some(column), _) => write!(f, "line {line}, column {column}: ")?,
            (Some(line), None, _) => write!(f, "line {line}: ")?,
            (None, _, Some(byte)) => write!(f, "byte {byte}: ")?,
            (None, _, None) => {}
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for FormatError {}
