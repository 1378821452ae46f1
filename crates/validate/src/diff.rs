//! The diff against the exports: a row's values compared with its account's in the export that
//! holds it, each attribute normalised the same way on both sides (trimmed; account names,
//! emails and managers ignoring case; dates as instants). During the run a row is told changed
//! or unchanged by the fingerprint of its normalised values; after it, the changed attributes
//! are listed against the export's values, read again ([`Tenant::changes`]).

use std::hash::Hasher;

use rustc_hash::FxHasher;

use smallvec::SmallVec;

use crate::checked::{CheckedRow, UploadValue};
use crate::placement::{Change, Held, Known};
use crate::rules::DateText;
use crate::tenant::{Compare, Normal, Record, Tenant};
use crate::verdict::AccountKey;

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
    /// assert_eq!((known.record.map(|r| r.index), known.changed.is_some()), (Some(0), false));
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
    pub(crate) fn find_record(&self, key: &AccountKey) -> Option<(u32, Record)> {
        if !self.has_accounts() {
            return None;
        }
        let index = self.find_account(key)?;
        Some((index, self.record(index)))
    }

    /// [`Tenant::find_record`] of each of many keys (`None` for a row without one), in two
    /// loops of their own, apart from other work: the keys in the table, then the records they
    /// found. Both are far larger than the caches; in a loop that does nothing else, the reads
    /// of one key overlap those of the next rather than wait one by one. The engine does so for
    /// each batch of rows, then calls [`Tenant::match_found`].
    pub(crate) fn find_records(
        &self,
        keys: impl ExactSizeIterator<Item = Option<AccountKey>>,
    ) -> Vec<Option<(u32, Record)>> {
        if !self.has_accounts() {
            return vec![None; keys.len()];
        }
        let indices: Vec<Option<u32>> = keys
            .map(|key| key.and_then(|key| self.find_account(&key)))
            .collect();
        indices
            .into_iter()
            .map(|index| index.map(|index| (index, self.record(index))))
            .collect()
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
        let also_in = self.second_source(record).map(|_| record.also_in);
        let mut known = Known {
            record: Some(Held {
                index,
                source: record.source,
                also_in,
            }),
            changed: None,
        };
        if checked.is_valid() && also_in.is_none() {
            let values = &checked.values;
            // The texts of neutralised values (their `'` is uploaded, so compared): rare.
            let neutralised: SmallVec<[(usize, String); 1]> = values
                .iter()
                .enumerate()
                .filter(|(_, v)| matches!(v, UploadValue::Neutralised(_)))
                .map(|(a, v)| (a, v.text().into_owned()))
                .collect();
            let fingerprint = self.fingerprint(record.columns, |a| match values.get(a) {
                None => Normal::Text(""),
                Some(UploadValue::Date(date)) => {
                    date_instant(date).map_or_else(|| Normal::Text(date.as_str()), Normal::Instant)
                }
                Some(UploadValue::Neutralised(_)) => Normal::Text(
                    neutralised
                        .iter()
                        .find(|(n, _)| *n == a)
                        .map_or("", |(_, text)| text),
                ),
                Some(value) => Normal::Text(value.as_str()),
            });
            if fingerprint != record.fingerprint {
                known.changed = Some(if self.keep_changed_values {
                    let texts: SmallVec<[std::borrow::Cow<'_, str>; 18]> =
                        values.iter().map(|v| v.text()).collect();
                    encode(texts.iter().map(|t| t.as_ref()))
                } else {
                    // Changed, its values not kept: an empty box allocates nothing.
                    Box::default()
                });
            }
        }
        known
    }

    /// The hash of values on the attributes of mask `columns`, each normalised as it is
    /// compared: equal values (trimmed; ignoring case where that is the rule; dates as
    /// instants) hash the same. The normal forms ([`Tenant::hash_value`]) are fed one after the
    /// other to one hasher. The account name is left out: a row is compared with the record its
    /// account key found, whose name is its own ignoring case, so it never tells them apart
    /// (and folding the case of names that are not ASCII is costly).
    pub(crate) fn fingerprint<'v>(&self, columns: u32, value: impl Fn(usize) -> Normal<'v>) -> u64 {
        let columns = columns & !(1u32.checked_shl(self.account as u32).unwrap_or(0));
        let mut hasher = FxHasher::default();
        for attribute in 0..self.compare.len().min(32) {
            if columns >> attribute & 1 == 1 {
                match value(attribute) {
                    Normal::Text(text) => {
                        self.hash_value(attribute, crate::rules::trim(text), &mut hasher);
                    }
                    Normal::Instant(seconds) => hash_instant(attribute, (seconds, 0), &mut hasher),
                }
            }
        }
        hasher.finish()
    }

    /// Feeds the normal form of attribute `attribute`'s trimmed `value` to `hasher`: the
    /// attribute's number and kind of value, then its text (case-folded where case is ignored,
    /// as account names are: [`crate::verdict::with_folded`]) or a date's instant (seconds and
    /// nanoseconds since 1970). The bytes of a text are hashed with their length, so values
    /// written one after the other hash one way only.
    #[inline]
    fn hash_value(&self, attribute: usize, value: &str, hasher: &mut FxHasher) {
        let text = (attribute as u8) << 1;
        match self.compare[attribute] {
            Compare::Text => {
                hasher.write_u8(text);
                hasher.write(value.as_bytes());
            }
            Compare::IgnoringCase => crate::verdict::with_folded(value, |folded| {
                hasher.write_u8(text);
                hasher.write(folded);
            }),
            Compare::Instant => {
                let instant = utc_seconds(value, self.dates.zone().is_none()).or_else(|| {
                    let read = self.dates.read(value).ok()?;
                    Some((read.timestamp(), read.timestamp_subsec_nanos()))
                });
                match instant {
                    Some(instant) => hash_instant(attribute, instant, hasher),
                    None => {
                        hasher.write_u8(text);
                        hasher.write(value.as_bytes());
                    }
                }
            }
        }
    }

    /// The attributes a changed row changes in record `record`: its export's values `old` (as
    /// [`Tenant::revisit_export`] gives them) against the row's, `new` (as
    /// [`Known::changed`] holds them), on the attributes its export has.
    pub fn changes<'a>(&self, record: u32, old: &[&'a str], new: &'a [u8]) -> Vec<Change<'a>> {
        let record = self.record(record);
        decode(new)
            .zip(old)
            .enumerate()
            .filter(|&(attribute, (new, old))| {
                self.compares(record, attribute) && !self.same(attribute, old, new)
            })
            .map(|(attribute, (new, &old))| Change {
                attribute,
                old,
                new,
            })
            .collect()
    }

    /// Whether the export's `old` and the row's `new` are the same value of `attribute`: the
    /// same once normalised, as the fingerprints compare them.
    fn same(&self, attribute: usize, old: &str, new: &str) -> bool {
        let (old, new) = (crate::rules::trim(old), crate::rules::trim(new));
        if old == new {
            return true;
        }
        match self.compare[attribute] {
            // Texts differ when their trimmed forms do.
            Compare::Text => return false,
            Compare::IgnoringCase if old.is_ascii() && new.is_ascii() => {
                return old.eq_ignore_ascii_case(new);
            }
            // Instants in the forms exports and uploads write, compared as such.
            Compare::Instant => {
                let day_is_utc = self.dates.zone().is_none();
                if let (Some(old), Some(new)) =
                    (utc_seconds(old, day_is_utc), utc_seconds(new, day_is_utc))
                {
                    return old == new;
                }
            }
            Compare::IgnoringCase => {}
        }
        let (mut old_hash, mut new_hash) = (FxHasher::default(), FxHasher::default());
        self.hash_value(attribute, old, &mut old_hash);
        self.hash_value(attribute, new, &mut new_hash);
        old_hash.finish() == new_hash.finish()
    }
}

