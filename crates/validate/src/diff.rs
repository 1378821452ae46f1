//! The diff against the exports: a row's values compared with its account's in the export that
//! holds it, each attribute normalised the same way on both sides (trimmed; account names,
//! emails and managers ignoring case; dates as instants). During the run a row is told changed
//! or unchanged by the fingerprint of its normalised values; after it, the changed attributes
//! are listed against the export's values, read again ([`Tenant::changes`]).

use std::cell::RefCell;

use crate::checked::CheckedRow;
use crate::placement::{Change, Known};
use crate::tenant::{Compare, Tenant};

thread_local! {
    /// The normalised values of a row, one after the other, hashed at once.
    static NORMAL: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
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
        let (Some(key), true) = (checked.verdict.account_key, self.has_accounts()) else {
            return Known::default();
        };
        let Some(index) = self.find_account(&key) else {
            return Known::default();
        };
        let record = self.record(index);
        let mut known = Known {
            record: Some(index),
            changed: None,
        };
        if checked.is_valid() && self.second_source(record).is_none() {
            let texts: smallvec::SmallVec<[_; 18]> =
                checked.values.iter().map(|v| v.text()).collect();
            let fingerprint = self.fingerprint(record.columns, |a| texts.get(a).map_or("", |t| t));
            if fingerprint != record.fingerprint {
                known.changed = Some(encode(texts.iter().map(|t| t.as_ref())));
            }
        }
        known
    }

    /// The hash of values on the attributes of mask `columns`, each normalised as it is
    /// compared: equal values (trimmed; ignoring case where that is the rule; dates as
    /// instants) hash the same.
    pub(crate) fn fingerprint<'v>(&self, columns: u32, value: impl Fn(usize) -> &'v str) -> u64 {
        NORMAL.with(|normal| {
            let mut out = normal.borrow_mut();
            out.clear();
            for attribute in 0..self.compare.len().min(32) {
                if columns >> attribute & 1 == 1 {
                    self.normalise(attribute, crate::rules::trim(value(attribute)), &mut out);
                }
            }
            xxhash_rust::xxh3::xxh3_64(&out)
        })
    }

    /// Appends attribute `attribute`'s `value`, normalised, to `out`: its index, then `0` and
    /// the text's length and bytes, or `1` and an instant's seconds and nanoseconds, so that no
    /// two lists of values run together the same.
    fn normalise(&self, attribute: usize, value: &str, out: &mut Vec<u8>) {
        out.push(attribute as u8);
        let text = |text: &[u8], out: &mut Vec<u8>| {
            out.push(0);
            out.extend_from_slice(&(text.len() as u32).to_le_bytes());
            out.extend_from_slice(text);
        };
        match self.compare[attribute] {
            Compare::Text => text(value.as_bytes(), out),
            Compare::IgnoringCase if value.is_ascii() => {
                let start = out.len() + 5;
                text(value.as_bytes(), out);
                out[start..].make_ascii_lowercase();
            }
            Compare::IgnoringCase => text(value.to_lowercase().as_bytes(), out),
            Compare::Instant => match self.dates.read(value) {
                Ok(instant) => {
                    out.push(1);
                    out.extend_from_slice(&instant.timestamp().to_le_bytes());
                    out.extend_from_slice(&instant.timestamp_subsec_nanos().to_le_bytes());
                }
                Err(_) => text(value.as_bytes(), out),
            },
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

    /// Whether the export's `old` and the row's `new` are the same value of `attribute`.
    fn same(&self, attribute: usize, old: &str, new: &str) -> bool {
        let (old, new) = (crate::rules::trim(old), crate::rules::trim(new));
        if old == new {
            return true;
        }
        match self.compare[attribute] {
            Compare::Text => false,
            Compare::IgnoringCase => old.to_lowercase() == new.to_lowercase(),
            Compare::Instant => match (self.dates.read(old), self.dates.read(new)) {
                (Ok(old), Ok(new)) => old == new,
                _ => false,
            },
        }
    }
}

/// Values as one allocation: each a LEB128 length and its bytes.
fn encode<'v>(values: impl Iterator<Item = &'v str>) -> Box<[u8]> {
    let mut out = Vec::new();
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

    #[test]
    fn values_survive_their_encoding() {
        let long = "x".repeat(300);
        let values = ["", "a", long.as_str(), "é"];
        let encoded = super::encode(values.iter().copied());
        assert_eq!(super::decode(&encoded).collect::<Vec<_>>(), values);
    }
}
