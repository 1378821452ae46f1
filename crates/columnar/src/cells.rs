//! Typed cells as text: what a person would have typed in a CSV file for each value
//! ([`render_series`]).
//!
//! | type | text |
//! |---|---|
//! | null (any type) | nothing: a missing value |
//! | text, categorical | as it is |
//! | boolean | `true`, `false` |
//! | integer | its digits: `5125550100` |
//! | float | without `.0` when integral (`5125550100`, an id or a phone number stored as a float); else the shortest text that reads back (`85.5`) |
//! | date | `YYYY-MM-DD` |
//! | date-time with a time zone | RFC 3339 in that zone: `2026-03-24T08:00:00-05:00`, UTC as `Z` |
//! | date-time without one | `2026-03-24T08:00:00Z` (read as UTC), or without the `Z` under `--timezone` ([`NaiveTimes`]) |
//! | time | `HH:MM:SS` (fractions when there are) |
//! | list | its items' texts, nulls left out, joined with `,` (as NERM JSON lists are, [`nebulk_read::Value::joined`]) |
//!
//! Struct columns are fields of their own (`parent.child`), flattened before they get here.

use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, SecondsFormat, TimeZone as _, Utc};
use polars::prelude::*;

use crate::guard::guard_polars;
use crate::ColumnarError;

/// How a date-time without a time zone is written.
///
/// ```
/// assert_eq!(nebulk_columnar::cells::NaiveTimes::default(), nebulk_columnar::cells::NaiveTimes::Utc);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NaiveTimes {
    /// As UTC, with `Z`: the way spreadsheet date-times are read without `--timezone`.
    #[default]
    Utc,
    /// Without an offset, for the date rule's `--timezone` to place.
    Local,
}

/// The texts of one column of a batch: one buffer and where each value ends.
///
/// ```
/// use nebulk_columnar::cells::{render_series, NaiveTimes, Rendered};
/// use nebulk_columnar::polars::prelude::*;
/// let phones = Series::new("phone".into(), [Some(5125550100.0), None, Some(2.5)]);
/// let mut out = Rendered::default();
/// render_series(&phones, None, NaiveTimes::Utc, &mut out).unwrap();
/// assert_eq!((out.get(0), out.get(1), out.get(2)), (&b"5125550100"[..], &b""[..], &b"2.5"[..]));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    text: String,
    ends: Vec<usize>,
}

impl Rendered {
    /// Empties it, keeping its allocations.
    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// How many values it holds.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether it holds no value.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The text of value `index` (empty past the end).
    pub fn get(&self, index: usize) -> &[u8] {
        self.text_of(index).as_bytes()
    }

    fn text_of(&self, index: usize) -> &str {
        let start = match index.checked_sub(1) {
            Some(before) => self.ends.get(before).copied().unwrap_or(0),
            None => 0,
        };
        let end = self.ends.get(index).copied().unwrap_or(start);
        self.text.get(start..end).unwrap_or_default()
    }

    fn push(&mut self, value: &str) {
        self.text.push_str(value);
        self.ends.push(self.text.len());
    }

    fn push_with(&mut self, write: impl FnOnce(&mut String)) {
        write(&mut self.text);
        self.ends.push(self.text.len());
    }

    fn push_missing(&mut self) {
        self.ends.push(self.text.len());
    }
}

/// Appends the texts of `series` to `out`, one per row (see the [module documentation](self));
/// a row where `present` is false (a struct the field is in is null) is missing. A type that
/// is not rendered is an error naming the column.
pub fn render_series(
    series: &Series,
    present: Option<&BooleanChunked>,
    naive: NaiveTimes,
    out: &mut Rendered,
) -> Result<(), ColumnarError> {
    match present {
        // Rows inside a null struct are blanked: copied only when there are such rows.
        Some(present) if present.iter().any(|p| p != Some(true)) => {
            let mut values = Rendered::default();
            render_values(series, naive, &mut values)?;
            for (i, p) in present.iter().enumerate() {
                if p == Some(true) {
                    out.push(values.text_of(i));
                } else {
                    out.push_missing();
                }
            }
            Ok(())
        }
        _ => render_values(series, naive, out),
    }
}

fn polars_error(series: &Series, e: PolarsError) -> ColumnarError {
    ColumnarError::polars(format!("column `{}`", series.name()), e)
}

/// A polars call on a column, guarded.
fn on_column<T>(
    series: &Series,
    call: impl FnOnce() -> PolarsResult<T>,
) -> Result<T, ColumnarError> {
    let what = format!("column `{}`", series.name());
    guard_polars(&what, call)?.map_err(|e| polars_error(series, e))
}

