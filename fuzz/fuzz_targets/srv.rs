//! The srv.asmx workflow-roles reader: one answer, one record, or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nebulk_formats::SourceKind;

fuzz_target!(|data: &[u8]| {
    let _ = SourceKind::sniff_bytes(data);
    let _ = nebulk_read::srv::read_roles(data, "fuzz.user");
});
