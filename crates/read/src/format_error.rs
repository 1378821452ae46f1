//! The error of a structured file that is malformed or is an error answer: [`FormatError`].

use std::fmt;

/// A structured file is malformed, or is an error answer of the system that produced it. Fatal
/// for the file; the message says where ([`FormatError::position`]).
///
/// ```
/// use nebulk_read::{FormatError, Position};
/// let e = FormatError::at_line(4, Some(12), "expected `>`");
/// assert_eq!(e.to_string(), "line 4, column 12: expected `>`");
/// assert_eq!(e.position(), Position::Line { line: 4, column: Some(12) });
/// let e = FormatError::at_byte(1024, "unexpected end of file");
/// assert_eq!(e.to_string(), "byte 1024: unexpected end of file");
/// assert_eq!(e.message(), "unexpected end of file");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    position: Position,
    message: String,
}

/// Where in a file a [`FormatError`] is. Lines and columns are 1-based (a column counts
/// bytes); a byte offset is 0-based and given only where no line is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Position {
    /// The file as a whole (an error answer, a file in the wrong encoding).
    Whole,
    /// A line, and the column when known.
    Line {
        /// 1-based line.
        line: u64,
        /// 1-based column (in bytes), when known.
        column: Option<u64>,
    },
    /// A 0-based byte offset.
    Byte(u64),
}

impl FormatError {
    /// An error at a line (and column).
    pub fn at_line(line: u64, column: Option<u64>, message: impl Into<String>) -> FormatError {
        FormatError {
            position: Position::Line { line, column },
            message: message.into(),
        }
    }

    /// An error at a byte offset.
    pub fn at_byte(byte: u64, message: impl Into<String>) -> FormatError {
        FormatError {
            position: Position::Byte(byte),
            message: message.into(),
        }
    }

    /// An error about the file as a whole (e.g. an error answer).
    pub fn whole(message: impl Into<String>) -> FormatError {
        FormatError {
            position: Position::Whole,
            message: message.into(),
        }
    }

    /// Where the error is.
    pub fn position(&self) -> Position {
        self.position
    }

    /// What is wrong, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Position::Line {
                line,
                column: Some(column),
            } => write!(f, "line {line}, column {column}: ")?,
            Position::Line { line, column: None } => write!(f, "line {line}: ")?,
            Position::Byte(byte) => write!(f, "byte {byte}: ")?,
            Position::Whole => {}
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for FormatError {}
