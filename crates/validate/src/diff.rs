//! The diff against the exports: a row's values compared with its account's in the export that
//! holds it, each attribute normalised the same way on both sides (trimmed; account names,
//! emails and managers ignoring case; dates as instants). During the run a row is told changed
//! or unchanged by the fingerprint of its normalised values; after it, the changed attributes
//! are listed against the export's values, read again ([`Tenant::changes`]).

use std::cell::RefCell;

use crate::checked::CheckedRow;
use crate::placement::{Change, Known};
use crate::tenant::{Compare, Record, Tenant};
use crate::verdict::AccountKey;

thread_local! {
    /// A buffer for values lower-cased.
    static LOWER: RefCell<String> = const { RefCell::new(String::new()) };
}

impl Tenant {
    /// What the exports say of a checked row's account: the record holding it, and for a valid
    /// row held by one export and changing some attribute there, the row's values (encoded, for
    /// [`Tenant::changes`]). Runs on the worker threads.
    ///
    /// ```
    /// use nebulk_read::{CsvOptions, CsvSource, Row};
    /// use nebulk_schema::Schema;
    /// use nebulk_validate::{ColumnPlan, RuleConfig, Tenant};
    /// let export = "accountName,firstName,lastName,email,phone,manager,startDate,endDate\n\
    ///               ann,Ann,Lee,ANN@example.com, +1 512 555 0100,jdoe,2026-01-01T00:00:00Z,2026-06-30T00:00:00+00:00\n";
    /// let mut tenant = Tenant::new(&Schema::system(), 20_000);
    /// let north = tenant.add_source("north", None).unwrap();
    /// tenant.load_export(north, CsvSource::new(export.as_bytes(), CsvOptions::default()).unwrap()).unwrap();
    ///
    /// let header: Vec<String> = Schema::system().headers().map(String::from).collect();
    /// let plan = ColumnPlan::new(Schema::system(), &header, RuleConfig::default()).unwrap();
    /// let same = Row::from_fields(2, ["Ann", "Ann", "Lee", "ann@example.com", "+1 512 555 0100", "jdoe", "2026-01-01", "2026-06-30"]);
    /// let known = tenant.match_row(&plan.check(&same));
    /// assert_eq!((known.record, known.changed.is_some()), (Some(0), false));
    /// let later = Row::from_fields(3, ["ann", "Ann", "Lee", "ann@example.com", "+1 512 555 0100", "jdoe", "2026-01-01", "2026-07-31"]);
    /// assert!(tenant.match_row(&plan.check(&later)).changed.is_some());
    /// ```
    pub fn match_row(&self, checked: &CheckedRow<'_>) -> Known {
        let found = checked
            .verdict
            .account_key
            .and_then(|key| self.find_record(&key));
        self.match_found(checked, found)
    }

    /// The record of an account key and the record itself, when an export holds the account.
    /// Looking many keys up one after the other, apart from other work, lets their memory
    /// reads overlap (the table is far larger than the caches): the engine does so for each
    /// batch of rows, then calls [`Tenant::match_found`].
    pub(crate) fn find_record(&self, key: &AccountKey) -> Option<(u32, Record)> {
        if !self.has_accounts() {
            return None;
        }
        let index = self.find_account(key)?;
        Some((index, self.record(index)))
    }

