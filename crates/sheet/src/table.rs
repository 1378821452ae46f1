//! Finding the header row of a sheet and laying its cells out under it.
//!
//! Contractor lists often carry a title, a date or a note above the table. The header row is
//! the first row, among the first [`HEADER_SEARCH_ROWS`] non-empty rows, in which at least 2
//! cells name a known column (the caller says which names are known); failing that, the first
//! row with at least 2 non-empty cells; failing that, the first non-empty row. Rows above it are
//! skipped.
//!
//! The table spans the columns from the leftmost non-empty cell of the header row and the rows
//! below it, to the last non-empty header cell. Fields are numbered from that first column: if
//! column A is empty throughout, field 1 is column B. Header cells are trimmed; an empty header
//! cell inside the table (a blank spacer column) stays empty, for the validator to name it
//! `column N` and leave it out of the upload; empty cells after the last non-empty header cell
//! are dropped.
//!
//! Below the header:
//!
//! - rows that look empty are skipped, wherever they are: rows with no cell, or whose cells
//!   hold only whitespace;
//! - a row's empty cells after the header's width are dropped, and so are cells there that hold
//!   only whitespace (invisible in a spreadsheet). Non-empty cells beyond the header's width
//!   are kept, so the row has more fields than the header and the validator rejects it as
//!   malformed;
//! - data cells are not trimmed. Hidden rows and columns are read like the others; of a merged
//!   cell only the top-left cell holds the value.
//!
//! A cell beyond column [`MAX_COLUMNS`] (XFD), which no spreadsheet program writes, makes the
//! file malformed: its position comes from the file and must not become a row's width.

use nebulk_read::ReadError;

use crate::cells::Cell;
use crate::error::format_error;
use crate::limits::MAX_COLUMNS;

#[cfg(test)]
mod tests;

/// How many non-empty rows are searched for a header naming known columns.
const HEADER_SEARCH_ROWS: usize = 50;

/// A data row as kept: its 1-based row number and its cells (0-based field, text) in field
/// order, only those with text (whitespace included within the header's width).
pub(crate) type SheetRow = (u64, Vec<(usize, String)>);

/// The header and data rows of a sheet.
#[derive(Debug)]
pub(crate) struct Table {
    /// The header cells, trimmed, from the table's first column to its last non-empty one.
    pub(crate) header: Vec<String>,
    /// The header's 1-based row number.
    pub(crate) header_line: u64,
    /// The 1-based column of field 1.
    pub(crate) first_column: u32,
    /// The data rows below the header that do not look empty, in row order.
    pub(crate) rows: Vec<SheetRow>,
}

impl Table {
    /// Finds the header row among `cells` (see the [module documentation](self)) and lays the
    /// rows below it out as fields; [`ReadError::NoHeader`] when no cell has text.
    pub(crate) fn build(
        mut cells: Vec<Cell>,
        is_known_column: &dyn Fn(&str) -> bool,
    ) -> Result<Table, ReadError> {
        // Positions come from the file: one far beyond what a sheet can hold must not become
        // the width of a row (a 200-byte xlsx could ask for gigabytes).
        if let Some(&(row, col, _)) = cells.iter().find(|&&(_, col, _)| col >= MAX_COLUMNS) {
            return Err(format_error(format!(
                "the sheet is malformed: it has a cell in row {}, column {}, beyond the last \
                 column a sheet can have ({MAX_COLUMNS}, XFD)",
                u64::from(row) + 1,
                u64::from(col) + 1
            )));
        }
        // Row-major order; of two cells at one place (a malformed file), the later one wins.
        cells.sort_by_key(|&(row, col, _)| (row, col));
        let mut rows: Vec<(u32, Vec<(u32, String)>)> = Vec::new();
        for (row, col, text) in cells {
            match rows.last_mut() {
                Some((r, row_cells)) if *r == row => match row_cells.last_mut() {
                    Some((c, t)) if *c == col => *t = text,
                    _ => row_cells.push((col, text)),
                },
                _ => rows.push((row, vec![(col, text)])),
            }
        }

        let filled =
            |cells: &[(u32, String)]| cells.iter().filter(|(_, t)| !t.trim().is_empty()).count();
        let searched = &rows[..rows.len().min(HEADER_SEARCH_ROWS)];
        let header_index = searched
            .iter()
            .position(|(_, cells)| {
                cells
                    .iter()
                    .filter(|(_, t)| is_known_column(t.trim()))
                    .count()
                    >= 2
            })
            .or_else(|| rows.iter().position(|(_, cells)| filled(cells) >= 2))
            .or_else(|| rows.iter().position(|(_, cells)| filled(cells) >= 1))
            .ok_or(ReadError::NoHeader)?;

        let mut rows = rows.into_iter().skip(header_index);
        let Some((header_row, header_cells)) = rows.next() else {
            return Err(ReadError::NoHeader);
        };
        let data: Vec<(u32, Vec<(u32, String)>)> = rows.collect();

        // The table's first column: the leftmost cell with content in the header or below.
        let visible = |cells: &[(u32, String)]| {
            cells
                .iter()
                .find(|(_, t)| !t.trim().is_empty())
                .map(|&(c, _)| c)
        };
        let left = std::iter::once(&header_cells)
            .chain(data.iter().map(|(_, cells)| cells))
            .filter_map(|cells| visible(cells))
            .min()
            .ok_or(ReadError::NoHeader)?;

        let header_cells: Vec<(u32, String)> = header_cells
            .into_iter()
            .filter_map(|(c, t)| {
                let t = t.trim();
                (!t.is_empty()).then(|| (c - left, t.to_string()))
            })
            .collect();
        let width = header_cells.last().map_or(0, |&(c, _)| c as usize + 1);
        let mut header = vec![String::new(); width];
        for (c, t) in header_cells {
            header[c as usize] = t;
        }

        let rows = data
            .into_iter()
            .filter_map(|(row, cells)| {
                let cells: Vec<(usize, String)> = cells
                    .into_iter()
                    .filter(|(c, _)| *c >= left)
                    .map(|(c, t)| ((c - left) as usize, t))
                    .filter(|(c, t)| *c < width || !t.trim().is_empty())
                    .collect();
                // A row that looks empty (only whitespace) is skipped like an empty one.
                if cells.iter().all(|(_, t)| t.trim().is_empty()) {
                    return None;
                }
                Some((u64::from(row) + 1, cells))
            })
            .collect();

        Ok(Table {
            header,
            header_line: u64::from(header_row) + 1,
            first_column: left + 1,
            rows,
        })
    }
}
