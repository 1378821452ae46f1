//! The tenant's sources from the flags: `--existing NAME=FILE`, `--existing FILE` (named by its
//! stem) or `--existing FOLDER` (each export in it), then `--new-source NAME`, in that order,
//! each export read into the [`Tenant`].

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use nebulk_read::CsvOptions;
use nebulk_schema::Schema;
use nebulk_validate::rules::DateRule;
use nebulk_validate::Tenant;

/// One `--existing` source: its name and its export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSpec {
    pub name: String,
    pub path: PathBuf,
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
        specs.push(ExportSpec { name, path });
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
        .map(|path| {
            Ok(ExportSpec {
                name: stem(&path)?,
                path,
            })
        })
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

/// What the tenant is made of: its exports, its new sources, the per-source limit.
pub struct TenantSpec<'a> {
    pub exports: &'a [ExportSpec],
    pub new_sources: &'a [String],
    pub limit: u64,
}

impl TenantSpec<'_> {
    /// Reads the exports into a tenant of sources for rows of `schema`; without any source,
    /// one named `source`. Dates in the exports are read with `dates`.
    pub fn load(&self, schema: &Schema, dates: DateRule, options: CsvOptions) -> Result<Tenant> {
        let mut tenant = Tenant::new(schema, self.limit).read_dates_with(dates);
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
        for spec in self.exports {
            let name = spec.path.display().to_string();
            // A name given twice is one source with two exports (its export and an upload made
            // since, say).
            let source = match tenant.source_named(&spec.name) {
                Some(source) => source,
                None => tenant
                    .add_source(&spec.name, None)
                    .with_context(|| format!("--existing {name}"))?,
            };
            tenant.add_export_name(source, &name);
            let export = nebulk_formats::open_export(&spec.path, options)?;
            tenant
                .load_export(source, export)
                .with_context(|| name.clone())?;
        }
        for name in self.new_sources {
            tenant
                .add_source(name, None)
                .with_context(|| format!("--new-source {name}"))?;
        }
        if tenant.sources().is_empty() {
            tenant.add_source("source", None)?;
        }
        Ok(tenant)
    }
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
}
