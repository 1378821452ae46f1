//! The [`Format`] trait: what each source kind's module tells the registry.

use std::path::PathBuf;

use anyhow::Result;
use nebulk_map::FieldSet;
use nebulk_read::{Encoding, RecordStream, RowSource};
use nebulk_schema::Schema;
use nebulk_sheet::DateTimes;

use crate::input_file::InputFile;
use crate::ReadOptions;

/// One source kind, as its module knows it. [`crate::SourceKind::format`] is the table of them.
pub(crate) trait Format: Sync {
    /// The `--from` name.
    fn name(&self) -> &'static str;

    /// How the kind is told from the first bytes of a file ([`crate::sniff`]).
    fn signature(&self) -> Signature;

    /// The built-in mapping, as TOML; `None` for tables, whose columns are matched by name.
    fn default_mapping(&self) -> Option<&'static str> {
        None
    }

    /// Refuses what cannot work for this kind before anything is read (beyond the options of
    /// other kinds, which the registry refuses): `files` are the input
    /// files, folders expanded.
    fn check(&self, _files: &[PathBuf], _options: &ReadOptions) -> Result<()> {
        Ok(())
    }

    /// Starts reading `files` (at least one, all of this kind).
    fn open(&self, files: Vec<InputFile>, context: &OpenContext<'_>) -> Result<Reading>;
}

/// What the first bytes of a file of a kind look like.
pub(crate) enum Signature {
    /// Text that is none of the others: the kind of last resort (CSV).
    Text,
    /// A binary container starting with one of these byte strings.
    Magic(&'static [&'static [u8]]),
    /// An XML document whose root element has one of these local names; `described` names such
    /// a document in messages ("an Xtracta user_response").
    XmlRoot {
        /// The root element's local names.
        roots: &'static [&'static str],
        /// The document in words.
        described: &'static str,
    },
    /// A JSON document holding an array under this key.
    JsonArray(&'static str),
    /// JSON lines: one object per line (told after the JSON array keys: an object spanning
    /// lines, or one holding such a key on its only line, is a page, not lines).
    JsonLines,
}

/// What a format's `open` needs besides the files.
pub(crate) struct OpenContext<'a> {
    /// The reading options.
    pub options: &'a ReadOptions,
    /// The schema: a spreadsheet finds its header row by the attribute names in it.
    pub schema: &'a Schema,
    /// How spreadsheet date-times are written.
    pub date_times: DateTimes,
}

/// An input being read, as its format opened it: the rows or records, what opening found out,
/// and whether the input names accounts by itself.
pub(crate) struct Reading {
    /// The rows or records.
    pub content: Content,
    /// What was found out while opening it (the delimiter, encoding, sheet).
    pub details: Details,
    /// Set when the input names no account by itself: unless a mapping or `--set` gives
    /// `accountName`, the run is refused with this message.
    pub no_account_name: Option<String>,
}

impl Reading {
    /// Content with nothing more to tell.
    pub fn plain(content: Content) -> Reading {
        Reading {
            content,
            details: Details::default(),
            no_account_name: None,
        }
    }
}

/// The rows or records of an opened input.
pub enum Content {
    /// A table whose columns are matched to the schema by name (CSV, spreadsheets).
    Table(Box<dyn RowSource>),
    /// Records to map (XML, JSON), with the fields they offer.
    Records {
        /// The records.
        stream: Box<dyn RecordStream>,
        /// The fields.
        fields: FieldSet,
    },
}

/// What was found out while opening an input, for the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details {
    /// The CSV delimiter.
    pub delimiter: Option<u8>,
    /// The encoding of a CSV input that is not UTF-8.
    pub encoding: Option<&'static Encoding>,
    /// The sheet read, for spreadsheets.
    pub sheet: Option<String>,
}
