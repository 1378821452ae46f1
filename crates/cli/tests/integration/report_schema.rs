//! `schemas/report.schema.json` (issue 13): every report.json the test data holds (each
//! golden's, written by the binary) is valid against it, the schema names every code and every
//! kind nebulk has, and it refuses what is not a report.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::harness::testdata;

/// The schema, compiled, and the reports of the test data.
fn schema() -> (boon::Schemas, boon::SchemaIndex) {
    let path = testdata().join("../schemas/report.schema.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource("urn:nebulk:report:1", value).unwrap();
    let index = compiler
        .compile("urn:nebulk:report:1", &mut schemas)
        .unwrap();
    (schemas, index)
}

fn reports_under(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            reports_under(&path, found);
        } else if path.file_name().is_some_and(|name| name == "report.json") {
            found.push(path);
        }
    }
}

fn schema_json() -> Value {
    let text = std::fs::read_to_string(testdata().join("../schemas/report.schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn every_golden_report_is_valid_against_the_schema() {
    let (schemas, index) = schema();
    let mut reports = Vec::new();
    reports_under(&testdata(), &mut reports);
    assert!(reports.len() >= 40, "{} reports found", reports.len());
    let mut invalid = Vec::new();
    for path in &reports {
        let report: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        if let Err(e) = schemas.validate(&report, index) {
            invalid.push(format!("{}: {e:#}", path.display()));
        }
    }
    assert!(invalid.is_empty(), "{}", invalid.join("\n\n"));
}

#[test]
fn the_schema_names_every_code_and_kind() {
    let schema = schema_json();
    let names = |value: &Value| -> Vec<String> {
        let mut names: Vec<String> = value
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    };
    let mut codes: Vec<String> = nebulk_validate::Code::ALL
        .iter()
        .map(|code| code.as_str().to_string())
        .collect();
    codes.sort();
    assert_eq!(names(&schema["$defs"]["code"]["enum"]), codes);
    let mut kinds: Vec<String> = nebulk_formats::SourceKind::ALL
        .iter()
        .map(|kind| kind.name().to_string())
        .collect();
    kinds.sort();
    assert_eq!(names(&schema["properties"]["from"]["enum"]), kinds);
    assert_eq!(
        schema["properties"]["report_version"]["const"],
        nebulk_emit::REPORT_VERSION
    );
}

#[test]
fn the_schema_refuses_what_is_not_a_report() {
    let (schemas, index) = schema();
    let golden = testdata().join("cases/csv-windows-1252-hint/expected/out/report.json");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(golden).unwrap()).unwrap();
    assert!(schemas.validate(&report, index).is_ok());
    /// What a change breaks, and the change.
    type Breaking = (&'static str, fn(&mut Value));
    let broken: [Breaking; 5] = [
        ("an unknown field", |r| r["bogus"] = 1.into()),
        ("a negative count", |r| r["rows_read"] = (-1).into()),
        ("an unknown code", |r| r["by_code"]["made-up"] = 1.into()),
        ("a finding without a line", |r| {
            r["findings"][0].as_object_mut().unwrap().remove("line");
        }),
        ("another version", |r| r["report_version"] = 2.into()),
    ];
    for (what, breaking) in broken {
        let mut report = report.clone();
        breaking(&mut report);
        assert!(
            schemas.validate(&report, index).is_err(),
            "{what} passed the schema"
        );
    }
}
