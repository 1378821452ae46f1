//! Fatal reading errors.

use std::io;

use crate::FormatError;

/// A fatal problem with the input file as a whole.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file has no header row.
    #[error("the file is empty: expected a header row")]
    NoHeader,
    /// A header cell is not text in the file's encoding.
    #[error("line {line}, column {column}: the header cell is not valid {encoding}{}", hint.as_deref().unwrap_or_default())]
    HeaderEncoding {
        /// The header's line.
        line: u64,
        /// 1-based column.
        column: usize,
        /// The encoding's name (`UTF-8`, `windows-1252`, ...).
        encoding: &'static str,
        /// For a cell that is not UTF-8 but reads as Windows-1252 text, what it reads as and
        /// the option to run again with.
        hint: Option<String>,
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
