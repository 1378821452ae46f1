//! Opening the input: files and folders, the source kind (given or sniffed), the reader for it,
//! and the mapping that turns its records into rows of the schema.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use clap::Args;
use nebulk_map::{FieldSet, MappedSource, Mapping, MappingPlan, SourceCounts};
use nebulk_read::excel::{DateTimes, ExcelSource};
use nebulk_read::{
    nerm, srv, xtracta, CsvFileSource, CsvFiles, CsvOptions, Endian, RecordStream, RowRecords,
    RowSource, SourceFile, SourceKind, StructuredKind, ThreadedRecords,
};
use nebulk_schema::{normalize_name, Schema};
use serde::Serialize;

/// Where the accounts come from and how they become rows of the schema.
#[derive(Debug, Clone, Args)]
pub struct SourceArgs {
    /// The input: a file, several files, or a folder of files (CSV files with one header, srv
    /// answers, NERM pages); `-` reads a CSV from standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// The kind of input: csv, excel, xtracta-users, srv-workflow-roles, nerm-users,
    /// nerm-workflow-sessions. Told from the content when left out (a pipe or FIFO, which
    /// cannot be looked at without consuming it, is then read as CSV).
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
    /// file; its other columns (firstName, email, ...) become fields. Without it the user name
    /// is the file name without its extension.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,

    /// The CSV delimiter (one byte; `tab` for tab). Sniffed among , ; tab | when left out.
    #[arg(long, short = 'd', value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,

