//! The diff against the exports: a row's values compared with its account's in the export that
//! holds it, each attribute normalised the same way on both sides (trimmed; account names,
//! emails and managers ignoring case; dates as instants).

use crate::checked::CheckedRow;
use crate::placement::{Change, Known};
use crate::tenant::{Compare, Tenant};

impl Tenant {
    /// What the exports say of a checked row's account: the record holding it, and for a valid
    /// row held by one export, the attributes it changes there. Runs on the worker threads.
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
    /// let row = Row::from_fields(2, ["Ann", "Ann", "Lee", "ann@example.com", "+1 512 555 0100", "jdoe", "2026-01-01", "2026-07-31"]);
    /// let known = tenant.match_row(&plan.check(&row));
    /// assert_eq!(known.record, Some(0));
    /// assert_eq!(known.changes.len(), 1);
    /// assert_eq!((&*known.changes[0].old, &*known.changes[0].new), ("2026-06-30T00:00:00+00:00", "2026-07-31T00:00:00+00:00"));
    /// ```
    pub fn match_row(&self, checked: &CheckedRow<'_>) -> Known {
        let (Some(key), true) = (checked.verdict.account_key, self.has_accounts()) else {
            return Known::default();
        };
        let Some(index) = self.find_account(&key) else {
            return Known::default();
        };
        let record = self.record(index);
        let mut changes = Vec::new();
        if checked.is_valid() && self.second_source(record).is_none() {
            for (attribute, (old, new)) in self.values(index).zip(&checked.values).enumerate() {
                if !self.compares(record, attribute) {
                    continue;
                }
                let new = new.text();
                if !self.same(attribute, old, &new) {
                    changes.push(Change {
                        attribute,
                        old: old.into(),
                        new: new.into(),
                    });
                }
            }
        }
        Known {
            record: Some(index),
            changes,
        }
    }

    /// Whether the export's `old` and the row's `new` are the same value of `attribute`.
    fn same(&self, attribute: usize, old: &str, new: &str) -> bool {
        if old == new {
            return true;
        }
        match self.compare[attribute] {
            Compare::Text => false,
            Compare::IgnoringCase => {
                old.len() == new.len() && old.eq_ignore_ascii_case(new)
                    || old.to_lowercase() == new.to_lowercase()
            }
            Compare::Instant => match (self.dates.read(old), self.dates.read(new)) {
                (Ok(old), Ok(new)) => old == new,
                _ => false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use nebulk_read::{CsvOptions, CsvSource, Row};
    use nebulk_schema::Schema;

    use crate::{ColumnPlan, RuleConfig, Tenant};

    const HEADER: &str = "accountName,firstName,lastName,email,phone,manager,startDate,endDate";

    fn changed(export_row: &str, input: [&str; 8]) -> Vec<String> {
        let export = format!("{HEADER}\n{export_row}\n");
        let mut tenant = Tenant::new(&Schema::system(), 10);
        let north = tenant.add_source("north", None).unwrap();
        let rows = CsvSource::new(export.as_bytes(), CsvOptions::default()).unwrap();
        tenant.load_export(north, rows).unwrap();
        let header: Vec<String> = HEADER.split(',').map(String::from).collect();
        let plan = ColumnPlan::new(Schema::system(), &header, RuleConfig::default()).unwrap();
        let row = Row::from_fields(2, input);
        let known = tenant.match_row(&plan.check(&row));
        assert_eq!(known.record, Some(0));
        known
            .changes
            .iter()
            .map(|c| {
                format!(
                    "{}:{}>{}",
                    HEADER.split(',').nth(c.attribute).unwrap(),
                    c.old,
                    c.new
                )
            })
            .collect()
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
        let export = "ANN.LEE, Ann,Lee ,Ann@Example.com, +1 512 555 0100,JDoe,2026-01-01T01:00:00+01:00,2026-06-30T00:00:00Z";
        assert_eq!(changed(export, ROW), Vec::<String>::new());
    }

    #[test]
    fn each_changed_attribute_is_listed_with_both_values() {
        let export = "ann.lee,Anne,Lee,ann@example.com,+1 512 555 0199,jdoe,2026-01-01,";
        assert_eq!(
            changed(export, ROW),
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
        let mut tenant = Tenant::new(&Schema::system(), 10);
        let north = tenant.add_source("north", None).unwrap();
        let rows = CsvSource::new(export.as_bytes(), CsvOptions::default()).unwrap();
        tenant.load_export(north, rows).unwrap();
        let header: Vec<String> = HEADER.split(',').map(String::from).collect();
        let plan = ColumnPlan::new(Schema::system(), &header, RuleConfig::default()).unwrap();
        let row = Row::from_fields(2, ROW);
        assert!(tenant.match_row(&plan.check(&row)).changes.is_empty());
    }
}
