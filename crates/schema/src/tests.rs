use super::*;

const SYSTEM_LABELS: &str =
    "Account Name,First Name,Last Name,Email,Phone,Manager,Start Date,End Date";

fn template(extra: &[&str]) -> Vec<u8> {
    let mut line = SYSTEM_LABELS.to_string();
    for cell in extra {
        line.push(',');
        line.push_str(cell);
    }
    line.push('\n');
    line.into_bytes()
}

#[test]
fn labels_and_technical_names_both_match_system_attributes() {
    let schema = Schema::from_template_csv(&template(&[])).unwrap();
    assert_eq!(schema.len(), 8);
    for attr in SystemAttr::ALL {
        let i = schema.index_of(attr).unwrap();
        assert_eq!(schema.attributes()[i].header, attr.label());
        assert_eq!(schema.find(attr.technical_name()), Some(i));
        assert_eq!(schema.find(&attr.technical_name().to_uppercase()), Some(i));
    }
}

#[test]
fn custom_cells_are_optional_text_and_keep_their_spelling() {
    let schema = Schema::from_template_csv(&template(&["Cost Center", "badge_id"])).unwrap();
    let cost = &schema.attributes()[8];
    assert_eq!(cost.header, "Cost Center");
    assert_eq!(cost.kind, AttrType::Text);
    assert!(!cost.required);
    assert_eq!(cost.system, None);
    assert_eq!(schema.find("cost-center"), Some(8));
    assert_eq!(schema.find("BadgeId"), Some(9));
}

#[test]
fn ten_custom_attributes_are_allowed_eleven_are_not() {
    let ten: Vec<String> = (1..=10).map(|i| format!("custom{i}")).collect();
    let ten_refs: Vec<&str> = ten.iter().map(String::as_str).collect();
    assert_eq!(
        Schema::from_template_csv(&template(&ten_refs))
            .unwrap()
            .custom_count(),
        10
    );

    let mut eleven = ten_refs.clone();
    eleven.push("custom11");
    match Schema::from_template_csv(&template(&eleven)) {
        Err(SchemaError::TooManyCustom { count, .. }) => assert_eq!(count, 11),
        other => panic!("expected TooManyCustom, got {other:?}"),
    }
}

#[test]
fn a_missing_system_attribute_is_named() {
    let t = b"accountName,firstName,lastName,email,manager,startDate,endDate\n";
    assert_eq!(
        Schema::from_template_csv(t),
        Err(SchemaError::MissingSystem(SystemAttr::Phone))
    );
    assert!(Schema::from_template_csv(t)
        .unwrap_err()
        .to_string()
        .contains("`phone`"));
}

#[test]
fn two_spellings_of_one_attribute_are_a_duplicate() {
    let err = Schema::from_template_csv(&template(&["account_name"])).unwrap_err();
    assert_eq!(
        err,
        SchemaError::Duplicate {
            first: "Account Name".into(),
            second: "account_name".into()
        }
    );
    let err = Schema::from_template_csv(&template(&["Badge", "BADGE"])).unwrap_err();
    assert!(matches!(err, SchemaError::Duplicate { .. }));
}

#[test]
fn empty_inputs_are_errors() {
    assert_eq!(Schema::from_bytes(b""), Err(SchemaError::Empty));
    assert_eq!(Schema::from_bytes(b"  \n\n"), Err(SchemaError::Empty));
}

/// Issue 9: a template with a trailing empty cell, as a spreadsheet saves one, was refused.
#[test]
fn empty_template_cells_name_no_attribute() {
    let plain = Schema::from_template_csv(&template(&["Badge"])).unwrap();
    for extra in [&["Badge", ""][..], &["Badge", "", ""], &["", "Badge"]] {
        let schema = Schema::from_template_csv(&template(extra)).unwrap();
        assert_eq!(schema, plain, "{extra:?}");
    }
}

