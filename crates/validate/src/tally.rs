//! What a report tells of the findings beyond their list: how many each input field has
//! ([`FieldTallies`]), its most frequent offending values, and the first rejected rows as they
//! were read ([`RejectedExamples`]), each in bounded memory however many rows are rejected.

use std::collections::{BTreeMap, HashMap};

use nebulk_read::{escape_bytes, shorten_value, Row};
use serde::{Serialize, Serializer};

use crate::code::Code;
use crate::finding::Finding;
use crate::verdict::Verdict;

/// Distinct offending values counted per field at most; a value first seen after that is not
/// counted (the most frequent ones show up early).
const MOST_DISTINCT_VALUES: usize = 1000;

/// Offending values listed per field.
const TOP_VALUES: usize = 5;

/// Rejected rows kept as examples.
pub const REJECTED_EXAMPLES: usize = 20;

/// A value and how many findings it has.
///
/// ```
/// let v = nebulk_validate::ValueCount { value: "n/a".into(), count: 3 };
/// assert_eq!((v.value.as_str(), v.count), ("n/a", 3));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueCount {
    /// The value as read (bytes that are not UTF-8 written `\xNN`, cut after 60 characters).
    pub value: String,
    /// The findings about it.
    pub count: u64,
}

/// The findings of each input field, and its most frequent offending values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldTallies {
    fields: BTreeMap<String, FieldTally>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct FieldTally {
    findings: u64,
    values: HashMap<String, u64>,
}

impl FieldTallies {
    /// Counts the findings of a row that are about one field, with the field's value.
    pub(crate) fn note(&mut self, findings: &[Finding]) {
        for finding in findings {
            let Some(column) = finding.column else {
                continue;
            };
            let name = match finding.field.as_deref() {
                Some(name) if !name.is_empty() => name,
                _ => &format!("column {column}"),
            };
            let tally = match self.fields.get_mut(name) {
                Some(tally) => tally,
                None => self.fields.entry(name.to_string()).or_default(),
            };
            tally.findings += 1;
            let value = finding.value.as_deref().unwrap_or_default();
            let room = tally.values.len() < MOST_DISTINCT_VALUES;
            match tally.values.get_mut(value) {
                Some(count) => *count += 1,
                None if room => {
                    tally.values.insert(value.to_string(), 1);
                }
                None => {}
            }
        }
    }

    /// Findings per field, as `report.json`'s `by_field`.
    pub fn findings_by_field(&self) -> BTreeMap<&str, u64> {
        self.fields
            .iter()
            .map(|(field, tally)| (field.as_str(), tally.findings))
            .collect()
    }

    /// Each field's most frequent offending values, most frequent first (ties in the order of
    /// the values), as `report.json`'s `offending_values`.
    pub fn top_values(&self) -> BTreeMap<&str, Vec<ValueCount>> {
        self.fields
            .iter()
            .map(|(field, tally)| {
                let mut values: Vec<ValueCount> = tally
                    .values
                    .iter()
                    .map(|(value, &count)| ValueCount {
                        value: value.clone(),
                        count,
                    })
                    .collect();
                values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
                values.truncate(TOP_VALUES);
                (field.as_str(), values)
            })
            .collect()
    }
}

/// `report.json`'s `by_field` (findings per field) and `offending_values` (each field's most
/// frequent offending values).
impl Serialize for FieldTallies {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Tallies<'a> {
            by_field: BTreeMap<&'a str, u64>,
            offending_values: BTreeMap<&'a str, Vec<ValueCount>>,
        }
        Tallies {
            by_field: self.findings_by_field(),
            offending_values: self.top_values(),
        }
        .serialize(serializer)
    }
}

/// A rejected row as read: its cells and what is wrong with them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedExample {
    /// The file of the row, when the input is several files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The row's line.
    pub line: u64,
    /// Its fields, in input order (bytes that are not UTF-8 written `\xNN`, each cut after 60
    /// characters).
    pub cells: Vec<String>,
    /// Its errors.
    pub issues: Vec<ExampleIssue>,
}

