//! Reading some records of a plain UTF-8 delimited file again, by the byte offsets its rows
//! were read at ([`Row::byte`]), without parsing the others: [`read_records_at`].

use std::io::{self, BufReader, Read, Seek};

use super::Block;
use crate::Row;

/// Reads the records of `input` (a plain UTF-8 delimited file, from its first byte, with
/// `delimiter`) that start at the given byte offsets, each given with the bytes it spans (to
/// the next row's start; `None` to the end of the file), in file order. Calls `each` with the
/// number of the span (0-based, in the order given) and the first record it holds (a span
/// holding none, blank lines say, is passed over). The bytes between the spans are passed
/// over, not parsed (nor read, where a gap is longer than the buffer). Each record is the one
/// the whole file's reading gives at that place (see [`Block::parse_into`]), except for its
/// line number ([`Row::line`] is 0).
///
/// ```
/// let file = b"accountName,email\nann,a@x\nbob,\"two\nlines\"\ncy,c@x";
/// let mut seen = Vec::new();
/// nebulk_read::read_records_at(std::io::Cursor::new(&file[..]), b',', [(26, Some(17)), (43, None)], |n, row| {
///     seen.push((n, row.byte, row.record.get(1).unwrap().to_vec()));
/// }).unwrap();
/// assert_eq!(seen, [(0, 26, b"two\nlines".to_vec()), (1, 43, b"c@x".to_vec())]);
/// ```
///
/// # Errors
///
/// Reading fails, or the spans are not in file order.
///
/// [`Block::parse_into`]: super::Block::parse_into
pub fn read_records_at<R: Read + Seek>(
    input: R,
    delimiter: u8,
    spans: impl IntoIterator<Item = (u64, Option<u64>)>,
    mut each: impl FnMut(usize, &Row),
) -> io::Result<()> {
    let mut input = BufReader::with_capacity(1 << 20, input);
    let mut at = 0u64;
    let mut bytes = Vec::new();
    let mut rows = Vec::new();
    for (number, (start, len)) in spans.into_iter().enumerate() {
        let Some(gap) = start.checked_sub(at) else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("the records to read again are out of order (byte {start} after {at})"),
            ));
        };
        // Within the buffer, passed over; past it, sought.
        input.seek_relative(i64::try_from(gap).map_err(io::Error::other)?)?;
        bytes.clear();
        match len {
            Some(len) => {
                // A file shorter than the span: the record is not there, which the caller
                // tells by its absence.
                if (&mut input).take(len).read_to_end(&mut bytes)? as u64 != len {
                    return Ok(());
                }
            }
            None => {
                input.read_to_end(&mut bytes)?;
            }
        }
        at = start + bytes.len() as u64;
        // The span is whole records (one, and the blank lines up to the next row, or the rest
        // of the file): a block as the cutter would cut it.
        let block = Block {
            bytes: std::mem::take(&mut bytes),
            line: 0,
            byte: start,
            delimiter,
            file: None,
        };
        block.parse_into(&mut rows);
        if let Some(row) = rows.first_mut() {
            row.line = 0;
            each(number, row);
        }
        bytes = block.bytes;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::read_records_at;

    #[test]
    fn spans_past_the_end_give_nothing_and_out_of_order_ones_are_refused() {
        let file = b"h\nann\nbob\n";
        let mut seen = Vec::new();
        read_records_at(
            Cursor::new(&file[..]),
            b',',
            [(2, Some(4)), (6, Some(40)), (60, None)],
            |n, row| {
                seen.push((n, row.record.get(0).unwrap().to_vec()));
            },
        )
        .unwrap();
        assert_eq!(seen, [(0, b"ann".to_vec())]);
        let backwards = read_records_at(
            Cursor::new(&file[..]),
            b',',
            [(6, Some(4)), (2, Some(4))],
            |_, _| (),
        );
        assert!(backwards.is_err());
    }
}
