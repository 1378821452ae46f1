//! The run report: counts, counts per code, and the first findings.

use std::collections::BTreeMap;

use nebulk_read::{escape_bytes, shorten_value, windows_1252_reading, Row};
use serde::Serialize;

use crate::code::Code;
use crate::finding::Finding;
use crate::ledger::Ledger;
use crate::plan::ColumnPlan;
use crate::tally::{FieldTallies, RejectedExamples};
use crate::tenant::Tenant;
use crate::verdict::Verdict;

/// How many findings a report keeps by default.
pub const DEFAULT_MAX_FINDINGS: usize = 1000;

/// What the account counts of the sources come to, all sources together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AccountCounts {
    /// The most accounts a source holds.
    pub limit: u64,
    /// Accounts already in the sources (from `--existing`).
    pub existing: u64,
    /// Valid rows creating a new account.
    pub new: u64,
    /// Valid rows changing an existing account.
    pub updates: u64,
    /// Valid rows repeating an existing account as it is.
    pub unchanged: u64,
}

/// What a run does to one source.
///
/// ```
/// let source = nebulk_validate::SourceSummary::default();
/// assert_eq!(source.capacity_left, 0);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourceSummary {
    /// The source's name.
    pub name: String,
    /// Accounts its export holds.
    pub existing: u64,
    /// Valid rows creating a new account in it.
    pub creates: u64,
    /// Valid rows changing one of its accounts.
    pub updates: u64,
    /// Valid rows repeating one of its accounts as it is.
    pub unchanged: u64,
    /// New accounts it still has room for after the run.
    pub capacity_left: u64,
    /// The upload file written for it, when it gets rows (set by whoever writes the files).
    pub file: Option<String>,
}

/// Rows rejected because a field is not UTF-8, and what one such field reads as in
/// Windows-1252 (the ANSI code page Excel on Windows saves CSV files in) when that reading is
/// plausible text: the hint to run again with `--encoding windows-1252`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NotUtf8 {
    /// Rows with a field that is not UTF-8.
    pub rows: u64,
    /// The first such field that reads as plausible Windows-1252 text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<EncodingExample>,
}

/// A field that is not UTF-8, and what it reads as in Windows-1252.
///
/// ```
/// # use nebulk_read::Row;
/// # use nebulk_validate::{Code, Issue, Report, Verdict};
/// let row = Row::from_fields(4, [&b"M\xfcller"[..]]);
/// let issue = Issue { code: Code::InvalidEncoding, column: Some(0), message: String::new() };
/// let verdict = Verdict { issues: vec![issue], ..Verdict::default() };
/// let mut report = Report::new(10);
/// report.record(&row, &verdict, &["lastName".to_string()]);
/// let example = report.not_utf8.unwrap().example.unwrap();
/// assert_eq!((example.line, example.value.as_str()), (4, "M\\xfcller"));
/// assert_eq!(example.windows_1252, "Müller");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EncodingExample {
    /// The file of the row, when the input is several files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The row's line.
    pub line: u64,
    /// The field's header cell.
    pub field: String,
    /// The field, each byte that is not UTF-8 written `\xNN` (cut after 60 characters).
    pub value: String,
    /// The field read as Windows-1252 (cut after 60 characters).
    pub windows_1252: String,
}

/// Values seen in a column whose header cell is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
struct UnnamedTally {
    /// 0-based input column.
    column: usize,
    /// Rows with a value in it.
    rows: u64,
    /// The first of them: its file and line.
    first: Option<(Option<String>, u64)>,
}

