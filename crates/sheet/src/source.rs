//! The row source: one worksheet, read whole when it is opened, handed out in chunks.
//!
//! [`SpreadsheetSource::open_with`] runs the steps in order: the file is checked before
//! calamine sees it ([`crate::guard::check_container`]), the chosen sheet's non-empty cells are
//! loaded as text ([`crate::cells::read_sheet`]), and the header row is found and the rows laid
//! out under it ([`Table::build`]). [`RowSource::fill_chunk`] then pads each kept row to the
//! header's width as it hands it out.
//!
//! # Data rows
//!
//! - [`Row::line`] is the row number Excel shows (1-based, counted from row 1 of the sheet
//!   whatever the used range), and [`Row::byte`] is 0: a workbook has no meaningful offsets.
//! - A row shorter than the header is padded with empty fields when it is handed out (rows
//!   are kept as their non-empty cells only, so that wide, nearly empty rows stay small).
//! - A chunk counts one byte per field besides the text, so that a chunk of wide, nearly empty
//!   rows stays as small as `max_bytes` says.
//! - [`RowSource::bytes_read`] reports the file's size times the fraction of rows handed out.
//!
//! Which rows and cells are kept, and how cells become text, is `table.rs`'s and
//! `cell_text.rs`'s business.

use std::fs::File;
use std::path::Path;

use nebulk_read::{ReadError, Row, RowSource};

use crate::cell_text::DateTimes;
use crate::cells::read_sheet;
use crate::error::format_error;
use crate::guard::{check_container, Container};
use crate::table::{SheetRow, Table};

#[cfg(test)]
mod tests;

/// A worksheet as a row source: header row found, cells as text.
///
/// See the [crate documentation](crate) for how the header is found and cells become text.
///
/// ```
/// use nebulk_sheet::SpreadsheetSource;
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
/// let mut source = SpreadsheetSource::open(&path, None, &|_| false)?;
/// assert_eq!(source.header(), ["id", "name"]);
/// let rows = source.read_chunk(10, 1 << 20)?;
/// assert_eq!(&rows[0].record[0], b"1042");
/// assert_eq!(&rows[0].record[1], b"7.5");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct SpreadsheetSource {
    sheet: String,
    header: Vec<String>,
    header_line: u64,
    first_column: u32,
    rows: std::vec::IntoIter<SheetRow>,
    total_rows: usize,
    handed_out: usize,
    file_size: u64,
}

impl SpreadsheetSource {
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
    /// use nebulk_sheet::SpreadsheetSource;
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
    /// let source = SpreadsheetSource::open(&path, Some("people"), &|_| false)?;
    /// assert_eq!(source.sheet_name(), "People");
    ///
    /// let err = SpreadsheetSource::open(&path, Some("Staff"), &|_| false).unwrap_err();
    /// assert!(matches!(err, ReadError::Format(_)));
    /// assert!(err.to_string().contains(r#"the sheets are: "Notes", "People""#));
    /// # Ok(())
    /// # }
    /// ```
    pub fn open(
        path: &Path,
        sheet: Option<&str>,
        is_known_column: &dyn Fn(&str) -> bool,
    ) -> Result<SpreadsheetSource, ReadError> {
        SpreadsheetSource::open_with(path, sheet, is_known_column, DateTimes::Utc)
    }

    /// [`SpreadsheetSource::open`], writing date-time cells as `date_times` says.
    ///
    /// # Errors
    ///
    /// As [`SpreadsheetSource::open`].
    ///
    /// ```
    /// use nebulk_sheet::{DateTimes, SpreadsheetSource};
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
    /// let mut utc = SpreadsheetSource::open_with(&path, None, &|_| true, DateTimes::Utc)?;
    /// assert_eq!(&utc.read_chunk(10, 1 << 20)?[0].record[1], b"2026-03-24T08:30:00Z");
    /// let mut local = SpreadsheetSource::open_with(&path, None, &|_| true, DateTimes::Local)?;
    /// assert_eq!(&local.read_chunk(10, 1 << 20)?[0].record[1], b"2026-03-24T08:30:00");
    /// # Ok(())
    /// # }
    /// ```
    pub fn open_with(
        path: &Path,
        sheet: Option<&str>,
        is_known_column: &dyn Fn(&str) -> bool,
        date_times: DateTimes,
    ) -> Result<SpreadsheetSource, ReadError> {
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
        Ok(SpreadsheetSource {
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
    /// let source = nebulk_sheet::SpreadsheetSource::open(&path, None, &|_| false)?;
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
    /// let source = nebulk_sheet::SpreadsheetSource::open(&path, None, &|c| c.ends_with("Name"))?;
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
    /// let source = nebulk_sheet::SpreadsheetSource::open(&path, None, &|_| false)?;
    /// assert_eq!(source.first_column(), 2);
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn first_column(&self) -> u32 {
        self.first_column
    }
}

impl RowSource for SpreadsheetSource {
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

/// A row of `width` fields (at least as many as the last cell needs): the cells' texts, empty
/// fields between them; `text` is the cells' total length.
fn padded_row(line: u64, width: usize, text: usize, cells: &[(usize, String)]) -> Row {
    let mut record = nebulk_read::Fields::with_capacity(text, width);
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
