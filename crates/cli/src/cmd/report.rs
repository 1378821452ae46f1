//! `nebulk report REPORT.json`: renders an earlier run's report again, as HTML, Markdown or
//! text, from the report.json the run wrote.

use std::io::{Read, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args as ClapArgs;
use nebulk_report::{ReportDoc, RunFacts};

use crate::Outcome;

/// Render an earlier report.json as HTML, Markdown or text
///
/// The HTML is the page convert writes as report.html (without the run's time and command
/// line, which report.json does not keep); the Markdown is what --summary markdown prints.
#[derive(Debug, ClapArgs)]
#[command(after_help = "Examples:
  nebulk report out/report.json --format html --out report.html
  nebulk report out/report.json --format markdown >> \"$GITHUB_STEP_SUMMARY\"
  nebulk report out/report.json")]
pub struct Args {
    /// The report.json of a run (`-`: standard input).
    report: PathBuf,

    /// The form to render.
    #[arg(long, value_enum, default_value = "text")]
    format: Form,

    /// Write here instead of standard output (atomically; a link's target is replaced).
    #[arg(long, short = 'o', value_name = "FILE")]
    out: Option<PathBuf>,
}

/// What `report` renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Form {
    /// One self-contained HTML page.
    Html,
    /// A Markdown summary, for a CI job page.
    Markdown,
    /// Plain text.
    Text,
}

pub fn run(args: Args) -> Result<Outcome> {
    let name = args.report.display().to_string();
    let mut text = String::new();
    if name == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the report from standard input")?;
    } else {
        text = std::fs::read_to_string(&args.report)
            .with_context(|| format!("cannot read the report {name}"))?;
    }
    let doc = ReportDoc::from_json(&text)
        .with_context(|| format!("{name} is not a report.json of nebulk"))?;
    let rendered = match args.format {
        Form::Html => nebulk_report::html(&doc, &RunFacts::default()),
        Form::Markdown => nebulk_report::markdown(&doc),
        Form::Text => nebulk_report::text(&doc),
    };
    match &args.out {
        Some(path) => {
            let mut file = nebulk_emit::AtomicFile::create_with_folder(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            file.write_all(rendered.as_bytes())
                .and_then(|()| file.commit())
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => crate::stdout::print(rendered.as_bytes())?,
    }
    Ok(Outcome::AllValid)
}
