//! The date rule: ISO 8601, or an explicit layout, read in a time zone.

use chrono::{
    DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    SecondsFormat, TimeDelta, TimeZone, Timelike,
};
use chrono_tz::Tz;
use nebulk_read::date::{DateLayout, DateValue};
use nebulk_read::quote_value;

/// Reads dates. ISO 8601 is always accepted: a calendar date `2026-03-24`, a date-time with an
/// offset, `2026-03-24T08:00:00-05:00`, `2026-03-24T08:00Z`, `2026-03-24T08:00:00.250+01:00`,
/// and, once a time zone is given ([`DateRule::in_zone`]), a date-time without one,
/// `2026-03-24T08:00:00` or `2026-03-24 08:00`. Any other layout only through an explicit
/// chrono `strftime` layout.
///
/// Dates are normalised to RFC 3339 with seconds, `2026-03-24T08:00:00-05:00`, keeping the
/// offset given. A date without a time is midnight in the zone (UTC when none is given); a
/// date-time without an offset is read in the zone. A local time the zone skips (a
/// daylight-saving gap) or has twice (an overlap) is an error, never guessed.
///
/// ```
/// use nebulk_validate::rules::DateRule;
/// let iso = DateRule::iso();
/// assert_eq!(iso.normalize("2026-03-24").unwrap(), "2026-03-24T00:00:00+00:00");
/// assert_eq!(iso.normalize("2020-03-24T00:00-05:00").unwrap(), "2020-03-24T00:00:00-05:00");
/// assert!(iso.parse("2024-02-30").is_none());
/// assert!(iso.parse("03/24/2026").is_none());
/// assert!(iso.parse("2026-03-24T08:00:00").is_none(), "no offset, no zone");
///
/// let chicago = DateRule::iso().in_zone(chrono_tz::America::Chicago);
/// assert_eq!(chicago.normalize("2026-01-05").unwrap(), "2026-01-05T00:00:00-06:00");
/// assert_eq!(chicago.normalize("2026-03-24T08:00:00").unwrap(), "2026-03-24T08:00:00-05:00");
///
/// let us = DateRule::with_format("%m/%d/%Y");
/// assert_eq!(us.normalize("03/24/2026").unwrap(), "2026-03-24T00:00:00+00:00");
/// ```
#[derive(Debug, Clone, Default)]
pub struct DateRule {
    layout: Option<DateLayout>,
    zone: Option<Tz>,
}

/// Why a value is not a date. The messages quote the value.
///
/// ```
/// use nebulk_validate::rules::DateRule;
/// let err = DateRule::iso().read("2026-03-24T08:00:00").unwrap_err();
/// assert_eq!(err.to_string(), "'2026-03-24T08:00:00' is a date-time with no UTC offset; add one or pass --timezone");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DateError {
    /// Not ISO 8601, and no layout given.
    #[error("{value} is not a real ISO 8601 date (YYYY-MM-DD, or a date-time with offset); other layouts need --date-format")]
    NotIso {
        /// The value, quoted.
        value: String,
    },
    /// Neither ISO 8601 nor the layout.
    #[error("{value} is not a real date in ISO 8601 or in the format {format}")]
    NotInLayout {
        /// The value, quoted.
        value: String,
        /// The layout.
        format: String,
    },
    /// An ISO 8601 date-time without an offset, and no zone to read it in.
    #[error("{value} is a date-time with no UTC offset; add one or pass --timezone")]
    NoOffset {
        /// The value, quoted.
        value: String,
    },
    /// A local time the zone skips: the clocks jump over it.
    #[error("{value}{at_midnight} does not exist in {zone}: the clocks skip from {before} to {after} around it (a daylight-saving or zone change); correct it or give its offset")]
    Skipped {
        /// The value, quoted.
        value: String,
        /// `" at midnight"` for a date without a time, else empty.
        at_midnight: &'static str,
        /// The zone's IANA name.
        zone: &'static str,
        /// The offset before the change.
        before: FixedOffset,
        /// The offset after it.
        after: FixedOffset,
    },
    /// A local time at which the zone's offset had seconds (local mean time, before the zone
    /// kept standard time), which RFC 3339 cannot write.
    #[error("{value}{at_midnight} in {zone} is at the offset {offset} (local mean time, before the zone kept standard time), which RFC 3339 cannot write; give its offset")]
    SecondsOffset {
        /// The value, quoted.
        value: String,
        /// `" at midnight"` for a date without a time, else empty.
        at_midnight: &'static str,
        /// The zone's IANA name.
        zone: &'static str,
        /// The offset.
        offset: FixedOffset,
    },
    /// A local time the zone has twice: the clocks go back over it.
    #[error("{value}{at_midnight} is ambiguous in {zone}: it happens twice, at {earlier} and at {later} (the clocks go back); give its offset")]
    Ambiguous {
        /// The value, quoted.
        value: String,
        /// `" at midnight"` for a date without a time, else empty.
        at_midnight: &'static str,
        /// The zone's IANA name.
        zone: &'static str,
        /// The offset of the first time.
        earlier: FixedOffset,
        /// The offset of the second.
        later: FixedOffset,
    },
}

