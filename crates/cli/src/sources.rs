//! The tenant's sources from the flags: `--existing NAME=FILE`, `--existing FILE` (named by its
//! stem) or `--existing FOLDER` (each export in it), then `--new-source NAME`, in that order,
//! each export read into the [`Tenant`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use nebulk_emit::{DiffLines, FileSink};
use nebulk_formats::Spool;
use nebulk_read::CsvOptions;
use nebulk_schema::Schema;
use nebulk_validate::rules::DateRule;
use nebulk_validate::{Ledger, ParsedExport, Tenant};

use crate::overlap::in_order;

/// The most bytes of an export read from a pipe, copied to a temporary file to be read twice.
const MAX_EXPORT_SPOOL: u64 = 4 << 30;

/// One `--existing` source: its name and its export.
#[derive(Debug, Clone)]
pub struct ExportSpec {
    pub name: String,
    pub path: PathBuf,
    /// A copy of an export that is not a regular file (a pipe, `<(...)`): an export is read
    /// twice, once before the run and once after it for `changes.csv` and `absent.csv`.
    spool: Option<Arc<Spool>>,
}

impl ExportSpec {
    fn new(name: String, path: PathBuf) -> ExportSpec {
        ExportSpec {
            name,
            path,
            spool: None,
        }
    }

    /// The file to read: the export, or its copy.
    fn readable(&self) -> &Path {
        self.spool.as_ref().map_or(&self.path, |spool| spool.path())
    }

    /// Copies an export that is not a regular file to a temporary file.
    fn spool_if_streamed(&mut self) -> Result<()> {
        let cannot = || format!("cannot read the export {}", self.path.display());
        if std::fs::metadata(&self.path)
            .with_context(cannot)?
            .is_file()
        {
            return Ok(());
        }
        let mut stream = std::fs::File::open(&self.path).with_context(cannot)?;
        let spool = Spool::copy(&mut stream, MAX_EXPORT_SPOOL).with_context(cannot)?;
        self.spool = Some(Arc::new(spool));
        Ok(())
    }
}

/// The sources `--existing` names, in order: `NAME=FILE`, `FILE` (named by its file stem), or a
/// folder (each regular file in it whose name does not start with `.`, by name). A value that
/// is a path as it stands is a path, even with a `=` in it. A name given twice is one source
/// with two exports.
///
/// ```text
/// north=exports/north.csv  ->  north, exports/north.csv
/// exports/south.xlsx       ->  south, exports/south.xlsx
/// exports/                 ->  north, exports/north.csv; south, exports/south.xlsx
/// ```
pub fn export_specs(values: &[String]) -> Result<Vec<ExportSpec>> {
    let mut specs = Vec::new();
    for value in values {
        let (name, path) = match value.split_once('=') {
            Some((name, path)) if !Path::new(value).exists() => {
                (Some(name.to_string()), PathBuf::from(path))
            }
            _ => (None, PathBuf::from(value)),
        };
        if path.is_dir() {
            if let Some(name) = name {
                bail!("--existing {name}=FOLDER: a folder holds the exports of several sources, each named by its file; give --existing {}", path.display());
            }
            specs.extend(folder_exports(&path)?);
            continue;
        }
        let name = match name {
            Some(name) => name,
            None => stem(&path)?,
        };
        specs.push(ExportSpec::new(name, path));
    }
    Ok(specs)
}

/// The exports in `folder`, by name.
fn folder_exports(folder: &Path) -> Result<Vec<ExportSpec>> {
    let cannot = || format!("cannot list the exports in {}", folder.display());
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(folder).with_context(cannot)? {
        let entry = entry.with_context(cannot)?;
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if !hidden && entry.path().is_file() {
            paths.push(entry.path());
        }
    }
    if paths.is_empty() {
        bail!("{}: no export in the folder", folder.display());
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| Ok(ExportSpec::new(stem(&path)?, path)))
        .collect()
}