    /// [`Tenant::match_row`] for a row whose account's record was looked up already.
    pub(crate) fn match_found(
        &self,
        checked: &CheckedRow<'_>,
        found: Option<(u32, Record)>,
    ) -> Known {
        let Some((index, record)) = found else {
            return Known::default();
        };
        let mut known = Known {
            record: Some(index),
            changed: None,
        };
        if checked.is_valid() && self.second_source(record).is_none() {
            // A schema has at most 18 attributes.
            let texts: [std::borrow::Cow<'_, str>; 18] = std::array::from_fn(|a| {
                checked
                    .values
                    .get(a)
                    .map_or(std::borrow::Cow::Borrowed(""), |v| v.text())
            });
            let texts = &texts[..checked.values.len().min(18)];
            let fingerprint = self.fingerprint(record.columns, |a| texts.get(a).map_or("", |t| t));
            if fingerprint != record.fingerprint {
                known.changed = Some(encode(texts.iter().map(|t| t.as_ref())));
            }
        }
        known
    }

    /// The hash of values on the attributes of mask `columns`, each normalised as it is
    /// compared: equal values (trimmed; ignoring case where that is the rule; dates as
    /// instants) hash the same. Each value is hashed on its own ([`Tenant::value_hash`]), and the
    /// hashes are folded in attribute order. The account name is left out: a row is compared
    /// with the record its account key found, whose name is its own ignoring case, so it never
    /// tells them apart (and folding the case of names that are not ASCII is costly).
    pub(crate) fn fingerprint<'v>(&self, columns: u32, value: impl Fn(usize) -> &'v str) -> u64 {
        let mut folded = 0u64;
        let columns = columns & !(1u32.checked_shl(self.account as u32).unwrap_or(0));
        for attribute in 0..self.compare.len().min(32) {
            if columns >> attribute & 1 == 1 {
                let hash = self.value_hash(attribute, crate::rules::trim(value(attribute)));
                folded = (folded ^ hash)
                    .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                    .rotate_left(29);
            }
        }
        folded
    }

    /// The hash of attribute `attribute`'s trimmed `value`, normalised: its text, lower-cased
    /// where case is ignored, or a date's instant (seconds and nanoseconds since 1970), seeded
    /// with the attribute (and the kind of value) so that no two attributes hash alike.
    fn value_hash(&self, attribute: usize, value: &str) -> u64 {
        use xxhash_rust::xxh3::xxh3_64_with_seed;
        let text_seed = (attribute as u64) << 1;
        match self.compare[attribute] {
            Compare::Text => xxh3_64_with_seed(value.as_bytes(), text_seed),
            Compare::IgnoringCase
                if !value.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) =>
            {
                xxh3_64_with_seed(value.as_bytes(), text_seed)
            }
            Compare::IgnoringCase => LOWER.with(|lower| {
                let mut lower = lower.borrow_mut();
                lower.clear();
                // Character by character: ASCII ones without the case tables.
                for c in value.chars() {
                    if c.is_ascii() {
                        lower.push(c.to_ascii_lowercase());
                    } else {
                        lower.extend(c.to_lowercase());
                    }
                }
                xxh3_64_with_seed(lower.as_bytes(), text_seed)
            }),
            Compare::Instant => {
                let instant = utc_seconds(value, self.dates.zone().is_none()).or_else(|| {
                    let read = self.dates.read(value).ok()?;
                    Some((read.timestamp(), read.timestamp_subsec_nanos()))
                });
                match instant {
                    Some((seconds, nanos)) => {
                        let mut bytes = [0u8; 12];
                        bytes[..8].copy_from_slice(&seconds.to_le_bytes());
                        bytes[8..].copy_from_slice(&nanos.to_le_bytes());
                        xxh3_64_with_seed(&bytes, text_seed | 1)
                    }
                    None => xxh3_64_with_seed(value.as_bytes(), text_seed),
                }
            }
        }
    }

    /// The attributes a changed row changes in record `record`: its export's values `old` (as
    /// [`Tenant::revisit_export`] gives them) against the row's, `new` (as
    /// [`Known::changed`] holds them), on the attributes its export has.
    pub fn changes(&self, record: u32, old: &[&str], new: &[u8]) -> Vec<Change> {
        let record = self.record(record);
        decode(new)
            .zip(old)
            .enumerate()
            .filter(|&(attribute, (new, old))| {
                self.compares(record, attribute) && !self.same(attribute, old, new)
            })
            .map(|(attribute, (new, old))| Change {
                attribute,
                old: (*old).into(),
                new: new.into(),
            })
            .collect()
    }

    /// Whether the export's `old` and the row's `new` are the same value of `attribute`: the
    /// same once normalised, as the fingerprints compare them.
    fn same(&self, attribute: usize, old: &str, new: &str) -> bool {
        let (old, new) = (crate::rules::trim(old), crate::rules::trim(new));
        old == new || self.value_hash(attribute, old) == self.value_hash(attribute, new)
    }
}

