//! Source exports: the accounts a tenant's sources already hold, as the platform exports them,
//! written beside the generated file ([`Exports`]), and what a correct ledger makes of the clean
//! rows given them ([`SourceTruth`]).
//!
//! A clean row's account goes into an export with probability [`ExportConfig::in_exports`],
//! assigned to the sources round-robin; its export row is then the same account written the
//! platform's way (other column order, dates as UTC date-times, some harmless noise), or with
//! probability [`ExportConfig::changed`] one that differs in one or two attributes. Extra
//! accounts named `gone.<n>`, which no input row names, make the absent ones. Every decision
//! draws from a random stream of its own, so the accounts file is the same with or without
//! exports.

use std::io::{self, BufWriter, Write};

use fastrand::Rng;

use crate::people::{
    civil_from_days, Row, ACCOUNT_NAME, DEPARTMENT, DEPARTMENTS, EMAIL, END_DATE, FIELDS,
    FIRST_NAME, LAST_NAME, LOCATION, MANAGER, PHONE, START_DATE,
};
use crate::write_error;

/// The export's columns: the system attributes in the platform's order (phone before email),
/// then the custom ones of [`crate::HEADER`], as indices into [`crate::HEADER`].
const ORDER: [usize; FIELDS] = [0, 1, 2, 4, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];

/// The attributes a changed export row may differ in.
const CHANGEABLE: [usize; 4] = [FIRST_NAME, PHONE, END_DATE, DEPARTMENT];

/// First names no generated row has, for a changed first name.
const OTHER_FIRST: [&str; 5] = ["Alex", "Sam", "Robin", "Kim", "Jordan"];

/// Mixed into the seed for the stream of export decisions.
const STREAM: u64 = 0x6578_706f_7274_7321;

/// Which source exports to write, and what they hold. With `sources == 0` (the default) none is
/// written and the generated file and truth are those of a generator without exports.
///
/// ```
/// let exports = nebulk_gen::ExportConfig { sources: 3, ..Default::default() };
/// assert_eq!((exports.in_exports, exports.changed, exports.absent), (0.6, 0.2, 0.05));
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ExportConfig {
    /// How many sources have an export (`source-01` ..): 0 for none.
    pub sources: u32,
    /// Share in `0.0..=1.0` of the clean rows whose account is in an export.
    pub in_exports: f64,
    /// Share in `0.0..=1.0` of those whose export row differs from the input row in one or two
    /// attributes (an update), the others being unchanged.
    pub changed: f64,
    /// Extra accounts that only the exports hold (absent from the input), as a share in
    /// `0.0..=1.0` of the accounts put in exports.
    pub absent: f64,
}

impl Default for ExportConfig {
    fn default() -> Self {
        ExportConfig {
            sources: 0,
            in_exports: 0.6,
            changed: 0.2,
            absent: 0.05,
        }
    }
}

impl ExportConfig {
    /// Why the config cannot be generated: a share outside `0.0..=1.0` (or NaN).
    pub(crate) fn check(&self) -> io::Result<()> {
        for (name, share) in [
            ("in_exports", self.in_exports),
            ("changed", self.changed),
            ("absent", self.absent),
        ] {
            if !(0.0..=1.0).contains(&share) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{name} must be between 0 and 1, got {share}"),
                ));
            }
        }
        Ok(())
    }
}

/// The name of export `index` (from 0) of `count`: `source-01` .., zero-padded to at least two
/// digits so that sorting the names gives the sources' order. Its file is `NAME.csv`.
///
/// ```
/// assert_eq!(nebulk_gen::export_name(0, 3), "source-01");
/// assert_eq!(nebulk_gen::export_name(99, 120), "source-100");
/// assert_eq!(nebulk_gen::export_name(8, 120), "source-009");
/// ```
pub fn export_name(index: usize, count: usize) -> String {
    let width = count.to_string().len().max(2);
    format!("source-{:0width$}", index + 1)
}

/// What a correct ledger reports for one source given the generated file and exports.
///
/// ```
/// let source = nebulk_gen::SourceTruth { name: "source-01".into(), ..Default::default() };
/// assert_eq!(source.existing, 0);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourceTruth {
    /// The source's name: its export's file stem.
    pub name: String,
    /// Accounts in its export, the absent ones included.
    pub existing: u64,
    /// New accounts placed in it (sources fill in order up to the account limit).
    pub creates: u64,
    /// Clean rows whose account its export holds with other values.
    pub updates: u64,
    /// Clean rows whose account its export holds with the same values.
    pub unchanged: u64,
    /// Accounts of its export that no input row names.
    pub absent: u64,
}

/// The exports being written, and the counts the truth needs.
pub(crate) struct Exports<'a, E: Write> {
    cfg: ExportConfig,
    rng: Rng,
    writers: Vec<csv::Writer<BufWriter<&'a mut E>>>,
    sources: Vec<SourceTruth>,
    /// The source the next export account goes to (round-robin).
    next: usize,
    /// Clean rows whose account no export holds.
    new_accounts: u64,
    /// Changed attributes over all updates: the lines of changes.csv.
    changes: u64,
    /// Absent accounts written so far (the `n` of the last `gone.<n>`).
    absent: u64,
    /// One export row, in export column order.
    record: Vec<Vec<u8>>,
    /// The buffers of an absent account's row (taken out while it is written).
    extra: Option<Row>,
}

