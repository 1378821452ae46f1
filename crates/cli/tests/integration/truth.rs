//! Generated data with known faults: every count in report.json must equal the generator's
//! truth, and the files must hold exactly the counted rows.

use std::path::Path;

use serde_json::Value;

use crate::harness::{csv_records, json, run_in};

/// In `d`: `gen` (with `gen_args`) writes accounts.csv, truth.json and template.csv under the
/// account limit `max`, then `convert` (with `convert_args`) reads them into `out/`.
fn gen_then_convert(
    d: &Path,
    max: &str,
    gen_args: &[&str],
    convert_args: &[&str],
) -> crate::harness::Run {
    let common = [
        "--max-accounts",
        max,
        "--out",
        "accounts.csv",
        "--truth",
        "truth.json",
        "--template",
        "template.csv",
    ];
    let gen = run_in(d, &[&["gen"][..], &common, gen_args].concat());
    assert_eq!(gen.code, 0, "gen failed: {}", gen.stderr);
    let convert = [
        "convert",
        "accounts.csv",
        "--schema",
        "template.csv",
        "--max-accounts",
        max,
        "--out",
        "out",
        "-q",
    ];
    run_in(d, &[&convert[..], convert_args].concat())
}

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
    let gen_args = [
        &["--rows", &rows, "--seed", &seed, "--error-rate", &rate][..],
        with_identities,
    ]
    .concat();
    let run = gen_then_convert(d, &max, &gen_args, with_identities);
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
    assert_findings_match(&d.join("out"), &report, &truth["by_code"]);
    let html = std::fs::read_to_string(d.join("out/report.html")).unwrap();
    crate::harness::assert_html_agrees(&html, &report);
    assert_no_account_twice(&upload);
}

/// findings.csv (issue 13) holds every finding: as many lines as `findings_total` counts plus
/// the file-level warnings, the rows carrying each code counting as the truth does, and every
/// rejected row with an error.
fn assert_findings_match(out: &std::path::Path, report: &Value, by_code: &Value) {
    let findings = csv_records(&out.join("findings.csv"));
    let text =
        |record: &csv::ByteRecord, i: usize| std::str::from_utf8(&record[i]).unwrap().to_string();
    let warnings = report["warnings"].as_array().unwrap().len() as u64;
    assert_eq!(
        findings.len() as u64,
        report["findings_total"].as_u64().unwrap() + warnings,
        "lines of findings.csv"
    );
    // Rows start on line 2: the file-level warnings are on the header's line or on line 0.
    let of_rows = findings
        .iter()
        .filter(|f| text(f, 1).parse::<u64>().unwrap() >= 2);
    let rows_by_code: std::collections::BTreeSet<(String, String, String)> = of_rows
        .clone()
        .map(|f| (text(f, 4), text(f, 0), text(f, 1)))
        .collect();
    let mut counts = std::collections::BTreeMap::<String, u64>::new();
    for (code, _, _) in &rows_by_code {
        *counts.entry(code.clone()).or_default() += 1;
    }
    assert_eq!(
        serde_json::to_value(counts).unwrap(),
        *by_code,
        "rows per code in findings.csv"
    );
    let rejected_rows: std::collections::BTreeSet<(String, String)> = of_rows
        .filter(|f| text(f, 5) == "error")
        .map(|f| (text(f, 0), text(f, 1)))
        .collect();
    assert_eq!(
        rejected_rows.len() as u64,
        report["rows_rejected"].as_u64().unwrap(),
        "rows with an error in findings.csv"
    );
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

/// Exports generated beside the file (`gen --exports DIR --sources N`) and read back by
/// `convert --existing DIR`: every per-source count of report.json equals the generator's
/// truth, and the files hold exactly the counted rows. With `skip_unchanged`, the unchanged
/// rows go to unchanged.csv instead of the uploads.
/// Gives the truth.
fn check_exports_against_truth(
    gen_args: &[&str],
    max_accounts: u64,
    convert_args: &[&str],
) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let max = max_accounts.to_string();
    let run = gen_then_convert(
        d,
        &max,
        &[&["--exports", "exports"][..], gen_args].concat(),
        &[&["--existing", "exports"][..], convert_args].concat(),
    );
    assert!(run.code <= 1, "{}", run.stderr);
    let truth = json(&d.join("truth.json"));
    let report = json(&d.join("out/report.json"));
    let context = format!("gen {gen_args:?}, convert {convert_args:?}");
    for key in [
        "rows_valid",
        "rows_rejected",
        "by_code",
        "overflow",
        "absent",
    ] {
        assert_eq!(report[key], truth[key], "{key} ({context})");
    }
    let count = |value: &Value| value.as_u64().unwrap();
    let sources = truth["sources"].as_array().unwrap();
    assert_eq!(
        report["sources"].as_array().unwrap().len(),
        sources.len(),
        "{context}"
    );
    let skip_unchanged = convert_args.contains(&"--skip-unchanged");
    let mut unchanged = 0;
    for (reported, truth) in report["sources"].as_array().unwrap().iter().zip(sources) {
        for key in ["name", "existing", "creates", "updates", "unchanged"] {
            assert_eq!(reported[key], truth[key], "sources[].{key} ({context})");
        }
        let name = truth["name"].as_str().unwrap();
        let uploaded = count(&truth["creates"])
            + count(&truth["updates"])
            + if skip_unchanged {
                0
            } else {
                count(&truth["unchanged"])
            };
        let upload = d.join(format!("out/upload-{name}.csv"));
        let rows = if upload.exists() {
            csv_records(&upload).len() as u64
        } else {
            0
        };
        assert_eq!(rows, uploaded, "{name}: rows of its upload ({context})");
        unchanged += count(&truth["unchanged"]);
    }
    let records = |file: &str| csv_records(&d.join("out").join(file)).len() as u64;
    assert_eq!(
        records("changes.csv"),
        count(&truth["changes"]),
        "{context}"
    );
    assert_eq!(records("absent.csv"), count(&truth["absent"]), "{context}");
    assert_eq!(
        records("overflow.csv"),
        count(&truth["overflow"]),
        "{context}"
    );
    assert_eq!(
        records("rejects.csv"),
        count(&truth["rows_rejected"]),
        "{context}"
    );
    if skip_unchanged {
        assert_eq!(records("unchanged.csv"), unchanged, "{context}");
        assert_eq!(report["unchanged_skipped"], unchanged, "{context}");
    }
    assert_rejected_codes_match(&csv_records(&d.join("out/rejects.csv")), &truth["by_code"]);
    assert_findings_match(&d.join("out"), &report, &truth["by_code"]);
    truth
}

