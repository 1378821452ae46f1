//! Typed tables out: [`TypedWriter`] writes rows of text as a Parquet or Arrow IPC table whose
//! columns have types ([`ColumnType`]), a batch at a time; [`encode_csv`] re-encodes one of
//! nebulk's CSV outputs, with the types [`OutputTable`] gives its columns.

use std::io::{Read, Write};

use polars::prelude::*;

use crate::ColumnarError;

/// Rows gathered before they are written as one batch (a Parquet row group, an IPC record
/// batch): memory holds one batch.
const WRITE_BATCH_ROWS: usize = 64 * 1024;

/// The table formats written (`convert --format`).
///
/// ```
/// use nebulk_columnar::OutputFormat;
/// assert_eq!(OutputFormat::Parquet.extension(), "parquet");
/// assert_eq!(OutputFormat::Ipc.extension(), "arrow");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Apache Parquet (zstd-compressed).
    Parquet,
    /// The Arrow IPC file format (Feather v2).
    Ipc,
}

impl OutputFormat {
    /// The file extension of the format: `parquet`, `arrow`.
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Parquet => "parquet",
            OutputFormat::Ipc => "arrow",
        }
    }
}

/// The type of a column written from text.
///
/// ```
/// use nebulk_columnar::ColumnType;
/// assert_eq!(ColumnType::List(';').dtype(), nebulk_columnar::polars::prelude::DataType::List(Box::new(nebulk_columnar::polars::prelude::DataType::String)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Text as it is.
    Text,
    /// A whole number (64 bits); an empty value is null.
    Integer,
    /// An RFC 3339 date-time, stored as a UTC date-time in microseconds; empty is null.
    DateTime,
    /// Text items separated by this character, as a list of strings; empty is an empty list.
    List(char),
}

impl ColumnType {
    /// The polars type of such a column.
    pub fn dtype(self) -> DataType {
        match self {
            ColumnType::Text => DataType::String,
            ColumnType::Integer => DataType::Int64,
            ColumnType::DateTime => {
                DataType::Datetime(TimeUnit::Microseconds, Some(polars::prelude::TimeZone::UTC))
            }
            ColumnType::List(_) => DataType::List(Box::new(DataType::String)),
        }
    }
}

/// The typed forms of nebulk's CSV outputs (`convert --format parquet|ipc`).
///
/// ```
/// use nebulk_columnar::{ColumnType, OutputTable};
/// let dates = vec!["Start Date".to_string()];
/// let upload = OutputTable::of_file("upload-contractors.csv", &dates).unwrap();
/// assert_eq!(upload.column_type("Start Date"), ColumnType::DateTime);
/// assert_eq!(upload.column_type("Email"), ColumnType::Text);
/// let rejects = OutputTable::of_file("rejects.csv", &dates).unwrap();
/// assert_eq!(rejects.column_type("codes"), ColumnType::List(';'));
/// assert_eq!(rejects.column_type("Start Date"), ColumnType::Text, "as the row had it");
/// assert_eq!(OutputTable::of_file("changes.csv", &dates), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputTable {
    /// `upload.csv`, `upload-NAME.csv`, `overflow.csv`, `unchanged.csv`: valid rows, whose
    /// date columns (named) are date-times in UTC.
    Accounts {
        /// The headers of the schema's DATE attributes.
        date_columns: Vec<String>,
    },
    /// `rejects.csv`: `line` an integer, `codes` a list; the rows' values as they were.
    Rejects,
    /// `findings.csv`: `line` and `column` integers.
    Findings,
}

impl OutputTable {
    /// The table a CSV output of this file name is, if it is one re-encoded; `date_columns`
    /// are the headers of the schema's DATE attributes.
    pub fn of_file(name: &str, date_columns: &[String]) -> Option<OutputTable> {
        let accounts = name == "upload.csv"
            || (name.starts_with("upload-") && name.ends_with(".csv"))
            || name == "overflow.csv"
            || name == "unchanged.csv";
        match name {
            _ if accounts => Some(OutputTable::Accounts {
                date_columns: date_columns.to_vec(),
            }),
            "rejects.csv" => Some(OutputTable::Rejects),
            "findings.csv" => Some(OutputTable::Findings),
            _ => None,
        }
    }

    /// The type of the column headed `name`.
    pub fn column_type(&self, name: &str) -> ColumnType {
        match (self, name) {
            (OutputTable::Accounts { date_columns }, name)
                if date_columns.iter().any(|d| d == name) =>
            {
                ColumnType::DateTime
            }
            (OutputTable::Rejects, "line") => ColumnType::Integer,
            (OutputTable::Rejects, "codes") => ColumnType::List(';'),
            (OutputTable::Findings, "line" | "column") => ColumnType::Integer,
            _ => ColumnType::Text,
        }
    }
}

