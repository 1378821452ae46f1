//! The value rules: email, phone, date and length. Each is a pure function of one value.

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, SecondsFormat,
    TimeZone, Timelike, Utc,
};
use validator::ValidateEmail;

/// The longest value accepted by default, in characters.
pub const DEFAULT_MAX_VALUE_LEN: usize = 255;

/// Whether `value` is an email address, by the `validator` crate's check (the HTML5 / RFC 5322
/// subset browsers use, with length limits of RFC 5321).
///
/// ```
/// use nebulk_validate::rules::is_email;
/// assert!(is_email("ann.lee@example.com"));
/// assert!(!is_email("ann.lee@"));
/// assert!(!is_email("ann lee@example.com"));
/// ```
pub fn is_email(value: &str) -> bool {
    plain_ascii_email(value) || value.validate_email()
}

/// The common case of [`is_email`] without regular expressions: an ASCII address whose local
/// part matches the HTML5 set `[A-Za-z0-9.!#$%&'*+/=?^_\`{|}~-]` (at most 64 characters) and
/// whose domain is host labels `[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?` joined by dots (at
/// most 255 characters). These are exactly the `validator` crate's regular expressions, so
/// `true` here means `validator` says `true`; anything else (IDN domains, address literals,
/// and every rejection) is left to `validator`.
fn plain_ascii_email(value: &str) -> bool {
    let Some(at) = value.rfind('@') else {
        return false;
    };
    let (user, domain) = (&value.as_bytes()[..at], &value.as_bytes()[at + 1..]);
    let user_ok = !user.is_empty()
        && user.len() <= 64
        && user
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b".!#$%&'*+/=?^_`{|}~-".contains(b));
    user_ok
        && domain.len() <= 255
        && !domain.is_empty()
        && domain.split(|b| *b == b'.').all(host_label)
}

/// `[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?`
fn host_label(label: &[u8]) -> bool {
    match (label.first(), label.last()) {
        (Some(first), Some(last)) => {
            label.len() <= 63
                && first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && label
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        }
        _ => false,
    }
}

/// Whether `value` is a phone number: an optional leading `+`, then digits and the separators
/// space, `-`, `.`, `(`, `)` and `/`, with 7 to 15 digits in all (15 is the E.164 maximum).
///
/// ```
/// use nebulk_validate::rules::is_phone;
/// assert!(is_phone("+1 (512) 555-0147"));
/// assert!(is_phone("020 7946 0958"));
/// assert!(!is_phone("555-CALL-NOW"));
/// assert!(!is_phone("12345"));
/// assert!(!is_phone("+1 512 555 0147 0000 1")); // 16 digits
/// ```
pub fn is_phone(value: &str) -> bool {
    let rest = value.strip_prefix('+').unwrap_or(value);
    let mut digits = 0usize;
    for b in rest.bytes() {
        match b {
            b'0'..=b'9' => digits += 1,
            b' ' | b'-' | b'.' | b'(' | b')' | b'/' => {}
            _ => return false,
        }
    }
    (7..=15).contains(&digits)
}

/// `value` without leading and trailing whitespace, as [`str::trim`] gives it, but without
/// decoding a character when both ends are plainly not whitespace (the common case).
///
/// ```
/// use nebulk_validate::rules::trim;
/// assert_eq!(trim(" Ann\t"), "Ann");
/// assert_eq!(trim("\u{a0}Zoë\u{2003}"), "Zoë");
/// assert_eq!(trim("Ann Lee"), "Ann Lee");
/// ```
pub fn trim(value: &str) -> &str {
    // ASCII whitespace as `char::is_whitespace` sees it: space and \t \n \x0B \x0C \r.
    let plain = |b: &u8| b.is_ascii() && !matches!(b, b' ' | b'\t'..=b'\r');
    let bytes = value.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) if plain(first) && plain(last) => value,
        _ => value.trim(),
    }
}

