//! Issue 14: a nebulk built without the `polars` feature knows the table kinds and says how
//! to build one that reads and writes them, before reading anything (exit 2).

use crate::harness::{run_in, testdata};

const BUILD: &str = "this nebulk was built without Parquet support; build it with `cargo build --release --features polars`";

#[test]
fn parquet_input_asks_for_the_polars_feature() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("accounts.parquet"), b"PAR1\x15\x04\x15\0\0PAR1").unwrap();
    for args in [
        &["validate", "accounts.parquet"][..],
        &["validate", "accounts.parquet", "--from", "parquet"],
    ] {
        let run = run_in(d, args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(BUILD), "{args:?}: {}", run.stderr);
    }
    let run = run_in(d, &["validate", "accounts.parquet", "--from", "ndjson"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("without NDJSON support"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_table_format_out_asks_for_the_polars_feature() {
    let dir = tempfile::tempdir().unwrap();
    let input = testdata().join("sample/accounts.csv");
    let input = input.to_str().unwrap();
    for format in ["parquet", "ipc"] {
        let run = run_in(
            dir.path(),
            &["convert", input, "--format", format, "--out", "out"],
        );
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains(&format!("--format {format}: {BUILD}")),
            "{}",
            run.stderr
        );
        assert!(
            !dir.path().join("out").exists(),
            "refused before anything is written"
        );
    }
}
