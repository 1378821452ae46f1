//! Parquet files ([`open_parquet`]): the footer checked, then read a row group at a time, in
//! batches of at most [`BATCH_ROWS`] rows.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

use polars::io::parquet::read::FileMetadata;
use polars::prelude::*;

use crate::footer::{check_footer, FooterLimits};
use crate::guard::guard_polars;
use crate::source::{Batches, ColumnarSource, BATCH_ROWS};
use crate::ColumnarError;

/// Parquet's magic bytes, at the start and the end of every Parquet file.
pub const MAGIC: &[u8; 4] = b"PAR1";

/// Files up to this size are read a row group at a time into a buffer as long as the file
/// whose other bytes are never touched ([`ParquetBatches`]); a larger one is read through
/// polars' memory map of the whole file, whose pages are the system's file cache, which it
/// takes back when memory is short.
const MAX_BUFFERED_FILE: u64 = 2 << 30;

/// Opens a Parquet file for reading a batch at a time: refuses a file that is too short or
/// does not end with `PAR1` (truncated), a footer polars cannot read, one that declares more
/// than the file can hold ([`check_footer`]), and a column of a type nebulk does not read,
/// each naming what is wrong (row group, column); the caller names the file.
///
/// ```
/// use nebulk_columnar::open_parquet;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("cut.parquet");
/// std::fs::write(&path, b"PAR1 and then nothing").unwrap();
/// let err = open_parquet(&path).err().unwrap();
/// assert!(err.to_string().contains("does not end with Parquet's PAR1 marker"), "{err}");
/// ```
pub fn open_parquet(path: &Path) -> Result<ColumnarSource, ColumnarError> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    check_magic(&mut file, len)?;
    let metadata = guard_polars("reading its footer", || {
        ParquetReader::new(&mut file).get_metadata().cloned()
    })?
    .map_err(|e| {
        ColumnarError::Invalid(format!(
            "its footer cannot be read ({e}): the file is truncated or its footer damaged"
        ))
    })?;
    check_footer(&metadata, len, &FooterLimits::default())?;
    let arrow_schema = guard_polars("reading its schema", || {
        polars::io::parquet::read::infer_schema(&metadata)
    })?
    .map_err(|e| ColumnarError::polars("reading its schema", e))?;
    let schema = Schema::from_arrow_schema(&arrow_schema);
    let groups = metadata
        .row_groups
        .iter()
        .map(|group| group.num_rows())
        .collect();
    let batches = ParquetBatches {
        file,
        len,
        total_rows: metadata.num_rows,
        metadata: Arc::clone(&metadata),
        groups,
        group: 0,
        offset_in_group: 0,
        rows_before_group: 0,
        group_bytes: Vec::new(),
        group_metadata: Arc::clone(&metadata),
        loaded: None,
    };
    ColumnarSource::new(&schema, Box::new(batches))
}

/// Refuses a file too short for Parquet or without its magic bytes at both ends.
fn check_magic(file: &mut File, len: u64) -> Result<(), ColumnarError> {
    if len < 12 {
        return Err(ColumnarError::Invalid(format!(
            "it is {len} bytes long, too short for a Parquet file: it is truncated"
        )));
    }
    let mut head = [0; 4];
    let mut tail = [0; 4];
    file.read_exact(&mut head)?;
    file.seek(SeekFrom::End(-4))?;
    file.read_exact(&mut tail)?;
    file.seek(SeekFrom::Start(0))?;
    if &head != MAGIC {
        return Err(ColumnarError::Invalid(
            "it does not start with Parquet's PAR1 marker: it is not a Parquet file".into(),
        ));
    }
    if &tail != MAGIC {
        return Err(ColumnarError::Invalid(
            "it does not end with Parquet's PAR1 marker: the file is truncated or its footer \
             damaged"
                .into(),
        ));
    }
    Ok(())
}

/// The batches of a Parquet file: each row group in slices of at most [`BATCH_ROWS`] rows.
struct ParquetBatches {
    file: File,
    len: u64,
    total_rows: usize,
    metadata: Arc<FileMetadata>,
    /// Rows per row group.
    groups: Vec<usize>,
    /// The row group being read, and the rows of it already read.
    group: usize,
    offset_in_group: usize,
    /// Rows in the row groups before it.
    rows_before_group: usize,
    /// The file's bytes with only those of row group `loaded` read in
    /// ([`ParquetBatches::load_group`]).
    group_bytes: Vec<u8>,
    /// The footer with row group `loaded` alone.
    group_metadata: Arc<FileMetadata>,
    loaded: Option<usize>,
}

