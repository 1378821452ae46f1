//! Standard input and pipes for every kind (issue 9): `-` reads CSV, XML, JSON and
//! spreadsheets, with `--from` and told from the content, and gives exactly the outputs of the
//! same file given by its path; a FIFO or `<(...)` path is sniffed too; a spreadsheet is spooled
//! to a temporary file that no run leaves behind; inputs of different kinds are refused.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{json, mkfifo, nebulk, skipped, sorted_files, testdata, Run, STRUCTURED_SETS};

fn readers() -> PathBuf {
    testdata().join("readers")
}

/// Waits for `child` (at most 120 s) and collects what it gave.
fn finish(mut child: Child) -> Run {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let output = child.wait_with_output().unwrap();
            return Run {
                code: status.code().unwrap_or(-1),
                stdout: output.stdout,
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            };
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("nebulk still ran after 120 s: a hang");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Runs the binary in `dir` with `args`, its standard input read from the file `stdin`.
fn run_with_stdin(dir: &Path, args: &[&str], stdin: &Path) -> Run {
    let child = nebulk()
        .current_dir(dir)
        .args(args)
        .stdin(File::open(stdin).unwrap())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    finish(child)
}

/// Runs the binary in `dir` with `args`, `stdin` written into its standard input through a pipe.
fn run_with_piped(dir: &Path, args: &[&str], stdin: Vec<u8>, tmpdir: &Path) -> Run {
    let mut child = nebulk()
        .current_dir(dir)
        .env("TMPDIR", tmpdir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        // The run may stop reading early (a fatal error): a broken pipe is fine then.
        let _ = std::io::Write::write_all(&mut pipe, &stdin);
    });
    let run = finish(child);
    writer.join().unwrap();
    run
}

/// What a `convert` gave: its code, its stderr with `name` written as `<stdin>`, its upload and
/// rejects bytes, and its report without the `input` name (which must be `input`) and the
/// options (`--from` is given to one run and not the other).
type Outcome = (i32, String, Vec<Vec<u8>>, Option<serde_json::Value>);

fn outcome(dir: &Path, run: Run, name: &str, input: &str) -> Outcome {
    let out = dir.join("out");
    let files = ["upload.csv", "rejects.csv"]
        .iter()
        .filter_map(|f| std::fs::read(out.join(f)).ok())
        .collect();
    let report = out.join("report.json").exists().then(|| {
        let mut report = json(&out.join("report.json"));
        assert_eq!(report["input"], input, "the report names the input");
        let object = report.as_object_mut().unwrap();
        object.remove("input");
        object.remove("options");
        report
    });
    (run.code, run.stderr.replace(name, "<stdin>"), files, report)
}

/// `convert` of `file` by its path, then from standard input with `--from kind` and without:
/// the three give the same outputs, and the same messages with the file named `<stdin>`.
/// `files` are written into each run's folder first (a manifest, say): `(name, for the path
/// run, for the standard-input run)`.
fn same_as_by_path(file: &Path, kind: &str, args: &[&str], files: &[(&str, &str, &str)]) {
    let path_dir = tempfile::tempdir().unwrap();
    for (name, by_path, _) in files {
        std::fs::write(path_dir.path().join(name), by_path).unwrap();
    }
    let name = file.to_str().unwrap();
    let mut path_args = vec!["convert", name, "--out", "out"];
    path_args.extend_from_slice(args);
    let run = crate::harness::run_in(path_dir.path(), &path_args);
    let expected = outcome(path_dir.path(), run, name, name);
    assert!(matches!(expected.0, 0 | 1), "{name}: {}", expected.1);

    for from in [Some(kind), None] {
        let dir = tempfile::tempdir().unwrap();
        for (name, _, by_stdin) in files {
            std::fs::write(dir.path().join(name), by_stdin).unwrap();
        }
        let mut stdin_args = vec!["convert", "-", "--out", "out"];
        if let Some(kind) = from {
            stdin_args.extend(["--from", kind]);
        }
        stdin_args.extend_from_slice(args);
        let run = run_with_stdin(dir.path(), &stdin_args, file);
        let actual = outcome(dir.path(), run, name, "<stdin>");
        assert_eq!(
            actual, expected,
            "{name} on standard input, --from {from:?}"
        );
    }
}