    /// Whether spreadsheet date-times and `date` transforms leave values without an offset
    /// as they are, for the date rule to read in `--timezone` (set by `CheckArgs`; not an
    /// option of its own).
    #[arg(skip)]
    pub local_date_times: bool,
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

/// What report.json says about the input.
#[derive(Debug, Clone, Serialize)]
pub struct InputInfo {
    /// The input as named on the command line.
    pub input: String,
    /// The kind read.
    pub from: &'static str,
    /// How many files were read.
    pub files: usize,
    /// The CSV delimiter, for CSV input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// The encoding of a CSV input that is not UTF-8 (`utf-16le`, `utf-16be`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<&'static str>,
    /// The sheet, for spreadsheets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Records left out by `--status`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub records_filtered: Option<u64>,
}

/// An opened input, before mapping.
pub enum Opened {
    /// A table whose columns are matched to the schema by name.
    Table(Box<dyn RowSource>),
    /// Records to map, with the fields they offer.
    Records {
        /// The records.
        stream: Box<dyn RecordStream>,
        /// The fields.
        fields: FieldSet,
    },
}

/// An opened input and what is known about it.
pub struct Input {
    /// The kind.
    pub kind: SourceKind,
    /// The reader.
    pub opened: Opened,
    /// For the report.
    pub info: InputInfo,
    /// The total size of the input files, when known (for the progress bar).
    pub len: Option<u64>,
}

impl SourceArgs {
    /// Opens the input: expands folders, tells the kind, and starts its reader. `schema` helps a
    /// spreadsheet find its header row.
    pub fn open(&self, schema: &Schema) -> Result<Input> {
        let files = expand(&self.inputs)?;
        let first = files.first().context("no input file")?;
        let kind = match self.from {
            Some(kind) => kind,
            None if first.as_os_str() == "-" => SourceKind::Csv,
            None => sniff_kind(first)?,
        };
        let input = self
            .inputs
            .iter()
            .map(|p| {
                if p.as_os_str() == "-" {
                    "<stdin>".to_string()
                } else {
                    p.display().to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        self.check_flags(kind, files.len())
            .with_context(|| input.clone())?;
        let len = files
            .iter()
            .map(|f| f.metadata().ok().map(|m| m.len()))
            .sum();
        let mut info = InputInfo {
            input,
            from: kind.name(),
            files: files.len(),
            delimiter: None,
            encoding: None,
            sheet: None,
            records_filtered: None,
        };
        let opened = match kind {
            SourceKind::Csv if files.len() > 1 => {
                if self.from.is_none() {
                    for file in &files {
                        let kind = sniff_kind(file)?;
                        if kind != SourceKind::Csv {
                            bail!("{}: is {kind}, and {} is CSV: several files are read as one table only when all are CSV", file.display(), first.display());
                        }
                    }
                }
                let options = CsvOptions {
                    delimiter: self.delimiter,
                };
                let source = CsvFiles::open(files.clone(), options)?;
                info.delimiter = Some((source.delimiter() as char).to_string());
                info.encoding = source.encoding().map(Endian::name);
                Opened::Table(Box::new(source))
            }
            SourceKind::Csv => {
                let (source, encoding) = open_csv(first, self.delimiter)?;
                info.delimiter = Some((source.delimiter() as char).to_string());
                info.encoding = encoding.map(Endian::name);
                Opened::Table(Box::new(source))
            }
            SourceKind::Excel => {
                let known = |cell: &str| schema.find(cell).is_some();
                let date_times = if self.local_date_times {
                    DateTimes::Local
                } else {
                    DateTimes::Utc
                };
                let source =
                    ExcelSource::open_with(first, self.sheet.as_deref(), &known, date_times)
                        .with_context(|| first.display().to_string())?;
                info.sheet = Some(source.sheet_name().to_string());
                Opened::Table(Box::new(source))
            }
            structured => {
                let (source_files, extra_fields) = self.source_files(&files)?;
                let (kind, fields) = structured_kind(structured);
                let mut fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
                fields.extend(extra_fields);
                let fields = match structured {
                    SourceKind::NermWorkflowSessions => FieldSet::open(&fields, "attributes."),
                    _ => FieldSet::known(&fields),
                };
                let stream = ThreadedRecords::spawn(kind, source_files, files.len() > 1);
                Opened::Records {
                    stream: Box::new(stream),
                    fields,
                }
            }
        };
        Ok(Input {
            kind,
            opened,
            info,
            len,
        })
    }

    /// Whether the input goes through a mapping (always for records; for a table when asked).
    fn maps(&self) -> bool {
        self.map.is_some() || !self.sets.is_empty() || !self.statuses.is_empty()
    }

    fn check_flags(&self, kind: SourceKind, files: usize) -> Result<()> {
        if kind == SourceKind::Excel && files > 1 {
            bail!("a spreadsheet input is one file (one sheet, --sheet), and this names {files} files (a folder is read as its files)");
        }
        if self.sheet.is_some() && kind != SourceKind::Excel {
            bail!("--sheet applies to spreadsheets, and the input is {kind}");
        }
        if self.delimiter.is_some() && kind != SourceKind::Csv {
            bail!("--delimiter applies to CSV, and the input is {kind}");
        }
        if self.manifest.is_some() && kind != SourceKind::SrvWorkflowRoles {
            bail!("--manifest applies to srv-workflow-roles, and the input is {kind}");
        }
        Ok(())
    }

    /// The files of a structured source, with the users and extra fields a manifest gives.
    fn source_files(&self, files: &[PathBuf]) -> Result<(Vec<SourceFile>, Vec<String>)> {
        let manifest = match &self.manifest {
            Some(path) => Some(Manifest::load(path)?),
            None => None,
        };
        let source_files = files
            .iter()
            .map(|path| {
                let entry = manifest.as_ref().and_then(|m| m.entry(path));
                SourceFile {
                    path: path.clone(),
                    user_name: entry.map(|(user, _)| user.clone()),
                    extra: entry.map(|(_, extra)| extra.clone()).unwrap_or_default(),
                }
            })
            .collect();
        let extra_fields = manifest.map(|m| m.extra_columns).unwrap_or_default();
        Ok((source_files, extra_fields))
    }

    /// The mapping for this input: the kind's default (its rules for attributes the schema
    /// has), overlaid with `--map`, then `--set`.
    pub fn mapping(&self, kind: SourceKind, schema: &Schema) -> Result<Mapping> {
        let mut mapping = match nebulk_map::default_mapping(kind.name()) {
            Some(text) => Mapping::parse(text, Path::new("."))
                .context("the built-in mapping")?
                .retaining(|target| schema.find(target).is_some()),
            None => Mapping::default(),
        };
        if let Some(path) = &self.map {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the mapping {}", path.display()))?;
            let base = path.parent().unwrap_or(Path::new("."));
            let user = Mapping::parse(&text, base).with_context(|| path.display().to_string())?;
            mapping = mapping.overlaid_with(user);
        }
        let mapping = mapping.overlaid_with(nebulk_map::parse_sets(&self.sets)?);
        Ok(if self.local_date_times {
            mapping.with_local_dates()
        } else {
            mapping
        })
    }

    /// Opens the input and turns it into rows of `schema`: a table as it is, or mapped.
    pub fn rows(&self, schema: &Schema) -> Result<SchemaRows> {
        let input = self.open(schema)?;
        let (stream, fields): (Box<dyn RecordStream>, FieldSet) = match input.opened {
            Opened::Table(table) if !self.maps() => {
                return Ok(SchemaRows {
                    source: table,
                    info: input.info,
                    len: input.len,
                    counts: None,
                })
            }
            Opened::Table(table) => {
                let records = RowRecords::new(table);
                let fields = FieldSet::known(records.fields());
                (Box::new(records), fields)
            }
            Opened::Records { stream, fields } => (stream, fields),
        };
        let mapping = self.mapping(input.kind, schema)?;
        let plan = MappingPlan::new(schema, &mapping, &fields)
            .with_context(|| input.info.input.clone())?;
        let statuses = (!self.statuses.is_empty()).then(|| self.statuses.clone());
        let source = MappedSource::new(stream, plan, statuses);
        let counts = (!self.statuses.is_empty()).then(|| source.counts());
        Ok(SchemaRows {
            source: Box::new(source),
            info: input.info,
            len: input.len,
            counts,
        })
    }
}

/// The input as rows of the schema, ready for the engine.
pub struct SchemaRows {
    /// The rows.
    pub source: Box<dyn RowSource>,
    /// For the report.
    pub info: InputInfo,
    /// The input's size, when known.
    pub len: Option<u64>,
    /// Records read and filtered, for mapped input with `--status`.
    pub counts: Option<Arc<SourceCounts>>,
}

fn structured_kind(kind: SourceKind) -> (StructuredKind, &'static [&'static str]) {
    match kind {
        SourceKind::XtractaUsers => (StructuredKind::XtractaUsers, &xtracta::FIELDS),
        SourceKind::SrvWorkflowRoles => (StructuredKind::SrvWorkflowRoles, &srv::FIELDS),
        SourceKind::NermUsers => (StructuredKind::NermUsers, &nerm::USER_FIELDS),
        _ => (StructuredKind::NermWorkflowSessions, &nerm::SESSION_FIELDS),
    }
}

/// Tells a file's kind from its content. A pipe (a FIFO, bash's `<(...)`) cannot be looked at
/// without consuming what it holds, so it is taken as CSV, as standard input is.
pub fn sniff_kind(path: &Path) -> Result<SourceKind> {
    let regular = std::fs::metadata(path).map_or(true, |m| m.is_file());
    if !regular {
        return Ok(SourceKind::Csv);
    }
    SourceKind::sniff(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// Input paths with folders replaced by their files (sorted by name, hidden files skipped).
fn expand(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            files.push(input.clone());
        } else if input.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(input)
                .with_context(|| format!("cannot list the folder {}", input.display()))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file()
                        && !p
                            .file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                })
                .collect();
            if found.is_empty() {
                bail!("{}: the folder has no files", input.display());
            }
            found.sort();
            files.extend(found);
        } else if !input.exists() {
            bail!("cannot open {}: No such file or directory", input.display());
        } else {
            files.push(input.clone());
        }
    }
    if files.len() > 1 && files.iter().any(|f| f.as_os_str() == "-") {
        bail!("`-` (standard input) cannot be combined with other inputs");
    }
    Ok(files)
}

