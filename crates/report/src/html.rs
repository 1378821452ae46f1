//! The HTML report: one self-contained page (inline CSS and SVG, no script, nothing fetched),
//! rendered with an askama template (`templates/report.html`) that escapes every value.

use askama::Template;

use crate::explain::explain;
use crate::model::{ReportDoc, ValueCount};

/// What the page tells of a run that `report.json` does not keep (it would make two runs of
/// the same input differ): shown when known.
///
/// ```
/// let facts = nebulk_report::RunFacts { elapsed: Some("1.2 s".into()), ..Default::default() };
/// assert!(facts.command_line.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunFacts {
    /// How long the run took, as people read it.
    pub elapsed: Option<String>,
    /// The command line of the run.
    pub command_line: Option<String>,
}

/// A labelled bar of a chart.
struct Bar {
    label: String,
    count: u64,
    /// Its length, in percent of the longest.
    percent: String,
    /// A sentence beside it.
    note: String,
}

/// A source, with its capacity bar.
struct SourceView {
    name: String,
    existing: u64,
    creates: u64,
    updates: u64,
    unchanged: u64,
    capacity_left: u64,
    file: String,
    /// The existing accounts, in percent of the limit.
    existing_percent: String,
    /// The new ones, in percent of the limit.
    creates_percent: String,
}

/// A rejected row as the table shows it.
struct RowView {
    place: String,
    cells: Vec<CellView>,
    row_message: String,
}

/// A cell, and what is wrong with it when something is.
struct CellView {
    text: String,
    message: Option<String>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    doc: &'a ReportDoc,
    facts: &'a RunFacts,
    verdict: String,
    ready: bool,
    codes: Vec<Bar>,
    fields: Vec<Bar>,
    changes: Vec<Bar>,
    sources: Vec<SourceView>,
    values: Vec<(&'a str, &'a [ValueCount])>,
    header: &'a [String],
    rows: Vec<RowView>,
}

/// The HTML report of `doc`, with `facts` about the run.
///
/// ```
/// let doc = nebulk_report::ReportDoc::from_json(
///     r#"{"input": "<b>.csv", "rows_read": 2, "rows_valid": 1, "rows_rejected": 1,
///         "by_code": {"invalid-email": 1}}"#,
/// ).unwrap();
/// let page = nebulk_report::html(&doc, &Default::default());
/// assert!(page.contains("&#60;b&#62;.csv"));
/// assert!(page.contains("1 row to fix"));
/// ```
pub fn html(doc: &ReportDoc, facts: &RunFacts) -> String {
    let page = Page {
        doc,
        facts,
        verdict: capitalised(&crate::verdict(doc)),
        ready: doc.ready(),
        codes: bars(doc.codes_by_rows(), explain),
        fields: bars(doc.fields_by_findings(), |_| String::new()),
        changes: bars(
            doc.changes_by_attribute
                .iter()
                .map(|(attribute, &count)| (attribute.as_str(), count))
                .collect(),
            |_| String::new(),
        ),
        sources: doc
            .sources
            .iter()
            .map(|source| SourceView {
                name: source.name.clone(),
                existing: source.existing,
                creates: source.creates,
                updates: source.updates,
                unchanged: source.unchanged,
                capacity_left: source.capacity_left,
                file: source.file.clone().unwrap_or_default(),
                existing_percent: percent(source.existing, doc.accounts.limit),
                creates_percent: percent(source.creates, doc.accounts.limit),
            })
            .collect(),
        values: doc
            .offending_values
            .iter()
            .map(|(field, values)| (field.as_str(), values.as_slice()))
            .collect(),
        header: &doc.rejected_examples.header,
        rows: doc
            .rejected_examples
            .rows
            .iter()
            .map(|row| RowView {
                place: match &row.file {
                    Some(file) => format!("{file}:{}", row.line),
                    None => row.line.to_string(),
                },
                cells: row
                    .cells
                    .iter()
                    .enumerate()
                    .map(|(i, text)| CellView {
                        text: text.clone(),
                        message: row.messages_of(i),
                    })
                    .collect(),
                row_message: row.row_messages(),
            })
            .collect(),
    };
    page.render()
        .unwrap_or_else(|e| format!("<!doctype html><p>the report could not be rendered: {e}</p>"))
}

/// Bars for `(label, count)` pairs, each as long as its share of the largest count.
fn bars(counts: Vec<(&str, u64)>, note: impl Fn(&str) -> String) -> Vec<Bar> {
    let most = counts.iter().map(|&(_, count)| count).max().unwrap_or(0);
    counts
        .into_iter()
        .map(|(label, count)| Bar {
            label: label.to_string(),
            count,
            percent: percent(count, most),
            note: note(label),
        })
        .collect()
}

/// `part` in percent of `whole`, with one decimal (0 when `whole` is 0).
fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0".to_string();
    }
    let tenths = (u128::from(part) * 1000 / u128::from(whole)).min(1000);
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// `text` with its first letter upper case.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percents_have_one_decimal_and_stay_within_the_whole() {
        assert_eq!(percent(1, 3), "33.3");
        assert_eq!(percent(5, 5), "100.0");
        assert_eq!(percent(7, 5), "100.0");
        assert_eq!(percent(1, 0), "0");
    }

    #[test]
    fn hostile_values_stay_text() {
        let doc = ReportDoc::from_json(
            r#"{"input": "<script>alert(1)</script>",
                "sources": [{"name": "\"><img src=x onerror=alert(1)>"}],
                "by_field": {"<svg onload=alert(1)>": 1},
                "offending_values": {"email": [{"value": "<script>alert(2)</script>", "count": 1}]},
                "rejected_examples": {"header": ["<th onclick=alert(5)>"], "rows": [{"line": 2,
                    "cells": ["\"><img src=x onerror=alert(3)>", "<img src=y onerror=alert(6)>"],
                    "issues": [{"column": 1, "code": "invalid-email", "message": "\" onmouseover=\"alert(4)"}]}]},
                "findings": [{"line": 2, "code": "invalid-email", "message": "<iframe src=x>"}],
                "warnings": [{"line": 1, "code": "unknown-column", "message": "<b>x</b>"}]}"#,
        )
        .unwrap();
        let page = html(&doc, &RunFacts::default());
        for tag in [
            "<script>alert",
            "<img",
            "<svg onload",
            "<iframe",
            "<th onclick",
            "<b>x",
            "\" onmouseover",
        ] {
            assert!(!page.contains(tag), "{tag} is in the page");
        }
        assert!(!page.contains("<script"), "no script at all");
    }
}
