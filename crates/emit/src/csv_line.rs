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
    end_record(out, start, count);
}

/// Ends the record of `count` fields written from `out[start..]` with `\n`; a record of one
/// empty field is written `""`, so that it is not a blank line.
fn end_record(out: &mut Vec<u8>, start: usize, count: usize) {
    if count == 1 && out.len() == start {
        out.extend_from_slice(b"\"\"");
    }
    out.push(b'\n');
}

/// A value for [`write_slices_of`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Value<'a> {
    /// Text quoted if it needs quotes: a slice of the row (checked against its masks) or any
    /// other text (scanned).
    Text(&'a [u8]),
    /// Text that never needs quotes, such as a date the checks formatted: written as it is.
    Plain(&'a [u8]),
}

/// Appends one record of `values`, each a slice of `row` (as a field, or part of one) or else
/// any text. `row` is scanned once for the bytes that need quotes, 64 at a time into bit masks;
/// a value is then quoted only when one of those lies inside it, rather than every value being
/// scanned on its own. Values that follow each other in `row` one comma apart, as the fields of
/// a plain record do, are copied as one run.
///
/// ```text
/// row:    ann,"Lee, Ann",x      values: [ann] [Lee, Ann] [x]   →   ann,"Lee, Ann",x
/// ```
pub(crate) fn write_slices_of<'f, I>(out: &mut Vec<u8>, row: &[u8], values: I)
where
    I: IntoIterator<Item = Value<'f>>,
{
    /// Masks kept at most (rows up to 1 KiB); a longer row has each of its values scanned.
    const WORDS: usize = 16;
    if row.len() > 64 * WORDS {
        let texts = values.into_iter().map(|value| match value {
            Value::Text(text) | Value::Plain(text) => text,
        });
        write_with(out, texts, write_field);
        return;
    }
    let mut masks = [0u64; WORDS];
    for (mask, chunk) in masks.iter_mut().zip(row.chunks(64)) {
        *mask = nebulk_read::byte_mask(chunk, QUOTED_BYTES);
    }
    let base = row.as_ptr() as usize;
    let line_start = out.len();
    // Bytes of `row` not copied yet: plain values and the commas between them.
    let mut run = 0..0;
    let mut count = 0;
    for value in values {
        // A value of the row that needs no quotes, and is where it is: `(start, end)`.
        let plain_in_row = match value {
            Value::Text(text) => {
                let start = (text.as_ptr() as usize).wrapping_sub(base);
                let end = start.wrapping_add(text.len());
                let in_row = start <= row.len() && row.len() - start >= text.len();
                (in_row && !any_bit(&masks, start, end)).then_some((start, end))
            }
            Value::Plain(text) => {
                debug_assert!(!text.iter().any(|b| QUOTED_BYTES.contains(b)));
                None
            }
        };
        // Right after the run, one comma on: the run takes it in.
        if let Some((start, end)) = plain_in_row {
            if count > 0 && run.end + 1 == start && row.get(run.end) == Some(&b',') {
                run.end = end;
                count += 1;
                continue;
            }
        }
        out.extend_from_slice(row.get(std::mem::take(&mut run)).unwrap_or_default());
        if count > 0 {
            out.push(b',');
        }
        match (plain_in_row, value) {
            (Some((start, end)), _) => run = start..end,
            (None, Value::Plain(text)) => out.extend_from_slice(text),
            (None, Value::Text(text)) => write_field(out, text),
        }
        count += 1;
    }
    out.extend_from_slice(row.get(run).unwrap_or_default());
    end_record(out, line_start, count);
}

/// Whether a bit from `start` to before `end` is set in `masks` (64 bits a mask).
fn any_bit(masks: &[u64], start: usize, end: usize) -> bool {
    let mut at = start;
    while at < end {
        let word = at / 64;
        let Some(&mask) = masks.get(word) else {
            return false;
        };
        let from = at % 64;
        let to = (end - word * 64).min(64);
        let bits = (mask >> from) & (u64::MAX >> (64 - (to - from)));
        if bits != 0 {
            return true;
        }
        at = word * 64 + to;
    }
    false
}

/// The bytes that make a field need quotes: the delimiter, the quote and line ends.
const QUOTED_BYTES: [u8; 4] = [b',', b'"', b'\n', b'\r'];

/// [`QUOTED_BYTES`] as a table, for short fields.
const NEEDS_QUOTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < QUOTED_BYTES.len() {
        table[QUOTED_BYTES[i] as usize] = true;
        i += 1;
    }
    table
};

