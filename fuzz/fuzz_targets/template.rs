//! The schema parser: a template CSV or a schema-attributes JSON array, told apart by content.
//!
//! Beyond "no panic": a schema that parses must accept its own upload header, i.e. every
//! attribute's header finds that attribute, and a column plan over those headers builds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nebulk_schema::Schema;
use nebulk_validate::{ColumnPlan, RuleConfig};

fuzz_target!(|data: &[u8]| {
    let Ok(schema) = Schema::from_bytes(data) else {
        return;
    };
    let headers: Vec<String> = schema.headers().map(String::from).collect();
    for (i, header) in headers.iter().enumerate() {
        assert_eq!(schema.find(header), Some(i), "header {header:?}");
    }
    if let Err(e) = ColumnPlan::new(schema, &headers, RuleConfig::default()) {
        panic!("the schema's own header does not plan: {e}");
    }
});