enum Writer<W: Write> {
    Parquet(Box<polars::io::parquet::write::BatchedWriter<W>>),
    Ipc(Box<polars::io::ipc::BatchedWriter<W>>),
}

/// Writes rows of text as a typed table, 65,536 rows at a time (a Parquet row group, an IPC
/// record batch).
///
/// ```
/// use nebulk_columnar::{ColumnType, OutputFormat, TypedWriter};
/// use nebulk_columnar::polars::prelude::*;
/// let mut bytes = Vec::new();
/// let columns = [("line", ColumnType::Integer), ("codes", ColumnType::List(';')), ("when", ColumnType::DateTime)];
/// let mut writer = TypedWriter::new(&mut bytes, OutputFormat::Parquet, &columns).unwrap();
/// writer.push_row(&["7", "missing-value;invalid-email", "2026-03-24T00:00:00-05:00"]).unwrap();
/// writer.push_row(&["9", "", ""]).unwrap();
/// writer.finish().unwrap();
/// let df = ParquetReader::new(std::io::Cursor::new(bytes)).finish().unwrap();
/// assert_eq!(df.column("line").unwrap().i64().unwrap().get(0), Some(7));
/// assert_eq!(df.column("codes").unwrap().list().unwrap().get_as_series(0).unwrap().len(), 2);
/// assert_eq!(df.column("when").unwrap().datetime().unwrap().physical().get(0), Some(1_774_328_400_000_000));
/// assert_eq!(df.column("when").unwrap().null_count(), 1);
/// ```
pub struct TypedWriter<W: Write> {
    writer: Writer<W>,
    columns: Vec<(String, ColumnType)>,
    /// The values of the batch being gathered, column by column.
    values: Vec<Vec<String>>,
}

impl<W: Write> TypedWriter<W> {
    /// Starts a table of `columns` (name and type) in `format`, written to `out`.
    pub fn new<S: AsRef<str>>(
        out: W,
        format: OutputFormat,
        columns: &[(S, ColumnType)],
    ) -> Result<TypedWriter<W>, ColumnarError> {
        let columns: Vec<(String, ColumnType)> = columns
            .iter()
            .map(|(name, kind)| (name.as_ref().to_string(), *kind))
            .collect();
        let schema: Schema = columns
            .iter()
            .map(|(name, kind)| Field::new(name.as_str().into(), kind.dtype()))
            .collect();
        let writer = match format {
            OutputFormat::Parquet => Writer::Parquet(Box::new(
                ParquetWriter::new(out)
                    .with_compression(ParquetCompression::Zstd(None))
                    .batched(&schema)
                    .map_err(|e| ColumnarError::polars("starting the Parquet file", e))?,
            )),
            OutputFormat::Ipc => {
                let arrow = schema.to_arrow(CompatLevel::newest());
                let fields = polars_arrow::io::ipc::write::default_ipc_fields(arrow.iter_values());
                Writer::Ipc(Box::new(
                    IpcWriter::new(out)
                        .batched(&schema, fields)
                        .map_err(|e| ColumnarError::polars("starting the IPC file", e))?,
                ))
            }
        };
        Ok(TypedWriter {
            writer,
            values: vec![Vec::new(); columns.len()],
            columns,
        })
    }

    /// Adds a row: one text per column (missing ones are empty, extra ones an error).
    pub fn push_row<S: AsRef<str>>(&mut self, row: &[S]) -> Result<(), ColumnarError> {
        if row.len() > self.columns.len() {
            return Err(ColumnarError::Invalid(format!(
                "a row of {} values for {} columns",
                row.len(),
                self.columns.len()
            )));
        }
        for (i, column) in self.values.iter_mut().enumerate() {
            column.push(
                row.get(i)
                    .map(|v| v.as_ref().to_string())
                    .unwrap_or_default(),
            );
        }
        if self.values.first().map_or(0, Vec::len) >= WRITE_BATCH_ROWS {
            self.flush_batch()?;
        }
        Ok(())
    }

    /// Writes the rows gathered, then the file's end.
    pub fn finish(mut self) -> Result<(), ColumnarError> {
        self.flush_batch()?;
        match &mut self.writer {
            Writer::Parquet(writer) => writer.finish().map(drop),
            Writer::Ipc(writer) => writer.finish(),
        }
        .map_err(|e| ColumnarError::polars("ending the file", e))
    }

    fn flush_batch(&mut self) -> Result<(), ColumnarError> {
        let height = self.values.first().map_or(0, Vec::len);
        if height == 0 {
            return Ok(());
        }
        let columns = self
            .columns
            .iter()
            .zip(&mut self.values)
            .map(|((name, kind), values)| {
                let series = typed_series(name, *kind, values)?;
                values.clear();
                Ok(series.into_column())
            })
            .collect::<Result<Vec<Column>, ColumnarError>>()?;
        let batch = DataFrame::new(height, columns)
            .map_err(|e| ColumnarError::polars("building a batch", e))?;
        match &mut self.writer {
            Writer::Parquet(writer) => writer.write_batch(&batch),
            Writer::Ipc(writer) => writer.write_batch(&batch),
        }
        .map_err(|e| ColumnarError::polars("writing a batch", e))
    }
}

