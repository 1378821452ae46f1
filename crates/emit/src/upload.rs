//! `upload.csv`: the valid rows, the schema's columns in schema order ([`UploadWriter`]), each
//! line made on the engine's worker threads ([`UploadFormat`]).

use std::io;
use std::path::Path;

use nebulk_schema::Schema;
use nebulk_validate::{CheckedRow, RowFormat, UploadValue};

use crate::atomic::AtomicFile;
use crate::csv_line::{self, write_record, Value};
use crate::list::ListWriter;

/// Writes `upload.csv`: the schema header, then one line per valid row. Lines are made by
/// [`UploadFormat`] (on the engine's worker threads) and written as they come.
///
/// ```
/// use nebulk_emit::UploadWriter;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("upload.csv");
/// let writer = UploadWriter::create(&path, &nebulk_schema::Schema::system()).unwrap();
/// writer.finish().unwrap();
/// let text = std::fs::read_to_string(&path).unwrap();
/// assert_eq!(text, "accountName,firstName,lastName,email,phone,manager,startDate,endDate\n");
/// ```
pub struct UploadWriter(ListWriter);

impl UploadWriter {
    /// Starts the file and writes the header.
    pub fn create(target: &Path, schema: &Schema) -> io::Result<UploadWriter> {
        let header: Vec<&str> = schema.headers().collect();
        ListWriter::create(target, &header).map(UploadWriter)
    }

    /// Writes a valid row's line, as [`UploadFormat`] made it.
    pub fn write(&mut self, line: &[u8]) -> io::Result<()> {
        self.0.write_line(line)
    }

    /// Completes the file.
    pub fn finish(self) -> io::Result<()> {
        self.0.finish()
    }

    /// Flushes the file and gives it back, uncommitted.
    pub(crate) fn into_file(self) -> io::Result<AtomicFile> {
        self.0.into_file()
    }

    /// See [`ListWriter::sync_early`].
    pub(crate) fn sync_early(&mut self) -> io::Result<()> {
        self.0.sync_early()
    }
}

/// Formats a valid row as its `upload.csv` line: its values in schema order. The values must
/// be trimmed fields of the row as read (or normalised dates), as [`nebulk_validate`] makes
/// them: when the row as read holds nothing that needs quoting, neither do they.
///
/// ```
/// use nebulk_validate::{CheckedRow, RowFormat, UploadValue};
/// let row = nebulk_read::Row::from_fields(2, [" ann ", "Lee, Ann"]);
/// let checked = CheckedRow {
///     row: &row,
///     values: [UploadValue::Text("ann"), UploadValue::Text("Lee, Ann")].into_iter().collect(),
///     verdict: Default::default(),
/// };
/// let mut line = Vec::new();
/// nebulk_emit::UploadFormat.format_row(&checked, &mut line);
/// assert_eq!(line, b"ann,\"Lee, Ann\"\n");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct UploadFormat;

impl RowFormat for UploadFormat {
    fn format_row(&self, row: &CheckedRow<'_>, out: &mut Vec<u8>) {
        // Neutralised values are rare, and the only ones not found in the row as read.
        if row
            .values
            .iter()
            .any(|v| matches!(v, UploadValue::Neutralised(_)))
        {
            let texts: Vec<_> = row.values.iter().map(UploadValue::text).collect();
            write_record(out, texts.iter().map(|t| t.as_bytes()));
            return;
        }
        // The values are trimmed fields of the row (or dates, which need no quotes): one scan
        // of the row as read tells which of them need quotes.
        let values = row.values.iter().map(|value| match value {
            UploadValue::Date(date) => Value::Plain(date.as_bytes()),
            UploadValue::Phone(phone) => Value::Plain(phone.as_bytes()),
            UploadValue::Text(text) | UploadValue::Neutralised(text) => {
                Value::Text(text.as_bytes())
            }
        });
        csv_line::write_slices_of(out, row.row.record.as_slice(), values);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn the_plain_shortcut_writes_what_quoting_writes(
            fields in proptest::collection::vec("[ a-z,\"\r\n]{0,8}", 1..12),
            other in "[a-z,\"]{0,3}",
            seconds in -100_000_000_000i64..300_000_000_000,
            offset_minutes in -1439i32..1440,
            date_at in 0usize..12,
        ) {
            // Values are trimmed fields of the row, one text from elsewhere, and a date (any
            // year chrono allows, any offset) put among them.
            let row = nebulk_read::Row::from_fields(2, &fields);
            let mut values: Vec<UploadValue> = fields.iter().map(|f| UploadValue::Text(f.trim())).collect();
            values.push(UploadValue::Text(&other));
            let offset = chrono::FixedOffset::east_opt(offset_minutes * 60).unwrap();
            let date = chrono::DateTime::from_timestamp(seconds, 0).unwrap().with_timezone(&offset);
            let date = UploadValue::Date(nebulk_validate::rules::DateText::new(&date));
            values.insert(date_at.min(values.len()), date);
            let checked = CheckedRow {
                row: &row,
                values: values.iter().copied().collect(),
                verdict: Default::default(),
            };
            let mut shortcut = Vec::new();
            UploadFormat.format_row(&checked, &mut shortcut);
            let mut quoted = Vec::new();
            write_record(&mut quoted, values.iter().map(|v| v.as_str().as_bytes()));
            proptest::prop_assert_eq!(shortcut, quoted);
        }
    }
}
