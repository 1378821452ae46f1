//! `report.json` as read back ([`ReportDoc`]): the fields the renderers show, every one with a
//! default, so that a report of an earlier nebulk (without the newer fields) still renders.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A `report.json`, as the renderers read it.
///
/// ```
/// let doc: nebulk_report::ReportDoc =
///     serde_json::from_str(r#"{"input": "a.csv", "rows_read": 2, "rows_rejected": 1}"#).unwrap();
/// assert_eq!((doc.rows_read, doc.rows_rejected), (2, 1));
/// assert!(!doc.ready());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ReportDoc {
    /// The nebulk that wrote it.
    pub nebulk: String,
    /// The input as named on the command line.
    pub input: String,
    /// The kind it was read as.
    pub from: String,
    /// How many files were read.
    pub files: u64,
    /// The options the run was given, by long name.
    pub options: BTreeMap<String, serde_json::Value>,
    /// The upload file's columns.
    pub schema: Vec<String>,
    /// Data rows read.
    pub rows_read: u64,
    /// Rows passing every check.
    pub rows_valid: u64,
    /// Rows rejected.
    pub rows_rejected: u64,
    /// Valid rows written to the upload file(s).
    pub rows_uploaded: u64,
    /// Valid rows no source has room for.
    pub overflow: u64,
    /// Valid rows set aside as unchanged.
    pub unchanged_skipped: u64,
    /// Exported accounts no row names.
    pub absent: u64,
    /// Rows per code.
    pub by_code: BTreeMap<String, u64>,
    /// Warnings about the file or the run.
    pub warnings: Vec<Finding>,
    /// The account counts of all sources.
    pub accounts: Accounts,
    /// Each source.
    pub sources: Vec<Source>,
    /// The first findings.
    pub findings: Vec<Finding>,
    /// Whether more findings were found than kept.
    pub findings_truncated: bool,
    /// Findings of rows found, kept or not.
    pub findings_total: u64,
    /// Findings per input field.
    pub by_field: BTreeMap<String, u64>,
    /// Each field's most frequent offending values.
    pub offending_values: BTreeMap<String, Vec<ValueCount>>,
    /// The first rejected rows as read.
    pub rejected_examples: RejectedExamples,
    /// Lines of changes.csv per attribute.
    pub changes_by_attribute: BTreeMap<String, u64>,
}

impl ReportDoc {
    /// Reads a `report.json`.
    ///
    /// # Errors
    ///
    /// When the text is not JSON or a field has the wrong type; the error names the line and
    /// column.
    pub fn from_json(text: &str) -> serde_json::Result<ReportDoc> {
        serde_json::from_str(text)
    }

    /// The options as they were written on the command line: `--strict`, `--max-accounts 5`,
    /// one `--existing FILE` per value of a repeated option.
    ///
    /// ```
    /// let doc = nebulk_report::ReportDoc::from_json(
    ///     r#"{"options": {"strict": true, "existing": ["a.csv", "b.csv"], "fill": "balanced"}}"#,
    /// ).unwrap();
    /// assert_eq!(doc.command_line_options(), ["--existing a.csv", "--existing b.csv", "--fill balanced", "--strict"]);
    /// ```
    pub fn command_line_options(&self) -> Vec<String> {
        let mut written = Vec::new();
        for (name, value) in &self.options {
            match value {
                serde_json::Value::Bool(_) => written.push(format!("--{name}")),
                serde_json::Value::String(value) => written.push(format!("--{name} {value}")),
                serde_json::Value::Array(values) => {
                    for value in values {
                        let value = value
                            .as_str()
                            .map(String::from)
                            .unwrap_or_else(|| value.to_string());
                        written.push(format!("--{name} {value}"));
                    }
                }
                other => written.push(format!("--{name} {other}")),
            }
        }
        written
    }

    /// Findings of rows found: the count, or the list's length in a report without it.
    pub fn findings_found(&self) -> u64 {
        self.findings_total.max(self.findings.len() as u64)
    }

    /// Whether the run is ready to upload: no row rejected and none without room.
    pub fn ready(&self) -> bool {
        self.rows_rejected == 0 && self.overflow == 0
    }

    /// The codes with their rows, most rows first (ties in code order).
    pub fn codes_by_rows(&self) -> Vec<(&str, u64)> {
        let mut codes: Vec<(&str, u64)> = self
            .by_code
            .iter()
            .map(|(code, &rows)| (code.as_str(), rows))
            .collect();
        codes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        codes
    }

    /// The fields with their findings, most first (ties in field order).
    pub fn fields_by_findings(&self) -> Vec<(&str, u64)> {
        let mut fields: Vec<(&str, u64)> = self
            .by_field
            .iter()
            .map(|(field, &count)| (field.as_str(), count))
            .collect();
        fields.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        fields
    }
}

/// A finding.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Finding {
    /// The file of the row, when there are several.
    pub file: Option<String>,
    /// Its line (0 for the run as a whole).
    pub line: u64,
    /// Its 1-based column.
    pub column: Option<u64>,
    /// Its field's header cell.
    pub field: Option<String>,
    /// Its code.
    pub code: String,
    /// `error` or `warning`.
    pub severity: String,
    /// The field's value.
    pub value: Option<String>,
    /// A sentence for people.
    pub message: String,
}

/// The account counts of all sources together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Accounts {
    /// The most accounts a source holds.
    pub limit: u64,
    /// Accounts already in the sources.
    pub existing: u64,
    /// Valid rows creating an account.
    pub new: u64,
    /// Valid rows changing one.
    pub updates: u64,
    /// Valid rows repeating one as it is.
    pub unchanged: u64,
}

/// One source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Source {
    /// Its name.
    pub name: String,
    /// Accounts its export holds.
    pub existing: u64,
    /// Rows creating an account in it.
    pub creates: u64,
    /// Rows changing one of its accounts.
    pub updates: u64,
    /// Rows repeating one of its accounts.
    pub unchanged: u64,
    /// Room left for new accounts.
    pub capacity_left: u64,
    /// Its upload file.
    pub file: Option<String>,
}

/// A value and its findings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ValueCount {
    /// The value.
    pub value: String,
    /// Its findings.
    pub count: u64,
}

/// The first rejected rows, under the input header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct RejectedExamples {
    /// The input header.
    pub header: Vec<String>,
    /// The rows.
    pub rows: Vec<RejectedRow>,
}

/// A rejected row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct RejectedRow {
    /// Its file, when there are several.
    pub file: Option<String>,
    /// Its line.
    pub line: u64,
    /// Its fields.
    pub cells: Vec<String>,
    /// Its errors.
    pub issues: Vec<RowIssue>,
}

/// An error of a rejected row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct RowIssue {
    /// Its 1-based column.
    pub column: Option<u64>,
    /// Its code.
    pub code: String,
    /// A sentence for people.
    pub message: String,
}

impl RejectedRow {
    /// The messages about cell `index` (0-based), joined, when it has any.
    pub fn messages_of(&self, index: usize) -> Option<String> {
        let messages = self.messages(|column| column == Some(index as u64 + 1));
        (!messages.is_empty()).then_some(messages)
    }

    /// The messages not about one cell (a wrong field count), joined.
    pub fn row_messages(&self) -> String {
        self.messages(|column| column.is_none())
    }

    /// The messages of the issues whose column `keep` keeps, joined with `; `.
    fn messages(&self, keep: impl Fn(Option<u64>) -> bool) -> String {
        let messages: Vec<&str> = self
            .issues
            .iter()
            .filter(|issue| keep(issue.column))
            .map(|issue| issue.message.as_str())
            .collect();
        messages.join("; ")
    }
}
