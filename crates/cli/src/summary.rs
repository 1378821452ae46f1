//! The human summary printed to stderr after a run.

use std::borrow::Cow;
use std::fmt::Write as _;

use std::path::Path;

use nebulk_emit::{InputSummary, Outputs};
use nebulk_validate::{NotUtf8, Report, Severity};

use crate::paint::{paint, CODE, COUNT, ERROR, HINT, WARNING};

/// How many findings the summary lists.
const SHOWN_FINDINGS: usize = 10;

/// How many warnings the summary lists (an input may have any number of unknown columns).
const SHOWN_WARNINGS: usize = 10;

/// Whether the run wrote a report, which holds what the summary leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Details {
    /// `report.json` holds them (`convert`, or `validate --report`).
    InReport,
    /// No report was written (`validate` without `--report`): the summary says how to get one.
    NotWritten,
}

/// Renders the summary: counts, counts per code, warnings and the first findings, each as
/// `input:line:column: code: message`, and where to find the ones not shown (`details`).
pub fn render(info: &InputSummary, report: &Report, details: Details) -> String {
    let input = printable(&info.input);
    let input = input.as_ref();
    let mut out = String::new();
    let rejected = match report.rows_rejected {
        0 => paint(COUNT, 0),
        rows => paint(ERROR, rows),
    };
    let _ = writeln!(
        out,
        "{input}: {} read, {} valid, {rejected} rejected",
        plural(report.rows_read, "row"),
        paint(COUNT, report.rows_valid),
    );
    if let Some(filtered) = info.records_filtered {
        let _ = writeln!(out, "{} left out by --status", plural(filtered, "record"));
    }
    out.push_str(&placement(report));
    let width = report
        .by_code
        .keys()
        .map(|c| c.as_str().len())
        .max()
        .unwrap_or(0);
    for (code, rows) in &report.by_code {
        let code = format!("{:width$}", code.as_str());
        let _ = writeln!(out, "  {}  {}", paint(CODE, code), plural(*rows, "row"));
    }
    if let Some(not_utf8) = &report.not_utf8 {
        let _ = writeln!(out, "{}", encoding_hint(input, not_utf8));
    }
    for warning in report.warnings.iter().take(SHOWN_WARNINGS) {
        let message = printable(&warning.message);
        let _ = match warning.line {
            // About the run as a whole (existing accounts at the limit), not a line.
            0 => writeln!(out, "{} {message}", paint(WARNING, "warning:")),
            line => writeln!(
                out,
                "{} {input}:{line}:{}: {message}",
                paint(WARNING, "warning:"),
                column(warning.column)
            ),
        };
    }
    let more = report
        .warnings_found()
        .saturating_sub(SHOWN_WARNINGS as u64);
    let kept = report.warnings.len();
    if more > 0 {
        let _ = match (details, report.warnings_truncated) {
            (Details::InReport, true) => writeln!(
                out,
                "warning: … {more} more (the report keeps the first {kept})"
            ),
            (Details::InReport, false) => writeln!(out, "warning: … {more} more in the report"),
            (Details::NotWritten, true) => writeln!(
                out,
                "warning: … {more} more: run again with --report FILE to list the first {kept}"
            ),
            (Details::NotWritten, false) => writeln!(
                out,
                "warning: … {more} more: run again with --report FILE to list them"
            ),
        };
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
                paint(CODE, finding.code),
                printable(&finding.message)
            );
        }
        let more = report.findings.len().saturating_sub(SHOWN_FINDINGS);
        if more > 0 || report.findings_truncated {
            let _ = match details {
                Details::InReport => writeln!(out, "  … more in the report"),
                Details::NotWritten => {
                    writeln!(out, "  … more: run again with --report FILE to list them")
                }
            };
        }
    }
    out
}

/// One line per source (`accounts:` for a single one), then the overflow, the unchanged rows
/// set aside and the absent accounts, when there are any.
fn placement(report: &Report) -> String {
    let mut out = String::new();
    let limit = report.accounts.limit;
    for source in &report.sources {
        let what = match report.sources.len() {
            1 => "accounts".to_string(),
            _ => format!("source {}", printable(&source.name)),
        };
        let _ = writeln!(
            out,
            "{what}: {} existing + {} new = {} of {limit} (and {}, {} unchanged)",
            source.existing,
            source.creates,
            source.existing + source.creates,
            plural(source.updates, "update"),
            source.unchanged,
        );
    }
    if report.overflow > 0 {
        let more = report.overflow.div_ceil(limit.max(1));
        let total = report.sources.len() as u64 + more;
        let tenant = nebulk_validate::MAX_SOURCES;
        let fits = if total <= tenant as u64 {
            format!("{total} in all, within the tenant's {tenant}")
        } else {
            format!("{total} in all, more than the {tenant} a tenant may have")
        };
        let _ = writeln!(
            out,
            "overflow: {} no source has room for: {} of {limit} would hold them ({fits})",
            plural(report.overflow, "valid row"),
            match more {
                1 => "1 more source".to_string(),
                n => format!("{n} more sources"),
            }
        );
    }
    if report.unchanged_skipped > 0 {
        let _ = writeln!(
            out,
            "unchanged: {} set aside, the same as in the exports",
            plural(report.unchanged_skipped, "row")
        );
    }
    if report.absent > 0 {
        let _ = writeln!(
            out,
            "absent: {} of the exports not in the input (candidates for offboarding; nothing is removed)",
            plural(report.absent, "account")
        );
    }
    out
}

