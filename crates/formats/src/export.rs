//! A source's current accounts as the platform exports them (`--existing`): CSV or a
//! spreadsheet saved from it.

use std::path::Path;

use anyhow::{bail, Context, Result};
use nebulk_read::{CsvOptions, RowSource};
use nebulk_schema::SystemAttr;
use nebulk_sheet::SpreadsheetSource;

use crate::sniff::sniff_side_input;
use crate::{open_csv, SourceKind};

/// Opens an export of existing accounts: CSV (read with `options`) or a spreadsheet, whose
/// header row is the one with an account-name column. A path that is not a regular file (a
/// pipe, a FIFO) is read as CSV without being looked at first, so that it can still be read.
/// Errors name the file.
///
/// ```
/// use nebulk_read::{CsvOptions, RowSource};
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("export.csv");
/// std::fs::write(&path, "accountName,email\nann,ann@example.com\n").unwrap();
/// let mut export = nebulk_formats::open_export(&path, CsvOptions::default()).unwrap();
/// assert_eq!(export.header()[0], "accountName");
/// assert_eq!(export.read_chunk(10, 1 << 20).unwrap().len(), 1);
/// ```
pub fn open_export(path: &Path, options: CsvOptions) -> Result<Box<dyn RowSource>> {
    let name = path.display().to_string();
    let kind = sniff_side_input(path)?;
    match kind {
        SourceKind::Spreadsheet => {
            let is_account =
                |cell: &str| SystemAttr::recognise(cell) == Some(SystemAttr::AccountName);
            let source =
                SpreadsheetSource::open(path, None, &is_account).with_context(|| name.clone())?;
            Ok(Box::new(source))
        }
        SourceKind::Csv => Ok(Box::new(open_csv(path, options)?)),
        other => {
            bail!("{name}: the existing-accounts export must be CSV or a spreadsheet, not {other}")
        }
    }
}