impl DateRule {
    /// ISO 8601 only, read in UTC: offset-less date-times are refused.
    pub fn iso() -> DateRule {
        DateRule {
            layout: None,
            zone: None,
        }
    }

    /// ISO 8601, and also `format` (chrono `strftime` syntax), taken unchecked: a layout
    /// [`DateLayout::new`] would refuse reads no value. [`DateRule::with_layout`] takes a
    /// checked one.
    pub fn with_format(format: &str) -> DateRule {
        DateRule::with_layout(DateLayout::unchecked(format))
    }

    /// ISO 8601, and also `layout`. A layout with a time but no offset is read in the zone
    /// (UTC when none is given).
    ///
    /// ```
    /// use nebulk_read::date::DateLayout;
    /// use nebulk_validate::rules::DateRule;
    /// let rule = DateRule::with_layout(DateLayout::new("%d/%m/%Y %H:%M").unwrap());
    /// assert_eq!(rule.normalize("24/03/2026 14:30").unwrap(), "2026-03-24T14:30:00+00:00");
    /// ```
    pub fn with_layout(layout: DateLayout) -> DateRule {
        DateRule {
            layout: Some(layout),
            zone: None,
        }
    }

    /// The same rule, reading dates and offset-less date-times in `zone` (`--timezone`).
    ///
    /// ```
    /// use nebulk_validate::rules::DateRule;
    /// let berlin = DateRule::with_format("%d.%m.%Y %H:%M").in_zone(chrono_tz::Europe::Berlin);
    /// assert_eq!(berlin.normalize("24.03.2026 14:30").unwrap(), "2026-03-24T14:30:00+01:00");
    /// ```
    pub fn in_zone(mut self, zone: Tz) -> DateRule {
        self.zone = Some(zone);
        self
    }

    /// The explicit format, if any.
    pub fn format(&self) -> Option<&str> {
        self.layout.as_ref().map(DateLayout::as_str)
    }

    /// The time zone given, if any.
    pub fn zone(&self) -> Option<Tz> {
        self.zone
    }