/// Issue 9: every kind of `testdata/readers/` reads from standard input as from its path.
#[test]
fn every_structured_kind_reads_from_standard_input_as_from_its_path() {
    let cases = [
        ("xtracta/three-users.xml", "xtracta-users"),
        ("xtracta/sample-response.xml", "xtracta-users"),
        ("nerm/users-page1.json", "nerm-users"),
        ("nerm/users-page2.json", "nerm-users"),
        ("nerm/sessions-page1.json", "nerm-workflow-sessions"),
    ];
    for (file, kind) in cases {
        same_as_by_path(&readers().join(file), kind, &STRUCTURED_SETS, &[]);
    }
}

/// Issue 9: a malformed file or an error answer on standard input fails as by its path, at the
/// same line and column, naming `<stdin>`.
#[test]
fn errors_on_standard_input_name_it_with_the_position() {
    let cases = [
        ("xtracta/truncated.xml", "xtracta-users"),
        ("xtracta/error-401.xml", "xtracta-users"),
        ("srv/truncated.xml", "srv-workflow-roles"),
        ("nerm/truncated.json", "nerm-users"),
        ("nerm/error.json", "nerm-users"),
    ];
    for (file, kind) in cases {
        let path = readers().join(file);
        let dir = tempfile::tempdir().unwrap();
        let run = run_with_stdin(
            dir.path(),
            &["validate", "-", "--from", kind, "--set", "accountName=x"],
            &path,
        );
        assert_eq!(run.code, 2, "{file}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("nebulk: error: <stdin>: "),
            "{file}: {}",
            run.stderr
        );
        let by_path = crate::harness::run_in(
            dir.path(),
            &[
                "validate",
                path.to_str().unwrap(),
                "--from",
                kind,
                "--set",
                "accountName=x",
            ],
        );
        assert_eq!(
            run.stderr,
            by_path.stderr.replace(path.to_str().unwrap(), "<stdin>"),
            "{file}"
        );
    }
}

/// Issue 9: an srv answer names no user. On standard input, a manifest line whose file is `-`
/// gives it (and its other columns), as a line naming the file does for the path.
#[test]
fn srv_answers_on_standard_input_take_their_user_from_a_manifest_line_for_dash() {
    for answer in ["success.xml", "soap-nested.xml", "empty-roles.xml"] {
        let manifest = |file: &str| format!("userName,file,email\njsmith,{file},j@example.com\n");
        same_as_by_path(
            &readers().join("srv").join(answer),
            "srv-workflow-roles",
            &[
                "--manifest",
                "manifest.csv",
                "--set",
                "firstName=John",
                "--set",
                "lastName=Smith",
            ],
            &[("manifest.csv", &manifest(answer), &manifest("-"))],
        );
    }
}

/// Issue 9: without such a line, `--set accountName=NAME` names the user; without either, the
/// run is refused before any row, saying what to give.
#[test]
fn an_srv_answer_on_standard_input_needs_its_user_named() {
    let answer = readers().join("srv/success.xml");
    let dir = tempfile::tempdir().unwrap();
    let run = run_with_stdin(dir.path(), &["convert", "-", "--out", "out"], &answer);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "nebulk: error: <stdin>: an srv answer does not name its user, and on standard input \
         there is no file name to take it from: give --set accountName=NAME, or a --manifest \
         line whose file is `-`\n"
    );
    assert!(sorted_files(&dir.path().join("out")).is_empty());

    let run = run_with_stdin(
        dir.path(),
        &[
            "convert",
            "-",
            "--out",
            "out",
            "--set",
            "accountName=jsmith",
        ],
        &answer,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let rejects = std::fs::read_to_string(dir.path().join("out/rejects.csv")).unwrap();
    assert!(rejects.contains(",jsmith,"), "{rejects}");
    assert!(
        rejects.contains("Jane Doe"),
        "the manager is read: {rejects}"
    );

    // `map` only shows what the answer offers: an empty user name is no reason to refuse.
    let run = run_with_stdin(dir.path(), &["map", "-"], &answer);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Issue 9: spreadsheets from standard input are spooled to a temporary file, read as by their
/// path, and the file is removed after.
#[test]
fn spreadsheets_read_from_standard_input_as_from_their_path() {
    let tmpdir = tempfile::tempdir().unwrap();
    for file in ["contractors.xlsx", "contractors.ods", "contractors.xls"] {
        let path = readers().join("excel").join(file);
        same_as_by_path(&path, "excel", &[], &[]);

        // Through a real pipe too, with the spool's folder watched.
        let dir = tempfile::tempdir().unwrap();
        let run = run_with_piped(
            dir.path(),
            &["convert", "-", "--out", "out", "-q"],
            std::fs::read(&path).unwrap(),
            tmpdir.path(),
        );
        assert_eq!(run.code, 1, "{file}: {}", run.stderr);
        assert_eq!(json(&dir.path().join("out/report.json"))["from"], "excel");
        assert!(sorted_files(tmpdir.path()).is_empty(), "{file}: spool left");
    }
}

/// Issue 9: a spreadsheet on standard input that is not one fails naming `<stdin>`, and leaves
/// no spool file behind.
#[test]
fn a_broken_spreadsheet_on_standard_input_leaves_no_spool() {
    let tmpdir = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut broken = b"PK\x03\x04".to_vec();
    broken.extend(std::iter::repeat_n(0x5A, 100_000));
    let run = run_with_piped(dir.path(), &["validate", "-"], broken, tmpdir.path());
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("nebulk: error: <stdin>: ") && run.stderr.contains("zip"),
        "{}",
        run.stderr
    );
    assert!(sorted_files(tmpdir.path()).is_empty(), "spool left");
}

