//! The Xtracta users reader in pieces against the same answer read whole: the speculative
//! reading (pieces parsed apart, taken while they fit, the rest read on from where they stop)
//! gives the same records, with the same lines, and the same count or error, whatever the cuts.
//! The input's length chooses the sizes (pieces of 1 to 97 bytes, windows of 1 to 8 pieces), so
//! that small inputs take the parallel path, which `UserReader` keeps for large answers, and
//! the answers of `testdata/` seed the corpus as they are.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nebulk_read::{xtracta, EachRecord, Record};

/// The records `doc` gives, read whole (`split: None`) or in pieces of `(piece, window)`
/// bytes, and the count or the error's message.
fn outcome(doc: &[u8], split: Option<(usize, usize)>) -> (Vec<Record>, Result<u64, String>) {
    let mut records = Vec::new();
    let mut sink = EachRecord::new(|record| {
        records.push(record);
        true
    });
    let result = match split {
        None => xtracta::read_whole(doc, &mut sink),
        Some((piece, window)) => xtracta::read_in_pieces_of(doc, piece, window, &mut sink),
    };
    (records, result.map_err(|e| e.to_string()))
}

fuzz_target!(|doc: &[u8]| {
    let piece = doc.len() % 97 + 1;
    let window = piece * (doc.len() / 97 % 8 + 1);
    let whole = outcome(doc, None);
    assert_eq!(
        outcome(doc, Some((piece, window))),
        whole,
        "pieces of {piece} bytes, windows of {window}"
    );
});
