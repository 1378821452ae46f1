//! The spreadsheet reader on arbitrary bytes, written to a file without an extension (so that
//! calamine tries xls, xlsx, xlsb and ods in turn), read to the end or to its error. The zip
//! directory check runs first and refuses zip bombs.
//!
//! calamine's panics, which the reader catches, are let through to its guard; any other panic
//! is a crash (see `shared/spreadsheet.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "shared/spreadsheet.rs"]
mod spreadsheet;

fuzz_target!(init: spreadsheet::pass_caught_panics(), |data: &[u8]| {
    spreadsheet::check(spreadsheet::input_path("input"), data)
});