/// Feeds a date's instant (seconds and nanoseconds since 1970) of attribute `attribute` to
/// `hasher`, marked apart from texts.
fn hash_instant(attribute: usize, (seconds, nanos): (i64, u32), hasher: &mut FxHasher) {
    hasher.write_u8((attribute as u8) << 1 | 1);
    hasher.write_u64(seconds as u64);
    hasher.write_u32(nanos);
}

/// The instant (seconds since 1970) of a date in the upload form, `YYYY-MM-DDTHH:MM:SS±HH:MM`,
/// whose digits are known to be digits; `None` for the longer form of years past 9999.
fn date_instant(date: &DateText) -> Option<i64> {
    let b: &[u8; 25] = date.as_bytes().try_into().ok()?;
    let n = |at: usize| {
        i64::from(b[at].wrapping_sub(b'0')) * 10 + i64::from(b[at + 1].wrapping_sub(b'0'))
    };
    let days = days_from_civil(n(0) * 100 + n(2), n(5), n(8));
    let offset = (n(20) * 3600 + n(23) * 60) * if b[19] == b'-' { -1 } else { 1 };
    Some(days * 86_400 + n(11) * 3600 + n(14) * 60 + n(17) - offset)
}

/// The instant of the forms exports and uploads write dates in, read without chrono: seconds
/// since 1970 (and no nanoseconds) of `YYYY-MM-DDTHH:MM:SS` followed by `Z` or `±HH:MM`, and,
/// when `day_is_utc` (no `--timezone`), of `YYYY-MM-DD` at midnight UTC. Anything else, or a
/// date the calendar lacks, is `None`, for the date rule to read.
fn utc_seconds(value: &str, day_is_utc: bool) -> Option<(i64, u32)> {
    let bytes = value.as_bytes();
    let date: &[u8; 10] = bytes.get(..10)?.try_into().ok()?;
    // Each byte less `0`: digits are 0 to 9, and `-` is this.
    const DASH: u8 = b'-'.wrapping_sub(b'0');
    let [y0, y1, y2, y3, DASH, m0, m1, DASH, d0, d1] = date.map(|b| b.wrapping_sub(b'0')) else {
        return None;
    };
    if y0 > 9 || y1 > 9 || y2 > 9 || y3 > 9 || m0 > 9 || m1 > 9 || d0 > 9 || d1 > 9 {
        return None;
    }
    let [year, month, day] = [
        i64::from(y0) * 1000 + i64::from(y1) * 100 + i64::from(y2) * 10 + i64::from(y3),
        i64::from(m0) * 10 + i64::from(m1),
        i64::from(d0) * 10 + i64::from(d1),
    ];
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
    let time = match &bytes[10..] {
        [] => return day_is_utc.then_some((days * 86_400, 0)),
        [b'T', time @ ..] => time,
        _ => return None,
    };
    // Two digits, as a number, or `None`.
    let two = |pair: &[u8]| -> Option<i64> {
        let (tens, ones) = (pair[0].wrapping_sub(b'0'), pair[1].wrapping_sub(b'0'));
        (tens < 10 && ones < 10).then_some(i64::from(tens * 10 + ones))
    };
    let (clock, zone) = match time {
        [h0, h1, b':', m0, m1, b':', s0, s1, zone @ ..] => {
            ([[*h0, *h1], [*m0, *m1], [*s0, *s1]], zone)
        }
        _ => return None,
    };
    let (hour, minute, second) = (two(&clock[0])?, two(&clock[1])?, two(&clock[2])?);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let offset = match zone {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), h0, h1, b':', m0, m1] => {
            let (h, m) = (two(&[*h0, *h1])?, two(&[*m0, *m1])?);
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

/// The values [`encode`] wrote. Lengths below 128 are one byte of ASCII each, so that when
/// every value is shorter the whole is text: checked as UTF-8 once, then sliced (otherwise
/// each value is checked on its own).
fn decode(bytes: &[u8]) -> impl Iterator<Item = &str> {
    let whole = simdutf8::basic::from_utf8(bytes).ok();
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= bytes.len() {
            return None;
        }
        let (mut len, mut shift) = (0usize, 0u32);
        while let Some(&byte) = bytes.get(at) {
            at += 1;
            len |= usize::from(byte & 0x7f).checked_shl(shift).unwrap_or(0);
            shift += 7;
            if byte & 0x80 == 0 {
                break;
            }
        }
        let value = at..at.saturating_add(len).min(bytes.len());
        at = value.end;
        let text = match whole {
            Some(whole) => whole.get(value.clone()),
            None => None,
        };
        Some(text.unwrap_or_else(|| {
            std::str::from_utf8(bytes.get(value).unwrap_or_default()).unwrap_or_default()
        }))
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
        assert_eq!(known.record.map(|r| r.index), Some(0));
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
        // Folded as account names are: a final sigma is a sigma.
        let export = format!("{HEADER}\nzoë.lee,Zoë,Lee,ann@example.com,+1 512 555 0100,ΟΔΥΣΣΕΥΣ,2026-01-01,2026-06-30\n");
        row[5] = "οδυσσευς";
        assert_eq!(changed(&export, row), Vec::<String>::new());
        // Case of names and emails, spaces after commas, dates as instants in other offsets.
        let export = format!("{HEADER}\nANN.LEE, Ann,Lee ,Ann@Example.com, +1 512 555 0100,JDoe,2026-01-01T01:00:00+01:00,2026-06-30T00:00:00Z\n");
        assert_eq!(changed(&export, ROW), Vec::<String>::new());
    }

    /// A tenant that keeps no values still tells a changed row from an unchanged one, and the
    /// ledger counts it an update, keeping nothing for it.
    #[test]
    fn a_tenant_keeping_no_values_still_counts_updates() {
        let export = format!("{HEADER}\nann.lee,Anne,Lee,ann@example.com,+1 512 555 0100,jdoe,2026-01-01,2026-06-30\n");
        let open = || CsvSource::new(export.as_bytes(), CsvOptions::default()).unwrap();
        let header: Vec<String> = HEADER.split(',').map(String::from).collect();
        let plan = ColumnPlan::new(Schema::system(), &header, RuleConfig::default()).unwrap();
        for keep in [true, false] {
            let mut tenant = Tenant::new(&Schema::system(), 10).keeping_changed_values(keep);
            let north = tenant.add_source("north", None).unwrap();
            tenant.load_export(north, open()).unwrap();
            let row = Row::from_fields(2, ROW);
            let mut checked = plan.check(&row);
            let known = tenant.match_row(&checked);
            let changed = known.changed.as_deref().map(<[u8]>::len);
            assert_eq!(changed.map(|len| len > 0), Some(keep), "keep: {keep}");
            let mut ledger = crate::Ledger::for_tenant(std::sync::Arc::new(tenant));
            ledger.admit(&mut checked.verdict, &row, Some(0), known);
            assert_eq!(ledger.placed()[north].updates, 1);
            assert_eq!(ledger.changed_values(0).is_some(), keep);
        }
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

        /// The instant of a date in the upload form is the date's, for any year of four
        /// digits and any offset; the longer form of later years has none.
        #[test]
        fn the_upload_forms_instant_is_the_dates(
            seconds in -62_167_219_200i64..260_000_000_000, offset in -1439i64..1440,
        ) {
            let utc = chrono::DateTime::from_timestamp(seconds, 0).unwrap();
            let zone = chrono::FixedOffset::east_opt((offset * 60) as i32).unwrap();
            let date = utc.with_timezone(&zone);
            let text = crate::rules::DateText::new(&date);
            let four_digits = (0..=9999).contains(&chrono::Datelike::year(&date));
            let expected = four_digits.then_some(seconds);
            proptest::prop_assert_eq!(super::date_instant(&text), expected, "{}", text.as_str());
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

    proptest::proptest! {
        /// Any values come back as they went in: all short (the whole checked as text once)
        /// or some of 128 bytes or more (each checked on its own).
        #[test]
        fn any_values_survive_their_encoding(
            values in proptest::collection::vec("\\PC{0,20}|[a-zé]{100,140}", 0..20),
        ) {
            let encoded = super::encode(values.iter().map(String::as_str));
            let decoded: Vec<&str> = super::decode(&encoded).collect();
            proptest::prop_assert_eq!(decoded, values);
        }
    }
}