/// The file stem of an export, which names its source.
fn stem(path: &Path) -> Result<String> {
    match path.file_stem().and_then(|s| s.to_str()) {
        Some(stem) if !stem.is_empty() && path != Path::new("-") => Ok(stem.to_string()),
        _ => bail!(
            "--existing {}: cannot name its source from the file name; give NAME={}",
            path.display(),
            path.display()
        ),
    }
}

/// What the tenant is made of: its exports, its new sources, the per-source limit, and whether
/// it keeps changed rows' values.
pub struct TenantSpec<'a> {
    pub exports: &'a mut [ExportSpec],
    pub new_sources: &'a [String],
    pub limit: u64,
    /// Whether changed rows' values are kept for `changes.csv`
    /// ([`Tenant::keeping_changed_values`]).
    pub keep_changed_values: bool,
}

impl TenantSpec<'_> {
    /// Reads the exports into a tenant of sources for rows of `schema`; without any source,
    /// one named [`nebulk_validate::DEFAULT_SOURCE`]. Dates in the exports are read with
    /// `dates`. Every name is checked before any export is read.
    pub fn load(self, schema: &Schema, dates: DateRule, options: CsvOptions) -> Result<Tenant> {
        let mut tenant = Tenant::new(schema, self.limit)
            .read_dates_with(dates)
            .keeping_changed_values(self.keep_changed_values);
        let mut names: Vec<String> = self.exports.iter().map(|e| e.name.to_lowercase()).collect();
        names.sort();
        names.dedup();
        let count = names.len() + self.new_sources.len();
        if count > nebulk_validate::MAX_SOURCES {
            bail!(
                "{count} sources (--existing and --new-source): a tenant has at most {} \
                 Non-Employee sources",
                nebulk_validate::MAX_SOURCES
            );
        }
        // The sources first, so that a name is refused before any export is read. A name given
        // twice is one source with two exports (its export and an upload made since, say).
        let mut export_sources = Vec::with_capacity(self.exports.len());
        for spec in self.exports.iter() {
            let name = spec.path.display().to_string();
            let source = match tenant.source_named(&spec.name) {
                Some(source) => source,
                None => tenant
                    .add_source(&spec.name, None)
                    .with_context(|| format!("--existing {name}"))?,
            };
            tenant.add_export_name(source, &name);
            export_sources.push(source);
        }
        for name in self.new_sources {
            tenant
                .add_source(name, None)
                .with_context(|| format!("--new-source {name}"))?;
        }
        // The exports are read on as many threads as rayon has, each taking the next export when
        // done with one, while those read before are added to the tenant, in the order given.
        // Reading needs only what the tenant is before any export is added: its schema and how
        // it compares values.
        for spec in self.exports.iter_mut() {
            spec.spool_if_streamed()?;
        }
        let reader = tenant.clone();
        let exports: Vec<(usize, &ExportSpec)> = export_sources
            .into_iter()
            .zip(self.exports.iter())
            .collect();
        let read = |&(source, spec): &(usize, &ExportSpec)| -> Result<(usize, ParsedExport)> {
            let name = spec.path.display().to_string();
            let export = nebulk_formats::open_export(spec.readable(), options)
                .with_context(|| format!("--existing {name}"))?;
            let parsed = reader.parse_export(export).with_context(|| name.clone())?;
            Ok((source, parsed))
        };
        in_order(&exports, rayon::current_num_threads(), read, |parsed| {
            let (source, parsed) = parsed?;
            tenant.add_export(source, parsed);
            Ok(())
        })?;
        if tenant.sources().is_empty() {
            tenant.add_source(nebulk_validate::DEFAULT_SOURCE, None)?;
        }
        Ok(tenant)
    }
}

