//! The input flags of `validate`, `convert` and `map` ([`SourceArgs`]), handed to
//! `nebulk-formats`, which knows the kinds of input.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;
use clap::Args;
use nebulk_emit::InputSummary;
use nebulk_formats::{Input, InputDescription, ReadOptions, SourceKind};
use nebulk_map::{Mapping, SourceCounts};
use nebulk_read::{encoding_for_label, encoding_name, CsvOptions, Encoding, RowSource};
use nebulk_schema::Schema;
use nebulk_sheet::DateTimes;

/// Where the accounts come from and how they become rows of the schema.
#[derive(Debug, Clone, Args)]
pub struct SourceArgs {
    /// The input: a file, several files of one kind, or a folder of files (CSV files with one
    /// header, srv answers, NERM pages); `-` reads standard input, of any kind, and so is a pipe
    /// or FIFO given as a path (`<(...)`).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// The kind of input: csv, excel, xtracta-users, srv-workflow-roles, nerm-users,
    /// nerm-workflow-sessions, and parquet, ipc, ndjson (read by a nebulk built with the
    /// `polars` feature). Told from the content when left out (standard input and pipes
    /// too: their first 64 KiB are looked at, then read on); several files must be of one kind.
    #[arg(long, value_name = "KIND", value_parser = parse_kind)]
    pub from: Option<SourceKind>,

    /// A TOML mapping file overlaying the source's default mapping (see `nebulk map`).
    #[arg(long = "map", value_name = "FILE")]
    pub map: Option<PathBuf>,

    /// Sets an attribute to a constant for every row, e.g. `--set manager=jane.doe`
    /// (repeatable; wins over the mapping).
    #[arg(long = "set", value_name = "ATTR=VALUE")]
    pub sets: Vec<String>,

    /// The spreadsheet's sheet to read (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,

    /// Keep only records with this status (repeatable or comma separated; compared ignoring
    /// case, spaces and `_`), e.g. `--status Active` for NERM users, `--status completed` for
    /// workflow sessions.
    #[arg(long = "status", value_name = "STATUS", value_delimiter = ',')]
    pub statuses: Vec<String>,

    /// For srv answers: a CSV with columns userName and file naming the user of each answer
    /// file (`-` for standard input); its other columns (firstName, email, ...) become fields.
    /// Without it the user name is the file name without its extension (an answer on standard
    /// input has none: give --set accountName=NAME).
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,

    /// The CSV delimiter (one byte; `tab` for tab). Taken from an Excel `sep=X` first line, else
    /// sniffed among , ; tab | when left out.
    #[arg(long, short = 'd', value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,

    /// The encoding of text files without a byte order mark: the input, the existing export,
    /// the template, lookup tables and the manifest. A WHATWG label: windows-1252 (Excel's
    /// "CSV" on Windows in Western Europe and the Americas; also latin1, cp1252), iso-8859-15,
    /// windows-1250, utf-16le, shift_jis, ... Default UTF-8. Outputs are always UTF-8.
    #[arg(long, value_name = "LABEL", value_parser = parse_encoding)]
    pub encoding: Option<&'static Encoding>,

    /// The 1-based line of a CSV file's header, when title lines come above it (they are
    /// skipped). Default: the first line that is not blank.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub header_row: Option<u64>,
}

fn parse_encoding(label: &str) -> Result<&'static Encoding, String> {
    encoding_for_label(label)
}

fn parse_kind(value: &str) -> Result<SourceKind, String> {
    SourceKind::parse(value).ok_or_else(|| {
        let names: Vec<&str> = SourceKind::ALL.iter().map(|k| k.name()).collect();
        format!("unknown kind `{value}`; one of: {}", names.join(", "))
    })
}

fn parse_delimiter(value: &str) -> Result<u8, String> {
    match value {
        "\\t" | "tab" | "\t" => Ok(b'\t'),
        v if v.len() == 1 && v.is_ascii() => Ok(v.as_bytes()[0]),
        v => Err(format!("`{v}` is not a single ASCII character")),
    }
}

impl SourceArgs {
    /// The flags as `nebulk-formats` takes them.
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            map: self.map.clone(),
            sets: self.sets.clone(),
            statuses: self.statuses.clone(),
            sheet: self.sheet.clone(),
            manifest: self.manifest.clone(),
            delimiter: self.delimiter,
            encoding: self.encoding,
            header_row: self.header_row,
        }
    }

    /// Opens the input ([`nebulk_formats::open`]). `schema` helps a spreadsheet find its
    /// header row; `date_times` says how its date-times are written ([`DateTimes::Local`] for
    /// the date rule to read them in `--timezone`).
    pub fn open(&self, schema: &Schema, date_times: DateTimes) -> Result<Input> {
        nebulk_formats::open(
            &self.inputs,
            self.from,
            &self.read_options(),
            schema,
            date_times,
        )
    }

    /// How the other text files (the existing export) are read: in the input's encoding, their
    /// delimiter sniffed.
    pub fn text_options(&self) -> CsvOptions {
        self.read_options().text_options()
    }

    /// The mapping for an input of `kind` ([`nebulk_formats::mapping`]).
    pub fn mapping(
        &self,
        kind: SourceKind,
        schema: &Schema,
        date_times: DateTimes,
    ) -> Result<Mapping> {
        nebulk_formats::mapping(kind, &self.read_options(), schema, date_times)
    }

    /// Opens the input and turns it into rows of `schema`: a table as it is, or mapped.
    pub fn rows(&self, schema: &Schema, date_times: DateTimes) -> Result<SchemaRows> {
        let options = self.read_options();
        let rows = nebulk_formats::open(&self.inputs, self.from, &options, schema, date_times)?
            .into_rows(&options, schema, date_times)?;
        Ok(SchemaRows {
            source: rows.source,
            info: summary(&rows.description),
            len: rows.description.len,
            counts: rows.counts,
        })
    }
}

/// What `report.json` says about an input.
fn summary(input: &InputDescription) -> InputSummary {
    InputSummary {
        input: input.name.clone(),
        from: input.kind.name(),
        files: input.files,
        delimiter: input.details.delimiter.map(|d| (d as char).to_string()),
        encoding: input.details.encoding.map(encoding_name),
        sheet: input.details.sheet.clone(),
        records_filtered: None,
    }
}

/// The input as rows of the schema, ready for the engine.
pub struct SchemaRows {
    /// The rows.
    pub source: Box<dyn RowSource>,
    /// For the report.
    pub info: InputSummary,
    /// The input's size, when known.
    pub len: Option<u64>,
    /// Records read and filtered, for mapped input with `--status`.
    pub counts: Option<Arc<SourceCounts>>,
}
