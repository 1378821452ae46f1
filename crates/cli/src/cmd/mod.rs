//! One module per subcommand, each with its `Args` and a `run(args)` entry point.

pub mod completions;
pub mod convert;
pub mod gen;
pub mod man;
pub mod map;
pub mod report;
pub mod validate;

/// Writes `bytes` to standard output and flushes it; a closed pipe is an error the caller ends
/// quietly (see `main`).
pub fn print_to_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    use anyhow::Context;
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .context("cannot write to standard output")
}
