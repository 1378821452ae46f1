//! Standard output, written whole: what `completions`, `man`, `report` and `--summary markdown`
//! print.

use anyhow::Context;
use std::io::Write;

/// Writes `bytes` to standard output and flushes it; a closed pipe is an error the caller ends
/// quietly (see `main`).
pub fn print(bytes: &[u8]) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .context("cannot write to standard output")
}
