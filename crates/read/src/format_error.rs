//! The error of a structured file that is malformed or is an error answer: [`FormatError`].

use std::fmt;

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