/// An error of a [`RejectedExample`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExampleIssue {
    /// 1-based input column, when it is about one field.
    pub column: Option<usize>,
    /// Its code.
    pub code: Code,
    /// A sentence for people.
    pub message: String,
}

/// The first rejected rows, with the input header their cells are under.
///
/// ```
/// use nebulk_read::Row;
/// use nebulk_validate::{Code, Issue, RejectedExamples, Verdict};
/// let mut examples = RejectedExamples::default();
/// let issue = Issue { code: Code::InvalidEmail, column: Some(1), message: "bad".into() };
/// let verdict = Verdict { issues: vec![issue], ..Verdict::default() };
/// examples.note(&Row::from_fields(2, ["ann", "ann@"]), &verdict);
/// assert_eq!(examples.rows[0].cells, ["ann", "ann@"]);
/// assert_eq!(examples.rows[0].issues[0].column, Some(2));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RejectedExamples {
    /// The input header.
    pub header: Vec<String>,
    /// The first rejected rows, at most [`REJECTED_EXAMPLES`].
    pub rows: Vec<RejectedExample>,
}

impl RejectedExamples {
    /// Keeps a rejected row while there is room.
    pub fn note(&mut self, row: &Row, verdict: &Verdict) {
        if self.rows.len() >= REJECTED_EXAMPLES || verdict.is_valid() {
            return;
        }
        self.rows.push(RejectedExample {
            file: row.file.as_deref().map(String::from),
            line: row.line,
            cells: row
                .record
                .iter()
                .map(|field| shorten_value(&escape_bytes(field)).into_owned())
                .collect(),
            issues: verdict
                .issues
                .iter()
                .map(|issue| ExampleIssue {
                    column: issue.column.map(|c| c + 1),
                    code: issue.code,
                    message: issue.message.clone(),
                })
                .collect(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::Issue;

    fn verdict(column: usize) -> Verdict {
        let issue = Issue {
            code: Code::InvalidEmail,
            column: Some(column),
            message: String::new(),
        };
        Verdict {
            issues: vec![issue],
            ..Verdict::default()
        }
    }

    /// The findings of a row whose second field is faulty.
    fn findings(row: &Row, header: &[String]) -> Vec<Finding> {
        Finding::of_row(row, &verdict(1), header).collect()
    }

    #[test]
    fn values_are_counted_most_frequent_first_in_bounded_memory() {
        let header = ["accountName".to_string(), "email".to_string()];
        let mut tallies = FieldTallies::default();
        for (i, value) in ["x", "y", "x", "z", "x", "y"].iter().enumerate() {
            let row = Row::from_fields(i as u64 + 2, ["a", value]);
            tallies.note(&findings(&row, &header));
        }
        for i in 0..5000 {
            let value = format!("v{i}");
            let row = Row::from_fields(9, ["a", value.as_str()]);
            tallies.note(&findings(&row, &header));
        }
        assert_eq!(tallies.findings_by_field()["email"], 5006);
        let top = &tallies.top_values()["email"];
        assert_eq!((top[0].value.as_str(), top[0].count), ("x", 3));
        assert_eq!((top[1].value.as_str(), top[1].count), ("y", 2));
        assert_eq!(top.len(), TOP_VALUES);
        assert_eq!(tallies.fields["email"].values.len(), MOST_DISTINCT_VALUES);
    }

    #[test]
    fn a_column_without_a_header_is_named_by_its_number() {
        let header = ["accountName".to_string(), String::new()];
        let mut tallies = FieldTallies::default();
        tallies.note(&findings(&Row::from_fields(2, ["a", "b"]), &header));
        assert_eq!(tallies.findings_by_field()["column 2"], 1);
    }

    #[test]
    fn only_the_first_rejected_rows_are_kept() {
        let mut examples = RejectedExamples::default();
        for line in 2..100 {
            examples.note(&Row::from_fields(line, ["a", "b"]), &verdict(1));
            examples.note(&Row::from_fields(line, ["valid"]), &Verdict::default());
        }
        assert_eq!(examples.rows.len(), REJECTED_EXAMPLES);
        assert_eq!(examples.rows.last().map(|r| r.line), Some(21));
    }
}
