//! # Brief overview
//!
//! `nebulk-gen` writes a deterministic synthetic SailPoint Non-Employee
//! accounts CSV in which a known share of rows carry exactly one injected
//! fault (a bad e-mail, an impossible date, a duplicate account name, a row
//! with the wrong number of fields, a non-UTF-8 byte, ...), and returns the
//! ground truth: how many rows a correct validator accepts, and how many it
//! rejects under each code. Tests and benchmarks compare nebulk's report
//! against that truth.
//!
//! Rows are written as they are generated, so memory stays bounded whatever
//! the row count. The same [`GenConfig`] always yields byte-identical output.
//!
//! # Example
//!
//! ```
//! use nebulk_gen::{generate, GenConfig};
//!
//! let cfg = GenConfig { rows: 500, seed: 7, error_rate: 0.2, ..GenConfig::default() };
//! let mut csv = Vec::new();
//! let truth = generate(&cfg, &mut csv)?;
//! assert_eq!(truth.rows_valid + truth.rows_rejected, 500);
//! assert_eq!(truth.by_code.values().sum::<u64>(), truth.rows_rejected);
//! assert!(csv.starts_with(b"accountName,firstName,lastName,email,"));
//! # Ok::<(), std::io::Error>(())
//! ```

#![deny(missing_docs)]

mod exports;
mod faults;
mod people;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};

pub use exports::{export_name, ExportConfig, SourceTruth};
use faults::{Fault, Ring};
use people::{Row, ACCOUNT_NAME};

/// The header of the generated file: the 8 system attributes, then 10
/// custom attributes. It is also a valid schema template.
///
/// ```
/// assert_eq!(nebulk_gen::HEADER.len(), 18);
/// assert_eq!(nebulk_gen::HEADER[0], "accountName");
/// assert_eq!(nebulk_gen::HEADER[17], "notes");
/// ```
pub const HEADER: [&str; 18] = [
    "accountName",
    "firstName",
    "lastName",
    "email",
    "phone",
    "manager",
    "startDate",
    "endDate",
    "department",
    "costCenter",
    "company",
    "jobTitle",
    "location",
    "badgeId",
    "vendor",
    "contractType",
    "sponsor",
    "notes",
];

/// What to generate.
///
/// ```
/// let cfg = nebulk_gen::GenConfig { rows: 10_000, ..Default::default() };
/// assert_eq!((cfg.seed, cfg.error_rate, cfg.max_accounts), (42, 0.01, 20_000));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct GenConfig {
    /// Number of data rows (the header is not counted).
    pub rows: u64,
    /// Seed of the random generator; same config, same bytes.
    pub seed: u64,
    /// Probability in `0.0..=1.0` that a row carries a fault.
    pub error_rate: f64,
    /// How many clean rows fit in the source: later clean rows are valid but
    /// overflow (`overflow.csv`).
    pub max_accounts: u64,
    /// Whether the file goes with the identities of [`write_identities`]: every clean manager
    /// is one of them, and a faulty row may carry an `unknown-manager` (a display name, or an
    /// id with a typo). Without identities that fault is never drawn, so the same seed gives
    /// the same file as before it existed.
    pub identities: bool,
    /// The source exports written beside the file ([`generate_with_exports`]); none by
    /// default, and then the file and truth are the same as before exports existed.
    pub exports: ExportConfig,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            rows: 1000,
            seed: 42,
            error_rate: 0.01,
            max_accounts: 20_000,
            identities: false,
            exports: ExportConfig::default(),
        }
    }
}

