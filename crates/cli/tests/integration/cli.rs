//! Command-line behaviour: exit codes, messages, standard input, atomic and repeatable output.

use crate::harness::{nebulk, run_in, testdata};

fn sample() -> std::path::PathBuf {
    testdata().join("sample")
}

#[test]
fn help_exits_zero_and_shows_examples() {
    for sub in ["validate", "convert", "gen"] {
        let run = run_in(&sample(), &[sub, "--help"]);
        assert_eq!(run.code, 0);
        assert!(
            String::from_utf8_lossy(&run.stdout).contains("Examples:"),
            "{sub} --help"
        );
    }
}

#[test]
fn bad_flags_exit_two() {
    assert_eq!(
        run_in(&sample(), &["convert", "accounts.csv"]).code,
        2,
        "--out is required"
    );
    assert_eq!(
        run_in(&sample(), &["validate", "accounts.csv", "--nope"]).code,
        2
    );
    assert_eq!(
        run_in(
            &sample(),
            &["validate", "accounts.csv", "--delimiter", ";;"]
        )
        .code,
        2
    );
    assert_eq!(
        run_in(&sample(), &["gen", "--rows", "3", "--error-rate", "2"]).code,
        2
    );
}

#[test]
fn csv_files_with_different_headers_are_a_clear_error() {
    let run = run_in(&sample(), &["validate", "."]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "nebulk: error: ./existing.csv: its header differs from ./accounts.csv's: column 1 is \
         `Account Name` where it has `accountName`\n"
    );
}

#[test]
fn several_spreadsheets_are_a_clear_error() {
    let run = run_in(
        &testdata().join("readers/excel"),
        &["validate", "contractors.xlsx", "contractors.ods"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "a spreadsheet input is one file (one sheet, --sheet), and this names 2 files"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn an_output_folder_that_cannot_be_made_is_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let out = blocker.join("out");
    let run = run_in(
        &sample(),
        &["convert", "accounts.csv", "--out", out.to_str().unwrap()],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot create the folder"),
        "{}",
        run.stderr
    );
}

#[test]
fn standard_input_is_read_for_dash() {
    let input = std::fs::read(sample().join("accounts.csv")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut child = nebulk()
        .current_dir(dir.path())
        .args(["convert", "-", "--out", "out", "-q"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &input).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(1));
    let report = crate::harness::json(&dir.path().join("out/report.json"));
    assert_eq!(report["input"], "<stdin>");
    assert_eq!(report["rows_read"], 15);
}

#[test]
fn reruns_give_byte_identical_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_eq!(
        run_in(
            d,
            &[
                "gen",
                "--rows",
                "30000",
                "--error-rate",
                "0.05",
                "--out",
                "in.csv",
                "--template",
                "t.csv"
            ]
        )
        .code,
        0
    );
    for out in ["a", "b"] {
        assert_eq!(
            run_in(
                d,
                &["convert", "in.csv", "--schema", "t.csv", "--out", out, "-q"]
            )
            .code,
            1
        );
    }
    for file in ["upload.csv", "rejects.csv", "report.json"] {
        let a = std::fs::read(d.join("a").join(file)).unwrap();
        let b = std::fs::read(d.join("b").join(file)).unwrap();
        assert!(a == b, "{file} differs between runs");
    }
}

#[test]
fn no_temporary_files_are_left_behind() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(
        &sample(),
        &[
            "convert",
            "accounts.csv",
            "--out",
            dir.path().to_str().unwrap(),
            "-q",
        ],
    );
    assert_eq!(run.code, 1);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["rejects.csv", "report.json", "upload.csv"]);
}

#[test]
fn a_fatal_run_leaves_earlier_outputs_untouched() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("upload.csv"), "from an earlier run\n").unwrap();
    let schema = testdata().join("cases/schema-eleven-custom/template.csv");
    let out = dir.path().to_str().unwrap();
    let run = run_in(
        &sample(),
        &[
            "convert",
            "accounts.csv",
            "--schema",
            schema.to_str().unwrap(),
            "--out",
            out,
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["upload.csv"], "no new or temporary files");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("upload.csv")).unwrap(),
        "from an earlier run\n"
    );
}

#[test]
fn a_utf16_template_reads_as_its_utf8_twin() {
    let dir = tempfile::tempdir().unwrap();
    let template = std::fs::read_to_string(sample().join("template.csv")).unwrap();
    for (name, bom, unit) in [
        (
            "le.csv",
            [0xFF, 0xFE],
            u16::to_le_bytes as fn(u16) -> [u8; 2],
        ),
        ("be.csv", [0xFE, 0xFF], u16::to_be_bytes),
    ] {
        let mut bytes = bom.to_vec();
        bytes.extend(template.encode_utf16().flat_map(unit));
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let run = |schema: &std::path::Path| {
        let schema = schema.to_str().unwrap();
        run_in(&sample(), &["validate", "accounts.csv", "--schema", schema])
    };
    let utf8 = run(&sample().join("template.csv"));
    for name in ["le.csv", "be.csv"] {
        let utf16 = run(&dir.path().join(name));
        assert_eq!(utf16.code, utf8.code, "{name}: {}", utf16.stderr);
        assert_eq!(utf16.stderr, utf8.stderr, "{name}");
    }
}
