//! Finding codes and their severities.

use std::fmt;

use serde::Serialize;

/// A stable, kebab-case name for one kind of finding. The names are part of nebulk's interface:
/// they appear in `rejects.csv`, `report.json` and scripts that read them.
///
/// ```
/// use nebulk_validate::{Code, Severity};
/// assert_eq!(Code::InvalidEmail.as_str(), "invalid-email");
/// assert_eq!(Code::UnknownColumn.severity(), Severity::Warning);
/// assert_eq!(Code::ALL.len(), 16);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Code {
    /// A required attribute is empty or whitespace.
    MissingValue,
    /// The email is not a valid address.
    InvalidEmail,
    /// The phone number breaks the phone rule.
    InvalidPhone,
    /// A date is not a real calendar date in an accepted layout.
    InvalidDate,
    /// endDate is before startDate.
    EndBeforeStart,
    /// The account name was already used by an earlier row of the file.
    DuplicateAccount,
    /// The row has the wrong number of fields.
    MalformedRow,
    /// A field is not valid UTF-8, or holds a NUL byte.
    InvalidEncoding,
    /// A value is longer than the length limit.
    ValueTooLong,
    /// A mapping transform could not handle a source value (non-CSV sources and `--map`).
    TransformFailed,
    /// A column of the input is not in the schema (a warning about the file, not a row).
    UnknownColumn,
    /// A column of the input has an empty header cell (Excel's trailing `,,`, a blank spacer
    /// column): it is not uploaded (a warning about the file, not a row).
    UnnamedColumn,
    /// A value starts like a spreadsheet formula (`=`, `+`, `-`, `@`): a warning, or an error
    /// that rejects the row under `--strict` (see [`crate::rules::looks_like_formula`]).
    FormulaInjection,
    /// The accounts already in the source (`--existing`) reach its account limit, so no new
    /// account fits (a warning about the run, not a row).
    ExistingAtLimit,
    /// The manager is not the account name of an identity the platform knows (`--identities`).
    UnknownManager,
    /// The account is in two sources' exports (`--existing`): the platform would not know
    /// which to update.
    AccountInTwoSources,
}

/// Whether a finding rejects its row or only informs.
///
/// ```
/// assert_eq!(nebulk_validate::Severity::Error.as_str(), "error");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The row is rejected.
    Error,
    /// Reported; nothing is rejected.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl Code {
    /// Every code, in documentation order.
    pub const ALL: [Code; 16] = [
        Code::MissingValue,
        Code::InvalidEmail,
        Code::InvalidPhone,
        Code::InvalidDate,
        Code::EndBeforeStart,
        Code::DuplicateAccount,
        Code::MalformedRow,
        Code::InvalidEncoding,
        Code::ValueTooLong,
        Code::TransformFailed,
        Code::UnknownColumn,
        Code::UnnamedColumn,
        Code::FormulaInjection,
        Code::ExistingAtLimit,
        Code::UnknownManager,
        Code::AccountInTwoSources,
    ];

    /// The code's stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::MissingValue => "missing-value",
            Code::InvalidEmail => "invalid-email",
            Code::InvalidPhone => "invalid-phone",
            Code::InvalidDate => "invalid-date",
            Code::EndBeforeStart => "end-before-start",
            Code::DuplicateAccount => "duplicate-account",
            Code::MalformedRow => "malformed-row",
            Code::InvalidEncoding => "invalid-encoding",
            Code::ValueTooLong => "value-too-long",
            Code::TransformFailed => "transform-failed",
            Code::UnknownColumn => "unknown-column",
            Code::UnnamedColumn => "unnamed-column",
            Code::FormulaInjection => "formula-injection",
            Code::ExistingAtLimit => "existing-at-limit",
            Code::UnknownManager => "unknown-manager",
            Code::AccountInTwoSources => "account-in-two-sources",
        }
    }

    /// How serious a finding with this code is by default (`formula-injection` is an error
    /// under `--strict`).
    pub fn severity(self) -> Severity {
        match self {
            Code::UnknownColumn
            | Code::UnnamedColumn
            | Code::FormulaInjection
            | Code::ExistingAtLimit => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