/// Reads the exports again after a run and writes the lines of `changes.csv` (the old values of
/// each changed account against the row's) and `absent.csv` (the accounts no row named), in
/// export order. Only the rows of those accounts are read into values, and only the exports
/// that have some; exports are read on as many threads as rayon has, while the lines of those
/// before are written.
pub fn write_diff(
    exports: &[ExportSpec],
    ledger: &Ledger,
    options: CsvOptions,
    sink: &mut FileSink,
) -> Result<()> {
    let tenant = ledger.tenant();
    // The records to read again, export by export: exports were added in the order given.
    let mut wanted: Vec<Vec<u32>> = vec![Vec::new(); exports.len()];
    for record in 0..tenant.record_count() as u32 {
        if ledger.is_mentioned(record) && ledger.changed_values(record).is_none() {
            continue;
        }
        if let Some(list) = tenant.record_export(record).and_then(|e| wanted.get_mut(e)) {
            list.push(record);
        }
    }
    let work: Vec<(usize, &Vec<u32>)> = wanted
        .iter()
        .enumerate()
        .filter(|(_, records)| !records.is_empty())
        .collect();
    let read = |&(export, records): &(usize, &Vec<u32>)| {
        export_diff(&exports[export], export, records, ledger, options)
    };
    in_order(&work, rayon::current_num_threads(), read, |lines| {
        sink.write_diff_lines(&lines?)?;
        Ok(())
    })
}

/// Reads export number `export` again for the absent and changed accounts among `records`
/// (at least one), and writes their lines.
fn export_diff(
    spec: &ExportSpec,
    export: usize,
    records: &[u32],
    ledger: &Ledger,
    options: CsvOptions,
) -> Result<DiffLines> {
    let tenant = ledger.tenant();
    let (account, end) = tenant.name_and_end_attributes();
    let source = records.first().map_or(0, |&r| tenant.record_source(r));
    let name = tenant.sources()[source].name.as_str();
    let schema = tenant.schema();
    let note = |lines: &mut DiffLines, record: u32, old: &[&str]| {
        if !ledger.is_mentioned(record) {
            lines.absent(name, old[account], old[end]);
        }
        if let Some(new) = ledger.changed_values(record) {
            lines.change(
                schema,
                name,
                old[account],
                &tenant.changes(record, old, new),
            );
        }
    };
    let again = || format!("reading the export {} again", spec.path.display());
    // Only the wanted rows, by their offsets, when the export is plain delimited text that has
    // not changed since; otherwise the whole export again.
    let file = std::fs::File::open(spec.readable()).with_context(again)?;
    let mut lines = DiffLines::default();
    if tenant
        .revisit_export_at(export, file, records, |r, old| note(&mut lines, r, old))
        .with_context(again)?
    {
        return Ok(lines);
    }
    let mut lines = DiffLines::default();
    let rows = nebulk_formats::open_export(spec.readable(), options).with_context(again)?;
    tenant
        .revisit_export(export, rows, records, |r, old| note(&mut lines, r, old))
        .with_context(again)?;
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_are_named_by_name_stem_or_folder_entry() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("exports");
        std::fs::create_dir(&folder).unwrap();
        for name in ["south.csv", "north.xlsx", ".hidden.csv"] {
            std::fs::write(folder.join(name), "accountName\n").unwrap();
        }
        let odd = dir.path().join("a=b.csv");
        std::fs::write(&odd, "accountName\n").unwrap();
        let values = [
            format!("east={}", folder.join("south.csv").display()),
            folder.display().to_string(),
            odd.display().to_string(),
        ];
        let names: Vec<String> = export_specs(&values)
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(names, ["east", "north", "south", "a=b"]);
        let named_folder = format!("x={}", folder.display());
        assert!(export_specs(&[named_folder]).is_err());
        assert!(export_specs(&["-".to_string()]).is_err());
    }

    #[test]
    fn a_name_is_refused_before_any_export_is_read() {
        let mut exports = export_specs(&["bad:name=/nonexistent/x.csv".to_string()]).unwrap();
        let spec = TenantSpec {
            exports: &mut exports,
            new_sources: &[],
            limit: 10,
            keep_changed_values: true,
        };
        let error = spec
            .load(&Schema::system(), DateRule::iso(), CsvOptions::default())
            .unwrap_err();
        let message = format!("{error:#}");
        assert!(message.contains("cannot name a source"), "{message}");
    }
}