/// The ground truth of one generated file: the config it came from, and
/// what a correct validator reports for it.
///
/// ```
/// use nebulk_gen::{generate, GenConfig};
///
/// let truth = generate(&GenConfig::default(), std::io::sink())?;
/// let json = serde_json::to_string(&truth)?;
/// let back: nebulk_gen::Truth = serde_json::from_str(&json)?;
/// assert_eq!(back, truth);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Truth {
    /// Number of data rows, as configured.
    pub rows: u64,
    /// Seed, as configured.
    pub seed: u64,
    /// Fault probability, as configured.
    pub error_rate: f64,
    /// Account limit, as configured.
    pub max_accounts: u64,
    /// Identities, as configured (left out of the JSON when false).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub identities: bool,
    /// Clean rows: those within the account limit and those past it.
    pub rows_valid: u64,
    /// Clean rows past the account limit, for which the source has no room.
    #[serde(default)]
    pub overflow: u64,
    /// All other rows: `rows - rows_valid`.
    pub rows_rejected: u64,
    /// Rejected rows per code (one code per rejected row), only codes with
    /// a count above zero. Sums to `rows_rejected`.
    pub by_code: BTreeMap<String, u64>,
    /// The exports, as configured, when there are some (left out of the JSON otherwise, as are
    /// the fields below).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exports: Option<ExportConfig>,
    /// Each source, in order: its export's accounts and where the clean rows go.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceTruth>,
    /// Accounts of the exports that no input row names (`absent.csv`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absent: Option<u64>,
    /// Attributes the updates change (the lines of `changes.csv`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<u64>,
}

/// Writes the header and `cfg.rows` data rows as CSV to `out`, and returns
/// the truth about them.
///
/// Each data row is faulty with probability `cfg.error_rate`, with one
/// fault class chosen uniformly. Output is streamed through a buffer; memory
/// use does not grow with `cfg.rows`.
///
/// # Errors
///
/// An error of kind [`io::ErrorKind::InvalidInput`] if `cfg.error_rate` is
/// NaN or outside `0.0..=1.0`; otherwise the error from writing to `out`,
/// as `out` gave it (a closed pipe is [`io::ErrorKind::BrokenPipe`]).
///
/// ```
/// use nebulk_gen::{generate, GenConfig};
///
/// let cfg = GenConfig { rows: 200, error_rate: 0.0, max_accounts: 150, ..Default::default() };
/// let truth = generate(&cfg, std::io::sink())?;
/// assert_eq!((truth.rows_valid, truth.overflow), (200, 50));
/// assert!(truth.by_code.is_empty());
///
/// let bad = GenConfig { error_rate: 1.5, ..Default::default() };
/// let err = generate(&bad, std::io::sink()).unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn generate<W: Write>(cfg: &GenConfig, out: W) -> io::Result<Truth> {
    let mut discarded: Vec<io::Sink> = (0..cfg.exports.sources).map(|_| io::sink()).collect();
    generate_with_exports(cfg, out, &mut discarded)
}

