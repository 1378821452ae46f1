//! Date layouts: a chrono `strftime` layout, checked once before any value is read, and what a
//! value read in it holds (a date, a local date-time, or a date-time with its offset).
//!
//! The validator's `--date-format` and the mapping's `{ date = "FMT" }` transform both read
//! through a [`DateLayout`], so that both refuse the same layouts with the same reasons: one
//! chrono cannot parse (`%Q`), and one that cannot describe a date (`%H:%M` alone).
//!
//! ```
//! use nebulk_read::date::{DateLayout, DateValue};
//! let layout = DateLayout::new("%d/%m/%Y %H:%M").unwrap();
//! let value = layout.parse("24/03/2026 08:30").unwrap();
//! assert!(matches!(value, DateValue::Local(_)));
//! assert!(DateLayout::new("%Q").is_err());
//! assert!(DateLayout::new("%H:%M").is_err());
//! ```

use std::fmt::Write as _;

use chrono::format::{Item, Parsed, StrftimeItems};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

/// What a date value holds once read: how much of an instant it names.
///
/// ```
/// use nebulk_read::date::DateValue;
/// let day = DateValue::Day(chrono::NaiveDate::from_ymd_opt(2026, 3, 24).unwrap());
/// assert_eq!(day.to_iso_text(), "2026-03-24");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateValue {
    /// A date-time with its offset from UTC: an instant.
    Zoned(DateTime<FixedOffset>),
    /// A date-time without an offset: an instant only once a time zone is known.
    Local(NaiveDateTime),
    /// A calendar date without a time of day.
    Day(NaiveDate),
}

impl DateValue {
    /// The value as ISO 8601 text, keeping what it holds: `2026-03-24T08:30:00-05:00` (RFC 3339
    /// with seconds), `2026-03-24T08:30:00` (no offset), or `2026-03-24`.
    ///
    /// ```
    /// use nebulk_read::date::DateLayout;
    /// let layout = DateLayout::new("%d.%m.%Y %H:%M").unwrap();
    /// assert_eq!(layout.parse("24.03.2026 08:30").unwrap().to_iso_text(), "2026-03-24T08:30:00");
    /// ```
    pub fn to_iso_text(&self) -> String {
        match self {
            DateValue::Zoned(d) => d.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            DateValue::Local(d) => d.format("%Y-%m-%dT%H:%M:%S").to_string(),
            DateValue::Day(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// The instant, reading a value without an offset in UTC (a date as its midnight):
    /// nebulk's reading when no time zone is given.
    ///
    /// ```
    /// use nebulk_read::date::DateLayout;
    /// let day = DateLayout::new("%d/%m/%Y").unwrap().parse("24/03/2026").unwrap();
    /// assert_eq!(day.in_utc().unwrap().to_rfc3339(), "2026-03-24T00:00:00+00:00");
    /// ```
    pub fn in_utc(&self) -> Option<DateTime<FixedOffset>> {
        let utc = FixedOffset::east_opt(0)?;
        match *self {
            DateValue::Zoned(d) => Some(d),
            DateValue::Local(d) => utc.from_local_datetime(&d).single(),
            DateValue::Day(d) => utc
                .from_local_datetime(&d.and_time(NaiveTime::MIN))
                .single(),
        }
    }
}

/// A chrono `strftime` layout that can describe a date: checked when made, so that a layout
/// that would reject every value is refused before any value is read.
///
/// ```
/// use nebulk_read::date::DateLayout;
/// let layout = DateLayout::new("%m/%d/%Y").unwrap();
/// assert_eq!(layout.as_str(), "%m/%d/%Y");
/// assert!(layout.parse("02/30/2026").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateLayout {
    format: String,
    items: Vec<Item<'static>>,
}

/// Why a text is not a usable date layout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DateLayoutError {
    /// A `%` specifier chrono does not know, or a lone `%`.
    #[error(
        "`{format}` is not a chrono strftime layout: {what} (at character {at}) is not a \
         specifier chrono knows; see https://docs.rs/chrono/latest/chrono/format/strftime/"
    )]
    Unknown {
        /// The layout.
        format: String,
        /// The specifier.
        what: String,
        /// Its 1-based character position.
        at: usize,
    },
    /// The layout cannot describe a date: a date written in it cannot be read back.
    #[error(
        "`{format}` does not describe a date: 2026-03-24 08:05:09 written in it gives {written}, \
         which cannot be read back as that date (a layout needs a year, a month and a day, \
         e.g. %d/%m/%Y)"
    )]
    NoDate {
        /// The layout.
        format: String,
        /// What the sample date-time gives in it, quoted.
        written: String,
    },
}

