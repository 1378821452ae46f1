//! The identities the platform knows (`--identities`): a manager must be one of their account
//! names, compared ignoring case. When it is not, the message helps: a display name is turned
//! into its account name, a near miss into the closest account names.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

/// How many closest account names a message offers.
const SUGGESTIONS: usize = 3;

/// The most edits (insertions, deletions, substitutions, transpositions) between a value and an
/// account name for the name to be offered as a near miss: typos, not other people.
const MAX_EDITS: usize = 2;

/// How many account names all near-miss searches of a run may compare, together: each search
/// looks at every identity, and a file whose every manager is a stranger must not cost hours.
/// Past it, messages say only that the value is unknown. (20 million comparisons: a few
/// seconds.)
const COMPARISON_BUDGET: u64 = 20_000_000;

/// The identities of a tenant, by account name (and display name, when known).
///
/// ```
/// use nebulk_validate::rules::Identities;
/// let mut identities = Identities::default();
/// identities.add("jim.smith", Some("Jim Smith"));
/// identities.add("ann.lee", None);
/// assert!(identities.knows("JIM.SMITH"));
/// assert!(!identities.knows("Jim Smith"));
/// assert_eq!(
///     identities.explain("Jim Smith").to_string(),
///     "'Jim Smith' is a display name; the identity's account name is jim.smith"
/// );
/// assert_eq!(
///     identities.explain("ann.le").to_string(),
///     "'ann.le' is not the account name of a known identity; the closest: ann.lee"
/// );
/// ```
#[derive(Debug, Default)]
pub struct Identities {
    /// Account names, lower-cased.
    accounts: HashSet<Box<str>>,
    /// Account names as written, in the order added (for suggestions).
    names: Vec<Box<str>>,
    /// Lower-cased display name -> account name as written (the first identity with it).
    display_names: HashMap<Box<str>, Box<str>>,
    /// Comparisons spent by near-miss searches ([`COMPARISON_BUDGET`]).
    comparisons: AtomicU64,
}

impl Identities {
    /// Adds an identity by its account name (ignored when empty), with its display name when
    /// known. An account name seen before is kept once.
    pub fn add(&mut self, account_name: &str, display_name: Option<&str>) {
        let account_name = account_name.trim();
        if account_name.is_empty() {
            return;
        }
        if self.accounts.insert(account_name.to_lowercase().into()) {
            self.names.push(account_name.into());
        }
        if let Some(display) = display_name.map(str::trim).filter(|d| !d.is_empty()) {
            self.display_names
                .entry(display.to_lowercase().into())
                .or_insert_with(|| account_name.into());
        }
    }

    /// How many identities (distinct account names).
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Whether `value` is an identity's account name, ignoring case (and surrounding spaces).
    #[inline]
    pub fn knows(&self, value: &str) -> bool {
        let value = value.trim();
        if value.bytes().any(|b| b.is_ascii_uppercase()) || !value.is_ascii() {
            self.accounts.contains(value.to_lowercase().as_str())
        } else {
            self.accounts.contains(value)
        }
    }

    /// Why `value` is not an identity's account name, in words that help fix it: the account
    /// name of the identity whose display name it is, or the closest account names.
    #[cold]
    pub fn explain<'a>(&'a self, value: &'a str) -> Unknown<'a> {
        let value = value.trim();
        if let Some(account) = self.display_names.get(value.to_lowercase().as_str()) {
            return Unknown::DisplayName { value, account };
        }
        Unknown::NotFound {
            value,
            closest: self.closest(value),
        }
    }

