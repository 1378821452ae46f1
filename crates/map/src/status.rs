//! The status filter (`--status`): the statuses of the records it leaves out, counted in
//! bounded memory, and the error when it keeps no record at all.

use std::collections::HashMap;
use std::fmt;

use nebulk_schema::normalize_name;

/// How many distinct statuses a [`StatusTally`] keeps; records with further statuses are
/// counted together.
const MAX_STATUSES: usize = 1_000;

/// The longest status a [`StatusTally`] keeps, in characters; a longer one is cut (and shown
/// with `…`), so that a hostile input cannot make the tally large.
const MAX_STATUS_CHARS: usize = 64;

/// How many statuses a [`NoStatusMatch`] message lists.
const SHOWN_STATUSES: usize = 10;

/// The statuses of records and how many records had each, in bounded memory: at most 1,000
/// distinct statuses of at most 64 characters are kept; records with further statuses are
/// only counted. Statuses are compared ignoring case, spaces, `_` and `-` (as `--status`
/// compares them) and shown as first spelled.
///
/// ```
/// use nebulk_map::StatusTally;
/// let mut tally = StatusTally::default();
/// for status in ["Active", "Disabled", "active", "", "Active"] {
///     tally.add(status);
/// }
/// assert_eq!(tally.most_frequent(), [(Some("Active"), 3), (Some("Disabled"), 1), (None, 1)]);
/// assert_eq!(tally.to_string(), "Active (3), Disabled (1), no status (1)");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusTally {
    /// Each status as first spelled (cut to [`MAX_STATUS_CHARS`], then `…`), with its records,
    /// in order of first appearance.
    statuses: Vec<(String, u64)>,
    /// Normalised status -> its index in `statuses`.
    index: HashMap<String, usize>,
    /// Records without a status (absent, empty or not text).
    without_status: u64,
    /// Records with a status not kept, the tally being full.
    uncounted: u64,
}

impl StatusTally {
    /// Counts one record with `status`; an empty or blank status counts as no status.
    pub fn add(&mut self, status: &str) {
        let status = status.trim();
        if status.is_empty() {
            self.without_status += 1;
            return;
        }
        let (status, cut) = match status.char_indices().nth(MAX_STATUS_CHARS) {
            Some((end, _)) => (status.get(..end).unwrap_or(status), true),
            None => (status, false),
        };
        let key = normalize_name(status);
        if let Some(&at) = self.index.get(&key) {
            if let Some((_, records)) = self.statuses.get_mut(at) {
                *records += 1;
            }
        } else if self.statuses.len() < MAX_STATUSES {
            self.index.insert(key, self.statuses.len());
            let shown = if cut {
                format!("{status}…")
            } else {
                status.to_string()
            };
            self.statuses.push((shown, 1));
        } else {
            self.uncounted += 1;
        }
    }

    /// The statuses kept with their records, most frequent first (ties in order of first
    /// appearance); `None` stands for the records without a status.
    pub fn most_frequent(&self) -> Vec<(Option<&str>, u64)> {
        let mut seen: Vec<(Option<&str>, u64)> = self
            .statuses
            .iter()
            .map(|(status, records)| (Some(status.as_str()), *records))
            .collect();
        if self.without_status > 0 {
            seen.push((None, self.without_status));
        }
        // A stable sort keeps the order of first appearance among equal counts.
        seen.sort_by_key(|&(_, records)| std::cmp::Reverse(records));
        seen
    }

    /// Records counted, with a status or without.
    pub fn records(&self) -> u64 {
        self.statuses
            .iter()
            .map(|(_, records)| records)
            .sum::<u64>()
            + self.without_status
            + self.uncounted
    }
}

/// The first ten statuses, most frequent first, each with its records, then how many more
/// there are: `Active (120), Disabled (4), no status (2), … and 3 more`.
impl fmt::Display for StatusTally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seen = self.most_frequent();
        for (i, (status, records)) in seen.iter().take(SHOWN_STATUSES).enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match status {
                Some(status) => write!(f, "{status} ({records})")?,
                None => write!(f, "no status ({records})")?,
            }
        }
        let more = seen.len().saturating_sub(SHOWN_STATUSES);
        match (more, self.uncounted) {
            (0, 0) => Ok(()),
            (more, 0) => write!(f, ", … and {more} more"),
            (more, uncounted) => {
                let records = if uncounted == 1 { "record" } else { "records" };
                write!(
                    f,
                    ", … and {more} more, and {uncounted} {records} with statuses not counted"
                )
            }
        }
    }
}

