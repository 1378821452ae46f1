//! Opening the input: files and folders, the source kind (given or sniffed), the reader for it,
//! and the mapping that turns its records into rows of the schema.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use clap::Args;
use nebulk_map::{FieldSet, MapError, MappedSource, Mapping, MappingPlan, SourceCounts};
use nebulk_read::excel::{DateTimes, ExcelSource};
use nebulk_read::{
    encoding_for_label, encoding_name, nerm, srv, user_from_file_name, xtracta, CsvFileSource,
    CsvFiles, CsvOptions, Encoding, RecordStream, RowRecords, RowSource, SourceFile, SourceKind,
    Spool, SpoolError, ThreadedRecords, MAX_SPREADSHEET_SPOOL,
};
use nebulk_schema::{normalize_name, Schema};
use serde::Serialize;

/// Where the accounts come from and how they become rows of the schema.
#[derive(Debug, Clone, Args)]
pub struct SourceArgs {
    /// The input: a file, several files of one kind, or a folder of files (CSV files with one
    /// header, srv answers, NERM pages); `-` reads standard input, of any kind, and so is a pipe
    /// or FIFO given as a path (`<(...)`).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// The kind of input: csv, excel, xtracta-users, srv-workflow-roles, nerm-users,
    /// nerm-workflow-sessions. Told from the content when left out (standard input and pipes
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
    /// The encoding of a CSV input that is not UTF-8 (`utf-16le`, `windows-1252`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
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
    /// An srv answer read from standard input without a manifest line naming its user: its
    /// `userName` is empty.
    pub unnamed_answer: bool,
}

