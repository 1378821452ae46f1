//! Golden cases: each folder of `testdata/cases/` holds a `cmd` file (the arguments, one line,
//! run in that folder, `$OUT` standing for a fresh output folder) and an `expected/` folder
//! with `exit_code`, `stderr`, `stdout` (when the command prints to it) and every file the run
//! writes into `$OUT` (see [`check_case`]).

use crate::harness::{check_case, testdata, Setup};

macro_rules! golden {
    ($($test:ident => $case:literal,)*) => {
        $(#[test] fn $test() {
            check_case(&testdata().join("cases").join($case), &Setup::default());
        })*
    };
}

golden! {
    sample_convert => "sample-convert",
    sample_validate => "sample-validate",
    all_valid_exits_zero => "all-valid",
    header_only => "header-only",
    semicolon_bom_crlf_json_schema => "semicolon-bom-crlf-json-schema",
    tab_delimiter_and_date_format => "tab-date-format",
    account_limit_counts_existing => "account-limit",
    schema_with_eleven_custom_attributes => "schema-eleven-custom",
    schema_missing_a_system_attribute => "schema-missing-system",
    input_missing_a_column => "input-missing-column",
    input_with_two_columns_for_one_attribute => "input-duplicate-column",
    empty_input => "empty-input",
    missing_input => "missing-input",
    nerm_users_two_pages_active_only => "nerm-users-pages",
    duplicates_across_files_name_the_first_file => "duplicate-across-files",
    csv_folder_read_as_one_table => "csv-folder-of-exports",
    nerm_sessions_with_a_mapping_file => "nerm-sessions-mapping",
    nerm_error_answer_is_fatal => "nerm-error-answer",
    nerm_truncated_page_names_line_and_column => "nerm-truncated",
    map_shows_fields_and_filling => "map-nerm-sessions",
    mapping_with_an_unknown_field_is_fatal => "map-unknown-field",
    excel_xlsx => "excel-xlsx",
    excel_ods => "excel-ods",
    excel_xls => "excel-xls",
    xtracta_issue_example => "xtracta-issue-example",
    xtracta_sniffed_with_awkward_users => "xtracta-sniffed-three-users",
    xtracta_error_answer_is_fatal => "xtracta-error-answer",
    xtracta_truncated_names_line_and_column => "xtracta-truncated",
    srv_folder_with_manifest_and_lookup => "srv-folder-manifest",
    srv_error_answer_in_a_folder_names_the_file => "srv-error-in-folder",
    csv_through_a_mapping_keeps_row_codes => "csv-with-mapping",
    excel_given_a_text_file_is_fatal => "excel-not-a-spreadsheet",
    formula_cells_are_warnings_by_default => "formula-injection",
    formula_cells_are_rejected_under_strict => "formula-injection-strict",
    formula_cells_neutralised_on_request => "formula-injection-neutralised",
    // Issue 9: time zones, checked date layouts, E.164 phones.
    timezone_reads_dates_and_local_times_in_the_zone => "timezone-chicago",
    timezone_not_given_refuses_local_times => "timezone-not-given",
    timezone_unknown_is_fatal => "timezone-unknown",
    date_format_with_an_unknown_specifier_is_fatal => "date-format-unknown-specifier",
    date_format_without_a_date_is_fatal => "date-format-without-a-date",
    excel_date_times_read_in_the_timezone => "excel-date-times-in-a-timezone",
    mapped_dates_read_in_the_timezone => "mapped-dates-in-a-timezone",
    phone_e164_with_a_region => "phone-e164-us",
    phone_region_unknown_is_fatal => "phone-region-unknown",
}

#[test]
fn every_spreadsheet_format_gives_the_same_upload() {
    let cases = testdata().join("cases");
    let upload =
        |case: &str| std::fs::read(cases.join(case).join("expected/out/upload.csv")).unwrap();
    assert_eq!(upload("excel-xlsx"), upload("excel-ods"));
    assert_eq!(upload("excel-xlsx"), upload("excel-xls"));
}