/// The sum of `key` over the truth's sources.
fn sum(truth: &Value, key: &str) -> u64 {
    truth["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s[key].as_u64().unwrap())
        .sum()
}

/// Issue 11: three sources' exports, with updates, unchanged and absent accounts; room left
/// in the last source; then new accounts overflowing every source, some of which already hold
/// more than the limit.
#[test]
fn counts_match_truth_per_source_with_exports() {
    let gen = ["--rows", "3000", "--error-rate", "0.05", "--sources", "3"];
    let truth = check_exports_against_truth(&gen, 1200, &[]);
    for key in ["creates", "updates", "unchanged", "absent"] {
        assert!(sum(&truth, key) > 0, "{key}: {truth}");
    }
    assert_eq!(truth["sources"][2]["creates"], 0, "{truth}");
    check_exports_against_truth(&gen, 1200, &["--skip-unchanged"]);
    let past_the_limit = [
        "--rows",
        "3000",
        "--seed",
        "5",
        "--error-rate",
        "0.2",
        "--sources",
        "2",
        "--in-exports",
        "0.8",
        "--changed",
        "0.5",
        "--absent",
        "0.1",
    ];
    let truth = check_exports_against_truth(&past_the_limit, 900, &[]);
    assert!(truth["overflow"].as_u64().unwrap() > 0, "{truth}");
    assert!(
        truth["sources"][0]["existing"].as_u64().unwrap() > 900,
        "{truth}"
    );
}

/// Issue 11: exports with the identities, unknown managers among the faults.
#[test]
fn counts_match_truth_per_source_with_exports_and_identities() {
    let gen = [
        "--rows",
        "2000",
        "--seed",
        "8",
        "--error-rate",
        "0.3",
        "--sources",
        "4",
        "--identities",
        "identities.csv",
    ];
    let truth = check_exports_against_truth(&gen, 500, &["--identities", "identities.csv"]);
    assert!(
        truth["by_code"]["unknown-manager"].as_u64().unwrap() > 0,
        "{truth}"
    );
}

/// Issue 11: impossible export options are refused before anything is written.
#[test]
fn impossible_export_options_are_refused_first() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = ["--rows", "10", "--out", "a.csv", "--truth", "t.json"];
    for (args, says) in [
        (&["--sources", "2"][..], "--exports"),
        (&["--exports", "ex"][..], "--sources"),
        (&["--changed", "0.5"][..], "--exports"),
        (&["--exports", "ex", "--sources", "51"][..], "at most 50"),
        (
            &["--exports", "ex", "--sources", "0"][..],
            "between 1 and 50",
        ),
        (
            &["--exports", "ex", "--sources", "2", "--in-exports", "1.5"][..],
            "--in-exports must be between 0 and 1",
        ),
        (
            &["--exports", "ex", "--sources", "2", "--absent=-0.1"][..],
            "--absent",
        ),
    ] {
        let run = run_in(d, &[&["gen"][..], &out, args].concat());
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert_eq!(
            std::fs::read_dir(d).unwrap().count(),
            0,
            "{args:?}: nothing written"
        );
    }
    // A folder holding another file would give `convert --existing` one more source.
    std::fs::create_dir(d.join("ex")).unwrap();
    std::fs::write(d.join("ex/old.csv"), "accountName\nann\n").unwrap();
    let run = run_in(
        d,
        &[&["gen"][..], &out, &["--exports", "ex", "--sources", "2"]].concat(),
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("old.csv"), "{}", run.stderr);
    assert!(!d.join("a.csv").exists() && !d.join("t.json").exists());
}

