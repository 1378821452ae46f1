//! # Brief overview
//!
//! `nebulk-read` reads the places contractor data lives and hands it on as rows or records.
//!
//! - [`CsvSource`]: a delimited text file as a header and a stream of raw rows, each with the
//!   physical line it starts on. It does no validation: fields stay bytes, so a row with
//!   invalid UTF-8 or the wrong number of fields reaches the validator intact, which rejects it
//!   with a reason instead of stopping the run. Spreadsheets are row sources too, in a crate of
//!   their own (`nebulk-sheet`), so that reading CSV does not build calamine, zip and cfb.
//! - [`Record`]s: the named fields of one user or session from an XML or JSON answer
//!   ([`xtracta`], [`srv`], [`nerm`]), read as a stream, to be mapped onto a schema.
//!
//! Which reader an input needs, and how it is opened from a file or standard input, is
//! `nebulk-formats`' business: this crate only reads.
//!
//! What the CSV reader handles: the delimiter (given, from an Excel `sep=X` first line, or
//! sniffed among `,` `;` tab `|` from the header line), title lines above the header
//! ([`CsvOptions::header_row`]), a UTF-8 byte order mark, quoted fields spanning lines, blank
//! lines (skipped) and `\n`, `\r\n`, `\r` line ends. Text in other encodings (UTF-16 told by
//! its byte order mark, or any WHATWG encoding given in [`CsvOptions::encoding`], such as
//! Windows-1252) is decoded to UTF-8 as it streams ([`TextReader`], [`DecodeReader`], through
//! `encoding_rs`).
//!
//! Line numbers are 1-based physical lines of the input: the header is line 1, and a row whose
//! quoted field holds a newline spans several lines and is numbered by its first.
//!
//! # Example
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
#![deny(missing_docs)]

mod csv_files;
pub mod date;
mod decode;
mod delimited;
mod error;
mod lines;
mod messages;
pub mod nerm;
mod preamble;
mod record;
mod records;
mod source;
pub mod srv;
mod xml;
pub mod xtracta;

/// How much of a file is looked at to tell its kind, or a CSV's delimiter and header line.
const SNIFF_BYTES: usize = 64 * 1024;

pub use csv_files::{CsvFileSource, CsvFiles};
pub use decode::{
    bom_encoding, encoding_for_label, encoding_name, escape_bytes, windows_1252_reading,
    DecodeReader, Encoding, Malformed, TextReader,
};
pub use delimited::{sniff_delimiter, CsvOptions, CsvSource};
pub use error::ReadError;
pub use lines::LineCounter;
pub use messages::{not_utf8_message, wrong_field_count_message};
pub use record::{FormatError, Record, Value};
pub use records::{
    user_from_file_name, RecordStream, RowRecords, SourceFile, SourceInput, SourcedRecord,
    StructuredKind, ThreadedRecords,
};
pub use source::{quote_value, shorten_value, ProblemKind, Row, RowProblem, RowSource};
