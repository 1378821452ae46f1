//! The TOML mapping parser, then the mapping planned against the system schema and applied to
//! a record. Every field name is offered (an open field set with an empty prefix). Lookups name
//! files in a folder that does not exist, so they fail to load: an error, not a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use nebulk_map::{FieldSet, Mapping, MappingPlan};
use nebulk_read::{Record, Value};
use nebulk_schema::Schema;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mapping) = Mapping::parse(text, Path::new("/nonexistent/nebulk-fuzz")) else {
        return;
    };
    let schema = Schema::system();
    let fields = FieldSet::open(&nebulk_read::xtracta::FIELDS, "");
    let Ok(plan) = MappingPlan::new(&schema, &mapping, &fields) else {
        return;
    };
    let mut record = Record::new(2);
    record.push("name", Value::Text("  Ann  Lee-Smith ".into()));
    record.push("email_address", Value::Text("Ann.Lee@example.com".into()));
    record.push("user_id", Value::Text("17".into()));
    record.push("primary_group_id", Value::Null);
    record.push(
        "assigned_workflows",
        Value::List(vec!["a".into(), "".into(), "c".into()]),
    );
    record.push("attributes.start", Value::Text("31/12/2026".into()));
    let (values, _problems) = plan.apply(&record);
    assert_eq!(values.len(), plan.header().len());
});