/// The counts of [`Exports::finish`].
pub(crate) struct Outcome {
    pub(crate) sources: Vec<SourceTruth>,
    pub(crate) overflow: u64,
    pub(crate) absent: u64,
    pub(crate) changes: u64,
}

impl<'a, E: Write> Exports<'a, E> {
    /// Starts one export per writer (`cfg.sources` of them), their header written.
    pub(crate) fn new(cfg: &ExportConfig, seed: u64, writers: &'a mut [E]) -> io::Result<Self> {
        cfg.check()?;
        if writers.len() != cfg.sources as usize {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "{} sources need as many export writers, got {}",
                    cfg.sources,
                    writers.len()
                ),
            ));
        }
        let count = writers.len();
        let header: Vec<&str> = ORDER.iter().map(|&i| crate::HEADER[i]).collect();
        let writers = writers
            .iter_mut()
            .map(|w| {
                let mut w = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::Any(b'\n'))
                    .from_writer(BufWriter::with_capacity(1 << 16, w));
                w.write_record(&header).map_err(write_error)?;
                Ok(w)
            })
            .collect::<io::Result<Vec<_>>>()?;
        Ok(Exports {
            cfg: cfg.clone(),
            rng: Rng::with_seed(seed ^ STREAM),
            writers,
            sources: (0..count)
                .map(|i| SourceTruth {
                    name: export_name(i, count),
                    ..SourceTruth::default()
                })
                .collect(),
            next: 0,
            new_accounts: 0,
            changes: 0,
            absent: 0,
            record: (0..FIELDS).map(|_| Vec::with_capacity(64)).collect(),
            extra: None,
        })
    }

    /// Takes a clean row of the input: its account goes into an export, unchanged or changed,
    /// maybe with an absent account beside it, or it is a new account.
    pub(crate) fn clean_row(&mut self, row: &Row) -> io::Result<()> {
        if self.writers.is_empty() || self.rng.f64() >= self.cfg.in_exports {
            self.new_accounts += 1;
            return Ok(());
        }
        let source = self.next_source();
        let changed = self.rng.f64() < self.cfg.changed;
        let changes = self.write(source, &row.fields, changed)?;
        let counts = &mut self.sources[source];
        counts.existing += 1;
        if changes > 0 {
            counts.updates += 1;
            self.changes += changes;
        } else {
            counts.unchanged += 1;
        }
        if self.rng.f64() < self.cfg.absent {
            self.absent += 1;
            let gone = self.absent;
            let source = self.next_source();
            let mut extra = self.extra.take().unwrap_or_else(Row::new);
            extra.clean(gone, &mut self.rng)?;
            extra.fields[0].clear();
            write!(extra.fields[0], "gone.{gone}")?;
            let written = self.write(source, &extra.fields, false);
            self.extra = Some(extra);
            written?;
            self.sources[source].existing += 1;
            self.sources[source].absent += 1;
        }
        Ok(())
    }

    fn next_source(&mut self) -> usize {
        let source = self.next;
        self.next = (self.next + 1) % self.writers.len();
        source
    }

    /// Writes the account of `fields` (in [`crate::HEADER`] order) into export `source`, the
    /// platform's way and with some noise that compares equal; when `changed`, with one or two
    /// attributes changed. Returns how many.
    fn write(&mut self, source: usize, fields: &[Vec<u8>], changed: bool) -> io::Result<u64> {
        let rng = &mut self.rng;
        for (out, &i) in self.record.iter_mut().zip(&ORDER) {
            out.clear();
            match i {
                START_DATE | END_DATE => write_utc(out, utc_seconds(&fields[i])?, rng)?,
                _ => out.extend_from_slice(&fields[i]),
            }
        }
        // Noise: letter case where it is ignored, a space after the comma.
        for i in [ACCOUNT_NAME, EMAIL, MANAGER] {
            if rng.u8(0..10) == 0 {
                self.record[column(i)].make_ascii_uppercase();
            }
        }
        if rng.u8(0..10) == 0 {
            let i = [FIRST_NAME, LAST_NAME, PHONE, DEPARTMENT, LOCATION][rng.usize(..5)];
            self.record[column(i)].insert(0, b' ');
        }
        let mut changes = 0;
        if changed {
            let mut picked = CHANGEABLE;
            rng.shuffle(&mut picked);
            let count = 1 + usize::from(rng.u8(0..3) == 0);
            for &i in &picked[..count] {
                let out = &mut self.record[column(i)];
                match i {
                    FIRST_NAME => {
                        out.clear();
                        out.extend_from_slice(
                            OTHER_FIRST[rng.usize(..OTHER_FIRST.len())].as_bytes(),
                        );
                    }
                    PHONE => {
                        // Every generated phone number ends with a digit.
                        if let Some(last) = out.last_mut().filter(|b| b.is_ascii_digit()) {
                            *last = b'0' + (*last - b'0' + 1) % 10;
                        }
                    }
                    END_DATE => {
                        let end = utc_seconds(&fields[END_DATE])? + rng.i64(1..=90) * 86_400;
                        out.clear();
                        write_utc(out, end, rng)?;
                    }
                    _ => {
                        let old = String::from_utf8_lossy(&fields[i]).into_owned();
                        let mut new = old.as_str();
                        while new == old {
                            new = DEPARTMENTS[rng.usize(..DEPARTMENTS.len())];
                        }
                        out.clear();
                        out.extend_from_slice(new.as_bytes());
                    }
                }
                changes += 1;
            }
        }
        self.writers[source]
            .write_record(&self.record)
            .map_err(write_error)?;
        Ok(changes)
    }

    /// Flushes the exports, and places the new accounts: into the first source, in order, whose
    /// existing accounts and creates are under `max_accounts`, the rest overflowing. With no
    /// source, there is one without an export.
    pub(crate) fn finish(self, max_accounts: u64) -> io::Result<Outcome> {
        for w in self.writers {
            w.into_inner()
                .map_err(|e| e.into_error())?
                .into_inner()
                .map_err(|e| e.into_error())?
                .flush()?;
        }
        let mut sources = self.sources;
        let mut left = self.new_accounts;
        if sources.is_empty() {
            left -= left.min(max_accounts);
        }
        for source in &mut sources {
            source.creates = left.min(max_accounts.saturating_sub(source.existing));
            left -= source.creates;
        }
        Ok(Outcome {
            absent: self.absent,
            sources,
            overflow: left,
            changes: self.changes,
        })
    }
}