#[test]
fn bom_and_other_delimiters_are_accepted() {
    let mut t = b"\xEF\xBB\xBF".to_vec();
    t.extend_from_slice(SYSTEM_LABELS.replace(',', "\t").as_bytes());
    t.extend_from_slice(b"\tNotes\r\n");
    let schema = Schema::from_bytes(&t).unwrap();
    assert_eq!(schema.attributes()[0].header, "Account Name");
    assert_eq!(schema.attributes()[8].header, "Notes");
}

fn json_attr(name: &str, kind: &str, system: bool, required: bool) -> String {
    format!(
        r#"{{"id":"x","technicalName":"{name}","label":"{name} label","type":"{kind}","system":{system},"required":{required},"helpText":null}}"#
    )
}

fn system_json() -> Vec<String> {
    SystemAttr::ALL
        .into_iter()
        .map(|a| json_attr(a.technical_name(), a.kind().as_str(), true, true))
        .collect()
}

#[test]
fn json_schema_is_chosen_by_content_and_keeps_types_and_required() {
    let mut items = system_json();
    items.push(json_attr("sponsorEmail", "EMAIL", false, true));
    items.push(json_attr("notes", "TEXT", false, false));
    let json = format!("\n  [{}]", items.join(",\n"));
    let schema = Schema::from_bytes(json.as_bytes()).unwrap();
    assert_eq!(schema.len(), 10);
    let sponsor = &schema.attributes()[8];
    assert_eq!(sponsor.kind, AttrType::Email);
    assert!(sponsor.required);
    assert_eq!(sponsor.header, "sponsorEmail");
    assert_eq!(schema.find("sponsorEmail label"), Some(8));
    assert!(!schema.attributes()[9].required);
}

#[test]
fn json_errors_carry_line_and_column() {
    let err = Schema::from_bytes(b"[\n{\"technicalName\": 5}]").unwrap_err();
    match err {
        SchemaError::Json { line, column, .. } => assert_eq!((line, column), (2, 19)),
        other => panic!("expected Json error, got {other:?}"),
    }
    let mut items = system_json();
    items.push(json_attr("x", "NUMBER", false, false));
    let err = Schema::from_bytes(format!("[{}]", items.join(",")).as_bytes()).unwrap_err();
    assert!(matches!(err, SchemaError::UnknownType { .. }));
}

#[test]
fn json_may_make_a_system_attribute_optional() {
    let items: Vec<String> = SystemAttr::ALL
        .into_iter()
        .map(|a| {
            json_attr(
                a.technical_name(),
                a.kind().as_str(),
                true,
                a != SystemAttr::Phone,
            )
        })
        .collect();
    let schema = Schema::from_json(format!("[{}]", items.join(",")).as_bytes()).unwrap();
    let phone = schema.index_of(SystemAttr::Phone).unwrap();
    assert!(!schema.attributes()[phone].required);
    assert!(schema.attributes()[0].required);
    let no_flag = br#"[{"technicalName":"accountName"},{"technicalName":"firstName"},{"technicalName":"lastName"},{"technicalName":"email"},{"technicalName":"phone"},{"technicalName":"manager"},{"technicalName":"startDate"},{"technicalName":"endDate"}]"#;
    assert!(Schema::from_json(no_flag)
        .unwrap()
        .attributes()
        .iter()
        .all(|a| a.required));
}

/// Issue 5, testdata/bad/schema-100k-columns: a template of 100,000 columns took a minute in
/// a debug build (names compared pairwise), and its error would have listed every name.
#[test]
fn a_template_of_100_000_columns_is_refused_briefly() {
    let mut template: Vec<String> = SystemAttr::ALL
        .iter()
        .map(|a| a.technical_name().to_string())
        .collect();
    template.extend((0..100_000).map(|i| format!("c{i}")));
    let err = Schema::from_bytes(template.join(",").as_bytes()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("the schema has 100000 custom attributes (c0, c1, "),
        "{message}"
    );
    assert!(message.contains(", c19, … 99980 more); "), "{message}");
    template.push("C_5".into());
    let err = Schema::from_bytes(template.join(",").as_bytes()).unwrap_err();
    assert!(matches!(err, SchemaError::Duplicate { .. }), "{err}");
}
