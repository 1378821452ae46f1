//! The srv.asmx workflow-roles reader: one answer, one record, or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nebulk_formats::SourceKind;
use nebulk_read::{FileContext, RecordReader};

fuzz_target!(|data: &[u8]| {
    let _ = SourceKind::sniff_bytes(data);
    let mut emitted = 0u64;
    let result = nebulk_read::srv::RoleReader.read_each(
        data,
        &FileContext::for_user("fuzz.user"),
        |record| {
            assert_eq!(record.fields.len(), nebulk_read::srv::FIELDS.len());
            emitted += 1;
            true
        },
    );
    if let Ok(count) = result {
        assert_eq!((count, emitted), (1, 1));
    }
});
