//! `nebulk validate`: checks only.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args as ClapArgs;
use nebulk_validate::NullSink;

use crate::options::{CheckArgs, ReportFile};
use crate::{summary, Outcome};

/// Check an accounts CSV against a source schema without writing an upload file.
///
/// Prints a summary to stderr: rows read, valid and rejected, rows per code and the first
/// findings as `file:line:column: code: message`. Exits 0 when every row is valid, 1 when some
/// are rejected, 2 on a fatal problem.
#[derive(Debug, ClapArgs)]
#[command(after_help = "Examples:
  nebulk validate accounts.csv
  nebulk validate accounts.csv --schema template.csv --existing export.csv
  nebulk validate accounts.csv --date-format '%m/%d/%Y' --report report.json
  nebulk validate accounts.csv --timezone Europe/Berlin --phone-format e164 --phone-region DE")]
pub struct Args {
    #[command(flatten)]
    check: CheckArgs,

    /// Also write the full report as JSON here.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
}

/// Runs `validate`.
pub fn run(args: Args) -> Result<Outcome> {
    let prepared = args.check.prepare()?;
    let (report, header) = prepared.run(&mut NullSink, args.check.max_findings)?;
    if let Some(path) = &args.report {
        nebulk_emit::write_json(path, &ReportFile::new(&header, &report))
            .with_context(|| format!("cannot write the report {}", path.display()))?;
    }
    if !args.check.quiet {
        eprint!("{}", summary::render(&header.info, &report));
    }
    Ok(if report.rows_rejected == 0 {
        Outcome::AllValid
    } else {
        Outcome::SomeRejected
    })
}
