//! Deterministic output (issue 5): the same convert gives byte-identical upload.csv,
//! rejects.csv, findings.csv and report.json (report.html too, but for the run's time and
//! command line) when run again, with one worker thread or many, and from another
//! folder a second later (so no timestamp, no absolute path and no thread timing shows in them).

use std::path::Path;
use std::time::Duration;

use crate::harness::{comparable, nebulk, testdata, STRUCTURED_SETS};

use crate::harness::CONVERT_OUTPUTS as OUTPUTS;

/// Runs `nebulk convert ARGS --out OUT -q` in `dir` with `RAYON_NUM_THREADS` set (or not), and
/// returns the exit code.
fn convert(dir: &Path, args: &[&str], out: &str, threads: Option<&str>) -> i32 {
    let mut command = nebulk();
    command
        .current_dir(dir)
        .arg("convert")
        .args(args)
        .args(["--out", out, "-q"]);
    match threads {
        Some(n) => command.env("RAYON_NUM_THREADS", n),
        None => command.env_remove("RAYON_NUM_THREADS"),
    };
    let output = command.output().unwrap();
    assert!(
        output.status.code() == Some(0) || output.status.code() == Some(1),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.status.code().unwrap()
}

fn outputs(out: &Path) -> Vec<(String, Vec<u8>)> {
    let mut names: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, OUTPUTS, "files in {}", out.display());
    OUTPUTS
        .iter()
        .map(|name| {
            let bytes = comparable(name, std::fs::read(out.join(name)).unwrap());
            (name.to_string(), bytes)
        })
        .collect()
}

/// Sets up the inputs with `setup` in a folder, converts them four times there (twice with the
/// default threads, once with one, once with eight), then once more in another folder a second
/// later, and checks that all five runs wrote the same bytes.
fn check_deterministic(setup: impl Fn(&Path), args: &[&str]) {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    setup(first.path());
    setup(second.path());
    let runs = [
        (first.path(), "a", None),
        (first.path(), "b", None),
        (first.path(), "c", Some("1")),
        (first.path(), "d", Some("8")),
    ];
    let mut codes = Vec::new();
    for (dir, out, threads) in runs {
        codes.push(convert(dir, args, out, threads));
    }
    // A timestamp to the second would differ now.
    std::thread::sleep(Duration::from_millis(1100));
    codes.push(convert(second.path(), args, "a", Some("2")));
    assert!(
        codes.windows(2).all(|w| w[0] == w[1]),
        "exit codes {codes:?}"
    );

    let expected = outputs(&first.path().join("a"));
    assert!(
        expected.iter().any(|(name, bytes)| name == "upload.csv"
            && bytes.iter().filter(|b| **b == b'\n').count() > 1),
        "the scenario uploads rows"
    );
    for (dir, out) in [
        (first.path(), "b"),
        (first.path(), "c"),
        (first.path(), "d"),
        (second.path(), "a"),
    ] {
        for ((name, want), (_, got)) in expected.iter().zip(outputs(&dir.join(out))) {
            assert!(
                *want == got,
                "{name} of run {out} in {} differs from the first run's",
                dir.display()
            );
        }
    }
    let report = String::from_utf8_lossy(&expected[1].1).into_owned();
    for dir in [first.path(), second.path(), &std::env::temp_dir()] {
        let dir = dir.to_string_lossy();
        assert!(!report.contains(&*dir), "report.json names {dir}");
    }
}

