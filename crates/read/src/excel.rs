//! Spreadsheets (xlsx, xlsm, xlsb, xls, ods) as row sources.
//!
//! [`ExcelSource`] reads one worksheet of a workbook through [`calamine`] and hands its rows
//! on as text, like a CSV file: a header row and data rows, each with its spreadsheet row
//! number as [`Row::line`].
//!
//! # The header row
//!
//! Contractor lists often carry a title, a date or a note above the table. The header row is
//! the first row, among the first 50 non-empty rows, in which at least 2 cells name a known
//! column (the caller says which names are known); failing that, the first row with at least 2
//! non-empty cells; failing that, the first non-empty row. Rows above it are skipped.
//!
//! The table spans the columns from the leftmost non-empty cell of the header row and the rows
//! below it, to the last non-empty header cell. Fields are numbered from that first column: if
//! column A is empty throughout, field 1 is column B ([`ExcelSource::first_column`]). Header
//! cells are trimmed; an empty header cell inside the table (a blank spacer column) stays empty,
//! for the validator to name it `column N` and leave it out of the upload; empty cells after the
//! last non-empty header cell are dropped.
//!
//! # Data rows
//!
//! - [`Row::line`] is the row number Excel shows (1-based, counted from row 1 of the sheet
//!   whatever the used range), and [`Row::byte`] is 0: a workbook has no meaningful offsets.
//! - Rows that look empty are skipped, wherever they are: rows with no cell, or whose cells
//!   hold only whitespace.
//! - A row shorter than the header is padded with empty fields; a row's empty cells after the
//!   header's width are dropped, and so are cells there that hold only whitespace (invisible in
//!   a spreadsheet). Non-empty cells beyond the header's width are kept, so the row has more
//!   fields than the header and the validator rejects it as malformed.
//! - Data cells are not trimmed. Hidden rows and columns are read like the others; of a merged
//!   cell only the top-left cell holds the value.
//!
//! # Cells as text
//!
//! | cell | text |
//! |---|---|
//! | empty | `""` |
//! | string | as is |
//! | integer | decimal digits |
//! | number, integral and below 10¹⁵ in magnitude | integer digits without `.0`: a phone stored as a number, `15125550100`, reads `15125550100`; an id `1042.0` reads `1042` |
//! | any other number | Rust's shortest round-trip decimal, never with an exponent: `0.25`, `1e20` as `100000000000000000000` |
//! | boolean | `true` / `false` |
//! | date (a number under a date format, or a date cell) | `YYYY-MM-DD` when it has no time of day |
//! | date-time | `YYYY-MM-DDTHH:MM:SSZ` (`.mmm` before the `Z` when there are milliseconds); without the `Z` under [`DateTimes::Local`] |
//! | time of day alone (a serial number below 1) | `HH:MM:SS` |
//! | duration (a `[h]:mm` format) | ISO 8601: `PT36H30M00S` |
//! | date outside Excel's range (negative, or after 9999) | the serial number, as a number |
//! | ISO 8601 date, date-time or duration cell (ods; xlsx `t="d"`) | the text stored in the file, as given |
//! | error | its text: `#N/A`, `#DIV/0!`, `#VALUE!`, ... |
//! | formula | its cached value, by the rules above |
//!
//! Excel date-times carry no time zone; they are read as UTC, hence the `Z`, unless the source is
//! opened with [`DateTimes::Local`] ([`ExcelSource::open_with`]): then they are written without
//! an offset, for a reader that knows the zone (nebulk's `--timezone`). Both the 1900 and
//! the 1904 date systems are handled (calamine's conversion, which also reproduces Excel's
//! 1900-02-29). A formula whose file holds no cached value (a workbook written by a program that
//! did not calculate it) reads as its stored placeholder, often empty or `0`: open and save the
//! file in a spreadsheet program to get the values.
//!
//! # Memory and limits
//!
//! The sheet is read whole into memory when the source is opened (Excel's limit is 1,048,576 rows
//! by 16,384 columns); [`RowSource::read_chunk`] then hands out its rows. Only non-empty cells are
//! kept: a row is padded to the header's width when it is handed out, and a chunk counts one byte
//! per field besides the text, so that a chunk of wide, nearly empty rows stays as small as
//! `max_bytes` says. A cell beyond column 16,384 (XFD), which no spreadsheet program writes, makes
//! the file malformed ([`ReadError::Format`]). For xlsx, xlsm and xlsb calamine streams the cells;
//! xls and ods sheets are loaded by calamine as a rectangle spanning their used range, and calamine
//! loads all the sheets of an ods when it opens it, writing out its repeated cells and rows (an ods
//! stores a run of equal cells or rows once, with a count). So these files are walked before
//! calamine opens them, the way calamine will read them: an xls workbook's records; an ods file's
//! `content.xml` (found by content: a zip whose `mimetype` says ods), its rows and cells streamed
//! with their repeats counted, not written out. A workbook whose sheets would take more than
//! 16,777,216 cells (a full sheet of xls; some 40 bytes a cell in calamine for xls, 64 for ods) is
//! refused: for ods this counts the rows as calamine stores them and the rectangles it lays out
//! from them, so that the empty cells and rows LibreOffice repeats up to a sheet's edges cost
//! nothing, while one cell repeated over 16,384 columns and 6,000 rows in a file of 1 KiB (98
//! million cells, some 5.5 GB in calamine, under its own cap of 100 million) is refused. An ods
//! whose cells would hold more than 1 GiB of text, each repeat's copy counted, is refused too, and
//! so is one on which calamine would take more than 1 GiB in all: its cells, each string they hold
//! (an allocation of its own: a 1-byte formula repeated over 16 million cells took 2.5 GB), their
//! text, and the copy of the sheet nebulk asks for. So is one whose `content.xml` ends inside a
//! table (calamine would read the end of the file forever). Before anything is unzipped, the zip
//! directory of an xlsx, xlsm, xlsb or ods file is checked: a file whose parts would unzip to more
//! than 2 GiB (a zip bomb, say) is refused. As the cells are read, their memory is counted (text
//! plus 64 bytes a cell): a sheet whose cells take more than 512 MiB is refused, so that a small
//! file cannot make nebulk hold gigabytes (an xlsx whose shared string of some megabytes is used by
//! a few hundred cells, each holding its own copy; a sheet of millions of tiny cells just under the
//! 2 GiB guard). Sheets that large are for CSV, which is read as a stream. For xls and ods,
//! calamine holds the sheet, within the limits above, before nebulk counts it; an xls's shared
//! strings are copied into each cell there, beyond the reach of this count.
//! [`RowSource::bytes_read`] reports the file's size times the fraction of rows handed out.
//!
//! # Example
//!
//! ```
//! use nebulk_read::excel::ExcelSource;
//! use nebulk_read::RowSource;
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
//! let mut source = ExcelSource::open(&path, None, &known)?;
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

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use calamine::{Data, DataRef, ExcelDateTime, Reader, Sheets, XlsxError};

use crate::{FormatError, ReadError, Row, RowSource};

mod guard;
mod ods;

use guard::guard_calamine;
pub use guard::panic_is_caught;

/// How many non-empty rows are searched for a header naming known columns.
const HEADER_SEARCH_ROWS: usize = 50;

/// The most columns a sheet has (Excel's and LibreOffice's limit: column XFD).
const MAX_COLUMNS: u32 = 16_384;

/// The most cells calamine may lay out for the sheets of an xls or ods workbook, all together:
/// a full sheet of xls (65,536 rows by 256 columns), some 700 MB of calamine's cells (an ods
/// cell takes more: a value and a formula).
const MAX_LAID_OUT_CELLS: u64 = 65_536 * 256;

/// The most bytes of text calamine may hold in the cells of an ods workbook, each copy counted:
/// twice what nebulk lets a sheet's cells take ([`MAX_CELL_BYTES`]), as calamine holds a sheet's
/// text twice (the rows as read, the rectangle laid out from them).
const MAX_ODS_TEXT_BYTES: u64 = 2 * MAX_CELL_BYTES;

/// The most memory calamine may take for an ods workbook, in bytes, as [`ods::content_cost`]
/// estimates it (its cells, the strings and text they hold, each copy counted, and the copy of
/// the sheet nebulk asks for): what [`MAX_LAID_OUT_CELLS`] cells holding numbers take, so that
/// the cell limit stays the one that counts for them, while cells of short strings or formulas,
/// each its own allocation, or many cells besides much text, are held to it too. nebulk's own
/// copy of the cells comes on top, within [`MAX_CELL_BYTES`].
const MAX_ODS_BYTES: u64 = 1 << 30;

/// The `mimetype` entry of an ods file, as calamine checks it.
const ODS_MIMETYPE: &[u8; 46] = b"application/vnd.oasis.opendocument.spreadsheet";

/// The most a workbook's zipped parts may unzip to, all together.
const MAX_UNZIPPED_BYTES: u64 = 2 << 30;

/// The largest zip central directory read for the check above.
const MAX_ZIP_DIRECTORY_BYTES: u64 = 64 << 20;

/// Serial days from here on are read as numbers: 9999-12-31 is day 2,957,003 in the 1904
/// system (in the 1900 system, whose last day is 2,958,465, this cuts at 9995-12-31 instead).
const MAX_SERIAL_DAY: f64 = 2_957_004.0;

/// A worksheet as a row source: header row found, cells as text.
///
/// See the [module documentation](self) for how the header is found and cells become text.
///
/// ```
/// use nebulk_read::excel::ExcelSource;
/// use nebulk_read::RowSource;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("list.xlsx");
/// let mut workbook = rust_xlsxwriter::Workbook::new();
/// let sheet = workbook.add_worksheet();
/// sheet.write_row(0, 0, ["id", "name"])?;
/// sheet.write_row(1, 0, [1042.0, 7.5])?;
/// workbook.save(&path)?;
///
/// let mut source = ExcelSource::open(&path, None, &|_| false)?;
/// assert_eq!(source.header(), ["id", "name"]);
/// let rows = source.read_chunk(10, 1 << 20)?;
/// assert_eq!(&rows[0].record[0], b"1042");
/// assert_eq!(&rows[0].record[1], b"7.5");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct ExcelSource {
    sheet: String,
    header: Vec<String>,
    header_line: u64,
    first_column: u32,
    rows: std::vec::IntoIter<SheetRow>,
    total_rows: usize,
    handed_out: usize,
    file_size: u64,
}

