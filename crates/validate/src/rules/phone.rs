//! The phone rules: the plain rule (a leading `+`, digits and separators, 7 to 15 digits), and
//! E.164 through libphonenumber's numbering plans (`--phone-format e164`).

use std::fmt::{self, Write as _};

use nebulk_read::quote_value;
use phonenumber::country::Id;
use phonenumber::metadata::DATABASE;
use phonenumber::{Metadata, ParseError, PhoneNumber};

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
    digits_and_separators(value).is_some_and(|digits| (7..=15).contains(&digits))
}

/// The number of digits of an optional leading `+` followed by digits and the separators
/// space `-` `.` `(` `)` `/`; `None` for any other character.
fn digits_and_separators(value: &str) -> Option<usize> {
    let rest = value.strip_prefix('+').unwrap_or(value);
    let mut digits = 0usize;
    for b in rest.bytes() {
        match b {
            b'0'..=b'9' => digits += 1,
            b' ' | b'-' | b'.' | b'(' | b')' | b'/' => {}
            _ => return None,
        }
    }
    Some(digits)
}

/// A region whose numbering plan reads national numbers: an ISO 3166 alpha-2 code that
/// libphonenumber has metadata for.
///
/// ```
/// use nebulk_validate::rules::PhoneRegion;
/// assert_eq!(PhoneRegion::new("us").unwrap().code(), "US");
/// let err = PhoneRegion::new("XX").unwrap_err();
/// assert!(err.to_string().contains("not a region"), "{err}");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhoneRegion(Id);

/// A `--phone-region` that names no region libphonenumber knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a region with a numbering plan: give an ISO 3166 alpha-2 code such as US, GB, DE or IN")]
pub struct PhoneRegionError(String);

impl PhoneRegion {
    /// The region of an ISO 3166 alpha-2 code, in any case.
    ///
    /// # Errors
    ///
    /// [`PhoneRegionError`] when libphonenumber has no numbering plan under that code.
    pub fn new(code: &str) -> Result<PhoneRegion, PhoneRegionError> {
        code.trim()
            .to_ascii_uppercase()
            .parse::<Id>()
            .ok()
            .filter(|id| DATABASE.by_id(id.as_ref()).is_some())
            .map(PhoneRegion)
            .ok_or_else(|| PhoneRegionError(code.to_string()))
    }

    /// The region's code: `US`.
    pub fn code(&self) -> &str {
        self.0.as_ref()
    }
}

/// How PHONE attributes are checked and uploaded.
///
/// ```
/// use nebulk_validate::rules::{PhoneRegion, PhoneRule};
/// // Today's rule, the default: the value is uploaded as it is.
/// assert_eq!(PhoneRule::default().check("(512) 555-0100"), Ok(None));
/// // E.164: national numbers are read in the region and uploaded as E.164.
/// let us = PhoneRule::E164 { region: Some(PhoneRegion::new("US").unwrap()) };
/// assert_eq!(us.check("(512) 555-0100").unwrap().unwrap().as_str(), "+15125550100");
/// assert_eq!(us.check("+44 20 7946 0958").unwrap().unwrap().as_str(), "+442079460958");
/// assert!(us.check("555-0100").is_err());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PhoneRule {
    /// [`is_phone`]; the value is uploaded as it is.
    #[default]
    Plain,
    /// A valid number of its region's numbering plan (libphonenumber's metadata), uploaded
    /// as E.164 (`+15125550100`). Numbers without `+` are read in `region`.
    E164 {
        /// The region of national numbers; without it every number needs `+`.
        region: Option<PhoneRegion>,
    },
}

/// Why a value breaks the phone rule. The messages quote the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PhoneError {
    /// The plain rule is broken.
    #[error("{value} is not a phone number (+, digits and - . ( ) / or spaces; 7 to 15 digits)")]
    Plain {
        /// The value, quoted.
        value: String,
    },
    /// Characters other than digits, a leading `+` and separators, or too few digits.
    #[error("{value} is not a phone number (an optional leading +, then digits and - . ( ) / or spaces)")]
    NotANumber {
        /// The value, quoted.
        value: String,
    },
    /// A national number without a region to read it in.
    #[error("{value} has no country code and there is no region to read a national number in: start it with + and the country code, or pass --phone-region")]
    NoRegion {
        /// The value, quoted.
        value: String,
    },
    /// No country has the calling code the number starts with.
    #[error("{value} starts with no country's calling code")]
    UnknownCountryCode {
        /// The value, quoted.
        value: String,
    },
    /// Fewer digits than any number of the region has.
    #[error("{value} is too short for a phone number of {region}")]
    TooShort {
        /// The value, quoted.
        value: String,
        /// The region (`US`), or the calling code (`country code +44`).
        region: String,
    },
    /// More digits than any number of the region has.
    #[error("{value} is too long for a phone number of {region}")]
    TooLong {
        /// The value, quoted.
        value: String,
        /// The region (`US`), or the calling code (`country code +44`).
        region: String,
    },
    /// A plausible length, but no number of the region's plan.
    #[error("{value} is not a valid number in the numbering plan of {region}")]
    NotValid {
        /// The value, quoted.
        value: String,
        /// The region (`US`), or the calling code (`country code +44`).
        region: String,
    },
}