/// As [`generate`], also writing the export of each of the `cfg.exports.sources` sources (in
/// order: `source-01`, ... [`export_name`]) to `exports`, and counting in the truth what a
/// correct ledger does with the clean rows given them: updates and unchanged rows in the
/// source holding their account, new accounts filling the sources in order up to
/// `cfg.max_accounts`, the rest overflowing, and the exports' accounts no row names absent.
///
/// An export is the platform's CSV: `accountName,firstName,lastName,phone,email,manager,
/// startDate,endDate` then the custom attributes, dates as UTC date-times. No account is in two
/// exports. The accounts file is the same bytes as [`generate`] writes for the same config
/// without exports.
///
/// # Errors
///
/// As [`generate`]; also [`io::ErrorKind::InvalidInput`] when a share of `cfg.exports` is
/// outside `0.0..=1.0`, or `exports` does not have one writer per source.
///
/// ```
/// use nebulk_gen::{generate_with_exports, ExportConfig, GenConfig};
///
/// let exports = ExportConfig { sources: 2, in_exports: 0.5, ..Default::default() };
/// let cfg = GenConfig { rows: 300, error_rate: 0.0, max_accounts: 100, exports, ..Default::default() };
/// let mut files = vec![Vec::new(), Vec::new()];
/// let truth = generate_with_exports(&cfg, std::io::sink(), &mut files)?;
/// assert!(String::from_utf8_lossy(&files[1]).starts_with("accountName,firstName,lastName,phone,"));
/// let [a, b] = &truth.sources[..] else { panic!() };
/// assert_eq!(a.updates + a.unchanged + b.updates + b.unchanged + a.creates + b.creates + truth.overflow, 300);
/// assert!(a.existing > 0 && truth.changes >= Some(a.updates + b.updates));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn generate_with_exports<W: Write, E: Write>(
    cfg: &GenConfig,
    out: W,
    exports: &mut [E],
) -> io::Result<Truth> {
    if !(0.0..=1.0).contains(&cfg.error_rate) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("error_rate must be between 0 and 1, got {}", cfg.error_rate),
        ));
    }
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(BufWriter::with_capacity(1 << 16, out));
    let mut exports = exports::Exports::new(&cfg.exports, cfg.seed, exports)?;
    w.write_record(HEADER).map_err(write_error)?;

    let mut rng = fastrand::Rng::with_seed(cfg.seed);
    let mut row = Row::new();
    let mut ring = Ring::new();
    let classes: &[Fault] = if cfg.identities {
        &Fault::ALL
    } else {
        Fault::WITHOUT_IDENTITIES
    };
    let mut fault_counts = [0u64; Fault::ALL.len()];
    let mut valid = 0u64;

    for n in 1..=cfg.rows {
        let fault = if rng.f64() < cfg.error_rate {
            Some(classes[rng.usize(..classes.len())])
        } else {
            None
        };
        row.clean(n, &mut rng)?;
        let injected = match fault {
            Some(f) if f.apply(&mut row, &mut rng, &ring)? => Some(f),
            _ => None,
        };
        match injected {
            Some(f) => fault_counts[f as usize] += 1,
            None => {
                // The ring takes the first `max_accounts` clean rows, whatever the exports, so
                // that the file stays the same bytes.
                if valid < cfg.max_accounts {
                    ring.push(&row.fields[ACCOUNT_NAME]);
                }
                valid += 1;
                exports.clean_row(&row)?;
            }
        }
        w.write_record(row.record()).map_err(write_error)?;
    }
    w.flush()?;
    let placed = exports.finish(cfg.max_accounts)?;
    let with_exports = cfg.exports.sources > 0;

    let by_code: BTreeMap<String, u64> = Fault::ALL
        .iter()
        .zip(fault_counts)
        .filter(|&(_, count)| count > 0)
        .map(|(f, count)| (f.code().to_string(), count))
        .collect();
    Ok(Truth {
        rows: cfg.rows,
        seed: cfg.seed,
        error_rate: cfg.error_rate,
        max_accounts: cfg.max_accounts,
        identities: cfg.identities,
        rows_valid: valid,
        overflow: placed.overflow,
        rows_rejected: cfg.rows - valid,
        by_code,
        exports: with_exports.then(|| cfg.exports.clone()),
        sources: placed.sources,
        absent: with_exports.then_some(placed.absent),
        changes: with_exports.then_some(placed.changes),
    })
}

/// Writes the identities the managers of a file generated with [`GenConfig::identities`] name:
/// a CSV `uid,displayName` (every `first.last` a manager can be, with its `First Last`), the
/// shape of an identities export for `--identities`. Returns how many.
///
/// ```
/// let mut csv = Vec::new();
/// let count = nebulk_gen::write_identities(&mut csv)?;
/// let text = String::from_utf8(csv).unwrap();
/// assert!(text.starts_with("uid,displayName\n"));
/// assert_eq!(text.lines().count() as u64, count + 1);
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Errors
///
/// The error from writing to `out`.
pub fn write_identities<W: Write>(out: W) -> io::Result<u64> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(BufWriter::new(out));
    w.write_record(["uid", "displayName"])
        .map_err(write_error)?;
    let mut count = 0;
    for (id, display) in people::people() {
        w.write_record([id, display]).map_err(write_error)?;
        count += 1;
    }
    w.flush()?;
    Ok(count)
}

/// The error a CSV write gives, as an I/O error of the kind `out` gave: the
/// `csv` crate's own conversion makes every error `Other`, which hides a
/// broken pipe from the caller. (The writer writes no other kind of error.)
fn write_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}
