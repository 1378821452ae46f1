//! # Brief overview
//!
//! `nebulk-read` reads the places contractor data lives (delimited text in any encoding,
//! Xtracta and srv.asmx XML answers, SailPoint NERM JSON pages) and hands it on,
//! through one protocol per stage:
//!
//! - **Rows** ([`RowSource`]): a header, then raw rows, each with the line it starts on. A
//!   source reads one row at a time ([`RowSource::next_row`]); the engine takes them in chunks
//!   whose budget is written once ([`RowSource::fill_chunk`]). A delimited file is a
//!   [`CsvSource`] (several with one header, [`CsvFiles`]). A row's fields are one buffer with a
//!   span per field ([`Fields`]). Nothing is validated here: fields stay bytes, so that a row
//!   with invalid UTF-8 or the wrong number of fields reaches the validator intact, which
//!   rejects it with a reason instead of stopping the run.
//! - **Records** ([`RecordReader`]): the named fields of one user or session, pushed into a
//!   [`RecordSink`] as the file streams, one reader per structured kind
//!   ([`xtracta::UserReader`], [`srv::RoleReader`], [`nerm::UserReader`],
//!   [`nerm::SessionReader`]). [`ThreadedRecords`] runs a reader over many files on a thread of
//!   its own as a [`RecordStream`], which the mapping turns into rows; [`RowRecords`] sees a row
//!   source as records, so that a table can be mapped too. The mapping tells the stream which
//!   fields it reads ([`Projection`], [`RecordStream::project`]), so that a reader may skip
//!   building the others.
//!
//! - **Blocks** ([`Block`]): a plain UTF-8 CSV file is cut into blocks of whole records
//!   ([`BlockCutter`], following the quoting as `csv_core` does), which any thread parses into
//!   rows ([`Block::parse_into`]): the engine parses them on its workers, in parallel
//!   ([`RowSource::cuts_blocks`], [`RowSource::next_block`]). The rows are those the `csv`
//!   crate's reader gives, field for field and line for line; a record longer than
//!   [`LONGEST_BLOCK`] (and decoded text) is read through that reader instead.
//!
//! Shared by the readers: [`TextStart`], [`TextReader`] and [`DecodeReader`] (byte order
//! marks, UTF-16, `--encoding`); [`LineCounter`] and the position module beside it (line and
//! column numbers); [`FormatError`] (a structured file that is malformed or an error answer).
//!
//! A newcomer reads `row.rs`, `row_source.rs` and `record_reader.rs` first (the two
//! protocols), then the reader of the kind at hand: `delimited.rs` (CSV, with `blocks/` for
//! its parallel parsing), `xtracta/`, `srv/`, `nerm/`.
//!
//! Spreadsheets are row sources too, in a crate of their own (`nebulk-sheet`), so that reading
//! CSV does not build calamine, zip and cfb; which reader an input needs, and how it is opened
//! from a file or standard input, is `nebulk-formats`' business: this crate only reads.
//!
//! What the CSV reader handles: the delimiter (given, from an Excel `sep=X` first line, or
//! sniffed among `,` `;` tab `|` from the header line), title lines above the header
//! ([`CsvOptions::header_row`]), a UTF-8 byte order mark, quoted fields spanning lines, blank
//! lines (skipped) and `\n`, `\r\n`, `\r` line ends. Text in other encodings (UTF-16 told by
//! its byte order mark, or any WHATWG encoding given in [`CsvOptions::encoding`], such as
//! Windows-1252) is decoded to UTF-8 as it streams.
//!
//! Line numbers are 1-based physical lines of the input: the header is line 1, and a row whose
//! quoted field holds a newline spans several lines and is numbered by its first.
//!
//! # Example
//!
//! A CSV file as rows:
//!
//! ```
//! use nebulk_read::{CsvOptions, CsvSource, RowSource};
//!
//! let data = "\u{feff}name;note\nann;\"two\nlines\"\nbob;x\n";
//! let mut source = CsvSource::new(data.as_bytes(), CsvOptions::default()).unwrap();
//! assert_eq!(source.delimiter(), b';');
//! assert_eq!(source.header(), ["name", "note"]);
//! let rows = source.read_chunk(100, 1 << 20).unwrap();
//! assert_eq!(rows.len(), 2);
//! assert_eq!(rows[0].line, 2);
//! assert_eq!(rows[1].line, 4);
//! assert_eq!(&rows[1].record[0], b"bob");
//! ```
//!
//! An Xtracta answer as records:
//!
//! ```
//! use nebulk_read::{xtracta, FileContext, RecordReader, Value};
//!
//! let xml = "<user_response>\n<user><user_id>7</user_id><name>Ann</name></user>\n</user_response>";
//! let users = xtracta::UserReader.read_all(xml.as_bytes(), &FileContext::default()).unwrap();
//! assert_eq!(users[0].line, 2);
//! assert_eq!(users[0].get("name"), Some(&Value::Text("Ann".into())));
//! assert_eq!(users[0].get("email_address"), Some(&Value::Null));
//! ```
#![deny(missing_docs)]

mod blocks;
mod csv_files;
pub mod date;
mod delimited;
mod encoding;
mod error;
mod fields;
mod format_error;
mod messages;
pub mod nerm;
mod position;
mod preamble;
mod projection;
mod record;
mod record_pool;
mod record_reader;
mod record_stream;
mod row;
mod row_source;
pub mod srv;
mod xml;
pub mod xtracta;

/// How much of a file is looked at to tell its kind, or a CSV's delimiter and header line.
const SNIFF_BYTES: usize = 64 * 1024;

pub use blocks::{byte_mask, read_records_at, Block, BlockCutter, Cut, LONGEST_BLOCK};
pub use csv_files::{CsvFileSource, CsvFiles};
pub use delimited::{sniff_delimiter, CsvOptions, CsvSource};
pub use encoding::{
    encoding_for_label, encoding_name, escape_bytes, windows_1252_reading, DecodeReader, Encoding,
    Malformed, ReadAhead, TextReader, TextStart,
};
pub use error::ReadError;
pub use fields::{Fields, Iter as FieldsIter};
pub use format_error::{FormatError, Position};
pub use messages::{not_utf8_message, panic_message, wrong_field_count_message};
pub use position::LineCounter;
pub use projection::Projection;
pub use record::{Record, Value};
pub use record_pool::RecordPool;
pub use record_reader::{EachRecord, FileContext, RecordReader, RecordSink};
pub use record_stream::{
    user_from_file_name, RecordStream, RowRecords, SourceFile, SourceInput, SourcedRecord,
    ThreadedRecords,
};
pub use row::{quote_value, shorten_value, ProblemKind, Row, RowProblem};
pub use row_source::RowSource;