    /// Reads a trimmed value as an instant.
    ///
    /// # Errors
    ///
    /// A [`DateError`] saying why the value is not a date: not in an accepted layout (or not
    /// a real calendar date), an ISO date-time without an offset when no zone is given, or a
    /// local time the zone skips or has twice.
    ///
    /// ```
    /// use nebulk_validate::rules::{DateError, DateRule};
    /// let chicago = DateRule::iso().in_zone(chrono_tz::America::Chicago);
    /// let gap = chicago.read("2026-03-08T02:30:00").unwrap_err();
    /// assert!(matches!(gap, DateError::Skipped { .. }), "{gap}");
    /// let overlap = chicago.read("2026-11-01T01:30:00").unwrap_err();
    /// assert!(overlap.to_string().contains("at -05:00 and at -06:00"), "{overlap}");
    /// ```
    pub fn read(&self, value: &str) -> Result<DateTime<FixedOffset>, DateError> {
        match parse_iso(value) {
            Some(DateValue::Zoned(instant)) => return Ok(instant),
            Some(DateValue::Day(day)) => return self.midnight(value, day),
            Some(DateValue::Local(local)) => match self.zone {
                Some(zone) => return in_zone(value, zone, local, ""),
                // Unless the layout reads it (in UTC, as it reads any offset-less time).
                None if self.layout.is_none() => {
                    return Err(DateError::NoOffset {
                        value: quote_value(value),
                    })
                }
                None => {}
            },
            None => {}
        }
        let Some(layout) = &self.layout else {
            return Err(DateError::NotIso {
                value: quote_value(value),
            });
        };
        match layout.parse(value) {
            Some(DateValue::Zoned(instant)) => Ok(instant),
            Some(DateValue::Local(local)) => self.local(value, local),
            Some(DateValue::Day(day)) => self.midnight(value, day),
            None if matches!(parse_iso(value), Some(DateValue::Local(_))) => {
                Err(DateError::NoOffset {
                    value: quote_value(value),
                })
            }
            None => Err(DateError::NotInLayout {
                value: quote_value(value),
                format: layout.as_str().to_string(),
            }),
        }
    }

    /// Parses a trimmed value; `None` when [`DateRule::read`] gives an error.
    pub fn parse(&self, value: &str) -> Option<DateTime<FixedOffset>> {
        self.read(value).ok()
    }

    /// Parses and writes the value in the normalised form.
    pub fn normalize(&self, value: &str) -> Option<String> {
        self.parse(value).map(|d| format_date(&d))
    }

    /// A local date-time in the zone, or in UTC.
    fn local(&self, value: &str, local: NaiveDateTime) -> Result<DateTime<FixedOffset>, DateError> {
        match self.zone {
            Some(zone) => in_zone(value, zone, local, ""),
            None => Ok(local.and_utc().fixed_offset()),
        }
    }

    /// The midnight starting `day` in the zone, or in UTC.
    fn midnight(&self, value: &str, day: NaiveDate) -> Result<DateTime<FixedOffset>, DateError> {
        let local = day.and_time(NaiveTime::MIN);
        match self.zone {
            Some(zone) => in_zone(value, zone, local, " at midnight"),
            None => Ok(local.and_utc().fixed_offset()),
        }
    }
}

/// `local` in `zone`: the one instant it names there, or why there is not exactly one.
fn in_zone(
    value: &str,
    zone: Tz,
    local: NaiveDateTime,
    at_midnight: &'static str,
) -> Result<DateTime<FixedOffset>, DateError> {
    match zone.from_local_datetime(&local) {
        // Before standard time, zones kept local mean time, an offset in seconds
        // (Chicago's was -05:50:36 until 1883) that RFC 3339 cannot write.
        LocalResult::Single(instant) if instant.offset().fix().local_minus_utc() % 60 != 0 => {
            Err(DateError::SecondsOffset {
                value: quote_value(value),
                at_midnight,
                zone: zone.name(),
                offset: instant.offset().fix(),
            })
        }
        LocalResult::Single(instant) => Ok(instant.fixed_offset()),
        LocalResult::Ambiguous(earlier, later) => Err(DateError::Ambiguous {
            value: quote_value(value),
            at_midnight,
            zone: zone.name(),
            earlier: earlier.offset().fix(),
            later: later.offset().fix(),
        }),
        LocalResult::None => {
            // The offsets a day either side: a zone changes its offset at most once in two
            // days (Pacific/Apia skipped all of 2011-12-30, the longest gap on record).
            let offset_at = |shift: TimeDelta| {
                let utc = local.checked_add_signed(shift).unwrap_or(local);
                zone.offset_from_utc_datetime(&utc).fix()
            };
            Err(DateError::Skipped {
                value: quote_value(value),
                at_midnight,
                zone: zone.name(),
                before: offset_at(TimeDelta::days(-1)),
                after: offset_at(TimeDelta::days(1)),
            })
        }
    }
}

