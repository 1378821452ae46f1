//! calamine's reading of an XML element's attributes, mirrored for the ods walk: the walk must
//! find the attributes calamine finds, and stop on the malformed ones calamine stops on.

use quick_xml::escape::unescape;
use quick_xml::events::BytesStart;

#[cfg(test)]
mod tests;

/// An attribute calamine cannot read (no `=`, an unquoted value, an escape it cannot undo):
/// calamine fails there, and keeps nothing more of the file.
#[derive(Debug)]
pub(super) struct MalformedAttribute;

/// The first attribute named `name`, as calamine's `raw_attr` finds it: a malformed attribute
/// before it stops calamine.
pub(super) fn attribute<'a>(
    e: &'a BytesStart<'_>,
    name: &str,
) -> Result<Option<&'a str>, MalformedAttribute> {
    for attr in Attributes::of(e) {
        let (key, value) = attr?;
        if key == name {
            return Ok(Some(value));
        }
    }
    Ok(None)
}

/// An attribute's value unescaped, as calamine's `decode_attr` does it: calamine stops where it
/// cannot.
pub(super) fn decoded(value: Option<&str>) -> Result<Option<String>, MalformedAttribute> {
    value
        .map(|v| {
            unescape(v)
                .map(std::borrow::Cow::into_owned)
                .map_err(|_| MalformedAttribute)
        })
        .transpose()
}

/// calamine's own attribute scanner (calamine 0.38, `attrs.rs`, `RawAttrIter`), so that the
/// walk finds the attributes calamine finds and fails on the malformed ones it fails on: keys
/// up to `=`, values between quotes, no unescaping.
pub(super) struct Attributes<'a> {
    raw: &'a str,
    at: usize,
}

impl<'a> Attributes<'a> {
    pub(super) fn of(e: &'a BytesStart<'_>) -> Attributes<'a> {
        Attributes {
            raw: e.attributes_raw(),
            at: 0,
        }
    }
}

impl<'a> Iterator for Attributes<'a> {
    type Item = Result<(&'a str, &'a str), MalformedAttribute>;

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.raw.as_bytes();
        let end = bytes.len();
        let mut at = self.at;
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        if at >= end {
            self.at = at;
            return None;
        }
        let key_start = at;
        while bytes.get(at).is_some_and(|&b| b != b'=') {
            at += 1;
        }
        if at >= end {
            self.at = end;
            return Some(Err(MalformedAttribute));
        }
        // The bounds are next to ASCII bytes: always character boundaries.
        let key = self
            .raw
            .get(key_start..at)
            .unwrap_or_default()
            .trim_ascii_end();
        at += 1;
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        let quote = match bytes.get(at) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                self.at = end;
                return Some(Err(MalformedAttribute));
            }
        };
        at += 1;
        let value_start = at;
        while bytes.get(at).is_some_and(|&b| b != quote) {
            at += 1;
        }
        let value = self.raw.get(value_start..at).unwrap_or_default();
        if at < end {
            at += 1;
        }
        self.at = at;
        Some(Ok((key, value)))
    }
}
