//! [`ReadOptions`]: how the inputs are read and mapped, whatever their kind.

use std::path::PathBuf;

use anyhow::{bail, Result};
use nebulk_read::{CsvOptions, Encoding};

use crate::SourceKind;

/// How the inputs are read and mapped: the reading flags of `validate`, `convert` and `map`.
///
/// ```
/// use nebulk_formats::{ReadOptions, SourceKind};
/// let options = ReadOptions { delimiter: Some(b';'), ..ReadOptions::default() };
/// assert_eq!(options.csv_options().delimiter, Some(b';'));
/// let refused = options.refuse_foreign(SourceKind::NermUsers).unwrap_err();
/// assert_eq!(refused.to_string(), "--delimiter applies to CSV, and the input is nerm-users");
/// ```
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The kind, when given (`--from`); told from the content otherwise.
    pub from: Option<SourceKind>,
    /// A TOML mapping file overlaying the kind's default mapping (`--map`).
    pub map: Option<PathBuf>,
    /// `ATTR=VALUE` constants for every row (`--set`), winning over the mapping.
    pub sets: Vec<String>,
    /// Keep only records with one of these statuses (`--status`).
    pub statuses: Vec<String>,
    /// The spreadsheet's sheet (`--sheet`).
    pub sheet: Option<String>,
    /// For srv answers: the CSV naming each answer file's user (`--manifest`).
    pub manifest: Option<PathBuf>,
    /// The CSV delimiter (`--delimiter`).
    pub delimiter: Option<u8>,
    /// The encoding of text files without a byte order mark (`--encoding`).
    pub encoding: Option<&'static Encoding>,
    /// The 1-based line of a CSV file's header (`--header-row`).
    pub header_row: Option<u64>,
}

impl ReadOptions {
    /// How CSV inputs are read.
    pub fn csv_options(&self) -> CsvOptions {
        CsvOptions {
            delimiter: self.delimiter,
            encoding: self.encoding,
            header_row: self.header_row,
        }
    }

    /// How the other text files (the existing export, the manifest) are read: in the input's
    /// encoding, their delimiter sniffed.
    pub fn text_options(&self) -> CsvOptions {
        CsvOptions {
            encoding: self.encoding,
            ..CsvOptions::default()
        }
    }

    /// Whether the input goes through a mapping (always for records; for a table when asked).
    pub fn maps(&self) -> bool {
        self.map.is_some() || !self.sets.is_empty() || !self.statuses.is_empty()
    }

    /// Refuses the options of one kind given for an input of another.
    pub fn refuse_foreign(&self, kind: SourceKind) -> Result<()> {
        let owned: [(bool, SourceKind, &str); 4] = [
            (
                self.sheet.is_some(),
                SourceKind::Spreadsheet,
                "--sheet applies to spreadsheets",
            ),
            (
                self.delimiter.is_some(),
                SourceKind::Csv,
                "--delimiter applies to CSV",
            ),
            (
                self.header_row.is_some(),
                SourceKind::Csv,
                "--header-row applies to CSV (a spreadsheet's header row is found below its \
                 title rows)",
            ),
            (
                self.manifest.is_some(),
                SourceKind::SrvWorkflowRoles,
                "--manifest applies to srv-workflow-roles",
            ),
        ];
        for (given, owner, applies) in owned {
            if given && owner != kind {
                bail!("{applies}, and the input is {kind}");
            }
        }
        Ok(())
    }
}
