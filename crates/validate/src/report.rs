//! The run report: counts, counts per code, and the first findings.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::code::{Code, Severity};
use crate::ledger::Ledger;
use nebulk_read::Row;

use crate::plan::{ColumnPlan, Verdict};

/// How many findings a report keeps by default.
pub const DEFAULT_MAX_FINDINGS: usize = 1000;

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
    /// A sentence for people.
    pub message: String,
}

/// What the source's account count comes to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AccountCounts {
    /// The most accounts the source holds.
    pub limit: u64,
    /// Accounts already in the source (from `--existing`).
    pub existing: u64,
    /// Valid rows creating a new account.
    pub new: u64,
    /// Valid rows updating an existing account.
    pub updates: u64,
}

/// Everything a run found. `rows_valid + rows_rejected == rows_read` always holds.
///
/// ```
/// let report = nebulk_validate::Report::new(10);
/// assert_eq!(report.rows_read, 0);
/// assert!(!report.findings_truncated);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Data rows read (the header is not a row).
    pub rows_read: u64,
    /// Rows written to the upload file.
    pub rows_valid: u64,
    /// Rows written to the rejects file.
    pub rows_rejected: u64,
    /// For each code, the number of rows carrying it (a row counts once per code; warnings
    /// count too, on valid rows as on rejected ones).
    pub by_code: BTreeMap<Code, u64>,
    /// The first warnings about the file or the run as a whole, such as unknown columns or
    /// existing accounts at the limit (as many as findings are kept).
    pub warnings: Vec<Finding>,
    /// True when more file-level warnings were found than kept.
    pub warnings_truncated: bool,
    /// The source's account count.
    pub accounts: AccountCounts,
    /// The first findings, in input order.
    pub findings: Vec<Finding>,
    /// True when more findings were found than kept.
    pub findings_truncated: bool,
    #[serde(skip)]
    max_findings: usize,
    /// File-level warnings found, kept or not.
    #[serde(skip)]
    warnings_found: u64,
}

impl Report {
    /// An empty report keeping at most `max_findings` findings.
    pub fn new(max_findings: usize) -> Report {
        Report {
            rows_read: 0,
            rows_valid: 0,
            rows_rejected: 0,
            by_code: BTreeMap::new(),
            warnings: Vec::new(),
            warnings_truncated: false,
            accounts: AccountCounts::default(),
            findings: Vec::new(),
            findings_truncated: false,
            max_findings,
            warnings_found: 0,
        }
    }

    /// Notes the file-level warnings of a plan (unknown columns), on the header's line. As many
    /// are kept as findings; the others are counted.
    ///
    /// ```
    /// use nebulk_schema::Schema;
    /// use nebulk_validate::{ColumnPlan, Report, RuleConfig};
    /// let header: Vec<String> =
    ///     "accountName,firstName,lastName,email,phone,manager,startDate,endDate,badge,desk,floor"
    ///         .split(',').map(String::from).collect();
    /// let plan = ColumnPlan::new(Schema::system(), &header, RuleConfig::default()).unwrap();
    /// let mut report = Report::new(2);
    /// report.note_plan(&plan, 1);
    /// assert_eq!(report.warnings.len(), 2);
    /// assert_eq!(report.warnings_found(), 3);
    /// assert!(report.warnings_truncated);
    /// ```
    pub fn note_plan(&mut self, plan: &ColumnPlan, header_line: u64) {
        for (column, name) in plan.unknown_columns() {
            self.note_warning(Finding {
                file: None,
                line: header_line,
                column: Some(column + 1),
                field: Some(name.clone()),
                code: Code::UnknownColumn,
                severity: Code::UnknownColumn.severity(),
                message: format!("column `{name}` is not in the schema; it is not uploaded"),
            });
        }
    }

    /// Notes an `existing-at-limit` warning when the accounts already in the source leave no
    /// room for a new one. It is about the source, not a line of the input: its line is 0.
    ///
    /// ```
    /// use nebulk_validate::{Code, Ledger, Report};
    /// let mut ledger = Ledger::new(1);
    /// ledger.add_existing(["ann"]);
    /// let mut report = Report::new(10);
    /// report.note_ledger(&ledger);
    /// assert_eq!(report.warnings[0].code, Code::ExistingAtLimit);
    /// assert_eq!(report.warnings[0].line, 0);
    /// ```
    pub fn note_ledger(&mut self, ledger: &Ledger) {
        if let Some(message) = ledger.no_room_for_new_accounts() {
            self.note_warning(Finding {
                file: None,
                line: 0,
                column: None,
                field: None,
                code: Code::ExistingAtLimit,
                severity: Code::ExistingAtLimit.severity(),
                message,
            });
        }
    }

    /// Counts a file-level warning, and keeps it while there is room.
    fn note_warning(&mut self, warning: Finding) {
        self.warnings_found += 1;
        if self.warnings.len() >= self.max_findings {
            self.warnings_truncated = true;
        } else {
            self.warnings.push(warning);
        }
    }

    /// File-level warnings found, including those not kept in [`Report::warnings`].
    pub fn warnings_found(&self) -> u64 {
        self.warnings_found
    }

    /// Counts one row and keeps its findings (errors, then warnings) while there is room.
    pub fn record(&mut self, row: &Row, verdict: &Verdict, header: &[String]) {
        self.rows_read += 1;
        if verdict.is_valid() {
            self.rows_valid += 1;
            if verdict.warnings.is_empty() {
                return;
            }
        } else {
            self.rows_rejected += 1;
        }
        for code in verdict.codes().into_iter().chain(verdict.warning_codes()) {
            *self.by_code.entry(code).or_insert(0) += 1;
        }
        let errors = verdict.issues.iter().map(|i| (i, Severity::Error));
        let warnings = verdict.warnings.iter().map(|i| (i, Severity::Warning));
        for (issue, severity) in errors.chain(warnings) {
            if self.findings.len() >= self.max_findings {
                self.findings_truncated = true;
                break;
            }
            self.findings.push(Finding {
                file: row.file.as_deref().map(String::from),
                line: row.line,
                column: issue.column.map(|c| c + 1),
                field: issue.column.and_then(|c| header.get(c)).cloned(),
                code: issue.code,
                severity,
                message: issue.message.clone(),
            });
        }
    }
}