/// The line `convert` ends with: each file written into `out`, with its rows.
pub fn files_written(
    out: &Path,
    report: &Report,
    outputs: &Outputs<'_>,
    tables: Option<&str>,
) -> String {
    let mut files: Vec<String> = Vec::new();
    // A file, and how many of what it holds, when that is told.
    let mut file = |name: &str, count: Option<(u64, &str)>| {
        let path = out.join(name).display().to_string();
        files.push(match count {
            Some((count, what)) => format!("{} ({})", printable(&path), plural(count, what)),
            None => printable(&path).into_owned(),
        });
    };
    // A data file, in the table format when one is asked for (`--format`).
    let table = |name: &str| match tables {
        Some(extension) => format!("{}.{extension}", name.trim_end_matches(".csv")),
        None => name.to_string(),
    };
    for source in &report.sources {
        if let Some(name) = &source.file {
            // Unchanged rows set aside are in unchanged.csv, not in the source's upload.
            let unchanged = if outputs.skip_unchanged {
                0
            } else {
                source.unchanged
            };
            let rows = source.creates + source.updates + unchanged;
            file(name, Some((rows, "row")));
            if tables.is_some() {
                file(&table(name), Some((rows, "row")));
            }
        }
    }
    file(&table("overflow.csv"), Some((report.overflow, "row")));
    if outputs.skip_unchanged {
        file(
            &table("unchanged.csv"),
            Some((report.unchanged_skipped, "row")),
        );
    }
    if outputs.diff {
        file("changes.csv", None);
        file("absent.csv", Some((report.absent, "row")));
    }
    file(&table("rejects.csv"), Some((report.rows_rejected, "row")));
    let findings = report.findings_total + report.warnings_found();
    file(&table("findings.csv"), Some((findings, "finding")));
    file("report.html", None);
    file("report.json", None);
    let last = files.pop().unwrap_or_default();
    format!("wrote {} and {last}", files.join(", "))
}

/// What the summary says of rows that are not UTF-8: how many, and, when one reads as plausible
/// Windows-1252 text, that reading and the flag to run again with.
fn encoding_hint(input: &str, not_utf8: &NotUtf8) -> String {
    let rows = match not_utf8.rows {
        1 => "1 row is".to_string(),
        n => format!("{n} rows are"),
    };
    let hint = paint(HINT, "hint:");
    match &not_utf8.example {
        Some(example) => format!(
            "{hint} {rows} not UTF-8 (invalid-encoding); {}:{}: {} '{}' reads as '{}' in \
             windows-1252: if the file is Windows-1252 (Excel's \"CSV\" on Windows), run again \
             with --encoding windows-1252",
            example
                .file
                .as_deref()
                .map_or(Cow::Borrowed(input), printable),
            example.line,
            printable(&example.field),
            printable(&example.value),
            printable(&example.windows_1252),
        ),
        None => format!(
            "{hint} {rows} not UTF-8 (invalid-encoding); if the file is in another encoding, \
             give it with --encoding LABEL (windows-1250, iso-8859-15, shift_jis, ...)"
        ),
    }
}

/// `text` made safe for a terminal, on one line: control characters (line breaks, tabs, NUL,
/// the escape that starts a terminal control sequence) and the invisible marks that reorder
/// text (bidirectional overrides and isolates) are written as Rust escapes, `\n`, `\u{1b}`,
/// `\u{202e}`. Messages quote values from the input, and an input must not be able to move
/// the cursor, change the window title or hide part of a message.
///
/// ```text
/// printable("a\u{1b}[2Jb") == "a\\u{1b}[2Jb"
/// ```
pub fn printable(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_debug());
            if c.escape_debug().len() == 1 {
                // escape_debug leaves some format characters as they are.
                out.pop();
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
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

/// Prints the Markdown summary of a run on standard output (`--summary markdown`).
pub fn print_markdown(report: &nebulk_emit::ReportJson<'_>) -> anyhow::Result<()> {
    crate::stdout::print(nebulk_emit::markdown_of(report)?.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn control_characters_and_bidi_overrides_are_escaped() {
        assert_eq!(printable("Zoë 吴 😀"), "Zoë 吴 😀");
        assert_eq!(
            printable("a\u{1b}]0;title\u{7}\0\r\n\tb"),
            "a\\u{1b}]0;title\\u{7}\\0\\r\\n\\tb"
        );
        assert_eq!(printable("x\u{202e}y\u{2066}z"), "x\\u{202e}y\\u{2066}z");
    }
}