/// The most digits handed to libphonenumber: E.164's 15, with room for a national or an
/// international dialling prefix (`011 44 ...`). Longer values are too long whatever the plan.
const MAX_DIGITS: usize = 20;

impl PhoneRule {
    /// Checks a trimmed, non-empty value: `Ok(None)` to upload it as it is, `Ok(Some(text))`
    /// to upload `text` instead.
    ///
    /// # Errors
    ///
    /// A [`PhoneError`] with the reason: not a number, no region for a national number, too
    /// short or too long, or not a valid number of the region's plan.
    pub fn check(&self, value: &str) -> Result<Option<PhoneText>, PhoneError> {
        match self {
            PhoneRule::Plain if is_phone(value) => Ok(None),
            PhoneRule::Plain => Err(PhoneError::Plain {
                value: quote_value(value),
            }),
            PhoneRule::E164 { region } => e164(value, *region).map(Some),
        }
    }
}

/// How many compiled regular expressions libphonenumber's metadata may keep. The `phonenumber`
/// crate keeps them in one LRU cache of 100, shared by every plan: checking one number of the
/// North American plan (+1) tries the patterns of its 25 regions, some 300, so every number
/// recompiled most of them (46 µs a number in `benches/`). Enough for every plan's patterns
/// that a number is checked against; each is compiled once, when first used.
const REGEX_CACHE: usize = 8192;

/// Widens libphonenumber's regular expression cache to [`REGEX_CACHE`], once per process.
fn widen_regex_cache() {
    static WIDENED: std::sync::Once = std::sync::Once::new();
    WIDENED.call_once(|| {
        if let Ok(mut cache) = DATABASE.cache().lock() {
            cache.set_capacity(REGEX_CACHE);
        }
    });
}

fn e164(value: &str, region: Option<PhoneRegion>) -> Result<PhoneText, PhoneError> {
    widen_regex_cache();
    let quoted = || quote_value(value);
    // Only plain numbers reach libphonenumber, which also reads letters (vanity numbers),
    // extensions and URIs: none of them is an E.164 number.
    let digits =
        digits_and_separators(value).ok_or_else(|| PhoneError::NotANumber { value: quoted() })?;
    let international = value.starts_with('+');
    let region_name = |number: Option<&PhoneNumber>| match (region, number) {
        (Some(region), _) if !international => region.code().to_string(),
        (_, Some(number)) => match number.country().id() {
            Some(id) => id.as_ref().to_string(),
            None => format!("country code +{}", number.code().value()),
        },
        (Some(region), None) => region.code().to_string(),
        (None, None) => "its country".to_string(),
    };
    if digits > MAX_DIGITS {
        return Err(PhoneError::TooLong {
            value: quoted(),
            region: region_name(None),
        });
    }
    if !international && region.is_none() {
        return Err(PhoneError::NoRegion { value: quoted() });
    }
    // An international number is parsed without the region: given one, the phonenumber crate
    // (0.3.10) strips the region's national prefix from the digits after the country code
    // (`+33 1 42 68 53 00` with US, whose prefix is 1, lost its 1 and was "too short").
    let parse_region = if international {
        None
    } else {
        region.map(|r| r.0)
    };
    let number = phonenumber::parse(parse_region, value).map_err(|e| match e {
        ParseError::InvalidCountryCode => PhoneError::UnknownCountryCode { value: quoted() },
        ParseError::TooShortNsn | ParseError::TooShortAfterIdd => PhoneError::TooShort {
            value: quoted(),
            region: region_name(None),
        },
        ParseError::TooLong => PhoneError::TooLong {
            value: quoted(),
            region: region_name(None),
        },
        ParseError::NoNumber | ParseError::MalformedInteger(_) => {
            PhoneError::NotANumber { value: quoted() }
        }
    })?;
    let mut text = PhoneText::default();
    if number.extension().is_none()
        && phonenumber::is_valid(&number)
        && write!(text, "+{}{}", number.code().value(), number.national()).is_ok()
    {
        return Ok(text);
    }
    let region_text = region_name(Some(&number));
    let national_digits = number.national().to_string().len();
    Err(match plan_of(&number, region).and_then(lengths_of) {
        Some((shortest, _)) if national_digits < shortest => PhoneError::TooShort {
            value: quoted(),
            region: region_text,
        },
        Some((_, longest)) if national_digits > longest => PhoneError::TooLong {
            value: quoted(),
            region: region_text,
        },
        _ => PhoneError::NotValid {
            value: quoted(),
            region: region_text,
        },
    })
}