/// The instant of the forms exports and uploads write dates in, read without chrono: seconds
/// since 1970 (and no nanoseconds) of `YYYY-MM-DDTHH:MM:SS` followed by `Z` or `±HH:MM`, and,
/// when `day_is_utc` (no `--timezone`), of `YYYY-MM-DD` at midnight UTC. Anything else, or a
/// date the calendar lacks, is `None`, for the date rule to read.
fn utc_seconds(value: &str, day_is_utc: bool) -> Option<(i64, u32)> {
    let bytes = value.as_bytes();
    let number = |at: usize, len: usize| -> Option<i64> {
        bytes.get(at..at + len)?.iter().try_fold(0i64, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0'))
        })
    };
    if bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let (year, month, day) = (number(0, 4)?, number(5, 2)?, number(8, 2)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if !(1..=days_in_month).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if bytes.len() == 10 {
        return day_is_utc.then_some((days * 86_400, 0));
    }
    if bytes.get(10) != Some(&b'T') || bytes.get(13) != Some(&b':') || bytes.get(16) != Some(&b':')
    {
        return None;
    }
    let (hour, minute, second) = (number(11, 2)?, number(14, 2)?, number(17, 2)?);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let offset = match &bytes[19..] {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (h, m) = (number(20, 2)?, number(23, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let offset = h * 3600 + m * 60;
            if *sign == b'-' {
                -offset
            } else {
                offset
            }
        }
        _ => return None,
    };
    Some((
        days * 86_400 + hour * 3600 + minute * 60 + second - offset,
        0,
    ))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    era * 146_097 + year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year - 719_468
}

/// Values as one allocation: each a LEB128 length and its bytes.
fn encode<'v>(values: impl Iterator<Item = &'v str> + Clone) -> Box<[u8]> {
    let size: usize = values.clone().map(|v| v.len() + 3).sum();
    let mut out = Vec::with_capacity(size);
    for value in values {
        let mut len = value.len();
        loop {
            let low = (len & 0x7f) as u8;
            len >>= 7;
            if len == 0 {
                out.push(low);
                break;
            }
            out.push(low | 0x80);
        }
        out.extend_from_slice(value.as_bytes());
    }
    out.into_boxed_slice()
}

/// The values [`encode`] wrote.
fn decode(mut bytes: &[u8]) -> impl Iterator<Item = &str> {
    std::iter::from_fn(move || {
        if bytes.is_empty() {
            return None;
        }
        let (mut len, mut shift) = (0usize, 0u32);
        while let Some((&byte, rest)) = bytes.split_first() {
            bytes = rest;
            len |= usize::from(byte & 0x7f).checked_shl(shift).unwrap_or(0);
            shift += 7;
            if byte & 0x80 == 0 {
                break;
            }
        }
        let (value, rest) = bytes.split_at(len.min(bytes.len()));
        bytes = rest;
        Some(std::str::from_utf8(value).unwrap_or_default())
    })
}

#[cfg(test)]
mod tests {
    use nebulk_read::{CsvOptions, CsvSource, Row};
    use nebulk_schema::Schema;

    use crate::{ColumnPlan, RuleConfig, Tenant};

    const HEADER: &str = "accountName,firstName,lastName,email,phone,manager,startDate,endDate";

    /// The changes a row of `input` makes to the one account of `export` (with its header).
    fn changed(export: &str, input: [&str; 8]) -> Vec<String> {
        let open = || CsvSource::new(export.as_bytes(), CsvOptions::default()).unwrap();
        let mut tenant = Tenant::new(&Schema::system(), 10);
        let north = tenant.add_source("north", None).unwrap();
        tenant.load_export(north, open()).unwrap();
        let header: Vec<String> = HEADER.split(',').map(String::from).collect();
        let plan = ColumnPlan::new(Schema::system(), &header, RuleConfig::default()).unwrap();
        let row = Row::from_fields(2, input);
        let known = tenant.match_row(&plan.check(&row));
        assert_eq!(known.record, Some(0));
        let Some(new) = known.changed else {
            return Vec::new();
        };
        let mut lines = Vec::new();
        tenant
            .revisit_export(north, open(), &[0], |record, old| {
                for c in tenant.changes(record, old, &new) {
                    let name = HEADER.split(',').nth(c.attribute).unwrap();
                    lines.push(format!("{name}:{}>{}", c.old, c.new));
                }
            })
            .unwrap();
        assert!(!lines.is_empty(), "a changed fingerprint lists a change");
        lines
    }

