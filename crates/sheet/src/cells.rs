//! The cells of one sheet, loaded through calamine as text within a memory budget.
//!
//! [`read_sheet`] opens the workbook, chooses the sheet (by name, exactly or ignoring case and
//! surrounding spaces) and loads its non-empty cells. xlsx and xlsb sheets are streamed cell by
//! cell, so that only non-empty cells take memory however far apart they are; calamine loads
//! xls and ods sheets whole, as a rectangle, and they are walked from there (the container
//! checks have made sure that rectangle fits). As the cells are read their memory is counted
//! ([`CellBudget`]): a sheet whose cells take more than [`MAX_CELL_BYTES`] is refused, so that a
//! small file cannot make nebulk hold gigabytes (an xlsx whose shared string of some megabytes
//! is used by a few hundred cells, each holding its own copy). For xls and ods, calamine holds
//! the sheet before nebulk counts it; an xls's shared strings are copied into each cell there,
//! beyond the reach of this count.
//!
//! Every call into calamine runs inside [`guard_calamine`], and nothing else does.

use std::io::{Read, Seek};
use std::path::Path;

use calamine::{Reader, Sheets, XlsxError};
use nebulk_read::ReadError;

use crate::cell_text::{data_ref_len, data_ref_text, data_text, DateTimes};
use crate::error::format_error;
use crate::guard::{guard_calamine, Container};
use crate::limits::MAX_CELL_BYTES;

#[cfg(test)]
mod tests;

/// Opens the workbook with calamine and loads the cells of the sheet chosen: the sheet's name
/// and its cells. Each call into calamine runs inside [`guard_calamine`], and nothing else does.
pub(crate) fn read_sheet(
    path: &Path,
    sheet: Option<&str>,
    container: Container,
    date_times: DateTimes,
) -> Result<(String, Vec<Cell>), ReadError> {
    let workbook = guard_calamine(|| calamine::open_workbook_auto(path))?.map_err(|e| {
        let named_zip = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ["xlsx", "xlsm", "xlsb"].contains(&e.to_lowercase().as_str()));
        let what = match container {
            Container::Zip => "a zip archive, but not a workbook: ",
            // Excel saves a password-protected workbook as an encrypted OLE file.
            Container::Ole if named_zip => {
                "an OLE file with an Office Open XML name, as password-protected workbooks \
                 are (remove the password and save it again): "
            }
            _ => "",
        };
        format_error(format!("not a spreadsheet calamine can read: {what}{e}"))
    })?;
    let names = guard_calamine(|| workbook.sheet_names())?;
    let name = choose_sheet(&names, sheet)?;
    let cells = load_cells(workbook, &name, MAX_CELL_BYTES, date_times)?;
    Ok((name, cells))
}

/// The sheet to read: `wanted` exactly, else the one sheet matching it ignoring case and
/// surrounding spaces; the first sheet when none is wanted.
fn choose_sheet(names: &[String], wanted: Option<&str>) -> Result<String, ReadError> {
    let Some(wanted) = wanted else {
        return names
            .first()
            .cloned()
            .ok_or_else(|| format_error("the workbook has no sheets".to_string()));
    };
    if let Some(name) = names.iter().find(|n| *n == wanted) {
        return Ok(name.clone());
    }
    let loose: Vec<&String> = names
        .iter()
        .filter(|n| n.trim().to_lowercase() == wanted.trim().to_lowercase())
        .collect();
    if let [name] = loose[..] {
        return Ok(name.clone());
    }
    let list = names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    Err(format_error(if names.is_empty() {
        format!("there is no sheet named \"{wanted}\": the workbook has no sheets")
    } else {
        format!("there is no sheet named \"{wanted}\"; the sheets are: {list}")
    }))
}

/// A non-empty cell: 0-based row and column, and its text.
pub(crate) type Cell = (u32, u32, String);

