//! Options shared by `validate` and `convert`, and the run both of them make.

use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use nebulk_read::{CsvOptions, CsvSource};
use nebulk_schema::Schema;
use nebulk_validate::{rules::DateRule, Chunking, ColumnPlan, Ledger, Report, RuleConfig, Sink};
use serde::Serialize;

/// Inputs at least this large get a progress bar (when stderr is a terminal).
const PROGRESS_MIN_BYTES: u64 = 32 << 20;

/// How to read the input and which rules to apply.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// The accounts CSV to check (`-` reads standard input).
    pub input: PathBuf,

    /// The source's schema: its template CSV (header row) or its schema-attributes JSON array,
    /// told apart by content. Without it, the 8 system attributes alone.
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,

    /// A CSV export of the accounts already in the source (its accountName column); new
    /// accounts count toward the limit together with these.
    #[arg(long, value_name = "FILE")]
    pub existing: Option<PathBuf>,

    /// The input's field delimiter (one byte; `\t` or `tab` for tab). Sniffed among , ; tab |
    /// from the header when left out.
    #[arg(long, short = 'd', value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,

    /// Also accept dates in this chrono strftime layout, e.g. `%d/%m/%Y` (ISO 8601 is always
    /// accepted; other layouts are never guessed).
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,

    /// The longest value accepted, in characters.
    #[arg(long, value_name = "N", default_value_t = nebulk_validate::rules::DEFAULT_MAX_VALUE_LEN)]
    pub max_value_length: usize,

    /// The most accounts the source may hold.
    #[arg(long, value_name = "N", default_value_t = nebulk_validate::MAX_ACCOUNTS)]
    pub max_accounts: u64,

    /// The most findings kept in the report.
    #[arg(long, value_name = "N", default_value_t = nebulk_validate::DEFAULT_MAX_FINDINGS)]
    pub max_findings: usize,

    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

fn parse_delimiter(value: &str) -> Result<u8, String> {
    match value {
        "\\t" | "tab" | "\t" => Ok(b'\t'),
        v if v.len() == 1 && v.is_ascii() => Ok(v.as_bytes()[0]),
        v => Err(format!("`{v}` is not a single ASCII character")),
    }
}

/// The input as a name for messages and a reader.
pub struct Input {
    /// How to name the input in messages.
    pub name: String,
    /// Its size, when known.
    pub len: Option<u64>,
    reader: Box<dyn Read + Send>,
}

impl Input {
    /// Opens a file, or standard input for `-`.
    pub fn open(path: &Path) -> Result<Input> {
        if path.as_os_str() == "-" {
            return Ok(Input {
                name: "<stdin>".into(),
                len: None,
                reader: Box::new(io::stdin()),
            });
        }
        let name = path.display().to_string();
        if path.is_dir() {
            bail!("{name}: is a folder, not a file");
        }
        let file = File::open(path).with_context(|| format!("cannot open {name}"))?;
        let len = file.metadata().ok().map(|m| m.len());
        Ok(Input {
            name,
            len,
            reader: Box::new(io::BufReader::with_capacity(256 * 1024, file)),
        })
    }
}

/// Everything prepared for a run: the input positioned after its header, the plan and the
/// ledger.
pub struct Prepared {
    pub input_name: String,
    pub input_len: Option<u64>,
    pub source: CsvSource<Box<dyn Read + Send>>,
    pub plan: ColumnPlan,
    pub ledger: Ledger,
}

impl CheckArgs {
    /// Reads the schema, the existing accounts and the input header, and matches them up.
    pub fn prepare(&self) -> Result<Prepared> {
        let schema = match &self.schema {
            Some(path) => {
                let bytes = std::fs::read(path)
                    .with_context(|| format!("cannot read the schema {}", path.display()))?;
                Schema::from_bytes(&bytes).with_context(|| format!("{}", path.display()))?
            }
            None => Schema::system(),
        };
        let mut ledger = Ledger::new(self.max_accounts);
        if let Some(path) = &self.existing {
            let export = Input::open(path)?;
            let source = CsvSource::new(export.reader, CsvOptions::default())
                .with_context(|| export.name.clone())?;
            ledger
                .load_existing(source)
                .with_context(|| export.name.clone())?;
        }
        let input = Input::open(&self.input)?;
        let options = CsvOptions {
            delimiter: self.delimiter,
        };
        let source = CsvSource::new(input.reader, options).with_context(|| input.name.clone())?;
        let rules = RuleConfig {
            dates: self
                .date_format
                .as_deref()
                .map_or_else(DateRule::iso, DateRule::with_format),
            max_value_len: self.max_value_length,
        };
        let plan =
            ColumnPlan::new(schema, source.header(), rules).with_context(|| input.name.clone())?;
        Ok(Prepared {
            input_name: input.name,
            input_len: input.len,
            source,
            plan,
            ledger,
        })
    }
}

impl Prepared {
    /// Runs every row into `sink`, with a progress bar for large inputs on a terminal.
    pub fn run<S: Sink>(
        mut self,
        sink: &mut S,
        max_findings: usize,
    ) -> Result<(Report, ReportHeader)> {
        let progress = progress_bar(self.input_len);
        let header = ReportHeader {
            input: self.input_name.clone(),
            delimiter: (self.source.delimiter() as char).to_string(),
            schema: self.plan.schema().headers().map(String::from).collect(),
        };
        let report = nebulk_validate::run(
            self.source,
            &self.plan,
            &mut self.ledger,
            sink,
            Chunking::default(),
            max_findings,
            |bytes| progress.set_position(bytes),
        )
        .with_context(|| self.input_name.clone())?;
        progress.finish_and_clear();
        Ok((report, header))
    }
}

/// What `report.json` says about the run besides the [`Report`].
#[derive(Debug, Clone, Serialize)]
pub struct ReportHeader {
    /// The input as named on the command line.
    pub input: String,
    /// The delimiter used.
    pub delimiter: String,
    /// The upload file's columns.
    pub schema: Vec<String>,
}

/// The whole `report.json`.
#[derive(Debug, Serialize)]
pub struct ReportFile<'a> {
    /// nebulk's version.
    pub nebulk: &'static str,
    #[serde(flatten)]
    pub header: &'a ReportHeader,
    #[serde(flatten)]
    pub report: &'a Report,
}

impl<'a> ReportFile<'a> {
    pub fn new(header: &'a ReportHeader, report: &'a Report) -> ReportFile<'a> {
        ReportFile {
            nebulk: env!("CARGO_PKG_VERSION"),
            header,
            report,
        }
    }
}

fn progress_bar(len: Option<u64>) -> ProgressBar {
    match len {
        Some(len) if len >= PROGRESS_MIN_BYTES && io::stderr().is_terminal() => {
            let bar = ProgressBar::new(len);
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        }
        _ => ProgressBar::hidden(),
    }
}
