//! A finding as reports and `findings.csv` give it ([`Finding`]): what is wrong, where, and
//! with which value.

use nebulk_read::{escape_bytes, shorten_value, Row};
use serde::Serialize;

use crate::code::{Code, Severity};
use crate::verdict::Verdict;

/// One finding as reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The file of the row, when the input is several files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based physical line of the input where the row starts (for a warning about the
    /// header, the header's line; 0 for one about the run as a whole, `existing-at-limit`).
    pub line: u64,
    /// 1-based input column, when the finding is about one field.
    pub column: Option<usize>,
    /// The input header cell of that column.
    pub field: Option<String>,
    /// The finding's code.
    pub code: Code,
    /// Whether it rejects the row.
    pub severity: Severity,
    /// The field's value as read, for a finding about one field of a row: bytes that are not
    /// UTF-8 written `\xNN`, cut after 60 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// A sentence for people.
    pub message: String,
}

impl Finding {
    /// The findings of a row: its errors, then its warnings, in the order the checks found
    /// them.
    ///
    /// ```
    /// use nebulk_read::Row;
    /// use nebulk_validate::{Code, Finding, Issue, Severity, Verdict};
    /// let row = Row::from_fields(7, ["ann", "not-an-email"]);
    /// let issue = Issue { code: Code::InvalidEmail, column: Some(1), message: "not an e-mail".into() };
    /// let verdict = Verdict { issues: vec![issue], ..Verdict::default() };
    /// let header = ["accountName".to_string(), "email".to_string()];
    /// let found: Vec<Finding> = Finding::of_row(&row, &verdict, &header).collect();
    /// assert_eq!((found[0].line, found[0].column, found[0].severity), (7, Some(2), Severity::Error));
    /// assert_eq!((found[0].field.as_deref(), found[0].value.as_deref()), (Some("email"), Some("not-an-email")));
    /// ```
    pub fn of_row<'a>(
        row: &'a Row,
        verdict: &'a Verdict,
        header: &'a [String],
    ) -> impl Iterator<Item = Finding> + 'a {
        let errors = verdict.issues.iter().map(|i| (i, Severity::Error));
        let warnings = verdict.warnings.iter().map(|i| (i, Severity::Warning));
        errors
            .chain(warnings)
            .map(move |(issue, severity)| Finding {
                file: row.file.as_deref().map(String::from),
                line: row.line,
                column: issue.column.map(|c| c + 1),
                field: issue.column.and_then(|c| header.get(c)).cloned(),
                code: issue.code,
                severity,
                value: issue
                    .column
                    .and_then(|c| row.record.get(c))
                    .map(|field| shorten_value(&escape_bytes(field)).into_owned()),
                message: issue.message.clone(),
            })
    }
}