/// Issue 11, the re-feed loop on generated data: run 1's rejects.csv fed back unfixed, with
/// run 1's upload as a source's export, gives back every row rejected with the same codes
/// (a duplicate whose first copy went into run 1's upload stays a duplicate) and nothing to
/// upload; with the duplicates' account names fixed, exactly those load.
#[test]
fn refed_rejects_come_back_with_the_same_codes_until_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let gen = ["--rows", "3000", "--seed", "5", "--error-rate", "0.1"];
    let run1 = gen_then_convert(d, "20000", &gen, &[]);
    assert_eq!(run1.code, 1, "{}", run1.stderr);
    let truth = json(&d.join("truth.json"));
    let refeed = [
        "convert",
        "out/rejects.csv",
        "--schema",
        "template.csv",
        "--existing",
        "north=out/upload.csv",
        "--out",
        "out2",
        "-q",
    ];
    let run2 = run_in(d, &refeed);
    assert_eq!(run2.code, 1, "{}", run2.stderr);
    let report = json(&d.join("out2/report.json"));
    assert_eq!(report["rows_read"], truth["rows_rejected"]);
    assert_eq!(report["rows_valid"], 0);
    assert_eq!(report["by_code"], truth["by_code"]);
    assert_eq!(
        report["warnings"],
        Value::Array(vec![]),
        "the rejects' columns are known"
    );

    // Fix the duplicates: each gets an account name of its own; they load, and only they.
    let rejects = csv_records(&d.join("out/rejects.csv"));
    let mut fixed = csv::WriterBuilder::new()
        .flexible(true)
        .from_path(d.join("fixed.csv"))
        .unwrap();
    let header = csv::Reader::from_path(d.join("out/rejects.csv"))
        .unwrap()
        .byte_headers()
        .unwrap()
        .clone();
    fixed.write_byte_record(&header).unwrap();
    let account = header.iter().position(|h| h == b"accountName").unwrap();
    let mut duplicates = 0;
    for (n, record) in rejects.iter().enumerate() {
        let mut fields: Vec<Vec<u8>> = record.iter().map(<[u8]>::to_vec).collect();
        if &record[1] == b"duplicate-account" {
            duplicates += 1;
            fields[account] = format!("fixed.{n}").into_bytes();
        }
        fixed.write_record(&fields).unwrap();
    }
    fixed.flush().unwrap();
    let refeed_fixed = [&["convert", "fixed.csv"][..], &refeed[2..]].concat();
    let run3 = run_in(d, &refeed_fixed);
    assert_eq!(run3.code, 1, "{}", run3.stderr);
    let report = json(&d.join("out2/report.json"));
    assert!(duplicates > 10, "{duplicates} duplicates to fix");
    assert_eq!(report["rows_valid"], duplicates);
    assert_eq!(report["accounts"]["new"], duplicates);
    assert_eq!(report["by_code"].get("duplicate-account"), None);
}

/// Issue 13, done when: a generated run of 1,000,000 rows writes report.json, findings.csv and
/// report.html that agree with the truth. The upload is counted as it streams by, not held.
#[test]
fn a_million_rows_agree_with_the_truth_in_every_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let max = "100000000";
    let run = gen_then_convert(
        d,
        max,
        &["--rows", "1000000", "--seed", "11", "--error-rate", "0.01"],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let truth = json(&d.join("truth.json"));
    let report = json(&d.join("out/report.json"));
    for key in ["rows_valid", "rows_rejected", "overflow"] {
        assert_eq!(report[key], truth[key], "{key}");
    }
    assert_eq!(report["rows_read"], truth["rows"]);
    assert_eq!(report["by_code"], truth["by_code"]);
    assert_findings_match(&d.join("out"), &report, &truth["by_code"]);
    let html = std::fs::read_to_string(d.join("out/report.html")).unwrap();
    crate::harness::assert_html_agrees(&html, &report);
    let mut upload = csv::Reader::from_path(d.join("out/upload.csv")).unwrap();
    let mut record = csv::ByteRecord::new();
    let mut uploaded = 0u64;
    while upload.read_byte_record(&mut record).unwrap() {
        uploaded += 1;
    }
    assert_eq!(uploaded, truth["rows_valid"].as_u64().unwrap());
}
