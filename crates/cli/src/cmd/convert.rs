//! `nebulk convert`: checks and writes the upload, rejects and report files.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args as ClapArgs;
use nebulk_emit::{FileSink, Outputs};

use crate::options::{run_facts, CheckArgs, SummaryForm};
use crate::summary::print_markdown;
use crate::tables::TableFormat;
use crate::{summary, Outcome};

/// Check accounts (CSV, spreadsheet, Xtracta/srv XML, NERM JSON) and write upload, rejects
/// and report files
///
/// Reads every kind nebulk knows: CSV files or a folder of them, spreadsheets (xlsx, xlsm,
/// xlsb, xls, ods), Xtracta Get User and srv.asmx GetUsersWorkflowRoles XML, NERM users and
/// workflow-session JSON pages (told from the content, or named with --from).
///
/// Writes into OUT: `upload.csv` (the valid rows, the schema's columns in schema order, headed
/// as the schema spells them, values trimmed, dates as RFC 3339 `2026-03-24T00:00:00+00:00`,
/// midnight in --timezone when given; phones in E.164 under --phone-format e164),
/// `rejects.csv` (line, codes, messages and the original fields of every rejected row),
/// `overflow.csv` (valid new accounts no source has room for, as in upload.csv),
/// `findings.csv` (every finding: file, line, column, field, code, severity, value, message;
/// never capped), `report.html` (the report for people: one page that opens offline) and
/// `report.json`. With several sources (--existing, --new-source), one `upload-NAME.csv` per
/// source that gets rows instead of upload.csv; with --existing, `changes.csv` (source,
/// accountName, attribute, old, new) and `absent.csv` (the exports' accounts no row names); with
/// --skip-unchanged, `unchanged.csv`. Each file is written to a temporary file, and all are
/// renamed into place together when the run completes, report.json last: when report.json is there, the files
/// beside it are complete and from the same run. An interrupted run (Ctrl-C, SIGTERM, SIGHUP)
/// removes its temporary files, leaves files from an earlier run as they were and exits 128 +
/// the signal's number (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP); temporary files left
/// by a killed run are removed by the next run into OUT. An output that is a symbolic link has
/// the file it leads to replaced (the link stays); one that is a device or FIFO is written
/// through, not atomically. Every input row ends in exactly one of the upload files,
/// overflow.csv, unchanged.csv and rejects.csv. Exits 0 when every row is valid and placed, 1
/// when some are rejected or overflow, 2 on a fatal problem.
///
/// With --format parquet or ipc (a nebulk built with the `polars` feature), the upload
/// files, overflow, unchanged, rejects and findings are written as typed tables
/// (`upload.parquet`, ... or `upload.arrow`, ...): dates as UTC date-times, line and column
/// numbers as integers, a reject's codes as a list. upload.csv is written too (the platform
/// takes CSV); the other CSV files are not.
#[derive(Debug, ClapArgs)]
#[command(after_help = "Examples:
  nebulk convert accounts.csv --out out/
  nebulk convert accounts.csv --schema template.csv --existing export.csv --out out/
  nebulk convert everyone.csv --existing exports/ --new-source spare --skip-unchanged --out out/
  nebulk convert accounts.tsv --delimiter tab --date-format '%d.%m.%Y' --out out/
  nebulk convert export.csv --encoding windows-1252 --header-row 3 --out out/
  cat users.json | nebulk convert - --status Active --out out/
  nebulk convert accounts.csv --timezone America/Chicago --phone-format e164 --phone-region US --out out/
  nebulk convert accounts.parquet --format parquet --out out/   (built with --features polars)")]
pub struct Args {
    #[command(flatten)]
    check: CheckArgs,

    /// The folder to write the upload file(s), overflow.csv, rejects.csv, report.json and the
    /// diff's files into (created if missing).
    #[arg(long, short = 'o', value_name = "DIR")]
    out: PathBuf,

