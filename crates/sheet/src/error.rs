//! How a file is refused: a [`ReadError::Format`] about the file as a whole, since a workbook
//! has no lines or byte offsets to point at. Every refusal of this crate is made here.

use nebulk_read::{FormatError, ReadError};

/// A [`ReadError::Format`] about the whole file, saying `message`.
pub(crate) fn format_error(message: String) -> ReadError {
    ReadError::Format(FormatError::whole(message))
}
