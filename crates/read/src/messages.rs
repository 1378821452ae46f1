//! Sentences about a row that more than one crate writes: a row source seen as records
//! ([`crate::RowRecords`]) and the validator's row checks say the same thing about the same
//! problem, in the same words, so that a finding reads alike whichever way the row came.

use std::str::Utf8Error;

/// The message of a row with the wrong number of fields.
///
/// ```
/// assert_eq!(nebulk_read::wrong_field_count_message(8, 9), "expected 8 fields, found 9");
/// ```
pub fn wrong_field_count_message(expected: usize, found: usize) -> String {
    format!("expected {expected} fields, found {found}")
}

/// The message of a field that is not UTF-8: the field's name and the 1-based position of its
/// first bad byte.
///
/// ```
/// let bytes = b"M\xfcller".to_vec();
/// let error = String::from_utf8(bytes).unwrap_err().utf8_error();
/// assert_eq!(
///     nebulk_read::not_utf8_message("lastName", &error),
///     "lastName: not valid UTF-8 (bad byte at position 2 of the field)"
/// );
/// ```
pub fn not_utf8_message(field: &str, error: &Utf8Error) -> String {
    format!(
        "{field}: not valid UTF-8 (bad byte at position {} of the field)",
        error.valid_up_to() + 1
    )
}

/// The message of a panic caught by `catch_unwind` (its payload): the text it was raised with,
/// or `no message`. The guards around third-party readers (calamine, polars) put it in the
/// error they turn the panic into.
///
/// ```
/// let payload = std::panic::catch_unwind(|| panic!("index out of bounds")).unwrap_err();
/// assert_eq!(nebulk_read::panic_message(payload.as_ref()), "index out of bounds");
/// let payload = std::panic::catch_unwind(|| std::panic::panic_any(7)).unwrap_err();
/// assert_eq!(nebulk_read::panic_message(payload.as_ref()), "no message");
/// ```
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string())
}