impl SourceArgs {
    /// Opens the input: expands folders, tells the kind, and starts its reader. `schema` helps a
    /// spreadsheet find its header row; `date_times` says how its date-times are written
    /// ([`DateTimes::Local`] for the date rule to read them in `--timezone`).
    pub fn open(&self, schema: &Schema, date_times: DateTimes) -> Result<Input> {
        let mut files = expand(&self.inputs)?
            .into_iter()
            .map(InputFile::open)
            .collect::<Result<Vec<_>>>()?;
        let kind = match self.from {
            Some(kind) => kind,
            None => sniff_all(&mut files)?,
        };
        let input = self
            .inputs
            .iter()
            .map(|p| {
                if p.as_os_str() == "-" {
                    STDIN.to_string()
                } else {
                    p.display().to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        self.check_flags(kind, files.len())
            .with_context(|| input.clone())?;
        let len = files.iter().map(InputFile::len).sum();
        let mut info = InputInfo {
            input,
            from: kind.name(),
            files: files.len(),
            delimiter: None,
            encoding: None,
            sheet: None,
            records_filtered: None,
        };
        let mut unnamed_answer = false;
        let opened = match kind {
            SourceKind::Csv if files.len() > 1 => {
                let paths = files
                    .into_iter()
                    .map(InputFile::into_path)
                    .collect::<Result<Vec<_>>>()?;
                let source = CsvFiles::open(paths, self.csv_options())?;
                info.delimiter = Some((source.delimiter() as char).to_string());
                info.encoding = source.encoding().map(encoding_name);
                Opened::Table(Box::new(source))
            }
            SourceKind::Csv => {
                let source = match one(files)? {
                    InputFile::Path(path) => open_csv(&path, self.csv_options())?,
                    InputFile::Stream(stream) => open_csv_stream(stream, self.csv_options())?,
                };
                info.delimiter = Some((source.delimiter() as char).to_string());
                info.encoding = source.encoding().map(encoding_name);
                Opened::Table(Box::new(source))
            }
            SourceKind::Excel => {
                let known = |cell: &str| schema.find(cell).is_some();
                let source = match one(files)? {
                    InputFile::Path(path) => {
                        ExcelSource::open_with(&path, self.sheet.as_deref(), &known, date_times)
                            .with_context(|| path.display().to_string())?
                    }
                    InputFile::Stream(stream) => open_spreadsheet_stream(
                        stream,
                        self.sheet.as_deref(),
                        &known,
                        date_times,
                        MAX_SPREADSHEET_SPOOL,
                    )?,
                };
                info.sheet = Some(source.sheet_name().to_string());
                Opened::Table(Box::new(source))
            }
            structured => {
                let name_files = files.len() > 1;
                let (source_files, extra_fields) = self.source_files(files)?;
                unnamed_answer = structured == SourceKind::SrvWorkflowRoles
                    && source_files.iter().any(|f| f.user_name.is_none());
                let fields = structured_fields(structured);
                let mut fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
                fields.extend(extra_fields);
                let fields = match structured {
                    SourceKind::NermWorkflowSessions => FieldSet::open(&fields, "attributes."),
                    _ => FieldSet::known(&fields),
                };
                let stream = spawn_reader(structured, source_files, name_files);
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
            unnamed_answer,
        })
    }

    /// Whether `--set` gives the account name.
    fn sets_account_name(&self) -> Result<bool> {
        let sets = nebulk_map::parse_sets(&self.sets)?;
        let found = sets
            .targets()
            .any(|target| normalize_name(target) == normalize_name("accountName"));
        Ok(found)
    }

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
        if self.header_row.is_some() && kind != SourceKind::Csv {
            bail!("--header-row applies to CSV (a spreadsheet's header row is found below its title rows), and the input is {kind}");
        }
        if self.manifest.is_some() && kind != SourceKind::SrvWorkflowRoles {
            bail!("--manifest applies to srv-workflow-roles, and the input is {kind}");
        }
        let stdin = |path: &Path| path.as_os_str() == "-";
        if self.manifest.as_deref().is_some_and(stdin) && self.inputs.iter().any(|p| stdin(p)) {
            bail!("`-` (standard input) cannot be both the input and the manifest");
        }
        Ok(())
    }

    /// The files of a structured source, with the users and extra fields a manifest gives. A
    /// file's user is its manifest line's, else its name's; an answer on standard input has a
    /// user only from a manifest line whose file is `-` (`user_name` stays `None`).
    fn source_files(&self, files: Vec<InputFile>) -> Result<(Vec<SourceFile>, Vec<String>)> {
        let manifest = match &self.manifest {
            Some(path) => Some(Manifest::load(path, self.text_options())?),
            None => None,
        };
        let source_files = files
            .into_iter()
            .map(|file| {
                let (mut source_file, path) = match file {
                    InputFile::Path(path) => (SourceFile::path(path.clone()), Some(path)),
                    InputFile::Stream(stream) => {
                        (SourceFile::stream(stream.name, stream.reader), stream.path)
                    }
                };
                let manifest_name = match &path {
                    Some(path) => path.file_name().map(|n| n.to_string_lossy().into_owned()),
                    None => Some("-".to_string()),
                };
                let entry = manifest
                    .as_ref()
                    .zip(manifest_name)
                    .and_then(|(m, name)| m.entry(&name));
                source_file.user_name = match entry {
                    Some((user, _)) => Some(user.clone()),
                    None => path.as_deref().map(user_from_file_name),
                };
                source_file.extra = entry.map(|(_, extra)| extra.clone()).unwrap_or_default();
                source_file
            })
            .collect();
        let extra_fields = manifest.map(|m| m.extra_columns).unwrap_or_default();
        Ok((source_files, extra_fields))
    }

    /// The mapping for this input: the kind's default (its rules for attributes the schema
    /// has), overlaid with `--map`, then `--set`. Under [`DateTimes::Local`] its `date`
    /// transforms leave a value without an offset as read, for the date rule's `--timezone`.
    pub fn mapping(
        &self,
        kind: SourceKind,
        schema: &Schema,
        date_times: DateTimes,
    ) -> Result<Mapping> {
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
            let user =
                Mapping::parse_with_encoding(&text, base, self.encoding).map_err(|e| match e {
                    // file:line:column, the way findings are named.
                    MapError::Toml(toml) => {
                        anyhow::anyhow!(toml.in_file(&path.display().to_string()))
                    }
                    e => anyhow::Error::new(e).context(path.display().to_string()),
                })?;
            mapping = mapping.overlaid_with(user);
        }
        let mapping = mapping.overlaid_with(nebulk_map::parse_sets(&self.sets)?);
        Ok(if date_times == DateTimes::Local {
            mapping.with_local_dates()
        } else {
            mapping
        })
    }

    /// Opens the input and turns it into rows of `schema`: a table as it is, or mapped.
    pub fn rows(&self, schema: &Schema, date_times: DateTimes) -> Result<SchemaRows> {
        let input = self.open(schema, date_times)?;
        if input.unnamed_answer && self.map.is_none() && !self.sets_account_name()? {
            bail!(
                "{STDIN}: an srv answer does not name its user, and on standard input there is no \
                 file name to take it from: give --set accountName=NAME, or a --manifest line \
                 whose file is `-`"
            );
        }
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
        let mapping = self.mapping(input.kind, schema, date_times)?;
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

/// The fixed fields of a structured kind's records.
fn structured_fields(kind: SourceKind) -> &'static [&'static str] {
    match kind {
        SourceKind::XtractaUsers => &xtracta::FIELDS,
        SourceKind::SrvWorkflowRoles => &srv::FIELDS,
        SourceKind::NermUsers => &nerm::USER_FIELDS,
        _ => &nerm::SESSION_FIELDS,
    }
}

/// Starts reading `files` with the reader of a structured kind.
fn spawn_reader(kind: SourceKind, files: Vec<SourceFile>, name_files: bool) -> ThreadedRecords {
    match kind {
        SourceKind::XtractaUsers => ThreadedRecords::spawn(xtracta::UserReader, files, name_files),
        SourceKind::SrvWorkflowRoles => ThreadedRecords::spawn(srv::RoleReader, files, name_files),
        SourceKind::NermUsers => ThreadedRecords::spawn(nerm::UserReader, files, name_files),
        _ => ThreadedRecords::spawn(nerm::SessionReader, files, name_files),
    }
}

/// How standard input is named in messages and in `report.json`.
const STDIN: &str = "<stdin>";

/// Tells a file's kind from its content. A file that is not a regular file (a pipe, a FIFO)
/// is taken as CSV without being looked at, so that it can still be read after: for
/// `--existing`. Inputs are sniffed by [`SourceArgs::open`], streams included.
pub fn sniff_kind(path: &Path) -> Result<SourceKind> {
    let regular = std::fs::metadata(path).map_or(true, |m| m.is_file());
    if !regular {
        return Ok(SourceKind::Csv);
    }
    SourceKind::sniff(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// One input as the readers get it.
enum InputFile {
    /// A regular file, read by its path (opened again as often as a reader needs).
    Path(PathBuf),
    /// A stream that can be read once: standard input, or a path that is not a regular file.
    Stream(Stream),
}

/// Standard input, a pipe or a FIFO, opened.
struct Stream {
    /// `<stdin>`, or the path as given.
    name: String,
    /// The path; `None` for standard input.
    path: Option<PathBuf>,
    /// The bytes (after sniffing, the bytes looked at come first again).
    reader: Box<dyn Read + Send>,
}

impl InputFile {
    /// `-` as standard input, a regular file as a path, anything else (a FIFO, bash's
    /// `<(...)`, a device) opened as a stream.
    fn open(path: PathBuf) -> Result<InputFile> {
        if path.as_os_str() == "-" {
            return Ok(InputFile::Stream(Stream {
                name: STDIN.to_string(),
                path: None,
                reader: Box::new(io::stdin()),
            }));
        }
        let regular = std::fs::metadata(&path).map_or(true, |m| m.is_file());
        if regular {
            return Ok(InputFile::Path(path));
        }
        let file = std::fs::File::open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        Ok(InputFile::Stream(Stream {
            name: path.display().to_string(),
            path: Some(path),
            reader: Box::new(file),
        }))
    }

    /// The name in messages.
    fn name(&self) -> String {
        match self {
            InputFile::Path(path) => path.display().to_string(),
            InputFile::Stream(stream) => stream.name.clone(),
        }
    }

    /// The size, for a regular file.
    fn len(&self) -> Option<u64> {
        match self {
            InputFile::Path(path) => path.metadata().ok().map(|m| m.len()),
            InputFile::Stream(_) => None,
        }
    }

    /// Tells the kind from the content: a file by its path; a stream by its first 64 KiB,
    /// which it then gives again before the rest.
    fn sniff(&mut self) -> Result<SourceKind> {
        let name = self.name();
        let kind = match self {
            InputFile::Path(path) => SourceKind::sniff(path),
            InputFile::Stream(stream) => {
                let reader = std::mem::replace(&mut stream.reader, Box::new(io::empty()));
                SourceKind::sniff_stream(reader, stream.path.as_deref()).map(|(kind, whole)| {
                    stream.reader = Box::new(whole);
                    kind
                })
            }
        };
        kind.map_err(|e| anyhow::anyhow!("{name}: {e}"))
    }

    /// The path of a regular file; a stream cannot be one of several CSV files.
    fn into_path(self) -> Result<PathBuf> {
        match self {
            InputFile::Path(path) => Ok(path),
            InputFile::Stream(stream) => bail!(
                "{}: is a pipe or FIFO, which can be read only once, and several CSV files are \
                 each opened twice (their headers are all checked before any row is read): save \
                 it to a file, or give it alone",
                stream.name
            ),
        }
    }
}

/// Tells the kind of every input; inputs of different kinds are a fatal error naming two of
/// them.
fn sniff_all(files: &mut [InputFile]) -> Result<SourceKind> {
    let mut first: Option<(String, SourceKind)> = None;
    for file in files.iter_mut() {
        let kind = file.sniff()?;
        match &first {
            None => first = Some((file.name(), kind)),
            Some((first_name, first_kind)) if *first_kind != kind => bail!(
                "inputs of different kinds: {first_name} is {first_kind}, and {} is {kind}; \
                 several inputs are read together only when all are of one kind",
                file.name()
            ),
            Some(_) => {}
        }
    }
    first.map(|(_, kind)| kind).context("no input file")
}

/// The one input of a kind read from a single file.
fn one(files: Vec<InputFile>) -> Result<InputFile> {
    files.into_iter().next().context("no input file")
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

/// Opens a CSV file, or standard input for `-`. A file in another encoding than UTF-8 (a UTF-16
/// byte order mark, or `options.encoding`) is decoded to UTF-8 as it is read.
pub fn open_csv(path: &Path, options: CsvOptions) -> Result<CsvFileSource> {
    if path.as_os_str() != "-" {
        if path.is_dir() {
            bail!("{}: is a folder, not a file", path.display());
        }
        return CsvFileSource::open(path, options).with_context(|| path.display().to_string());
    }
    CsvFileSource::from_reader(Box::new(io::stdin()), options).context(STDIN)
}

/// Reads CSV from a stream (standard input, a pipe), as [`open_csv`] reads a file.
fn open_csv_stream(stream: Stream, options: CsvOptions) -> Result<CsvFileSource> {
    CsvFileSource::from_reader(stream.reader, options).context(stream.name)
}

/// Reads a spreadsheet from a stream: the spreadsheet reader needs a file it can seek in, so
/// the stream is first copied to a temporary file ([`Spool`], at most `limit` bytes:
/// [`MAX_SPREADSHEET_SPOOL`]), removed once the sheet is read into memory, or on error.
fn open_spreadsheet_stream(
    mut stream: Stream,
    sheet: Option<&str>,
    known: &dyn Fn(&str) -> bool,
    date_times: DateTimes,
    limit: u64,
) -> Result<ExcelSource> {
    let spool = Spool::copy(&mut stream.reader, limit).map_err(|e| match e {
        SpoolError::TooLarge { .. } => anyhow::anyhow!(
            "{}: a spreadsheet from a pipe is {e}; no workbook nebulk reads is that large (its \
             parts would unzip past 2 GiB): save the sheet as CSV, which is read as a stream",
            stream.name
        ),
        other => anyhow::Error::new(other).context(stream.name.clone()),
    })?;
    let source = ExcelSource::open_with(spool.path(), sheet, known, date_times)
        .with_context(|| stream.name.clone())?;
    drop(spool);
    Ok(source)
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
    fn load(path: &Path, options: CsvOptions) -> Result<Manifest> {
        let name = path.display().to_string();
        let mut source = open_csv(path, options)?;
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

    /// The entry of the file named `name` (`-` for standard input).
    fn entry(&self, name: &str) -> Option<&ManifestEntry> {
        self.entries
            .iter()
            .find(|(file, _)| file == name)
            .map(|(_, entry)| entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stdin_of(bytes: &'static [u8]) -> Stream {
        Stream {
            name: STDIN.to_string(),
            path: None,
            reader: Box::new(bytes),
        }
    }

    /// Issue 9: a spreadsheet on standard input past the spool's cap is a clear error naming
    /// `<stdin>` (the cap itself, 2 GiB, is [`MAX_SPREADSHEET_SPOOL`]).
    #[test]
    fn a_spreadsheet_stream_past_the_cap_is_refused_naming_it() {
        let workbook = include_bytes!("../../../testdata/readers/excel/contractors.xlsx");
        let limit = workbook.len() as u64 - 1;
        let err =
            open_spreadsheet_stream(stdin_of(workbook), None, &|_| false, DateTimes::Utc, limit)
                .err()
                .unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "<stdin>: a spreadsheet from a pipe is larger than {limit} bytes, the most copied \
                 to a temporary file; no workbook nebulk reads is that large (its parts would \
                 unzip past 2 GiB): save the sheet as CSV, which is read as a stream"
            )
        );
        let source = open_spreadsheet_stream(
            stdin_of(workbook),
            None,
            &|_| false,
            DateTimes::Utc,
            limit + 1,
        )
        .unwrap();
        assert_eq!(source.sheet_name(), "Contractors");
    }
}
