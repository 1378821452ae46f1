//! Runs the real binary and compares outputs with golden files.
//!
//! Set `UPDATE_GOLDEN=1` to rewrite the expected files from the actual output; review the diff
//! before committing it. Any other value of `UPDATE_GOLDEN` fails the test that reads it.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The `testdata/` folder at the workspace root.
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// `--set` options for the attributes the structured readers (XML, JSON) do not give, so that
/// some of their records make valid rows.
pub const STRUCTURED_SETS: [&str; 8] = [
    "--set",
    "phone=+15125550100",
    "--set",
    "manager=jane.doe",
    "--set",
    "startDate=2026-01-01",
    "--set",
    "endDate=2026-12-31",
];

/// Says that test `test` skipped its check, and why, on the process's real standard error:
/// libtest captures `eprintln!` of a passing test, and a skip must show in CI's log.
pub fn skipped(test: &str, why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "SKIPPED {test}: {why}");
}

/// Makes a FIFO (named pipe) at `path`, with the system's `mkfifo`.
pub fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", path.display());
}

/// A command for the binary under test, with standard input closed.
pub fn nebulk() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_nebulk"));
    command.stdin(Stdio::null());
    // The terminal's colour settings of whoever runs the tests do not reach the golden files.
    for variable in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE"] {
        command.env_remove(variable);
    }
    command
}

/// What a run gave.
pub struct Run {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

/// How long a run may take before it counts as a hang (the tests run the debug binary, two at
/// a time).
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// The worker threads of a run under a memory cap: what the caps were measured with, on a
/// 2-core machine. rayon starts one thread per core by default, and each thread's stack is
/// address space: on a machine of 64 cores, 64 stacks did not fit in the 128 MiB cap and every
/// capped run failed with "cannot start the worker threads" (issue 9).
pub const CAPPED_WORKER_THREADS: &str = "2";

/// The files `convert` writes for one source without `--existing`, sorted by name.
pub const CONVERT_OUTPUTS: [&str; 6] = [
    "findings.csv",
    "overflow.csv",
    "rejects.csv",
    "report.html",
    "report.json",
    "upload.csv",
];

/// What a binary built with the `polars` feature needs beyond the caps of capped runs, in KiB
/// of address space: its code (polars, in debug) takes some 80 MiB more before it reads
/// anything (issue 14). The caps are about nebulk's own memory; 0 in the default build.
#[cfg(feature = "polars")]
const FEATURE_ALLOWANCE_KIB: u64 = 96 * 1024;
#[cfg(not(feature = "polars"))]
const FEATURE_ALLOWANCE_KIB: u64 = 0;

/// Runs the binary with `args` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_capped(dir, args, None)
}

/// Runs the binary with `args` in `dir`, its virtual memory capped at `memory_kib` KiB when
/// given (`ulimit -v`, through `sh`: the workspace forbids the unsafe code a direct
/// `setrlimit` would need), with [`CAPPED_WORKER_THREADS`] worker threads then. A run that
/// outlives [`RUN_TIMEOUT`] is killed and fails the test; a run ended by a signal (an abort
/// when an allocation fails under the cap) has code -1 and says so on its stderr.
pub fn run_capped(dir: &Path, args: &[&str], memory_kib: Option<u64>) -> Run {
    run_with(dir, args, memory_kib, &[])
}

