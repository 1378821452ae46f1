//! The committed workbooks of `testdata/readers/excel`: one contractor list saved as xlsx, ods
//! and xls, each read as `contractors.expected.csv` says.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use nebulk_read::RowSource;
use rust_xlsxwriter::{ExcelDateTime as XlDate, Format, Formula, Workbook};

use super::{fixture_dir, known, read_all};
use crate::SpreadsheetSource;

/// Writes `testdata/readers/excel/contractors.xlsx`; the `.ods` and `.xls` versions are
/// converted from it (see the README there). Run with `--ignored` to regenerate.
#[test]
#[ignore = "regenerates a committed fixture"]
fn write_contractors_fixture() {
    let mut workbook = Workbook::new();
    let s = workbook.add_worksheet().set_name("Contractors").unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let dmy = Format::new().set_num_format("dd/mm/yyyy");
    s.write(0, 0, "Contractor list — Acme Field Services")
        .unwrap();
    s.write(1, 0, "Exported").unwrap();
    s.write(1, 1, "March 2024").unwrap();
    s.write_row(
        3,
        0,
        [
            "accountName",
            "firstName",
            "lastName",
            "email",
            "phone",
            "manager",
            "startDate",
            "endDate",
            "employeeId",
            "active",
        ],
    )
    .unwrap();
    type Person<'a> = (&'a str, &'a str, &'a str, f64, &'a str, u32, f64, bool);
    let people: [Person; 3] = [
        (
            "ann.lee",
            "Ann",
            "Lee",
            15125550100.0,
            "mgr.one",
            4,
            1042.0,
            true,
        ),
        (
            "bob.ray",
            "Bob",
            "Ray",
            4401632960123.0,
            "mgr.one",
            5,
            1043.0,
            false,
        ),
        (
            "jose.nunez",
            "José",
            "Núñez",
            0.0,
            "mgr.two",
            8,
            1044.5,
            true,
        ),
    ];
    for (account, first, last, phone, manager, row, id, active) in people {
        s.write(row, 0, account).unwrap();
        s.write(row, 1, first).unwrap();
        s.write(row, 2, last).unwrap();
        let r = row + 1;
        s.write_formula(
            row,
            3,
            Formula::new(format!("=LOWER(B{r}&\".\"&C{r})&\"@example.com\"")).set_result(format!(
                "{}.{}@example.com",
                first.to_lowercase(),
                last.to_lowercase()
            )),
        )
        .unwrap();
        if phone > 0.0 {
            s.write(row, 4, phone).unwrap();
        } else {
            s.write(row, 4, "+1 (512) 555-0199").unwrap();
        }
        s.write(row, 5, manager).unwrap();
        s.write(row, 8, id).unwrap();
        s.write(row, 9, active).unwrap();
    }
    s.write_datetime_with_format(4, 6, XlDate::from_ymd(2024, 3, 1).unwrap(), &date)
        .unwrap();
    s.write_datetime_with_format(4, 7, XlDate::from_ymd(2024, 12, 31).unwrap(), &date)
        .unwrap();
    s.write_number_with_format(5, 6, 45413.0, &dmy).unwrap();
    s.write_datetime_with_format(8, 6, XlDate::from_ymd(2024, 6, 15).unwrap(), &date)
        .unwrap();
    s.write_datetime_with_format(8, 7, XlDate::from_ymd(2025, 6, 14).unwrap(), &date)
        .unwrap();
    let notes = workbook.add_worksheet().set_name("Notes").unwrap();
    notes
        .write(0, 0, "Managers must approve end dates.")
        .unwrap();
    workbook
        .save(fixture_dir().join("contractors.xlsx"))
        .unwrap();
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Each committed `contractors.*` workbook reads as `contractors.expected.csv` says: the
/// first field of each record is the row number, the first record is the header.
#[test]
fn committed_fixtures_match_expected_csv() {
    let dir = fixture_dir();
    let expected = read_csv(&dir.join("contractors.expected.csv"));
    assert_eq!(expected.len(), 4, "header and three rows");
    let mut failures = Vec::new();
    for name in ["contractors.xlsx", "contractors.ods", "contractors.xls"] {
        let path = dir.join(name);
        let mut source = SpreadsheetSource::open(&path, None, &known).unwrap();
        assert_eq!(source.sheet_name(), "Contractors", "{name}");
        let mut got = vec![std::iter::once(source.header_line().to_string())
            .chain(source.header().iter().cloned())
            .collect::<Vec<_>>()];
        for (line, fields) in read_all(&mut source) {
            got.push(std::iter::once(line.to_string()).chain(fields).collect());
        }
        if got != expected {
            failures.push(format!(
                "{name}:\n  got      {got:?}\n  expected {expected:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
