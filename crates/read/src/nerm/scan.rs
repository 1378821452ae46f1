//! Where an object ends: a bracket count that skips strings, and notes where the numbers are.
//!
//! The scanner does not check the JSON: serde_json parses what it found, and an object it
//! refuses is read again by serde_json from the page (see [`super::elements`]).

use super::track::is_number_byte;

/// Deepest nesting the scanner lets through (the object itself counts 1); a deeper element is
/// left to serde_json reading the page, for its recursion limit and message.
pub(super) const MAX_DEPTH: u32 = 100;

/// What [`ObjectScan::scan`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scanned {
    /// The object ends before this offset (just after its closing bracket).
    End(usize),
    /// The bytes end inside the object: scan again with more.
    More,
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

/// The scan of one object, which may be resumed as more of it arrives. Offsets are from the
/// object's `{`: `{"a": [1, "}"], "b": -2.5e3} ,` ends at 28, numbers at 7..8 and 20..26.
#[derive(Debug, Default)]
pub(super) struct ObjectScan {
    /// Where to go on.
    at: usize,
    depth: u32,
    in_string: bool,
    /// The spans of the numbers outside strings, in order.
    pub(super) numbers: Vec<(usize, usize)>,
}

/// The bytes the scanner looks at outside strings: quotes, brackets, the starts of numbers.
const STOPS: [bool; 256] = {
    let mut stops = [false; 256];
    let mut b = 0;
    while b < 256 {
        stops[b] = matches!(
            b as u8,
            b'"' | b'{' | b'[' | b'}' | b']' | b'-' | b'0'..=b'9'
        );
        b += 1;
    }
    stops
};

impl ObjectScan {
    /// Starts over, for the next object.
    pub(super) fn reset(&mut self) {
        self.at = 0;
        self.depth = 0;
        self.in_string = false;
        self.numbers.clear();
    }

    /// Scans `bytes`, the object from its `{` (all of it that has arrived; a longer slice with
    /// the same start on the next call).
    pub(super) fn scan(&mut self, bytes: &[u8]) -> Scanned {
        let mut at = self.at;
        loop {
            if self.in_string {
                match memchr::memchr2(b'"', b'\\', bytes.get(at..).unwrap_or_default()) {
                    Some(i) if bytes[at + i] == b'"' => {
                        at += i + 1;
                        self.in_string = false;
                    }
                    // An escape: the byte after the `\` is passed over.
                    Some(i) if at + i + 1 < bytes.len() => at += i + 2,
                    Some(i) => {
                        self.at = at + i;
                        return Scanned::More;
                    }
                    None => {
                        self.at = bytes.len();
                        return Scanned::More;
                    }
                }
                continue;
            }
            // Whitespace, `:`, `,` and the letters of `true`, `false` and `null` are passed over.
            let rest = bytes.get(at..).unwrap_or_default();
            let Some(skip) = rest.iter().position(|&b| STOPS[usize::from(b)]) else {
                self.at = bytes.len();
                return Scanned::More;
            };
            at += skip;
            match bytes[at] {
                b'"' => self.in_string = true,
                b'{' | b'[' => {
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return Scanned::TooDeep;
                    }
                }
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        self.at = at + 1;
                        return Scanned::End(at + 1);
                    }
                }
                b'-' | b'0'..=b'9' => {
                    let len = bytes[at..]
                        .iter()
                        .take_while(|&&b| is_number_byte(b))
                        .count();
                    if at + len == bytes.len() {
                        // The number may go on in the next bytes.
                        self.at = at;
                        return Scanned::More;
                    }
                    self.numbers.push((at, at + len));
                    at += len;
                    continue;
                }
                _ => {}
            }
            at += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_end_past_strings_and_escapes() {
        let object = br#"{"a": [1, "}\"]"], "b": {"c": -2.5e3}, "d\\": "\\"} ,"#;
        let mut scan = ObjectScan::default();
        let end = object.len() - 2;
        assert_eq!(scan.scan(object), Scanned::End(end));
        assert_eq!(scan.numbers, [(7, 8), (30, 36)]);
        // Byte by byte, the same.
        let mut scan = ObjectScan::default();
        let found = (1..=object.len())
            .map(|n| scan.scan(&object[..n]))
            .find(|s| *s != Scanned::More);
        assert_eq!(found, Some(Scanned::End(end)));
        assert_eq!(scan.numbers, [(7, 8), (30, 36)]);
    }

    #[test]
    fn unfinished_and_deep_objects() {
        let mut scan = ObjectScan::default();
        assert_eq!(scan.scan(br#"{"a": "}"#), Scanned::More);
        let deep = "[".repeat(MAX_DEPTH as usize);
        let mut scan = ObjectScan::default();
        assert_eq!(
            scan.scan(format!("{{\"a\": {deep}").as_bytes()),
            Scanned::TooDeep
        );
        scan.reset();
        assert_eq!(scan.scan(b"{}"), Scanned::End(2));
    }
}