fn write_field(out: &mut Vec<u8>, field: &[u8]) {
    // Fields are short: a table lookup per byte beats setting up a vector search per field.
    let needs_quotes = field.iter().any(|b| NEEDS_QUOTES[usize::from(*b)]);
    if needs_quotes {
        write_quoted(out, field);
    } else {
        out.extend_from_slice(field);
    }
}

/// Appends `field` in quotes, its quotes doubled.
fn write_quoted(out: &mut Vec<u8>, field: &[u8]) {
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
        #![proptest_config(ProptestConfig::with_cases(1000))]

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

        /// Values cut from a row (anywhere, across 64-byte words, in rows longer than the
        /// masks hold) or owned are quoted exactly as `write_record` quotes them.
        #[test]
        fn slices_of_a_row_are_quoted_as_fields_are(
            row in proptest::collection::vec(prop_oneof![1 => Just(b','), 1 => Just(b'"'), 1 => Just(b'\n'), 1 => Just(b'\r'), 30 => Just(b'a')], 0..300),
            long in any::<bool>(),
            cuts in proptest::collection::vec((0usize..5000, 0usize..90, any::<bool>()), 1..8),
        ) {
            let mut row = row;
            if long {
                row.extend(std::iter::repeat_n(b'a', 4200));
                row.extend_from_slice(b"x,y");
            }
            let owned: Vec<Vec<u8>> = cuts.iter().map(|&(_, len, _)| b"o,\"k".repeat(len % 3)).collect();
            let values: Vec<&[u8]> = cuts
                .iter()
                .zip(&owned)
                .map(|(&(at, len, inside), owned)| {
                    let start = at.min(row.len());
                    let end = (start + len).min(row.len());
                    if inside { &row[start..end] } else { owned.as_slice() }
                })
                .collect();
            let mut ours = Vec::new();
            write_slices_of(&mut ours, &row, values.iter().copied().map(Value::Text));
            let mut expected = Vec::new();
            write_record(&mut expected, values.iter().copied());
            prop_assert_eq!(ours, expected);
        }
    }

    proptest! {
        /// The fields of a record, delimited by any byte, are written as `write_record`
        /// writes them: only commas between plain values are copied from the row as they are.
        #[test]
        fn fields_of_a_record_are_written_as_fields_are(
            fields in proptest::collection::vec("[a,;\"\t ]{0,6}", 1..20),
            delimiter in prop_oneof![Just(b','), Just(b';'), Just(b'\t'), Just(b'a')],
        ) {
            let row = fields.iter().map(String::as_bytes).collect::<Vec<_>>().join(&delimiter);
            let mut values = Vec::new();
            let mut at = 0;
            for field in &fields {
                values.push(&row[at..at + field.len()]);
                at += field.len() + 1;
            }
            let mut ours = Vec::new();
            write_slices_of(&mut ours, &row, values.iter().copied().map(Value::Text));
            let mut expected = Vec::new();
            write_record(&mut expected, values.iter().copied());
            prop_assert_eq!(ours, expected);
        }
    }

    #[test]
    fn a_single_empty_field_is_quoted() {
        let mut out = Vec::new();
        write_record(&mut out, [&b""[..]]);
        assert_eq!(out, with_csv_crate(&[vec![vec![]]]));
    }
}
