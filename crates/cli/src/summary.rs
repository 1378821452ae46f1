//! The human summary printed to stderr after a run.

use std::fmt::Write as _;

use nebulk_validate::Report;

/// How many findings the summary lists.
const SHOWN_FINDINGS: usize = 10;

/// Renders the summary: counts, counts per code, warnings and the first findings, each as
/// `input:line:column: code: message`.
pub fn render(input: &str, report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{input}: {} rows read, {} valid, {} rejected",
        report.rows_read, report.rows_valid, report.rows_rejected
    );
    let accounts = &report.accounts;
    let _ = writeln!(
        out,
        "accounts: {} existing + {} new = {} of {} (and {} updates)",
        accounts.existing,
        accounts.new,
        accounts.existing + accounts.new,
        accounts.limit,
        accounts.updates
    );
    let width = report
        .by_code
        .keys()
        .map(|c| c.as_str().len())
        .max()
        .unwrap_or(0);
    for (code, rows) in &report.by_code {
        let noun = if *rows == 1 { "row" } else { "rows" };
        let _ = writeln!(out, "  {:width$}  {rows} {noun}", code.as_str());
    }
    for warning in &report.warnings {
        let _ = writeln!(
            out,
            "warning: {input}:{}:{}: {}",
            warning.line,
            column(warning.column),
            warning.message
        );
    }
    if !report.findings.is_empty() {
        let _ = writeln!(out, "first findings:");
        for finding in report.findings.iter().take(SHOWN_FINDINGS) {
            let _ = writeln!(
                out,
                "  {input}:{}:{}: {}: {}",
                finding.line,
                column(finding.column),
                finding.code,
                finding.message
            );
        }
        let more = report.findings.len().saturating_sub(SHOWN_FINDINGS);
        if more > 0 || report.findings_truncated {
            let _ = writeln!(out, "  … more in the report");
        }
    }
    out
}

fn column(column: Option<usize>) -> String {
    column.map_or_else(|| "-".to_string(), |c| c.to_string())
}
