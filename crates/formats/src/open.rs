//! Opening inputs: [`open`] expands folders, tells the kind, refuses options that cannot work
//! and starts the kind's reader; [`Input::into_rows`] maps records (or a table, when asked)
//! onto the schema.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use nebulk_map::{FieldSet, MapError, MappedSource, Mapping, MappingPlan, SourceCounts};
use nebulk_read::{RecordStream, RowRecords, RowSource};
use nebulk_schema::{normalize_name, Schema};
use nebulk_sheet::DateTimes;

use crate::format::{Content, Details, OpenContext};
use crate::input_file::{display_names, expand, InputFile};
use crate::sniff::sniff_all;
use crate::{ReadOptions, SourceKind};

/// An opened input, before mapping.
pub struct Input {
    /// What was opened.
    pub description: InputDescription,
    /// The rows or records.
    pub content: Content,
    /// See [`crate::format::Reading::no_account_name`].
    no_account_name: Option<String>,
}

/// What is known about an opened input, for messages and the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputDescription {
    /// The inputs as named on the command line, joined by spaces (`<stdin>` for `-`).
    pub name: String,
    /// The kind read.
    pub kind: SourceKind,
    /// How many files were read (folders expanded).
    pub files: usize,
    /// The total size of the input files, when known (for a progress bar).
    pub len: Option<u64>,
    /// What reading found out: delimiter, encoding, sheet.
    pub details: Details,
}

/// Opens `inputs` (files, folders of files, `-` for standard input, pipes) as `kind` (`--from`),
/// or as the kind their content tells when `None`, refuses options that do not apply to it, and starts its
/// reader. `schema` helps a spreadsheet find its header row; `date_times` says how its
/// date-times are written.
///
/// ```
/// use nebulk_formats::{open, Content, ReadOptions, SourceKind};
/// use nebulk_sheet::DateTimes;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("users.json");
/// std::fs::write(&path, r#"{"users": [{"login": "ann", "name": "Ann Lee"}]}"#).unwrap();
/// let schema = nebulk_schema::Schema::system();
/// let input = open(&[path], None, &ReadOptions::default(), &schema, DateTimes::Utc).unwrap();
/// assert_eq!(input.description.kind, SourceKind::NermUsers);
/// assert!(matches!(input.content, Content::Records { .. }));
/// ```
pub fn open(
    inputs: &[PathBuf],
    kind: Option<SourceKind>,
    options: &ReadOptions,
    schema: &Schema,
    date_times: DateTimes,
) -> Result<Input> {
    let paths = expand(inputs)?;
    let mut files = paths
        .iter()
        .cloned()
        .map(InputFile::open)
        .collect::<Result<Vec<_>>>()?;
    let kind = match kind {
        Some(kind) => kind,
        None => sniff_all(&mut files)?,
    };
    let name = display_names(inputs);
    let format = kind.format();
    format
        .check(&paths, options)
        .and_then(|()| refuse_foreign(options, kind))
        .with_context(|| name.clone())?;
    let len = files.iter().map(InputFile::len).sum();
    let count = files.len();
    let context = OpenContext {
        options,
        schema,
        date_times,
    };
    let opened = format.open(files, &context)?;
    Ok(Input {
        description: InputDescription {
            name,
            kind,
            files: count,
            len,
            details: opened.details,
        },
        content: opened.content,
        no_account_name: opened.no_account_name,
    })
}

