//! The checks of a Parquet footer before any row group is read ([`check_footer`]): what it
//! declares must be possible for a file of its size, so that a tiny file declaring billions
//! of rows, or a column chunk that would unpack to terabytes (a huge dictionary, a huge row
//! group), is refused with an error naming the row group and column instead of being
//! allocated.

use polars::io::parquet::read::FileMetadata;

use crate::ColumnarError;

/// The caps [`check_footer`] holds a footer to.
///
/// ```
/// let limits = nebulk_columnar::FooterLimits::default();
/// assert_eq!(limits.rows_per_byte, 64);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FooterLimits {
    /// The most rows a file may declare per byte of its size (plus [`FooterLimits::rows_slack`]).
    /// A row of accounts takes bytes however well it compresses (at least its account name,
    /// which differs from row to row), so 64 rows a byte is far above any real file.
    pub rows_per_byte: u64,
    /// Rows allowed beyond `rows_per_byte` times the size, for tiny files.
    pub rows_slack: u64,
    /// The most a column chunk may unpack to, per byte it takes in the file (plus
    /// [`FooterLimits::bytes_slack`]): a compression ratio no table of text reaches.
    pub expansion: u64,
    /// Uncompressed bytes allowed beyond `expansion` times the compressed size.
    pub bytes_slack: u64,
    /// The most one column chunk may unpack to, whatever its compressed size.
    pub column_chunk_bytes: u64,
}

impl Default for FooterLimits {
    fn default() -> FooterLimits {
        FooterLimits {
            rows_per_byte: 64,
            rows_slack: 1 << 16,
            expansion: 1000,
            bytes_slack: 1 << 20,
            column_chunk_bytes: 1 << 30,
        }
    }
}

/// Checks what the footer `metadata` of a Parquet file of `file_len` bytes declares: the
/// rows (the file's and its row groups', which must agree, within
/// [`FooterLimits::rows_per_byte`] of the size), and each column chunk (its bytes inside the
/// file, its uncompressed size within [`FooterLimits::expansion`] of its compressed size and
/// [`FooterLimits::column_chunk_bytes`]). Errors name the row group (0-based, as Parquet tools
/// count them) and the column.
///
/// ```
/// use nebulk_columnar::polars::prelude::*;
/// use nebulk_columnar::{check_footer, FooterLimits};
/// let mut df = df!("accountName" => ["ann", "bob"]).unwrap();
/// let mut bytes = Vec::new();
/// ParquetWriter::new(&mut bytes).finish(&mut df).unwrap();
/// let len = bytes.len() as u64;
/// let mut reader = ParquetReader::new(std::io::Cursor::new(bytes));
/// let metadata = reader.get_metadata().unwrap().clone();
/// assert!(check_footer(&metadata, len, &FooterLimits::default()).is_ok());
/// let strict = FooterLimits { rows_per_byte: 0, rows_slack: 1, ..FooterLimits::default() };
/// let err = check_footer(&metadata, len, &strict).unwrap_err();
/// assert!(err.to_string().starts_with("its footer declares 2 rows"), "{err}");
/// ```
pub fn check_footer(
    metadata: &FileMetadata,
    file_len: u64,
    limits: &FooterLimits,
) -> Result<(), ColumnarError> {
    let declared = metadata.num_rows as u64;
    let max_rows = limits
        .rows_per_byte
        .saturating_mul(file_len)
        .saturating_add(limits.rows_slack);
    if declared > max_rows {
        return Err(ColumnarError::Invalid(format!(
            "its footer declares {declared} rows in a file of {file_len} bytes (at most \
             {max_rows} are possible): the file is damaged or a decompression bomb"
        )));
    }
    let mut in_groups: u64 = 0;
    for (index, group) in metadata.row_groups.iter().enumerate() {
        in_groups = in_groups.saturating_add(group.num_rows() as u64);
        for column in group.parquet_columns() {
            let name = column.descriptor().path_in_schema.join(".");
            let at = || format!("row group {index}, column `{name}`");
            let compressed = column.compressed_size();
            let uncompressed = column.uncompressed_size();
            let start = column
                .dictionary_page_offset()
                .unwrap_or_else(|| column.data_page_offset());
            if compressed < 0 || uncompressed < 0 || start < 0 {
                return Err(ColumnarError::Invalid(format!(
                    "{}: its footer declares a negative size or offset: the footer is damaged",
                    at()
                )));
            }
            let (compressed, uncompressed, start) =
                (compressed as u64, uncompressed as u64, start as u64);
            if start.saturating_add(compressed) > file_len {
                return Err(ColumnarError::Invalid(format!(
                    "{}: its data ends at byte {}, past the end of the file ({file_len} bytes): \
                     the file is truncated or its footer damaged",
                    at(),
                    start.saturating_add(compressed)
                )));
            }
            let max = limits
                .expansion
                .saturating_mul(compressed)
                .saturating_add(limits.bytes_slack)
                .min(limits.column_chunk_bytes);
            if uncompressed > max {
                return Err(ColumnarError::Invalid(format!(
                    "{}: it declares {uncompressed} bytes uncompressed from {compressed} bytes \
                     (at most {max} are read): a decompression bomb (a huge dictionary or row \
                     group), or a damaged footer",
                    at()
                )));
            }
        }
    }
    if in_groups != declared {
        return Err(ColumnarError::Invalid(format!(
            "its footer declares {declared} rows but its row groups hold {in_groups}: the \
             footer is damaged"
        )));
    }
    Ok(())
}