    const ROW: [&str; 8] = [
        "ann.lee",
        "Ann",
        "Lee",
        "ann@example.com",
        "+1 512 555 0100",
        "jdoe",
        "2026-01-01",
        "2026-06-30",
    ];

    #[test]
    fn the_same_values_written_otherwise_are_unchanged() {
        // Non-ASCII letters in other cases too (account names and managers).
        let export = format!("{HEADER}\nZOË.LEE,Zoë,Lee,ANN@example.com,+1 512 555 0100,JÖRG.M,2026-01-01,2026-06-30\n");
        let mut row = ROW;
        (row[0], row[1], row[5]) = ("zoë.lee", "Zoë", "jörg.m");
        assert_eq!(changed(&export, row), Vec::<String>::new());
        row[5] = "jorg.m";
        assert_eq!(changed(&export, row), ["manager:JÖRG.M>jorg.m"]);
        // Case of names and emails, spaces after commas, dates as instants in other offsets.
        let export = format!("{HEADER}\nANN.LEE, Ann,Lee ,Ann@Example.com, +1 512 555 0100,JDoe,2026-01-01T01:00:00+01:00,2026-06-30T00:00:00Z\n");
        assert_eq!(changed(&export, ROW), Vec::<String>::new());
    }

    #[test]
    fn each_changed_attribute_is_listed_with_both_values() {
        let export = format!(
            "{HEADER}\nann.lee,Anne,Lee,ann@example.com,+1 512 555 0199,jdoe,2026-01-01,\n"
        );
        assert_eq!(
            changed(&export, ROW),
            [
                "firstName:Anne>Ann",
                "phone:+1 512 555 0199>+1 512 555 0100",
                "endDate:>2026-06-30T00:00:00+00:00"
            ]
        );
    }

    #[test]
    fn only_the_exports_columns_are_compared() {
        let export = "accountName,email\nann.lee,ann@example.com\n";
        assert_eq!(changed(export, ROW), Vec::<String>::new());
        let export = "accountName,email\nann.lee,ann@old.example\n";
        assert_eq!(
            changed(export, ROW),
            ["email:ann@old.example>ann@example.com"]
        );
    }

    proptest::proptest! {
        #[test]
        fn the_quick_instant_is_chronos(
            day in 0i64..200_000, seconds in 0i64..86_400, offset in -1439i64..1440, form in 0..4u8,
        ) {
            // Dates from 1970 to 2517, any time, any offset; as exports and uploads write them.
            let utc = chrono::DateTime::from_timestamp(day * 86_400 + seconds, 0).unwrap();
            let zone = chrono::FixedOffset::east_opt((offset * 60) as i32).unwrap();
            let local = utc.with_timezone(&zone);
            let text = match form {
                0 => utc.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                1 => local.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
                2 => utc.format("%Y-%m-%d").to_string(),
                _ => local.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string(),
            };
            let rule = crate::rules::DateRule::iso();
            let chrono = rule.read(&text).map(|d| (d.timestamp(), d.timestamp_subsec_nanos())).ok();
            let quick = super::utc_seconds(&text, true);
            proptest::prop_assert!(quick.is_none() || quick == chrono, "{text}: {quick:?} vs {chrono:?}");
            if form < 3 {
                proptest::prop_assert!(quick.is_some(), "{text} takes the quick way");
            }
        }
    }

    #[test]
    fn impossible_dates_are_left_to_the_date_rule() {
        for text in [
            "2026-02-29",
            "2026-13-01",
            "2026-04-31T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:00:00+24:00",
            "2026-01-01T00:00:00",
        ] {
            assert_eq!(super::utc_seconds(text, true), None, "{text}");
        }
        assert_eq!(
            super::utc_seconds("2024-02-29", true),
            Some((1_709_164_800, 0))
        );
        assert_eq!(
            super::utc_seconds("2024-02-29", false),
            None,
            "midnight in --timezone"
        );
    }

    #[test]
    fn values_survive_their_encoding() {
        let long = "x".repeat(300);
        let values = ["", "a", long.as_str(), "é"];
        let encoded = super::encode(values.iter().copied());
        assert_eq!(super::decode(&encoded).collect::<Vec<_>>(), values);
    }
}
