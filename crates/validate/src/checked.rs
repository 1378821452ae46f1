//! One row after the stateless checks ([`CheckedRow`]): the values to upload, borrowed from the
//! row where they can be, and the row's [`Verdict`].

use nebulk_read::Row;
use smallvec::SmallVec;

use crate::rules::{DateText, PhoneText};
use crate::verdict::Verdict;

/// A value to upload: a trimmed field of the row, a normalised date or phone number, or a
/// field neutralised as text.
///
/// ```
/// use nebulk_validate::UploadValue;
/// assert_eq!(UploadValue::Text("ann").as_str(), "ann");
/// assert_eq!(UploadValue::Neutralised("=1+2").text(), "'=1+2");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadValue<'a> {
    /// A field as read, trimmed.
    Text(&'a str),
    /// A date in the upload form.
    Date(DateText),
    /// A phone number in E.164 (`--phone-format e164`).
    Phone(PhoneText),
    /// A field as read, trimmed, that looks like a formula: uploaded behind a `'`.
    Neutralised(&'a str),
}

impl UploadValue<'_> {
    /// The value's text, without the `'` of a neutralised value ([`UploadValue::text`] has it).
    pub fn as_str(&self) -> &str {
        match self {
            UploadValue::Text(text) | UploadValue::Neutralised(text) => text,
            UploadValue::Date(date) => date.as_str(),
            UploadValue::Phone(phone) => phone.as_str(),
        }
    }

    /// The text uploaded.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            UploadValue::Neutralised(text) => format!("'{text}").into(),
            other => other.as_str().into(),
        }
    }
}

/// The values of one row, kept inline for up to 18 attributes (8 system + 10 custom).
pub type UploadValues<'a> = SmallVec<[UploadValue<'a>; 18]>;

/// One row after the stateless checks: the values to upload (in schema order, trimmed and
/// normalised) and its verdict. The engine adds duplicate and limit issues to the verdict
/// afterwards.
///
/// ```
/// use nebulk_validate::{CheckedRow, UploadValue, Verdict};
/// let row = nebulk_read::Row::from_fields(2, ["ann"]);
/// let checked = CheckedRow {
///     row: &row,
///     values: [UploadValue::Text("ann")].into_iter().collect(),
///     verdict: Verdict::default(),
/// };
/// assert!(checked.is_valid());
/// ```
#[derive(Debug, Clone)]
pub struct CheckedRow<'a> {
    /// The row as read.
    pub row: &'a Row,
    /// Values in schema order; empty for a malformed row.
    pub values: UploadValues<'a>,
    /// What the checks found.
    pub verdict: Verdict,
}

impl CheckedRow<'_> {
    /// Whether the row passes the stateless checks.
    pub fn is_valid(&self) -> bool {
        self.verdict.is_valid()
    }
}