/// Refuses the options of one kind given for an input of another.
fn refuse_foreign(options: &ReadOptions, kind: SourceKind) -> Result<()> {
    let owned: [(bool, SourceKind, &str); 4] = [
        (
            options.sheet.is_some(),
            SourceKind::Spreadsheet,
            "--sheet applies to spreadsheets",
        ),
        (
            options.delimiter.is_some(),
            SourceKind::Csv,
            "--delimiter applies to CSV",
        ),
        (
            options.header_row.is_some(),
            SourceKind::Csv,
            "--header-row applies to CSV (a spreadsheet's header row is found below its \
             title rows)",
        ),
        (
            options.manifest.is_some(),
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

/// The input as rows of the schema, ready for the engine.
pub struct SchemaRows {
    /// The rows.
    pub source: Box<dyn RowSource>,
    /// What was opened.
    pub description: InputDescription,
    /// Records read and filtered, for mapped input with `--status`.
    pub counts: Option<Arc<SourceCounts>>,
}

impl Input {
    /// Turns the input into rows of `schema`: a table as it is (unless options ask for a
    /// mapping), records through the kind's default mapping overlaid with `--map` and `--set`
    /// ([`mapping`]), kept by `--status`.
    pub fn into_rows(
        self,
        options: &ReadOptions,
        schema: &Schema,
        date_times: DateTimes,
    ) -> Result<SchemaRows> {
        let description = self.description;
        if let Some(message) = self.no_account_name {
            if options.map.is_none() && !sets_account_name(options)? {
                bail!("{message}");
            }
        }
        let (stream, fields): (Box<dyn RecordStream>, FieldSet) = match self.content {
            Content::Table(table) if !options.maps() => {
                return Ok(SchemaRows {
                    source: table,
                    description,
                    counts: None,
                })
            }
            Content::Table(table) => {
                let records = RowRecords::new(table);
                let fields = FieldSet::known(records.fields());
                (Box::new(records), fields)
            }
            Content::Records { stream, fields } => (stream, fields),
        };
        let mapping = mapping(description.kind, options, schema, date_times)?;
        let plan = MappingPlan::new(schema, &mapping, &fields)
            .with_context(|| description.name.clone())?;
        let statuses = (!options.statuses.is_empty()).then(|| options.statuses.clone());
        let source = MappedSource::new(stream, plan, statuses);
        let counts = (!options.statuses.is_empty()).then(|| source.counts());
        Ok(SchemaRows {
            source: Box::new(source),
            description,
            counts,
        })
    }
}

/// Whether `--set` gives the account name.
fn sets_account_name(options: &ReadOptions) -> Result<bool> {
    let sets = nebulk_map::parse_sets(&options.sets)?;
    let found = sets
        .targets()
        .any(|target| normalize_name(target) == normalize_name("accountName"));
    Ok(found)
}

/// The mapping for an input of `kind`: the kind's default (its rules for attributes the schema
/// has), overlaid with `--map`, then `--set`. Under [`DateTimes::Local`] its `date`
/// transforms leave a value without an offset as read, for the date rule's `--timezone`.
///
/// ```
/// use nebulk_formats::{mapping, ReadOptions, SourceKind};
/// use nebulk_sheet::DateTimes;
/// let options = ReadOptions { sets: vec!["manager=jane.doe".into()], ..ReadOptions::default() };
/// let schema = nebulk_schema::Schema::system();
/// let mapping = mapping(SourceKind::NermUsers, &options, &schema, DateTimes::Utc).unwrap();
/// assert!(mapping.targets().any(|t| t == "accountName"));
/// assert!(mapping.targets().any(|t| t == "manager"));
/// ```
pub fn mapping(
    kind: SourceKind,
    options: &ReadOptions,
    schema: &Schema,
    date_times: DateTimes,
) -> Result<Mapping> {
    let mut mapping = match kind.default_mapping() {
        Some(text) => Mapping::parse(text, Path::new("."))
            .context("the built-in mapping")?
            .retaining(|target| schema.find(target).is_some()),
        None => Mapping::default(),
    };
    if let Some(path) = &options.map {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the mapping {}", path.display()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let user =
            Mapping::parse_with_encoding(&text, base, options.encoding).map_err(|e| match e {
                // file:line:column, the way findings are named.
                MapError::Toml(toml) => anyhow::anyhow!(toml.in_file(&path.display().to_string())),
                e => anyhow::Error::new(e).context(path.display().to_string()),
            })?;
        mapping = mapping.overlaid_with(user);
    }
    let mapping = mapping.overlaid_with(nebulk_map::parse_sets(&options.sets)?);
    Ok(if date_times == DateTimes::Local {
        mapping.with_local_dates()
    } else {
        mapping
    })
}
