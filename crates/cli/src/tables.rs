//! `convert --format parquet|ipc`: the choice of format, and (with the `polars` feature) the
//! re-encoding of the run's CSV files as typed tables by `nebulk-columnar` when they are
//! complete. Without the feature, asking for a table format is refused before any row is read.

use anyhow::Result;

/// The formats of `convert`'s data files (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum TableFormat {
    /// CSV, as ever.
    #[default]
    Csv,
    /// Apache Parquet, typed (needs the `polars` feature).
    Parquet,
    /// The Arrow IPC file format, typed (needs the `polars` feature).
    Ipc,
}

impl TableFormat {
    /// The extension of the typed files, `None` for CSV.
    pub fn extension(self) -> Option<&'static str> {
        match self {
            TableFormat::Csv => None,
            TableFormat::Parquet => Some("parquet"),
            TableFormat::Ipc => Some("arrow"),
        }
    }

    /// Refuses a table format this nebulk cannot write (built without the `polars` feature),
    /// before anything is read.
    pub fn check(self) -> Result<()> {
        if self != TableFormat::Csv && !cfg!(feature = "polars") {
            anyhow::bail!(
                "--format {}: this nebulk was built without Parquet support; build it with \
                 `cargo build --release --features polars`",
                if self == TableFormat::Parquet {
                    "parquet"
                } else {
                    "ipc"
                }
            );
        }
        Ok(())
    }
}

/// Re-encodes a complete CSV output named `name` (held in `csv`) as a typed table beside it in
/// `dir`, when it is one of the re-encoded files: the upload files also, the others instead.
#[cfg(feature = "polars")]
pub fn convert(
    format: TableFormat,
    dir: &std::path::Path,
    date_columns: &[String],
    name: &str,
    csv: &std::path::Path,
) -> std::io::Result<nebulk_emit::Conversion> {
    use nebulk_columnar::{encode_csv, OutputFormat, OutputTable};
    use nebulk_emit::{AtomicFile, Conversion};
    let out_format = match format {
        TableFormat::Csv => return Ok(Conversion::Keep),
        TableFormat::Parquet => OutputFormat::Parquet,
        TableFormat::Ipc => OutputFormat::Ipc,
    };
    let Some(table) = OutputTable::of_file(name, date_columns) else {
        return Ok(Conversion::Keep);
    };
    let stem = name.strip_suffix(".csv").unwrap_or(name);
    let target = dir.join(format!("{stem}.{}", out_format.extension()));
    let mut file = AtomicFile::create(&target)?;
    let reader = std::io::BufReader::new(std::fs::File::open(csv)?);
    encode_csv(
        reader,
        out_format,
        &|column| table.column_type(column),
        &mut file,
    )
    .map_err(|e| std::io::Error::other(format!("{}: {e}", target.display())))?;
    Ok(match table {
        OutputTable::Accounts { .. } if stem.starts_with("upload") => Conversion::Also(file),
        _ => Conversion::Instead(file),
    })
}
