//! The lines of `changes.csv` and `absent.csv` for one export ([`DiffLines`]), written as CSV
//! on whatever thread reads the export again, and added to the files in export order by
//! [`crate::FileSink::write_diff_lines`].

use std::collections::BTreeMap;

use nebulk_schema::Schema;
use nebulk_validate::Change;

use crate::csv_line::write_record;

/// The lines of `changes.csv` (`source,accountName,attribute,old,new`, one per changed
/// attribute) and `absent.csv` (`source,accountName,endDate`) for one export, with the number
/// of changes of each attribute.
///
/// ```
/// use nebulk_emit::DiffLines;
/// use nebulk_validate::Change;
/// let schema = nebulk_schema::Schema::system();
/// let mut lines = DiffLines::default();
/// let change = Change { attribute: 3, old: "ann@old.example", new: "ann@example.com" };
/// lines.change(&schema, "north", "ann", &[change]);
/// lines.absent("north", "bob", "2026-06-30T00:00:00Z");
/// assert_eq!(lines.changes(), b"north,ann,email,ann@old.example,ann@example.com\n");
/// assert_eq!(lines.absent_lines(), b"north,bob,2026-06-30T00:00:00Z\n");
/// assert_eq!(lines.by_attribute()["email"], 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct DiffLines {
    changes: Vec<u8>,
    absent: Vec<u8>,
    by_attribute: BTreeMap<String, u64>,
}

impl DiffLines {
    /// Adds the lines of one changed account of source `source`: one per change.
    pub fn change(&mut self, schema: &Schema, source: &str, account: &str, changes: &[Change<'_>]) {
        for change in changes {
            let Some(attribute) = schema.attributes().get(change.attribute) else {
                continue;
            };
            let name = attribute.header.as_str();
            let fields = [source, account, name, change.old, change.new];
            write_record(&mut self.changes, fields.into_iter().map(str::as_bytes));
            // Counted without a copy of the name once it has its entry.
            match self.by_attribute.get_mut(name) {
                Some(count) => *count += 1,
                None => {
                    self.by_attribute.insert(name.to_string(), 1);
                }
            }
        }
    }

    /// Adds the line of an account of source `source`'s export that no row names.
    pub fn absent(&mut self, source: &str, account: &str, end_date: &str) {
        let fields = [source, account, end_date];
        write_record(&mut self.absent, fields.into_iter().map(str::as_bytes));
    }

    /// The lines of `changes.csv`.
    pub fn changes(&self) -> &[u8] {
        &self.changes
    }

    /// The lines of `absent.csv`.
    pub fn absent_lines(&self) -> &[u8] {
        &self.absent
    }

    /// The lines of `changes.csv` per attribute.
    pub fn by_attribute(&self) -> &BTreeMap<String, u64> {
        &self.by_attribute
    }
}