/// The IANA time zone named `name` (`America/Chicago`, `Europe/Berlin`, `UTC`), from the tz
/// database compiled in (`chrono-tz`).
///
/// # Errors
///
/// [`UnknownZone`] for a name the database does not have; it suggests the name spelled with
/// other capitals when there is one.
///
/// ```
/// use nebulk_validate::rules::time_zone;
/// assert_eq!(time_zone("America/Chicago").unwrap(), chrono_tz::America::Chicago);
/// let err = time_zone("america/chicago").unwrap_err();
/// assert!(err.to_string().ends_with("did you mean America/Chicago?"), "{err}");
/// ```
pub fn time_zone(name: &str) -> Result<Tz, UnknownZone> {
    name.parse::<Tz>().map_err(|_| UnknownZone {
        name: name.to_string(),
        suggestion: chrono_tz::TZ_VARIANTS
            .iter()
            .find(|zone| zone.name().eq_ignore_ascii_case(name.trim()))
            .map(|zone| zone.name()),
    })
}

/// A time zone name the tz database does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time zone `{name}`: give an IANA name such as America/Chicago, Europe/Berlin or UTC{}", .suggestion.map(|s| format!("; did you mean {s}?")).unwrap_or_default())]
pub struct UnknownZone {
    name: String,
    suggestion: Option<&'static str>,
}

/// A date-time in the upload form, held without allocating.
///
/// ```
/// let d = chrono::DateTime::parse_from_rfc3339("2026-03-24T08:00:00-05:00").unwrap();
/// assert_eq!(nebulk_validate::rules::DateText::new(&d).as_str(), "2026-03-24T08:00:00-05:00");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateText {
    bytes: [u8; 30],
    len: u8,
}

