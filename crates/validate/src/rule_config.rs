//! The settings of the value rules for a run ([`RuleConfig`]): how dates and phone numbers are
//! read, the longest value, what a value that looks like a formula leads to, and the identities
//! a manager must be one of.

use std::sync::Arc;

use crate::rules::{self, DateRule, Identities, PhoneRule};

/// Settings of the value rules.
///
/// ```
/// let rules = nebulk_validate::RuleConfig::default();
/// assert_eq!(rules.max_value_len, 255);
/// assert_eq!(rules.formulas, nebulk_validate::FormulaPolicy::Warn);
/// ```
#[derive(Debug, Clone)]
pub struct RuleConfig {
    /// How dates are read (`--date-format`, `--timezone`).
    pub dates: DateRule,
    /// How phone numbers are checked and uploaded (`--phone-format`, `--phone-region`).
    pub phones: PhoneRule,
    /// The longest value accepted, in characters.
    pub max_value_len: usize,
    /// What a value that looks like a spreadsheet formula leads to.
    pub formulas: FormulaPolicy,
    /// The identities a manager must be one of (`--identities`); any manager when `None`.
    pub identities: Option<Arc<Identities>>,
}

impl Default for RuleConfig {
    fn default() -> RuleConfig {
        RuleConfig {
            dates: DateRule::iso(),
            phones: PhoneRule::Plain,
            max_value_len: rules::DEFAULT_MAX_VALUE_LEN,
            formulas: FormulaPolicy::Warn,
            identities: None,
        }
    }
}

/// What a value that looks like a spreadsheet formula ([`rules::looks_like_formula`]) leads
/// to: a `formula-injection` finding in every case, and then one of these.
///
/// ```
/// assert_eq!(nebulk_validate::FormulaPolicy::default(), nebulk_validate::FormulaPolicy::Warn);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FormulaPolicy {
    /// A warning; the value is uploaded as it is.
    #[default]
    Warn,
    /// A warning; the value is uploaded behind a `'`, which spreadsheets read as "text
    /// follows" (`--neutralise-formulas`).
    Neutralise,
    /// An error: the row is rejected (`--strict`).
    Reject,
}
