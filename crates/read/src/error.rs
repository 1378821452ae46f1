//! Fatal reading errors.

use std::io;

use crate::record::FormatError;

/// A fatal problem with the input file as a whole.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file has no header row.
    #[error("the file is empty: expected a header row")]
    NoHeader,
    /// The file is UTF-16 (Excel's "Unicode text"); only UTF-8 is read.
    #[error("the file is UTF-16 ({0}); save it as CSV UTF-8 and run again")]
    Utf16(&'static str),
    /// A header cell is not UTF-8.
    #[error("line 1, column {column}: the header cell is not valid UTF-8")]
    HeaderEncoding {
        /// 1-based column.
        column: usize,
    },
    /// The header row has an empty cell.
    #[error("line {line}, column {column}: the header cell is empty")]
    EmptyHeaderCell {
        /// The header's line (a spreadsheet's header may be below title rows).
        line: u64,
        /// 1-based column.
        column: usize,
    },
    /// A structured file (XML, JSON, spreadsheet) is malformed or is an error answer.
    #[error(transparent)]
    Format(#[from] FormatError),
    /// A problem in one of several input files.
    #[error("{file}: {problem}")]
    InFile {
        /// The file.
        file: String,
        /// The problem.
        problem: Box<ReadError>,
    },
    /// The file could not be opened.
    #[error("cannot open it: {0}")]
    Open(io::Error),
    /// One of several CSV files has a header other than the first file's.
    #[error("its header differs from {first_file}'s: {detail}")]
    HeaderDiffers {
        /// The file whose header the others must have.
        first_file: String,
        /// Where they differ.
        detail: String,
    },
    /// Reading failed.
    #[error("read failed near line {line}: {error}")]
    Io {
        /// The line being read.
        line: u64,
        /// The underlying error (shown in the message, so not chained as a source).
        error: io::Error,
    },
}