    /// The format of the data files: `csv` (the default), or typed tables, `parquet` or `ipc`
    /// (Arrow IPC), for data pipelines: the upload, overflow, unchanged, rejects and findings
    /// files in that format (upload.csv is written too). Needs a nebulk built with the
    /// `polars` feature.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = TableFormat::Csv)]
    format: TableFormat,
}

/// Runs `convert`.
pub fn run(args: Args) -> Result<Outcome> {
    let started = std::time::Instant::now();
    args.format.check()?;
    let check_run = args.check.prepare(true)?;
    let tenant = std::sync::Arc::clone(check_run.ledger.tenant());
    let sources: Vec<String> = tenant.sources().iter().map(|s| s.name.clone()).collect();
    let input_header = check_run.plan.header().to_vec();
    // The upload's date columns, typed as date-times in a table format.
    let date_columns: Vec<String> = check_run
        .plan
        .schema()
        .attributes()
        .iter()
        .filter(|a| a.kind == nebulk_schema::AttrType::Date)
        .map(|a| a.header.clone())
        .collect();
    let outputs = Outputs {
        input_header: &input_header,
        with_file: check_run.info.files > 1,
        sources: &sources,
        diff: !args.check.existing.is_empty(),
        skip_unchanged: args.check.skip_unchanged,
    };
    let mut sink = FileSink::create(&args.out, check_run.plan.schema(), &outputs)?;
    let mut done = check_run.run(&mut sink, args.check.max_findings)?;
    for (index, source) in done.report.sources.iter_mut().enumerate() {
        source.file = sink.upload_file(index);
    }
    if outputs.diff {
        // The upload files are complete: on to the disk while the exports are read again.
        sink.sync_run_files()?;
        let options = args.check.source.text_options();
        crate::sources::write_diff(&done.exports, &done.ledger, options, &mut sink)?;
        done.report.changes_by_attribute = sink.changes_by_attribute().clone();
    }
    // The ledger is done with: freed on a thread of its own while the files are synced and
    // renamed. Each changed account's values are an allocation, and freeing 178,538 of them
    // took 60 ms at the end of the 50-export benchmark.
    let ledger = std::mem::replace(&mut done.ledger, nebulk_validate::Ledger::new(0));
    let freeing = std::thread::spawn(move || drop(ledger));
    let report_json = done.report_json();
    let facts = run_facts(started);
    finish(
        sink,
        &report_json,
        &facts,
        args.format,
        &args.out,
        &date_columns,
    )?;
    let _ = freeing.join();
    if args.check.summary == SummaryForm::Markdown {
        print_markdown(&report_json)?;
    }
    let report = &done.report;
    if !args.check.quiet && args.check.summary == SummaryForm::Text {
        let details = summary::Details::InReport;
        anstream::eprint!("{}", summary::render(&done.input, report, details));
        let tables = args.format.extension();
        anstream::eprintln!(
            "{}",
            summary::files_written(&args.out, report, &outputs, tables)
        );
    }
    Ok(Outcome::of(report))
}

/// Completes the files: as CSV, or with the data files re-encoded in a table format.
#[cfg(feature = "polars")]
fn finish(
    sink: FileSink,
    report: &nebulk_emit::ReportJson<'_>,
    facts: &nebulk_emit::RunFacts,
    format: TableFormat,
    out: &std::path::Path,
    date_columns: &[String],
) -> Result<()> {
    if format == TableFormat::Csv {
        return Ok(sink.finish_with_report(report, facts)?);
    }
    sink.finish_with_report_converting(report, facts, |name, csv| {
        crate::tables::convert(format, out, date_columns, name, csv)
    })?;
    Ok(())
}

/// Completes the files as CSV (a table format was refused before the run).
#[cfg(not(feature = "polars"))]
fn finish(
    sink: FileSink,
    report: &nebulk_emit::ReportJson<'_>,
    facts: &nebulk_emit::RunFacts,
    _format: TableFormat,
    _out: &std::path::Path,
    _date_columns: &[String],
) -> Result<()> {
    Ok(sink.finish_with_report(report, facts)?)
}
