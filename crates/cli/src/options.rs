//! Options shared by `validate` and `convert`, and the run both of them make.

use std::io::{self, IsTerminal, Read};
use std::num::{IntErrorKind, ParseIntError};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use nebulk_emit::{InputSummary, ReportJson};
use nebulk_map::SourceCounts;
use nebulk_read::date::DateLayout;
use nebulk_read::{Encoding, ReadError, RowSource, TextReader};
use nebulk_schema::Schema;
use nebulk_sheet::DateTimes;
use nebulk_validate::rules::{DateRule, Identities, PhoneRegion, PhoneRule, Tz};
use nebulk_validate::{
    ColumnPlan, Engine, EngineError, Fill, FormulaPolicy, Ledger, PlanError, Report, RuleConfig,
    Sink,
};

use crate::input::{SchemaRows, SourceArgs};
use crate::sources::{export_specs, ExportSpec, TenantSpec};

/// Inputs at least this large get a progress bar (when stderr is a terminal).
const PROGRESS_MIN_BYTES: u64 = 32 << 20;

/// Where the input comes from and which rules to apply.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    /// The source's schema: its template CSV (header row) or its schema-attributes JSON array,
    /// told apart by content. Without it, the 8 system attributes alone.
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,

    /// A source's current accounts, as the platform exports them (CSV or spreadsheet, its
    /// accountName column and the attributes it has): `NAME=FILE`, `FILE` (the source named by
    /// the file stem) or a folder of exports (each a source). Repeatable: the sources fill in
    /// the order given. A row of an exported account updates that source (changes.csv lists
    /// what changes); new accounts fill the sources up to --max-accounts each.
    #[arg(long, value_name = "[NAME=]FILE|FOLDER")]
    pub existing: Vec<String>,

    /// Adds an empty source to fill with new accounts, after the --existing ones (repeatable).
    #[arg(long, value_name = "NAME")]
    pub new_source: Vec<String>,

    /// How new accounts are spread over the sources: `in-order` (each filled to the limit
    /// before the next) or `balanced` (each to the source holding the fewest accounts).
    #[arg(long, value_name = "HOW", value_enum, default_value_t = FillArg::InOrder)]
    pub fill: FillArg,

    /// Set rows that leave an exported account as it is aside in unchanged.csv instead of
    /// uploading them (needs --existing).
    #[arg(long)]
    pub skip_unchanged: bool,

    /// The identities the platform knows: an identities export (CSV or spreadsheet, the
    /// account name in its accountName, name or uid column, the first found; a displayName
    /// column helps the messages) or NERM users JSON pages (login, name). A manager must be
    /// one of their account names, compared ignoring case, or the row is rejected
    /// `unknown-manager`, with the account name of a display name or the closest account names.
    #[arg(long, value_name = "FILE")]
    pub identities: Option<PathBuf>,

    /// The column of --identities that holds the account names (instead of the first of
    /// accountName, name, uid).
    #[arg(long, value_name = "NAME", requires = "identities")]
    pub identities_column: Option<String>,

    /// Also accept dates in this chrono strftime layout, e.g. `%d/%m/%Y` (ISO 8601 is always
    /// accepted; other layouts are never guessed). A layout chrono cannot read (`%Q`) or that
    /// cannot describe a date (`%H:%M`) is refused before any row is read.
    #[arg(long, value_name = "FORMAT", value_parser = parse_date_format)]
    pub date_format: Option<DateLayout>,

    /// Read dates without a time (as their midnight), date-times without a UTC offset, and
    /// spreadsheet date-times in this IANA time zone, e.g. `America/Chicago` (default: dates
    /// are midnight UTC, and a date-time needs its offset). A time the zone skips or has
    /// twice (daylight saving) is an `invalid-date`, never guessed.
    #[arg(long, value_name = "ZONE", value_parser = parse_time_zone)]
    pub timezone: Option<Tz>,

    /// How phone numbers are checked: `plain` (the default: +, digits and separators, 7 to 15
    /// digits; uploaded as given) or `e164` (a valid number of its country's numbering plan,
    /// by libphonenumber's metadata; uploaded as E.164, `+15125550100`).
    #[arg(long, value_name = "FORMAT", value_enum)]
    pub phone_format: Option<PhoneFormat>,

    /// With `--phone-format e164`: the country (ISO 3166 alpha-2, e.g. `US`) whose plan reads
    /// numbers without a leading `+`. Without it every number needs `+` and its country code.
    #[arg(long, value_name = "CC", value_parser = parse_phone_region)]
    pub phone_region: Option<PhoneRegion>,

    /// The longest value accepted, in characters (at least 1).
    #[arg(long, value_name = "N", default_value_t = nebulk_validate::rules::DEFAULT_MAX_VALUE_LEN,
          value_parser = at_least_one::<usize>("0 would reject every value that is not empty"))]
    pub max_value_length: usize,

    /// The most accounts a source may hold (at least 1); valid new accounts past it in every
    /// source go to overflow.csv.
    #[arg(long, value_name = "N", default_value_t = nebulk_validate::MAX_ACCOUNTS,
          value_parser = at_least_one::<u64>("0 would reject every new account"))]
    pub max_accounts: u64,

    /// The most findings, and the most file-level warnings, kept in the report (at least 1).
    #[arg(long, value_name = "N", default_value_t = nebulk_validate::DEFAULT_MAX_FINDINGS,
          value_parser = at_least_one::<usize>("0 would keep no finding to show"))]
    pub max_findings: usize,

    /// Reject rows with a value that looks like a spreadsheet formula (`formula-injection`
    /// is then an error, not a warning).
    #[arg(long)]
    pub strict: bool,

    /// Upload values that look like spreadsheet formulas behind a `'`, which spreadsheets read
    /// as "text follows" (they stay warnings).
    #[arg(long, alias = "neutralize-formulas", conflicts_with = "strict")]
    pub neutralise_formulas: bool,

    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// The summary's form: `text` on standard error (the default), or `markdown` on standard
    /// output, for a CI job summary (`>> "$GITHUB_STEP_SUMMARY"`); -q leaves the Markdown.
    #[arg(long, value_enum, value_name = "FORM", default_value = "text")]
    pub summary: SummaryForm,
}

