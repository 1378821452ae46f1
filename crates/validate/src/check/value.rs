//! The checks every value gets, whatever its attribute's type: required, not too long, and
//! not a spreadsheet formula.

use super::Field;
use crate::checked::UploadValue;
use crate::code::Code;
use crate::rule_config::FormulaPolicy;
use crate::rules;
use crate::verdict::{Issue, Verdict};

/// The `missing-value` issue of an empty value of a required attribute.
#[inline]
pub(crate) fn required(required: bool, field: Field<'_>) -> Option<Issue> {
    required.then(|| field.issue(Code::MissingValue, "a value is required"))
}

/// The `value-too-long` issue of a value of more than `max` characters.
#[inline]
pub(crate) fn length(value: &str, max: usize, field: Field<'_>) -> Option<Issue> {
    // A value no longer in bytes than the limit is not longer in characters.
    if value.len() <= max {
        None
    } else {
        longer_in_bytes(value, max, field)
    }
}

/// [`length`] of a value longer in bytes than the limit: counts its characters.
#[cold]
fn longer_in_bytes(value: &str, max: usize, field: Field<'_>) -> Option<Issue> {
    let length = rules::char_len(value);
    (length > max).then(|| {
        field.issue(
            Code::ValueTooLong,
            format_args!("{length} characters; at most {max} are allowed"),
        )
    })
}

/// The value to upload for a text value that may look like a spreadsheet formula
/// ([`rules::looks_like_formula`]): such a value gets a `formula-injection` warning, and then
/// what `policy` says (uploaded as it is, uploaded neutralised, or an error).
#[inline]
pub(crate) fn formula<'a>(
    value: &'a str,
    policy: FormulaPolicy,
    field: Field<'_>,
    verdict: &mut Verdict,
) -> UploadValue<'a> {
    if !rules::looks_like_formula(value) {
        return UploadValue::Text(value);
    }
    let message = format!(
        "{} starts like a spreadsheet formula (= + - @)",
        nebulk_read::quote_value(value)
    );
    match policy {
        FormulaPolicy::Warn => {
            verdict
                .warnings
                .push(field.issue(Code::FormulaInjection, message));
            UploadValue::Text(value)
        }
        FormulaPolicy::Neutralise => {
            verdict.warnings.push(field.issue(
                Code::FormulaInjection,
                format_args!("{message}; uploaded with a ' in front, as text"),
            ));
            UploadValue::Neutralised(value)
        }
        FormulaPolicy::Reject => {
            verdict
                .issues
                .push(field.issue(Code::FormulaInjection, message));
            UploadValue::Text(value)
        }
    }
}
