//! [`ReadOptions`]: how the inputs are read and mapped, whatever their kind.

use std::path::PathBuf;

use nebulk_read::{CsvOptions, Encoding};

/// How the inputs are read and mapped: the reading flags of `validate`, `convert` and `map`.
///
/// ```
/// use nebulk_formats::ReadOptions;
/// let options = ReadOptions { delimiter: Some(b';'), ..ReadOptions::default() };
/// assert_eq!(options.csv_options().delimiter, Some(b';'));
/// assert!(!options.maps());
/// ```
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
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
}