/// The fewest and the most digits a national number of the plan has, over all its kinds of
/// number (fixed line, mobile, toll free, ...; a local number without its area code is
/// shorter than the fewest).
fn lengths_of(plan: &Metadata) -> Option<(usize, usize)> {
    let kinds = plan.descriptors();
    let lengths = [
        kinds.fixed_line(),
        kinds.mobile(),
        kinds.toll_free(),
        kinds.premium_rate(),
        kinds.shared_cost(),
        kinds.personal_number(),
        kinds.voip(),
        kinds.pager(),
        kinds.uan(),
        kinds.voicemail(),
    ]
    .into_iter()
    .flatten()
    .chain([kinds.general()])
    .flat_map(|kind| kind.possible_length().iter().copied().map(usize::from));
    lengths.fold(None, |range, n| match range {
        None => Some((n, n)),
        Some((shortest, longest)) => Some((shortest.min(n), longest.max(n))),
    })
}

/// The numbering plan a number was read in: its region's, else the main one of its code.
fn plan_of(number: &PhoneNumber, region: Option<PhoneRegion>) -> Option<&'static Metadata> {
    let by_region = region
        .filter(|r| {
            DATABASE.by_id(r.code()).map(Metadata::country_code) == Some(number.code().value())
        })
        .and_then(|r| DATABASE.by_id(r.code()));
    by_region.or_else(|| {
        DATABASE
            .by_code(&number.code().value())
            .and_then(|plans| plans.into_iter().next())
    })
}

/// A phone number in E.164, held without allocating: `+` and at most 15 digits.
///
/// ```
/// use nebulk_validate::rules::{PhoneRegion, PhoneRule};
/// let rule = PhoneRule::E164 { region: Some(PhoneRegion::new("GB").unwrap()) };
/// assert_eq!(rule.check("020 7946 0958").unwrap().unwrap().as_str(), "+442079460958");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PhoneText {
    bytes: [u8; 16],
    len: u8,
}

