//! `nebulk gen`: synthetic accounts with known faults, for tests and benchmarks.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
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
/// value-too-long); clean rows past --max-accounts count as account-limit. The same seed gives
/// the same bytes.
#[derive(Debug, ClapArgs)]
#[command(after_help = "Examples:
  nebulk gen --rows 1000 --out accounts.csv --truth truth.json --template template.csv
  nebulk gen --rows 1000000 --seed 7 --error-rate 0.01 --out big.csv")]
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

    /// Write the CSV here instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    out: Option<PathBuf>,

    /// Write the truth (counts per code) as JSON here.
    #[arg(long, value_name = "FILE")]
    truth: Option<PathBuf>,

    /// Write the matching schema template (the header row) here.
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
}

/// Runs `gen`.
pub fn run(args: Args) -> Result<Outcome> {
    let config = GenConfig {
        rows: args.rows,
        seed: args.seed,
        error_rate: args.error_rate,
        max_accounts: args.max_accounts,
    };
    let truth = match &args.out {
        Some(path) => {
            let mut file = io::BufWriter::new(AtomicFile::create(path)?);
            let truth = nebulk_gen::generate(&config, &mut file)?;
            file.into_inner().map_err(|e| e.into_error())?.commit()?;
            truth
        }
        None => nebulk_gen::generate(&config, io::stdout().lock())
            .context("writing to standard output")?,
    };
    if let Some(path) = &args.truth {
        nebulk_emit::write_json(path, &truth)?;
    }
    if let Some(path) = &args.template {
        let mut file = AtomicFile::create(path)?;
        writeln!(file, "{}", HEADER.join(","))?;
        file.commit()?;
    }
    Ok(Outcome::AllValid)
}
