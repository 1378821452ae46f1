//! Newline-delimited JSON ([`open_ndjson`]): one object per line, read a chunk of lines at a
//! time through polars' NDJSON parser, under one schema inferred from the whole file first.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use polars::prelude::*;

use crate::guard::guard_polars;
use crate::source::{Batches, ColumnarSource, BATCH_ROWS};
use crate::ColumnarError;

/// The longest line read: a longer one is an error, never a buffer that grows without end.
pub const MAX_LINE_BYTES: u64 = 64 << 20;

/// A chunk of lines is parsed once it holds this many bytes (or [`BATCH_ROWS`] lines).
const CHUNK_BYTES: usize = 8 << 20;

/// Opens an NDJSON file: reads it once to infer its schema (polars' inference: a field's type
/// is the supertype of its values in every line, so that every chunk parses under it), then
/// hands out its objects a chunk of lines at a time. Blank lines are skipped and not counted:
/// a row's number is its object's. A line that is not a JSON object is an error naming the
/// rows of its chunk.
///
/// ```
/// use nebulk_columnar::open_ndjson;
/// use nebulk_read::RowSource;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("people.ndjson");
/// std::fs::write(&path, "{\"login\": \"ann\", \"address\": {\"city\": \"Austin\"}}\n\n{\"login\": \"bob\", \"phone\": 5125550100}\n").unwrap();
/// let mut source = open_ndjson(&path).unwrap();
/// assert_eq!(source.header(), ["login", "address.city", "phone"]);
/// let rows = source.read_chunk(10, 1 << 20).unwrap();
/// assert_eq!((rows[1].line, &rows[1].record[2]), (2, &b"5125550100"[..]));
/// ```
pub fn open_ndjson(path: &Path) -> Result<ColumnarSource, ColumnarError> {
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    let mut lines = BufReader::new(File::open(path)?);
    let schema = guard_polars("inferring its columns", || {
        polars::io::ndjson::infer_schema(&mut lines, None)
    })?
    .map_err(|e| ColumnarError::Invalid(format!("it is not JSON lines: {e}")))?;
    let batches = NdjsonBatches {
        reader: BufReader::new(file),
        schema: schema.clone(),
        len,
        read: 0,
        rows: 0,
        chunk: Vec::new(),
    };
    ColumnarSource::new(&schema, Box::new(batches))
}

struct NdjsonBatches {
    reader: BufReader<File>,
    schema: Schema,
    len: u64,
    /// Bytes read so far, and objects.
    read: u64,
    rows: u64,
    chunk: Vec<u8>,
}

impl NdjsonBatches {
    /// Reads whole lines into `chunk` up to [`CHUNK_BYTES`] or [`BATCH_ROWS`] objects; how
    /// many objects it holds.
    fn fill_chunk(&mut self) -> Result<usize, ColumnarError> {
        self.chunk.clear();
        let mut objects = 0;
        while objects < BATCH_ROWS && self.chunk.len() < CHUNK_BYTES {
            let start = self.chunk.len();
            let got = (&mut self.reader)
                .take(MAX_LINE_BYTES + 1)
                .read_until(b'\n', &mut self.chunk)?;
            if got == 0 {
                break;
            }
            self.read += got as u64;
            let line = self.chunk.get(start..).unwrap_or_default();
            if got as u64 > MAX_LINE_BYTES && !line.ends_with(b"\n") {
                return Err(ColumnarError::Invalid(format!(
                    "row {}: its line is longer than {MAX_LINE_BYTES} bytes",
                    self.rows + objects as u64 + 1
                )));
            }
            if polars::io::ndjson::core::is_json_line(line.strip_suffix(b"\n").unwrap_or(line)) {
                objects += 1;
            }
            if !line.ends_with(b"\n") {
                // The last line, without its line end: give it one, for the parser.
                self.chunk.push(b'\n');
            }
        }
        Ok(objects)
    }
}

impl Batches for NdjsonBatches {
    fn next_batch(&mut self) -> Result<Option<DataFrame>, ColumnarError> {
        let objects = self.fill_chunk()?;
        if objects == 0 {
            return Ok(None);
        }
        let what = format!("rows {} to {}", self.rows + 1, self.rows + objects as u64);
        let (chunk, schema) = (&self.chunk, &self.schema);
        let batch = guard_polars(&what, || {
            polars::io::ndjson::core::parse_ndjson(chunk, Some(objects), schema, false)
        })?
        .map_err(|e| ColumnarError::polars(what.clone(), e))?;
        if batch.height() != objects {
            return Err(ColumnarError::Invalid(format!(
                "{what}: {} objects parsed from {objects} lines",
                batch.height()
            )));
        }
        self.rows += objects as u64;
        Ok(Some(batch))
    }

    fn bytes_read(&self) -> u64 {
        self.read.min(self.len)
    }
}
