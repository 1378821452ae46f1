//! A row source seen as records: [`RowRecords`].

use super::{RecordStream, SourcedRecord, BATCH};
use crate::{ProblemKind, ReadError, Record, RowProblem, RowSource, Value};

/// A row source seen as records, the header cells naming the fields: a CSV or spreadsheet to
/// be mapped. A column whose header cell is empty is the field `column N` (1-based). A row with
/// the wrong number of fields or a field that is not text carries the problem along, naming
/// the field.
///
/// ```
/// use nebulk_read::{CsvOptions, CsvSource, RecordStream, RowRecords, Value};
/// let csv = CsvSource::new(&b"name,mail,\nJohn Doe,j@example.com,x\n"[..], CsvOptions::default()).unwrap();
/// let mut records = RowRecords::new(csv);
/// assert_eq!(records.fields(), ["name", "mail", "column 3"]);
/// let batch = records.next_batch().unwrap();
/// assert_eq!(batch[0].record.get("name"), Some(&Value::Text("John Doe".into())));
/// assert_eq!(batch[0].record.line, 2);
/// ```
pub struct RowRecords<S> {
    source: S,
    header: Vec<String>,
}

impl<S: RowSource> RowRecords<S> {
    /// Wraps a row source.
    pub fn new(source: S) -> RowRecords<S> {
        let header = source
            .header()
            .iter()
            .enumerate()
            .map(|(i, name)| {
                if name.is_empty() {
                    format!("column {}", i + 1)
                } else {
                    name.clone()
                }
            })
            .collect();
        RowRecords { source, header }
    }

    /// The header cells: the fields each record has.
    pub fn fields(&self) -> &[String] {
        &self.header
    }
}

impl<S: RowSource> RecordStream for RowRecords<S> {
    fn next_batch(&mut self) -> Result<Vec<SourcedRecord>, ReadError> {
        let rows = self.source.read_chunk(BATCH, 4 << 20)?;
        Ok(rows
            .into_iter()
            .map(|row| {
                // The record's fields are not the mapped row's: a problem names its field in
                // words instead of by number.
                let mut problems: Vec<RowProblem> = row
                    .problems
                    .into_iter()
                    .map(
                        |problem| match problem.column.and_then(|c| self.header.get(c)) {
                            Some(name) => RowProblem {
                                column: None,
                                message: format!("{name}: {}", problem.message),
                                ..problem
                            },
                            None => problem,
                        },
                    )
                    .collect();
                if row.record.len() != self.header.len() {
                    problems.push(RowProblem {
                        kind: ProblemKind::Malformed,
                        column: None,
                        message: crate::wrong_field_count_message(
                            self.header.len(),
                            row.record.len(),
                        ),
                    });
                }
                let mut record = Record::new(row.line);
                for (name, field) in self.header.iter().zip(row.record.iter()) {
                    let text = match std::str::from_utf8(field) {
                        Ok(text) => text.to_string(),
                        Err(e) => {
                            problems.push(RowProblem {
                                kind: ProblemKind::Encoding,
                                column: None,
                                message: crate::not_utf8_message(name, &e),
                            });
                            String::from_utf8_lossy(field).into_owned()
                        }
                    };
                    record.push(name.clone(), Value::Text(text));
                }
                SourcedRecord {
                    file: row.file,
                    record,
                    problems,
                }
            })
            .collect())
    }

    fn bytes_read(&self) -> u64 {
        self.source.bytes_read()
    }
}
