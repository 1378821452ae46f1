//! The table formats of data pipelines (`--from parquet|ipc|ndjson`), read through polars by
//! `nebulk-columnar` when nebulk is built with its `polars` feature. Without it the kinds are
//! still known (told by content too), and an input of one is refused before anything is read,
//! saying how to build a nebulk that reads it.

use std::path::PathBuf;

use anyhow::{bail, Result};

use crate::format::{Format, OpenContext, Reading, Signature};
use crate::input_file::InputFile;
use crate::ReadOptions;

/// How the build command is given in messages.
pub(crate) const BUILD_WITH_POLARS: &str = "cargo build --release --features polars";

/// One of the polars-read kinds.
pub(crate) struct Columnar {
    /// The `--from` name.
    name: &'static str,
    /// The format in words ("Parquet").
    described: &'static str,
    signature: fn() -> Signature,
    #[cfg(feature = "polars")]
    open: fn(
        &std::path::Path,
    ) -> Result<nebulk_columnar::ColumnarSource, nebulk_columnar::ColumnarError>,
}

/// Apache Parquet (`PAR1` at both ends).
pub(crate) static PARQUET: Columnar = Columnar {
    name: "parquet",
    described: "Parquet",
    signature: || Signature::Magic(&[b"PAR1"]),
    #[cfg(feature = "polars")]
    open: nebulk_columnar::open_parquet,
};

/// The Arrow IPC file format (`ARROW1` at both ends; Feather v2).
pub(crate) static IPC: Columnar = Columnar {
    name: "ipc",
    described: "Arrow IPC",
    signature: || Signature::Magic(&[b"ARROW1"]),
    #[cfg(feature = "polars")]
    open: nebulk_columnar::open_ipc,
};

/// Newline-delimited JSON: one object per line.
pub(crate) static NDJSON: Columnar = Columnar {
    name: "ndjson",
    described: "NDJSON",
    signature: || Signature::JsonLines,
    #[cfg(feature = "polars")]
    open: nebulk_columnar::open_ndjson,
};

impl Format for Columnar {
    fn name(&self) -> &'static str {
        self.name
    }

    fn signature(&self) -> Signature {
        (self.signature)()
    }

    fn check(&self, files: &[PathBuf], _options: &ReadOptions) -> Result<()> {
        if !cfg!(feature = "polars") {
            bail!(
                "this nebulk was built without {} support; build it with `{BUILD_WITH_POLARS}`",
                self.described
            );
        }
        if files.len() > 1 {
            bail!(
                "a {} input is one file, and this names {} files (a folder is read as its files)",
                self.described,
                files.len()
            );
        }
        Ok(())
    }

    #[cfg(not(feature = "polars"))]
    fn open(&self, _files: Vec<InputFile>, _context: &OpenContext<'_>) -> Result<Reading> {
        bail!(
            "this nebulk was built without {} support; build it with `{BUILD_WITH_POLARS}`",
            self.described
        )
    }

    #[cfg(feature = "polars")]
    fn open(&self, files: Vec<InputFile>, context: &OpenContext<'_>) -> Result<Reading> {
        read::open(self, files, context)
    }
}

#[cfg(feature = "polars")]
mod read {
    //! Opening a columnar input: a file by its path, a stream copied to a temporary file
    //! first (the readers seek: Parquet and IPC start at the footer, NDJSON is read twice).

    use anyhow::{Context, Result};
    use nebulk_columnar::cells::NaiveTimes;
    use nebulk_columnar::ColumnarSource;
    use nebulk_read::{ReadError, Row, RowSource};
    use nebulk_sheet::DateTimes;

    use super::Columnar;
    use crate::format::{Content, OpenContext, Reading};
    use crate::input_file::InputFile;
    use crate::spool::{Spool, SpoolError};

    /// The most copied from a stream: far above any file of accounts.
    const MAX_STREAM_SPOOL: u64 = 64 << 30;

    pub(super) fn open(
        kind: &Columnar,
        files: Vec<InputFile>,
        context: &OpenContext<'_>,
    ) -> Result<Reading> {
        let naive = match context.date_times {
            DateTimes::Local => NaiveTimes::Local,
            DateTimes::Utc => NaiveTimes::Utc,
        };
        let source: Box<dyn RowSource> = match crate::input_file::one(files)? {
            InputFile::Path(path) => Box::new(
                (kind.open)(&path)
                    .with_context(|| path.display().to_string())?
                    .naive_times(naive),
            ),
            InputFile::Stream(mut stream) => {
                let spool =
                    Spool::copy(&mut stream.reader, MAX_STREAM_SPOOL).map_err(|e| match e {
                        SpoolError::TooLarge { .. } => {
                            anyhow::anyhow!("{}: it is {e}", stream.name)
                        }
                        other => anyhow::Error::new(other).context(stream.name.clone()),
                    })?;
                let source = (kind.open)(spool.path())
                    .with_context(|| stream.name.clone())?
                    .naive_times(naive);
                Box::new(Spooled {
                    source,
                    _spool: spool,
                })
            }
        };
        Ok(Reading::plain(Content::Table(source)))
    }

    /// A source read from a copy of a stream, which is removed when the source is dropped.
    struct Spooled {
        source: ColumnarSource,
        _spool: Spool,
    }

    impl RowSource for Spooled {
        fn header(&self) -> &[String] {
            self.source.header()
        }

        fn next_row(&mut self, row: &mut Row) -> Result<bool, ReadError> {
            self.source.next_row(row)
        }

        fn bytes_read(&self) -> u64 {
            self.source.bytes_read()
        }

        fn header_line(&self) -> u64 {
            self.source.header_line()
        }
    }
}
