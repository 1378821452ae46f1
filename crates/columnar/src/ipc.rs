//! Arrow IPC files ([`open_ipc`], the file format, `ARROW1`): read a record batch at a time.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use polars::prelude::*;
use polars_arrow::io::ipc::read::{read_file_metadata, FileReader};

use crate::guard::guard_polars;
use crate::source::{Batches, ColumnarSource};
use crate::ColumnarError;

/// Arrow IPC's magic bytes, at the start and the end of an IPC file.
pub const MAGIC: &[u8; 6] = b"ARROW1";

/// Opens an Arrow IPC file (as `IpcWriter` or pyarrow's `ipc.new_file` write it) for reading a
/// record batch at a time; a file without `ARROW1` at both ends (truncated), a footer polars
/// cannot read, or a column of a type nebulk does not read is an error saying which.
///
/// ```
/// use nebulk_columnar::open_ipc;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("cut.arrow");
/// std::fs::write(&path, b"ARROW1\0\0 and then nothing").unwrap();
/// let err = open_ipc(&path).err().unwrap();
/// assert!(err.to_string().contains("does not end with Arrow's ARROW1 marker"), "{err}");
/// ```
pub fn open_ipc(path: &Path) -> Result<ColumnarSource, ColumnarError> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    check_magic(&mut file, len)?;
    let mut reader = BufReader::new(file);
    let metadata = guard_polars("reading its footer", || read_file_metadata(&mut reader))?
        .map_err(|e| {
            ColumnarError::Invalid(format!(
                "its footer cannot be read ({e}): the file is truncated or its footer damaged"
            ))
        })?;
    let schema = Schema::from_arrow_schema(&metadata.schema);
    let blocks = metadata.blocks.len();
    let batches = IpcBatches {
        reader: FileReader::new(reader, metadata, None, None),
        len,
        blocks,
        read: 0,
    };
    ColumnarSource::new(&schema, Box::new(batches))
}

fn check_magic(file: &mut File, len: u64) -> Result<(), ColumnarError> {
    let mut head = [0; 6];
    let mut tail = [0; 6];
    if len < 12 {
        return Err(ColumnarError::Invalid(format!(
            "it is {len} bytes long, too short for an Arrow IPC file: it is truncated"
        )));
    }
    file.read_exact(&mut head)?;
    file.seek(SeekFrom::End(-6))?;
    file.read_exact(&mut tail)?;
    file.seek(SeekFrom::Start(0))?;
    if &head != MAGIC {
        return Err(ColumnarError::Invalid(
            "it does not start with Arrow's ARROW1 marker: it is not an Arrow IPC file".into(),
        ));
    }
    if &tail != MAGIC {
        return Err(ColumnarError::Invalid(
            "it does not end with Arrow's ARROW1 marker: the file is truncated".into(),
        ));
    }
    Ok(())
}

struct IpcBatches {
    reader: FileReader<BufReader<File>>,
    len: u64,
    blocks: usize,
    read: usize,
}

impl Batches for IpcBatches {
    fn next_batch(&mut self) -> Result<Option<DataFrame>, ColumnarError> {
        let what = format!("record batch {}", self.read);
        let reader = &mut self.reader;
        let Some(batch) = guard_polars(&what, || reader.next())? else {
            return Ok(None);
        };
        let batch = batch.map_err(|e| ColumnarError::polars(what.clone(), e))?;
        self.read += 1;
        Ok(Some(DataFrame::from(batch)))
    }

    fn bytes_read(&self) -> u64 {
        match self.blocks {
            0 => 0,
            blocks => (self.len as u128 * self.read as u128 / blocks as u128) as u64,
        }
    }
}
