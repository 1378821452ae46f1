//! Telling what a file is by its first bytes, and running the check its kind needs before
//! calamine opens it.
//!
//! A zip archive (`PK`) is an xlsx, xlsm, xlsb or ods: its directory is checked for a zip bomb
//! and, if it is an ods, its content is walked. An OLE compound file is an xls: its records are
//! walked. Anything else is refused here, with a message that says whether it looks like text
//! (a CSV file given a spreadsheet's name) or like neither kind of workbook.

use std::fs::File;
use std::io;

use super::bytes::read_at;
use super::ods::check_ods;
use super::xls::check_xls;
use super::zip::check_zip;

#[cfg(test)]
mod tests;

/// What a file is, by its first bytes.
#[derive(Debug)]
pub(crate) enum Container {
    /// A zip archive: xlsx, xlsm, xlsb or ods.
    Zip,
    /// An OLE compound file: xls.
    Ole,
    /// Not to be opened, and why.
    Refused(String),
}

/// Tells what the file is before calamine tries it: a zip (xlsx, xlsm, xlsb, ods), an OLE
/// compound file (xls), or neither; a zip bomb ([`check_zip`]), an ods calamine would take too
/// much memory for ([`check_ods`]) and an xls it would ([`check_xls`]) are refused too.
pub(crate) fn check_container(file: &mut File, len: u64) -> io::Result<Container> {
    if len == 0 {
        return Ok(Container::Refused("the file is empty".to_string()));
    }
    let mut start = vec![0u8; usize::try_from(len.min(512)).unwrap_or(512)];
    read_at(file, 0, &mut start)?;
    if start.starts_with(b"PK\x03\x04") || start.starts_with(b"PK\x05\x06") {
        let refused = match check_zip(file, len)? {
            Some(why) => Some(why),
            None => check_ods(file),
        };
        return Ok(refused.map_or(Container::Zip, Container::Refused));
    }
    if start.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Ok(check_xls(file, len).map_or(Container::Ole, Container::Refused));
    }
    Ok(Container::Refused(if start.contains(&0) {
        "the file is neither a zip-based workbook (xlsx, xlsm, xlsb, ods) nor an OLE one (xls)"
            .to_string()
    } else {
        "the file is text (a CSV file?), not a workbook".to_string()
    }))
}