/// The column `name` of type `kind` from its texts; a text that is not of the type is an
/// error naming the column and the value.
fn typed_series(name: &str, kind: ColumnType, values: &[String]) -> Result<Series, ColumnarError> {
    let bad = |value: &str, what: &str| {
        ColumnarError::Invalid(format!("column `{name}`: `{value}` is not {what}"))
    };
    let name: PlSmallStr = name.into();
    Ok(match kind {
        ColumnType::Text => Series::new(name, values),
        ColumnType::Integer => {
            let numbers = values
                .iter()
                .map(|v| match v.trim() {
                    "" => Ok(None),
                    v => v
                        .parse::<i64>()
                        .map(Some)
                        .map_err(|_| bad(v, "a whole number")),
                })
                .collect::<Result<Vec<Option<i64>>, _>>()?;
            Series::new(name, numbers)
        }
        ColumnType::DateTime => {
            let micros = values
                .iter()
                .map(|v| match v.trim() {
                    "" => Ok(None),
                    v => chrono::DateTime::parse_from_rfc3339(v)
                        .map(|at| Some(at.timestamp_micros()))
                        .map_err(|_| bad(v, "an RFC 3339 date-time")),
                })
                .collect::<Result<Vec<Option<i64>>, _>>()?;
            Int64Chunked::from_iter_options(name, micros.into_iter())
                .into_datetime(TimeUnit::Microseconds, Some(polars::prelude::TimeZone::UTC))
                .into_series()
        }
        ColumnType::List(separator) => {
            let lists: Vec<Series> = values
                .iter()
                .map(|v| {
                    let items: Vec<&str> = if v.is_empty() {
                        Vec::new()
                    } else {
                        v.split(separator).collect()
                    };
                    Series::new(PlSmallStr::EMPTY, items)
                })
                .collect();
            let mut list = ListChunked::from_iter(lists.into_iter().map(Some));
            list.rename(name);
            list.cast(&DataType::List(Box::new(DataType::String)))
                .map_err(|e| ColumnarError::polars("building a list", e))?
        }
    })
}

/// Re-encodes a CSV file (one of nebulk's outputs: a header, then rows) as a typed table in
/// `format` written to `out`, each column typed as `column_type` says of its header. Read and
/// written a batch at a time. Text that is not UTF-8 (a rejected row's original bytes) is
/// written with U+FFFD in place of the bytes that are not; a row with more fields than the
/// header (a rejected `malformed-row`) has its extra values joined onto the last column with
/// `,`.
///
/// ```
/// use nebulk_columnar::{encode_csv, OutputFormat, OutputTable};
/// use nebulk_columnar::polars::prelude::*;
/// let csv = "file,line,column,field,code,severity,value,message\n,7,3,lastName,missing-value,error,,required\n";
/// let mut bytes = Vec::new();
/// encode_csv(csv.as_bytes(), OutputFormat::Ipc, &|name| OutputTable::Findings.column_type(name), &mut bytes).unwrap();
/// let df = IpcReader::new(std::io::Cursor::new(bytes)).finish().unwrap();
/// assert_eq!(df.column("line").unwrap().dtype(), &DataType::Int64);
/// assert_eq!(df.column("code").unwrap().str().unwrap().get(0), Some("missing-value"));
/// ```
pub fn encode_csv<R: Read, W: Write>(
    csv: R,
    format: OutputFormat,
    column_type: &dyn Fn(&str) -> ColumnType,
    out: W,
) -> Result<(), ColumnarError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(csv);
    let csv_error = |e: csv::Error| ColumnarError::Invalid(format!("reading the CSV: {e}"));
    let header: Vec<String> = reader
        .byte_headers()
        .map_err(csv_error)?
        .iter()
        .map(|cell| String::from_utf8_lossy(cell).into_owned())
        .collect();
    let columns: Vec<(String, ColumnType)> = header
        .iter()
        .map(|name| (name.clone(), column_type(name)))
        .collect();
    let mut writer = TypedWriter::new(out, format, &columns)?;
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record).map_err(csv_error)? {
        let mut row: Vec<String> = record
            .iter()
            .map(|cell| String::from_utf8_lossy(cell).into_owned())
            .collect();
        if row.len() > columns.len() && !columns.is_empty() {
            // A rejected row with more fields than its header (`malformed-row`): the extra
            // values stay, joined onto the last column.
            let extra = row.split_off(columns.len() - 1).join(",");
            row.push(extra);
        }
        writer.push_row(&row)?;
    }
    writer.finish()
}
