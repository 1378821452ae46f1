//! The value rules: email, phone, date and length. Each is a pure function of one value (and
//! of the options that configure it).
//!
//! - [`is_email`], [`trim`], [`looks_like_formula`] and [`char_len`] are here;
//! - the date rule ([`DateRule`], with `--date-format` and `--timezone`) is in `date.rs`;
//! - the phone rules ([`is_phone`], and [`PhoneRule`] for `--phone-format e164`) in `phone.rs`;
//! - the identities a manager must be one of ([`Identities`], `--identities`) in `identities.rs`.

mod date;
mod identities;
mod phone;

/// An IANA time zone (`chrono-tz`), as [`time_zone`] gives it.
pub use chrono_tz::Tz;
pub use date::{format_date, time_zone, DateError, DateRule, DateText, UnknownZone};
pub use identities::{Identities, Unknown};
pub use phone::{is_phone, PhoneError, PhoneRegion, PhoneRegionError, PhoneRule, PhoneText};

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
            .all(|&b| EMAIL_BYTES[usize::from(b)] & LOCAL != 0);
    user_ok
        && domain.len() <= 255
        && !domain.is_empty()
        && domain.split(|b| *b == b'.').all(host_label)
}

/// The bytes of an e-mail address's local part (`LOCAL`) and of its host labels (`LABEL`), one
/// table lookup a byte.
const EMAIL_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        if byte.is_ascii_alphanumeric() {
            table[b] = LOCAL | LABEL;
        }
        b += 1;
    }
    let specials = b".!#$%&'*+/=?^_`{|}~-";
    let mut i = 0;
    while i < specials.len() {
        table[specials[i] as usize] |= LOCAL;
        i += 1;
    }
    table[b'-' as usize] |= LABEL;
    table
};
const LOCAL: u8 = 1;
const LABEL: u8 = 2;

/// `[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?`
fn host_label(label: &[u8]) -> bool {
    match (label.first(), label.last()) {
        (Some(first), Some(last)) => {
            label.len() <= 63
                && first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && label
                    .iter()
                    .all(|&b| EMAIL_BYTES[usize::from(b)] & LABEL != 0)
        }
        _ => false,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
