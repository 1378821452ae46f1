//! One check per attribute type, each a rule of [`crate::rules`] whose failure becomes an
//! issue about the field: email, phone, date, and the manager (an identity the platform
//! knows, with `--identities`). Text values have no rule of their own.

use chrono::{DateTime, FixedOffset};
use nebulk_read::quote_value;

use super::Field;
use crate::checked::UploadValue;
use crate::code::Code;
use crate::rules::{self, DateRule, Identities, PhoneRule};
use crate::verdict::Issue;

/// The `invalid-email` issue of a value that is not an email address.
#[inline]
pub(crate) fn email(value: &str, field: Field<'_>) -> Option<Issue> {
    (!rules::is_email(value)).then(|| {
        field.issue(
            Code::InvalidEmail,
            format_args!("{} is not an email address", quote_value(value)),
        )
    })
}

/// A phone value as `rule` uploads it (as it is, or in E.164), or its `invalid-phone` issue.
#[inline]
pub(crate) fn phone<'a>(
    value: &'a str,
    rule: &PhoneRule,
    field: Field<'_>,
) -> Result<UploadValue<'a>, Issue> {
    match rule.check(value) {
        Ok(Some(e164)) => Ok(UploadValue::Phone(e164)),
        Ok(None) => Ok(UploadValue::Text(value)),
        Err(e) => Err(field.issue(Code::InvalidPhone, e)),
    }
}

/// A date value as `rule` reads it, or its `invalid-date` issue.
#[inline]
pub(crate) fn date(
    value: &str,
    rule: &DateRule,
    field: Field<'_>,
) -> Result<DateTime<FixedOffset>, Issue> {
    rule.read(value)
        .map_err(|e| field.issue(Code::InvalidDate, e))
}

/// The `unknown-manager` issue of a manager that is not the account name of a known identity.
#[inline]
pub(crate) fn manager(value: &str, identities: &Identities, field: Field<'_>) -> Option<Issue> {
    (!identities.knows(value)).then(|| field.issue(Code::UnknownManager, identities.explain(value)))
}
