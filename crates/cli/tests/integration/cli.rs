//! Command-line behaviour: exit codes, messages, standard input, atomic and repeatable output.

use crate::harness::{csv_records, nebulk, run_in, testdata};

fn sample() -> std::path::PathBuf {
    testdata().join("sample")
}

#[test]
fn help_exits_zero_and_shows_examples() {
    for sub in ["validate", "convert", "map", "gen"] {
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
    assert_eq!(names, crate::harness::CONVERT_OUTPUTS);
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
    assert_eq!(utf8.code, 1, "{}", utf8.stderr);
    for name in ["le.csv", "be.csv"] {
        let utf16 = run(&dir.path().join(name));
        assert_eq!(utf16.code, utf8.code, "{name}: {}", utf16.stderr);
        assert_eq!(utf16.stderr, utf8.stderr, "{name}");
    }
}

// ---- Options shared by validate and convert (issue 9: none of these was used by a test) ----

/// A header of the 8 system attributes.
const SYSTEM_HEADER: &str = "accountName,firstName,lastName,email,phone,manager,startDate,endDate";

/// A valid row for account `u{i}` with `first_name`, every other value 10 characters or fewer.
fn short_row(i: usize, first_name: &str) -> String {
    format!("u{i},{first_name},Lee,u{i}@b.co,5125550100,jd,2026-01-01,2026-12-31")
}

/// Converts `dir/in.csv` into `dir/out` with `args` besides; the exit code and stderr.
fn convert_in(dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    let run = run_in(
        dir,
        &[&["convert", "in.csv", "--out", "out", "-q"][..], args].concat(),
    );
    (run.code, run.stderr)
}

/// Issue 9: `value-too-long` keeps a value of exactly the limit and rejects one a character
/// longer, counting characters, not bytes (`é` is 2 bytes in UTF-8, `😀` 4), both for the
/// default limit of 255 and for `--max-value-length`.
#[test]
fn the_value_length_limit_is_inclusive_and_counts_characters() {
    for (limit, args) in [(255, Vec::new()), (10, vec!["--max-value-length", "10"])] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let values: Vec<String> = ["x", "é", "😀"]
            .iter()
            .flat_map(|c| [c.repeat(limit), c.repeat(limit + 1)])
            .collect();
        let mut input = format!("{SYSTEM_HEADER}\n");
        for (i, value) in values.iter().enumerate() {
            input.push_str(&short_row(i, value));
            input.push('\n');
        }
        std::fs::write(d.join("in.csv"), input).unwrap();
        let (code, stderr) = convert_in(d, &args);
        assert_eq!(code, 1, "limit {limit}: {stderr}");

        // Lines 2, 4 and 6 hold `limit` characters: uploaded as they are.
        let upload = csv_records(&d.join("out/upload.csv"));
        let uploaded: Vec<&[u8]> = upload.iter().map(|r| &r[1]).collect();
        let at_limit: Vec<&[u8]> = values.iter().step_by(2).map(|v| v.as_bytes()).collect();
        assert_eq!(uploaded, at_limit, "limit {limit}: the values uploaded");

        // Lines 3, 5 and 7 hold one character more: rejected for that alone.
        let rejects = csv_records(&d.join("out/rejects.csv"));
        let rejected: Vec<(String, String, String)> = rejects
            .iter()
            .map(|r| {
                let text = |i: usize| String::from_utf8(r[i].to_vec()).unwrap();
                (text(0), text(1), text(2))
            })
            .collect();
        let message = format!(
            "firstName: {} characters; at most {limit} are allowed",
            limit + 1
        );
        let expected: Vec<(String, String, String)> = ["3", "5", "7"]
            .iter()
            .map(|line| (line.to_string(), "value-too-long".into(), message.clone()))
            .collect();
        assert_eq!(rejected, expected, "limit {limit}: the rows rejected");
    }
}