/// Everything a run found. `rows_valid + rows_rejected == rows_read` always holds, and so does
/// `rows_uploaded + overflow + unchanged_skipped + rows_rejected == rows_read`.
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
    /// Rows that pass every check.
    pub rows_valid: u64,
    /// Rows written to the rejects file.
    pub rows_rejected: u64,
    /// Valid rows written to the upload file(s).
    pub rows_uploaded: u64,
    /// Valid rows creating an account for which no source has room (`overflow.csv`).
    pub overflow: u64,
    /// Valid rows leaving an existing account as it is, set aside (`--skip-unchanged`,
    /// `unchanged.csv`).
    pub unchanged_skipped: u64,
    /// Accounts of the exports that no input row names (`absent.csv`).
    pub absent: u64,
    /// For each code, the number of rows carrying it (a row counts once per code; warnings
    /// count too, on valid rows as on rejected ones).
    pub by_code: BTreeMap<Code, u64>,
    /// Rows with a field that is not UTF-8, when there are any (see [`NotUtf8`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_utf8: Option<NotUtf8>,
    /// The first warnings about the file or the run as a whole, such as unknown columns or
    /// existing accounts at the limit (as many as findings are kept).
    pub warnings: Vec<Finding>,
    /// True when more file-level warnings were found than kept.
    pub warnings_truncated: bool,
    /// The account counts of all sources together.
    pub accounts: AccountCounts,
    /// Each source: its accounts and what the run does to it, in the order they fill.
    pub sources: Vec<SourceSummary>,
    /// The first findings, in input order.
    pub findings: Vec<Finding>,
    /// True when more findings were found than kept.
    pub findings_truncated: bool,
    /// Findings of rows found, kept or not (each is a line of `findings.csv`, with the
    /// warnings about the file).
    pub findings_total: u64,
    /// Findings of rows about each input field (`by_field`), and each field's most frequent
    /// offending values (`offending_values`), counted over every row.
    #[serde(flatten)]
    pub field_tallies: FieldTallies,
    /// The first rejected rows as read, with the input header.
    pub rejected_examples: RejectedExamples,
    /// Lines of `changes.csv` per attribute (set by whoever writes that file).
    pub changes_by_attribute: BTreeMap<String, u64>,
    #[serde(skip)]
    max_findings: usize,
    /// File-level warnings found, kept or not.
    #[serde(skip)]
    warnings_found: u64,
    /// The columns without a header, and what they hold.
    #[serde(skip)]
    unnamed: Vec<UnnamedTally>,
    /// The header's line, for warnings about the file.
    #[serde(skip)]
    header_line: u64,
    /// File-level warnings not yet taken by [`Report::take_new_warnings`].
    #[serde(skip)]
    new_warnings: Vec<Finding>,
}

