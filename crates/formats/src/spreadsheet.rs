//! Spreadsheets (xlsx, xlsm, xlsb, xls, ods): one file, or a stream copied to a temporary file
//! first ([`Spool`]), since a workbook is read through its directory.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use nebulk_sheet::{DateTimes, SpreadsheetSource};

use crate::format::{Content, Details, Format, OpenContext, Reading, Signature};
use crate::input_file::{InputFile, Stream};
use crate::spool::{Spool, SpoolError, MAX_SPREADSHEET_SPOOL};
use crate::ReadOptions;

/// A spreadsheet (`--from excel`): a zip (xlsx, xlsm, xlsb, ods) or OLE (xls) file.
pub(crate) struct Spreadsheet;

impl Format for Spreadsheet {
    fn name(&self) -> &'static str {
        "excel"
    }

    fn signature(&self) -> Signature {
        Signature::Magic(&[b"PK\x03\x04", b"\xD0\xCF\x11\xE0"])
    }

    fn check(&self, files: &[PathBuf], _options: &ReadOptions) -> Result<()> {
        if files.len() > 1 {
            bail!(
                "a spreadsheet input is one file (one sheet, --sheet), and this names {} files \
                 (a folder is read as its files)",
                files.len()
            );
        }
        Ok(())
    }

    fn open(&self, files: Vec<InputFile>, context: &OpenContext<'_>) -> Result<Reading> {
        let schema = context.schema;
        let known = |cell: &str| schema.find(cell).is_some();
        let sheet = context.options.sheet.as_deref();
        let source = match crate::input_file::one(files)? {
            InputFile::Path(path) => {
                SpreadsheetSource::open_with(&path, sheet, &known, context.date_times)
                    .with_context(|| path.display().to_string())?
            }
            InputFile::Stream(stream) => open_stream(
                stream,
                sheet,
                &known,
                context.date_times,
                MAX_SPREADSHEET_SPOOL,
            )?,
        };
        Ok(Reading {
            details: Details {
                sheet: Some(source.sheet_name().to_string()),
                ..Details::default()
            },
            ..Reading::plain(Content::Table(Box::new(source)))
        })
    }
}

/// Reads a spreadsheet from a stream: the spreadsheet reader needs a file it can seek in, so
/// the stream is first copied to a temporary file ([`Spool`], at most `limit` bytes:
/// [`MAX_SPREADSHEET_SPOOL`]), removed once the sheet is read into memory, or on error.
fn open_stream(
    mut stream: Stream,
    sheet: Option<&str>,
    known: &dyn Fn(&str) -> bool,
    date_times: DateTimes,
    limit: u64,
) -> Result<SpreadsheetSource> {
    let spool = Spool::copy(&mut stream.reader, limit).map_err(|e| match e {
        SpoolError::TooLarge { .. } => anyhow::anyhow!(
            "{}: a spreadsheet from a pipe is {e}; no workbook nebulk reads is that large (its \
             parts would unzip past 2 GiB): save the sheet as CSV, which is read as a stream",
            stream.name
        ),
        other => anyhow::Error::new(other).context(stream.name.clone()),
    })?;
    let source = SpreadsheetSource::open_with(spool.path(), sheet, known, date_times)
        .with_context(|| stream.name.clone())?;
    drop(spool);
    Ok(source)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input_file::STDIN;

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
        let err = open_stream(stdin_of(workbook), None, &|_| false, DateTimes::Utc, limit)
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
        let source = open_stream(
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
