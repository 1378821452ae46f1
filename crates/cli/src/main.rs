//! The `nebulk` command: pre-flight checks and conversion for SailPoint Identity Security Cloud
//! Non-Employee bulk uploads. All logic lives in the library crates; this crate parses the
//! command line, wires readers to sinks and decides what to print and which exit code to give.
//!
//! Exit codes: 0 every row valid, 1 some rows rejected (outputs still written), 2 fatal.

mod cmd;
mod input;
mod options;
mod summary;

use std::io;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Pre-flight checks and conversion for SailPoint ISC Non-Employee bulk uploads.
#[derive(Debug, Parser)]
#[command(name = "nebulk", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Validate(cmd::validate::Args),
    Convert(cmd::convert::Args),
    Map(cmd::map::Args),
    Gen(cmd::gen::Args),
}

/// What a successful run found, which decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every row valid (exit 0).
    AllValid,
    /// Some rows rejected (exit 1).
    SomeRejected,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors; bad flags exit 2, as every fatal problem.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Validate(args) => cmd::validate::run(args),
        Command::Convert(args) => cmd::convert::run(args),
        Command::Map(args) => cmd::map::run(args),
        Command::Gen(args) => cmd::gen::run(args),
    };
    match result {
        Ok(Outcome::AllValid) => ExitCode::SUCCESS,
        Ok(Outcome::SomeRejected) => ExitCode::from(1),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nebulk: error: {}", summary::printable(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|cause| cause.downcast_ref::<io::Error>())
        .any(|io| io.kind() == io::ErrorKind::BrokenPipe)
}
