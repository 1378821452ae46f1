//! The check of an ods workbook before calamine opens it ([`check_ods`]): its `content.xml`
//! walked the way calamine will read it ([`cost::content_cost`]), and the workbook refused when
//! calamine would keep too many cells, too much text or too much memory for it, or would never
//! finish reading it.
//!
//! An ods is found by content, not by name: a zip whose `mimetype` entry says so, which is what
//! calamine checks.

use std::fs::File;
use std::io::{self, Read};

use crate::limits::{MAX_LAID_OUT_CELLS, MAX_ODS_BYTES, MAX_ODS_TEXT_BYTES, MAX_UNZIPPED_BYTES};

mod attributes;
mod cost;

#[cfg(test)]
mod tests;

/// The `mimetype` entry of an ods file, as calamine checks it.
const ODS_MIMETYPE: &[u8; 46] = b"application/vnd.oasis.opendocument.spreadsheet";

/// For a zip file that is an ods (its `mimetype` entry says so, which is what calamine checks),
/// tells why it will not be handed to calamine. calamine parses all the sheets of an ods when it
/// opens it, writing out repeated cells and rows (`table:number-columns-repeated`,
/// `table:number-rows-repeated`) as it stores each row and then lays each sheet out as a rectangle,
/// up to 100,000,000 cells a sheet: a 1 KiB file holding one cell repeated over 16,384 columns and
/// 6,000 rows asks for some 5.5 GB. So its `content.xml` is walked here first, the way calamine
/// will read it ([`cost::content_cost`]), and a workbook refused when calamine would keep more than
/// [`MAX_LAID_OUT_CELLS`] cells or [`MAX_ODS_TEXT_BYTES`] bytes of text for it, or take more than
/// [`MAX_ODS_BYTES`] in all, or would never finish reading it. `None` when it is fine, is not an
/// ods, or is too broken for the walk (calamine then says what is wrong).
pub(super) fn check_ods(file: &mut File) -> Option<String> {
    let mut zip = zip::ZipArchive::new(&mut *file).ok()?;
    let mut mimetype = [0u8; ODS_MIMETYPE.len()];
    zip.by_name("mimetype")
        .ok()?
        .read_exact(&mut mimetype)
        .ok()?;
    if mimetype != *ODS_MIMETYPE {
        return None;
    }
    // The zip guard has checked the declared sizes, and the zip crate stops at the declared
    // size; this limit holds whatever the zip claims.
    let mut content = zip
        .by_name("content.xml")
        .ok()?
        .take(MAX_UNZIPPED_BYTES + 1);
    let cost = cost::content_cost(io::BufReader::new(&mut content));
    if content.limit() == 0 {
        return Some(format!(
            "its content.xml unzips to more than the {MAX_UNZIPPED_BYTES} bytes this reader \
             accepts (a zip bomb?)"
        ));
    }
    match cost {
        Err(why) => Some(why),
        Ok(cost) if cost.cells > MAX_LAID_OUT_CELLS => Some(format!(
            "its sheets would take {} cells once calamine writes out their repeated rows and \
             columns, more than the {MAX_LAID_OUT_CELLS} this reader accepts (a cell repeated \
             over many rows and columns?)",
            cost.cells
        )),
        Ok(cost) if cost.text > MAX_ODS_TEXT_BYTES => Some(format!(
            "its cells would hold {} bytes of text once calamine writes out their repeated \
             rows and columns, more than the {MAX_ODS_TEXT_BYTES} this reader accepts (a long \
             text repeated over many rows and columns?)",
            cost.text
        )),
        Ok(cost) if cost.bytes > MAX_ODS_BYTES => Some(format!(
            "its sheets would take some {} MiB in calamine once it writes out their repeated \
             rows, columns and spaces ({} cells, each string in them an allocation of its own, \
             and their text), more than the {} MiB this reader accepts (a short text or formula \
             repeated over many rows and columns, or a text of many spaces?)",
            cost.bytes >> 20,
            cost.cells,
            MAX_ODS_BYTES >> 20
        )),
        Ok(_) => None,
    }
}
