//! The `nebulk` command: pre-flight checks and conversion for SailPoint Identity Security Cloud
//! Non-Employee bulk uploads. All logic lives in the library crates; this crate parses the
//! command line, wires readers to sinks and decides what to print and which exit code to give.
//!
//! Exit codes: 0 every row valid, 1 some rows rejected (outputs still written), 2 fatal; a run
//! stopped by a signal exits 128 + its number, as shells report it: 130 for Ctrl-C (SIGINT), 143
//! for SIGTERM, 129 for SIGHUP (temporary files removed, no output half-written). Where there
//! are no Unix signals, Ctrl-C exits 130. A closed standard output (a broken pipe, as in
//! `nebulk gen | head -1`) ends any subcommand quietly, exit 0.

mod cmd;
mod input;
mod options;
mod overlap;
mod paint;
mod recorded;
#[cfg(unix)]
mod signals;
mod sources;
mod stdout;
mod summary;
mod tables;

use std::io;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// Pre-flight checks and conversion for SailPoint ISC Non-Employee bulk uploads.
#[derive(Debug, Parser)]
#[command(name = "nebulk", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// When to colour errors, warnings, codes and counts on the terminal: `auto` when standard
    /// error is a terminal (off with NO_COLOR set, on with CLICOLOR_FORCE set), `always` or
    /// `never`.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        default_value = "auto"
    )]
    color: paint::ColorWhen,
}

#[derive(Debug, Subcommand)]
enum Command {
    Validate(cmd::validate::Args),
    Convert(cmd::convert::Args),
    Map(cmd::map::Args),
    Gen(cmd::gen::Args),
    Report(cmd::report::Args),
    Completions(cmd::completions::Args),
    Man(cmd::man::Args),
}

/// What a successful run found, which decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every row valid and placed in a source (exit 0).
    AllValid,
    /// Some rows rejected, or valid but with no room in any source (exit 1).
    SomeRejected,
}

impl Outcome {
    /// The outcome of a run that went to the end: rows rejected or overflowing need a person.
    pub fn of(report: &nebulk_validate::Report) -> Outcome {
        if report.rows_rejected == 0 && report.overflow == 0 {
            Outcome::AllValid
        } else {
            Outcome::SomeRejected
        }
    }
}

fn main() -> ExitCode {
    quiet_caught_panics();
    if let Err(e) = handle_signals() {
        eprintln!("nebulk: warning: cannot handle interrupts: {e}");
    }
    let parsed = Cli::command()
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches).map(|cli| (cli, matches)));
    let cli = match parsed {
        Ok((cli, matches)) => {
            recorded::record(&matches);
            cli.color.apply();
            cli
        }
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
    // The worker threads start here, so that a system refusing them (a tight memory limit)
    // gives a fatal error rather than a panic in the first parallel step. Named, like the
    // engine's reader and writer threads, for profiles and `top -H`.
    let workers = rayon::ThreadPoolBuilder::new().thread_name(|i| format!("nebulk-work-{i}"));
    if let Err(e) = workers.build_global() {
        eprintln!("nebulk: error: cannot start the worker threads: {e}");
        return ExitCode::from(2);
    }
    let result = match cli.command {
        Command::Validate(args) => cmd::validate::run(args),
        Command::Convert(args) => cmd::convert::run(args),
        Command::Map(args) => cmd::map::run(args),
        Command::Gen(args) => cmd::gen::run(args),
        Command::Report(args) => cmd::report::run(args),
        Command::Completions(args) => cmd::completions::run(args),
        Command::Man(args) => cmd::man::run(args),
    };
    match result {
        Ok(Outcome::AllValid) => ExitCode::SUCCESS,
        Ok(Outcome::SomeRejected) => ExitCode::from(1),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // Messages quote the input (header cells, file names): one line, no control codes.
            let prefix = paint::paint(paint::ERROR, "nebulk: error:");
            anstream::eprintln!("{prefix} {}", summary::printable(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}

/// Handles SIGINT, SIGTERM and SIGHUP on a thread of their own, `nebulk-signals`, which calls
/// [`on_interrupt`] with 128 + the signal's number.
#[cfg(unix)]
fn handle_signals() -> io::Result<()> {
    signals::handle(|signal| on_interrupt(128 + signal))
}

/// Ctrl-C (and, on Windows, closing the console) where there are no Unix signals: exit 130.
#[cfg(not(unix))]
fn handle_signals() -> io::Result<()> {
    ctrlc::set_handler(|| on_interrupt(130)).map_err(io::Error::other)
}

/// Runs on the signal thread when the process gets SIGINT, SIGTERM or SIGHUP: removes the
/// temporary files of outputs not yet complete (and the copy of a spreadsheet read from a
/// pipe), says what was kept, and exits with `code`. It exits holding the lock that renames
/// take, so no output can be completed in between.
fn on_interrupt(code: i32) {
    nebulk_formats::remove_spools();
    nebulk_emit::abandon_pending(|abandoned| {
        eprintln!("{}", interrupted_message(abandoned));
        std::process::exit(code)
    })
}

fn interrupted_message(abandoned: &nebulk_emit::Abandoned) -> String {
    let list = |paths: &[std::path::PathBuf]| {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        summary::printable(&names.join(", ")).into_owned()
    };
    let mut message = match (abandoned.kept.as_slice(), abandoned.removed.as_slice()) {
        ([], _) => "nebulk: interrupted; no output file written".to_string(),
        (kept, []) => format!("nebulk: interrupted; kept {} (complete)", list(kept)),
        (kept, removed) => format!(
            "nebulk: interrupted; kept {} (complete); not written: {}",
            list(kept),
            list(removed)
        ),
    };
    if !abandoned.cut_short.is_empty() {
        // Written through (a device, a FIFO, /dev/stdout): what went out cannot be taken back.
        message.push_str(&format!(
            "; cut short: {} (written through)",
            list(&abandoned.cut_short)
        ));
    }
    message
}

/// Keeps the panic hook quiet for panics that the spreadsheet reader catches and reports as a
/// format error of the file (calamine panics on some malformed files), and those of polars
/// over a damaged Parquet, IPC or NDJSON file (the `polars` feature): the error message says
/// it, and a panic message before it would read as a crash of nebulk.
fn quiet_caught_panics() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !nebulk_sheet::panic_is_caught() && !polars_panic_is_caught() {
            default_hook(info)
        }
    }));
}

