//! Records of structured sources (XML, JSON): named fields, before mapping to a schema.
//!
//! A [`Record`] is what a [`crate::RecordReader`] reads: one user, one session, one roles
//! answer, its fields in document order with their [`Value`]s. The mapping (`nebulk-map`) turns
//! records into rows of the schema.

use std::borrow::Cow;

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