/// A status filter that kept no record of an input that has records: fatal, as the upload
/// would be empty, most likely because of a mistyped status. The message names the statuses
/// the records have, most frequent first.
///
/// ```
/// use nebulk_map::{NoStatusMatch, StatusTally};
/// let mut seen = StatusTally::default();
/// for status in ["Active", "Active", "Disabled"] {
///     seen.add(status);
/// }
/// let error = NoStatusMatch::new(vec!["Actve".into()], seen);
/// assert_eq!(
///     error.to_string(),
///     "no record has status 'Actve'; statuses seen: Active (2), Disabled (1)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct NoStatusMatch {
    /// The statuses asked for, as given.
    wanted: Vec<String>,
    /// The statuses of the records.
    seen: StatusTally,
}

impl NoStatusMatch {
    /// The error for a filter wanting `wanted` that saw the records of `seen`.
    pub fn new(wanted: Vec<String>, seen: StatusTally) -> NoStatusMatch {
        NoStatusMatch { wanted, seen }
    }

    /// The statuses of the records.
    pub fn seen(&self) -> &StatusTally {
        &self.seen
    }
}

impl fmt::Display for NoStatusMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no record has status ")?;
        for (i, wanted) in self.wanted.iter().enumerate() {
            match i {
                0 => {}
                i if i + 1 == self.wanted.len() => f.write_str(" or ")?,
                _ => f.write_str(", ")?,
            }
            write!(f, "'{wanted}'")?;
        }
        match self.seen.most_frequent().as_slice() {
            [(None, 1)] => f.write_str("; the one record has no status"),
            [(None, records)] => write!(f, "; none of the {records} records has a status"),
            _ => write!(f, "; statuses seen: {}", self.seen),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally_of<'a>(statuses: impl IntoIterator<Item = &'a str>) -> StatusTally {
        let mut tally = StatusTally::default();
        for status in statuses {
            tally.add(status);
        }
        tally
    }

    #[test]
    fn the_message_lists_ten_statuses_then_says_how_many_more() {
        // Issue 9: twelve statuses, the most frequent first, ties in order of first appearance.
        let names: Vec<String> = (1..=12).map(|i| format!("s{i}")).collect();
        let mut tally = tally_of(names.iter().map(String::as_str));
        tally.add("s12");
        assert_eq!(
            tally.to_string(),
            "s12 (2), s1 (1), s2 (1), s3 (1), s4 (1), s5 (1), s6 (1), s7 (1), s8 (1), s9 (1), … and 2 more"
        );
    }

    #[test]
    fn several_wanted_statuses_and_records_without_one_are_named() {
        let error = NoStatusMatch::new(
            vec!["a".into(), "b".into(), "c".into()],
            tally_of(["Active", "  ", "Active"]),
        );
        assert_eq!(
            error.to_string(),
            "no record has status 'a', 'b' or 'c'; statuses seen: Active (2), no status (1)"
        );
        let error = NoStatusMatch::new(vec!["Active".into()], tally_of(["", ""]));
        assert_eq!(
            error.to_string(),
            "no record has status 'Active'; none of the 2 records has a status"
        );
    }

    #[test]
    fn the_tally_stays_bounded_whatever_the_statuses() {
        // Issue 9: a status per record, each long, keeps at most MAX_STATUSES cut statuses.
        let mut tally = StatusTally::default();
        let long = "x".repeat(10_000);
        for i in 0..MAX_STATUSES + 500 {
            tally.add(&format!("{i}{long}"));
        }
        assert_eq!(tally.statuses.len(), MAX_STATUSES);
        assert!(tally
            .statuses
            .iter()
            .all(|(status, _)| status.chars().count() == MAX_STATUS_CHARS + 1));
        assert_eq!(tally.records(), (MAX_STATUSES + 500) as u64);
        let exactly_the_longest = "y".repeat(MAX_STATUS_CHARS);
        assert_eq!(
            tally_of([exactly_the_longest.as_str()]).to_string(),
            format!("{exactly_the_longest} (1)")
        );
        let text = tally.to_string();
        assert!(
            text.ends_with(", … and 990 more, and 500 records with statuses not counted"),
            "{text}"
        );
        assert!(
            text.starts_with(&format!("0{}… (1), ", "x".repeat(63))),
            "{text}"
        );
    }
}