/// The summary's form (`--summary`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryForm {
    /// Plain text on standard error.
    Text,
    /// Markdown on standard output.
    Markdown,
}

/// What the HTML report tells of a run that report.json does not keep: how long it took and
/// its command line.
pub fn run_facts(started: std::time::Instant) -> nebulk_emit::RunFacts {
    let arguments: Vec<String> = std::env::args()
        .map(|arg| {
            if !arg.is_empty()
                && arg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c))
            {
                arg
            } else {
                format!("'{}'", arg.replace('\'', r"'\''"))
            }
        })
        .collect();
    nebulk_emit::RunFacts {
        elapsed: Some(format!("{:.2} s", started.elapsed().as_secs_f64())),
        command_line: Some(arguments.join(" ")),
    }
}

/// A parser for a count that must be at least 1; `zero` says what 0 would do. Such options
/// are refused by clap (exit 2) before any file is opened.
fn at_least_one<T: TryFrom<u64>>(
    zero: &'static str,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static {
    move |value: &str| {
        let count: u64 = value
            .trim()
            .parse()
            .map_err(|e: ParseIntError| match e.kind() {
                IntErrorKind::PosOverflow => format!("`{value}` is too large"),
                _ => format!("`{value}` is not a whole number"),
            })?;
        if count == 0 {
            return Err(format!("must be at least 1 ({zero})"));
        }
        T::try_from(count).map_err(|_| format!("{count} is too large"))
    }
}

/// The values of `--fill`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FillArg {
    /// Each source filled to the limit before the next.
    InOrder,
    /// Each new account to the source holding the fewest.
    Balanced,
}

/// A run of the checks, ready to go: the rows to check, the plan and the ledger.
pub struct CheckRun {
    pub info: InputSummary,
    pub input_len: Option<u64>,
    pub source: Box<dyn RowSource>,
    pub plan: ColumnPlan,
    pub ledger: Ledger,
    counts: Option<Arc<SourceCounts>>,
    /// The exports read into the ledger's tenant, to read again for the diff.
    pub exports: Vec<ExportSpec>,
}

