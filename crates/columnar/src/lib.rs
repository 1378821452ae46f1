//! # Brief overview
//!
//! `nebulk-columnar` reads and writes the table formats of data pipelines through
//! [polars](https://pola.rs): Apache Parquet, Arrow IPC (the file format, `ARROW1`) and
//! newline-delimited JSON. It is built only with its `polars` feature (nebulk's own `polars`
//! feature turns it on): without it the crate is empty, so that the default build of nebulk never
//! compiles polars.
//!
//! - **In**: [`open_parquet`], [`open_ipc`] and [`open_ndjson`] give a [`ColumnarSource`], a
//!   `nebulk_read::RowSource` whose rows are the file's rows as text, read one batch at a time
//!   (a Parquet row group, at most [`BATCH_ROWS`] rows of it; an IPC record batch; a chunk of
//!   NDJSON lines), so that memory stays bounded by a batch, not by the file. Typed cells become
//!   the text a person would type ([`cells`]): dates as `YYYY-MM-DD`, date-times in RFC 3339
//!   (a zoned one keeps its offset, UTC as `Z`), integers and integral floats without `.0`,
//!   nulls as missing values; struct columns become fields `parent.child` and lists are joined
//!   with `,`, as NERM JSON records are. A row's `line` is its 1-based row number in the file.
//! - **Guards**: a Parquet file's footer is checked before any row group is read
//!   ([`check_footer`]: declared rows and uncompressed sizes against caps relative to the file's
//!   size), and every polars call over an untrusted file runs under [`guard_polars`], which
//!   turns a panic into an error ([`panic_is_caught`] lets a panic hook stay quiet).
//! - **Out**: [`TypedWriter`] writes rows of text as a typed Parquet or IPC table, a batch at a
//!   time; [`encode_csv`] re-encodes one of nebulk's CSV outputs with the column types of
//!   [`OutputTable`] (date-times in UTC, line numbers as integers, `codes` as a list).
//!
//! Errors are [`ColumnarError`]s; nothing here prints.
//!
//! # Example
//!
//! ```
//! # #[cfg(feature = "polars")] {
//! use nebulk_columnar::{open_parquet, ColumnType, OutputFormat, TypedWriter};
//! use nebulk_read::RowSource;
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("people.parquet");
//! let columns = [("accountName", ColumnType::Text), ("badge", ColumnType::Integer)];
//! let mut writer = TypedWriter::new(std::fs::File::create(&path).unwrap(), OutputFormat::Parquet, &columns).unwrap();
//! writer.push_row(&["ann.lee", "42"]).unwrap();
//! writer.finish().unwrap();
//! let mut source = open_parquet(&path).unwrap();
//! assert_eq!(source.header(), ["accountName", "badge"]);
//! let rows = source.read_chunk(10, 1 << 20).unwrap();
//! assert_eq!((rows[0].line, &rows[0].record[1]), (1, &b"42"[..]));
//! # }
//! ```
#![deny(missing_docs)]
// Without the feature the items the overview links to are not built.
#![cfg_attr(not(feature = "polars"), allow(rustdoc::broken_intra_doc_links))]

/// Items built only with the `polars` feature: the whole crate.
macro_rules! with_polars {
    ($($item:item)*) => { $( #[cfg(feature = "polars")] $item )* };
}

with_polars! {
    pub mod cells;
    mod error;
    mod flatten;
    mod footer;
    mod guard;
    mod ipc;
    mod ndjson;
    mod parquet;
    mod source;
    mod write;

    pub use error::ColumnarError;
    pub use footer::{check_footer, FooterLimits};
    pub use guard::{guard_polars, panic_is_caught};
    pub use ipc::open_ipc;
    pub use ndjson::open_ndjson;
    pub use parquet::open_parquet;
    pub use source::{ColumnarSource, BATCH_ROWS};
    pub use write::{encode_csv, ColumnType, OutputFormat, OutputTable, TypedWriter};

    /// polars itself, the version this crate reads and writes with (for tests and callers that
    /// build or inspect tables).
    pub use polars;
}