/// Opens a CSV file, or standard input for `-`. A file starting with a UTF-16 byte order mark
/// (Excel's "Unicode text") is transcoded to UTF-8 as it is read; its byte order is returned.
pub fn open_csv(path: &Path, delimiter: Option<u8>) -> Result<(CsvFileSource, Option<Endian>)> {
    let options = CsvOptions { delimiter };
    if path.as_os_str() != "-" {
        if path.is_dir() {
            bail!("{}: is a folder, not a file", path.display());
        }
        return CsvFileSource::open(path, options).with_context(|| path.display().to_string());
    }
    CsvFileSource::from_reader(Box::new(io::stdin()), options).context("<stdin>")
}

/// An srv manifest: the user of each answer file, and other columns as extra fields.
struct Manifest {
    /// File name -> its entry.
    entries: Vec<(String, ManifestEntry)>,
    extra_columns: Vec<String>,
}

/// A user name and the extra fields of one answer file.
type ManifestEntry = (String, Vec<(String, String)>);

impl Manifest {
    fn load(path: &Path) -> Result<Manifest> {
        let name = path.display().to_string();
        let (mut source, _) = open_csv(path, None)?;
        let header = source.header().to_vec();
        let column = |wanted: &str| header.iter().position(|h| normalize_name(h) == wanted);
        let (Some(user), Some(file)) = (column("username"), column("file")) else {
            bail!(
                "{name}: a manifest needs the columns userName and file; its header is: {}",
                header.join(",")
            );
        };
        let extra_columns: Vec<String> = header
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != user && *i != file)
            .map(|(_, h)| h.clone())
            .collect();
        let mut entries = Vec::new();
        loop {
            let rows = source
                .read_chunk(4096, 4 << 20)
                .with_context(|| name.clone())?;
            if rows.is_empty() {
                break;
            }
            for row in rows {
                let cell = |i: usize| {
                    String::from_utf8_lossy(row.record.get(i).unwrap_or_default())
                        .trim()
                        .to_string()
                };
                let extra = header
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != user && *i != file)
                    .map(|(i, h)| (h.clone(), cell(i)))
                    .collect();
                let file_name = Path::new(&cell(file))
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                entries.push((file_name, (cell(user), extra)));
            }
        }
        Ok(Manifest {
            entries,
            extra_columns,
        })
    }

    fn entry(&self, path: &Path) -> Option<&ManifestEntry> {
        let name = path.file_name()?.to_string_lossy();
        self.entries
            .iter()
            .find(|(file, _)| *file == name)
            .map(|(_, entry)| entry)
    }
}
