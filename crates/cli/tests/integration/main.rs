//! Integration tests: the real `nebulk` binary, run in temporary folders, on the files in
//! `testdata/` and on generated data with known faults.

// Test helpers outside #[test] functions may panic: a panic is a failed test here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod arbitrary_csv;
mod bad;
mod cli;
#[cfg(feature = "polars")]
mod columnar;
mod conservation;
mod determinism;
mod encodings;
mod golden;
mod guarantees;
mod harness;
mod outputs;
mod report_schema;
mod reports;
mod stdin;
mod table_format;
mod tenant;
mod truth;
mod unix;
#[cfg(not(feature = "polars"))]
mod without_polars;
