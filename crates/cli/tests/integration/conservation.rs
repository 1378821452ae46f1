//! Property: every input row ends in exactly one of upload.csv and rejects.csv, and upload rows
//! read back equal the normalised input.

use nebulk_schema::SystemAttr;
use proptest::prelude::*;

use crate::harness::{csv_records, run_in};

/// Date values with their normalised form (`None` when invalid).
const DATES: [(&str, Option<&str>); 6] = [
    ("2026-01-05", Some("2026-01-05T00:00:00+00:00")),
    ("2026-12-31", Some("2026-12-31T00:00:00+00:00")),
    ("2026-03-24T00:00-05:00", Some("2026-03-24T00:00:00-05:00")),
    (" 2026-06-01T08:30:00Z ", Some("2026-06-01T08:30:00+00:00")),
    ("2026-02-30", None),
    ("", None),
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,8}",
        " ?[A-Za-zÀ-ÿ'\\-]{0,6} ?",
        "[a-z]{1,4}, [a-z]{1,4}",
        "\"[a-z]{0,3}\"",
        "[a-z]{1,3}\n[a-z]{1,3}",
        Just(String::new()),
        Just("  ".to_string()),
    ]
}

fn row() -> impl Strategy<Value = Vec<String>> {
    (
        prop_oneof!["[a-c]{1,2}", "[A-C]{1,2}", Just(String::new())],
        text(),
        text(),
        prop_oneof![
            "[a-z]{1,5}@example\\.com",
            "[a-z]{1,5}@?",
            Just(String::new())
        ],
        prop_oneof!["\\+?[0-9 ]{6,16}", "[a-z0-9]{1,5}"],
        text(),
        0..DATES.len(),
        0..DATES.len(),
        prop_oneof![8 => Just(0i8), 1 => Just(-1i8), 1 => Just(1i8)],
    )
        .prop_map(
            |(account, first, last, email, phone, manager, start, end, shape)| {
                let mut fields = vec![
                    account,
                    first,
                    last,
                    email,
                    phone,
                    manager,
                    DATES[start].0.to_string(),
                    DATES[end].0.to_string(),
                ];
                match shape {
                    -1 => {
                        fields.pop();
                    }
                    1 => fields.push("extra".into()),
                    _ => {}
                }
                fields
            },
        )
}

fn normalise(column: usize, value: &str) -> String {
    if column >= 6 {
        if let Some((_, Some(norm))) = DATES.iter().find(|(raw, _)| *raw == value) {
            return norm.to_string();
        }
    }
    value.trim().to_string()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn every_row_lands_in_exactly_one_file(rows in proptest::collection::vec(row(), 0..40)) {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = csv::WriterBuilder::new().flexible(true).from_path(dir.path().join("in.csv")).unwrap();
        writer
            .write_record(SystemAttr::ALL.map(SystemAttr::technical_name))
            .unwrap();
        for row in &rows {
            writer.write_record(row).unwrap();
        }
        writer.flush().unwrap();
        drop(writer);

        let run = run_in(dir.path(), &["convert", "in.csv", "--out", "out", "-q"]);
        prop_assert!(run.code == 0 || run.code == 1, "exit {}: {}", run.code, run.stderr);
        let upload = csv_records(&dir.path().join("out/upload.csv"));
        let rejects = csv_records(&dir.path().join("out/rejects.csv"));
        prop_assert_eq!(upload.len() + rejects.len(), rows.len());

        // Rejects name distinct lines, and hold the original fields byte for byte.
        let original_by_line = input_lines(&dir.path().join("in.csv"));
        let mut rejected_lines = std::collections::BTreeSet::new();
        for record in &rejects {
            let line: u64 = std::str::from_utf8(&record[0]).unwrap().parse().unwrap();
            prop_assert!(rejected_lines.insert(line), "line {} rejected twice", line);
            let original = original_by_line.iter().find(|(l, _)| *l == line).map(|(_, r)| r);
            prop_assert_eq!(Some(&record.iter().skip(3).map(<[u8]>::to_vec).collect::<Vec<_>>()), original);
        }

        // The rows not rejected are uploaded, in order, normalised.
        let kept: Vec<&Vec<Vec<u8>>> = original_by_line.iter().filter(|(l, _)| !rejected_lines.contains(l)).map(|(_, r)| r).collect();
        prop_assert_eq!(kept.len(), upload.len());
        for (input, output) in kept.iter().zip(&upload) {
            // Every column, not only as many as the shorter row has (issue 9).
            prop_assert_eq!(output.len(), input.len());
            for (column, (raw, written)) in input.iter().zip(output.iter()).enumerate() {
                let raw = std::str::from_utf8(raw).unwrap();
                let expected = normalise(column, raw);
                prop_assert_eq!(expected.as_bytes(), written);
            }
        }
    }
}

/// The input's records with the line each starts on (as nebulk numbers them).
fn input_lines(path: &std::path::Path) -> Vec<(u64, Vec<Vec<u8>>)> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .unwrap();
    let mut out = Vec::new();
    let mut record = csv::ByteRecord::new();
    let mut line = 2;
    while reader.read_byte_record(&mut record).unwrap() {
        let fields: Vec<Vec<u8>> = record.iter().map(<[u8]>::to_vec).collect();
        let newlines = fields
            .iter()
            .map(|f| f.iter().filter(|b| **b == b'\n').count() as u64)
            .sum::<u64>();
        out.push((line, fields));
        line += 1 + newlines;
    }
    out
}
