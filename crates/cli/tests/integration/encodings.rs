//! Inputs in other encodings (issue 9): any text Windows-1252 can hold, saved as Windows-1252
//! and read with `--encoding windows-1252`, gives what the same text saved as UTF-8 gives,
//! byte for byte, in every output.

use std::path::Path;

use nebulk_read::{encoding_for_label, CsvOptions, CsvSource, Encoding, RowSource};
use nebulk_schema::Schema;
use nebulk_validate::{ColumnPlan, Engine, Ledger, Report, RuleConfig};
use proptest::prelude::*;

use crate::harness::run_in;

/// Every character Windows-1252 encodes but the C0 controls (tab, line breaks kept).
const WINDOWS_1252_TEXT: &str = "[\t\r\n -~\u{a0}-\u{ff}€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]";

fn windows_1252() -> &'static Encoding {
    encoding_for_label("windows-1252").unwrap()
}

/// A CSV field, quoted.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// A file of accounts whose names, email local parts and a custom column hold any Windows-1252
/// text (quoted, so delimiters and line breaks in them are fine).
fn accounts() -> impl Strategy<Value = String> {
    let name = || proptest::string::string_regex(&format!("{WINDOWS_1252_TEXT}{{0,12}}")).unwrap();
    let row = (name(), name(), name(), 0..4u32);
    proptest::collection::vec(row, 0..12).prop_map(|rows| {
        let mut text = String::from(
            "accountName;firstName;lastName;email;phone;manager;startDate;endDate;Büro\r\n",
        );
        for (i, (first, last, office, day)) in rows.into_iter().enumerate() {
            let fields = [
                quoted(&format!("{first}.{i}")),
                quoted(&first),
                quoted(&last),
                format!("user{i}@example.com"),
                "+49 30 1234567".to_string(),
                "jane.doe".to_string(),
                format!("2026-01-{:02}", day + 1),
                "2026-12-31".to_string(),
                quoted(&office),
            ];
            text.push_str(&fields.join(";"));
            text.push_str("\r\n");
        }
        text
    })
}

/// Runs the library on `bytes` read with `options` into a `FileSink` in `dir`.
fn convert(bytes: &[u8], options: CsvOptions, dir: &Path) -> Report {
    let source = CsvSource::new(bytes, options).unwrap();
    let schema = Schema::from_template_csv(
        "accountName,firstName,lastName,email,phone,manager,startDate,endDate,Büro".as_bytes(),
    )
    .unwrap();
    let plan = ColumnPlan::new(schema, source.header(), RuleConfig::default()).unwrap();
    let mut sink = crate::harness::file_sink(dir, &plan).unwrap();
    let report = Engine::new(&plan)
        .max_findings(usize::MAX)
        .run(source, &mut Ledger::new(20_000), &mut sink)
        .unwrap();
    sink.finish().unwrap();
    report
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn windows_1252_with_encoding_gives_the_utf8_outputs(text in accounts()) {
        let (encoded, _, unmappable) = windows_1252().encode(&text);
        prop_assert!(!unmappable);
        let (utf8_dir, latin_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let from_utf8 = convert(text.as_bytes(), CsvOptions::default(), utf8_dir.path());
        let options = CsvOptions { encoding: Some(windows_1252()), ..CsvOptions::default() };
        let from_latin = convert(&encoded, options, latin_dir.path());
        prop_assert_eq!(&from_utf8, &from_latin);
        for file in ["upload.csv", "rejects.csv"] {
            let utf8 = std::fs::read(utf8_dir.path().join(file)).unwrap();
            let latin = std::fs::read(latin_dir.path().join(file)).unwrap();
            prop_assert_eq!(String::from_utf8(utf8).unwrap(), String::from_utf8(latin).unwrap(), "{}", file);
        }
    }
}

/// The same file through the binary: only `encoding` in report.json tells the runs apart.
#[test]
fn the_binary_reads_windows_1252_as_the_utf8_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = "accountName;firstName;lastName;email;phone;manager;startDate;endDate\r\n\
                jurgen.m;Jürgen;Müller;j@example.de;+49 30 1234567;jane.doe;2026-01-05;2026-12-31\r\n\
                zoe.f;Zoë;François – Œuvre €;z@example.fr;+33 1 23 45 67 89;jane.doe;2026-01-05;2026-12-31\r\n";
    std::fs::write(dir.path().join("utf8.csv"), text).unwrap();
    std::fs::write(dir.path().join("ansi.csv"), windows_1252().encode(text).0).unwrap();
    let utf8 = run_in(dir.path(), &["convert", "utf8.csv", "--out", "a", "-q"]);
    let ansi = run_in(
        dir.path(),
        &[
            "convert",
            "ansi.csv",
            "--encoding",
            "latin1",
            "--out",
            "b",
            "-q",
        ],
    );
    assert_eq!(
        (utf8.code, ansi.code),
        (0, 0),
        "{}{}",
        utf8.stderr,
        ansi.stderr
    );
    for file in ["upload.csv", "rejects.csv"] {
        let read = |out: &str| std::fs::read(dir.path().join(out).join(file)).unwrap();
        assert_eq!(read("a"), read("b"), "{file}");
    }
    let report = |out: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.path().join(out).join("report.json")).unwrap())
            .unwrap()
    };
    let (mut a, mut b) = (report("a"), report("b"));
    assert_eq!(b["encoding"], "windows-1252");
    for report in [&mut a, &mut b] {
        let object = report.as_object_mut().unwrap();
        object.remove("encoding");
        object.remove("input");
        // One run was given --encoding.
        object.remove("options");
    }
    assert_eq!(a, b);
}
