//! [`ColumnarError`]: why a Parquet, IPC or NDJSON file cannot be read, or an output written.

use std::io;

/// Why a columnar file cannot be read, or a typed output written. Messages name the column or
/// row group at fault; the caller adds the file's name.
///
/// ```
/// let e = nebulk_columnar::ColumnarError::Invalid("row group 3: it declares 5 rows".into());
/// assert_eq!(e.to_string(), "row group 3: it declares 5 rows");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ColumnarError {
    /// The file could not be opened or read.
    #[error("cannot read it: {0}")]
    Io(#[from] io::Error),
    /// The file is not what it must be: truncated, a damaged footer, a bomb, a column of a type
    /// nebulk does not read. The message says which.
    #[error("{0}")]
    Invalid(String),
    /// polars returned an error; `what` says what it was doing.
    #[error("{what}: {message}")]
    Polars {
        /// What polars was asked to do ("reading row group 2").
        what: String,
        /// polars' message.
        message: String,
    },
    /// polars panicked on the file (caught): the file is damaged in a way it does not check.
    #[error("{what}: polars failed on it ({why}); the file is damaged")]
    Panicked {
        /// What polars was asked to do.
        what: String,
        /// The panic's message.
        why: String,
    },
}

impl ColumnarError {
    /// A polars error, with what polars was doing.
    pub(crate) fn polars(what: impl Into<String>, error: impl std::fmt::Display) -> ColumnarError {
        ColumnarError::Polars {
            what: what.into(),
            message: error.to_string(),
        }
    }
}

impl From<ColumnarError> for nebulk_read::ReadError {
    fn from(e: ColumnarError) -> nebulk_read::ReadError {
        match e {
            ColumnarError::Io(io) => nebulk_read::ReadError::Open(io),
            other => {
                nebulk_read::ReadError::Format(nebulk_read::FormatError::whole(other.to_string()))
            }
        }
    }
}
