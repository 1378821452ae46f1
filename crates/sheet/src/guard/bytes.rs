//! Reading the little-endian numbers of zip and BIFF (xls) records, and a file's bytes at an
//! offset. Callers slice records to the length they read first: these take the first bytes of
//! what they are given.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

/// Fills `buf` from `file` at byte `at`.
pub(super) fn read_at(file: &mut File, at: u64, buf: &mut [u8]) -> io::Result<()> {
    file.seek(SeekFrom::Start(at))?;
    file.read_exact(buf)
}

/// The little-endian `u16` at the start of `b` (at least 2 bytes long).
pub(super) fn le_u16(b: &[u8]) -> u16 {
    u16::from_le_bytes([b[0], b[1]])
}

/// The little-endian `u32` at the start of `b` (at least 4 bytes long).
pub(super) fn le_u32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

/// The little-endian `u64` at the start of `b` (at least 8 bytes long).
pub(super) fn le_u64(b: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&b[..8]);
    u64::from_le_bytes(bytes)
}