/// Whether a polars call over an input is running under its guard.
fn polars_panic_is_caught() -> bool {
    #[cfg(feature = "polars")]
    return nebulk_columnar::panic_is_caught();
    #[cfg(not(feature = "polars"))]
    return false;
}

/// Whether the error comes from writing to a closed pipe (`nebulk gen | head -1`): the reader
/// has all it wants, and the run ends quietly, as ripgrep's and xsv's do.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(is_broken_pipe_cause)
}

fn is_broken_pipe_cause(cause: &(dyn std::error::Error + 'static)) -> bool {
    match cause.downcast_ref::<io::Error>() {
        Some(io) if io.kind() == io::ErrorKind::BrokenPipe => true,
        // An I/O error wrapping another gives that one's source as its own, skipping the
        // wrapped error itself: it is looked at here.
        Some(io) => io
            .get_ref()
            .is_some_and(|inner| is_broken_pipe_cause(inner)),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nebulk_emit::Abandoned;

    #[test]
    fn the_interrupt_message_names_what_was_kept() {
        let message = |kept: &[&str], removed: &[&str]| {
            interrupted_message(&Abandoned {
                kept: kept.iter().map(Into::into).collect(),
                removed: removed.iter().map(Into::into).collect(),
                cut_short: Vec::new(),
            })
        };
        assert_eq!(
            message(&[], &["out/upload.csv", "out/rejects.csv"]),
            "nebulk: interrupted; no output file written"
        );
        assert_eq!(
            message(&["a.csv"], &["truth.json"]),
            "nebulk: interrupted; kept a.csv (complete); not written: truth.json"
        );
        assert_eq!(
            message(&["a.csv", "t.json"], &[]),
            "nebulk: interrupted; kept a.csv, t.json (complete)"
        );
        let cut_short = interrupted_message(&Abandoned {
            removed: vec!["out/upload.csv".into()],
            cut_short: vec!["out/report.json".into()],
            ..Abandoned::default()
        });
        assert_eq!(
            cut_short,
            "nebulk: interrupted; no output file written; cut short: out/report.json (written through)"
        );
    }

    /// Issue 9: `nebulk gen | head -1` printed "Broken pipe": the csv crate's error hid the
    /// kind inside an `Other` I/O error, under a context.
    #[test]
    fn a_broken_pipe_is_seen_through_wrappers() {
        let pipe = || io::Error::from(io::ErrorKind::BrokenPipe);
        assert!(is_broken_pipe(&anyhow::Error::new(pipe())));
        let wrapped = anyhow::Error::new(io::Error::other(pipe())).context("writing");
        assert!(is_broken_pipe(&wrapped));
        let twice = io::Error::other(io::Error::new(io::ErrorKind::InvalidData, pipe()));
        assert!(is_broken_pipe(&anyhow::Error::new(twice)));
        let other = anyhow::Error::new(io::Error::other("disk full")).context("writing");
        assert!(!is_broken_pipe(&other));
    }
}