    /// The account names at most [`MAX_EDITS`] edits from `value` (ignoring case), closest
    /// first, at most [`SUGGESTIONS`] of them; none once the run's searches have spent
    /// [`COMPARISON_BUDGET`].
    fn closest(&self, value: &str) -> Vec<&str> {
        let cost = self.names.len() as u64;
        let spent = self.comparisons.fetch_add(cost, Ordering::Relaxed);
        if spent.saturating_add(cost) > COMPARISON_BUDGET {
            return Vec::new();
        }
        let wanted = value.to_lowercase();
        let length = wanted.chars().count();
        let mut near: Vec<(usize, &str)> = self
            .names
            .iter()
            .filter(|name| name.chars().count().abs_diff(length) <= MAX_EDITS)
            .filter_map(|name| {
                let edits = strsim::damerau_levenshtein(&wanted, &name.to_lowercase());
                (edits <= MAX_EDITS).then_some((edits, &**name))
            })
            .collect();
        near.sort_by_key(|(edits, _)| *edits);
        near.into_iter()
            .take(SUGGESTIONS)
            .map(|(_, name)| name)
            .collect()
    }
}

/// Why a value is not an identity's account name ([`Identities::explain`]); its `Display` is
/// the finding's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unknown<'a> {
    /// The value is an identity's display name.
    DisplayName {
        /// The value.
        value: &'a str,
        /// The identity's account name.
        account: &'a str,
    },
    /// No identity has it as account or display name.
    NotFound {
        /// The value.
        value: &'a str,
        /// The closest account names, closest first (perhaps none).
        closest: Vec<&'a str>,
    },
}

impl fmt::Display for Unknown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let quoted = |value: &str| nebulk_read::quote_value(value);
        match self {
            Unknown::DisplayName { value, account } => write!(
                f,
                "{} is a display name; the identity's account name is {account}",
                quoted(value)
            ),
            Unknown::NotFound { value, closest } if closest.is_empty() => write!(
                f,
                "{} is not the account name of a known identity (--identities)",
                quoted(value)
            ),
            Unknown::NotFound { value, closest } => write!(
                f,
                "{} is not the account name of a known identity; the closest: {}",
                quoted(value),
                closest.join(", ")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identities() -> Identities {
        let mut identities = Identities::default();
        identities.add("jim.smith", Some("Jim Smith"));
        identities.add("jim.smyth", Some("Jim Smyth"));
        identities.add("Ann.Lee", Some("Ann Lee"));
        identities.add(" ann.lee ", Some("Ann Lee (again)"));
        identities.add("", Some("Nobody"));
        identities
    }

    #[test]
    fn account_names_are_known_ignoring_case_and_once() {
        let identities = identities();
        assert_eq!(identities.len(), 3);
        for known in ["jim.smith", "JIM.Smith", "ann.lee", " Ann.Lee "] {
            assert!(identities.knows(known), "{known}");
        }
        for unknown in ["Jim Smith", "jim", "", "Nobody"] {
            assert!(!identities.knows(unknown), "{unknown}");
        }
    }

    #[test]
    fn a_display_name_names_its_account_name() {
        assert_eq!(
            identities().explain("jim smith").to_string(),
            "'jim smith' is a display name; the identity's account name is jim.smith"
        );
    }

    #[test]
    fn near_misses_name_the_closest_first() {
        assert_eq!(
            identities().explain("jim.smth").to_string(),
            "'jim.smth' is not the account name of a known identity; the closest: jim.smith, \
             jim.smyth"
        );
        assert_eq!(
            identities().explain("jmi.smyth").to_string(),
            "'jmi.smyth' is not the account name of a known identity; the closest: jim.smyth, \
             jim.smith"
        );
    }

    /// Near-miss searches stop once they have compared [`COMPARISON_BUDGET`] names.
    #[test]
    fn searches_stop_at_the_budget() {
        let identities = identities();
        identities
            .comparisons
            .store(COMPARISON_BUDGET - 3, Ordering::Relaxed);
        assert_eq!(
            identities.explain("jim.smth").to_string(),
            "'jim.smth' is not the account name of a known identity; the closest: jim.smith, \
             jim.smyth"
        );
        assert_eq!(
            identities.explain("jim.smth").to_string(),
            "'jim.smth' is not the account name of a known identity (--identities)"
        );
    }

    #[test]
    fn a_stranger_gets_no_suggestion() {
        assert_eq!(
            identities().explain("zoe.quinn").to_string(),
            "'zoe.quinn' is not the account name of a known identity (--identities)"
        );
    }
}