/// Issue 9: Ctrl-C while a spreadsheet is being spooled removes the spool file (the exit that
/// follows the signal skips the removal a normal end does).
#[cfg(unix)]
#[test]
fn ctrl_c_while_spooling_removes_the_spool() {
    let tmpdir = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut child = nebulk()
        .current_dir(dir.path())
        .env("TMPDIR", tmpdir.path())
        .args(["validate", "-", "--from", "excel"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let workbook = std::fs::read(readers().join("excel/contractors.xlsx")).unwrap();
    // Half the workbook, the pipe left open: the run waits for the rest, spooling.
    std::io::Write::write_all(&mut pipe, &workbook[..workbook.len() / 2]).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while sorted_files(tmpdir.path()).is_empty() {
        assert!(Instant::now() < deadline, "no spool file appeared");
        std::thread::sleep(Duration::from_millis(10));
    }
    let spool = sorted_files(tmpdir.path());
    assert!(spool[0].starts_with("nebulk-spool-"), "{spool:?}");
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let run = finish(child);
    drop(pipe);
    assert_eq!(run.code, 130, "{}", run.stderr);
    assert!(sorted_files(tmpdir.path()).is_empty(), "spool left");
}

/// Issue 9: a FIFO given by its path is sniffed (its first bytes read, then the rest), for
/// every kind.
#[cfg(unix)]
#[test]
fn a_fifo_path_is_sniffed() {
    let cases = [
        ("nerm/users-page1.json", "nerm-users"),
        ("xtracta/three-users.xml", "xtracta-users"),
        ("excel/contractors.xlsx", "excel"),
    ];
    for (file, kind) in cases {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let fifo = d.join("input");
        mkfifo(&fifo);
        let bytes = std::fs::read(readers().join(file)).unwrap();
        let writer = std::thread::spawn(move || {
            let mut pipe = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
            std::io::Write::write_all(&mut pipe, &bytes).unwrap();
        });
        let mut args = vec!["convert", "input", "--out", "out", "-q"];
        args.extend_from_slice(&STRUCTURED_SETS);
        let run = crate::harness::run_in(d, &args);
        writer.join().unwrap();
        assert_eq!(run.code, 1, "{file}: {}", run.stderr);
        let report = json(&d.join("out/report.json"));
        assert_eq!(report["from"], kind, "{file}");
        let by_path = tempfile::tempdir().unwrap();
        let mut args = vec!["convert", "", "--out", "out", "-q"];
        let path = readers().join(file);
        args[1] = path.to_str().unwrap();
        args.extend_from_slice(&STRUCTURED_SETS);
        crate::harness::run_in(by_path.path(), &args);
        assert_eq!(
            report["rows_read"],
            json(&by_path.path().join("out/report.json"))["rows_read"],
            "{file}: every record read"
        );
    }
}

/// Issue 9: bash's `<(...)` (a `/dev/fd/N` path) is sniffed too. Skipped, saying so, where
/// there is no bash.
#[cfg(unix)]
#[test]
fn a_process_substitution_is_sniffed() {
    if Command::new("bash").arg("-c").arg("true").status().is_err() {
        skipped("stdin::a_process_substitution_is_sniffed", "no bash");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sessions = readers().join("nerm/sessions-page1.json");
    let output = Command::new("bash")
        .current_dir(dir.path())
        .arg("-c")
        .arg("\"$0\" convert <(cat \"$1\") --out out -q; echo \"exit $?\"")
        .arg(env!("CARGO_BIN_EXE_nebulk"))
        .arg(&sessions)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout,
        "exit 1\n",
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = json(&dir.path().join("out/report.json"));
    assert_eq!(report["from"], "nerm-workflow-sessions");
    assert_eq!(report["rows_read"], 3);
}

/// Issue 9: an XML file and a JSON file given together were read as XML, and the JSON one
/// reported as malformed XML. Every input's kind is told, and mixing them is a fatal error
/// naming two files and their kinds, before any row.
#[test]
fn inputs_of_different_kinds_are_refused_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(readers().join("xtracta/three-users.xml"), d.join("a.xml")).unwrap();
    std::fs::copy(readers().join("nerm/users-page1.json"), d.join("b.json")).unwrap();
    let expected = "nebulk: error: inputs of different kinds: a.xml is xtracta-users, and b.json \
                    is nerm-users; several inputs are read together only when all are of one \
                    kind\n";
    let run = crate::harness::run_in(d, &["convert", "a.xml", "b.json", "--out", "out"]);
    assert_eq!((run.code, run.stderr.as_str()), (2, expected));
    assert!(sorted_files(&d.join("out")).is_empty());

    // A folder the same way; a CSV among JSON pages too.
    std::fs::create_dir(d.join("pages")).unwrap();
    std::fs::copy(
        readers().join("nerm/users-page1.json"),
        d.join("pages/1.json"),
    )
    .unwrap();
    std::fs::write(
        d.join("pages/2.csv"),
        "accountName,email\nann,ann@example.com\n",
    )
    .unwrap();
    let run = crate::harness::run_in(d, &["validate", "pages"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "nebulk: error: inputs of different kinds: pages/1.json is nerm-users, and pages/2.csv \
         is csv; several inputs are read together only when all are of one kind\n"
    );
}

/// `-` stays refused beside other inputs, and as both the input and the manifest.
#[test]
fn standard_input_is_one_input_only() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.csv"), "accountName\nann\n").unwrap();
    let run = crate::harness::run_in(d, &["validate", "-", "a.csv"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            2,
            "nebulk: error: `-` (standard input) cannot be combined with other inputs\n"
        )
    );
    let run = run_with_stdin(
        d,
        &[
            "validate",
            "-",
            "--from",
            "srv-workflow-roles",
            "--manifest",
            "-",
        ],
        &readers().join("srv/success.xml"),
    );
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            2,
            "nebulk: error: <stdin>: `-` (standard input) cannot be both the input and the \
             manifest\n"
        )
    );
}