/// Whether a spreadsheet opening the value in a CSV file would take it for a formula: it
/// starts with `=`, `@`, a tab or a carriage return, or with `+` or `-` followed by anything but
/// a plain number (digits, spaces and `. , ( ) / -`), so that phone numbers such as
/// `+1 512 555 0100` and negative numbers pass. This is how CSV injection (OWASP) reaches a
/// spreadsheet.
///
/// ```
/// use nebulk_validate::rules::looks_like_formula;
/// assert!(looks_like_formula("=HYPERLINK(\"http://x\",\"click\")"));
/// assert!(looks_like_formula("@SUM(A1)"));
/// assert!(looks_like_formula("-2+3+cmd|' /C calc'!A0"));
/// assert!(looks_like_formula("+A1"));
/// assert!(!looks_like_formula("+1 (512) 555-0100"));
/// assert!(!looks_like_formula("-12.5"));
/// assert!(!looks_like_formula("Ann=Lee"));
/// ```
#[inline]
pub fn looks_like_formula(value: &str) -> bool {
    let bytes = value.as_bytes();
    match bytes.first() {
        Some(b'=' | b'@' | b'\t' | b'\r') => true,
        Some(b'+' | b'-') => !bytes[1..].iter().all(|b| {
            b.is_ascii_digit() || matches!(b, b' ' | b'.' | b',' | b'(' | b')' | b'/' | b'-')
        }),
        _ => false,
    }
}

/// The number of characters in `value`, at no cost for ASCII.
///
/// ```
/// assert_eq!(nebulk_validate::rules::char_len("Zoë"), 3);
/// ```
pub fn char_len(value: &str) -> usize {
    if value.is_ascii() {
        value.len()
    } else {
        value.chars().count()
    }
}

/// Reads dates. ISO 8601 is always accepted: a calendar date `2026-03-24`, or a date-time with
/// an offset, `2026-03-24T08:00:00-05:00`, `2026-03-24T08:00Z`, `2026-03-24T08:00:00.250+01:00`.
/// Any other layout only through an explicit chrono `strftime` format.
///
/// Dates are normalised to RFC 3339 with seconds, `2026-03-24T08:00:00-05:00`, keeping the
/// offset given; a date without a time is midnight UTC, `2026-03-24T00:00:00+00:00`.
///
/// ```
/// use nebulk_validate::rules::DateRule;
/// let iso = DateRule::iso();
/// assert_eq!(iso.normalize("2026-03-24").unwrap(), "2026-03-24T00:00:00+00:00");
/// assert_eq!(iso.normalize("2020-03-24T00:00-05:00").unwrap(), "2020-03-24T00:00:00-05:00");
/// assert!(iso.parse("2024-02-30").is_none());
/// assert!(iso.parse("03/24/2026").is_none());
///
/// let us = DateRule::with_format("%m/%d/%Y");
/// assert_eq!(us.normalize("03/24/2026").unwrap(), "2026-03-24T00:00:00+00:00");
/// ```
#[derive(Debug, Clone, Default)]
pub struct DateRule {
    format: Option<String>,
}

impl DateRule {
    /// ISO 8601 only.
    pub fn iso() -> DateRule {
        DateRule { format: None }
    }

    /// ISO 8601, and also `format` (chrono `strftime` syntax). A format with a time but no
    /// offset reads the time as UTC.
    pub fn with_format(format: &str) -> DateRule {
        DateRule {
            format: Some(format.to_string()),
        }
    }

    /// The explicit format, if any.
    pub fn format(&self) -> Option<&str> {
        self.format.as_deref()
    }

    /// Parses a trimmed value; `None` when it is not a real date in an accepted layout.
    pub fn parse(&self, value: &str) -> Option<DateTime<FixedOffset>> {
        parse_iso(value).or_else(|| {
            let format = self.format.as_deref()?;
            parse_with_format(value, format)
        })
    }

    /// Parses and writes the value in the normalised form.
    pub fn normalize(&self, value: &str) -> Option<String> {
        self.parse(value).map(|d| format_date(&d))
    }
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
        let mut text = DateText {
            bytes: [0; 30],
            len: 0,
        };
        // The local date and time once: each accessor of the zoned value would work it out.
        let local = value.naive_local();
        let year = local.year();
        if (0..=9999).contains(&year) {
            let offset = value.offset().local_minus_utc();
            let (sign, offset) = if offset < 0 {
                (b'-', -offset)
            } else {
                (b'+', offset)
            };
            text.push2(year as u32 / 100);
            text.push2(year as u32 % 100);
            let fields = [
                (b'-', local.month()),
                (b'-', local.day()),
                (b'T', local.hour()),
                (b':', local.minute()),
                (b':', local.second()),
                (sign, offset as u32 / 3600),
                (b':', offset as u32 / 60 % 60),
            ];
            for (separator, number) in fields {
                text.push(separator);
                text.push2(number);
            }
        } else {
            // Years chrono allows beyond four digits: rare, so its own formatting will do.
            let long = format_date(value);
            let n = long.len().min(text.bytes.len());
            text.bytes[..n].copy_from_slice(&long.as_bytes()[..n]);
            text.len = n as u8;
        }
        text
    }

    fn push(&mut self, byte: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len as usize) {
            *slot = byte;
            self.len += 1;
        }
    }

    /// Two decimal digits.
    fn push2(&mut self, number: u32) {
        self.push(b'0' + (number / 10 % 10) as u8);
        self.push(b'0' + (number % 10) as u8);
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
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

fn utc() -> FixedOffset {
    Utc.fix()
}

fn midnight_utc(date: NaiveDate) -> Option<DateTime<FixedOffset>> {
    utc()
        .from_local_datetime(&date.and_time(NaiveTime::MIN))
        .single()
}

fn parse_iso(value: &str) -> Option<DateTime<FixedOffset>> {
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
        let date = NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)?;
        return midnight_utc(date);
    }
    if !matches!(bytes[10], b'T' | b't' | b' ') {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(value) {
        return Some(d);
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
        return DateTime::parse_from_rfc3339(with_seconds).ok();
    }
    None
}

