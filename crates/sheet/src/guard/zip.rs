//! The check of a zip-based workbook (xlsx, xlsm, xlsb, ods) before anything is unzipped: what
//! its parts would unzip to, as its central directory declares (zip64 included), read by hand
//! so that no part is inflated to find out.

use std::fs::File;
use std::io;

use super::bytes::{le_u16, le_u32, le_u64, read_at};
use crate::limits::MAX_UNZIPPED_BYTES;

#[cfg(test)]
mod tests;

/// The largest zip central directory read for the check; a larger one is left to calamine.
const MAX_ZIP_DIRECTORY_BYTES: u64 = 64 << 20;

/// For a zip file (xlsx, xlsm, xlsb, ods), reads its central directory and tells why it will
/// not be opened: its parts would unzip to more than [`MAX_UNZIPPED_BYTES`]. `None` when it is
/// fine, or is a zip too broken to tell (calamine then reports it).
pub(super) fn check_zip(file: &mut File, len: u64) -> io::Result<Option<String>> {
    if len < 22 {
        return Ok(None);
    }
    let Some(directory) = zip_directory(file, len)? else {
        return Ok(None);
    };
    let mut total: u64 = 0;
    let mut entries: u64 = 0;
    let mut at = 0usize;
    while let Some(header) = directory.get(at..at + 46) {
        if header[..4] != *b"PK\x01\x02" {
            break;
        }
        let mut size = u64::from(le_u32(&header[24..]));
        let name_len = usize::from(le_u16(&header[28..]));
        let extra_len = usize::from(le_u16(&header[30..]));
        let comment_len = usize::from(le_u16(&header[32..]));
        if size == 0xFFFF_FFFF {
            let extra_at = at + 46 + name_len;
            let extra = directory.get(extra_at..extra_at + extra_len).unwrap_or(&[]);
            size = zip64_uncompressed_size(extra).unwrap_or(u64::MAX);
        }
        total = total.saturating_add(size);
        entries += 1;
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok((total > MAX_UNZIPPED_BYTES).then(|| {
        format!(
            "its {entries} zipped parts would unzip to {total} bytes, more than the {MAX_UNZIPPED_BYTES} \
             this reader accepts (a zip bomb?)"
        )
    }))
}

/// The central directory of a zip file, found through its end record (zip64 included).
fn zip_directory(file: &mut File, len: u64) -> io::Result<Option<Vec<u8>>> {
    let tail_len = len.min(22 + 0xFFFF);
    let tail_start = len - tail_len;
    let mut tail = vec![0u8; usize::try_from(tail_len).unwrap_or(0)];
    read_at(file, tail_start, &mut tail)?;
    let Some(end) = (0..=tail.len().saturating_sub(22))
        .rev()
        .find(|&i| tail[i..].starts_with(b"PK\x05\x06"))
    else {
        return Ok(None);
    };
    let record = &tail[end..];
    let mut size = u64::from(le_u32(&record[12..]));
    let mut offset = u64::from(le_u32(&record[16..]));
    if size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF || le_u16(&record[10..]) == 0xFFFF {
        // zip64: a locator just before the end record points at the zip64 end record.
        let mut locator = [0u8; 20];
        let Some(locator_at) = (tail_start + end as u64).checked_sub(20) else {
            return Ok(None);
        };
        read_at(file, locator_at, &mut locator)?;
        if !locator.starts_with(b"PK\x06\x07") {
            return Ok(None);
        }
        let mut record64 = [0u8; 56];
        if read_at(file, le_u64(&locator[8..]), &mut record64).is_err()
            || !record64.starts_with(b"PK\x06\x06")
        {
            return Ok(None);
        }
        size = le_u64(&record64[40..]);
        offset = le_u64(&record64[48..]);
    }
    if size > MAX_ZIP_DIRECTORY_BYTES || offset.saturating_add(size) > len {
        return Ok(None);
    }
    let mut directory = vec![0u8; usize::try_from(size).unwrap_or(0)];
    read_at(file, offset, &mut directory)?;
    Ok(Some(directory))
}

/// The uncompressed size in a central directory entry's zip64 extra field (its first value
/// when the 32-bit size is 0xFFFFFFFF).
fn zip64_uncompressed_size(mut extra: &[u8]) -> Option<u64> {
    while extra.len() >= 4 {
        let id = le_u16(extra);
        let len = usize::from(le_u16(&extra[2..]));
        let data = extra.get(4..4 + len)?;
        if id == 0x0001 && data.len() >= 8 {
            return Some(le_u64(data));
        }
        extra = &extra[(4 + len).min(extra.len())..];
    }
    None
}