/// Reads a schema file, or gives the 8 system attributes. A template in another encoding than
/// UTF-8 (a UTF-16 byte order mark, or `encoding`) is decoded, as inputs are.
pub fn load_schema(path: Option<&Path>, encoding: Option<&'static Encoding>) -> Result<Schema> {
    match path {
        Some(path) => {
            let cannot_read = || format!("cannot read the schema {}", path.display());
            let file = std::fs::File::open(path).with_context(cannot_read)?;
            let mut text = TextReader::sniff(file, encoding).with_context(cannot_read)?;
            let mut bytes = Vec::new();
            text.read_to_end(&mut bytes).with_context(cannot_read)?;
            Ok(Schema::from_bytes(&bytes).with_context(|| path.display().to_string())?)
        }
        None => Ok(Schema::system()),
    }
}

impl CheckArgs {
    /// Reads the schema and the existing accounts, opens the input, and matches them up. With
    /// `writes_diff`, the values of rows that change an exported account are kept, for
    /// `changes.csv` (`convert`); otherwise only counted (`validate`).
    pub fn prepare(&self, writes_diff: bool) -> Result<CheckRun> {
        let dates = self.date_rule();
        // Under --timezone, zone-less date-times are passed on as read, for the date rule.
        let date_times = if self.timezone.is_some() {
            DateTimes::Local
        } else {
            DateTimes::Utc
        };
        let phones = self.phone_rule()?;
        let schema = load_schema(self.schema.as_deref(), self.source.encoding)?;
        if self.skip_unchanged && self.existing.is_empty() {
            bail!("--skip-unchanged sets aside rows equal to their account in an export: give the exports with --existing");
        }
        let mut exports = export_specs(&self.existing)?;
        let tenant = TenantSpec {
            exports: &mut exports,
            new_sources: &self.new_source,
            limit: self.max_accounts,
            keep_changed_values: writes_diff,
        }
        .load(&schema, dates.clone(), self.source.text_options())?;
        let mut ledger = Ledger::for_tenant(Arc::new(tenant))
            .fill(match self.fill {
                FillArg::InOrder => Fill::InOrder,
                FillArg::Balanced => Fill::Balanced,
            })
            .skip_unchanged(self.skip_unchanged);
        let identities = match &self.identities {
            Some(path) => Some(Arc::new(self.load_identities(path)?)),
            None => None,
        };
        let SchemaRows {
            source,
            info,
            len: input_len,
            counts,
        } = self.source.rows(&schema, date_times)?;
        if let Some(len) = input_len {
            ledger.expect_input_bytes(len);
        }
        let rules = RuleConfig {
            dates,
            phones,
            max_value_len: self.max_value_length,
            formulas: if self.strict {
                FormulaPolicy::Reject
            } else if self.neutralise_formulas {
                FormulaPolicy::Neutralise
            } else {
                FormulaPolicy::Warn
            },
            identities,
        };
        // A header none of whose cells names an attribute is most likely a first data row.
        let no_header = !source
            .header()
            .iter()
            .any(|cell| schema.find(cell).is_some());
        let plan = ColumnPlan::new(schema, source.header(), rules).map_err(|e| match &e {
            // A table's column names are its schema's (line 0): it has no header row to lack.
            PlanError::MissingColumns { .. } if no_header && source.header_line() > 0 => {
                anyhow::anyhow!(
                    "{}: {e}; none of these names an attribute of the schema: does the file \
                     lack its header row? (line {} is read as the header)",
                    info.input,
                    source.header_line()
                )
            }
            PlanError::MissingColumns { attributes, .. } => anyhow::anyhow!(
                "{}: {e}; {}",
                info.input,
                how_to_fill(attributes.first().map_or("ATTR", String::as_str))
            ),
            _ => anyhow::Error::new(e).context(info.input.clone()),
        })?;
        Ok(CheckRun {
            info,
            input_len,
            source,
            plan,
            ledger,
            counts,
            exports,
        })
    }
}

/// Where to go when attributes have no column: `nebulk map`, `--map` and `--set`, the latter
/// shown for `attribute`.
fn how_to_fill(attribute: &str) -> String {
    let set = format!("{attribute}=VALUE");
    let set = if set.contains(char::is_whitespace) {
        format!("'{set}'")
    } else {
        set
    };
    format!(
        "`nebulk map` (with the same input and --schema) shows the input's fields and how each \
         attribute is filled; fill an attribute from a column of another name with --map FILE, \
         or with one value for every row with --set {set}"
    )
}

