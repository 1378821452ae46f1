//! Reading an export again after the run, for the old values of its changed accounts and its
//! absent ones: by the offsets its rows were read at, when it is plain delimited text
//! ([`Tenant::revisit_export_at`]), parsing only those rows; otherwise whole
//! ([`Tenant::revisit_export`]).

use std::io::{Read, Seek};

use nebulk_read::RowSource;

use crate::tenant::{for_each_export_row, with_values, ExistingError, Tenant};
use crate::verdict::AccountKey;

impl Tenant {
    /// Reads export `export` (0-based, in the order exports were added) a second time, and
    /// calls `each` with each of `records` (accounts it added, in the order read: see
    /// [`Tenant::record_export`]) and the account's values in schema order, trimmed (empty where
    /// the export has no column). Only those rows are read into values.
    ///
    /// ```
    /// use nebulk_read::{CsvOptions, CsvSource};
    /// use nebulk_schema::Schema;
    /// let export = "accountName,email\nann,ann@example.com\nANN,again@example.com\nbob,\n";
    /// let open = || CsvSource::new(export.as_bytes(), CsvOptions::default()).unwrap();
    /// let mut tenant = nebulk_validate::Tenant::new(&Schema::system(), 20_000);
    /// let north = tenant.add_source("north", None).unwrap();
    /// tenant.load_export(north, open()).unwrap();
    /// let records: Vec<u32> = (0..2).filter(|&r| tenant.record_export(r) == Some(0)).collect();
    /// assert_eq!(records, [0, 1]);
    /// let mut seen = Vec::new();
    /// tenant.revisit_export(0, open(), &records, |record, values| {
    ///     seen.push((record, values[0].to_string(), values[3].to_string()));
    /// }).unwrap();
    /// assert_eq!(seen[0], (0, "ann".to_string(), "ann@example.com".to_string()));
    /// assert_eq!(seen[1], (1, "bob".to_string(), String::new()));
    /// ```
    ///
    /// # Errors
    ///
    /// The export cannot be read again.
    pub fn revisit_export<S: RowSource>(
        &self,
        export: usize,
        mut rows: S,
        records: &[u32],
        mut each: impl FnMut(u32, &[&str]),
    ) -> Result<(), ExistingError> {
        let (columns, _) = self.export_columns(rows.header())?;
        let mut wanted = records
            .iter()
            .map(|&r| (r, self.record(r)))
            .filter(|(_, record)| usize::from(record.export) == export)
            .peekable();
        for_each_export_row(&mut rows, |number, row| {
            while let Some(&(index, record)) = wanted.peek() {
                if record.row > number {
                    break;
                }
                wanted.next();
                if record.row == number {
                    with_values(row, &columns, |values| each(index, values));
                }
            }
        })
    }

    /// [`Tenant::revisit_export`] by the offsets the export's rows were read at: `input` is
    /// the export's file again, from its first byte. Only the rows of `records` are read into
    /// values; the rest of the file is read through, not parsed. Gives `false`, having called
    /// `each` for some records perhaps, when the export cannot be read so (it is not plain
    /// delimited text, or a row found at an offset is not the account's: the file changed):
    /// read it whole with [`Tenant::revisit_export`] then.
    ///
    /// ```
    /// use nebulk_read::{CsvOptions, CsvSource};
    /// use nebulk_schema::Schema;
    /// let export = "accountName,email\nann,ann@example.com\n,\"two\nlines\"\nbob,b@x\n";
    /// let mut tenant = nebulk_validate::Tenant::new(&Schema::system(), 20_000);
    /// let north = tenant.add_source("north", None).unwrap();
    /// tenant.load_export(north, CsvSource::new(export.as_bytes(), CsvOptions::default()).unwrap()).unwrap();
    /// let mut seen = Vec::new();
    /// let read = tenant.revisit_export_at(0, std::io::Cursor::new(export), &[1], |record, values| {
    ///     seen.push((record, values[0].to_string(), values[3].to_string()));
    /// }).unwrap();
    /// assert!(read);
    /// assert_eq!(seen, [(1, "bob".to_string(), "b@x".to_string())]);
    /// // A file changed since: another account where bob's row was.
    /// let changed = export.replace("bob", "bib");
    /// assert!(!tenant.revisit_export_at(0, std::io::Cursor::new(changed), &[1], |_, _| ()).unwrap());
    /// ```
    ///
    /// # Errors
    ///
    /// The file cannot be read.
    pub fn revisit_export_at(
        &self,
        export: usize,
        input: impl Read + Seek,
        records: &[u32],
        mut each: impl FnMut(u32, &[&str]),
    ) -> Result<bool, ExistingError> {
        let Some(reading) = self.readings.get(export) else {
            return Ok(false);
        };
        let Some(delimiter) = reading.delimiter else {
            return Ok(false);
        };
        let wanted: Vec<u32> = records
            .iter()
            .copied()
            .filter(|&r| usize::from(self.record(r).export) == export)
            .collect();
        let spans = wanted.iter().map(|&r| {
            let record = self.record(r);
            let len = (record.len != u32::MAX).then_some(u64::from(record.len));
            (record.byte, len)
        });
        let mut found = 0usize;
        let mut held = true;
        nebulk_read::read_records_at(input, delimiter, spans, |number, row| {
            let Some(&record) = wanted.get(number) else {
                return;
            };
            with_values(row, &reading.columns, |values| {
                let key = AccountKey::of(values[self.account]);
                if held && self.find_account(&key) == Some(record) {
                    found += 1;
                    each(record, values);
                } else {
                    held = false;
                }
            });
        })
        .map_err(|error| ExistingError::Read(nebulk_read::ReadError::Io { line: 0, error }))?;
        Ok(held && found == wanted.len())
    }
}

