//! Runs the real binary and compares outputs with golden files.
//!
//! Set `UPDATE_GOLDEN=1` to rewrite the expected files from the actual output; review the diff
//! before committing it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The `testdata/` folder at the workspace root.
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// A command for the binary under test, with standard input closed.
pub fn nebulk() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_nebulk"));
    command.stdin(Stdio::null());
    command
}

/// What a run gave.
pub struct Run {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

/// Runs the binary with `args` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let output: Output = nebulk()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("nebulk runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: output.stdout,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Whether golden files are being rewritten.
pub fn updating() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some()
}

/// Compares `actual` with the golden file at `expected`, or rewrites it when updating.
pub fn assert_golden(expected: &Path, actual: &[u8]) {
    if updating() {
        std::fs::create_dir_all(expected.parent().expect("golden files live in a folder")).unwrap();
        std::fs::write(expected, actual).unwrap();
        return;
    }
    let want = std::fs::read(expected).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            expected.display()
        )
    });
    if want != actual {
        panic!(
            "{} differs\n--- expected\n{}\n--- actual\n{}\n---",
            expected.display(),
            String::from_utf8_lossy(&want),
            String::from_utf8_lossy(actual)
        );
    }
}

/// Reads a CSV file's records (header excluded) as byte records, any field count.
pub fn csv_records(path: &Path) -> Vec<csv::ByteRecord> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .expect("csv opens");
    reader
        .byte_records()
        .map(|r| r.expect("csv record"))
        .collect()
}

/// Reads a JSON file.
pub fn json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("valid JSON")
}
