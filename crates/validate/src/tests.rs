//! Tests of the row checks, the ledger and the engine together.

use nebulk_read::{CsvOptions, CsvSource, Row, RowProblem, RowSource};
use nebulk_schema::Schema;

use crate::*;

const HEADER: &str = "accountName,firstName,lastName,email,phone,manager,startDate,endDate";
const GOOD: &str = "ann.lee,Ann,Lee,ann@example.com,+1 512 555 0100,jdoe,2026-01-01,2026-06-30";

/// Runs `rows` (lines after the header) and returns the report.
fn run_rows(
    schema: Schema,
    header: &str,
    rows: &[&str],
    ledger: &mut Ledger,
    rules: RuleConfig,
) -> Report {
    let mut text = format!("{header}\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    run_bytes(schema, text.as_bytes(), ledger, rules, 1000)
}

/// Runs a whole file, in chunks of two rows, and returns the report.
fn run_bytes(
    schema: Schema,
    bytes: &[u8],
    ledger: &mut Ledger,
    rules: RuleConfig,
    max_findings: usize,
) -> Report {
    let source = CsvSource::new(bytes, CsvOptions::default()).unwrap();
    let plan = ColumnPlan::new(schema, source.header(), rules).unwrap();
    let chunking = Chunking {
        max_rows: 2,
        max_bytes: 1 << 20,
        read_ahead: 1,
    };
    Engine::new(&plan)
        .chunking(chunking)
        .max_findings(max_findings)
        .run(source, ledger, &mut NullSink)
        .unwrap()
}

/// Checks one row (after the header) with `rules`, against the system schema and an empty
/// source.
/// The report on a whole file under the system schema and the default rules.
fn report_of_file(bytes: &[u8]) -> Report {
    run_bytes(
        Schema::system(),
        bytes,
        &mut Ledger::new(10),
        RuleConfig::default(),
        10,
    )
}

fn report_of(row: &str, rules: RuleConfig) -> Report {
    run_rows(
        Schema::system(),
        HEADER,
        &[row],
        &mut Ledger::new(MAX_ACCOUNTS),
        rules,
    )
}

fn codes_of(row: &str) -> Vec<Code> {
    let report = report_of(row, RuleConfig::default());
    report.by_code.keys().copied().collect()
}

fn with_field(index: usize, value: &str) -> String {
    let mut fields: Vec<&str> = GOOD.split(',').collect();
    fields[index] = value;
    fields.join(",")
}

#[test]
fn a_good_row_has_no_codes() {
    assert_eq!(codes_of(GOOD), []);
}

#[test]
fn each_rule_has_its_code() {
    assert_eq!(codes_of(&with_field(1, "  ")), [Code::MissingValue]);
    assert_eq!(codes_of(&with_field(3, "ann@")), [Code::InvalidEmail]);
    assert_eq!(codes_of(&with_field(4, "call me")), [Code::InvalidPhone]);
    assert_eq!(codes_of(&with_field(6, "2026-02-30")), [Code::InvalidDate]);
    assert_eq!(
        codes_of(&with_field(7, "2025-12-31")),
        [Code::EndBeforeStart]
    );
    assert_eq!(
        codes_of(&with_field(2, &"x".repeat(256))),
        [Code::ValueTooLong]
    );
    assert_eq!(codes_of(&format!("{GOOD},extra")), [Code::MalformedRow]);
    assert_eq!(codes_of("ann.lee,Ann"), [Code::MalformedRow]);
}

#[test]
fn an_invalid_date_does_not_also_count_as_end_before_start() {
    assert_eq!(codes_of(&with_field(7, "yesterday")), [Code::InvalidDate]);
}

#[test]
fn end_equal_to_start_is_fine_and_instants_are_compared() {
    assert_eq!(codes_of(&with_field(7, "2026-01-01")), []);
    // 2025-12-31T20:00-05:00 is 2026-01-01T01:00Z: after the start at midnight UTC.
    assert_eq!(codes_of(&with_field(7, "2025-12-31T20:00-05:00")), []);
}

#[test]
fn several_problems_reject_once_with_every_code() {
    let row = "ann.lee,,Lee,nope,abc,jdoe,2026-01-01,2025-01-01";
    let report = report_of(row, RuleConfig::default());
    assert_eq!(report.rows_rejected, 1);
    let codes: Vec<Code> = report.by_code.keys().copied().collect();
    assert_eq!(
        codes,
        [
            Code::MissingValue,
            Code::InvalidEmail,
            Code::InvalidPhone,
            Code::EndBeforeStart
        ]
    );
    assert_eq!(report.findings.len(), 4);
    assert!(report.findings.iter().all(|f| f.line == 2));
    assert_eq!(report.findings[0].column, Some(2));
    assert_eq!(report.findings[0].field.as_deref(), Some("firstName"));
}

#[test]
fn invalid_utf8_is_rejected_with_its_column() {
    let text = format!("{HEADER}\nann.lee,Ann,L\u{e9}e,ann@example.com,+1 512 555 0100,jdoe,2026-01-01,2026-06-30\n");
    let bytes = text.replace('\u{e9}', "\u{1}").into_bytes();
    let bytes: Vec<u8> = bytes
        .into_iter()
        .map(|b| if b == 1 { 0xE9 } else { b })
        .collect();
    let report = report_of_file(&bytes);
    assert_eq!(report.by_code.get(&Code::InvalidEncoding), Some(&1));
    assert_eq!(report.findings[0].column, Some(3));
}

/// Issue 5, testdata/bad/csv-unterminated-quote: "expected 8 fields, found 3" did not say why.
#[test]
fn a_malformed_row_with_a_line_break_in_a_field_suggests_an_open_quote() {
    let text = format!("{HEADER}\nann.lee,Ann,\"Lee,ann@example.com\nbo,Bo,Chen\n");
    let report = report_of_file(text.as_bytes());
    assert_eq!(
        report.findings[0].message,
        "expected 8 fields, found 3 (field 3 runs over several lines: is a quote left open?)"
    );
}

/// Issue 5, testdata/bad/csv-nul-byte: a NUL byte used to pass into upload.csv.
#[test]
fn a_nul_byte_is_rejected_with_its_column() {
    let text = format!(
        "{HEADER}\nann.lee,Ann,Lee\0,ann@example.com,+1 512 555 0100,jdoe,2026-01-01,2026-06-30\n"
    );
    let report = report_of_file(text.as_bytes());
    assert_eq!(report.by_code.get(&Code::InvalidEncoding), Some(&1));
    assert_eq!(report.findings[0].column, Some(3));
    assert_eq!(
        report.findings[0].message,
        "lastName: holds a NUL byte (at position 4 of the field)"
    );
}

#[test]
fn duplicates_are_case_insensitive_and_the_first_is_kept() {
    let rows = [
        GOOD.to_string(),
        with_field(0, "ANN.LEE"),
        with_field(0, "bob"),
        with_field(0, "Ann.Lee"),
    ];
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let report = run_rows(
        Schema::system(),
        HEADER,
        &rows,
        &mut Ledger::new(MAX_ACCOUNTS),
        RuleConfig::default(),
    );
    assert_eq!((report.rows_valid, report.rows_rejected), (2, 2));
    assert_eq!(report.by_code[&Code::DuplicateAccount], 2);
    assert!(report.findings.iter().all(|f| f.message.contains("line 2")));
    assert_eq!(
        report.findings.iter().map(|f| f.line).collect::<Vec<_>>(),
        [3, 5]
    );
}

#[test]
fn an_invalid_first_occurrence_still_claims_the_name() {
    let rows = [with_field(3, "bad-email"), GOOD.to_string()];
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let report = run_rows(
        Schema::system(),
        HEADER,
        &rows,
        &mut Ledger::new(MAX_ACCOUNTS),
        RuleConfig::default(),
    );
    assert_eq!(report.rows_rejected, 2);
    assert_eq!(report.by_code[&Code::DuplicateAccount], 1);
}

/// A ledger over sources of at most `limit` accounts, each given as its name and accounts.
fn ledger_of(limit: u64, sources: &[(&str, &[&str])]) -> Ledger {
    let mut tenant = Tenant::new(&Schema::system(), limit);
    for (name, accounts) in sources {
        let source = tenant.add_source(name, None).unwrap();
        tenant.add_accounts(source, accounts.iter());
    }
    Ledger::for_tenant(std::sync::Arc::new(tenant))
}

/// Runs rows made of GOOD with these account names.
fn run_accounts(names: &[&str], ledger: &mut Ledger) -> Report {
    let rows: Vec<String> = names.iter().map(|n| with_field(0, n)).collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    run_rows(
        Schema::system(),
        HEADER,
        &rows,
        ledger,
        RuleConfig::default(),
    )
}

#[test]
fn new_accounts_past_the_limit_overflow_and_existing_ones_do_not_count() {
    let mut ledger = ledger_of(4, &[("north", &["old1", "old2", "Old3"])]);
    let report = run_accounts(&["new1", "old3", "new2", "OLD1", "new3"], &mut ledger);
    // 3 existing + new1 = 4; new2 and new3 have no room; old3 and OLD1 are in the source.
    assert_eq!((report.rows_valid, report.rows_rejected), (5, 0));
    assert_eq!((report.rows_uploaded, report.overflow), (3, 2));
    assert!(report.findings.is_empty(), "overflow is not a finding");
    assert_eq!(
        report.accounts,
        AccountCounts {
            limit: 4,
            existing: 3,
            new: 1,
            updates: 0,
            unchanged: 2
        }
    );
    assert_eq!(report.sources[0].capacity_left, 0);
    // old2 is named by no row.
    assert_eq!(report.absent, 1);
    assert_eq!(
        (0..3).map(|r| ledger.is_mentioned(r)).collect::<Vec<_>>(),
        [true, false, true]
    );
}

#[test]
fn rejected_rows_do_not_use_up_the_limit() {
    let rows = [with_field(3, "x"), with_field(0, "b"), with_field(0, "c")];
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let report = run_rows(
        Schema::system(),
        HEADER,
        &rows,
        &mut Ledger::new(1),
        RuleConfig::default(),
    );
    assert_eq!(
        (report.rows_valid, report.rows_uploaded, report.overflow),
        (2, 1, 1)
    );
    assert_eq!(report.by_code[&Code::InvalidEmail], 1);
}

#[test]
fn new_accounts_fill_the_sources_in_order_or_evenly() {
    let names = ["n1", "n2", "n3", "n4", "n5", "n6"];
    let sources: &[(&str, &[&str])] = &[("a", &["x1", "x2"]), ("b", &[]), ("c", &["y1"])];
    let in_order = run_accounts(&names, &mut ledger_of(3, sources));
    let creates = |r: &Report| r.sources.iter().map(|s| s.creates).collect::<Vec<_>>();
    assert_eq!(creates(&in_order), [1, 3, 2]);
    assert_eq!(in_order.overflow, 0);
    let mut balanced = ledger_of(3, sources).fill(Fill::Balanced);
    let evenly = run_accounts(&names[..3], &mut balanced);
    // b (0 held) takes n1, then b and c hold 1 each: c is later, so b takes n2; then c.
    assert_eq!(creates(&evenly), [0, 2, 1]);
    let full = run_accounts(&names, &mut ledger_of(3, sources).fill(Fill::Balanced));
    assert_eq!(creates(&full), [1, 3, 2]);
}

#[test]
fn an_account_in_two_exports_is_rejected_and_unchanged_rows_can_be_set_aside() {
    let sources: &[(&str, &[&str])] = &[("a", &["both", "mine"]), ("b", &["BOTH"])];
    let mut ledger = ledger_of(10, sources).skip_unchanged(true);
    let report = run_accounts(&["both", "mine", "new"], &mut ledger);
    assert_eq!(report.by_code[&Code::AccountInTwoSources], 1);
    assert!(report.findings[0]
        .message
        .contains("two sources' exports, a and b"));
    assert_eq!((report.unchanged_skipped, report.rows_uploaded), (1, 1));
    assert_eq!(report.sources[0].unchanged, 1);
    assert_eq!(report.absent, 0);
}

#[test]
fn a_refed_duplicate_whose_account_is_in_an_export_is_still_a_duplicate() {
    let header = format!("line,codes,messages,{HEADER}");
    let row = |codes: &str, name: &str| format!("7,{codes},x,{}", with_field(0, name));
    let rows = [
        row("duplicate-account", "ann.lee"),
        row("invalid-email;duplicate-account", "new.one"),
        row("invalid-email", "bob"),
    ];
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let mut ledger = ledger_of(10, &[("run1", &["ann.lee", "bob"])]);
    let report = run_rows(
        Schema::system(),
        &header,
        &rows,
        &mut ledger,
        RuleConfig::default(),
    );
    assert_eq!(report.rows_rejected, 1);
    assert_eq!(report.findings[0].line, 2);
    assert_eq!(report.findings[0].code, Code::DuplicateAccount);
    assert!(report.findings[0]
        .message
        .contains("already in source run1"));
    assert_eq!((report.accounts.new, report.accounts.unchanged), (1, 1));
}

#[test]
fn unknown_columns_warn_once_and_headers_match_loosely() {
    let header =
        "Account Name;FIRST_NAME;last-name;E-mail;Phone;Manager;Start Date;End Date;Shoe Size";
    let row = format!("{};42", GOOD.replace(',', ";"));
    let report = run_rows(
        Schema::system(),
        header,
        &[&row, &row.replacen("ann.lee", "bob", 1)],
        &mut Ledger::new(10),
        RuleConfig::default(),
    );
    assert_eq!(report.rows_valid, 2);
    assert_eq!(report.warnings.len(), 1);
    assert_eq!(report.warnings[0].code, Code::UnknownColumn);
    assert_eq!(report.warnings[0].column, Some(9));
}

#[test]
fn required_custom_attributes_are_checked() {
    let mut items: Vec<String> = HEADER
        .split(',')
        .map(|n| format!(r#"{{"technicalName":"{n}","system":true,"required":true}}"#))
        .collect();
    items.push(r#"{"technicalName":"badge","type":"TEXT","required":true}"#.into());
    items.push(r#"{"technicalName":"sponsorEmail","type":"EMAIL","required":false}"#.into());
    let schema = Schema::from_json(format!("[{}]", items.join(",")).as_bytes()).unwrap();
    let header = format!("{HEADER},badge,sponsorEmail");
    let rows = [
        format!("{GOOD},B1,"),
        format!("{},,", with_field(0, "b")),
        format!("{},B3,nope", with_field(0, "c")),
    ];
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let report = run_rows(
        schema,
        &header,
        &rows,
        &mut Ledger::new(10),
        RuleConfig::default(),
    );
    assert_eq!(report.rows_valid, 1);
    assert_eq!(report.by_code[&Code::MissingValue], 1);
    assert_eq!(report.by_code[&Code::InvalidEmail], 1);
}

#[test]
fn plan_errors_name_the_problem() {
    let header: Vec<String> = "accountName,firstName,lastName,email,manager,startDate,endDate"
        .split(',')
        .map(String::from)
        .collect();
    let err = ColumnPlan::new(Schema::system(), &header, RuleConfig::default()).unwrap_err();
    assert!(
        matches!(err, PlanError::MissingColumns { ref attributes, .. } if attributes == &["phone"]),
        "{err}"
    );

    // Issue 9: every missing column is named at once, in schema order.
    let header: Vec<String> = "email,lastName,Notes"
        .split(',')
        .map(String::from)
        .collect();
    let err = ColumnPlan::new(Schema::system(), &header, RuleConfig::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the input has no column for required attributes `accountName`, `firstName`, `phone`, \
         `manager`, `startDate` and `endDate`; its header is: email,lastName,Notes"
    );

    let header: Vec<String> = format!("{HEADER},E-Mail")
        .split(',')
        .map(String::from)
        .collect();
    let err = ColumnPlan::new(Schema::system(), &header, RuleConfig::default()).unwrap_err();
    assert!(
        matches!(
            err,
            PlanError::DuplicateColumn {
                first: 4,
                second: 9,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn findings_are_capped_with_a_flag() {
    let rows: Vec<String> = (0..10)
        .map(|i| with_field(0, &format!("a{i}")).replace("ann@example.com", "bad"))
        .collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let text = format!("{HEADER}\n{}\n", rows.join("\n"));
    let report = run_bytes(
        Schema::system(),
        text.as_bytes(),
        &mut Ledger::new(100),
        RuleConfig::default(),
        3,
    );
    assert_eq!(report.rows_rejected, 10);
    assert_eq!(report.findings.len(), 3);
    assert!(report.findings_truncated);
}

/// The upload holds the `--date-format` dates in the one ISO form (issue 9: this only checked
/// that the row was valid).
#[test]
fn explicit_date_format_is_used_and_normalised() {
    let rules = RuleConfig {
        dates: rules::DateRule::with_format("%d/%m/%Y"),
        ..RuleConfig::default()
    };
    let row = with_field(6, "24/03/2026").replace("2026-06-30", " 30/06/2026 ");
    let text = format!("{HEADER}\n{row}\n");
    let mut source = CsvSource::new(text.as_bytes(), CsvOptions::default()).unwrap();
    let plan = ColumnPlan::new(Schema::system(), source.header(), rules).unwrap();
    let rows = source.read_chunk(10, 1 << 20).unwrap();
    let checked = plan.check(&rows[0]);
    assert!(checked.is_valid(), "{:?}", checked.verdict.issues);
    let dates: Vec<String> = checked.values[6..]
        .iter()
        .map(|v| v.text().into())
        .collect();
    assert_eq!(
        dates,
        ["2026-03-24T00:00:00+00:00", "2026-06-30T00:00:00+00:00"]
    );
}

/// Rows given as they are, for sources that are not CSV.
struct Rows(Vec<String>, Vec<Row>);

impl RowSource for Rows {
    fn header(&self) -> &[String] {
        &self.0
    }
    fn next_row(&mut self, row: &mut Row) -> Result<bool, nebulk_read::ReadError> {
        if self.1.is_empty() {
            return Ok(false);
        }
        *row = self.1.remove(0);
        Ok(true)
    }
    fn bytes_read(&self) -> u64 {
        0
    }
}

#[test]
fn row_problems_become_codes_and_their_fields_are_not_checked_again() {
    let header: Vec<String> = HEADER.split(',').map(String::from).collect();
    let problem = |kind, column, message: &str| RowProblem {
        kind,
        column,
        message: message.into(),
    };
    let mut transform = Row::from_fields(4, with_field(2, "").split(','));
    transform.problems.push(problem(
        nebulk_read::ProblemKind::Transform,
        Some(2),
        "last-name: 'Cher' has no last name",
    ));
    let mut encoding = Row::from_fields(7, with_field(0, "b").split(','));
    encoding.problems.push(problem(
        nebulk_read::ProblemKind::Encoding,
        None,
        "notes: not valid UTF-8",
    ));
    let source = Rows(header.clone(), vec![transform, encoding]);
    let plan = ColumnPlan::new(Schema::system(), &header, RuleConfig::default()).unwrap();
    let report = Engine::new(&plan)
        .max_findings(10)
        .run(source, &mut Ledger::new(10), &mut NullSink)
        .unwrap();
    assert_eq!(report.rows_rejected, 2);
    let codes: Vec<Code> = report.by_code.keys().copied().collect();
    assert_eq!(
        codes,
        [Code::InvalidEncoding, Code::TransformFailed],
        "no missing-value for the emptied field"
    );
    assert_eq!(
        report.findings[0].message,
        "lastName: last-name: 'Cher' has no last name"
    );
    assert_eq!(report.findings[0].column, Some(3));
}

/// Runs one row under `formulas` and gives the report.
fn formula_report(row: &str, formulas: FormulaPolicy) -> Report {
    let rules = RuleConfig {
        formulas,
        ..RuleConfig::default()
    };
    report_of(row, rules)
}

#[test]
fn formula_cells_warn_by_default_and_reject_under_strict() {
    let row = with_field(1, "=HYPERLINK(\"http://x\")");
    let warned = formula_report(&row, FormulaPolicy::Warn);
    assert_eq!((warned.rows_valid, warned.rows_rejected), (1, 0));
    assert_eq!(warned.by_code[&Code::FormulaInjection], 1);
    assert_eq!(warned.findings[0].severity, Severity::Warning);
    assert_eq!(warned.findings[0].column, Some(2));

    let strict = formula_report(&row, FormulaPolicy::Reject);
    assert_eq!((strict.rows_valid, strict.rows_rejected), (0, 1));
    assert_eq!(strict.findings[0].severity, Severity::Error);
    assert_eq!(strict.by_code[&Code::FormulaInjection], 1);
}

#[test]
fn phone_numbers_dates_and_plain_values_are_not_formulas() {
    for row in [
        GOOD.to_string(),
        with_field(4, "+44 20 7946 0958"),
        with_field(4, "-512 555 0100"),
        with_field(2, "Lee-Smith"),
        with_field(6, "2026-01-01T00:00:00-05:00"),
    ] {
        let report = formula_report(&row, FormulaPolicy::Reject);
        assert_eq!(report.rows_valid, 1, "{row}: {:?}", report.findings);
    }
}

#[test]
fn neutralised_values_keep_the_row_and_carry_a_quote() {
    let text = format!("{HEADER}\n{}\n", with_field(5, "@SUM(A1)"));
    let source = CsvSource::new(text.as_bytes(), CsvOptions::default()).unwrap();
    let rules = RuleConfig {
        formulas: FormulaPolicy::Neutralise,
        ..RuleConfig::default()
    };
    let plan = ColumnPlan::new(Schema::system(), source.header(), rules).unwrap();
    let mut source = source;
    let rows = source.read_chunk(10, 1 << 20).unwrap();
    let checked = plan.check(&rows[0]);
    assert!(checked.is_valid());
    assert_eq!(checked.values[5], UploadValue::Neutralised("@SUM(A1)"));
    assert_eq!(checked.values[5].text(), "'@SUM(A1)");
    assert_eq!(checked.verdict.warnings[0].code, Code::FormulaInjection);
}

#[test]
fn a_held_record_is_placed_in_its_source_and_an_unknown_source_takes_a_new_account() {
    let mut tenant = Tenant::new(&Schema::system(), 5);
    let north = tenant.add_source("north", None).unwrap();
    let south = tenant.add_source("south", None).unwrap();
    tenant.add_accounts(north, ["ann"]);
    let mut ledger = Ledger::for_tenant(std::sync::Arc::new(tenant));
    let mut place = |name: &str, line, source: u16| {
        let mut verdict = Verdict {
            account_key: Some(AccountKey::of(name)),
            ..Verdict::default()
        };
        let held = Held {
            index: 0,
            source,
            also_in: None,
        };
        let known = Known {
            record: Some(held),
            changed: None,
        };
        let row = Row {
            line,
            ..Row::default()
        };
        ledger
            .admit(&mut verdict, &row, Some(0), known)
            .map(|p| p.source())
    };
    assert_eq!(place("ann", 2, south as u16), Some(Some(south)));
    assert_eq!(
        place("bob", 3, 7),
        Some(Some(north)),
        "no source 7: a new account"
    );
    assert_eq!(ledger.placed()[south].unchanged, 1);
    assert_eq!(ledger.placed()[north].creates, 1);
}

/// The messages of the rows of `rows` (line, file, account name) the ledger rejects as
/// duplicates, in order.
fn duplicate_messages(rows: &[(u64, Option<&str>, &str)]) -> Vec<String> {
    let mut ledger = Ledger::new(100);
    let mut messages = Vec::new();
    for &(line, file, name) in rows {
        let row = Row {
            line,
            file: file.map(Into::into),
            ..Row::default()
        };
        let mut verdict = Verdict {
            account_key: Some(AccountKey::of(name)),
            ..Verdict::default()
        };
        if ledger
            .admit(&mut verdict, &row, Some(0), Known::default())
            .is_none()
        {
            messages.push(verdict.issues[0].message.clone());
        }
    }
    messages
}

/// With rows naming their files, a duplicate names the line and file of the first use, however
/// many names came between; a row without a file among them is named by its line alone.
#[test]
fn duplicates_across_files_name_the_first_use() {
    let messages = duplicate_messages(&[
        (2, Some("a.json"), "ann"),
        (3, Some("a.json"), "bob"),
        (2, Some("b.json"), "cy"),
        (9, None, "dee"),
        (4, Some("c.json"), "BOB"),
        (5, Some("c.json"), "cy"),
        (6, Some("c.json"), "dee"),
        (7, Some("c.json"), "Ann"),
    ]);
    assert_eq!(
        messages,
        [
            "account name already used on line 3 of a.json",
            "account name already used on line 2 of b.json",
            "account name already used on line 9",
            "account name already used on line 2 of a.json",
        ]
    );
}

/// When the first row names no file, the rows are one input: duplicates give lines alone,
/// even of a later row that names a file.
#[test]
fn duplicates_of_one_input_give_the_line_alone() {
    let messages = duplicate_messages(&[
        (2, None, "ann"),
        (3, Some("b.json"), "bob"),
        (4, None, "ANN"),
        (5, None, "Bob"),
    ]);
    assert_eq!(
        messages,
        [
            "account name already used on line 2",
            "account name already used on line 3",
        ]
    );
}

proptest::proptest! {
    /// Checking without the values to upload gives the verdict checking with them gives:
    /// `validate` relies on it ([`ColumnPlan::check_without_values`]).
    #[test]
    fn a_check_without_values_gives_the_same_verdict(
        mut fields in proptest::collection::vec(
            "( |=1+2|-x|@a|ann@example.com|a@b|\\+1 512 555 0100|12|2026-01-01T08:00:00Z|x{0,3}|\u{e9}| a )",
            8,
        ),
        dates in proptest::collection::vec("(2026-0[1-9]-[0-3][0-9]|2026-01-01T08:00:00-05:00|x|)", 2),
        width in 7usize..10,
        formulas in proptest::sample::select(vec![FormulaPolicy::Warn, FormulaPolicy::Neutralise, FormulaPolicy::Reject]),
        max_value_len in 1usize..20,
    ) {
        let header: Vec<String> = HEADER.split(',').map(String::from).collect();
        let rules = RuleConfig { formulas, max_value_len, ..RuleConfig::default() };
        let plan = ColumnPlan::new(Schema::system(), &header, rules).unwrap();
        // The two dates in their columns; a row one field short or long now and then.
        fields.splice(6..8, dates);
        fields.resize(width, "x".to_string());
        let row = Row::from_fields(2, &fields);
        let with = plan.check(&row);
        let without = plan.check_without_values(&row);
        proptest::prop_assert_eq!(&without.verdict, &with.verdict);
        proptest::prop_assert!(without.values.is_empty());
    }
}