fn gen(dir: &Path) {
    let run = crate::harness::run_in(
        dir,
        &[
            "gen",
            "--rows",
            "20000",
            "--seed",
            "17",
            "--error-rate",
            "0.1",
            "--max-accounts",
            "15000",
            "--out",
            "accounts.csv",
            "--template",
            "template.csv",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn generated_data_with_faults_converts_to_the_same_bytes() {
    // Several engine chunks, every fault class, and the account limit crossed midway.
    check_deterministic(
        gen,
        &[
            "accounts.csv",
            "--schema",
            "template.csv",
            "--max-accounts",
            "15000",
        ],
    );
}

/// Copies `from` (under testdata/readers) into `dir/folder` `copies` times, as
/// `NN-name`, so that files are read in parallel and the same accounts recur across files.
fn copies(dir: &Path, folder: &str, from: &[&str], copies: usize) {
    let target = dir.join(folder);
    std::fs::create_dir(&target).unwrap();
    for copy in 0..copies {
        for name in from {
            let source = testdata().join("readers").join(name);
            let file = Path::new(name).file_name().unwrap().to_string_lossy();
            std::fs::copy(source, target.join(format!("{copy:02}-{file}"))).unwrap();
        }
    }
}

#[test]
fn a_folder_of_json_pages_converts_to_the_same_bytes() {
    // The same users in every copy: which one comes first decides the duplicates.
    let setup = |dir: &Path| {
        copies(
            dir,
            "pages",
            &["nerm/users-page1.json", "nerm/users-page2.json"],
            8,
        )
    };
    let mut args = vec!["pages"];
    args.extend(STRUCTURED_SETS);
    check_deterministic(setup, &args);
}

#[test]
fn a_folder_of_xml_answers_converts_to_the_same_bytes() {
    let setup = |dir: &Path| {
        copies(
            dir,
            "answers",
            &[
                "srv/success.xml",
                "srv/soap-escaped.xml",
                "srv/soap-nested.xml",
                "srv/empty-roles.xml",
            ],
            12,
        )
    };
    let mut args = vec!["answers", "--set", "firstName=Ann", "--set", "lastName=Lee"];
    args.extend(["--set", "email=ann@example.com"]);
    args.extend(STRUCTURED_SETS);
    check_deterministic(setup, &args);
}

#[test]
fn an_xml_input_converts_to_the_same_bytes() {
    let setup = |dir: &Path| {
        std::fs::copy(
            testdata().join("readers/xtracta/three-users.xml"),
            dir.join("users.xml"),
        )
        .unwrap();
    };
    let mut args = vec!["users.xml"];
    args.extend(STRUCTURED_SETS);
    check_deterministic(setup, &args);
}

/// Users in [`large_answer`], six lines each after two lines of prologue.
const LARGE_USERS: usize = 8000;

/// Writes `users.xml`, an answer large enough to be cut into pieces parsed on the workers
/// (1.5 MB): every 500th user from the 7th has a bad address, every 500th from the 8th the
/// same address.
fn large_answer(dir: &Path) {
    let mut xml = String::from("<user_response>\n<status>200</status>\n");
    for i in 0..LARGE_USERS {
        let email = match i % 500 {
            7 => "not-an-address".to_string(),
            8 => "ann.dup@example.com".to_string(),
            _ => format!("user.{i}@example.com"),
        };
        xml.push_str(&format!(
            "  <user>\n    <user_id>{i}</user_id>\n    <name>Ann &amp; Lee {i}</name>\n    \
             <email_address>{email}</email_address>\n    \
             <assigned_workflows>1,{i}</assigned_workflows>\n  </user>\n"
        ));
    }
    xml.push_str("</user_response>\n");
    std::fs::write(dir.join("users.xml"), xml).unwrap();
}

#[test]
fn a_large_xml_answer_converts_to_the_same_bytes() {
    let mut args = vec!["users.xml"];
    args.extend(STRUCTURED_SETS);
    check_deterministic(large_answer, &args);
}

/// The answer's pieces are parsed apart, yet each reject names the line of its `<user>`.
#[test]
fn a_large_xml_answer_s_rejects_name_their_users_lines() {
    let dir = tempfile::tempdir().unwrap();
    large_answer(dir.path());
    let mut args = vec!["users.xml"];
    args.extend(STRUCTURED_SETS);
    assert_eq!(convert(dir.path(), &args, "out", None), 1);
    let rejects = std::fs::read_to_string(dir.path().join("out/rejects.csv")).unwrap();
    let lines: Vec<usize> = rejects
        .lines()
        .skip(1)
        .map(|row| row.split(',').next().unwrap().parse().unwrap())
        .collect();
    let expected: Vec<usize> = (0..LARGE_USERS)
        .filter(|i| i % 500 == 7 || (i % 500 == 8 && *i != 8))
        .map(|i| 3 + 6 * i)
        .collect();
    assert_eq!(lines, expected);
}

/// A generated file split into parts (at record ends, quoted newlines kept) and given as a
/// folder: the upload is byte for byte the whole file's, the counts are the same, and each
/// rejected row names its part and its line there.
#[test]
fn a_folder_of_csv_parts_converts_as_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    gen(d);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(d.join("accounts.csv"))
        .unwrap();
    let records: Vec<csv::ByteRecord> = reader.byte_records().map(|r| r.unwrap()).collect();
    let (header, rows) = records.split_first().unwrap();
    std::fs::create_dir(d.join("parts")).unwrap();
    for (part, chunk) in rows.chunks(7_001).enumerate() {
        let mut writer = csv::WriterBuilder::new()
            .flexible(true)
            .from_path(d.join(format!("parts/{part}.csv")))
            .unwrap();
        writer.write_byte_record(header).unwrap();
        for row in chunk {
            writer.write_byte_record(row).unwrap();
        }
        writer.flush().unwrap();
    }
    let args = ["--schema", "template.csv", "--max-accounts", "15000"];
    assert_eq!(
        convert(d, &[&["accounts.csv"][..], &args].concat(), "whole", None),
        1
    );
    assert_eq!(
        convert(d, &[&["parts"][..], &args].concat(), "split", None),
        1
    );
    assert_eq!(
        std::fs::read(d.join("split/upload.csv")).unwrap(),
        std::fs::read(d.join("whole/upload.csv")).unwrap()
    );
    let whole = crate::harness::json(&d.join("whole/report.json"));
    let split = crate::harness::json(&d.join("split/report.json"));
    for key in [
        "rows_read",
        "rows_valid",
        "rows_rejected",
        "by_code",
        "accounts",
    ] {
        assert_eq!(split[key], whole[key], "{key}");
    }
    assert_eq!(split["files"], 3);
    let header = std::fs::read(d.join("split/rejects.csv")).unwrap();
    assert!(
        header.starts_with(b"file,line,"),
        "rejects.csv names the files"
    );
    let rejects = crate::harness::csv_records(&d.join("split/rejects.csv"));
    let files: std::collections::BTreeSet<&[u8]> = rejects.iter().map(|r| &r[0]).collect();
    let parts: [&[u8]; 3] = [b"parts/0.csv", b"parts/1.csv", b"parts/2.csv"];
    assert_eq!(files, parts.into());
}
