//! The human summary printed to stderr after a run.

use std::borrow::Cow;
use std::fmt::Write as _;

use nebulk_validate::{Report, Severity};

use crate::input::InputInfo;

/// How many findings the summary lists.
const SHOWN_FINDINGS: usize = 10;

/// Renders the summary: counts, counts per code, warnings and the first findings, each as
/// `input:line:column: code: message`.
pub fn render(info: &InputInfo, report: &Report) -> String {
    let input = printable(&info.input);
    let input = input.as_ref();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{input}: {} read, {} valid, {} rejected",
        plural(report.rows_read, "row"),
        report.rows_valid,
        report.rows_rejected
    );
    if let Some(filtered) = info.records_filtered {
        let _ = writeln!(out, "{} left out by --status", plural(filtered, "record"));
    }
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
        let _ = writeln!(out, "  {:width$}  {}", code.as_str(), plural(*rows, "row"));
    }
    for warning in &report.warnings {
        let _ = writeln!(
            out,
            "warning: {input}:{}:{}: {}",
            warning.line,
            column(warning.column),
            printable(&warning.message)
        );
    }
    if !report.findings.is_empty() {
        let _ = writeln!(out, "first findings:");
        for finding in report.findings.iter().take(SHOWN_FINDINGS) {
            let severity = match finding.severity {
                Severity::Warning => " (warning)",
                Severity::Error => "",
            };
            let _ = writeln!(
                out,
                "  {}:{}:{}: {}{severity}: {}",
                finding
                    .file
                    .as_deref()
                    .map_or(Cow::Borrowed(input), printable),
                finding.line,
                column(finding.column),
                finding.code,
                printable(&finding.message)
            );
        }
        let more = report.findings.len().saturating_sub(SHOWN_FINDINGS);
        if more > 0 || report.findings_truncated {
            let _ = writeln!(out, "  … more in the report");
        }
    }
    out
}

/// `text` with control characters (line ends, tab, escape, NUL...) written as escapes (`\n`,
/// `\u{1b}`): a message quoting the input stays on one line and cannot drive the terminal.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `1 row`, `2 rows`.
pub fn plural(count: u64, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

fn column(column: Option<usize>) -> String {
    column.map_or_else(|| "-".to_string(), |c| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("Zoë, Ann"), "Zoë, Ann");
        assert_eq!(
            printable("a\nb\r\tc\u{1b}[2J\0\u{85}"),
            "a\\nb\\r\\tc\\u{1b}[2J\\0\\u{85}"
        );
    }
}
