//! The check of an xls (OLE) workbook before calamine opens it ([`check_xls`]): the cells
//! calamine would lay out for its sheets, counted by walking the BIFF records of its Workbook
//! stream the way calamine walks them.

use std::fs::File;
use std::io::{self, Read};

use super::bytes::{le_u16, le_u32};
use crate::limits::MAX_LAID_OUT_CELLS;

#[cfg(test)]
mod tests;

/// For an OLE file (xls), tells why it will not be handed to calamine. calamine lays each
/// sheet out as a dense rectangle from its first to its last cell, after reserving room for
/// as many cells as the sheet's DIMENSIONS record claims, before anything can be checked: one
/// cell record at row 65,535 and column 65,535 of a 7 KiB file asks for 137 GB, and the
/// process aborts. So the sheets' records are walked here first, the way calamine will walk
/// them ([`xls_cells`]), and a workbook that would take more than [`MAX_LAID_OUT_CELLS`] cells is
/// refused, as is an OLE file too malformed to walk. `None` when it is fine, or has no
/// workbook stream (a password-protected xlsx, say: calamine then says what it is).
pub(super) fn check_xls(file: &mut File, len: u64) -> Option<String> {
    let malformed = |e: io::Error| Some(format!("the OLE (xls) file is malformed: {e}"));
    let mut ole = match cfb::CompoundFile::open(&mut *file) {
        Ok(ole) => ole,
        Err(e) => return malformed(e),
    };
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|name| ole.is_stream(name))?;
    let mut stream = match ole.open_stream(name) {
        Ok(stream) => stream,
        Err(e) => return malformed(e),
    };
    let mut data = Vec::new();
    if let Err(e) = (&mut stream).take(len).read_to_end(&mut data) {
        return malformed(e);
    }
    let cells = xls_cells(&data);
    (cells > MAX_LAID_OUT_CELLS).then(|| {
        format!(
            "its sheets would take {cells} cells laid out as rectangles, more than the \
             {MAX_LAID_OUT_CELLS} this reader accepts (a cell far from the others, or a false \
             DIMENSIONS record?)"
        )
    })
}

/// How many cells calamine lays out for the sheets of an xls Workbook stream: for each sheet
/// (from the offset its BoundSheet record gives, to its end-of-file record), the rectangle
/// spanning its cell records plus what its DIMENSIONS records reserve. calamine's own walk is
/// mirrored: the globals up to their EOF for the BoundSheet offsets, then each sheet's
/// records; cells of nested substreams (charts), which calamine skips, are counted anyway.
fn xls_cells(stream: &[u8]) -> u64 {
    let mut sheets = Vec::new();
    for (typ, body) in xls_records(stream) {
        match typ {
            // BoundSheet8: the sheet's offset in the stream.
            0x0085 if body.len() >= 4 => sheets.push(le_u32(body) as usize),
            // EOF of the globals.
            0x000A => break,
            _ => {}
        }
    }
    sheets.sort_unstable();
    sheets.dedup();
    let mut total: u64 = 0;
    for start in sheets {
        let Some(sheet) = stream.get(start..) else {
            continue;
        };
        // First and last row, first and last column.
        let mut bounds: Option<(u16, u16, u16, u16)> = None;
        let mut note = |row: u16, col: u16| {
            bounds = Some(match bounds {
                None => (row, row, col, col),
                Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
            });
        };
        let mut reserved: u64 = 0;
        let mut depth = 0usize;
        for (typ, body) in xls_records(sheet) {
            match typ {
                0x0809 => depth += 1,
                0x000A => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        break;
                    }
                }
                0x0200 => reserved = reserved.max(xls_dimensions(body)),
                // Formula, Number, Label, RString, BoolErr, Rk, LabelSst: row, column.
                0x0006 | 0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD if body.len() >= 4 => {
                    note(le_u16(body), le_u16(&body[2..]));
                }
                // MulRk: row, first column, ..., last column.
                0x00BD if body.len() >= 6 => {
                    let row = le_u16(body);
                    note(row, le_u16(&body[2..]));
                    note(row, le_u16(&body[body.len() - 2..]));
                }
                _ => {}
            }
        }
        let laid_out = bounds.map_or(0, |(r0, r1, c0, c1)| {
            (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1)
        });
        total = total.saturating_add(laid_out).saturating_add(reserved);
    }
    total
}

/// The records of a BIFF stream, as calamine reads them: type and body, up to the first
/// record cut short by the end of the stream.
fn xls_records(mut stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let header = stream.get(..4)?;
        let (typ, len) = (le_u16(header), usize::from(le_u16(&header[2..])));
        let body = stream.get(4..4 + len)?;
        stream = &stream[4 + len..];
        Some((typ, body))
    })
}

/// The cells calamine reserves for a DIMENSIONS record (its arithmetic, wrapping as it does
/// in a release build).
fn xls_dimensions(body: &[u8]) -> u64 {
    let (first_row, end_row, mut first_col, end_col) = match body.len() {
        10 => (
            u32::from(le_u16(body)),
            u32::from(le_u16(&body[2..])),
            u32::from(le_u16(&body[4..])),
            u32::from(le_u16(&body[6..])),
        ),
        14 | 16 => (
            le_u32(body),
            le_u32(&body[4..]),
            u32::from(le_u16(&body[8..])),
            u32::from(le_u16(&body[10..])),
        ),
        _ => return 0,
    };
    if first_col > 0xFF || end_col < first_col {
        first_col = 0;
    }
    if end_row == 0 || end_col == 0 {
        return 1;
    }
    let rows = (end_row - 1).wrapping_sub(first_row).wrapping_add(1);
    let cols = (end_col - 1).wrapping_sub(first_col).wrapping_add(1);
    u64::from(rows) * u64::from(cols)
}