/// [`run_capped`], with `machine` set in the environment first: variables standing for the
/// machine the tests run on (`RAYON_NUM_THREADS=64` for one of 64 cores), which the harness's
/// own settings for capped runs override.
pub fn run_with(
    dir: &Path,
    args: &[&str],
    memory_kib: Option<u64>,
    machine: &[(&str, &str)],
) -> Run {
    let mut command = match memory_kib {
        Some(kib) => {
            let kib = kib + FEATURE_ALLOWANCE_KIB;
            let mut sh = Command::new("sh");
            sh.args(["-c", "ulimit -v \"$1\" && shift && exec \"$@\"", "sh"])
                .arg(kib.to_string())
                .arg(env!("CARGO_BIN_EXE_nebulk"));
            sh.stdin(Stdio::null());
            sh.envs(machine.iter().copied());
            // glibc reserves 64 MiB of address space for each malloc arena it opens, and how
            // many it opens depends on how the threads happen to meet: one arena keeps the cap
            // about nebulk's own memory, and the test from failing at random.
            sh.env("MALLOC_ARENA_MAX", "1");
            sh.env("RAYON_NUM_THREADS", CAPPED_WORKER_THREADS);
            sh
        }
        None => {
            let mut command = nebulk();
            command.envs(machine.iter().copied());
            command
        }
    };
    // Outputs go to files, so that a run printing much cannot block on a full pipe.
    let outputs = tempfile::tempdir().unwrap();
    let stdout_path = outputs.path().join("stdout");
    let stderr_path = outputs.path().join("stderr");
    let mut child = command
        .current_dir(dir)
        .args(args)
        .stdout(std::fs::File::create(&stdout_path).unwrap())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .expect("nebulk runs");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "nebulk {} (in {}) still ran after {RUN_TIMEOUT:?}: a hang",
                args.join(" "),
                dir.display()
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut stderr = String::from_utf8_lossy(&std::fs::read(&stderr_path).unwrap()).into_owned();
    let code = status.code().unwrap_or_else(|| {
        use std::os::unix::process::ExitStatusExt;
        stderr.push_str(&format!("[killed by signal {:?}]\n", status.signal()));
        -1
    });
    Run {
        code,
        stdout: std::fs::read(&stdout_path).unwrap(),
        stderr,
    }
}

/// How a golden case runs besides its `cmd` file.
#[derive(Debug, Default, Clone, Copy)]
pub struct Setup<'a> {
    /// A folder of inputs made for the run: `$GEN` in `cmd` and in the expected stderr.
    pub generated: Option<&'a Path>,
    /// A cap on the binary's virtual memory, in KiB (see [`run_capped`]).
    pub memory_kib: Option<u64>,
    /// Environment variables standing for the machine (see [`run_with`]).
    pub machine: &'a [(&'a str, &'a str)],
}

/// Runs the golden case in folder `case`: its `cmd` file holds the arguments (one line, run in
/// that folder, `$OUT` standing for a fresh output folder, `$GEN` for `setup.generated`); its
/// `expected/` folder holds `exit_code`, `stderr`, `stdout` (when the command prints to it) and
/// every file the run writes into `$OUT`.
pub fn check_case(case: &Path, setup: &Setup) {
    let cmd = std::fs::read_to_string(case.join("cmd")).expect("case has a cmd file");
    let out = tempfile::tempdir().unwrap();
    let out_path = out.path().join("out");
    let out_str = out_path.to_str().unwrap();
    let gen_str = setup.generated.map(|g| g.to_str().unwrap());
    let args: Vec<String> = cmd
        .split_whitespace()
        .map(|a| {
            let a = a.replace("$OUT", out_str);
            match gen_str {
                Some(g) => a.replace("$GEN", g),
                None => a,
            }
        })
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = run_with(case, &args, setup.memory_kib, setup.machine);

    let expected = case.join("expected");
    assert_golden(
        &expected.join("exit_code"),
        format!("{}\n", run.code).as_bytes(),
    );
    // Temporary paths, in messages and in report.json, are written as the names in `cmd`.
    let placeholders = |bytes: Vec<u8>| -> Vec<u8> {
        match String::from_utf8(bytes) {
            Ok(text) => {
                let text = text.replace(out_str, "$OUT");
                match gen_str {
                    Some(g) => text.replace(g, "$GEN").into_bytes(),
                    None => text.into_bytes(),
                }
            }
            Err(e) => e.into_bytes(),
        }
    };
    assert_golden(
        &expected.join("stderr"),
        &placeholders(run.stderr.into_bytes()),
    );
    let stdout = expected.join("stdout");
    if !run.stdout.is_empty() || stdout.exists() {
        assert_golden(&stdout, &run.stdout);
    }

    let mut written = sorted_files(&out_path);
    // report.html tells how long the run took: it is checked against report.json rather than
    // kept as a golden file.
    if let Some(at) = written.iter().position(|name| name == "report.html") {
        written.remove(at);
        let html = std::fs::read_to_string(out_path.join("report.html")).unwrap();
        let report = std::fs::read_to_string(out_path.join("report.json")).unwrap();
        assert_html_agrees(&html, &serde_json::from_str(&report).unwrap());
    }
    let expected_out = expected.join("out");
    if updating() {
        let _ = std::fs::remove_dir_all(&expected_out);
    }
    for name in &written {
        assert_golden(
            &expected_out.join(name),
            &placeholders(std::fs::read(out_path.join(name)).unwrap()),
        );
    }
    assert_eq!(
        written,
        sorted_files(&expected_out),
        "files written into $OUT"
    );
}

