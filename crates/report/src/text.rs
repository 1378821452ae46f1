//! The plain-text rendering of a report: what the terminal summary says, from `report.json`.

use std::fmt::Write;

use crate::model::ReportDoc;

/// `doc` as plain text, one fact a line. Control characters of the input are shown as `?`.
///
/// ```
/// let doc = nebulk_report::ReportDoc::from_json(r#"{"input": "a.csv", "rows_read": 2, "rows_valid": 2}"#).unwrap();
/// let text = nebulk_report::text(&doc);
/// assert!(text.starts_with("nebulk: ready to upload\n"));
/// assert!(text.contains("rows: 2 read, 2 valid, 0 rejected"));
/// ```
pub fn text(doc: &ReportDoc) -> String {
    crate::rendered(|out| write_text(doc, out))
}

fn write_text(doc: &ReportDoc, out: &mut String) -> std::fmt::Result {
    writeln!(out, "nebulk: {}", crate::verdict(doc))?;
    writeln!(
        out,
        "input: {} ({})",
        printable(&doc.input),
        printable(&doc.from)
    )?;
    writeln!(
        out,
        "rows: {} read, {} valid, {} rejected, {} uploaded, {} overflow, {} unchanged set aside",
        doc.rows_read,
        doc.rows_valid,
        doc.rows_rejected,
        doc.rows_uploaded,
        doc.overflow,
        doc.unchanged_skipped
    )?;
    for source in &doc.sources {
        writeln!(
            out,
            "source {}: {} existing, {} created, {} updated, {} unchanged, room for {} more",
            printable(&source.name),
            source.existing,
            source.creates,
            source.updates,
            source.unchanged,
            source.capacity_left
        )?;
    }
    for (code, rows) in doc.codes_by_rows() {
        writeln!(out, "{}: {}", printable(code), crate::rows(rows))?;
    }
    for finding in doc.findings.iter().take(crate::FIRST_FINDINGS) {
        writeln!(
            out,
            "line {}: {} {}",
            finding.line,
            finding.code,
            printable(&finding.message)
        )?;
    }
    let total = doc.findings_found();
    if total > crate::FIRST_FINDINGS as u64 {
        writeln!(out, "… {total} findings in all (findings.csv)")?;
    }
    Ok(())
}

/// `text` with control characters (terminal escapes, line ends) shown as `?`.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}