impl DateText {
    /// Formats `value` as [`format_date`] does.
    pub fn new(value: &DateTime<FixedOffset>) -> DateText {
        // The local date and time once: each accessor of the zoned value would work it out.
        let local = value.naive_local();
        let year = local.year();
        if !(0..=9999).contains(&year) {
            // Years chrono allows beyond four digits: rare, so its own formatting will do.
            let long = format_date(value);
            let mut text = DateText {
                bytes: [0; 30],
                len: 0,
            };
            let n = long.len().min(text.bytes.len());
            text.bytes[..n].copy_from_slice(&long.as_bytes()[..n]);
            text.len = n as u8;
            return text;
        }
        let offset = value.offset().local_minus_utc();
        let (sign, offset) = if offset < 0 {
            (b'-', -offset as u32)
        } else {
            (b'+', offset as u32)
        };
        // Every number has its fixed place in `YYYY-MM-DDTHH:MM:SS+HH:MM`, two digits each:
        // written at constant positions, with no length to keep track of.
        const LAYOUT: &[u8; 25] = b"0000-00-00T00:00:00+00:00";
        let mut bytes = [0; 30];
        bytes[..LAYOUT.len()].copy_from_slice(LAYOUT);
        bytes[19] = sign;
        let numbers = [
            (0, year as u32 / 100),
            (2, year as u32 % 100),
            (5, local.month()),
            (8, local.day()),
            (11, local.hour()),
            (14, local.minute()),
            (17, local.second()),
            (20, offset / 3600),
            (23, offset / 60 % 60),
        ];
        for (at, number) in numbers {
            bytes[at] = b'0' + (number / 10 % 10) as u8;
            bytes[at + 1] = b'0' + (number % 10) as u8;
        }
        DateText {
            bytes,
            len: LAYOUT.len() as u8,
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// The text's bytes: digits, `-`, `:`, `T` and `+`, which never need quotes in a CSV file.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

/// Writes a date-time in the upload form, RFC 3339 with seconds: `2026-03-24T08:00:00-05:00`.
///
/// ```
/// let d = chrono::DateTime::parse_from_rfc3339("2026-03-24T08:00:00.9Z").unwrap();
/// assert_eq!(nebulk_validate::rules::format_date(&d), "2026-03-24T08:00:00+00:00");
/// ```
pub fn format_date(value: &DateTime<FixedOffset>) -> String {
    value.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// Reads ISO 8601: `YYYY-MM-DD`, or a date-time (`T`, `t` or a space between) with an offset
/// (`Z`, `+01:00`), with or without seconds and a fraction, or the same without an offset.
fn parse_iso(value: &str) -> Option<DateValue> {
    let bytes = value.as_bytes();
    if bytes.len() < 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    if bytes.len() == 10 {
        // Digits read by hand; chrono decides whether the date exists.
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            bytes[range].iter().try_fold(0u32, |n, b| {
                b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
            })
        };
        let year = i32::try_from(number(0..4)?).ok()?;
        return NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?).map(DateValue::Day);
    }
    if !matches!(bytes[10], b'T' | b't' | b' ') {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(value) {
        return Some(DateValue::Zoned(d));
    }
    // ISO 8601 allows leaving out the seconds: `2020-03-24T00:00-05:00`.
    let hh_mm_end = 16;
    if bytes.len() > hh_mm_end
        && bytes[13] == b':'
        && matches!(bytes[hh_mm_end], b'Z' | b'z' | b'+' | b'-')
    {
        // Seconds put in on the stack: a date-time is far shorter than the buffer.
        let mut buffer = [0u8; 64];
        let rest = &bytes[hh_mm_end..];
        let total = hh_mm_end + 3 + rest.len();
        let with_seconds = buffer.get_mut(..total)?;
        with_seconds[..hh_mm_end].copy_from_slice(&bytes[..hh_mm_end]);
        with_seconds[hh_mm_end..hh_mm_end + 3].copy_from_slice(b":00");
        with_seconds[hh_mm_end + 3..].copy_from_slice(rest);
        let with_seconds = std::str::from_utf8(with_seconds).ok()?;
        return DateTime::parse_from_rfc3339(with_seconds)
            .ok()
            .map(DateValue::Zoned);
    }
    parse_local(value).map(DateValue::Local)
}

/// An ISO 8601 date-time without an offset: `2026-03-24T08:00:00`, `2026-03-24T08:00`,
/// `2026-03-24 08:00:00.250`.
fn parse_local(value: &str) -> Option<NaiveDateTime> {
    let (date, time) = (value.get(..10)?, value.get(11..)?);
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    // `%H:%M` or `%H:%M:%S`, with an optional fraction: exactly the digits ISO 8601 has.
    let time_bytes = time.as_bytes();
    let two_digits = |at: usize| {
        time_bytes
            .get(at..at + 2)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let layout = match time_bytes.len() {
        5 if two_digits(0) && two_digits(3) => "%H:%M",
        8.. if two_digits(0) && two_digits(3) && two_digits(6) => "%H:%M:%S%.f",
        _ => return None,
    };
    let time = NaiveTime::parse_from_str(time, layout).ok()?;
    Some(date.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America;

    #[test]
    fn iso_dates_are_real_calendar_dates() {
        let iso = DateRule::iso();
        for ok in ["2024-02-29", "2026-12-31", "2000-01-01"] {
            assert!(iso.parse(ok).is_some(), "{ok}");
        }
        for bad in [
            "2023-02-29",
            "2024-02-30",
            "2026-13-01",
            "2026-00-10",
            "2026-1-5",
            "26-01-05",
            "",
            "2026-01-05x",
        ] {
            assert!(iso.parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn iso_date_times_need_an_offset_or_a_zone() {
        let iso = DateRule::iso();
        assert_eq!(
            iso.normalize("2020-04-05T08:00:00-10:00").unwrap(),
            "2020-04-05T08:00:00-10:00"
        );
        assert_eq!(
            iso.normalize("2020-04-05t08:00:00z").unwrap(),
            "2020-04-05T08:00:00+00:00"
        );
        assert_eq!(
            iso.normalize("2020-04-05 08:00+05:30").unwrap(),
            "2020-04-05T08:00:00+05:30"
        );
        assert!(iso.parse("2020-04-05T25:00:00Z").is_none(), "hour 25");
        assert!(iso.parse("2020-04-05T08:00-5").is_none());
        // Issue 9: a valid ISO 8601 date-time without an offset is not "not a date".
        for local in [
            "2026-03-24T08:00:00",
            "2026-03-24T08:00",
            "2026-03-24 08:00:00",
            "2026-03-24t08:00:00.250",
        ] {
            assert_eq!(
                iso.read(local),
                Err(DateError::NoOffset {
                    value: quote_value(local)
                }),
                "{local}"
            );
            let utc = DateRule::iso().in_zone(Tz::UTC);
            assert_eq!(
                utc.normalize(local).unwrap(),
                "2026-03-24T08:00:00+00:00",
                "{local}"
            );
        }
        for bad in [
            "2026-03-24T8:00",
            "2026-03-24T08:00:0",
            "2026-03-24T08",
            "2026-03-24T08:60",
            "2026-03-24T08:00:00.",
            "2026-03-24T08:00:00 ",
        ] {
            let rule = DateRule::iso().in_zone(Tz::UTC);
            assert!(
                matches!(rule.read(bad), Err(DateError::NotIso { .. })),
                "{bad}: {:?}",
                rule.read(bad)
            );
        }
    }

    #[test]
    fn dates_are_midnight_in_the_zone() {
        // Issue 9: 2026-01-05 was midnight UTC, 4 January in Chicago.
        let chicago = DateRule::iso().in_zone(America::Chicago);
        assert_eq!(
            chicago.normalize("2026-01-05").unwrap(),
            "2026-01-05T00:00:00-06:00"
        );
        assert_eq!(
            chicago.normalize("2026-07-05").unwrap(),
            "2026-07-05T00:00:00-05:00"
        );
        assert_eq!(
            chicago.normalize("2026-03-24T08:00").unwrap(),
            "2026-03-24T08:00:00-05:00"
        );
        assert_eq!(
            chicago.normalize("2026-03-24T08:00:00+01:00").unwrap(),
            "2026-03-24T08:00:00+01:00",
            "an offset given is kept"
        );
        assert_eq!(
            DateRule::iso().normalize("2026-01-05").unwrap(),
            "2026-01-05T00:00:00+00:00",
            "UTC without a zone, as before"
        );
    }

    #[test]
    fn gaps_and_overlaps_are_errors_never_guesses() {
        let chicago = DateRule::iso().in_zone(America::Chicago);
        assert_eq!(
            chicago.read("2026-03-08T02:30:00").unwrap_err().to_string(),
            "'2026-03-08T02:30:00' does not exist in America/Chicago: the clocks skip from \
             -06:00 to -05:00 around it (a daylight-saving or zone change); correct it or give \
             its offset"
        );
        assert_eq!(
            chicago.read("2026-11-01 01:30").unwrap_err().to_string(),
            "'2026-11-01 01:30' is ambiguous in America/Chicago: it happens twice, at -05:00 \
             and at -06:00 (the clocks go back); give its offset"
        );
        // São Paulo started daylight saving time at midnight: 2018-11-04 had no 00:00.
        let sao_paulo = DateRule::iso().in_zone(America::Sao_Paulo);
        assert_eq!(
            sao_paulo.read("2018-11-04").unwrap_err().to_string(),
            "'2018-11-04' at midnight does not exist in America/Sao_Paulo: the clocks skip \
             from -03:00 to -02:00 around it (a daylight-saving or zone change); correct it or \
             give its offset"
        );
        // Cuba ends it at 01:00, back to 00:00: midnight of 2024-11-03 happened twice.
        let havana = DateRule::iso().in_zone(America::Havana);
        assert!(matches!(
            havana.read("2024-11-03"),
            Err(DateError::Ambiguous {
                at_midnight: " at midnight",
                ..
            })
        ));
        let lmt = chicago.read("1880-01-01").unwrap_err().to_string();
        assert!(
            lmt.contains("at the offset -05:50:36 (local mean time"),
            "{lmt}"
        );
        // Samoa skipped a whole day, 2011-12-30.
        let apia = DateRule::iso().in_zone(chrono_tz::Pacific::Apia);
        let skipped = apia.read("2011-12-30T12:00:00").unwrap_err().to_string();
        assert!(skipped.contains("from -10:00 to +14:00"), "{skipped}");
        // Layouts are read in the zone too.
        let layout = DateRule::with_format("%m/%d/%Y %H:%M").in_zone(America::Chicago);
        assert!(matches!(
            layout.read("03/08/2026 02:30"),
            Err(DateError::Skipped { .. })
        ));
    }

    #[test]
    fn other_layouts_need_an_explicit_format() {
        assert!(DateRule::iso().parse("24.03.2026").is_none());
        let de = DateRule::with_format("%d.%m.%Y");
        assert_eq!(
            de.normalize("24.03.2026").unwrap(),
            "2026-03-24T00:00:00+00:00"
        );
        assert!(de.parse("31.02.2026").is_none());
        assert!(de.parse("2026-03-24").is_some(), "ISO stays accepted");
        assert_eq!(
            de.read("2026-03-24T08:00").unwrap_err().to_string(),
            "'2026-03-24T08:00' is a date-time with no UTC offset; add one or pass --timezone"
        );
        let with_time = DateRule::with_format("%d/%m/%Y %H:%M");
        assert_eq!(
            with_time.normalize("24/03/2026 14:30").unwrap(),
            "2026-03-24T14:30:00+00:00"
        );
        let iso_layout = DateRule::with_format("%Y-%m-%dT%H:%M:%S");
        assert_eq!(
            iso_layout.normalize("2026-03-24T08:00:00").unwrap(),
            "2026-03-24T08:00:00+00:00",
            "a layout without an offset reads in UTC, as before"
        );
    }

    #[test]
    fn date_text_is_format_date_without_allocating() {
        for value in [
            "2026-03-24T08:05:09-05:30",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59+14:00",
            "2024-02-29T12:00:00.999-00:01",
        ] {
            let date = DateTime::parse_from_rfc3339(value).unwrap();
            assert_eq!(DateText::new(&date).as_str(), format_date(&date), "{value}");
        }
        let far = NaiveDate::from_ymd_opt(12345, 6, 7)
            .unwrap()
            .and_time(NaiveTime::MIN)
            .and_utc()
            .fixed_offset();
        assert_eq!(DateText::new(&far).as_str(), format_date(&far));
    }

    proptest::proptest! {
        /// Issue 9: an offset-less date-time read in a zone is the same instant as the value
        /// with the offset the zone has then spelled out.
        #[test]
        fn a_local_time_in_a_zone_is_the_time_with_its_offset(
            seconds in -2_000_000_000i64..4_000_000_000,
            zone_index in 0..chrono_tz::TZ_VARIANTS.len(),
            separator in "[T ]",
        ) {
            let zone = chrono_tz::TZ_VARIANTS[zone_index];
            let instant = DateTime::from_timestamp(seconds, 0).unwrap().with_timezone(&zone);
            let local = instant.naive_local();
            let rule = DateRule::iso().in_zone(zone);
            let text = local.format(&format!("%Y-%m-%d{separator}%H:%M:%S")).to_string();
            let spelled = format_date(&instant.fixed_offset());
            // (Offsets in seconds, before standard time, are refused: see below.)
            match rule.read(&text) {
                Ok(read) => {
                    proptest::prop_assert_eq!(read, instant.fixed_offset());
                    proptest::prop_assert_eq!(format_date(&read), spelled.clone());
                    proptest::prop_assert_eq!(rule.read(&spelled), Ok(read));
                }
                Err(DateError::SecondsOffset { offset, .. }) => {
                    proptest::prop_assert_eq!(offset, instant.offset().fix());
                }
                // The local time is had twice: the message names the instant's offset.
                Err(DateError::Ambiguous { earlier, later, .. }) => {
                    let offset = instant.offset().fix();
                    proptest::prop_assert!(offset == earlier || offset == later);
                }
                Err(other) => proptest::prop_assert!(false, "{text} in {zone}: {other}"),
            }
        }
    }
}
