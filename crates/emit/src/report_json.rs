//! `report.json`, the whole document, defined in one place: [`ReportJson`]. Its parts are
//! named after what they hold: the nebulk version, the input ([`InputSummary`]), the upload
//! file's columns (the schema) and what the run found ([`Report`]). The input's fields and the
//! findings' sit at the top level of the JSON object, in that order:
//!
//! ```json
//! {
//!   "nebulk": "0.1.0", "report_version": 1,
//!   "input": "accounts.csv", "from": "csv", "files": 1, "delimiter": ",",
//!   "schema": ["accountName", "..."],
//!   "rows_read": 2, "rows_valid": 1, "rows_rejected": 1, "by_code": {}, "findings": []
//! }
//! ```
//!
//! The CLI fills the parts in; [`crate::FileSink::finish_with_report`] and the JSON writers
//! ([`crate::write_json_into`], [`crate::write_json_to`]) write it.

use std::collections::BTreeMap;

use nebulk_schema::Schema;
use nebulk_validate::Report;
use serde::{Serialize, Serializer};

/// What `report.json` says about the input: what was named, what kind it was read as, and how.
///
/// ```
/// let mut input = nebulk_emit::InputSummary::new("accounts.csv", "csv", 1);
/// input.delimiter = Some(";".into());
/// let json = serde_json::to_string(&input).unwrap();
/// assert_eq!(json, r#"{"input":"accounts.csv","from":"csv","files":1,"delimiter":";"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputSummary {
    /// The input as named on the command line.
    pub input: String,
    /// The kind read.
    pub from: &'static str,
    /// How many files were read.
    pub files: usize,
    /// The CSV delimiter, for CSV input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// The encoding of a CSV input that is not UTF-8 (`utf-16le`, `windows-1252`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// The sheet, for spreadsheets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Records left out by `--status`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub records_filtered: Option<u64>,
}

impl InputSummary {
    /// The summary of `files` files named `input`, read as kind `from`, with nothing else known
    /// yet.
    pub fn new(input: impl Into<String>, from: &'static str, files: usize) -> InputSummary {
        InputSummary {
            input: input.into(),
            from,
            files,
            delimiter: None,
            encoding: None,
            sheet: None,
            records_filtered: None,
        }
    }
}

/// The version of `report.json`'s form that this nebulk writes. Fields are only ever added
/// within a version; one whose meaning changes gets a new version (and a new schema file).
pub const REPORT_VERSION: u32 = 1;

/// The whole `report.json`: nebulk's version, the input, the upload columns and the findings.
///
/// ```
/// use nebulk_emit::{InputSummary, ReportJson};
/// use nebulk_schema::Schema;
/// let input = InputSummary::new("accounts.csv", "csv", 1);
/// let schema = Schema::system();
/// let report = nebulk_validate::Report::new(10);
/// let json = serde_json::to_value(ReportJson::new(&input, &schema, &report)).unwrap();
/// assert_eq!(json["report_version"], nebulk_emit::REPORT_VERSION);
/// assert_eq!(json["input"], "accounts.csv");
/// assert_eq!(json["schema"][0], "accountName");
/// assert_eq!(json["rows_read"], 0);
/// ```
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ReportJson<'a> {
    /// nebulk's version.
    pub nebulk: &'static str,
    /// The version of the document's form, [`REPORT_VERSION`]: `schemas/report.schema.json` in
    /// the repository describes it.
    pub report_version: u32,
    /// The input; its fields are at the top level.
    #[serde(flatten)]
    pub input: &'a InputSummary,
    /// The options the run was given on the command line (by long name), when known: not the
    /// input nor where outputs go.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<&'a BTreeMap<String, serde_json::Value>>,
    /// The upload file's columns: the schema's headers, in schema order.
    #[serde(serialize_with = "upload_columns")]
    pub schema: &'a Schema,
    /// What the run found: counts, counts per code, warnings, accounts and findings; its
    /// fields are at the top level.
    #[serde(flatten)]
    pub results: &'a Report,
}

impl<'a> ReportJson<'a> {
    /// The report of this version of nebulk.
    pub fn new(input: &'a InputSummary, schema: &'a Schema, results: &'a Report) -> ReportJson<'a> {
        ReportJson {
            nebulk: env!("CARGO_PKG_VERSION"),
            report_version: REPORT_VERSION,
            input,
            options: None,
            schema,
            results,
        }
    }
}

impl<'a> ReportJson<'a> {
    /// The report, recording the options the run was given.
    ///
    /// ```
    /// use nebulk_emit::{InputSummary, ReportJson};
    /// let input = InputSummary::new("accounts.csv", "csv", 1);
    /// let (schema, report) = (nebulk_schema::Schema::system(), nebulk_validate::Report::new(10));
    /// let options = [("strict".to_string(), serde_json::Value::Bool(true))].into();
    /// let json = serde_json::to_value(ReportJson::new(&input, &schema, &report).with_options(&options)).unwrap();
    /// assert_eq!(json["options"]["strict"], true);
    /// ```
    pub fn with_options(self, options: &'a BTreeMap<String, serde_json::Value>) -> ReportJson<'a> {
        ReportJson {
            options: Some(options),
            ..self
        }
    }
}

/// The schema as the list of its headers.
fn upload_columns<S: Serializer>(schema: &&Schema, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(schema.headers())
}
