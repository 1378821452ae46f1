//! `nebulk gen`: synthetic accounts with known faults, for tests and benchmarks.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args as ClapArgs;
use nebulk_emit::AtomicFile;
use nebulk_gen::{GenConfig, HEADER};

use crate::Outcome;

/// Generate a synthetic accounts CSV with injected faults and a truth file counting them.
///
/// The file has the 8 system attributes and 10 custom ones, realistic names (non-ASCII
/// included) and fields with commas, quotes and newlines. Each row is faulty with probability
/// ERROR_RATE, with exactly one fault of one class (missing-value, invalid-email, invalid-phone,
/// invalid-date, end-before-start, duplicate-account, malformed-row, invalid-encoding,
/// value-too-long, and with --identities unknown-manager); clean rows past --max-accounts count
/// as overflow. With --exports and --sources, the exports of the tenant's sources are written
/// too (accounts the file updates, leaves unchanged, or does not name), and the truth counts
/// per source. The same seed gives the same bytes.
///
/// Every output is started before the first row is written, so a path that cannot be written
/// is refused first. Files are written atomically (a symbolic link's target is replaced, the
/// link stays); a device or FIFO (`/dev/stdout`) is written through.
#[derive(Debug, ClapArgs)]
#[command(after_help = "Examples:
  nebulk gen --rows 1000 --out accounts.csv --truth truth.json --template template.csv
  nebulk gen --rows 1000000 --seed 7 --error-rate 0.01 --out big.csv
  nebulk gen --rows 1000 --out accounts.csv --identities identities.csv --truth truth.json
  nebulk gen --rows 3000 --out accounts.csv --exports exports --sources 3 --truth truth.json
  nebulk gen --rows 1000 | head -5")]
pub struct Args {
    /// How many data rows.
    #[arg(long, value_name = "N")]
    rows: u64,

    /// The random seed.
    #[arg(long, value_name = "S", default_value_t = 42)]
    seed: u64,

    /// The share of rows with a fault, from 0 to 1.
    #[arg(long, value_name = "R", default_value_t = 0.01)]
    error_rate: f64,

    /// The account limit the truth assumes (as `convert --max-accounts`).
    #[arg(long, value_name = "N", default_value_t = nebulk_validate::MAX_ACCOUNTS)]
    max_accounts: u64,

    /// Write the CSV here instead of standard output (`-`: standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    out: Option<PathBuf>,

    /// Write the truth (counts per code) as JSON here.
    #[arg(long, value_name = "FILE")]
    truth: Option<PathBuf>,

    /// Write the matching schema template (the header row) here.
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,

    /// Write the identities the managers name here (`uid,displayName`, for `convert
    /// --identities`), and let faulty rows carry an unknown manager (a display name, or an id
    /// with a typo). Without it no row has that fault.
    #[arg(long, value_name = "FILE")]
    identities: Option<PathBuf>,

    /// Write the exports of the tenant's sources into this folder (created when needed):
    /// `source-01.csv` .. one per source of --sources, as the platform exports them, for
    /// `convert --existing DIR`. The truth then counts per source. The accounts file stays the
    /// same bytes as without exports.
    #[arg(long, value_name = "DIR", requires = "sources")]
    exports: Option<PathBuf>,

    /// How many sources have an export in --exports, from 1 to 50.
    #[arg(long, value_name = "N", requires = "exports")]
    sources: Option<u32>,

    /// The share of clean rows whose account is already in an export, from 0 to 1 [default: 0.6].
    #[arg(long, value_name = "R", requires = "exports")]
    in_exports: Option<f64>,

    /// The share of those whose export row differs in one or two attributes (an update), from 0
    /// to 1 [default: 0.2]; the others are unchanged.
    #[arg(long, value_name = "R", requires = "exports")]
    changed: Option<f64>,

    /// Extra accounts only the exports hold (absent from the file), as a share of the accounts
    /// put in exports, from 0 to 1 [default: 0.05].
    #[arg(long, value_name = "R", requires = "exports")]
    absent: Option<f64>,
}