/// Rows `start..start + take` of the file `reader` reads, whose footer is `metadata`.
fn read_slice<R: polars::io::mmap::MmapBytesReader>(
    reader: R,
    metadata: Arc<FileMetadata>,
    start: usize,
    take: usize,
) -> PolarsResult<DataFrame> {
    let mut reader = ParquetReader::new(reader)
        .with_slice(Some((start, take)))
        .read_parallel(ParallelStrategy::Columns)
        .set_rechunk(false);
    reader.set_metadata(metadata);
    reader.finish()
}

impl ParquetBatches {
    /// Readies the row group being read, once per row group: its footer alone
    /// ([`ParquetBatches::group_metadata`]: the file's, with this row group only) and, for a
    /// file up to [`MAX_BUFFERED_FILE`], its bytes in [`ParquetBatches::group_bytes`] at their
    /// offsets in the file. polars reads a file through a memory map of all of it, and every
    /// page it touches counts as the process's memory: a buffer as long as the file whose
    /// other pages are never touched (allocated zeroed, so the system gives them no memory)
    /// holds only the row group.
    fn load_group(&mut self) -> Result<(), ColumnarError> {
        if self.loaded == Some(self.group) {
            return Ok(());
        }
        let Some(group) = self.metadata.row_groups.get(self.group) else {
            return Ok(());
        };
        let mut alone = (*self.metadata).clone();
        alone.row_groups = vec![group.clone()];
        alone.num_rows = group.num_rows();
        self.group_metadata = Arc::new(alone);
        self.loaded = Some(self.group);
        if self.len > MAX_BUFFERED_FILE {
            return Ok(());
        }
        let range = group.full_byte_range();
        let (start, end) = (range.start as usize, range.end as usize);
        self.group_bytes = Vec::new();
        let mut bytes = vec![0u8; self.len as usize];
        let Some(target) = bytes.get_mut(start..end) else {
            return Err(ColumnarError::Invalid(format!(
                "row group {}: its bytes {start} to {end} are not inside the file: the footer \
                 is damaged",
                self.group
            )));
        };
        self.file.seek(SeekFrom::Start(range.start))?;
        self.file.read_exact(target)?;
        self.group_bytes = bytes;
        Ok(())
    }
}

impl Batches for ParquetBatches {
    fn next_batch(&mut self) -> Result<Option<DataFrame>, ColumnarError> {
        let Some(&rows) = self.groups.get(self.group) else {
            return Ok(None);
        };
        if self.offset_in_group >= rows {
            self.group += 1;
            self.rows_before_group += rows;
            self.offset_in_group = 0;
            return self.next_batch();
        }
        let take = (rows - self.offset_in_group).min(BATCH_ROWS);
        let first = self.rows_before_group + self.offset_in_group;
        let what = format!(
            "row group {} (rows {} to {})",
            self.group,
            first + 1,
            first + take
        );
        self.load_group()?;
        // polars is shown the row group alone: it touches no byte of the others.
        let metadata = Arc::clone(&self.group_metadata);
        let start = self.offset_in_group;
        let batch = if self.len <= MAX_BUFFERED_FILE {
            let bytes = std::io::Cursor::new(self.group_bytes.as_slice());
            guard_polars(&what, move || read_slice(bytes, metadata, start, take))
        } else {
            let file = &mut self.file;
            guard_polars(&what, move || read_slice(file, metadata, start, take))
        }?
        .map_err(|e| ColumnarError::polars(what.clone(), e))?;
        if batch.height() != take {
            return Err(ColumnarError::Invalid(format!(
                "{what}: {} rows read where the footer declares {take}: the file is damaged",
                batch.height()
            )));
        }
        self.offset_in_group += take;
        Ok(Some(batch))
    }

    fn bytes_read(&self) -> u64 {
        let done = self.rows_before_group + self.offset_in_group;
        match self.total_rows {
            0 => 0,
            total => (self.len as u128 * done as u128 / total as u128) as u64,
        }
    }
}
