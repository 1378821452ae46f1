//! Generated data with known faults: every count in report.json must equal the generator's
//! truth, and the files must hold exactly the counted rows.

use std::path::Path;

use serde_json::Value;

use crate::harness::{csv_records, json, run_in};

/// Generates `rows` rows, converts them, and checks the report against the truth.
fn check_against_truth(rows: u64, seed: u64, error_rate: f64, max_accounts: u64) {
    check_against_truth_with(rows, seed, error_rate, max_accounts, false);
}

/// [`check_against_truth`], with the generator's identities given to both commands when
/// `identities` (issue 11: unknown managers counted against the truth).
fn check_against_truth_with(
    rows: u64,
    seed: u64,
    error_rate: f64,
    max_accounts: u64,
    identities: bool,
) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (rows, seed, rate, max) = (
        rows.to_string(),
        seed.to_string(),
        error_rate.to_string(),
        max_accounts.to_string(),
    );
    let with_identities: &[&str] = if identities {
        &["--identities", "identities.csv"]
    } else {
        &[]
    };
    let gen = run_in(
        d,
        &[
            &[
                "gen",
                "--rows",
                &rows,
                "--seed",
                &seed,
                "--error-rate",
                &rate,
                "--max-accounts",
                &max,
                "--out",
                "accounts.csv",
                "--truth",
                "truth.json",
                "--template",
                "template.csv",
            ][..],
            with_identities,
        ]
        .concat(),
    );
    assert_eq!(gen.code, 0, "gen failed: {}", gen.stderr);

    let run = run_in(
        d,
        &[
            &[
                "convert",
                "accounts.csv",
                "--schema",
                "template.csv",
                "--max-accounts",
                &max,
                "--out",
                "out",
                "-q",
            ][..],
            with_identities,
        ]
        .concat(),
    );
    let truth = json(&d.join("truth.json"));
    let report = json(&d.join("out/report.json"));
    let rejected = truth["rows_rejected"].as_u64().unwrap();
    let overflow = truth["overflow"].as_u64().unwrap();
    assert_eq!(
        run.code,
        if rejected + overflow == 0 { 0 } else { 1 },
        "{}",
        run.stderr
    );
    assert_eq!(report["rows_read"], truth["rows"]);
    assert_eq!(report["rows_valid"], truth["rows_valid"]);
    assert_eq!(report["overflow"], truth["overflow"]);
    assert_eq!(report["rows_rejected"], truth["rows_rejected"]);
    assert_eq!(
        report["by_code"], truth["by_code"],
        "counts per code (seed {seed}, rate {rate})"
    );
    assert_eq!(
        report["warnings"],
        Value::Array(vec![]),
        "the template covers every generated column"
    );

    let upload = csv_records(&d.join("out/upload.csv"));
    let rejects = csv_records(&d.join("out/rejects.csv"));
    let overflowed = csv_records(&d.join("out/overflow.csv"));
    let valid = truth["rows_valid"].as_u64().unwrap();
    assert_eq!(upload.len() as u64, valid - overflow);
    assert_eq!(overflowed.len() as u64, overflow);
    assert_eq!(rejects.len() as u64, rejected);
    assert_rejected_codes_match(&rejects, &truth["by_code"]);
    assert_no_account_twice(&upload);
}

/// The codes column of rejects.csv counts the same as the truth.
fn assert_rejected_codes_match(rejects: &[csv::ByteRecord], by_code: &Value) {
    let mut counts = std::collections::BTreeMap::<String, u64>::new();
    for record in rejects {
        for code in std::str::from_utf8(&record[1]).unwrap().split(';') {
            *counts.entry(code.to_string()).or_default() += 1;
        }
    }
    assert_eq!(
        serde_json::to_value(counts).unwrap(),
        *by_code,
        "codes column of rejects.csv"
    );
}

fn assert_no_account_twice(upload: &[csv::ByteRecord]) {
    let mut seen = std::collections::HashSet::new();
    for record in upload {
        let name = std::str::from_utf8(&record[0]).unwrap().to_lowercase();
        assert!(seen.insert(name.clone()), "{name} uploaded twice");
    }
}

#[test]
fn counts_match_truth_at_one_percent() {
    check_against_truth(5000, 1, 0.01, 20_000);
}

#[test]
fn counts_match_truth_at_high_error_rates() {
    for (seed, rate) in [(2, 0.2), (3, 0.5), (4, 1.0)] {
        check_against_truth(3000, seed, rate, 20_000);
    }
}

#[test]
fn counts_match_truth_with_no_faults() {
    check_against_truth(2000, 5, 0.0, 20_000);
}

#[test]
fn counts_match_truth_past_the_account_limit() {
    // Several engine chunks (8192 rows) and a limit crossed in the middle of the file.
    check_against_truth(20_000, 6, 0.05, 7_500);
}

/// Issue 11: with the generator's identities, every clean manager is known and every injected
/// unknown manager (a display name, an id with a typo) is rejected, and nothing else changes.
#[test]
fn counts_match_truth_with_identities() {
    for (seed, rate) in [(7, 0.3), (8, 1.0)] {
        check_against_truth_with(4000, seed, rate, 20_000, true);
    }
}

#[test]
fn generator_is_deterministic_for_a_seed() {
    let dir = tempfile::tempdir().unwrap();
    let d: &Path = dir.path();
    for name in ["a.csv", "b.csv"] {
        assert_eq!(
            run_in(d, &["gen", "--rows", "500", "--seed", "9", "--out", name]).code,
            0
        );
    }
    assert_eq!(
        std::fs::read(d.join("a.csv")).unwrap(),
        std::fs::read(d.join("b.csv")).unwrap()
    );
    let stdout = run_in(d, &["gen", "--rows", "500", "--seed", "9"]).stdout;
    assert_eq!(
        stdout,
        std::fs::read(d.join("a.csv")).unwrap(),
        "stdout and --out agree"
    );
}
