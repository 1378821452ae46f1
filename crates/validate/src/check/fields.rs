//! The checks of a row as a whole, before its values: the number of fields, the problems its
//! reader found, and the text of its fields ([`RowFields`]).

use nebulk_read::{not_utf8_message, wrong_field_count_message, ProblemKind, Row};

use super::Field;
use crate::code::Code;
use crate::verdict::Issue;

/// The `malformed-row` issue of a row whose number of fields is neither `width` (the header's)
/// nor between `named_width` (up to the last named column) and `width`: a row may leave out
/// the unnamed columns at the end of the header.
pub(crate) fn field_count(row: &Row, width: usize, named_width: usize) -> Option<Issue> {
    let fields = row.record.len();
    if fields == width || (named_width..width).contains(&fields) {
        return None;
    }
    let mut message = wrong_field_count_message(width, fields);
    // A quote left open swallows the lines after it into one field.
    let spanning = row
        .record
        .iter()
        .position(|f| f.iter().any(|&b| b == b'\n' || b == b'\r'));
    if let Some(i) = spanning {
        message.push_str(&format!(
            " (field {} runs over several lines: is a quote left open?)",
            i + 1
        ));
    }
    Some(Issue {
        code: Code::MalformedRow,
        column: None,
        message,
    })
}

/// Adds an issue for each problem the reader found in the row (a failed transform, a malformed
/// record, a field that is not text), naming its column's header when it has one.
pub(crate) fn reader_problems(row: &Row, header: &[String], issues: &mut Vec<Issue>) {
    for problem in &row.problems {
        let code = match problem.kind {
            ProblemKind::Transform => Code::TransformFailed,
            ProblemKind::Malformed => Code::MalformedRow,
            ProblemKind::Encoding => Code::InvalidEncoding,
        };
        let message = match problem.column.and_then(|c| header.get(c)) {
            Some(name) => format!("{name}: {}", problem.message),
            None => problem.message.clone(),
        };
        issues.push(Issue {
            code,
            column: problem.column,
            message,
        });
    }
}

/// Whether the reader found the row malformed: as for a row with the wrong number of fields,
/// its fields cannot be trusted, and are not checked.
pub(crate) fn is_malformed(row: &Row) -> bool {
    row.problems
        .iter()
        .any(|p| p.kind == ProblemKind::Malformed)
}

/// A row's fields as text. One UTF-8 check covers the whole row, and a field is then a slice of
/// it, unless the row has bad bytes (or a character split across fields), when each field is
/// checked alone. One scan finds whether the row holds a NUL byte; fields are searched only
/// when it does.
pub(crate) struct RowFields<'a> {
    row: &'a Row,
    whole: Option<&'a str>,
    has_nul: bool,
}

impl<'a> RowFields<'a> {
    /// Looks at the whole row once.
    #[inline]
    pub(crate) fn new(row: &'a Row) -> RowFields<'a> {
        RowFields {
            row,
            whole: simdutf8::basic::from_utf8(row.record.as_slice()).ok(),
            // A NUL byte is valid UTF-8 but not text.
            has_nul: memchr::memchr(0, row.record.as_slice()).is_some(),
        }
    }

    /// Whether the reader found a problem in the field at `column` (a failed transform): its
    /// reason is given already, and the field is not checked again.
    #[inline]
    pub(crate) fn reported(&self, column: usize) -> bool {
        self.row.problems.iter().any(|p| p.column == Some(column))
    }

    /// The field's value, trimmed, or the `invalid-encoding` issue of a field that is not text:
    /// not UTF-8, or holding a NUL byte.
    #[inline]
    pub(crate) fn value(&self, field: Field<'_>) -> Result<&'a str, Issue> {
        let column = field.column;
        let text = match (self.whole, self.row.record.range(column)) {
            (Some(text), Some(range)) => match text.get(range) {
                Some(text) => Ok(text),
                None => std::str::from_utf8(&self.row.record[column]),
            },
            _ => std::str::from_utf8(&self.row.record[column]),
        };
        let value = match text {
            Ok(raw) => crate::rules::trim(raw),
            Err(e) => {
                return Err(Issue {
                    code: Code::InvalidEncoding,
                    column: Some(column),
                    message: not_utf8_message(field.header, &e),
                })
            }
        };
        let nul = if self.has_nul {
            self.row.record[column].iter().position(|&b| b == 0)
        } else {
            None
        };
        match nul {
            Some(at) => Err(field.issue(
                Code::InvalidEncoding,
                format_args!("holds a NUL byte (at position {} of the field)", at + 1),
            )),
            None => Ok(value),
        }
    }
}
