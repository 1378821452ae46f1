//! # Brief overview
//!
//! `nebulk-formats` is the registry of the kinds of input nebulk reads: CSV, spreadsheets,
//! Xtracta user XML, srv.asmx WorkflowRole XML, NERM users and NERM workflow-session JSON, and,
//! with the `polars` feature (`nebulk-columnar`), Parquet, Arrow IPC and NDJSON (without it
//! those kinds are told apart all the same, and refused saying how to build a nebulk that
//! reads them). One
//! module per kind owns everything about it — how it is told apart by content, how it is
//! opened from a path or standard input, the fields it offers, its default mapping, the options
//! that apply to it (the srv manifest) — and [`SourceKind`] is the one table of them.
//!
//! - [`open`]: inputs (files, folders, `-`, pipes) to an [`Input`]: a table of rows or a stream
//!   of records, with what was found out about it ([`InputDescription`]).
//! - [`Input::into_rows`]: the input as rows of the schema, through the kind's default mapping
//!   overlaid with a mapping file and `--set` ([`mapping`]).
//! - [`open_export`]: a source's current accounts (CSV or spreadsheet), for the ledger;
//!   [`read_identities`]: the identities a manager must be one of.
//!
//! The parsers themselves live in `nebulk-read` (text, XML, JSON) and the spreadsheet reader
//! beside it; this crate chooses among them and wires them to `nebulk-map`.
//!
//! # Example
//!
//! ```
//! use nebulk_formats::{open, ReadOptions, SourceKind};
//! use nebulk_sheet::DateTimes;
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("users.xml");
//! std::fs::write(&path, "<user_response><user><name>Ann Lee</name>\
//!     <email_address>Ann.Lee@example.com</email_address></user></user_response>").unwrap();
//! let schema = nebulk_schema::Schema::system();
//! let options = ReadOptions::default();
//! let input = open(&[path], None, &options, &schema, DateTimes::Utc).unwrap();
//! assert_eq!(input.description.kind, SourceKind::XtractaUsers);
//! let mut rows = input.into_rows(&options, &schema, DateTimes::Utc).unwrap();
//! let chunk = rows.source.read_chunk(10, 1 << 20).unwrap();
//! assert_eq!(&chunk[0].record[0], b"ann.lee", "the default mapping's account name");
//! ```
#![deny(missing_docs)]

mod columnar;
mod csv;
mod export;
mod format;
mod identities;
mod input_file;
mod kind;
mod nerm_sessions;
mod nerm_users;
mod open;
mod options;
mod side_table;
mod sniff;
mod spool;
mod spreadsheet;
mod srv;
mod structured;
mod xtracta;

pub use csv::open_csv;
pub use export::open_export;
pub use format::{Content, Details};
pub use identities::read_identities;
pub use input_file::STDIN;
pub use kind::SourceKind;
pub use open::{mapping, open, Input, InputDescription, SchemaRows};
pub use options::ReadOptions;
pub use sniff::{Peeked, SNIFF_BYTES};
pub use spool::{remove_spools, Spool, SpoolError, MAX_SPREADSHEET_SPOOL};
