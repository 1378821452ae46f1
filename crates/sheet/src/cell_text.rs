//! Cell values as text, the way a person reads them in a spreadsheet program.
//!
//! | cell | text |
//! |---|---|
//! | empty | `""` |
//! | string | as is |
//! | integer | decimal digits |
//! | number, integral and below 10¹⁵ in magnitude | integer digits without `.0`: a phone stored as a number, `15125550100`, reads `15125550100`; an id `1042.0` reads `1042` |
//! | any other number | Rust's shortest round-trip decimal, never with an exponent: `0.25`, `1e20` as `100000000000000000000` |
//! | boolean | `true` / `false` |
//! | date (a number under a date format, or a date cell) | `YYYY-MM-DD` when it has no time of day |
//! | date-time | `YYYY-MM-DDTHH:MM:SSZ` (`.mmm` before the `Z` when there are milliseconds); without the `Z` under [`DateTimes::Local`] |
//! | time of day alone (a serial number below 1) | `HH:MM:SS` |
//! | duration (a `[h]:mm` format) | ISO 8601: `PT36H30M00S` |
//! | date outside Excel's range (negative, or after 9999) | the serial number, as a number |
//! | ISO 8601 date, date-time or duration cell (ods; xlsx `t="d"`) | the text stored in the file, as given |
//! | error | its text: `#N/A`, `#DIV/0!`, `#VALUE!`, ... |
//! | formula | its cached value, by the rules above |
//!
//! Excel date-times carry no time zone; they are read as UTC, hence the `Z`, unless the source
//! is opened with [`DateTimes::Local`] ([`crate::SpreadsheetSource::open_with`]): then they are
//! written without an offset, for a reader that knows the zone (nebulk's `--timezone`). Both
//! the 1900 and the 1904 date systems are handled (calamine's conversion, which also reproduces
//! Excel's 1900-02-29). A formula whose file holds no cached value (a workbook written by a
//! program that did not calculate it) reads as its stored placeholder, often empty or `0`: open
//! and save the file in a spreadsheet program to get the values.

use calamine::{Data, DataRef, ExcelDateTime};

#[cfg(test)]
mod tests;

/// Serial days from here on are read as numbers: 9999-12-31 is day 2,957,003 in the 1904
/// system (in the 1900 system, whose last day is 2,958,465, this cuts at 9995-12-31 instead).
const MAX_SERIAL_DAY: f64 = 2_957_004.0;

/// How date-time cells, which carry no time zone in a workbook, are written as text.
///
/// ```
/// assert_eq!(nebulk_sheet::DateTimes::default(), nebulk_sheet::DateTimes::Utc);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DateTimes {
    /// As UTC: `2024-03-01T18:00:00Z`.
    #[default]
    Utc,
    /// Without an offset, `2024-03-01T18:00:00`, for a reader that knows the time zone they
    /// were written in (nebulk's `--timezone`).
    Local,
}

/// A cell of an xls or ods sheet as text.
pub(crate) fn data_text(value: &Data, date_times: DateTimes) -> String {
    match value {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(x) => float_text(*x),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => datetime_text(dt, date_times),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// A cell of an xlsx or xlsb sheet as text.
pub(crate) fn data_ref_text(value: &DataRef<'_>, date_times: DateTimes) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(x) => float_text(*x),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) => datetime_text(dt, date_times),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
    }
}

/// A number as text: integral values below 10^15 as integer digits, others as Rust's shortest
/// round-trip decimal (which never uses an exponent).
fn float_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        // Exact: |x| < 10^15 < 2^63, and integral.
        #[allow(clippy::cast_possible_truncation)]
        let i = x as i64;
        i.to_string()
    } else {
        x.to_string()
    }
}

/// A date, date-time, time of day or duration as ISO 8601 text; a date-time ends in `Z` unless
/// `date_times` is [`DateTimes::Local`].
fn datetime_text(dt: &ExcelDateTime, date_times: DateTimes) -> String {
    let serial = dt.as_f64();
    if dt.is_duration() {
        return duration_text(serial);
    }
    if !(0.0..MAX_SERIAL_DAY).contains(&serial) {
        return float_text(serial);
    }
    let (year, month, day, hour, minute, second, milli) = dt.to_ymd_hms_milli();
    let fraction = if milli == 0 {
        String::new()
    } else {
        format!(".{milli:03}")
    };
    if serial < 1.0 {
        format!("{hour:02}:{minute:02}:{second:02}{fraction}")
    } else if (hour, minute, second, milli) == (0, 0, 0, 0) {
        format!("{year:04}-{month:02}-{day:02}")
    } else {
        let zone = match date_times {
            DateTimes::Utc => "Z",
            DateTimes::Local => "",
        };
        format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}{zone}")
    }
}

/// A duration in days as ISO 8601 hours, minutes and seconds: `PT36H30M00S`.
fn duration_text(days: f64) -> String {
    if !days.is_finite() {
        return float_text(days);
    }
    let millis = (days * 86_400_000.0).round();
    let sign = if millis < 0.0 { "-" } else { "" };
    // Saturating: a duration of more than 292 million years is not a contractor's.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let millis = millis.abs() as u64;
    let (hours, rest) = (millis / 3_600_000, millis % 3_600_000);
    let (minutes, rest) = (rest / 60_000, rest % 60_000);
    let (seconds, milli) = (rest / 1000, rest % 1000);
    let fraction = if milli == 0 {
        String::new()
    } else {
        format!(".{milli:03}")
    };
    format!("{sign}PT{hours}H{minutes:02}M{seconds:02}{fraction}S")
}

/// The length of the text [`data_ref_text`] gives, without making it (an upper bound for
/// numbers, dates and errors).
pub(crate) fn data_ref_len(value: &DataRef<'_>) -> usize {
    match value {
        DataRef::Empty => 0,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.len(),
        DataRef::SharedString(s) => s.len(),
        DataRef::Int(_)
        | DataRef::Float(_)
        | DataRef::Bool(_)
        | DataRef::DateTime(_)
        | DataRef::Error(_) => 32,
    }
}
