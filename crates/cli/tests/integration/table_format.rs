//! Issue 14: `--format` belongs to `convert` (which writes files), in every build.

use crate::harness::{run_in, testdata};

#[test]
fn validate_refuses_format() {
    let dir = tempfile::tempdir().unwrap();
    let input = testdata().join("sample/accounts.csv");
    let run = run_in(
        dir.path(),
        &["validate", input.to_str().unwrap(), "--format", "parquet"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--format"), "{}", run.stderr);
}