/// `--max-findings N` keeps the first N findings and the first N file-level warnings in
/// `report.json` and says that it cut them; the counts still count every row.
#[test]
fn max_findings_keeps_the_first_findings_and_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut input = format!("{SYSTEM_HEADER},note1,note2,note3\n");
    for i in 0..5 {
        let row = short_row(i, "Ann").replace("@b.co", "-at-b.co");
        input.push_str(&format!("{row},a,b,c\n"));
    }
    std::fs::write(d.join("in.csv"), input).unwrap();
    let report = |args: &[&str]| {
        let run = run_in(
            d,
            &[
                &["validate", "in.csv", "--report", "report.json", "-q"][..],
                args,
            ]
            .concat(),
        );
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        crate::harness::json(&d.join("report.json"))
    };
    let lines = |report: &serde_json::Value| -> Vec<u64> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["line"].as_u64().unwrap())
            .collect()
    };
    let warned = |report: &serde_json::Value| -> Vec<String> {
        report["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["field"].as_str().unwrap().to_string())
            .collect()
    };

    let all = report(&[]);
    assert_eq!(lines(&all), [2, 3, 4, 5, 6]);
    assert_eq!(warned(&all), ["note1", "note2", "note3"]);
    assert_eq!(all["findings_truncated"], false);
    assert_eq!(all["warnings_truncated"], false);

    let capped = report(&["--max-findings", "2"]);
    assert_eq!(lines(&capped), [2, 3]);
    assert_eq!(warned(&capped), ["note1", "note2"]);
    assert_eq!(capped["findings_truncated"], true);
    assert_eq!(capped["warnings_truncated"], true);
    assert_eq!(capped["rows_rejected"], 5);
    assert_eq!(capped["by_code"], all["by_code"]);

    // convert writes the same report, and names the upload file it wrote.
    let (code, stderr) = convert_in(d, &["--max-findings", "2"]);
    assert_eq!(code, 1, "{stderr}");
    let mut converted = crate::harness::json(&d.join("out/report.json"));
    assert_eq!(converted["sources"][0]["file"], "upload.csv");
    converted["sources"][0]["file"] = serde_json::Value::Null;
    assert_eq!(converted, capped);
}

/// `--sheet NAME` reads that sheet of a workbook (matched ignoring case), in every spreadsheet
/// format; a name the workbook lacks is fatal and lists the sheets it has.
#[test]
fn sheet_picks_the_sheet_that_is_read() {
    let case = testdata().join("cases/excel-xlsx");
    for book in ["xlsx", "ods", "xls"] {
        let path = format!("../../readers/excel/contractors.{book}");
        let validate = |sheet: &[&str]| {
            run_in(
                &case,
                &[&["validate", &path, "--schema", "template.csv"][..], sheet].concat(),
            )
        };
        let first = validate(&[]);
        assert_eq!(first.code, 1, "{book}: {}", first.stderr);
        let named = validate(&["--sheet", "Contractors"]);
        assert_eq!(
            (named.code, &named.stderr),
            (first.code, &first.stderr),
            "{book}: the first sheet by its name"
        );

        let notes = validate(&["--sheet", "notes"]);
        assert_eq!(notes.code, 2, "{book}");
        assert!(
            notes
                .stderr
                .contains("its header is: Managers must approve end dates.;"),
            "{book}: the Notes sheet is read: {}",
            notes.stderr
        );

        let missing = validate(&["--sheet", "Staff"]);
        assert_eq!(missing.code, 2, "{book}");
        assert_eq!(
            missing.stderr,
            format!(
                "nebulk: error: {path}: there is no sheet named \"Staff\"; the sheets are: \
                 \"Contractors\", \"Notes\"\n"
            ),
            "{book}"
        );
    }
}