impl ExcelSource {
    /// Opens `path` (xlsx, xlsm, xlsb, xls, ods — by extension, else by content, through
    /// calamine's `open_workbook_auto`), takes sheet `sheet` (default: the first), and finds
    /// the header row: the first row among the first 50 non-empty rows in which at least 2
    /// cells satisfy `is_known_column` (does this trimmed cell name a schema attribute?), else
    /// the first row with at least 2 non-empty cells, else the first non-empty row. Rows above
    /// the header (titles, notes) are skipped.
    ///
    /// A sheet name that matches none exactly is matched ignoring case and surrounding spaces
    /// when that picks a single sheet.
    ///
    /// # Errors
    ///
    /// - [`ReadError::Io`] when the file cannot be opened;
    /// - [`ReadError::Format`] when it is not a spreadsheet calamine can read (corrupt, a text
    ///   file, a zip that is not a workbook, a zip bomb), when it has no sheet named `sheet` (the
    ///   message lists the sheets there are), or when it has no sheet at all;
    /// - [`ReadError::NoHeader`] when the sheet is empty.
    ///
    /// ```
    /// use nebulk_read::excel::ExcelSource;
    /// use nebulk_read::ReadError;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("book.xlsx");
    /// let mut workbook = rust_xlsxwriter::Workbook::new();
    /// workbook.add_worksheet().set_name("Notes")?.write(0, 0, "see the other tab")?;
    /// workbook.add_worksheet().set_name("People")?.write_row(0, 0, ["email", "phone"])?;
    /// workbook.save(&path)?;
    ///
    /// let source = ExcelSource::open(&path, Some("people"), &|_| false)?;
    /// assert_eq!(source.sheet_name(), "People");
    ///
    /// let err = ExcelSource::open(&path, Some("Staff"), &|_| false).unwrap_err();
    /// assert!(matches!(err, ReadError::Format(_)));
    /// assert!(err.to_string().contains(r#"the sheets are: "Notes", "People""#));
    /// # Ok(())
    /// # }
    /// ```
    pub fn open(
        path: &Path,
        sheet: Option<&str>,
        is_known_column: &dyn Fn(&str) -> bool,
    ) -> Result<ExcelSource, ReadError> {
        ExcelSource::open_with(path, sheet, is_known_column, DateTimes::Utc)
    }

    /// [`ExcelSource::open`], writing date-time cells as `date_times` says.
    ///
    /// # Errors
    ///
    /// As [`ExcelSource::open`].
    ///
    /// ```
    /// use nebulk_read::excel::{DateTimes, ExcelSource};
    /// use nebulk_read::RowSource;
    /// use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("times.xlsx");
    /// let mut workbook = Workbook::new();
    /// let sheet = workbook.add_worksheet();
    /// sheet.write_row(0, 0, ["accountName", "startDate"])?;
    /// sheet.write(1, 0, "ann.lee")?;
    /// let start = ExcelDateTime::parse_from_str("2026-03-24 08:30:00")?;
    /// sheet.write_datetime_with_format(1, 1, &start, &Format::new().set_num_format("yyyy-mm-dd hh:mm"))?;
    /// workbook.save(&path)?;
    ///
    /// let mut utc = ExcelSource::open_with(&path, None, &|_| true, DateTimes::Utc)?;
    /// assert_eq!(&utc.read_chunk(10, 1 << 20)?[0].record[1], b"2026-03-24T08:30:00Z");
    /// let mut local = ExcelSource::open_with(&path, None, &|_| true, DateTimes::Local)?;
    /// assert_eq!(&local.read_chunk(10, 1 << 20)?[0].record[1], b"2026-03-24T08:30:00");
    /// # Ok(())
    /// # }
    /// ```
    pub fn open_with(
        path: &Path,
        sheet: Option<&str>,
        is_known_column: &dyn Fn(&str) -> bool,
        date_times: DateTimes,
    ) -> Result<ExcelSource, ReadError> {
        let mut file = File::open(path).map_err(|error| ReadError::Io { line: 1, error })?;
        let file_size = file
            .metadata()
            .map_err(|error| ReadError::Io { line: 1, error })?
            .len();
        let container = match check_container(&mut file, file_size)
            .map_err(|error| ReadError::Io { line: 1, error })?
        {
            Container::Refused(why) => {
                return Err(format_error(format!(
                    "not a spreadsheet calamine can read: {why}"
                )))
            }
            container => container,
        };
        drop(file);

        let (name, cells) = read_sheet(path, sheet, container, date_times)?;

        let table = Table::build(cells, is_known_column)?;
        let total_rows = table.rows.len();
        Ok(ExcelSource {
            sheet: name,
            header: table.header,
            header_line: table.header_line,
            first_column: table.first_column,
            rows: table.rows.into_iter(),
            total_rows,
            handed_out: 0,
            file_size,
        })
    }

    /// The sheet read.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("b.xlsx");
    /// let mut workbook = rust_xlsxwriter::Workbook::new();
    /// workbook.add_worksheet().set_name("Contractors")?.write_row(0, 0, ["a", "b"])?;
    /// workbook.save(&path)?;
    /// let source = nebulk_read::excel::ExcelSource::open(&path, None, &|_| false)?;
    /// assert_eq!(source.sheet_name(), "Contractors");
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn sheet_name(&self) -> &str {
        &self.sheet
    }

    /// The 1-based row number of the header row.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("b.xlsx");
    /// let mut workbook = rust_xlsxwriter::Workbook::new();
    /// let sheet = workbook.add_worksheet();
    /// sheet.write(0, 0, "Contractor list")?;
    /// sheet.write_row(1, 0, ["firstName", "lastName"])?;
    /// workbook.save(&path)?;
    /// let source = nebulk_read::excel::ExcelSource::open(&path, None, &|c| c.ends_with("Name"))?;
    /// assert_eq!(source.header_line(), 2);
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn header_line(&self) -> u64 {
        self.header_line
    }

    /// The 1-based spreadsheet column of field 1 (1 is column A): fields are numbered from the
    /// table's first column, so field `n` is column `first_column() + n - 1`.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("b.xlsx");
    /// let mut workbook = rust_xlsxwriter::Workbook::new();
    /// workbook.add_worksheet().write_row(0, 1, ["email", "phone"])?; // starts at B1
    /// workbook.save(&path)?;
    /// let source = nebulk_read::excel::ExcelSource::open(&path, None, &|_| false)?;
    /// assert_eq!(source.first_column(), 2);
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn first_column(&self) -> u32 {
        self.first_column
    }
}

impl RowSource for ExcelSource {
    fn header(&self) -> &[String] {
        &self.header
    }

    fn next_row(&mut self, row: &mut Row) -> Result<bool, ReadError> {
        let Some((line, cells)) = self.rows.next() else {
            return Ok(false);
        };
        let width = cells
            .last()
            .map_or(0, |(c, _)| c + 1)
            .max(self.header.len());
        let text: usize = cells.iter().map(|(_, t)| t.len()).sum();
        *row = padded_row(line, width, text, &cells);
        self.handed_out += 1;
        Ok(true)
    }

    fn fill_chunk(
        &mut self,
        rows: &mut Vec<Row>,
        max_rows: usize,
        max_bytes: usize,
    ) -> Result<(), ReadError> {
        let max_rows = max_rows.max(1);
        rows.clear();
        let mut bytes = 0usize;
        while rows.len() < max_rows && (rows.is_empty() || bytes < max_bytes) {
            let Some((line, cells)) = self.rows.next() else {
                break;
            };
            let width = cells
                .last()
                .map_or(0, |(c, _)| c + 1)
                .max(self.header.len());
            let text: usize = cells.iter().map(|(_, t)| t.len()).sum();
            // A field costs memory however empty: one byte each, like a delimiter.
            bytes = bytes.saturating_add(text).saturating_add(width);
            rows.push(padded_row(line, width, text, &cells));
        }
        self.handed_out += rows.len();
        Ok(())
    }

    fn bytes_read(&self) -> u64 {
        if self.handed_out >= self.total_rows {
            return self.file_size;
        }
        let part = u128::from(self.file_size) * self.handed_out as u128 / self.total_rows as u128;
        u64::try_from(part).unwrap_or(self.file_size)
    }

    fn header_line(&self) -> u64 {
        self.header_line
    }
}

fn format_error(message: String) -> ReadError {
    ReadError::Format(FormatError::whole(message))
}

/// A data row as kept: its 1-based row number and its cells (0-based field, text) in field
/// order, only those with text (whitespace included within the header's width).
type SheetRow = (u64, Vec<(usize, String)>);

/// A row of `width` fields (at least as many as the last cell needs): the cells' texts, empty
/// fields between them; `text` is the cells' total length.
fn padded_row(line: u64, width: usize, text: usize, cells: &[(usize, String)]) -> Row {
    let mut record = csv::ByteRecord::with_capacity(text, width);
    let mut cells = cells.iter().peekable();
    for field in 0..width {
        match cells.next_if(|(c, _)| *c == field) {
            Some((_, t)) => record.push_field(t.as_bytes()),
            None => record.push_field(b""),
        }
    }
    Row {
        line,
        record,
        ..Row::default()
    }
}