impl CheckArgs {
    /// Reads `--identities`; a file without any is an error (every manager would be unknown).
    fn load_identities(&self, path: &Path) -> Result<Identities> {
        let mut identities = Identities::default();
        nebulk_formats::read_identities(
            path,
            self.identities_column.as_deref(),
            self.source.text_options(),
            |account, display| identities.add(account, display),
        )?;
        if identities.is_empty() {
            bail!(
                "{}: no identity: every manager would be unknown (is it the identities export?)",
                path.display()
            );
        }
        Ok(identities)
    }

    /// The date rule of `--date-format` and `--timezone`.
    fn date_rule(&self) -> DateRule {
        let rule = match &self.date_format {
            Some(layout) => DateRule::with_layout(layout.clone()),
            None => DateRule::iso(),
        };
        match self.timezone {
            Some(zone) => rule.in_zone(zone),
            None => rule,
        }
    }

    /// The phone rule of `--phone-format` and `--phone-region`.
    fn phone_rule(&self) -> Result<PhoneRule> {
        match (self.phone_format, self.phone_region) {
            (Some(PhoneFormat::E164), region) => Ok(PhoneRule::E164 { region }),
            (_, Some(_)) => bail!("--phone-region applies with --phone-format e164"),
            (Some(PhoneFormat::Plain) | None, None) => Ok(PhoneRule::Plain),
        }
    }
}

/// The values of `--phone-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PhoneFormat {
    /// +, digits and separators, 7 to 15 digits; uploaded as given.
    Plain,
    /// A valid number of its country's plan; uploaded as E.164.
    E164,
}

fn parse_date_format(value: &str) -> Result<DateLayout, String> {
    DateLayout::new(value).map_err(|e| e.to_string())
}

fn parse_time_zone(value: &str) -> Result<Tz, String> {
    nebulk_validate::rules::time_zone(value).map_err(|e| e.to_string())
}

fn parse_phone_region(value: &str) -> Result<PhoneRegion, String> {
    PhoneRegion::new(value).map_err(|e| e.to_string())
}

impl CheckRun {
    /// Runs every row into `sink`, keeping `max_findings` findings, with a progress bar for
    /// large inputs on a terminal. A `--status` filter that kept no record of an input with
    /// records is an error.
    pub fn run<S: Sink + Send>(
        mut self,
        sink: &mut S,
        max_findings: usize,
    ) -> Result<CompletedRun> {
        let progress = progress_bar(self.input_len);
        let report = Engine::new(&self.plan)
            .max_findings(max_findings)
            .on_progress(|bytes| progress.set_position(bytes))
            .run(self.source, &mut self.ledger, sink)
            .map_err(|e| match e {
                // An error in one of several files names that file already.
                EngineError::Read(ReadError::InFile { .. }) => anyhow::Error::new(e),
                other => anyhow::Error::new(other).context(self.info.input.clone()),
            })?;
        progress.finish_and_clear();
        if let Some(counts) = &self.counts {
            // Known only at the end of the stream; an error here keeps every output unwritten.
            counts
                .check_kept()
                .with_context(|| self.info.input.clone())?;
        }
        let mut input = self.info;
        input.records_filtered = self.counts.map(|c| c.filtered());
        Ok(CompletedRun {
            input,
            schema: self.plan.into_schema(),
            report,
            ledger: self.ledger,
            exports: self.exports,
        })
    }
}

/// A run that went to the end: what it read and what it found, the parts of `report.json`.
pub struct CompletedRun {
    /// The input.
    pub input: InputSummary,
    /// The schema the rows were checked against: the upload file's columns.
    pub schema: Schema,
    /// What the run found.
    pub report: Report,
    /// Where the rows went: the sources, and the exports' accounts no row named.
    pub ledger: Ledger,
    /// The exports, to read again for the diff.
    pub exports: Vec<ExportSpec>,
}

impl CompletedRun {
    /// The whole `report.json` of the run.
    pub fn report_json(&self) -> ReportJson<'_> {
        ReportJson::new(&self.input, &self.schema, &self.report)
            .with_options(crate::recorded::options())
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

#[cfg(test)]
mod tests {
    use super::how_to_fill;

    #[test]
    fn the_set_example_is_quoted_when_the_attribute_has_a_space() {
        // Issue 9: the hint for missing columns shows --set for the first of them.
        assert!(how_to_fill("phone").ends_with("--set phone=VALUE"));
        assert!(how_to_fill("Cost Center").ends_with("--set 'Cost Center=VALUE'"));
    }
}