fn parse_with_format(value: &str, format: &str) -> Option<DateTime<FixedOffset>> {
    if let Ok(d) = DateTime::parse_from_str(value, format) {
        return Some(d);
    }
    if let Ok(d) = NaiveDateTime::parse_from_str(value, format) {
        return utc().from_local_datetime(&d).single();
    }
    NaiveDate::parse_from_str(value, format)
        .ok()
        .and_then(midnight_utc)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn iso_date_times_need_an_offset() {
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
        assert!(iso.parse("2020-04-05T08:00:00").is_none(), "no offset");
        assert!(iso.parse("2020-04-05T25:00:00Z").is_none(), "hour 25");
        assert!(iso.parse("2020-04-05T08:00-5").is_none());
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
        let with_time = DateRule::with_format("%d/%m/%Y %H:%M");
        assert_eq!(
            with_time.normalize("24/03/2026 14:30").unwrap(),
            "2026-03-24T14:30:00+00:00"
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

    #[test]
    fn phone_rule_edges() {
        assert!(is_phone("1234567"));
        assert!(!is_phone("123456"));
        assert!(is_phone("+123456789012345"));
        assert!(!is_phone("+1234567890123456"));
        assert!(!is_phone("++1234567"));
        assert!(!is_phone("1234567+"));
        assert!(!is_phone("１２３４５６７"), "full-width digits");
        assert!(is_phone("+49/30.1234-567"));
    }

    proptest::proptest! {
        #[test]
        fn valid_phone_numbers_never_look_like_formulas(value in "[+]?[0-9 ().\\/-]{7,24}") {
            if is_phone(&value) {
                proptest::prop_assert!(!looks_like_formula(&value), "{value:?}");
            }
        }

        #[test]
        fn anything_after_equals_or_at_looks_like_a_formula(sign in "[=@]", rest in ".{0,12}") {
            let value = format!("{sign}{rest}");
            proptest::prop_assert!(looks_like_formula(&value));
        }

        #[test]
        fn a_sign_then_a_letter_looks_like_a_formula(
            sign in "[+-]", number in "[0-9]{0,4}", op in "[+*/^&|!A-Za-z]", rest in ".{0,8}",
        ) {
            // A letter or an operator after the sign makes a cell reference, a function or
            // arithmetic on one: never a plain number.
            let value = format!("{sign}{number}{op}{rest}");
            proptest::prop_assert!(looks_like_formula(&value) || op == "/", "{value:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_email_fast_path_agrees_with_validator(
            value in "[a-z0-9.+_'@-]{0,12}(@[a-zA-Z0-9.-]{0,12})?|[ -~]{0,20}"
        ) {
            let fast = plain_ascii_email(&value);
            let slow = value.validate_email();
            // The fast path never accepts what validator rejects...
            proptest::prop_assert!(!fast || slow, "fast path accepted {value:?}");
            // ...and for plain host names (no `[` literal, ASCII) it decides the same.
            if !value.contains('[') {
                proptest::prop_assert_eq!(fast, slow, "{:?}", value);
            }
        }
    }

    #[test]
    fn email_rule_edges() {
        for ok in [
            "a@b.co",
            "first.last+tag@sub.example.org",
            "o'brien@example.ie",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "",
            "plain",
            "@example.com",
            "a@@b.com",
            "a b@c.com",
            "a@b..com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }
}
