//! The reports for people, rendered from the very document `report.json` holds (serialized,
//! then read back as a [`ReportDoc`]), so that `nebulk report` renders an earlier run's
//! `report.json` the same way: `report.html` ([`write_html_into`]) and the Markdown summary
//! ([`markdown_of`]).

use std::io::{self, Write};

use nebulk_report::{ReportDoc, RunFacts};

use crate::atomic::AtomicFile;
use crate::report_json::ReportJson;

/// `report` as the renderers read it.
fn document(report: &ReportJson<'_>) -> io::Result<ReportDoc> {
    let value = serde_json::to_value(report).map_err(io::Error::other)?;
    serde_json::from_value(value).map_err(io::Error::other)
}

/// The HTML report of `report`, with `facts` about the run.
///
/// ```
/// use nebulk_emit::{InputSummary, ReportJson};
/// let input = InputSummary::new("accounts.csv", "csv", 1);
/// let (schema, report) = (nebulk_schema::Schema::system(), nebulk_validate::Report::new(10));
/// let page = nebulk_emit::html_of(&ReportJson::new(&input, &schema, &report), &Default::default()).unwrap();
/// assert!(page.contains("accounts.csv"));
/// ```
pub fn html_of(report: &ReportJson<'_>, facts: &RunFacts) -> io::Result<String> {
    Ok(nebulk_report::html(&document(report)?, facts))
}

/// The Markdown summary of `report` (for a CI job summary).
///
/// ```
/// use nebulk_emit::{InputSummary, ReportJson};
/// let input = InputSummary::new("accounts.csv", "csv", 1);
/// let (schema, report) = (nebulk_schema::Schema::system(), nebulk_validate::Report::new(10));
/// let text = nebulk_emit::markdown_of(&ReportJson::new(&input, &schema, &report)).unwrap();
/// assert!(text.starts_with("## nebulk: ready to upload"));
/// ```
pub fn markdown_of(report: &ReportJson<'_>) -> io::Result<String> {
    Ok(nebulk_report::markdown(&document(report)?))
}

/// Writes the HTML report of `report` into `file`, started earlier, and gives it back
/// uncommitted.
pub(crate) fn fill_html(
    file: AtomicFile,
    report: &ReportJson<'_>,
    facts: &RunFacts,
) -> io::Result<AtomicFile> {
    let page = html_of(report, facts)?;
    crate::json::fill_with(file, |out| out.write_all(page.as_bytes()))
}

/// Writes the HTML report of `report` into `file`, started earlier, and commits it.
pub fn write_html_into(
    file: AtomicFile,
    report: &ReportJson<'_>,
    facts: &RunFacts,
) -> io::Result<()> {
    fill_html(file, report, facts)?.commit()
}