impl Report {
    /// An empty report keeping at most `max_findings` findings.
    pub fn new(max_findings: usize) -> Report {
        Report {
            rows_read: 0,
            rows_valid: 0,
            rows_rejected: 0,
            rows_uploaded: 0,
            overflow: 0,
            unchanged_skipped: 0,
            absent: 0,
            by_code: BTreeMap::new(),
            not_utf8: None,
            warnings: Vec::new(),
            warnings_truncated: false,
            accounts: AccountCounts::default(),
            sources: Vec::new(),
            findings: Vec::new(),
            findings_truncated: false,
            findings_total: 0,
            field_tallies: FieldTallies::default(),
            rejected_examples: RejectedExamples::default(),
            changes_by_attribute: BTreeMap::new(),
            max_findings,
            warnings_found: 0,
            unnamed: Vec::new(),
            header_line: 1,
            new_warnings: Vec::new(),
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
        self.header_line = header_line;
        self.rejected_examples.header = plan.header().to_vec();
        for (column, name) in plan.unknown_columns() {
            self.warn(
                Code::UnknownColumn,
                *column,
                name.clone(),
                format!("column `{name}` is not in the schema; it is not uploaded"),
            );
        }
        self.unnamed = plan
            .unnamed_columns()
            .iter()
            .map(|&column| UnnamedTally {
                column,
                rows: 0,
                first: None,
            })
            .collect();
    }

    /// Notes a warning about a column of the file, on the header's line.
    fn warn(&mut self, code: Code, column: usize, field: String, message: String) {
        self.note_warning(Finding {
            file: None,
            line: self.header_line,
            column: Some(column + 1),
            field: Some(field),
            code,
            severity: code.severity(),
            value: None,
            message,
        });
    }

    /// Ends the report: warns of each column without a header, saying whether it held values.
    /// The engine calls it after the last row.
    ///
    /// ```
    /// use nebulk_read::Row;
    /// use nebulk_schema::Schema;
    /// use nebulk_validate::{ColumnPlan, Report, RuleConfig, Verdict};
    /// let header: Vec<String> = "accountName,firstName,lastName,email,phone,manager,startDate,endDate,,"
    ///     .split(',').map(String::from).collect();
    /// let plan = ColumnPlan::new(Schema::system(), &header, RuleConfig::default()).unwrap();
    /// let mut report = Report::new(10);
    /// report.note_plan(&plan, 1);
    /// let row = Row::from_fields(2, ["a", "b", "c", "d", "e", "f", "g", "h", "", "note"]);
    /// report.record(&row, &Verdict::default(), &header);
    /// report.finish();
    /// assert_eq!(report.warnings[0].message, "column 9 has no header and is empty in every row; it is left out");
    /// assert_eq!(report.warnings[1].message, "column 10 has no header but holds values in 1 row (the first on line 2); it is read as `column 10` and not uploaded");
    /// ```
    pub fn finish(&mut self) {
        for tally in std::mem::take(&mut self.unnamed) {
            let name = format!("column {}", tally.column + 1);
            let message = match &tally.first {
                None => format!("{name} has no header and is empty in every row; it is left out"),
                Some((file, line)) => {
                    let rows = if tally.rows == 1 { "row" } else { "rows" };
                    let place = match file {
                        Some(file) => format!("{file}:{line}"),
                        None => format!("line {line}"),
                    };
                    format!(
                        "{name} has no header but holds values in {} {rows} (the first on \
                         {place}); it is read as `{name}` and not uploaded",
                        tally.rows
                    )
                }
            };
            self.warn(Code::UnnamedColumn, tally.column, name, message);
        }
    }

    /// Counts a row with a field that is not UTF-8 in [`Report::not_utf8`], and keeps the first
    /// such field that reads as plausible Windows-1252 text as its example.
    fn note_encoding(&mut self, row: &Row, verdict: &Verdict, header: &[String]) {
        let not_utf8 = verdict
            .issues
            .iter()
            .filter(|issue| issue.code == Code::InvalidEncoding)
            .filter_map(|issue| issue.column)
            .filter_map(|column| Some((column, row.record.get(column)?)))
            .filter(|(_, field)| std::str::from_utf8(field).is_err());
        let mut counted = false;
        for (column, field) in not_utf8 {
            let totals = self.not_utf8.get_or_insert_with(NotUtf8::default);
            if !std::mem::replace(&mut counted, true) {
                totals.rows += 1;
            }
            if totals.example.is_some() {
                break;
            }
            if let Some(reading) = windows_1252_reading(field) {
                totals.example = Some(EncodingExample {
                    file: row.file.as_deref().map(String::from),
                    line: row.line,
                    field: header.get(column).cloned().unwrap_or_default(),
                    value: shorten_value(&escape_bytes(field)).into_owned(),
                    windows_1252: shorten_value(&reading).into_owned(),
                });
            }
        }
    }

    /// Notes an `existing-at-limit` warning for each source whose export leaves no room for a
    /// new account. It is about the source, not a line of the input: its line is 0.
    ///
    /// ```
    /// use nebulk_validate::{Code, Report, Tenant};
    /// let mut tenant = Tenant::new(&nebulk_schema::Schema::system(), 1);
    /// let north = tenant.add_source("north", None).unwrap();
    /// tenant.add_accounts(north, ["ann"]);
    /// let mut report = Report::new(10);
    /// report.note_tenant(&tenant);
    /// assert_eq!(report.warnings[0].code, Code::ExistingAtLimit);
    /// assert_eq!(report.warnings[0].line, 0);
    /// ```
    pub fn note_tenant(&mut self, tenant: &Tenant) {
        for message in tenant.full_sources() {
            self.note_warning(Finding {
                file: None,
                line: 0,
                column: None,
                field: None,
                code: Code::ExistingAtLimit,
                severity: Code::ExistingAtLimit.severity(),
                value: None,
                message,
            });
        }
    }

    /// Notes where the valid rows went: each source's counts, the overflow, the unchanged rows
    /// set aside, and the exports' accounts no row names.
    pub fn note_placement(&mut self, ledger: &Ledger) {
        let tenant = ledger.tenant();
        let limit = tenant.limit();
        self.sources = tenant
            .sources()
            .iter()
            .zip(ledger.placed())
            .map(|(source, placed)| SourceSummary {
                name: source.name.clone(),
                existing: source.existing,
                creates: placed.creates,
                updates: placed.updates,
                unchanged: placed.unchanged,
                capacity_left: limit.saturating_sub(source.existing + placed.creates),
                file: None,
            })
            .collect();
        let total = |count: fn(&SourceSummary) -> u64| self.sources.iter().map(count).sum::<u64>();
        self.accounts = AccountCounts {
            limit,
            existing: total(|s| s.existing),
            new: total(|s| s.creates),
            updates: total(|s| s.updates),
            unchanged: total(|s| s.unchanged),
        };
        self.overflow = ledger.overflow();
        self.unchanged_skipped = if ledger.skips_unchanged() {
            self.accounts.unchanged
        } else {
            0
        };
        self.rows_uploaded = self
            .rows_valid
            .saturating_sub(self.overflow + self.unchanged_skipped);
        self.absent = ledger.absent_count();
    }

    /// Counts a file-level warning, and keeps it while there is room; every one waits in
    /// [`Report::take_new_warnings`] too.
    fn note_warning(&mut self, warning: Finding) {
        self.warnings_found += 1;
        if self.warnings.len() >= self.max_findings {
            self.warnings_truncated = true;
        } else {
            self.warnings.push(warning.clone());
        }
        self.new_warnings.push(warning);
    }

    /// The warnings about the file or the run noted since the last call, whether kept in
    /// [`Report::warnings`] or not: the engine hands them to its sink's
    /// [`Sink::findings`](crate::Sink::findings). There are at most a few per input column
    /// and per source.
    ///
    /// ```
    /// use nebulk_validate::{Report, Tenant};
    /// let mut tenant = Tenant::new(&nebulk_schema::Schema::system(), 1);
    /// let north = tenant.add_source("north", None).unwrap();
    /// tenant.add_accounts(north, ["ann"]);
    /// let mut report = Report::new(0);
    /// report.note_tenant(&tenant);
    /// assert!(report.warnings.is_empty());
    /// assert_eq!(report.take_new_warnings().len(), 1);
    /// assert!(report.take_new_warnings().is_empty());
    /// ```
    pub fn take_new_warnings(&mut self) -> Vec<Finding> {
        std::mem::take(&mut self.new_warnings)
    }

    /// File-level warnings found, including those not kept in [`Report::warnings`].
    pub fn warnings_found(&self) -> u64 {
        self.warnings_found
    }

    /// Counts one row and keeps its findings (errors, then warnings) while there is room; gives
    /// them all back (none for a valid row without warnings), for a sink that takes every
    /// finding.
    pub fn record(&mut self, row: &Row, verdict: &Verdict, header: &[String]) -> Vec<Finding> {
        self.rows_read += 1;
        for tally in &mut self.unnamed {
            let value = row.record.get(tally.column).unwrap_or_default();
            if !value.trim_ascii().is_empty() {
                tally.rows += 1;
                if tally.first.is_none() {
                    tally.first = Some((row.file.as_deref().map(String::from), row.line));
                }
            }
        }
        if verdict
            .issues
            .iter()
            .any(|issue| issue.code == Code::InvalidEncoding)
        {
            self.note_encoding(row, verdict, header);
        }
        if verdict.is_valid() {
            self.rows_valid += 1;
            if verdict.warnings.is_empty() {
                return Vec::new();
            }
        } else {
            self.rows_rejected += 1;
        }
        for code in verdict.codes().into_iter().chain(verdict.warning_codes()) {
            *self.by_code.entry(code).or_insert(0) += 1;
        }
        let findings: Vec<Finding> = Finding::of_row(row, verdict, header).collect();
        self.field_tallies.note(&findings);
        self.rejected_examples.note(row, verdict);
        self.findings_total += findings.len() as u64;
        let room = self.max_findings.saturating_sub(self.findings.len());
        if findings.len() > room {
            self.findings_truncated = true;
        }
        self.findings.extend(findings.iter().take(room).cloned());
        findings
    }
}