/// The non-empty cells of sheet `name`, as text, in no particular order; refused once they
/// take more than `max_bytes` (see [`CellBudget`]). Each call into calamine runs inside
/// [`guard_calamine`]; counting and converting the cells it gives does not.
fn load_cells<RS: Read + Seek>(
    mut workbook: Sheets<RS>,
    name: &str,
    max_bytes: u64,
    date_times: DateTimes,
) -> Result<Vec<Cell>, ReadError> {
    let cannot_read =
        |e: &dyn std::fmt::Display| format_error(format!("cannot read sheet \"{name}\": {e}"));
    let mut cells = Vec::new();
    let mut budget = CellBudget { used: 0, max_bytes };
    match &mut workbook {
        // xlsx and xlsb are streamed cell by cell: only non-empty cells take memory, however
        // far apart they are. A cell's size is checked before its text is copied: a shared
        // string is stored once in the file but copied into every cell that uses it.
        Sheets::Xlsx(xlsx) => {
            let mut reader = match guard_calamine(move || xlsx.worksheet_cells_reader(name))? {
                Ok(reader) => reader,
                // A chart sheet: no cells.
                Err(XlsxError::NotAWorksheet(_)) => return Ok(cells),
                Err(e) => return Err(cannot_read(&e)),
            };
            while let Some(cell) =
                guard_calamine(|| reader.next_cell())?.map_err(|e| cannot_read(&e))?
            {
                budget
                    .take(data_ref_len(cell.get_value()), cell.get_position())
                    .map_err(|e| cannot_read(&e))?;
                push_cell(
                    &mut cells,
                    cell.get_position(),
                    data_ref_text(cell.get_value(), date_times),
                );
            }
        }
        Sheets::Xlsb(xlsb) => {
            let mut reader = guard_calamine(move || xlsb.worksheet_cells_reader(name))?
                .map_err(|e| cannot_read(&e))?;
            while let Some(cell) =
                guard_calamine(|| reader.next_cell())?.map_err(|e| cannot_read(&e))?
            {
                budget
                    .take(data_ref_len(cell.get_value()), cell.get_position())
                    .map_err(|e| cannot_read(&e))?;
                push_cell(
                    &mut cells,
                    cell.get_position(),
                    data_ref_text(cell.get_value(), date_times),
                );
            }
        }
        Sheets::Xls(_) | Sheets::Ods(_) => {
            let range =
                guard_calamine(|| workbook.worksheet_range(name))?.map_err(|e| cannot_read(&e))?;
            // calamine holds every sheet laid out, and has handed out a copy of this one: the
            // workbook goes before the cells are copied once more, into nebulk's.
            drop(workbook);
            let (row0, col0) = range.start().unwrap_or((0, 0));
            let mut used = range.used_cells();
            while let Some((row, col, value)) = guard_calamine(|| used.next())? {
                let position = (
                    row0.saturating_add(u32::try_from(row).unwrap_or(u32::MAX)),
                    col0.saturating_add(u32::try_from(col).unwrap_or(u32::MAX)),
                );
                let text = data_text(value, date_times);
                budget
                    .take(text.len(), position)
                    .map_err(|e| cannot_read(&e))?;
                push_cell(&mut cells, position, text);
            }
        }
    }
    Ok(cells)
}

/// The memory a non-empty cell takes besides its text: its place in the cell list (32 bytes,
/// twice that while the list grows) and the text's allocation.
pub(crate) const CELL_OVERHEAD: u64 = 64;

/// Counts the memory the cells of a sheet take as they are read (see [`MAX_CELL_BYTES`]).
#[derive(Debug)]
struct CellBudget {
    used: u64,
    max_bytes: u64,
}

impl CellBudget {
    /// Counts a cell of `len` bytes of text at `(row, column)` (0-based); an error once the
    /// sheet is over budget. Empty cells are not kept, so they cost nothing.
    fn take(&mut self, len: usize, (row, column): (u32, u32)) -> Result<(), String> {
        if len == 0 {
            return Ok(());
        }
        self.used = self
            .used
            .saturating_add(u64::try_from(len).unwrap_or(u64::MAX))
            .saturating_add(CELL_OVERHEAD);
        if self.used <= self.max_bytes {
            return Ok(());
        }
        Err(format!(
            "the sheet is too large to read into memory: its cells take more than {} MiB by row {}, \
             column {} (a spreadsheet is read whole; a shared string is copied into every cell \
             that uses it); save the sheet as CSV, which is read as a stream",
            self.max_bytes >> 20,
            u64::from(row) + 1,
            u64::from(column) + 1
        ))
    }
}

/// Keeps a cell's text, when it is not empty. nebulk's code, outside the guard: a test can make
/// it panic (see `tests::panics_in_nebulk_code_are_not_caught`).
fn push_cell(cells: &mut Vec<Cell>, (row, col): (u32, u32), text: String) {
    #[cfg(test)]
    tests::on_push_cell();
    if !text.is_empty() {
        cells.push((row, col, text));
    }
}