/// Opens the workbook with calamine and loads the cells of the sheet chosen: the sheet's name
/// and its cells. Each call into calamine runs inside [`guard_calamine`], and nothing else does.
fn read_sheet(
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
type Cell = (u32, u32, String);

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

/// What the cells of a sheet may take in memory, estimated as their text plus
/// [`CELL_OVERHEAD`] bytes each: 512 MiB, some 8 million short cells (500,000 rows of 16),
/// 25 times the most accounts a source holds.
const MAX_CELL_BYTES: u64 = 512 << 20;

/// The memory a non-empty cell takes besides its text: its place in the cell list (32 bytes,
/// twice that while the list grows) and the text's allocation.
const CELL_OVERHEAD: u64 = 64;

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

/// The length of the text [`data_ref_text`] gives, without making it (an upper bound for
/// numbers, dates and errors).
fn data_ref_len(value: &DataRef<'_>) -> usize {
    match value {
        DataRef::Empty => 0,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.len(),
        DataRef::SharedString(s) => s.len(),
        DataRef::Int(_)
        | DataRef::Float(_)
        | DataRef::Bool(_)
        | DataRef::DateTime(_)
        | DataRef::Error(_) => 32,
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

/// The header and data rows of a sheet.
#[derive(Debug)]
struct Table {
    header: Vec<String>,
    header_line: u64,
    first_column: u32,
    rows: Vec<SheetRow>,
}

impl Table {
    fn build(
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

/// How date-time cells, which carry no time zone in a workbook, are written as text.
///
/// ```
/// assert_eq!(nebulk_read::excel::DateTimes::default(), nebulk_read::excel::DateTimes::Utc);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DateTimes {
    /// As UTC: `2024-03-01T18:00:00Z`.
    #[default]
    Utc,
    /// Without an offset, `2024-03-01T18:00:00`, for a reader that knows the time zone they
    /// were written in (nebulk's `--timezone`).
    Local,
}

/// A cell of an xls or ods sheet as text.
fn data_text(value: &Data, date_times: DateTimes) -> String {
    match value {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(x) => float_text(*x),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => datetime_text(dt, date_times),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// A cell of an xlsx or xlsb sheet as text.
fn data_ref_text(value: &DataRef<'_>, date_times: DateTimes) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(x) => float_text(*x),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) => datetime_text(dt, date_times),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
    }
}

/// A number as text: integral values below 10^15 as integer digits, others as Rust's shortest
/// round-trip decimal (which never uses an exponent).
fn float_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        // Exact: |x| < 10^15 < 2^63, and integral.
        #[allow(clippy::cast_possible_truncation)]
        let i = x as i64;
        i.to_string()
    } else {
        x.to_string()
    }
}

/// A date, date-time, time of day or duration as ISO 8601 text; a date-time ends in `Z` unless
/// `date_times` is [`DateTimes::Local`].
fn datetime_text(dt: &ExcelDateTime, date_times: DateTimes) -> String {
    let serial = dt.as_f64();
    if dt.is_duration() {
        return duration_text(serial);
    }
    if !(0.0..MAX_SERIAL_DAY).contains(&serial) {
        return float_text(serial);
    }
    let (year, month, day, hour, minute, second, milli) = dt.to_ymd_hms_milli();
    let fraction = if milli == 0 {
        String::new()
    } else {
        format!(".{milli:03}")
    };
    if serial < 1.0 {
        format!("{hour:02}:{minute:02}:{second:02}{fraction}")
    } else if (hour, minute, second, milli) == (0, 0, 0, 0) {
        format!("{year:04}-{month:02}-{day:02}")
    } else {
        let zone = match date_times {
            DateTimes::Utc => "Z",
            DateTimes::Local => "",
        };
        format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}{zone}")
    }
}

/// A duration in days as ISO 8601 hours, minutes and seconds: `PT36H30M00S`.
fn duration_text(days: f64) -> String {
    if !days.is_finite() {
        return float_text(days);
    }
    let millis = (days * 86_400_000.0).round();
    let sign = if millis < 0.0 { "-" } else { "" };
    // Saturating: a duration of more than 292 million years is not a contractor's.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let millis = millis.abs() as u64;
    let (hours, rest) = (millis / 3_600_000, millis % 3_600_000);
    let (minutes, rest) = (rest / 60_000, rest % 60_000);
    let (seconds, milli) = (rest / 1000, rest % 1000);
    let fraction = if milli == 0 {
        String::new()
    } else {
        format!(".{milli:03}")
    };
    format!("{sign}PT{hours}H{minutes:02}M{seconds:02}{fraction}S")
}

/// What a file is, by its first bytes.
#[derive(Debug)]
enum Container {
    /// A zip archive: xlsx, xlsm, xlsb or ods.
    Zip,
    /// An OLE compound file: xls.
    Ole,
    /// Not to be opened, and why.
    Refused(String),
}

/// Tells what the file is before calamine tries it: a zip (xlsx, xlsm, xlsb, ods), an OLE
/// compound file (xls), or neither; a zip bomb ([`check_zip`]), an ods calamine would take too
/// much memory for ([`check_ods`]) and an xls it would ([`check_xls`]) are refused too.
fn check_container(file: &mut File, len: u64) -> io::Result<Container> {
    if len == 0 {
        return Ok(Container::Refused("the file is empty".to_string()));
    }
    let mut start = vec![0u8; usize::try_from(len.min(512)).unwrap_or(512)];
    read_at(file, 0, &mut start)?;
    if start.starts_with(b"PK\x03\x04") || start.starts_with(b"PK\x05\x06") {
        let refused = match check_zip(file, len)? {
            Some(why) => Some(why),
            None => check_ods(file),
        };
        return Ok(refused.map_or(Container::Zip, Container::Refused));
    }
    if start.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Ok(check_xls(file, len).map_or(Container::Ole, Container::Refused));
    }
    Ok(Container::Refused(if start.contains(&0) {
        "the file is neither a zip-based workbook (xlsx, xlsm, xlsb, ods) nor an OLE one (xls)"
            .to_string()
    } else {
        "the file is text (a CSV file?), not a workbook".to_string()
    }))
}

/// For an OLE file (xls), tells why it will not be handed to calamine. calamine lays each
/// sheet out as a dense rectangle from its first to its last cell, after reserving room for
/// as many cells as the sheet's DIMENSIONS record claims, before anything can be checked: one
/// cell record at row 65,535 and column 65,535 of a 7 KiB file asks for 137 GB, and the
/// process aborts. So the sheets' records are walked here first, the way calamine will walk
/// them ([`xls_cells`]), and a workbook that would take more than [`MAX_LAID_OUT_CELLS`] cells is
/// refused, as is an OLE file too malformed to walk. `None` when it is fine, or has no
/// workbook stream (a password-protected xlsx, say: calamine then says what it is).
fn check_xls(file: &mut File, len: u64) -> Option<String> {
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

/// For a zip file (xlsx, xlsm, xlsb, ods), reads its central directory and tells why it will
/// not be opened: its parts would unzip to more than [`MAX_UNZIPPED_BYTES`]. `None` when it is
/// fine, or is a zip too broken to tell (calamine then reports it).
fn check_zip(file: &mut File, len: u64) -> io::Result<Option<String>> {
    if len < 22 {
        return Ok(None);
    }
    let Some(directory) = zip_directory(file, len)? else {
        return Ok(None);
    };
    let mut total: u64 = 0;
    let mut entries: u64 = 0;
    let mut at = 0usize;
    while let Some(header) = directory.get(at..at + 46) {
        if header[..4] != *b"PK\x01\x02" {
            break;
        }
        let mut size = u64::from(le_u32(&header[24..]));
        let name_len = usize::from(le_u16(&header[28..]));
        let extra_len = usize::from(le_u16(&header[30..]));
        let comment_len = usize::from(le_u16(&header[32..]));
        if size == 0xFFFF_FFFF {
            let extra_at = at + 46 + name_len;
            let extra = directory.get(extra_at..extra_at + extra_len).unwrap_or(&[]);
            size = zip64_uncompressed_size(extra).unwrap_or(u64::MAX);
        }
        total = total.saturating_add(size);
        entries += 1;
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok((total > MAX_UNZIPPED_BYTES).then(|| {
        format!(
            "its {entries} zipped parts would unzip to {total} bytes, more than the {MAX_UNZIPPED_BYTES} \
             this reader accepts (a zip bomb?)"
        )
    }))
}

/// For a zip file that is an ods (its `mimetype` entry says so, which is what calamine checks),
/// tells why it will not be handed to calamine. calamine parses all the sheets of an ods when it
/// opens it, writing out repeated cells and rows (`table:number-columns-repeated`,
/// `table:number-rows-repeated`) as it stores each row and then lays each sheet out as a rectangle,
/// up to 100,000,000 cells a sheet: a 1 KiB file holding one cell repeated over 16,384 columns and
/// 6,000 rows asks for some 5.5 GB. So its `content.xml` is walked here first, the way calamine
/// will read it ([`ods::content_cost`]), and a workbook refused when calamine would keep more than
/// [`MAX_LAID_OUT_CELLS`] cells or [`MAX_ODS_TEXT_BYTES`] bytes of text for it, or take more than
/// [`MAX_ODS_BYTES`] in all, or would never finish reading it. `None` when it is fine, is not an
/// ods, or is too broken for the walk (calamine then says what is wrong).
fn check_ods(file: &mut File) -> Option<String> {
    let mut zip = zip::ZipArchive::new(&mut *file).ok()?;
    let mut mimetype = [0u8; ODS_MIMETYPE.len()];
    zip.by_name("mimetype")
        .ok()?
        .read_exact(&mut mimetype)
        .ok()?;
    if mimetype != *ODS_MIMETYPE {
        return None;
    }
    // The zip guard has checked the declared sizes, and the zip crate stops at the declared
    // size; this limit holds whatever the zip claims.
    let mut content = zip
        .by_name("content.xml")
        .ok()?
        .take(MAX_UNZIPPED_BYTES + 1);
    let cost = ods::content_cost(io::BufReader::new(&mut content));
    if content.limit() == 0 {
        return Some(format!(
            "its content.xml unzips to more than the {MAX_UNZIPPED_BYTES} bytes this reader \
             accepts (a zip bomb?)"
        ));
    }
    match cost {
        Err(why) => Some(why),
        Ok(cost) if cost.cells > MAX_LAID_OUT_CELLS => Some(format!(
            "its sheets would take {} cells once calamine writes out their repeated rows and \
             columns, more than the {MAX_LAID_OUT_CELLS} this reader accepts (a cell repeated \
             over many rows and columns?)",
            cost.cells
        )),
        Ok(cost) if cost.text > MAX_ODS_TEXT_BYTES => Some(format!(
            "its cells would hold {} bytes of text once calamine writes out their repeated \
             rows and columns, more than the {MAX_ODS_TEXT_BYTES} this reader accepts (a long \
             text repeated over many rows and columns?)",
            cost.text
        )),
        Ok(cost) if cost.bytes > MAX_ODS_BYTES => Some(format!(
            "its sheets would take some {} MiB in calamine once it writes out their repeated \
             rows, columns and spaces ({} cells, each string in them an allocation of its own, \
             and their text), more than the {} MiB this reader accepts (a short text or formula \
             repeated over many rows and columns, or a text of many spaces?)",
            cost.bytes >> 20,
            cost.cells,
            MAX_ODS_BYTES >> 20
        )),
        Ok(_) => None,
    }
}

/// The central directory of a zip file, found through its end record (zip64 included).
fn zip_directory(file: &mut File, len: u64) -> io::Result<Option<Vec<u8>>> {
    let tail_len = len.min(22 + 0xFFFF);
    let tail_start = len - tail_len;
    let mut tail = vec![0u8; usize::try_from(tail_len).unwrap_or(0)];
    read_at(file, tail_start, &mut tail)?;
    let Some(end) = (0..=tail.len().saturating_sub(22))
        .rev()
        .find(|&i| tail[i..].starts_with(b"PK\x05\x06"))
    else {
        return Ok(None);
    };
    let record = &tail[end..];
    let mut size = u64::from(le_u32(&record[12..]));
    let mut offset = u64::from(le_u32(&record[16..]));
    if size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF || le_u16(&record[10..]) == 0xFFFF {
        // zip64: a locator just before the end record points at the zip64 end record.
        let mut locator = [0u8; 20];
        let Some(locator_at) = (tail_start + end as u64).checked_sub(20) else {
            return Ok(None);
        };
        read_at(file, locator_at, &mut locator)?;
        if !locator.starts_with(b"PK\x06\x07") {
            return Ok(None);
        }
        let mut record64 = [0u8; 56];
        if read_at(file, le_u64(&locator[8..]), &mut record64).is_err()
            || !record64.starts_with(b"PK\x06\x06")
        {
            return Ok(None);
        }
        size = le_u64(&record64[40..]);
        offset = le_u64(&record64[48..]);
    }
    if size > MAX_ZIP_DIRECTORY_BYTES || offset.saturating_add(size) > len {
        return Ok(None);
    }
    let mut directory = vec![0u8; usize::try_from(size).unwrap_or(0)];
    read_at(file, offset, &mut directory)?;
    Ok(Some(directory))
}

/// The uncompressed size in a central directory entry's zip64 extra field (its first value
/// when the 32-bit size is 0xFFFFFFFF).
fn zip64_uncompressed_size(mut extra: &[u8]) -> Option<u64> {
    while extra.len() >= 4 {
        let id = le_u16(extra);
        let len = usize::from(le_u16(&extra[2..]));
        let data = extra.get(4..4 + len)?;
        if id == 0x0001 && data.len() >= 8 {
            return Some(le_u64(data));
        }
        extra = &extra[(4 + len).min(extra.len())..];
    }
    None
}

fn read_at(file: &mut File, at: u64, buf: &mut [u8]) -> io::Result<()> {
    file.seek(SeekFrom::Start(at))?;
    file.read_exact(buf)
}

fn le_u16(b: &[u8]) -> u16 {
    u16::from_le_bytes([b[0], b[1]])
}

fn le_u32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

fn le_u64(b: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&b[..8]);
    u64::from_le_bytes(bytes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::io::Write;
    use std::path::PathBuf;

    use proptest::prelude::*;
    use rust_xlsxwriter::{ExcelDateTime as XlDate, Format, Formula, Workbook, Worksheet};

    use super::*;

    const SCHEMA: [&str; 8] = [
        "accountName",
        "firstName",
        "lastName",
        "email",
        "phone",
        "manager",
        "startDate",
        "endDate",
    ];

    fn known(name: &str) -> bool {
        SCHEMA.contains(&name)
    }

    /// Builds an xlsx with one sheet filled by `fill`, in a fresh temporary directory.
    fn xlsx(fill: impl FnOnce(&mut Worksheet)) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.xlsx");
        let mut workbook = Workbook::new();
        fill(workbook.add_worksheet());
        workbook.save(&path).unwrap();
        (dir, path)
    }

    /// All remaining rows as (line, fields).
    fn read_all(source: &mut ExcelSource) -> Vec<(u64, Vec<String>)> {
        let mut out = Vec::new();
        loop {
            let rows = source.read_chunk(3, 1 << 20).unwrap();
            if rows.is_empty() {
                return out;
            }
            for row in rows {
                let fields = row
                    .record
                    .iter()
                    .map(|f| String::from_utf8(f.to_vec()).unwrap())
                    .collect();
                out.push((row.line, fields));
            }
        }
    }

    fn strings(fields: &[&str]) -> Vec<String> {
        fields.iter().map(|s| s.to_string()).collect()
    }

    fn open_err(path: &Path, sheet: Option<&str>) -> ReadError {
        match ExcelSource::open(path, sheet, &known) {
            Ok(source) => panic!("expected an error, got header {:?}", source.header()),
            Err(e) => e,
        }
    }

    #[test]
    fn title_rows_numbers_dates_formulas_booleans_errors() {
        let (_dir, path) = xlsx(|s| {
            let date = Format::new().set_num_format("yyyy-mm-dd");
            let dmy = Format::new().set_num_format("dd/mm/yyyy");
            let stamp = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
            s.write(0, 0, "Contractor list").unwrap();
            // Two non-empty cells, but not known columns: not the header.
            s.write(1, 0, "Exported by").unwrap();
            s.write(1, 1, "HR").unwrap();
            s.write_row(
                2,
                0,
                [
                    "accountName",
                    " phone ",
                    "startDate",
                    "id",
                    "email",
                    "active",
                    "check",
                    "endDate",
                    "note",
                ],
            )
            .unwrap();
            s.write(3, 0, "ann.lee").unwrap();
            s.write(3, 1, 15125550100.0).unwrap();
            let start = XlDate::from_ymd(2024, 3, 1).unwrap();
            s.write_datetime_with_format(3, 2, &start, &date).unwrap();
            s.write(3, 3, 1042.0).unwrap();
            s.write_formula(
                3,
                4,
                Formula::new("=A4&\"@example.com\"").set_result("ann.lee@example.com"),
            )
            .unwrap();
            s.write(3, 5, true).unwrap();
            s.write_formula(3, 6, Formula::new("=NA()").set_result("#N/A"))
                .unwrap();
            let end = XlDate::from_ymd(2024, 12, 31)
                .unwrap()
                .and_hms(17, 30, 5)
                .unwrap();
            s.write_datetime_with_format(3, 7, &end, &stamp).unwrap();
            s.write(3, 8, "  spaced  ").unwrap();

            s.write(4, 0, "bob.ray").unwrap();
            s.write(4, 1, 4401632960123.0).unwrap();
            // A serial number under a date format: 45413 is 2024-05-01.
            s.write_number_with_format(4, 2, 45413.0, &dmy).unwrap();
            s.write(4, 3, 1043.5).unwrap();
            s.write_formula(4, 4, Formula::new("=1/0").set_result("#DIV/0!"))
                .unwrap();
            s.write(4, 5, false).unwrap();
            s.write_formula(4, 6, Formula::new("=2*21").set_result("42"))
                .unwrap();
        });
        let mut source = ExcelSource::open(&path, None, &known).unwrap();
        assert_eq!(source.sheet_name(), "Sheet1");
        assert_eq!(source.header_line(), 3);
        assert_eq!(source.first_column(), 1);
        assert_eq!(
            source.header(),
            [
                "accountName",
                "phone",
                "startDate",
                "id",
                "email",
                "active",
                "check",
                "endDate",
                "note"
            ]
        );
        let rows = read_all(&mut source);
        assert_eq!(
            rows,
            [
                (
                    4,
                    strings(&[
                        "ann.lee",
                        "15125550100",
                        "2024-03-01",
                        "1042",
                        "ann.lee@example.com",
                        "true",
                        "#N/A",
                        "2024-12-31T17:30:05Z",
                        "  spaced  ",
                    ])
                ),
                (
                    5,
                    strings(&[
                        "bob.ray",
                        "4401632960123",
                        "2024-05-01",
                        "1043.5",
                        "#DIV/0!",
                        "false",
                        "42",
                        "",
                        "",
                    ])
                ),
            ]
        );
    }

    #[test]
    fn times_durations_and_odd_numbers() {
        let (_dir, path) = xlsx(|s| {
            s.write_row(0, 0, ["a", "b", "c", "d", "e", "f"]).unwrap();
            let time = Format::new().set_num_format("hh:mm");
            let duration = Format::new().set_num_format("[h]:mm:ss");
            let date = Format::new().set_num_format("yyyy-mm-dd");
            s.write_number_with_format(1, 0, 0.5, &time).unwrap();
            s.write_number_with_format(1, 1, 1.5 + 0.5 / 24.0, &duration)
                .unwrap();
            s.write(1, 2, 1e20).unwrap();
            s.write(1, 3, 0.000_000_25).unwrap();
            s.write(1, 4, -12.0).unwrap();
            // Dates outside Excel's range stay numbers.
            s.write_number_with_format(1, 5, -3.0, &date).unwrap();
        });
        let mut source = ExcelSource::open(&path, None, &known).unwrap();
        assert_eq!(
            read_all(&mut source),
            [(
                2,
                strings(&[
                    "12:00:00",
                    "PT36H30M00S",
                    "100000000000000000000",
                    "0.00000025",
                    "-12",
                    "-3"
                ])
            )]
        );
    }

    #[test]
    fn header_fallbacks() {
        // No known column anywhere: the first row with two non-empty cells.
        let (_dir, path) = xlsx(|s| {
            s.write(0, 0, "Title").unwrap();
            s.write_row(1, 0, ["Name", "Mail"]).unwrap();
            s.write_row(2, 0, ["ann", "a@x.org"]).unwrap();
        });
        let mut source = ExcelSource::open(&path, None, &known).unwrap();
        assert_eq!(source.header_line(), 2);
        assert_eq!(source.header(), ["Name", "Mail"]);
        assert_eq!(read_all(&mut source), [(3, strings(&["ann", "a@x.org"]))]);

        // A single column: the first non-empty row.
        let (_dir, path) = xlsx(|s| {
            s.write(4, 2, "email").unwrap();
            s.write(5, 2, "a@x.org").unwrap();
        });
        let mut source = ExcelSource::open(&path, None, &known).unwrap();
        assert_eq!(source.header_line(), 5);
        assert_eq!(source.first_column(), 3);
        assert_eq!(source.header(), ["email"]);
        assert_eq!(read_all(&mut source), [(6, strings(&["a@x.org"]))]);

        // Known columns win over an earlier row with more cells.
        let (_dir, path) = xlsx(|s| {
            s.write_row(0, 0, ["Report", "of", "March"]).unwrap();
            s.write_row(1, 0, ["email", "phone"]).unwrap();
        });
        let source = ExcelSource::open(&path, None, &known).unwrap();
        assert_eq!(source.header_line(), 2);

        // Only the first 50 non-empty rows are searched for known columns.
        let (_dir, path) = xlsx(|s| {
            for row in 0..50 {
                s.write_row(row, 0, ["x", "y"]).unwrap();
            }
            s.write_row(50, 0, ["email", "phone"]).unwrap();
        });
        let source = ExcelSource::open(&path, None, &known).unwrap();
        assert_eq!(source.header_line(), 1);
        assert_eq!(source.header(), ["x", "y"]);
    }

    #[test]
    fn sheet_choice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("two.xlsx");
        let mut workbook = Workbook::new();
        let first = workbook.add_worksheet().set_name("Summary").unwrap();
        first.write_row(0, 0, ["total", "count"]).unwrap();
        first.write_row(1, 0, [3.0, 4.0]).unwrap();
        let second = workbook.add_worksheet().set_name("People").unwrap();
        second.write_row(0, 0, ["email", "phone"]).unwrap();
        second.write_row(1, 0, ["a@x.org", "1"]).unwrap();
        workbook.add_worksheet().set_name("Empty").unwrap();
        workbook.save(&path).unwrap();

        let source = ExcelSource::open(&path, None, &known).unwrap();
        assert_eq!(source.sheet_name(), "Summary");
        assert_eq!(source.header(), ["total", "count"]);

        let mut source = ExcelSource::open(&path, Some("People"), &known).unwrap();
        assert_eq!(source.sheet_name(), "People");
        assert_eq!(source.header(), ["email", "phone"]);
        assert_eq!(read_all(&mut source), [(2, strings(&["a@x.org", "1"]))]);

        let source = ExcelSource::open(&path, Some(" people "), &known).unwrap();
        assert_eq!(source.sheet_name(), "People");

        let err = open_err(&path, Some("Staff"));
        let ReadError::Format(e) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(
            e.message,
            "there is no sheet named \"Staff\"; the sheets are: \"Summary\", \"People\", \"Empty\""
                .to_string()
        );

        assert!(matches!(
            open_err(&path, Some("Empty")),
            ReadError::NoHeader
        ));
    }

    #[test]
    fn empty_sheets() {
        let (_dir, path) = xlsx(|_| {});
        assert!(matches!(open_err(&path, None), ReadError::NoHeader));
        // Formatting and whitespace alone are not content.
        let (_dir, path) = xlsx(|s| {
            s.write_blank(3, 3, &Format::new().set_bold()).unwrap();
            s.write(5, 1, "   ").unwrap();
        });
        assert!(matches!(open_err(&path, None), ReadError::NoHeader));
    }

    /// Issue 9: a header row with a blank spacer column was refused.
    #[test]
    fn header_gaps() {
        let (_dir, path) = xlsx(|s| {
            s.write(0, 0, "email").unwrap();
            s.write(0, 2, "phone").unwrap();
            s.write_row(1, 0, ["a@x.org", "", "1"]).unwrap();
        });
        let mut source = ExcelSource::open(&path, None, &known).unwrap();
        assert_eq!(source.header(), ["email", "", "phone"]);
        assert_eq!(read_all(&mut source), [(2, strings(&["a@x.org", "", "1"]))]);

        // A blank-looking header cell is empty too.
        let (_dir, path) = xlsx(|s| {
            s.write_row(0, 0, ["email", "  ", "phone"])
                .map(|_| ())
                .unwrap()
        });
        let source = ExcelSource::open(&path, None, &known).unwrap();
        assert_eq!(source.header(), ["email", "", "phone"]);

        // Data left of the header's first cell: the header's first column is empty.
        let (_dir, path) = xlsx(|s| {
            s.write_row(0, 1, ["email", "phone"]).unwrap();
            s.write_row(1, 0, ["7", "a@x.org", "1"]).unwrap();
        });
        let mut source = ExcelSource::open(&path, None, &known).unwrap();
        assert_eq!(source.header(), ["", "email", "phone"]);
        assert_eq!(
            read_all(&mut source),
            [(2, strings(&["7", "a@x.org", "1"]))]
        );

        // A table indented by a column, with a title in column A above it.
        let (_dir, path) = xlsx(|s| {
            s.write(0, 0, "Contractors").unwrap();
            s.write_row(2, 1, ["email", "phone"]).unwrap();
            s.write_row(3, 1, ["a@x.org", "1"]).unwrap();
        });
        let mut source = ExcelSource::open(&path, None, &known).unwrap();
        assert_eq!(source.first_column(), 2);
        assert_eq!(source.header(), ["email", "phone"]);
        assert_eq!(read_all(&mut source), [(4, strings(&["a@x.org", "1"]))]);
    }

    #[test]
    fn row_widths_and_empty_rows() {
        let (_dir, path) = xlsx(|s| {
            // Trailing header cells that are empty or blank are dropped.
            s.write_row(0, 0, ["email", "phone", "manager", " "])
                .unwrap();
            s.write_blank(0, 6, &Format::new().set_bold()).unwrap();
            s.write_row(1, 0, ["a@x.org", "1", "m"]).unwrap();
            // Shorter: padded.
            s.write(2, 0, "b@x.org").unwrap();
            // Empty row 4; a blank-looking row 5.
            s.write(4, 1, "  ").unwrap();
            // Longer: kept, with the gap filled.
            s.write_row(5, 0, ["c@x.org", "3", "m"]).unwrap();
            s.write(5, 4, "extra").unwrap();
            // Blank cells beyond the header are dropped.
            s.write_row(6, 0, ["d@x.org", "4", "m", " ", "", "\t"])
                .unwrap();
            // Blank cells inside the header's width are kept as they are.
            s.write_row(7, 0, ["e@x.org", " "]).unwrap();
            s.write(9, 2, "m").unwrap();
        });
        let mut source = ExcelSource::open(&path, None, &known).unwrap();
        assert_eq!(source.header(), ["email", "phone", "manager"]);
        assert_eq!(
            read_all(&mut source),
            [
                (2, strings(&["a@x.org", "1", "m"])),
                (3, strings(&["b@x.org", "", ""])),
                (6, strings(&["c@x.org", "3", "m", "", "extra"])),
                (7, strings(&["d@x.org", "4", "m"])),
                (8, strings(&["e@x.org", " ", ""])),
                (10, strings(&["", "", "m"])),
            ]
        );
    }

    #[test]
    fn chunks_and_progress() {
        let (_dir, path) = xlsx(|s| {
            s.write_row(0, 0, ["email", "phone"]).unwrap();
            for row in 1..=10 {
                s.write_row(row, 0, [format!("user{row}@x.org"), row.to_string()])
                    .unwrap();
            }
        });
        let size = std::fs::metadata(&path).unwrap().len();
        let mut source = ExcelSource::open(&path, None, &known).unwrap();
        assert_eq!(source.bytes_read(), 0);
        let rows = source.read_chunk(4, 1 << 20).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            [2, 3, 4, 5]
        );
        assert_eq!(source.bytes_read(), size * 4 / 10);
        // max_bytes stops the chunk once reached, but a chunk holds at least one row.
        let rows = source.read_chunk(100, 1).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 6);
        assert_eq!(rows[0].byte, 0);
        assert!(rows[0].file.is_none());
        let rows = source.read_chunk(100, 30).unwrap();
        // 11 + 1 bytes of text a row ("userN@x.org" and "N") and one a field: 14 a row, so the
        // chunk stops after the third row.
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [7, 8, 9]);
        let rows = source.read_chunk(0, 1 << 20).unwrap();
        assert_eq!(rows.len(), 1);
        let rows = source.read_chunk(100, 1 << 20).unwrap();
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [11]);
        assert_eq!(source.bytes_read(), size);
        assert!(source.read_chunk(100, 1 << 20).unwrap().is_empty());
    }

    /// A zip file of stored (uncompressed) entries; `declared` overrides the uncompressed size
    /// the central directory claims for the entry of that name.
    fn zip(entries: &[(&str, &[u8])], declared: Option<(&str, u32)>) -> Vec<u8> {
        fn crc32(data: &[u8]) -> u32 {
            let mut crc = !0u32;
            for &b in data {
                crc ^= u32::from(b);
                for _ in 0..8 {
                    crc = if crc & 1 == 1 {
                        (crc >> 1) ^ 0xEDB8_8320
                    } else {
                        crc >> 1
                    };
                }
            }
            !crc
        }
        let mut out = Vec::new();
        let mut directory = Vec::new();
        for (name, data) in entries {
            let offset = out.len() as u32;
            let crc = crc32(data);
            let size = data.len() as u32;
            let mut common = Vec::new();
            common.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]);
            common.extend_from_slice(&crc.to_le_bytes());
            common.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&common);
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
            let claimed = match declared {
                Some((n, claimed)) if n == *name => claimed,
                _ => size,
            };
            directory.extend_from_slice(b"PK\x01\x02\x14\x00");
            directory.extend_from_slice(&common);
            directory.extend_from_slice(&claimed.to_le_bytes());
            directory.extend_from_slice(&(name.len() as u16).to_le_bytes());
            directory.extend_from_slice(&[0; 12]);
            directory.extend_from_slice(&offset.to_le_bytes());
            directory.extend_from_slice(name.as_bytes());
        }
        let directory_offset = out.len() as u32;
        out.extend_from_slice(&directory);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(directory.len() as u32).to_le_bytes());
        out.extend_from_slice(&directory_offset.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    /// A minimal xlsx written by hand: `workbook_pr` goes into workbook.xml, `sheet_data` is
    /// the sheet's `<sheetData>` content; style 1 is the date format yyyy-mm-dd.
    fn raw_xlsx(workbook_pr: &str, sheet_data: &str) -> Vec<u8> {
        let content_types = r#"<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#;
        let rels = r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
        let workbook = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{workbook_pr}<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        );
        let workbook_rels = r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;
        let styles = r#"<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"#;
        let sheet = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet_data}</sheetData></worksheet>"#
        );
        zip(
            &[
                ("[Content_Types].xml", content_types.as_bytes()),
                ("_rels/.rels", rels.as_bytes()),
                ("xl/workbook.xml", workbook.as_bytes()),
                ("xl/_rels/workbook.xml.rels", workbook_rels.as_bytes()),
                ("xl/styles.xml", styles.as_bytes()),
                ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
            ],
            None,
        )
    }

    /// A minimal ods written by hand (stored, not deflated): `tables` go into its spreadsheet.
    fn raw_ods(tables: &str) -> Vec<u8> {
        let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.3"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
        );
        zip(
            &[
                ("mimetype", ODS_MIMETYPE),
                ("META-INF/manifest.xml", manifest.as_bytes()),
                ("content.xml", content.as_bytes()),
            ],
            None,
        )
    }

    fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    const DATE_ROWS: &str = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>startDate</t></is></c><c r="B1" t="inlineStr"><is><t>n</t></is></c></row><row r="2"><c r="A2" s="1"><v>43890</v></c><c r="B2"><v>43890</v></c></row>"#;

    #[test]
    fn date_systems() {
        let dir = tempfile::tempdir().unwrap();
        // 43890 is 2024-03-01 in the 1904 system, 2020-02-29 in the 1900 one.
        let path = write(
            &dir,
            "1904.xlsx",
            &raw_xlsx(r#"<workbookPr date1904="1"/>"#, DATE_ROWS),
        );
        let mut source = ExcelSource::open(&path, None, &known).unwrap();
        assert_eq!(source.sheet_name(), "Data");
        assert_eq!(
            read_all(&mut source),
            [(2, strings(&["2024-03-01", "43890"]))]
        );

        let path = write(&dir, "1900.xlsx", &raw_xlsx("", DATE_ROWS));
        let mut source = ExcelSource::open(&path, None, &known).unwrap();
        assert_eq!(
            read_all(&mut source),
            [(2, strings(&["2020-02-29", "43890"]))]
        );
    }

    #[test]
    fn far_apart_cells_take_no_memory() {
        // A stray cell in the last row and column: a dense range would be 17 billion cells.
        let dir = tempfile::tempdir().unwrap();
        let rows = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>email</t></is></c><c r="B1" t="inlineStr"><is><t>phone</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>oops</t></is></c></row>"#;
        let path = write(&dir, "far.xlsx", &raw_xlsx("", rows));
        let mut source = ExcelSource::open(&path, None, &known).unwrap();
        let rows = source.read_chunk(10, 1 << 20).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 1_048_576);
        assert_eq!(rows[0].record.len(), 16_384);
        assert_eq!(&rows[0].record[16_383], b"oops");
        assert_eq!(&rows[0].record[0], b"");
    }

    /// Issue 5: a cell position far beyond Excel's last column, in a 1 KiB file, once became the
    /// width of a row (7.7 GB for column ZZZZZZ). Such a file is malformed.
    #[test]
    fn cells_beyond_the_last_column_are_malformed() {
        let dir = tempfile::tempdir().unwrap();
        for (far, column) in [("XFE2", "16385"), ("ZZZZZZ2", "321272406")] {
            let rows = format!(
                r#"<row r="1"><c r="A1" t="inlineStr"><is><t>email</t></is></c><c r="B1" t="inlineStr"><is><t>phone</t></is></c></row><row r="2"><c r="{far}" t="inlineStr"><is><t>far</t></is></c></row>"#
            );
            let path = write(&dir, "far.xlsx", &raw_xlsx("", &rows));
            assert_eq!(
                format_message(open_err(&path, None)),
                format!(
                    "the sheet is malformed: it has a cell in row 2, column {column}, beyond the \
                     last column a sheet can have (16384, XFD)"
                )
            );
        }
    }

    /// Issue 5: rows are kept as their cells and padded when handed out, and a chunk counts
    /// their fields, so that wide rows with one cell each (cheap in a file) stay cheap in memory.
    #[test]
    fn wide_sparse_rows_are_chunked_by_fields() {
        let dir = tempfile::tempdir().unwrap();
        let mut rows = String::from(
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>email</t></is></c><c r="B1" t="inlineStr"><is><t>phone</t></is></c></row>"#,
        );
        for r in 2..=6 {
            rows.push_str(&format!(
                r#"<row r="{r}"><c r="XFD{r}" t="inlineStr"><is><t>wide</t></is></c></row>"#
            ));
        }
        let path = write(&dir, "wide.xlsx", &raw_xlsx("", &rows));
        let mut source = ExcelSource::open(&path, None, &known).unwrap();
        // 16,384 fields and 4 bytes of text a row: the third row passes 40,000.
        let chunk = source.read_chunk(100, 40_000).unwrap();
        assert_eq!(chunk.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3, 4]);
        assert!(chunk.iter().all(|r| r.record.len() == 16_384
            && &r.record[16_383] == b"wide"
            && r.record.iter().take(16_383).all(<[u8]>::is_empty)));
        assert_eq!(source.read_chunk(100, 40_000).unwrap().len(), 2);
    }

    fn format_message(err: ReadError) -> String {
        match err {
            ReadError::Format(e) => {
                assert_eq!((e.line, e.column, e.byte), (None, None, None));
                e.message
            }
            other => panic!("expected a format error, got {other:?}"),
        }
    }

    /// Issue 5 (fuzzing): malformed OLE files on which calamine 0.38 panics are refused with a
    /// format error, whatever their extension (none makes calamine try every format). The OLE
    /// check refuses these two before calamine sees them; a panic that gets past it becomes a
    /// format error too.
    #[test]
    fn calamine_panics_are_format_errors() {
        let dir = tempfile::tempdir().unwrap();
        for fixture in [
            "fuzz-ole-fat-sector-cut-short.xls",
            "fuzz-ole-sector-past-end.xls",
        ] {
            let bytes = std::fs::read(fixture_dir().join(fixture)).unwrap();
            for name in ["book.xls", "book.xlsx", "book"] {
                let path = write(&dir, name, &bytes);
                let message = format_message(open_err(&path, None));
                assert!(
                    message.starts_with(
                        "not a spreadsheet calamine can read: the OLE (xls) file is malformed: "
                    ),
                    "{fixture} as {name}: {message}"
                );
            }
        }
        let err = guard_calamine(|| -> Result<(), ReadError> {
            assert!(panic_is_caught());
            panic!("index out of bounds")
        });
        assert!(!panic_is_caught(), "the flag is cleared after a panic");
        assert_eq!(
            format_message(err.unwrap_err()),
            "not a spreadsheet calamine can read: the file is corrupt (calamine failed on it: \
             index out of bounds)"
        );
    }

    thread_local! {
        /// Makes [`push_cell`], nebulk's own code, panic on this thread.
        static PANIC_IN_PUSH_CELL: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        /// Whether the guard said it would catch that panic.
        static CAUGHT_IN_PUSH_CELL: std::cell::Cell<Option<bool>> = const { std::cell::Cell::new(None) };
    }

    /// Called by [`push_cell`]: panics when a test asks, noting what [`panic_is_caught`] says.
    pub(super) fn on_push_cell() {
        if PANIC_IN_PUSH_CELL.get() {
            CAUGHT_IN_PUSH_CELL.set(Some(panic_is_caught()));
            panic!("a bug in nebulk's cell handling");
        }
    }

    /// Issue 9: only calamine's calls are guarded. A panic in nebulk's own code, in the cell
    /// handling (made on purpose as each cell is kept) or while the table is built (the
    /// caller's `is_known_column`), is a bug: it unwinds out of `open` instead of becoming a
    /// "corrupt file" error, and `panic_is_caught` says so to the panic hook (which the `nebulk`
    /// command and the fuzz targets ask). The guard used to wrap the cell handling too.
    #[test]
    fn panics_in_nebulk_code_are_not_caught() {
        for book in ["contractors.xlsx", "contractors.ods", "contractors.xls"] {
            let path = fixture_dir().join(book);
            assert!(ExcelSource::open(&path, None, &known).is_ok(), "{book}");

            PANIC_IN_PUSH_CELL.set(true);
            CAUGHT_IN_PUSH_CELL.set(None);
            let outcome = std::panic::catch_unwind(|| ExcelSource::open(&path, None, &known));
            PANIC_IN_PUSH_CELL.set(false);
            match outcome {
                Err(panic) => assert_eq!(
                    panic.downcast_ref::<&str>(),
                    Some(&"a bug in nebulk's cell handling"),
                    "{book}"
                ),
                Ok(result) => panic!("{book}: the cell handling's panic was caught: {result:?}"),
            }
            assert_eq!(
                CAUGHT_IN_PUSH_CELL.get(),
                Some(false),
                "{book}: panic_is_caught"
            );

            let bad_column_check = |_: &str| -> bool {
                assert!(!panic_is_caught(), "building the table is not guarded");
                panic!("a bug in the column check")
            };
            let outcome =
                std::panic::catch_unwind(|| ExcelSource::open(&path, None, &bad_column_check));
            assert!(
                outcome.is_err(),
                "{book}: the column check's panic was caught"
            );
            assert!(!panic_is_caught());
        }
    }

    /// An OLE compound file holding one stream `name` with `data`.
    fn ole_with(name: &str, data: &[u8]) -> Vec<u8> {
        let mut ole = cfb::CompoundFile::create(io::Cursor::new(Vec::new())).unwrap();
        ole.create_stream(name).unwrap().write_all(data).unwrap();
        ole.flush().unwrap();
        ole.into_inner().into_inner()
    }

    /// The committed xls fixture with its first record of type `typ` and length `len` changed
    /// by `patch` (its body). The fixture's Workbook stream is stored in one piece.
    fn patched_xls(typ: u16, len: u16, patch: impl FnOnce(&mut [u8])) -> Vec<u8> {
        let mut bytes = std::fs::read(fixture_dir().join("contractors.xls")).unwrap();
        let header = [typ.to_le_bytes(), len.to_le_bytes()].concat();
        let at = bytes.windows(4).position(|w| w == header).unwrap() + 4;
        patch(&mut bytes[at..at + usize::from(len)]);
        bytes
    }

    /// Issue 5: calamine lays an xls sheet out as a rectangle from its first to its last cell,
    /// after reserving what the DIMENSIONS record claims; a 7 KiB file with one cell at row and
    /// column 65,535 (or a DIMENSIONS record claiming 4 billion rows) once aborted the process
    /// on a 137 GB allocation. Such workbooks are refused before calamine opens them.
    #[test]
    fn xls_sheets_too_large_to_lay_out_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        // LabelSst: row, column, format, string index.
        let far_cell = patched_xls(0x00FD, 10, |body| body[..4].fill(0xFE));
        // Dimensions (BIFF8): first row, last row + 1 (u32), first column, last column + 1.
        let false_dimensions = patched_xls(0x0200, 14, |body| body[4..8].fill(0xFF));
        for (what, bytes) in [("far cell", far_cell), ("dimensions", false_dimensions)] {
            let path = write(&dir, "big.xls", &bytes);
            let message = format_message(open_err(&path, None));
            assert!(
                message.starts_with("not a spreadsheet calamine can read: its sheets would take ")
                    && message.contains(" cells laid out as rectangles, more than the 16777216 "),
                "{what}: {message}"
            );
        }
        // The fixture itself passes the check.
        assert!(
            xls_cells(&{
                let bytes = std::fs::read(fixture_dir().join("contractors.xls")).unwrap();
                let mut ole = cfb::CompoundFile::open(io::Cursor::new(bytes)).unwrap();
                let mut data = Vec::new();
                ole.open_stream("/Workbook")
                    .unwrap()
                    .read_to_end(&mut data)
                    .unwrap();
                data
            }) < 1000
        );
    }

    #[test]
    fn not_spreadsheets() {
        let dir = tempfile::tempdir().unwrap();
        let text = b"accountName,email\nann,a@x.org\n";
        for name in ["list.xlsx", "list.xls", "list.ods", "list.xlsb", "list.dat"] {
            let path = write(&dir, name, text);
            assert_eq!(
                format_message(open_err(&path, None)),
                "not a spreadsheet calamine can read: the file is text (a CSV file?), not a workbook",
                "{name}"
            );
        }
        let path = write(&dir, "image.xlsx", &[0x89, b'P', b'N', b'G', 0, 0, 0, 13]);
        assert!(format_message(open_err(&path, None)).ends_with(
            "the file is neither a zip-based workbook (xlsx, xlsm, xlsb, ods) nor an OLE one (xls)"
        ));
        // An OLE file too broken to read.
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        ole.resize(1024, 0);
        let path = write(&dir, "old.xls", &ole);
        assert!(format_message(open_err(&path, None))
            .starts_with("not a spreadsheet calamine can read: the OLE (xls) file is malformed: "));
        // An OLE file whose workbook stream is not one: calamine says why.
        let path = write(&dir, "old.xls", &ole_with("Workbook", b"not BIFF"));
        assert!(format_message(open_err(&path, None))
            .starts_with("not a spreadsheet calamine can read: Xls error: "));
        // An OLE file without a workbook stream, named like an xlsx.
        let ole = ole_with("EncryptedPackage", b"secret");
        let path = write(&dir, "locked.xlsx", &ole);
        assert!(format_message(open_err(&path, None)).starts_with(
            "not a spreadsheet calamine can read: an OLE file with an Office Open XML name, \
             as password-protected workbooks are (remove the password and save it again): "
        ));

        let path = write(&dir, "notes.xlsx", &zip(&[("notes.txt", b"hello")], None));
        assert_eq!(
            format_message(open_err(&path, None)),
            "not a spreadsheet calamine can read: a zip archive, but not a workbook: \
             Xlsx error: File not found '_rels/.rels'"
        );
        let path = write(&dir, "notes.ods", &zip(&[("notes.txt", b"hello")], None));
        assert!(format_message(open_err(&path, None))
            .contains(": a zip archive, but not a workbook: Ods error: "));

        // An empty file, and a truncated workbook.
        let path = write(&dir, "empty.xlsx", b"");
        assert!(format_message(open_err(&path, None)).ends_with(": the file is empty"));
        let whole = raw_xlsx("", DATE_ROWS);
        let path = write(&dir, "cut.xlsx", &whole[..whole.len() / 2]);
        assert!(format_message(open_err(&path, None)).starts_with("not a spreadsheet"));

        let missing = dir.path().join("missing.xlsx");
        let err = open_err(&missing, None);
        assert!(
            matches!(&err, ReadError::Io { error, .. } if error.kind() == io::ErrorKind::NotFound),
            "{err:?}"
        );
    }

    #[test]
    fn zip_bombs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let whole = raw_xlsx("", DATE_ROWS);
        // The same workbook, its sheet claiming to unzip to nearly 4 GiB.
        let sheet = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>"#;
        let bomb = zip(
            &[("xl/worksheets/sheet1.xml", sheet.as_bytes())],
            Some(("xl/worksheets/sheet1.xml", 0xF000_0000)),
        );
        let path = write(&dir, "bomb.xlsx", &bomb);
        let message = format_message(open_err(&path, None));
        assert_eq!(
            message,
            "not a spreadsheet calamine can read: its 1 zipped parts would unzip to 4026531840 bytes, \
             more than the 2147483648 this reader accepts (a zip bomb?)"
        );
        // Honest sizes pass the check.
        let path = write(&dir, "fine.xlsx", &whole);
        assert!(ExcelSource::open(&path, None, &known).is_ok());
    }

    /// LibreOffice writes empty cells and rows up to the sheet's edges, repeated (1,024 or
    /// 16,384 columns, a million rows): they are empty, and the ods check lets them through.
    #[test]
    fn ods_with_libreoffice_trailing_empties_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let string = |s: &str| {
            format!(
                r#"<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>{s}</text:p></table:table-cell>"#
            )
        };
        let empty_row = |repeats: u32| {
            format!(
                r#"<table:table-row table:style-name="ro1" table:number-rows-repeated="{repeats}"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#
            )
        };
        let row = |cells: &[String]| {
            format!(
                r#"<table:table-row table:style-name="ro1">{}<table:table-cell table:number-columns-repeated="{}"/></table:table-row>"#,
                cells.concat(),
                1024 - cells.len()
            )
        };
        let tables = format!(
            r#"<table:table table:name="Contractors" table:style-name="ta1"><table:table-column table:number-columns-repeated="1024"/>{}{}{}{}{}</table:table><table:table table:name="Empty"><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>"#,
            row(&[string("accountName"), string("email")]),
            row(&[
                string("ann.lee"),
                r#"<table:table-cell office:value-type="float" office:value="1042" calcext:value-type="float"><text:p>1042</text:p></table:table-cell>"#.to_string(),
            ]),
            empty_row(2),
            row(&[string("bob.ray"), string("bob@example.com")]),
            empty_row(1_048_572),
        );
        let bytes = raw_ods(&tables);
        let path = write(&dir, "trailing.ods", &bytes);
        let mut source = ExcelSource::open(&path, None, &known).unwrap();
        assert_eq!(source.header(), ["accountName", "email"]);
        assert_eq!(
            read_all(&mut source),
            [
                (2, strings(&["ann.lee", "1042"])),
                (5, strings(&["bob.ray", "bob@example.com"]))
            ]
        );
        // Found by content whatever the name, as calamine reads it.
        let path = write(&dir, "trailing", &bytes);
        assert!(ExcelSource::open(&path, None, &known).is_ok());
        let mut file = File::open(&path).unwrap();
        assert_eq!(check_ods(&mut file), None);

        // The fixture LibreOffice saved, trailing empties up to the sheets' edges: calamine lays
        // out 10 columns by 9 rows of Contractors and the one cell of Notes, and the check counts
        // just as many.
        let fixture = File::open(fixture_dir().join("contractors.ods")).unwrap();
        let mut zip = zip::ZipArchive::new(fixture).unwrap();
        let content = zip.by_name("content.xml").unwrap();
        let cost = ods::content_cost(io::BufReader::new(content)).unwrap();
        assert_eq!(cost.rectangles, 10 * 9 + 1, "{cost:?}");
        assert!(cost.cells < 200, "{cost:?}");
    }

    /// Issue 5, testdata/bad/excel-ods-repeat-bomb: calamine writes out an ods file's repeated
    /// cells and rows when it opens it; a cell repeated over 16,384 columns and 6,000 rows, in
    /// a file of 1 KiB, is 98 million cells, under calamine's own cap of 100 million: some 5.5 GB
    /// (a value and a formula each) before nebulk could count them. Such files are refused
    /// before calamine opens them.
    #[test]
    fn ods_repeat_bombs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let bomb = raw_ods(
            r#"<table:table table:name="Data"><table:table-row><table:table-cell office:value-type="string"><text:p>accountName</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="6000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row></table:table>"#,
        );
        assert!(bomb.len() < 2048);
        for name in ["bomb.ods", "bomb"] {
            let path = write(&dir, name, &bomb);
            assert_eq!(
                format_message(open_err(&path, None)),
                "not a spreadsheet calamine can read: its sheets would take 98336779 cells \
                 once calamine writes out their repeated rows and columns, more than the \
                 16777216 this reader accepts (a cell repeated over many rows and columns?)",
                "{name}"
            );
        }

        // A long text repeated: few cells, much text.
        let text = "x".repeat(100_000);
        let bomb = raw_ods(&format!(
            r#"<table:table table:name="Data"><table:table-row table:number-rows-repeated="1000"><table:table-cell office:value-type="string" table:number-columns-repeated="16"><text:p>{text}</text:p></table:table-cell></table:table-row></table:table>"#
        ));
        let path = write(&dir, "text.ods", &bomb);
        assert_eq!(
            format_message(open_err(&path, None)),
            "not a spreadsheet calamine can read: its cells would hold 1601616028 bytes of text \
             once calamine writes out their repeated rows and columns, more than the 1073741824 \
             this reader accepts (a long text repeated over many rows and columns?)"
        );

        // A table never closed: calamine 0.38 would read the end of the file forever.
        let cut = raw_ods(
            r#"<table:table table:name="Data"><table:table-row><table:table-cell office:value="1"/></table:table-row>"#,
        );
        let path = write(&dir, "cut.ods", &cut);
        assert_eq!(
            format_message(open_err(&path, None)),
            "not a spreadsheet calamine can read: its content.xml ends inside a table, where \
             calamine would read the end of the file forever (is the file cut short?)"
        );
    }

    /// Found with `fuzz/`, target `ods`, and its cap of 2 GiB, on inputs built to sit at the edge
    /// of the limits (the last kind the target then found on its own): files of a few hundred
    /// bytes that the cell and text limits above let through, on which calamine took 2 to 4 GB. A short string or formula repeated over the cells is an
    /// allocation of its own in each (a 1-byte formula over 16 million cells, 2.5 GB); a long
    /// text and many numbers each stayed under their own limit; the copy of the sheet nebulk
    /// asks for was not counted; and the text calamine makes of a cell's content, a character at
    /// a time (a `text:s` of a billion spaces), takes up to twice its length before it is copied
    /// into the cells, and was not counted at all when calamine then failed inside the cell.
    /// Such files are refused by calamine's memory, each part counted; numbers up to the cell
    /// limit still pass.
    #[test]
    fn ods_memory_bombs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let refused = |rows: &str| {
            let bytes = raw_ods(&format!(
                r#"<table:table table:name="Data"><table:table-row><table:table-cell office:value-type="string" office:string-value="accountName"/><table:table-cell office:value-type="string" office:string-value="email"/></table:table-row>{rows}"#
            ));
            let path = write(&dir, "bomb.ods", &bytes);
            let message = format_message(open_err(&path, None));
            let mib = message
                .strip_prefix("not a spreadsheet calamine can read: its sheets would take some ")
                .and_then(|rest| rest.split_once(" MiB in calamine"))
                .map(|(mib, _)| mib.parse::<u64>().unwrap());
            (message, mib)
        };
        // 2.5 GB: a number and a 1-byte formula, 16,384 columns by 1,000 rows.
        assert_eq!(
            refused(
                r#"<table:table-row table:number-rows-repeated="1000"><table:table-cell office:value="1" table:formula="y" table:number-columns-repeated="16384"/></table:table-row></table:table>"#
            )
            .0,
            "not a spreadsheet calamine can read: its sheets would take some 2409 MiB in \
             calamine once it writes out their repeated rows, columns and spaces (16416780 \
             cells, each string in them an allocation of its own, and their text), more than \
             the 1024 MiB this reader accepts (a short text or formula repeated over many rows \
             and columns, or a text of many spaces?)"
        );
        for (rows, mib) in [
            // 3.5 GB: a 1-byte string and a 1-byte formula.
            (
                r#"<table:table-row table:number-rows-repeated="1000"><table:table-cell office:value-type="string" office:string-value="x" table:formula="y" table:number-columns-repeated="16384"/></table:table-row></table:table>"#,
                3440,
            ),
            // 2.6 GB: 520 MB of spaces in one cell, and 16 million numbers.
            (
                r#"<table:table-row><table:table-cell office:value-type="string"><text:p><text:s text:c="520000000"/></text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="990"><table:table-cell office:value="1" table:number-columns-repeated="16384"/></table:table-row></table:table>"#,
                3472,
            ),
            // 530 MB of spaces in one cell (1.6 GB while the workbook was kept as nebulk copied
            // the cells): made, stored, laid out and copied, each counted.
            (
                r#"<table:table-row><table:table-cell office:value-type="string"><text:p><text:s text:c="530000000"/></text:p></table:table-cell></table:table-row></table:table>"#,
                2527,
            ),
            // 2.1 GB, in a string of 2 GiB: a billion spaces made, copied into the cell, and
            // calamine fails on the next row.
            (
                r#"<table:table-row><table:table-cell office:value-type="string"><text:p><text:s text:c="1070000000"/></text:p></table:table-cell></table:table-row><table:table-row>x</table:table-row>"#,
                3061,
            ),
            // 4 GB (and as many more as there are spaces): a cell calamine fails in.
            (
                r#"<table:table-row><table:table-cell office:value-type="string"><text:s text:c="2000000000"/><text:s text:c="2000000000"/><"#,
                7629,
            ),
        ] {
            let (message, got) = refused(rows);
            assert_eq!(got, Some(mib), "{message}");
        }

        // Numbers up to the cell limit (1 GB in calamine, 1.06 GB at most for the whole run).
        let bytes = raw_ods(
            r#"<table:table table:name="Data"><table:table-row table:number-rows-repeated="1000"><table:table-cell office:value="1" table:number-columns-repeated="16384"/></table:table-row></table:table>"#,
        );
        let path = write(&dir, "numbers.ods", &bytes);
        assert_eq!(check_ods(&mut File::open(&path).unwrap()), None);
    }

    /// Issue 5, testdata/bad/excel-shared-string-bomb: a shared string is copied into every
    /// cell that uses it, so a small file could ask for gigabytes.
    #[test]
    fn cells_over_the_memory_budget_are_refused() {
        let long = "x".repeat(30_000);
        let (_dir, path) = xlsx(|sheet| {
            sheet.write_row(0, 0, ["accountName", "email"]).unwrap();
            for row in 1..=40 {
                sheet.write(row, 1, long.as_str()).unwrap();
            }
        });
        let workbook = calamine::open_workbook_auto(&path).unwrap();
        let cells = load_cells(workbook, "Sheet1", 2 << 20, DateTimes::Utc).unwrap();
        assert_eq!(cells.len(), 42, "30,000 × 40 bytes fit in 2 MiB");
        let workbook = calamine::open_workbook_auto(&path).unwrap();
        let err =
            format_message(load_cells(workbook, "Sheet1", 1 << 20, DateTimes::Utc).unwrap_err());
        assert!(
            err.starts_with(
                "cannot read sheet \"Sheet1\": the sheet is too large to read into memory: its \
                 cells take more than 1 MiB by row 36, column 2"
            ),
            "{err}"
        );
    }

    #[test]
    fn zip64_sizes() {
        let mut extra = Vec::new();
        extra.extend_from_slice(&[0x0A, 0x00, 4, 0, 1, 2, 3, 4]); // another field first
        extra.extend_from_slice(&[0x01, 0x00, 16, 0]);
        extra.extend_from_slice(&(5u64 << 32).to_le_bytes());
        extra.extend_from_slice(&7u64.to_le_bytes());
        assert_eq!(zip64_uncompressed_size(&extra), Some(5 << 32));
        assert_eq!(zip64_uncompressed_size(&extra[..8]), None);
        assert_eq!(zip64_uncompressed_size(&[0x01, 0x00, 16]), None);
    }

    #[test]
    fn number_texts() {
        assert_eq!(float_text(15125550100.0), "15125550100");
        assert_eq!(float_text(1042.0), "1042");
        assert_eq!(float_text(-0.0), "0");
        assert_eq!(float_text(999_999_999_999_999.0), "999999999999999");
        assert_eq!(float_text(1e15), "1000000000000000");
        assert_eq!(float_text(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(float_text(-2.5), "-2.5");
        assert_eq!(float_text(1.5e-10), "0.00000000015");
        assert_eq!(duration_text(-0.25), "-PT6H00M00S");
        assert_eq!(duration_text(1.0 / 86_400_000.0), "PT0H00M00.001S");
    }

    #[test]
    fn date_texts() {
        use calamine::ExcelDateTimeType::{DateTime, TimeDelta};
        let text = |serial: f64, is_1904: bool| {
            datetime_text(
                &ExcelDateTime::new(serial, DateTime, is_1904),
                DateTimes::Utc,
            )
        };
        assert_eq!(text(45352.0, false), "2024-03-01");
        assert_eq!(text(45352.75, false), "2024-03-01T18:00:00Z");
        assert_eq!(
            text(45352.0 + 1.5 / 86_400.0, false),
            "2024-03-01T00:00:01.500Z"
        );
        assert_eq!(text(60.0, false), "1900-02-29");
        assert_eq!(text(1.0, true), "1904-01-02");
        assert_eq!(text(0.75, false), "18:00:00");
        assert_eq!(text(-1.0, false), "-1");
        assert_eq!(text(3e6, false), "3000000");
        assert_eq!(
            datetime_text(&ExcelDateTime::new(2.0, TimeDelta, false), DateTimes::Utc),
            "PT48H00M00S"
        );
        // Issue 9: under --timezone a date-time is written without the `Z`, for the date rule
        // to read in the zone; dates, times of day and durations are the same either way.
        let local = |serial: f64| {
            datetime_text(
                &ExcelDateTime::new(serial, DateTime, false),
                DateTimes::Local,
            )
        };
        assert_eq!(local(45352.75), "2024-03-01T18:00:00");
        assert_eq!(local(45352.0 + 1.5 / 86_400.0), "2024-03-01T00:00:01.500");
        assert_eq!(local(45352.0), "2024-03-01");
        assert_eq!(local(0.75), "18:00:00");
    }

    proptest! {
        #[test]
        fn numbers_round_trip_without_exponent(x in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
            let text = float_text(x);
            prop_assert!(!text.contains(['e', 'E']), "{}", text);
            prop_assert_eq!(text.parse::<f64>().unwrap(), x);
            prop_assert_eq!(text.ends_with(".0"), false);
        }

        #[test]
        fn integral_numbers_are_digits(i in -999_999_999_999_999i64..=999_999_999_999_999) {
            prop_assert_eq!(float_text(i as f64), i.to_string());
        }
    }

    /// A cell of a generated ods table: one of the kinds calamine reads, repeated or not.
    fn ods_cell() -> impl Strategy<Value = String> {
        (0..10u8, prop::option::of(1..4u32)).prop_map(|(kind, repeats)| {
            let r = repeats.map_or(String::new(), |r| {
                format!(r#" table:number-columns-repeated="{r}""#)
            });
            match kind {
                0 => format!("<table:table-cell{r}/>"),
                1 => format!(r#"<table:table-cell office:value-type="float" office:value="1"{r}/>"#),
                2 => format!(
                    r#"<table:table-cell office:value-type="string"{r}><text:p>a</text:p></table:table-cell>"#
                ),
                3 => format!(
                    r#"<table:table-cell office:value-type="string" office:string-value="b"{r}/>"#
                ),
                // An empty string is a value for calamine.
                4 => format!(r#"<table:table-cell office:value-type="string"{r}/>"#),
                5 => format!(
                    r#"<table:table-cell office:value-type="date" office:date-value="2024-03-01"{r}/>"#
                ),
                6 => format!(
                    r#"<table:table-cell office:value-type="float" office:value="2" table:formula="of:=1+1"{r}/>"#
                ),
                7 => format!(r#"<table:table-cell office:boolean-value="true"{r}/>"#),
                8 => format!("<table:covered-table-cell{r}/>"),
                _ => format!(r#"<table:covered-table-cell office:value="1"{r}/>"#),
            }
        })
    }

    /// A generated ods table's rows, repeated or not.
    fn ods_rows() -> impl Strategy<Value = String> {
        prop::collection::vec(
            (
                prop::option::of(1..4u32),
                prop::collection::vec(ods_cell(), 0..5),
            ),
            0..7,
        )
        .prop_map(|rows| {
            rows.into_iter()
                .map(|(repeats, cells)| {
                    let r = repeats.map_or(String::new(), |r| {
                        format!(r#" table:number-rows-repeated="{r}""#)
                    });
                    format!("<table:table-row{r}>{}</table:table-row>", cells.concat())
                })
                .collect()
        })
    }

    proptest! {
        /// The ods check's rectangles are calamine's: for each table, calamine's range holds as
        /// many cells as the check counts.
        #[test]
        fn ods_rectangles_are_calamines(tables in prop::collection::vec(ods_rows(), 1..3)) {
            let tables: String = tables
                .iter()
                .enumerate()
                .map(|(i, rows)| format!(r#"<table:table table:name="S{i}">{rows}</table:table>"#))
                .collect();
            let bytes = raw_ods(&tables);
            let mut zip = zip::ZipArchive::new(io::Cursor::new(&bytes)).unwrap();
            let content = zip.by_name("content.xml").unwrap();
            let cost = ods::content_cost(io::BufReader::new(content)).unwrap();

            let mut workbook: calamine::Ods<_> =
                calamine::open_workbook_from_rs(io::Cursor::new(bytes)).unwrap();
            let mut laid_out = 0;
            for name in workbook.sheet_names() {
                laid_out += workbook.worksheet_range(&name).unwrap().cells().count() as u64;
            }
            prop_assert_eq!(cost.rectangles, laid_out);
            prop_assert!(cost.cells >= cost.rectangles);
        }
    }

    fn fixture_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/readers/excel")
    }

    /// Writes `testdata/readers/excel/contractors.xlsx`; the `.ods` and `.xls` versions are
    /// converted from it (see the README there). Run with `--ignored` to regenerate.
    #[test]
    #[ignore = "regenerates a committed fixture"]
    fn write_contractors_fixture() {
        let mut workbook = Workbook::new();
        let s = workbook.add_worksheet().set_name("Contractors").unwrap();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let dmy = Format::new().set_num_format("dd/mm/yyyy");
        s.write(0, 0, "Contractor list — Acme Field Services")
            .unwrap();
        s.write(1, 0, "Exported").unwrap();
        s.write(1, 1, "March 2024").unwrap();
        s.write_row(
            3,
            0,
            [
                "accountName",
                "firstName",
                "lastName",
                "email",
                "phone",
                "manager",
                "startDate",
                "endDate",
                "employeeId",
                "active",
            ],
        )
        .unwrap();
        type Person<'a> = (&'a str, &'a str, &'a str, f64, &'a str, u32, f64, bool);
        let people: [Person; 3] = [
            (
                "ann.lee",
                "Ann",
                "Lee",
                15125550100.0,
                "mgr.one",
                4,
                1042.0,
                true,
            ),
            (
                "bob.ray",
                "Bob",
                "Ray",
                4401632960123.0,
                "mgr.one",
                5,
                1043.0,
                false,
            ),
            (
                "jose.nunez",
                "José",
                "Núñez",
                0.0,
                "mgr.two",
                8,
                1044.5,
                true,
            ),
        ];
        for (account, first, last, phone, manager, row, id, active) in people {
            s.write(row, 0, account).unwrap();
            s.write(row, 1, first).unwrap();
            s.write(row, 2, last).unwrap();
            let r = row + 1;
            s.write_formula(
                row,
                3,
                Formula::new(format!("=LOWER(B{r}&\".\"&C{r})&\"@example.com\"")).set_result(
                    format!(
                        "{}.{}@example.com",
                        first.to_lowercase(),
                        last.to_lowercase()
                    ),
                ),
            )
            .unwrap();
            if phone > 0.0 {
                s.write(row, 4, phone).unwrap();
            } else {
                s.write(row, 4, "+1 (512) 555-0199").unwrap();
            }
            s.write(row, 5, manager).unwrap();
            s.write(row, 8, id).unwrap();
            s.write(row, 9, active).unwrap();
        }
        s.write_datetime_with_format(4, 6, XlDate::from_ymd(2024, 3, 1).unwrap(), &date)
            .unwrap();
        s.write_datetime_with_format(4, 7, XlDate::from_ymd(2024, 12, 31).unwrap(), &date)
            .unwrap();
        s.write_number_with_format(5, 6, 45413.0, &dmy).unwrap();
        s.write_datetime_with_format(8, 6, XlDate::from_ymd(2024, 6, 15).unwrap(), &date)
            .unwrap();
        s.write_datetime_with_format(8, 7, XlDate::from_ymd(2025, 6, 14).unwrap(), &date)
            .unwrap();
        let notes = workbook.add_worksheet().set_name("Notes").unwrap();
        notes
            .write(0, 0, "Managers must approve end dates.")
            .unwrap();
        workbook
            .save(fixture_dir().join("contractors.xlsx"))
            .unwrap();
    }

    fn read_csv(path: &Path) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(path)
            .unwrap()
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    }

    /// Each committed `contractors.*` workbook reads as `contractors.expected.csv` says: the
    /// first field of each record is the row number, the first record is the header.
    #[test]
    fn committed_fixtures_match_expected_csv() {
        let dir = fixture_dir();
        let expected = read_csv(&dir.join("contractors.expected.csv"));
        assert_eq!(expected.len(), 4, "header and three rows");
        let mut failures = Vec::new();
        for name in ["contractors.xlsx", "contractors.ods", "contractors.xls"] {
            let path = dir.join(name);
            let mut source = ExcelSource::open(&path, None, &known).unwrap();
            assert_eq!(source.sheet_name(), "Contractors", "{name}");
            let mut got = vec![std::iter::once(source.header_line().to_string())
                .chain(source.header().iter().cloned())
                .collect::<Vec<_>>()];
            for (line, fields) in read_all(&mut source) {
                got.push(std::iter::once(line.to_string()).chain(fields).collect());
            }
            if got != expected {
                failures.push(format!(
                    "{name}:\n  got      {got:?}\n  expected {expected:?}"
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
