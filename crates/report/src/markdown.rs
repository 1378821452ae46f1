//! The Markdown summary of a report, sized for a CI job summary (GitHub's
//! `$GITHUB_STEP_SUMMARY`, GitLab's): the verdict and counts, a table of the sources, the codes
//! with how to fix them, and the first findings. Values from the input are escaped, so that
//! none becomes Markdown or HTML.

use std::fmt::Write;

use crate::explain::explain;
use crate::model::ReportDoc;

/// The Markdown summary of `doc`.
///
/// ```
/// let doc = nebulk_report::ReportDoc::from_json(
///     r#"{"input": "a.csv", "rows_read": 3, "rows_valid": 2, "rows_rejected": 1,
///         "by_code": {"invalid-email": 1}}"#,
/// ).unwrap();
/// let text = nebulk_report::markdown(&doc);
/// assert!(text.starts_with("## nebulk: 1 row to fix"));
/// assert!(text.contains("| `invalid-email` | 1 |"));
/// ```
pub fn markdown(doc: &ReportDoc) -> String {
    crate::rendered(|out| write_markdown(doc, out))
}

fn write_markdown(doc: &ReportDoc, out: &mut String) -> std::fmt::Result {
    writeln!(out, "## nebulk: {}", crate::verdict(doc))?;
    writeln!(out)?;
    writeln!(out, "Input {} ({}).", escape(&doc.input), escape(&doc.from))?;
    writeln!(out)?;
    writeln!(
        out,
        "| rows read | valid | rejected | uploaded | overflow | unchanged set aside |"
    )?;
    writeln!(out, "|---:|---:|---:|---:|---:|---:|")?;
    writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} |",
        doc.rows_read,
        doc.rows_valid,
        doc.rows_rejected,
        doc.rows_uploaded,
        doc.overflow,
        doc.unchanged_skipped
    )?;
    if !doc.sources.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "### Sources (limit {} accounts each)",
            doc.accounts.limit
        )?;
        writeln!(out)?;
        writeln!(
            out,
            "| source | existing | created | updated | unchanged | room left |"
        )?;
        writeln!(out, "|---|---:|---:|---:|---:|---:|")?;
        for source in &doc.sources {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                escape(&source.name),
                source.existing,
                source.creates,
                source.updates,
                source.unchanged,
                source.capacity_left
            )?;
        }
    }
    if !doc.by_code.is_empty() {
        writeln!(out)?;
        writeln!(out, "### Findings by code")?;
        writeln!(out)?;
        writeln!(out, "| code | rows | what to do |")?;
        writeln!(out, "|---|---:|---|")?;
        for (code, rows) in doc.codes_by_rows() {
            writeln!(
                out,
                "| `{}` | {rows} | {} |",
                code_span(code),
                escape(&explain(code))
            )?;
        }
    }
    if !doc.findings.is_empty() {
        writeln!(out)?;
        writeln!(out, "### First findings")?;
        writeln!(out)?;
        writeln!(out, "| line | field | code | message |")?;
        writeln!(out, "|---:|---|---|---|")?;
        for finding in doc.findings.iter().take(crate::FIRST_FINDINGS) {
            writeln!(
                out,
                "| {} | {} | `{}` | {} |",
                finding.line,
                escape(finding.field.as_deref().unwrap_or("")),
                code_span(&finding.code),
                escape(&finding.message)
            )?;
        }
        let total = doc.findings_found();
        if total > crate::FIRST_FINDINGS as u64 {
            writeln!(out)?;
            writeln!(
                out,
                "{} findings in all: every one is in `findings.csv`.",
                total
            )?;
        }
    }
    Ok(())
}

/// Text made inert in Markdown (and the HTML Markdown allows) where it is put, in a table cell
/// or after a word: `&`, `<` and `>` as entities, the punctuation of emphasis, code, links and
/// tables behind a backslash, line ends as spaces.
///
/// ```
/// assert_eq!(nebulk_report::markdown_escape("<b>*x*</b> | y.csv"), "&lt;b&gt;\\*x\\*&lt;/b&gt; \\| y.csv");
/// ```
pub fn markdown_escape(text: &str) -> String {
    escape(text)
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text for inside a code span (a code, nebulk's own word): backticks, table pipes, markup and
/// line ends, which a report.json made by hand could hold, are replaced by `?`.
fn code_span(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '`' | '|' | '<' | '>' | '&' => '?',
            c if c.is_control() => '?',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_values_stay_text() {
        let doc = ReportDoc::from_json(
            r#"{"input": "x`<img src=x onerror=alert(1)>`.csv",
                "sources": [{"name": "<script>alert(1)</script>"}],
                "findings": [{"line": 2, "field": "a|b", "code": "invalid-email",
                              "message": "'\"><img src=x onerror=alert(1)>' is bad\nnext"}]}"#,
        )
        .unwrap();
        let text = markdown(&doc);
        assert!(!text.contains("<script>"), "{text}");
        assert!(!text.contains("<img"), "{text}");
        assert!(text.contains("&lt;script&gt;"), "{text}");
        assert!(text.contains(r"a\|b"), "{text}");
        // Every table row keeps its cells: no line break inside a message.
        assert!(text.lines().all(|line| !line.starts_with("next")), "{text}");
    }
}
