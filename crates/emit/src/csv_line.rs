//! CSV records as bytes, written the way the `csv` crate writes them by default (comma, `"`
//! quotes only where needed, `\n` after each record), without its per-byte state machine, so
//! that worker threads can format rows in parallel.

/// Appends one record to `out`.
///
/// ```
/// let mut out = Vec::new();
/// nebulk_emit::write_record(&mut out, [&b"Acme, Inc."[..], b"say \"hi\"", b"plain"]);
/// assert_eq!(out, b"\"Acme, Inc.\",\"say \"\"hi\"\"\",plain\n");
/// ```
pub fn write_record<'f, I>(out: &mut Vec<u8>, fields: I)
where
    I: IntoIterator<Item = &'f [u8]>,
{
    write_with(out, fields, write_field);
}

/// Appends one record whose fields are known to need no quotes (see [`needs_quotes`]).
pub(crate) fn write_plain_record<'f, I>(out: &mut Vec<u8>, fields: I)
where
    I: IntoIterator<Item = &'f [u8]>,
{
    write_with(out, fields, |out, field| out.extend_from_slice(field));
}

/// Writes the fields with `write_one`, separated by commas, then `\n`.
fn write_with<'f, I>(out: &mut Vec<u8>, fields: I, write_one: impl Fn(&mut Vec<u8>, &[u8]))
where
    I: IntoIterator<Item = &'f [u8]>,
{
    let start = out.len();
    let mut count = 0;
    for field in fields {
        if count > 0 {
            out.push(b',');
        }
        write_one(out, field);
        count += 1;
    }
    // A record of one empty field is written `""`, so that it is not a blank line.
    if count == 1 && out.len() == start {
        out.extend_from_slice(b"\"\"");
    }
    out.push(b'\n');
}

/// Whether any byte of `bytes` would make a field holding it need quotes.
pub(crate) fn needs_quotes(bytes: &[u8]) -> bool {
    memchr::memchr3(b',', b'"', b'\n', bytes).is_some() || memchr::memchr(b'\r', bytes).is_some()
}

/// The bytes that make a field need quotes: the delimiter, the quote and line ends.
const NEEDS_QUOTES: [bool; 256] = {
    let mut table = [false; 256];
    table[b',' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\n' as usize] = true;
    table[b'\r' as usize] = true;
    table
};

fn write_field(out: &mut Vec<u8>, field: &[u8]) {
    // Fields are short: a table lookup per byte beats setting up a vector search per field.
    let needs_quotes = field.iter().any(|b| NEEDS_QUOTES[usize::from(*b)]);
    if !needs_quotes {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    let mut rest = field;
    while let Some(i) = memchr::memchr(b'"', rest) {
        out.extend_from_slice(&rest[..=i]);
        out.push(b'"');
        rest = &rest[i + 1..];
    }
    out.extend_from_slice(rest);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn with_csv_crate(records: &[Vec<Vec<u8>>]) -> Vec<u8> {
        let mut writer = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        for record in records {
            writer.write_record(record).unwrap();
        }
        writer.into_inner().unwrap()
    }

    proptest! {
        #[test]
        fn writes_what_the_csv_crate_writes(
            records in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::collection::vec(prop_oneof![Just(b','), Just(b'"'), Just(b'\n'), Just(b'\r'), Just(b' '), Just(b'a'), Just(0xC3u8), any::<u8>()], 0..8),
                    1..5,
                ),
                0..6,
            )
        ) {
            let mut ours = Vec::new();
            for record in &records {
                write_record(&mut ours, record.iter().map(Vec::as_slice));
            }
            prop_assert_eq!(ours, with_csv_crate(&records));
        }
    }

    #[test]
    fn a_single_empty_field_is_quoted() {
        let mut out = Vec::new();
        write_record(&mut out, [&b""[..]]);
        assert_eq!(out, with_csv_crate(&[vec![vec![]]]));
    }
}