/// `--neutralize-formulas`, the American spelling, does what `--neutralise-formulas` does: the
/// outputs of golden case `formula-injection-neutralised` byte for byte.
#[test]
fn neutralize_formulas_is_neutralise_formulas() {
    let case = testdata().join("cases/formula-injection-neutralised");
    let out = tempfile::tempdir().unwrap();
    let run = run_in(
        &case,
        &[
            "convert",
            "../formula-injection/accounts.csv",
            "--neutralize-formulas",
            "--out",
            out.path().to_str().unwrap(),
            "-q",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    for name in ["upload.csv", "rejects.csv", "report.json"] {
        let expected = std::fs::read(case.join("expected/out").join(name)).unwrap();
        let actual = std::fs::read(out.path().join(name)).unwrap();
        assert!(
            actual == expected,
            "{name} differs from the --neutralise-formulas golden file"
        );
    }
}

/// `nebulk completions SHELL` prints each shell's script, naming the subcommands and their
/// options.
#[test]
fn completions_name_subcommands_and_options_for_every_shell() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = run_in(dir.path(), &["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        let script = String::from_utf8(run.stdout).unwrap();
        for word in ["convert", "validate", "max-accounts", "skip-unchanged"] {
            assert!(script.contains(word), "{shell} script without {word}");
        }
    }
    let run = run_in(dir.path(), &["completions", "tcsh"]);
    assert_eq!(run.code, 2, "an unknown shell is refused");
}

/// `nebulk man` prints nebulk's man page in roff, `nebulk man SUBCOMMAND` a subcommand's.
#[test]
fn man_pages_are_roff_from_the_command_line_definitions() {
    let dir = tempfile::tempdir().unwrap();
    let page = |args: &[&str]| {
        let run = run_in(dir.path(), args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        String::from_utf8(run.stdout).unwrap()
    };
    let nebulk = page(&["man"]);
    assert!(nebulk.contains(".TH nebulk 1"), "{nebulk}");
    for subcommand in ["validate", "convert", "map", "gen", "completions"] {
        assert!(nebulk.contains(subcommand), "nebulk.1 without {subcommand}");
    }
    let convert = page(&["man", "convert"]);
    assert!(convert.contains(".TH nebulk-convert 1"));
    assert!(convert.contains(r"\fBnebulk convert\fR"));
    assert!(convert.contains(r"\-\-skip\-unchanged"));
    let run = run_in(dir.path(), &["man", "upload"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no subcommand `upload`"),
        "{}",
        run.stderr
    );
}

/// Colour (issue 13): none into a pipe, on with --color always or CLICOLOR_FORCE, off with
/// NO_COLOR or --color never; the coloured text is the plain one once its ANSI sequences are
/// taken out.
#[test]
fn colour_follows_the_flag_and_the_environment() {
    let sample = testdata().join("sample/accounts.csv");
    let stderr = |args: &[&str], env: &[(&str, &str)]| -> String {
        let output = nebulk()
            .arg("validate")
            .arg(&sample)
            .args(args)
            .envs(env.iter().copied())
            .output()
            .unwrap();
        String::from_utf8(output.stderr).unwrap()
    };
    let without_ansi = |text: &str| -> String {
        let mut plain = String::new();
        let mut rest = text;
        while let Some(at) = rest.find("\u{1b}[") {
            plain.push_str(&rest[..at]);
            let end = rest[at..].find('m').unwrap();
            rest = &rest[at + end + 1..];
        }
        plain.push_str(rest);
        plain
    };
    let plain = stderr(&[], &[]);
    assert!(!plain.contains('\u{1b}'), "no colour into a pipe");
    let always = stderr(&["--color", "always"], &[]);
    assert!(
        always.contains("\u{1b}[31m9\u{1b}[0m rejected") || always.contains("\u{1b}[1m\u{1b}[31m9"),
        "{always:?}"
    );
    assert!(
        always.contains("\u{1b}[36mmissing-value"),
        "codes in colour: {always:?}"
    );
    assert!(
        always.contains("\u{1b}[33mwarning:") || always.contains("\u{1b}[1m\u{1b}[33mwarning:"),
        "{always:?}"
    );
    assert_eq!(without_ansi(&always), plain);
    assert_eq!(stderr(&[], &[("CLICOLOR_FORCE", "1")]), always);
    assert_eq!(
        stderr(&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]),
        plain
    );
    assert_eq!(
        stderr(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]),
        plain
    );

    let error = nebulk()
        .args(["validate", "missing.csv", "--color", "always"])
        .output()
        .unwrap();
    let error = String::from_utf8(error.stderr).unwrap();
    assert!(
        error.contains("\u{1b}[31mnebulk: error:")
            || error.contains("\u{1b}[1m\u{1b}[31mnebulk: error:"),
        "{error:?}"
    );
}