/// The export column of attribute `i` of [`crate::HEADER`].
fn column(i: usize) -> usize {
    ORDER.iter().position(|&o| o == i).unwrap_or(i)
}

/// The instant of a generated date (`2026-01-05`, midnight UTC; or a date-time with an offset
/// or `Z`, with or without seconds) in seconds since 1970-01-01 UTC.
fn utc_seconds(date: &[u8]) -> io::Result<i64> {
    let bad = || io::Error::other(format!("not a generated date: {date:?}"));
    let num = |range: std::ops::Range<usize>| -> io::Result<i64> {
        let digits = date.get(range).ok_or_else(bad)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        Ok(digits.iter().fold(0, |n, &d| n * 10 + i64::from(d - b'0')))
    };
    let day = days_from_civil(num(0..4)?, num(5..7)?, num(8..10)?);
    if date.len() == 10 {
        return Ok(day * 86_400);
    }
    let (hh, mm) = (num(11..13)?, num(14..16)?);
    let (ss, zone) = if date.get(16) == Some(&b':') {
        (num(17..19)?, 19)
    } else {
        (0, 16)
    };
    let offset = match date.get(zone) {
        Some(b'Z') => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let minutes = num(zone + 1..zone + 3)? * 60 + num(zone + 4..zone + 6)?;
            if sign == b'-' {
                -minutes
            } else {
                minutes
            }
        }
        _ => return Err(bad()),
    };
    Ok(day * 86_400 + hh * 3600 + mm * 60 + ss - offset * 60)
}

/// Writes `seconds` since 1970-01-01 UTC as the platform does: a UTC date-time with seconds,
/// ending mostly in `Z`, sometimes in `+00:00`.
fn write_utc(out: &mut Vec<u8>, seconds: i64, rng: &mut Rng) -> io::Result<()> {
    let (y, m, d) = civil_from_days(seconds.div_euclid(86_400));
    let s = seconds.rem_euclid(86_400);
    let zone = if rng.u8(0..4) == 0 { "+00:00" } else { "Z" };
    write!(
        out,
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{zone}",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn generated_dates_become_the_same_utc_instants() {
        let utc = |s: &str| {
            let mut out = Vec::new();
            write_utc(
                &mut out,
                utc_seconds(s.as_bytes()).unwrap(),
                &mut Rng::with_seed(1),
            )
            .unwrap();
            String::from_utf8(out).unwrap()
        };
        let trim = |s: String| s.replace("+00:00", "Z");
        assert_eq!(trim(utc("2026-01-05")), "2026-01-05T00:00:00Z");
        assert_eq!(
            trim(utc("2026-01-05T01:00:00+01:00")),
            "2026-01-05T00:00:00Z"
        );
        assert_eq!(trim(utc("2026-01-05T20:30-05:30")), "2026-01-06T02:00:00Z");
        assert_eq!(trim(utc("2024-03-01T00:00:59Z")), "2024-03-01T00:00:59Z");
        assert_eq!(trim(utc("2024-03-01T00:10+09:00")), "2024-02-29T15:10:00Z");
        assert!(utc_seconds(b"2026-13").is_err());
    }
}
