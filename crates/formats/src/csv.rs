//! CSV: delimited text, one file, several files with one header, or a stream.

use std::io;
use std::path::Path;

use anyhow::{bail, Context, Result};
use nebulk_read::{CsvFileSource, CsvFiles, CsvOptions};

use crate::format::{Content, Details, Format, OpenContext, Reading, Signature};
use crate::input_file::{is_stdin, InputFile, STDIN};

/// Delimited text (`--from csv`): the kind of any text that is not XML or JSON.
pub(crate) struct Csv;

impl Format for Csv {
    fn name(&self) -> &'static str {
        "csv"
    }

    fn signature(&self) -> Signature {
        Signature::Text
    }

    fn open(&self, files: Vec<InputFile>, context: &OpenContext<'_>) -> Result<Reading> {
        let options = context.options.csv_options();
        let (source, delimiter, encoding): (Box<dyn nebulk_read::RowSource>, _, _) =
            if files.len() > 1 {
                let paths = files
                    .into_iter()
                    .map(into_path)
                    .collect::<Result<Vec<_>>>()?;
                let source = CsvFiles::open(paths, options)?;
                let (delimiter, encoding) = (source.delimiter(), source.encoding());
                (Box::new(source), delimiter, encoding)
            } else {
                let source = match crate::input_file::one(files)? {
                    InputFile::Path(path) => open_csv(&path, options)?,
                    InputFile::Stream(stream) => {
                        CsvFileSource::from_reader(stream.reader, options).context(stream.name)?
                    }
                };
                let (delimiter, encoding) = (source.delimiter(), source.encoding());
                (Box::new(source), delimiter, encoding)
            };
        Ok(Reading {
            details: Details {
                delimiter: Some(delimiter),
                encoding,
                sheet: None,
            },
            ..Reading::plain(Content::Table(source))
        })
    }
}

/// The path of a regular file; a stream cannot be one of several CSV files.
fn into_path(file: InputFile) -> Result<std::path::PathBuf> {
    match file {
        InputFile::Path(path) => Ok(path),
        InputFile::Stream(stream) => bail!(
            "{}: is a pipe or FIFO, which can be read only once, and several CSV files are \
             each opened twice (their headers are all checked before any row is read): save \
             it to a file, or give it alone",
            stream.name
        ),
    }
}

/// Opens a CSV file, or standard input for `-`. A file in another encoding than UTF-8 (a UTF-16
/// byte order mark, or `options.encoding`) is decoded to UTF-8 as it is read. Errors name the
/// file.
///
/// ```
/// use nebulk_read::{CsvOptions, RowSource};
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("export.csv");
/// std::fs::write(&path, "accountName;email\nann;ann@example.com\n").unwrap();
/// let source = nebulk_formats::open_csv(&path, CsvOptions::default()).unwrap();
/// assert_eq!(source.header(), ["accountName", "email"]);
/// ```
pub fn open_csv(path: &Path, options: CsvOptions) -> Result<CsvFileSource> {
    if !is_stdin(path) {
        if path.is_dir() {
            bail!("{}: is a folder, not a file", path.display());
        }
        return CsvFileSource::open(path, options).with_context(|| path.display().to_string());
    }
    CsvFileSource::from_reader(Box::new(io::stdin()), options).context(STDIN)
}