fn render_values(
    series: &Series,
    naive: NaiveTimes,
    out: &mut Rendered,
) -> Result<(), ColumnarError> {
    match series.dtype() {
        DataType::String => {
            for value in on_column(series, || series.str().cloned())?.iter() {
                match value {
                    Some(text) => out.push(text),
                    None => out.push_missing(),
                }
            }
        }
        DataType::Null => (0..series.len()).for_each(|_| out.push_missing()),
        DataType::Float32 | DataType::Float64 => {
            let floats = on_column(series, || series.cast(&DataType::Float64))?;
            for value in on_column(series, || floats.f64().cloned())?.iter() {
                match value {
                    Some(v) => out.push_with(|text| write_float(v, text)),
                    None => out.push_missing(),
                }
            }
        }
        DataType::Date => {
            let days = on_column(series, || series.cast(&DataType::Int32))?;
            for value in on_column(series, || days.i32().cloned())?.iter() {
                match value.and_then(date_of_days) {
                    Some(date) => {
                        out.push_with(|text| text.push_str(&date.format("%Y-%m-%d").to_string()))
                    }
                    None => out.push_missing(),
                }
            }
        }
        DataType::Datetime(unit, zone) => {
            let zone = zone.as_ref().map(|z| Zone::parse(z.as_str()));
            let ticks = on_column(series, || series.cast(&DataType::Int64))?;
            for value in on_column(series, || ticks.i64().cloned())?.iter() {
                match value.and_then(|t| instant(t, *unit)) {
                    Some(at) => out.push(&date_time_text(at, zone.as_ref(), naive)),
                    None => out.push_missing(),
                }
            }
        }
        DataType::Time => {
            let nanos = on_column(series, || series.cast(&DataType::Int64))?;
            for value in on_column(series, || nanos.i64().cloned())?.iter() {
                let time = value.and_then(|n| {
                    let secs = u32::try_from(n.div_euclid(1_000_000_000)).ok()?;
                    let frac = u32::try_from(n.rem_euclid(1_000_000_000)).ok()?;
                    NaiveTime::from_num_seconds_from_midnight_opt(secs, frac)
                });
                match time {
                    Some(t) => out.push(&t.format("%H:%M:%S%.f").to_string()),
                    None => out.push_missing(),
                }
            }
        }
        DataType::List(_) => {
            let lists = on_column(series, || series.list().cloned())?;
            let mut items = Rendered::default();
            for value in lists.amortized_iter() {
                match value {
                    Some(list) => {
                        items.clear();
                        let inner = list.as_ref();
                        let present = inner.is_not_null();
                        render_values(inner, naive, &mut items)?;
                        let joined: Vec<&str> = (0..items.len())
                            .filter(|&i| present.get(i) == Some(true))
                            .map(|i| items.text_of(i))
                            .collect();
                        out.push(&joined.join(","));
                    }
                    None => out.push_missing(),
                }
            }
        }
        dtype if crate::flatten::is_scalar(dtype) => {
            // Booleans, integers, categoricals: polars' own text of them.
            let text = on_column(series, || series.cast(&DataType::String))?;
            render_values(&text, naive, out)?;
        }
        dtype => {
            return Err(ColumnarError::Invalid(format!(
                "column `{}` is of type {dtype}, which nebulk does not read",
                series.name()
            )))
        }
    }
    Ok(())
}

/// `v` without `.0` when integral (and exactly representable), else its shortest text.
fn write_float(v: f64, text: &mut String) {
    use std::fmt::Write;
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if v.is_finite() && v.fract() == 0.0 && v.abs() < EXACT {
        let _ = write!(text, "{}", v as i64);
    } else {
        let _ = write!(text, "{v}");
    }
}

fn date_of_days(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::Duration::days(i64::from(days)))
}

fn instant(ticks: i64, unit: TimeUnit) -> Option<DateTime<Utc>> {
    match unit {
        TimeUnit::Nanoseconds => Some(DateTime::from_timestamp_nanos(ticks)),
        TimeUnit::Microseconds => DateTime::from_timestamp_micros(ticks),
        TimeUnit::Milliseconds => DateTime::from_timestamp_millis(ticks),
    }
}

/// A column's time zone: an IANA name or a fixed offset (`+05:30`).
enum Zone {
    Named(chrono_tz::Tz),
    Fixed(FixedOffset),
    Unknown,
}

impl Zone {
    fn parse(name: &str) -> Zone {
        if let Ok(tz) = chrono_tz::Tz::from_str(name) {
            return Zone::Named(tz);
        }
        match DateTime::parse_from_rfc3339(&format!("2000-01-01T00:00:00{name}")) {
            Ok(at) => Zone::Fixed(*at.offset()),
            Err(_) => Zone::Unknown,
        }
    }
}

fn date_time_text(at: DateTime<Utc>, zone: Option<&Zone>, naive: NaiveTimes) -> String {
    const FORM: SecondsFormat = SecondsFormat::AutoSi;
    match zone {
        Some(Zone::Named(tz)) => tz
            .from_utc_datetime(&at.naive_utc())
            .to_rfc3339_opts(FORM, true),
        Some(Zone::Fixed(offset)) => offset
            .from_utc_datetime(&at.naive_utc())
            .to_rfc3339_opts(FORM, true),
        Some(Zone::Unknown) => at.to_rfc3339_opts(FORM, true),
        None => match naive {
            NaiveTimes::Utc => at.to_rfc3339_opts(FORM, true),
            NaiveTimes::Local => at.naive_utc().format("%Y-%m-%dT%H:%M:%S%.f").to_string(),
        },
    }
}