impl DateLayout {
    /// Checks `format`: every `%` specifier must be one chrono knows, and the date-time
    /// 2026-03-24 08:05:09 -05:00 written in the layout must read back as 2026-03-24.
    ///
    /// # Errors
    ///
    /// [`DateLayoutError::Unknown`] naming the first unknown specifier (`%Q`);
    /// [`DateLayoutError::NoDate`] for a layout without a full date (`%H:%M`, `%m/%d`).
    ///
    /// ```
    /// use nebulk_read::date::DateLayout;
    /// let err = DateLayout::new("%d/%Q/%Y").unwrap_err();
    /// assert!(err.to_string().contains("`%Q` (at character 4)"), "{err}");
    /// let err = DateLayout::new("%H:%M").unwrap_err();
    /// assert!(err.to_string().contains("does not describe a date"), "{err}");
    /// ```
    pub fn new(format: &str) -> Result<DateLayout, DateLayoutError> {
        let items = match StrftimeItems::new(format).parse_to_owned() {
            Ok(items) => items,
            Err(_) => {
                let (what, at) = first_unknown_specifier(format);
                return Err(DateLayoutError::Unknown {
                    format: format.to_string(),
                    what,
                    at,
                });
            }
        };
        let layout = DateLayout {
            format: format.to_string(),
            items,
        };
        let no_date = |written: String| DateLayoutError::NoDate {
            format: format.to_string(),
            written,
        };
        let sample = sample_date_time();
        let mut written = String::new();
        // Formatting can still fail (a specifier that needs what a date-time lacks): an error,
        // never a panic as `to_string` would give.
        if write!(written, "{}", sample.format_with_items(layout.items.iter())).is_err() {
            return Err(no_date("nothing".to_string()));
        }
        let round_trip = layout.parse(&written).map(|value| match value {
            DateValue::Zoned(d) => d.date_naive(),
            DateValue::Local(d) => d.date(),
            DateValue::Day(d) => d,
        });
        if round_trip != Some(sample.date_naive()) {
            return Err(no_date(format!("'{}'", written.escape_debug())));
        }
        Ok(layout)
    }

    /// A layout taken as it is, unchecked: one [`DateLayout::new`] would refuse reads no value.
    ///
    /// ```
    /// let layout = nebulk_read::date::DateLayout::unchecked("%Q");
    /// assert!(layout.parse("anything").is_none());
    /// ```
    pub fn unchecked(format: &str) -> DateLayout {
        DateLayout {
            format: format.to_string(),
            items: StrftimeItems::new(format)
                .map(|item| item.to_owned())
                .collect(),
        }
    }

    /// The layout as given.
    pub fn as_str(&self) -> &str {
        &self.format
    }

    /// Reads `text` (whole) in the layout: a date-time with an offset when the layout has one,
    /// else a local date-time when it has a time, else a date. `None` when the text does not
    /// fit the layout or names no real date.
    ///
    /// ```
    /// use nebulk_read::date::{DateLayout, DateValue};
    /// let with_offset = DateLayout::new("%d/%m/%Y %H:%M %z").unwrap();
    /// assert!(matches!(with_offset.parse("24/03/2026 08:30 -0500"), Some(DateValue::Zoned(_))));
    /// let day = DateLayout::new("%d/%m/%Y").unwrap();
    /// assert!(matches!(day.parse("24/03/2026"), Some(DateValue::Day(_))));
    /// assert_eq!(day.parse("31/02/2026"), None);
    /// ```
    pub fn parse(&self, text: &str) -> Option<DateValue> {
        let mut parsed = Parsed::new();
        chrono::format::parse(&mut parsed, text, self.items.iter()).ok()?;
        if let Ok(d) = parsed.to_datetime() {
            return Some(DateValue::Zoned(d));
        }
        if let Ok(d) = parsed.to_naive_datetime_with_offset(0) {
            return Some(DateValue::Local(d));
        }
        let day = parsed.to_naive_date().ok()?;
        // A date with an offset but no time of day: midnight at that offset.
        match parsed.offset().and_then(FixedOffset::east_opt) {
            Some(offset) => offset
                .from_local_datetime(&day.and_time(NaiveTime::MIN))
                .single()
                .map(DateValue::Zoned),
            None => Some(DateValue::Day(day)),
        }
    }
}