/// A pipe cannot be one of several CSV files (their headers are checked first, then each file
/// read again): refused, naming it, rather than read short.
#[cfg(unix)]
#[test]
fn a_fifo_among_several_csv_files_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.csv"), "accountName\nann\n").unwrap();
    let fifo = d.join("b.csv");
    mkfifo(&fifo);
    let writer = std::thread::spawn(move || {
        let mut pipe = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
        let _ = std::io::Write::write_all(&mut pipe, b"accountName\nbo\n");
    });
    let run = crate::harness::run_in(d, &["validate", "a.csv", "b.csv"]);
    writer.join().unwrap();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("nebulk: error: b.csv: is a pipe or FIFO, which can be read only once"),
        "{}",
        run.stderr
    );
}

/// Issue 9: `map -` on a JSON stream shows what `map FILE` shows, told from the content.
#[test]
fn map_reads_a_json_stream() {
    let sessions = readers().join("nerm/sessions-page1.json");
    let name = sessions.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let by_path = crate::harness::run_in(dir.path(), &["map", name]);
    assert_eq!(by_path.code, 0, "{}", by_path.stderr);
    let run = run_with_stdin(dir.path(), &["map", "-"], &sessions);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert!(
        stdout.starts_with("# nebulk map: nerm-workflow-sessions (<stdin>)"),
        "{stdout}"
    );
    assert!(stdout.contains("attributes.first_name"), "{stdout}");
    assert_eq!(
        stdout,
        String::from_utf8(by_path.stdout)
            .unwrap()
            .replace(name, "<stdin>")
    );
}

/// CSV on standard input, sniffed, as before: the same outputs as by path.
#[test]
fn csv_reads_from_standard_input_as_from_its_path() {
    same_as_by_path(&testdata().join("sample/accounts.csv"), "csv", &[], &[]);
}
