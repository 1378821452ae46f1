//! `nebulk validate`: checks only.

use std::io;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args as ClapArgs;
use nebulk_emit::{AtomicFile, ReportJson};
use nebulk_validate::NullSink;

use crate::options::{run_facts, CheckArgs, SummaryForm};
use crate::summary::print_markdown;
use crate::{summary, Outcome};

/// Check accounts (CSV, spreadsheet, Xtracta/srv XML, NERM JSON) against a source schema
///
/// Writes no upload file. Reads every kind nebulk knows: CSV files or a folder of them,
/// spreadsheets (xlsx, xlsm, xlsb, xls, ods), Xtracta Get User and srv.asmx
/// GetUsersWorkflowRoles XML, NERM users and workflow-session JSON pages (told from the
/// content, or named with --from). Prints a summary to stderr: rows read, valid and rejected,
/// rows per code and the first findings as `file:line:column: code: message`; --report also
/// writes the JSON report. Exits 0 when every row is valid, 1 when some are rejected, 2 on a
/// fatal problem.
#[derive(Debug, ClapArgs)]
#[command(after_help = "Examples:
  nebulk validate accounts.csv
  nebulk validate accounts.csv --schema template.csv --existing export.csv
  nebulk validate accounts.csv --date-format '%m/%d/%Y' --report report.json
  nebulk validate accounts.csv --report - -q | jq .by_code
  nebulk validate accounts.csv --html report.html --summary markdown >> \"$GITHUB_STEP_SUMMARY\"

  nebulk validate accounts.csv --timezone Europe/Berlin --phone-format e164 --phone-region DE")]
pub struct Args {
    #[command(flatten)]
    check: CheckArgs,

    /// Also write the full report as JSON here (`-`: standard output; the summary stays on
    /// stderr). A symbolic link's target is replaced, the link stays; a device or FIFO
    /// (`/dev/stdout`, `>(jq .)`) is written through.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,

    /// Also write the report for people here: one self-contained HTML page (as convert's
    /// report.html), which opens offline and prints well.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

/// Runs `validate`.
pub fn run(args: Args) -> Result<Outcome> {
    let started = std::time::Instant::now();
    let markdown = args.check.summary == SummaryForm::Markdown;
    if markdown && args.report.as_deref() == Some(Path::new("-")) {
        bail!(
            "--summary markdown and --report - both write to standard output: give --report a file"
        );
    }
    let check_run = args.check.prepare(false)?;
    let report_file = ReportTo::start(args.report.as_deref())?;
    let html_file = match &args.html {
        Some(path) => Some(
            AtomicFile::create_with_folder(path)
                .with_context(|| format!("cannot write the HTML report {}", path.display()))?,
        ),
        None => None,
    };
    let done = check_run.run(&mut NullSink, args.check.max_findings)?;
    let report_json = done.report_json();
    report_file.write(&report_json)?;
    if let (Some(file), Some(path)) = (html_file, &args.html) {
        nebulk_emit::write_html_into(file, &report_json, &run_facts(started))
            .with_context(|| format!("cannot write the HTML report {}", path.display()))?;
    }
    if markdown {
        print_markdown(&report_json)?;
    }
    if !args.check.quiet && !markdown {
        let details = match args.report {
            Some(_) => summary::Details::InReport,
            None => summary::Details::NotWritten,
        };
        anstream::eprint!("{}", summary::render(&done.input, &done.report, details));
    }
    Ok(Outcome::of(&done.report))
}

/// Where `--report` goes, started before the first row is read: a path that cannot be written
/// is refused before the work.
enum ReportTo {
    Nowhere,
    StandardOutput,
    File(AtomicFile),
}

impl ReportTo {
    fn start(path: Option<&Path>) -> Result<ReportTo> {
        Ok(match path {
            None => ReportTo::Nowhere,
            Some(path) if path == Path::new("-") => ReportTo::StandardOutput,
            Some(path) => ReportTo::File(
                AtomicFile::create_with_folder(path).with_context(|| cannot_write(path))?,
            ),
        })
    }

    fn write(self, report: &ReportJson<'_>) -> Result<()> {
        match self {
            ReportTo::Nowhere => Ok(()),
            ReportTo::StandardOutput => nebulk_emit::write_json_to(io::stdout().lock(), report)
                .context("writing the report to standard output"),
            ReportTo::File(file) => {
                let path = file.target().to_path_buf();
                nebulk_emit::write_json_into(file, report).with_context(|| cannot_write(&path))
            }
        }
    }
}

fn cannot_write(path: &Path) -> String {
    format!("cannot write the report {}", path.display())
}