#[cfg(test)]
mod tests {
    use nebulk_read::{CsvOptions, CsvSource};
    use nebulk_schema::Schema;
    use proptest::prelude::*;

    use crate::Tenant;

    /// A field as an export may write it: plain, or quoted with a delimiter, a quote or a line
    /// end inside.
    fn field() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9@. é]{0,8}",
            "[a-z ,;\"\r\n]{0,6}".prop_map(|s| format!("\"{}\"", s.replace('"', "\"\""))),
        ]
    }

    /// A data line: a named account (from a few names, so that some come twice, in two
    /// cases), a row without a name, or a blank line.
    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => ("(ann|bob|cy|Ann|dé)[0-9]{0,2}", field(), field())
                .prop_map(|(name, email, date)| format!("{name},{email},{date}")),
            1 => (field(), field()).prop_map(|(email, date)| format!(",{email},{date}")),
            1 => Just(String::new()),
        ]
    }

    proptest! {
        /// Read again by offsets, an export gives the rows and values reading it whole gives,
        /// with any quoting, line ends, blank lines, rows without a name and repeated names.
        #[test]
        fn offsets_give_what_the_whole_export_gives(
            lines in prop::collection::vec(line(), 0..30),
            crlf in any::<bool>(),
            bom in any::<bool>(),
            final_line_end in any::<bool>(),
            pick in prop::collection::vec(any::<bool>(), 30),
        ) {
            let end = if crlf { "\r\n" } else { "\n" };
            let mut export = String::from(if bom { "\u{feff}" } else { "" });
            export.push_str("accountName,email,startDate");
            for line in &lines {
                export.push_str(end);
                export.push_str(line);
            }
            if final_line_end {
                export.push_str(end);
            }
            let mut tenant = Tenant::new(&Schema::system(), 20_000);
            let north = tenant.add_source("north", None).unwrap();
            let open = || CsvSource::new(export.as_bytes(), CsvOptions::default()).unwrap();
            tenant.load_export(north, open()).unwrap();
            let records: Vec<u32> = (0..tenant.record_count() as u32)
                .filter(|&r| pick.get(r as usize).copied().unwrap_or(true))
                .collect();
            let owned = |r: u32, values: &[&str]| (r, values.iter().map(|v| v.to_string()).collect::<Vec<_>>());
            let mut whole = Vec::new();
            tenant.revisit_export(0, open(), &records, |r, v| whole.push(owned(r, v))).unwrap();
            let mut by_offsets = Vec::new();
            let read = tenant
                .revisit_export_at(0, std::io::Cursor::new(&export), &records, |r, v| by_offsets.push(owned(r, v)))
                .unwrap();
            prop_assert!(read, "{export:?}");
            prop_assert_eq!(by_offsets, whole);
        }
    }
}