/// Runs `gen`.
pub fn run(args: Args) -> Result<Outcome> {
    // Refused before any output starts, in the option's own words.
    if !(0.0..=1.0).contains(&args.error_rate) {
        bail!(
            "--error-rate must be between 0 and 1, got {}",
            args.error_rate
        );
    }
    let exports = export_config(&args)?;
    let config = GenConfig {
        rows: args.rows,
        seed: args.seed,
        error_rate: args.error_rate,
        max_accounts: args.max_accounts,
        identities: args.identities.is_some(),
        exports,
    };
    let out = args.out.as_deref().filter(|path| *path != Path::new("-"));
    let out = out.map(AtomicFile::create).transpose()?;
    let truth_file = args
        .truth
        .as_deref()
        .map(AtomicFile::create_with_folder)
        .transpose()?;
    let template = args
        .template
        .as_deref()
        .map(AtomicFile::create)
        .transpose()?;
    let identities = args
        .identities
        .as_deref()
        .map(AtomicFile::create)
        .transpose()?;
    let mut exports = match &args.exports {
        Some(dir) => start_exports(dir, config.exports.sources)?,
        None => Vec::new(),
    };

    let truth = match out {
        Some(file) => {
            let target = file.target().to_path_buf();
            let written = || format!("cannot write {}", target.display());
            let mut file = io::BufWriter::new(file);
            let truth = nebulk_gen::generate_with_exports(&config, &mut file, &mut exports)
                .with_context(written)?;
            file.into_inner()
                .map_err(|e| e.into_error())
                .with_context(written)?
                .commit()?;
            truth
        }
        None => nebulk_gen::generate_with_exports(&config, io::stdout().lock(), &mut exports)
            .context("writing to standard output")?,
    };
    if !exports.is_empty() {
        nebulk_emit::commit_all(exports)?;
    }
    if let Some(file) = truth_file {
        nebulk_emit::write_json_into(file, &truth)?;
    }
    if let Some(mut file) = template {
        let target = file.target().to_path_buf();
        writeln!(file, "{}", HEADER.join(","))
            .with_context(|| format!("cannot write {}", target.display()))?;
        file.commit()?;
    }
    if let Some(file) = identities {
        let target = file.target().to_path_buf();
        let written = || format!("cannot write {}", target.display());
        let mut file = io::BufWriter::new(file);
        nebulk_gen::write_identities(&mut file).with_context(written)?;
        file.into_inner()
            .map_err(|e| e.into_error())
            .with_context(written)?
            .commit()?;
    }
    Ok(Outcome::AllValid)
}

/// The exports of `args`, their options checked before any output starts.
fn export_config(args: &Args) -> Result<nebulk_gen::ExportConfig> {
    let default = nebulk_gen::ExportConfig::default();
    let Some(sources) = args.sources else {
        // clap requires --exports and --sources together, and the shares with them.
        return Ok(default);
    };
    if sources == 0 || sources as usize > nebulk_validate::MAX_SOURCES {
        bail!(
            "--sources must be between 1 and {} (a tenant has at most {} Non-Employee sources), got {sources}",
            nebulk_validate::MAX_SOURCES,
            nebulk_validate::MAX_SOURCES
        );
    }
    let share = |name: &str, value: Option<f64>, default: f64| {
        let value = value.unwrap_or(default);
        if (0.0..=1.0).contains(&value) {
            Ok(value)
        } else {
            Err(anyhow::anyhow!(
                "--{name} must be between 0 and 1, got {value}"
            ))
        }
    };
    Ok(nebulk_gen::ExportConfig {
        sources,
        in_exports: share("in-exports", args.in_exports, default.in_exports)?,
        changed: share("changed", args.changed, default.changed)?,
        absent: share("absent", args.absent, default.absent)?,
    })
}

/// Starts the export files `DIR/source-01.csv` .., creating `dir`. A folder holding other
/// files is refused: `convert --existing DIR` would read them as sources too.
fn start_exports(dir: &Path, sources: u32) -> Result<Vec<AtomicFile>> {
    let count = sources as usize;
    let names: Vec<String> = (0..count)
        .map(|i| format!("{}.csv", nebulk_gen::export_name(i, count)))
        .collect();
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') && !names.contains(&name) {
            bail!(
                "--exports {}: the folder already holds {name}, which `convert --existing` would read as one more source; remove it or choose another folder",
                dir.display()
            );
        }
    }
    names
        .iter()
        .map(|name| Ok(AtomicFile::create(&dir.join(name))?))
        .collect()
}
