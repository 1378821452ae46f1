//! # Brief overview
//!
//! `nebulk-sheet` reads one worksheet of a spreadsheet (xlsx, xlsm, xlsb, xls, ods) through
//! [`calamine`] and hands its rows on as text, like a CSV file: [`SpreadsheetSource`] is a
//! [`RowSource`](nebulk_read::RowSource) with a header row and data rows, each numbered by its
//! spreadsheet row. It is a crate of its own so that the CSV path does not build calamine, zip
//! and cfb.
//!
//! - **The header row** is found below titles and notes: the first of the first 50 non-empty
//!   rows in which at least 2 cells name a known column (the caller says which names are
//!   known), else the first row with 2 non-empty cells, else the first non-empty row. The table
//!   starts at its leftmost non-empty column ([`SpreadsheetSource::first_column`]).
//! - **Data rows** keep their row number ([`Row::line`](nebulk_read::Row::line)); rows that
//!   look empty are skipped; a short row is padded to the header's width.
//! - **Cells become text** as a person reads them: a phone stored as a number reads
//!   `15125550100`, not `1.51e10`; a date reads `2024-03-01`; a date-time reads
//!   `2024-03-01T18:00:00Z`, or without the `Z` under [`DateTimes::Local`]; a formula reads as
//!   its cached value; an error as `#N/A`.
//! - **Hostile files are refused** before calamine opens them, and within limits after: a zip
//!   bomb, an ods or xls whose repeated or far-apart cells would take gigabytes once laid out,
//!   a sheet whose cells take more than 512 MiB, a file on which calamine would panic or hang.
//!   Each refusal is a [`ReadError::Format`](nebulk_read::ReadError::Format) saying why.
//!
//! A newcomer reads, in this order: `source.rs` (the row source and how a chunk is filled),
//! `table.rs` (finding the header), `cell_text.rs` (the table of what each cell becomes),
//! `cells.rs` (loading a sheet from calamine), `limits.rs` (every limit, and why), and
//! `guard/` (the catch around calamine's calls and the checks before it sees a file).
//!
//! # Example
//!
//! ```
//! use nebulk_read::RowSource;
//! use nebulk_sheet::SpreadsheetSource;
//! use rust_xlsxwriter::{Format, Workbook};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("contractors.xlsx");
//! let mut workbook = Workbook::new();
//! let sheet = workbook.add_worksheet();
//! sheet.write(0, 0, "Contractors, March")?;
//! sheet.write(2, 0, "accountName")?;
//! sheet.write(2, 1, "phone")?;
//! sheet.write(2, 2, "startDate")?;
//! sheet.write(3, 0, "ann.lee")?;
//! sheet.write(3, 1, 15125550100.0)?;
//! sheet.write_number_with_format(3, 2, 45352.0, &Format::new().set_num_format("yyyy-mm-dd"))?;
//! workbook.save(&path)?;
//!
//! let known = |name: &str| ["accountName", "phone", "startDate"].contains(&name);
//! let mut source = SpreadsheetSource::open(&path, None, &known)?;
//! assert_eq!(source.sheet_name(), "Sheet1");
//! assert_eq!(source.header_line(), 3);
//! assert_eq!(source.header(), ["accountName", "phone", "startDate"]);
//! let rows = source.read_chunk(100, 1 << 20)?;
//! assert_eq!(rows.len(), 1);
//! assert_eq!(rows[0].line, 4);
//! assert_eq!(&rows[0].record[1], b"15125550100");
//! assert_eq!(&rows[0].record[2], b"2024-03-01");
//! assert!(source.read_chunk(100, 1 << 20)?.is_empty());
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

mod cell_text;
mod cells;
mod error;
mod guard;
mod limits;
mod source;
mod table;
#[cfg(test)]
mod tests;

pub use cell_text::DateTimes;
pub use guard::panic_is_caught;
pub use source::SpreadsheetSource;
