//! nebulk's `report.json` read back ([`ReportDoc`]) and rendered for people: a self-contained
//! HTML page ([`html`]), a Markdown summary for CI job pages ([`markdown`]) and plain text
//! ([`text`]). Every rendering is a view of the same document, so `nebulk report REPORT.json`
//! renders any earlier run again exactly as the run itself did.
//!
//! ```
//! let doc = nebulk_report::ReportDoc::from_json(r#"{"input": "a.csv", "rows_read": 1, "rows_valid": 1}"#).unwrap();
//! assert!(nebulk_report::html(&doc, &nebulk_report::RunFacts::default()).contains("Ready to upload"));
//! ```

mod explain;
mod html;
mod markdown;
mod model;
mod text;

pub use explain::explain;
pub use html::{html, RunFacts};
pub use markdown::{markdown, markdown_escape};
pub use model::{
    Accounts, Finding, RejectedExamples, RejectedRow, ReportDoc, RowIssue, Source, ValueCount,
};
pub use text::text;

/// Findings the Markdown and text renderings list at most.
const FIRST_FINDINGS: usize = 10;

/// Renders into a string with `write`, which writes into it.
fn rendered(write: impl FnOnce(&mut String) -> std::fmt::Result) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = write(&mut out);
    out
}

/// The verdict in a few words: ready to upload, or how many rows need a person.
///
/// ```
/// let doc = nebulk_report::ReportDoc { rows_rejected: 2, overflow: 1, ..Default::default() };
/// assert_eq!(nebulk_report::verdict(&doc), "2 rows to fix, 1 row without room in a source");
/// ```
pub fn verdict(doc: &ReportDoc) -> String {
    if doc.ready() {
        return "ready to upload".to_string();
    }
    let mut parts = Vec::new();
    if doc.rows_rejected > 0 {
        parts.push(format!("{} to fix", rows(doc.rows_rejected)));
    }
    if doc.overflow > 0 {
        parts.push(format!("{} without room in a source", rows(doc.overflow)));
    }
    parts.join(", ")
}

/// `1 row`, `2 rows`.
fn rows(count: u64) -> String {
    if count == 1 {
        "1 row".to_string()
    } else {
        format!("{count} rows")
    }
}
