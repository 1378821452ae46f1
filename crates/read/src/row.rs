//! Rows: one data row as read ([`Row`]), its fields still bytes, with the problems found
//! while producing it ([`RowProblem`]) for the validator to reject it with.

use std::sync::Arc;

use crate::fields::Fields;

/// One data row as read: its fields as bytes and where it starts.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// 1-based line the row starts on in its file (for a spreadsheet, its row number; for XML
    /// and JSON, the line where the record starts).
    pub line: u64,
    /// Byte offset of the row's first byte in its file (0 where unknown).
    pub byte: u64,
    /// The fields, unmodified (not trimmed, not decoded).
    pub record: Fields,
    /// The file the row comes from, when the input is several files.
    pub file: Option<Arc<str>>,
    /// Problems found before validation (a mapping transform that failed), by field.
    pub problems: Vec<RowProblem>,
}

/// A problem found while producing a row (mapping a record, reading a source row to map it).
/// The validator rejects the row with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// What kind of problem.
    pub kind: ProblemKind,
    /// The 0-based field of the produced row it concerns, if one.
    pub column: Option<usize>,
    /// What went wrong.
    pub message: String,
}

/// A value quoted for a message: in single quotes, cut after 60 characters with `…`, so that a
/// message about a 50 MB field stays one short line (in the summary, `report.json` and
/// `rejects.csv`) and costs no copy of the field.
///
/// ```
/// use nebulk_read::quote_value;
/// assert_eq!(quote_value("ann@"), "'ann@'");
/// assert_eq!(quote_value(&"é".repeat(100)), format!("'{}…'", "é".repeat(60)));
/// ```
pub fn quote_value(value: &str) -> String {
    format!("'{}'", shorten_value(value))
}

/// `value` cut after 60 characters with `…`, as [`quote_value`] quotes it, without the quotes.
///
/// ```
/// use nebulk_read::shorten_value;
/// assert_eq!(shorten_value("ann@"), "ann@");
/// assert_eq!(shorten_value(&"é".repeat(100)), format!("{}…", "é".repeat(60)));
/// ```
pub fn shorten_value(value: &str) -> std::borrow::Cow<'_, str> {
    const MAX_CHARS: usize = 60;
    match value.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", value.get(..cut).unwrap_or_default()).into(),
        None => value.into(),
    }
}

/// The kinds of [`RowProblem`]; each becomes the validator code of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// A mapping transform could not handle the value (`transform-failed`).
    Transform,
    /// The source row had the wrong number of fields (`malformed-row`).
    Malformed,
    /// A source field was not UTF-8 (`invalid-encoding`).
    Encoding,
}

impl Row {
    /// A row of text fields, for sources that are not delimited text.
    ///
    /// ```
    /// let row = nebulk_read::Row::from_fields(7, ["ann", "lee"]);
    /// assert_eq!(row.line, 7);
    /// assert_eq!(&row.record[1], b"lee");
    /// ```
    pub fn from_fields<I, S>(line: u64, fields: I) -> Row
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        Row {
            line,
            record: fields.into_iter().collect(),
            ..Row::default()
        }
    }
}
