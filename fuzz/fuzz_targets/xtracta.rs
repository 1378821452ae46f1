//! The Xtracta users reader, to the end or to its error; it emits as many records as it counts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nebulk_formats::SourceKind;
use nebulk_read::{FileContext, RecordReader};

fuzz_target!(|data: &[u8]| {
    let _ = SourceKind::sniff_bytes(data);
    let mut emitted = 0u64;
    let result =
        nebulk_read::xtracta::UserReader.read_each(data, &FileContext::default(), |record| {
            assert_eq!(record.fields.len(), nebulk_read::xtracta::FIELDS.len());
            emitted += 1;
            true
        });
    if let Ok(count) = result {
        assert_eq!(count, emitted);
    }
});