impl PhoneText {
    /// The text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// The text's bytes: `+` and digits, which never need quotes in a CSV file.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl fmt::Write for PhoneText {
    /// Appends `s`, or fails when it does not fit (a number longer than E.164 allows).
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let start = usize::from(self.len);
        let end = start + s.len();
        let slot = self.bytes.get_mut(start..end).ok_or(fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = u8::try_from(end).map_err(|_| fmt::Error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::looks_like_formula;

    fn us() -> PhoneRule {
        PhoneRule::E164 {
            region: Some(PhoneRegion::new("US").unwrap()),
        }
    }

    fn e164_of(rule: PhoneRule, value: &str) -> Result<String, String> {
        match rule.check(value) {
            Ok(Some(text)) => Ok(text.as_str().to_string()),
            Ok(None) => Err("kept as it is".to_string()),
            Err(e) => Err(e.to_string()),
        }
    }

    #[test]
    fn plain_rule_edges() {
        assert!(is_phone("1234567"));
        assert!(!is_phone("123456"));
        assert!(is_phone("+123456789012345"));
        assert!(!is_phone("+1234567890123456"));
        assert!(!is_phone("++1234567"));
        assert!(!is_phone("1234567+"));
        assert!(!is_phone("１２３４５６７"), "full-width digits");
        assert!(is_phone("+49/30.1234-567"));
        assert_eq!(PhoneRule::Plain.check("+1 512 555 0100"), Ok(None));
        assert_eq!(
            PhoneRule::Plain.check("555-CALL").unwrap_err().to_string(),
            "'555-CALL' is not a phone number (+, digits and - . ( ) / or spaces; 7 to 15 digits)"
        );
    }

    #[test]
    fn e164_reads_national_numbers_in_the_region() {
        for layout in [
            "(512) 555-0100",
            "512-555-0100",
            "512.555.0100",
            "512 555 0100",
            "5125550100",
            "1 512 555 0100",
            "+1 512 555 0100",
            "+1 (512) 555-0100",
            "011 1 512 555 0100",
        ] {
            assert_eq!(e164_of(us(), layout), Ok("+15125550100".into()), "{layout}");
        }
        // A foreign number with its country code keeps its own plan.
        assert_eq!(e164_of(us(), "+49 30 901820"), Ok("+4930901820".into()));
        // Issue 9: a foreign number whose national part starts with the region's national
        // prefix (US: 1) lost that digit, and was "too short".
        assert_eq!(
            e164_of(us(), "+33 1 42 68 53 00"),
            Ok("+33142685300".into())
        );
        let gb = PhoneRule::E164 {
            region: Some(PhoneRegion::new("GB").unwrap()),
        };
        assert_eq!(e164_of(gb, "+33 01 42 68 53 00"), Ok("+33142685300".into()));
        let any = PhoneRule::E164 { region: None };
        assert_eq!(e164_of(any, "+44 20 7946 0958"), Ok("+442079460958".into()));
    }

    #[test]
    fn e164_says_why_a_number_is_not_valid() {
        let any = PhoneRule::E164 { region: None };
        for (rule, value, reason) in [
            (us(), "555-0100", "'555-0100' is too short for a phone number of US"),
            (us(), "512 555 01", "'512 555 01' is too short for a phone number of US"),
            (us(), "512 555 0100 99", "'512 555 0100 99' is too long for a phone number of US"),
            (us(), "(012) 555-0100", "'(012) 555-0100' is not a valid number in the numbering plan of US"),
            (us(), "555-CALL-NOW", "'555-CALL-NOW' is not a phone number (an optional leading +, then digits and - . ( ) / or spaces)"),
            (us(), "512 555 0100 x12", "'512 555 0100 x12' is not a phone number (an optional leading +, then digits and - . ( ) / or spaces)"),
            (us(), "+999 1234 5678", "'+999 1234 5678' starts with no country's calling code"),
            (us(), "123456789012345678901", "'123456789012345678901' is too long for a phone number of US"),
            (any, "512 555 0100", "'512 555 0100' has no country code and there is no region to read a national number in: start it with + and the country code, or pass --phone-region"),
            (any, "+44 20 7946", "'+44 20 7946' is too short for a phone number of country code +44"),
            (us(), "+1 512 555", "'+1 512 555' is too short for a phone number of country code +1"),
            (us(), "", "'' is not a phone number (an optional leading +, then digits and - . ( ) / or spaces)"),
        ] {
            assert_eq!(e164_of(rule, value), Err(reason.to_string()), "{value}");
        }
    }

    #[test]
    fn regions_are_iso_codes_with_a_plan() {
        assert_eq!(PhoneRegion::new(" gb ").unwrap().code(), "GB");
        for bad in ["", "USA", "XX", "U", "1", "ÜS"] {
            assert!(PhoneRegion::new(bad).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        /// Issue 9: any valid US number, in any of the usual national layouts, gives one E.164.
        #[test]
        fn us_numbers_in_any_layout_give_one_e164(
            area in 200u32..1000, exchange in 200u32..1000, line in 0u32..10_000,
            layout in 0usize..7,
        ) {
            let (a, e, l) = (area, exchange, line);
            let written = [
                format!("({a}) {e}-{l:04}"),
                format!("{a}-{e}-{l:04}"),
                format!("{a}.{e}.{l:04}"),
                format!("{a} {e} {l:04}"),
                format!("{a}{e}{l:04}"),
                format!("1 {a} {e} {l:04}"),
                format!("+1 ({a}) {e}-{l:04}"),
            ];
            let canonical = format!("+1{a}{e}{l:04}");
            match us().check(&canonical) {
                Ok(Some(text)) => {
                    proptest::prop_assert_eq!(text.as_str(), canonical.as_str());
                    let again = us().check(&written[layout]);
                    proptest::prop_assert_eq!(again.map(|t| t.map(|t| t.as_str().to_string())), Ok(Some(canonical)));
                }
                // Not every area code is in service: then no layout of it is valid either.
                Err(_) => proptest::prop_assert!(us().check(&written[layout]).is_err()),
                Ok(None) => proptest::prop_assert!(false, "E.164 always gives a text"),
            }
        }

        /// E.164 never looks like a formula, so phone values may skip that check.
        #[test]
        fn e164_never_looks_like_a_formula(
            country in "|1 |\\+1 |\\+44 |\\+49 |\\+33 |\\+91 ",
            digits in "[2-9][0-9]{2}[ .-]?[2-9][0-9]{2}[ .-]?[0-9]{2,5}",
        ) {
            let value = format!("{country}{digits}");
            if let Ok(Some(text)) = us().check(&value) {
                proptest::prop_assert!(!looks_like_formula(text.as_str()), "{}", text.as_str());
                proptest::prop_assert!(text.as_str().len() <= 16);
            }
        }

        /// Whatever the text, the rule answers: no panic inside libphonenumber.
        #[test]
        fn any_text_gets_an_answer(value in "\\PC{0,30}|[+]?[0-9 ().\\/-]{0,30}") {
            let _ = us().check(&value);
            let _ = PhoneRule::E164 { region: None }.check(&value);
        }
    }
}