/// A report.html shows the counts of its report.json, and is self-contained: no script, nothing
/// fetched from elsewhere.
pub fn assert_html_agrees(html: &str, report: &serde_json::Value) {
    for (id, key) in [
        ("rows-read", "rows_read"),
        ("rows-valid", "rows_valid"),
        ("rows-rejected", "rows_rejected"),
        ("rows-uploaded", "rows_uploaded"),
        ("overflow", "overflow"),
        ("unchanged-skipped", "unchanged_skipped"),
    ] {
        let shown = format!("id=\"{id}\">{}</b>", report[key]);
        assert!(html.contains(&shown), "report.html lacks {shown}");
    }
    assert!(!html.contains("<script"), "report.html has a script");
    for fetched in ["src=\"http", "href=\"http", "url(", "@import"] {
        assert!(!html.contains(fetched), "report.html fetches {fetched}");
    }
}

/// An output's bytes as two runs of the same input write them alike: report.html without the
/// lines telling the run's time and command line (and without blank lines), any other file as
/// it is.
pub fn comparable(name: &str, bytes: Vec<u8>) -> Vec<u8> {
    if name != "report.html" {
        return bytes;
    }
    without_run_facts(&String::from_utf8(bytes).unwrap()).into_bytes()
}

/// A report.html page without the lines of the facts report.json does not keep (time taken,
/// command line), and without blank lines.
pub fn without_run_facts(page: &str) -> String {
    page.lines()
        .filter(|line| {
            !line.starts_with("<dt>time taken</dt>") && !line.starts_with("<dt>command</dt>")
        })
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The names in a folder, sorted (temporary files included); none when it does not exist.
pub fn sorted_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

/// Whether golden files are being rewritten: `UPDATE_GOLDEN=1`. Any other value set fails the
/// test, saying so: `UPDATE_GOLDEN=0` used to rewrite them too, and pass (issue 9).
pub fn updating() -> bool {
    match update_golden(std::env::var_os("UPDATE_GOLDEN").as_deref()) {
        Ok(updating) => updating,
        Err(message) => panic!("{message}"),
    }
}

/// What a value of `UPDATE_GOLDEN` asks for: `1` to rewrite, unset to compare, anything else is
/// an error.
fn update_golden(value: Option<&OsStr>) -> Result<bool, String> {
    match value {
        None => Ok(false),
        Some(value) if value == "1" => Ok(true),
        Some(value) => Err(format!(
            "UPDATE_GOLDEN={:?}: set it to 1 to rewrite the golden files, or unset it to compare \
             with them; nothing was rewritten",
            value.to_string_lossy()
        )),
    }
}

#[test]
fn only_update_golden_1_rewrites() {
    assert_eq!(update_golden(None), Ok(false));
    assert_eq!(update_golden(Some(OsStr::new("1"))), Ok(true));
    for value in ["0", "", "true", "yes", " 1"] {
        let err = update_golden(Some(OsStr::new(value))).unwrap_err();
        assert!(err.contains("set it to 1"), "{value:?}: {err}");
    }
}

/// Compares `actual` with the golden file at `expected`, or rewrites it when updating.
pub fn assert_golden(expected: &Path, actual: &[u8]) {
    if updating() {
        std::fs::create_dir_all(expected.parent().expect("golden files live in a folder")).unwrap();
        std::fs::write(expected, actual).unwrap();
        return;
    }
    let want = std::fs::read(expected).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            expected.display()
        )
    });
    if want != actual {
        panic!(
            "{} differs\n--- expected\n{}\n--- actual\n{}\n---",
            expected.display(),
            String::from_utf8_lossy(&want),
            String::from_utf8_lossy(actual)
        );
    }
}

/// Reads a CSV file's records (header excluded) as byte records, any field count.
pub fn csv_records(path: &Path) -> Vec<csv::ByteRecord> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .expect("csv opens");
    reader
        .byte_records()
        .map(|r| r.expect("csv record"))
        .collect()
}

/// Reads a JSON file.
pub fn json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("valid JSON")
}

/// The files of a run into `dir` for `plan`, as `convert` writes them for one source.
pub fn file_sink(
    dir: &Path,
    plan: &nebulk_validate::ColumnPlan,
) -> std::io::Result<nebulk_emit::FileSink> {
    let outputs = nebulk_emit::Outputs {
        input_header: plan.header(),
        ..Default::default()
    };
    nebulk_emit::FileSink::create(dir, plan.schema(), &outputs)
}