/// 2026-03-24 08:05:09 -05:00: a day above 12, a month, hour, minute and second all different,
/// so that a layout mixing them up does not read it back.
fn sample_date_time() -> DateTime<FixedOffset> {
    let local = NaiveDate::from_ymd_opt(2026, 3, 24)
        .and_then(|d| d.and_hms_opt(8, 5, 9))
        .unwrap_or_default();
    FixedOffset::west_opt(5 * 3600)
        .and_then(|offset| offset.from_local_datetime(&local).single())
        .unwrap_or_default()
}

/// The first `%` specifier of `format` that chrono does not know, and its 1-based character
/// position: each specifier (`%` with its flags, such as `%-d`, `%.3f`, `%:z`) is tried alone.
fn first_unknown_specifier(format: &str) -> (String, usize) {
    let chars: Vec<(usize, char)> = format.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].1 != '%' {
            i += 1;
            continue;
        }
        let start = chars[i].0;
        let mut j = i + 1;
        while j < chars.len() && matches!(chars[j].1, '-' | '_' | '0'..='9' | '#' | ':' | '.') {
            j += 1;
        }
        let end = chars.get(j + 1).map_or(format.len(), |(at, _)| *at);
        let specifier = &format[start..end];
        let known = j < chars.len()
            && StrftimeItems::new(specifier).all(|item| !matches!(item, Item::Error));
        if !known {
            return (format!("`{specifier}`"), i + 1);
        }
        i = j + 1;
    }
    ("the layout".to_string(), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_specifiers_are_named_with_their_place() {
        for (format, named) in [
            ("%Q", "`%Q` (at character 1)"),
            ("%d/%m/%Y %", "`%` (at character 10)"),
            ("%Y-%m-%d %-Q", "`%-Q` (at character 10)"),
            ("Zoë %Y %K", "`%K` (at character 8)"),
        ] {
            let err = DateLayout::new(format).unwrap_err();
            assert!(
                matches!(err, DateLayoutError::Unknown { .. }),
                "{format}: {err}"
            );
            assert!(err.to_string().contains(named), "{format}: {err}");
        }
    }

    #[test]
    fn layouts_without_a_full_date_are_refused() {
        for format in ["%H:%M", "%m/%d", "%Y", "hello", "", "%Y-%m", "%d %H:%M"] {
            let err = DateLayout::new(format).unwrap_err();
            assert!(
                matches!(err, DateLayoutError::NoDate { .. }),
                "{format}: {err}"
            );
        }
        let err = DateLayout::new("%H:%M").unwrap_err().to_string();
        assert!(err.contains("gives '08:05'"), "{err}");
    }

    #[test]
    fn usual_layouts_are_accepted() {
        for format in [
            "%d/%m/%Y",
            "%m/%d/%Y",
            "%d.%m.%Y",
            "%Y%m%d",
            "%d-%b-%Y",
            "%A, %B %d, %Y",
            "%d/%m/%y",
            "%Y-%j",
            "%d/%m/%Y %H:%M",
            "%d/%m/%Y %I:%M %p",
            "%Y-%m-%dT%H:%M:%S%.f%:z",
            "%d/%m/%Y %z",
            "%s",
        ] {
            assert!(DateLayout::new(format).is_ok(), "{format}");
        }
    }

    #[test]
    fn values_keep_what_they_hold() {
        let zoned = DateLayout::new("%d/%m/%Y %H:%M %z").unwrap();
        assert_eq!(
            zoned.parse("24/03/2026 08:30 +0100").unwrap().to_iso_text(),
            "2026-03-24T08:30:00+01:00"
        );
        let day_with_offset = DateLayout::new("%d/%m/%Y %z").unwrap();
        assert_eq!(
            day_with_offset
                .parse("24/03/2026 -0500")
                .unwrap()
                .to_iso_text(),
            "2026-03-24T00:00:00-05:00"
        );
        let local = DateLayout::new("%d/%m/%Y %H:%M").unwrap();
        assert_eq!(
            local
                .parse("24/03/2026 08:30")
                .unwrap()
                .in_utc()
                .unwrap()
                .to_rfc3339(),
            "2026-03-24T08:30:00+00:00"
        );
        assert_eq!(local.parse("24/03/2026 08:30 "), None, "whole text");
    }

    #[test]
    fn an_unchecked_layout_reads_no_value_when_invalid() {
        // As --date-format did before it was checked: every value rejected, none misread.
        let layout = DateLayout::unchecked("%d/%m/%Y%Q");
        assert_eq!(layout.parse("24/03/2026"), None);
        let fine = DateLayout::unchecked("%d/%m/%Y");
        assert_eq!(fine, DateLayout::new("%d/%m/%Y").unwrap());
    }
}
