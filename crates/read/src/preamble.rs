//! What comes before a CSV file's header: Excel's `sep=;` line and title lines (`--header-row`).

use std::io::{self, Read};

use crate::SNIFF_BYTES;

/// What was skipped before the header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Skipped {
    /// Bytes skipped.
    pub bytes: u64,
    /// Physical lines skipped.
    pub lines: u64,
}

/// The delimiter an Excel `sep=X` line names, and that line's length without its line end:
/// Excel writes such a first line to say which delimiter the file uses, and reads it that way.
/// Some tools quote it (`"sep=;"`); case and trailing spaces do not matter.
///
/// ```text
/// separator_line(b"sep=;\r\naccountName;email") == Some((b';', 5))
/// ```
pub(crate) fn separator_line(text: &[u8]) -> Option<(u8, usize)> {
    let end = memchr::memchr2(b'\r', b'\n', text).unwrap_or(text.len());
    let line = &text[..end];
    // Spaces only: `sep=\t` names the tab.
    let spaces = line.iter().rev().take_while(|&&b| b == b' ').count();
    let trimmed = &line[..line.len() - spaces];
    let unquoted = trimmed
        .strip_prefix(b"\"")
        .and_then(|l| l.strip_suffix(b"\""))
        .unwrap_or(trimmed);
    match unquoted {
        [s, e, p, b'=', delimiter]
            if s.eq_ignore_ascii_case(&b's')
                && e.eq_ignore_ascii_case(&b'e')
                && p.eq_ignore_ascii_case(&b'p')
                && *delimiter != b'"'
                && delimiter.is_ascii() =>
        {
            Some((*delimiter, end))
        }
        _ => None,
    }
}

/// Skips `lines` physical lines (`\n`, `\r\n` or a lone `\r` ending each) from the start of
/// `prefix`, reading more of `input` into it as needed, so that `prefix` starts with the line
/// after them and holds up to [`SNIFF_BYTES`] of what follows. Stops early at the end of the
/// input. Memory stays within two sniff windows, however long the skipped lines.
pub(crate) fn skip_lines(
    prefix: &mut Vec<u8>,
    input: &mut impl Read,
    lines: u64,
) -> io::Result<Skipped> {
    let mut skipped = Skipped::default();
    let mut at = 0;
    while skipped.lines < lines {
        match memchr::memchr2(b'\r', b'\n', &prefix[at..]) {
            Some(i) => {
                let mut end = at + i + 1;
                if prefix[at + i] == b'\r' {
                    if end == prefix.len() {
                        // Whether a `\n` follows is in the next byte.
                        input.by_ref().take(1).read_to_end(prefix)?;
                    }
                    if prefix.get(end) == Some(&b'\n') {
                        end += 1;
                    }
                }
                at = end;
                skipped.lines += 1;
            }
            None => {
                // The line goes on past what has been read: drop what has, read more.
                skipped.bytes += prefix.len() as u64;
                prefix.clear();
                at = 0;
                if fill(prefix, input)? == 0 {
                    return Ok(skipped);
                }
            }
        }
    }
    skipped.bytes += at as u64;
    prefix.drain(..at);
    fill(prefix, input)?;
    Ok(skipped)
}

/// Reads into `prefix` until it holds [`SNIFF_BYTES`] or the input ends; the bytes read.
fn fill(prefix: &mut Vec<u8>, input: &mut impl Read) -> io::Result<usize> {
    let want = SNIFF_BYTES.saturating_sub(prefix.len());
    let before = prefix.len();
    input.by_ref().take(want as u64).read_to_end(prefix)?;
    Ok(prefix.len() - before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_separator_lines() {
        assert_eq!(separator_line(b"sep=;\r\na;b"), Some((b';', 5)));
        assert_eq!(separator_line(b"SEP=|  \na|b"), Some((b'|', 7)));
        assert_eq!(separator_line(b"\"sep=,\"\na,b"), Some((b',', 7)));
        assert_eq!(separator_line(b"sep=\t"), Some((b'\t', 5)));
        assert_eq!(separator_line(b"sep=;;\na"), None);
        assert_eq!(separator_line(b"separator,a\n"), None);
        assert_eq!(separator_line(b"sep=\"\n"), None);
    }

    #[test]
    fn lines_are_skipped_whatever_their_ends_and_lengths() {
        let skip = |text: &[u8], lines: u64| {
            let mut prefix = text[..text.len().min(4)].to_vec();
            let mut rest = &text[prefix.len()..];
            let skipped = skip_lines(&mut prefix, &mut rest, lines).unwrap();
            (skipped, String::from_utf8(prefix).unwrap())
        };
        let skipped = |bytes, lines| Skipped { bytes, lines };
        assert_eq!(
            skip(b"t1\r\nt2\rt3\nh\n", 3),
            (skipped(10, 3), "h\n".into())
        );
        assert_eq!(skip(b"title\r\n\nh", 1), (skipped(7, 1), "\nh".into()));
        assert_eq!(skip(b"a\r", 1), (skipped(2, 1), String::new()));
        assert_eq!(skip(b"only", 2), (skipped(4, 0), String::new()));
        let long = [vec![b'x'; 3 * SNIFF_BYTES], b"\nh,i\n".to_vec()].concat();
        let (done, rest) = skip(&long, 1);
        assert_eq!(done, skipped(3 * SNIFF_BYTES as u64 + 1, 1));
        assert_eq!(rest, "h,i\n");
    }
}
