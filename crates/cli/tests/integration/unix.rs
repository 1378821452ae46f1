//! Unix only: signals and FIFOs.
//!
//! Interrupted runs (issue 5): a `convert` stopped midway by SIGINT, SIGTERM, SIGHUP or SIGKILL
//! leaves no upload.csv that looks complete: none when there was none, the earlier run's files
//! byte for byte when there were some. SIGINT, SIGTERM and SIGHUP also remove the temporary
//! files and exit 128 + the signal's number (130, 143, 129) with one line on stderr. The
//! temporary files a SIGKILL leaves are removed by the next run into the same folder.
//!
//! The input comes through standard input, which the test keeps open: the run is then midway
//! for as long as the test likes, without timing guesses. The signal is sent once the upload's
//! temporary file holds bytes.
#![cfg(unix)]

use std::io::Write;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{comparable, mkfifo, nebulk, run_in, skipped, sorted_files, STRUCTURED_SETS};

const HEADER: &str = "accountName,firstName,lastName,email,phone,manager,startDate,endDate\n";

/// `count` rows from `from` on, one in ten invalid (so that both outputs get bytes).
fn rows(from: usize, count: usize) -> String {
    let mut out = String::new();
    for i in from..from + count {
        let email = if i.is_multiple_of(10) {
            "not-an-email"
        } else {
            "ann@example.com"
        };
        out.push_str(&format!(
            "user{i},Ann,Lee,{email},+1 512 555 0100,jane.doe,2026-01-01,2026-12-31\n"
        ));
    }
    out
}

fn is_temporary(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".tmp")
}

/// A `convert` reading standard input into `out`, started and fed until the upload's
/// temporary file holds bytes.
fn convert_midway(dir: &Path) -> (Child, ChildStdin) {
    convert_midway_with(dir, &["-"], HEADER, rows)
}

/// A `convert ARGS --out out` reading standard input, fed `start`, then `records(from, count)`
/// (records `from` to `from + count - 1`) until the upload's temporary file holds bytes.
// The child is handed back to be waited on; a panic here (a failed write) ends the test anyway.
#[allow(clippy::zombie_processes)]
fn convert_midway_with(
    dir: &Path,
    args: &[&str],
    start: &str,
    records: fn(usize, usize) -> String,
) -> (Child, ChildStdin) {
    let mut child = nebulk()
        .current_dir(dir)
        .arg("convert")
        .args(args)
        .args(["--out", "out"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(start.as_bytes()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut next = 0;
    loop {
        // 2,000 rows are about 160 KB: past the reader's look-ahead and, after a few rounds,
        // the writers' buffers.
        stdin.write_all(records(next, 2000).as_bytes()).unwrap();
        next += 2000;
        std::thread::sleep(Duration::from_millis(20));
        let upload_bytes = std::fs::read_dir(dir.join("out"))
            .into_iter()
            .flatten()
            .map(|e| e.unwrap())
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with(".upload.csv.") && is_temporary(&name)
            })
            .map(|e| e.metadata().map_or(0, |m| m.len()))
            .max();
        if upload_bytes.is_some_and(|n| n > 0) {
            return (child, stdin);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("no temporary upload file with bytes after {next} rows");
        }
    }
}

fn kill(child: &Child, signal: &str) {
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill {signal}");
}

/// Waits for the child to end (at most 60 s), then returns its exit code (`None` when a signal
/// ended it) and stderr.
fn wait(mut child: Child, stdin: Option<ChildStdin>) -> (Option<i32>, String) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("nebulk did not end after the signal");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    // Kept open until the end, so that the run could not finish by itself.
    drop(stdin);
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    (status.code(), stderr)
}

/// Output files by name, with their bytes.
type Outputs = Vec<(String, Vec<u8>)>;

/// Runs a complete convert into `dir/out` and returns its three files' bytes.
fn earlier_run(dir: &Path) -> Outputs {
    std::fs::write(dir.join("earlier.csv"), format!("{HEADER}{}", rows(0, 50))).unwrap();
    assert_eq!(
        run_in(dir, &["convert", "earlier.csv", "--out", "out", "-q"]).code,
        1
    );
    crate::harness::CONVERT_OUTPUTS
        .map(|name| {
            (
                name.to_string(),
                std::fs::read(dir.join("out").join(name)).unwrap(),
            )
        })
        .into()
}

/// The files of `before` are still there, byte for byte.
fn assert_unchanged(dir: &Path, before: &Outputs) {
    for (name, bytes) in before {
        let now = std::fs::read(dir.join("out").join(name)).unwrap();
        assert!(&now == bytes, "{name} changed");
    }
}

/// A later run wrote what `before` holds (report.html the same page but for the run's time).
fn assert_rewritten_alike(dir: &Path, before: &Outputs) {
    for (name, bytes) in before {
        let now = std::fs::read(dir.join("out").join(name)).unwrap();
        assert!(
            comparable(name, now) == comparable(name, bytes.clone()),
            "{name} differs"
        );
    }
}

/// Runs a complete convert into `dir/out` first when `with_earlier_run` (its files' bytes are
/// returned, else none), then a convert stopped midway by `signal`: its exit code and stderr.
fn signal_midway(
    dir: &Path,
    signal: &str,
    with_earlier_run: bool,
) -> (Outputs, Option<i32>, String) {
    let before = if with_earlier_run {
        earlier_run(dir)
    } else {
        Vec::new()
    };
    let (child, stdin) = convert_midway(dir);
    kill(&child, signal);
    let (code, stderr) = wait(child, Some(stdin));
    (before, code, stderr)
}

/// SIGINT, SIGTERM and SIGHUP: exit `code`, one line on stderr, nothing left but what was there
/// before.
fn check_clean_interrupt(signal: &str, code: i32, with_earlier_run: bool) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (before, exit, stderr) = signal_midway(d, signal, with_earlier_run);
    assert_eq!(exit, Some(code), "{signal}: {stderr}");
    assert_eq!(stderr, "nebulk: interrupted; no output file written\n");
    let expected: Vec<String> = before.iter().map(|(name, _)| name.clone()).collect();
    assert_eq!(
        sorted_files(&d.join("out")),
        expected,
        "no temporary file left"
    );
    assert_unchanged(d, &before);
}

#[test]
fn sigint_midway_writes_nothing_and_leaves_no_temporary_file() {
    check_clean_interrupt("-INT", 130, false);
}

#[test]
fn sigint_midway_keeps_the_earlier_run_byte_for_byte() {
    check_clean_interrupt("-INT", 130, true);
}

#[test]
fn sigterm_midway_is_handled_as_sigint_and_exits_143() {
    check_clean_interrupt("-TERM", 143, true);
}

#[test]
fn sighup_midway_is_handled_as_sigint_and_exits_129() {
    check_clean_interrupt("-HUP", 129, false);
}

/// SIGKILL cannot be handled: temporary files stay behind (hidden, named `.NAME.*.tmp`), but
/// nothing under an output's name changes. The next run into the folder removes them.
fn check_sigkill(with_earlier_run: bool) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (before, code, _) = signal_midway(d, "-KILL", with_earlier_run);
    assert_eq!(code, None, "ended by the signal");
    let visible: Vec<String> = sorted_files(&d.join("out"))
        .into_iter()
        .filter(|name| !is_temporary(name))
        .collect();
    let expected: Vec<String> = before.iter().map(|(name, _)| name.clone()).collect();
    assert_eq!(visible, expected);
    assert_unchanged(d, &before);
    let left = sorted_files(&d.join("out"));
    assert!(
        left.iter().any(|name| name.starts_with(".upload.csv.")),
        "the killed run left its temporary upload: {left:?}"
    );

    // The next run completes its outputs and removes what the killed one left.
    earlier_run(d);
    assert_eq!(
        sorted_files(&d.join("out")),
        crate::harness::CONVERT_OUTPUTS,
        "no temporary file left"
    );
    let report = crate::harness::json(&d.join("out/report.json"));
    assert_eq!(report["rows_read"], 50);
    assert_eq!(report["rows_rejected"], 5);
    // Outputs are deterministic: the same as the run before the killed one.
    assert_rewritten_alike(d, &before);
}

#[test]
fn sigkill_midway_leaves_no_upload() {
    check_sigkill(false);
}

#[test]
fn sigkill_midway_keeps_the_earlier_run_byte_for_byte() {
    check_sigkill(true);
}

/// A run into a folder where another run is still writing leaves that run's temporary files
/// alone: they are locked while it lives.
#[test]
fn a_second_run_keeps_the_temporary_files_of_a_live_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (child, stdin) = convert_midway(d);
    let temporary = |d: &Path| -> Vec<String> {
        sorted_files(&d.join("out"))
            .into_iter()
            .filter(|name| is_temporary(name))
            .collect()
    };
    let live = temporary(d);
    earlier_run(d);
    assert_eq!(temporary(d), live, "the live run's files are still there");
    kill(&child, "-INT");
    let (code, stderr) = wait(child, Some(stdin));
    assert_eq!(code, Some(130), "{stderr}");
    assert_eq!(
        sorted_files(&d.join("out")),
        crate::harness::CONVERT_OUTPUTS
    );
}

/// `count` NERM users from `from` on, as the elements of a `users` array (a comma before each
/// but the first), one in ten with an invalid e-mail.
fn nerm_users(from: usize, count: usize) -> String {
    let mut out = String::new();
    for i in from..from + count {
        let comma = if i == 0 { "" } else { "," };
        let email = if i.is_multiple_of(10) {
            "not-an-email"
        } else {
            "ann@example.com"
        };
        out.push_str(&format!(
            "{comma}\n{{\"id\": \"{i}\", \"login\": \"user{i}\", \"name\": \"Ann Lee\", \"email\": \"{email}\"}}"
        ));
    }
    out
}

/// Issue 9: a run that fails after it has written rows (a NERM page cut short after thousands
/// of users, seen once the upload's temporary file holds bytes) exits 2 naming the spot, leaves
/// the earlier run's outputs byte for byte, and removes its temporary files. The page comes
/// through standard input.
#[test]
fn a_run_failing_midway_keeps_the_earlier_run_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let before = earlier_run(d);
    let (child, mut stdin) = convert_midway_with(
        d,
        &[&["-", "--from", "nerm-users"][..], &STRUCTURED_SETS].concat(),
        "{\"users\": [",
        nerm_users,
    );
    // One more user, cut inside a string, and the end of the input.
    stdin
        .write_all(b",\n{\"id\": \"x\", \"login\": \"us")
        .unwrap();
    drop(stdin);
    let (code, stderr) = wait(child, None);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.starts_with("nebulk: error: <stdin>: line ")
            && stderr.ends_with(": EOF while parsing a string\n"),
        "{stderr}"
    );
    assert_eq!(
        sorted_files(&d.join("out")),
        crate::harness::CONVERT_OUTPUTS,
        "no temporary file left"
    );
    assert_unchanged(d, &before);
}

/// A FIFO holding CSV is read as CSV: its first bytes, read to tell its kind, are read again
/// as the start of the table (issue 9; other kinds in `stdin::a_fifo_path_is_sniffed`).
#[test]
fn a_fifo_is_read_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fifo = d.join("in.csv");
    mkfifo(&fifo);
    let writer = std::thread::spawn(move || {
        let mut file = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
        file.write_all(format!("{HEADER}{}", rows(1, 5000)).as_bytes())
            .unwrap();
    });
    let child = nebulk()
        .current_dir(d)
        .args(["convert", "in.csv", "--out", "out", "-q"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (code, stderr) = wait(child, None);
    assert_eq!(code, Some(1), "{stderr}");
    writer.join().unwrap();
    let report = crate::harness::json(&d.join("out/report.json"));
    assert_eq!(report["rows_read"], 5000);
    assert_eq!(report["rows_rejected"], 500);
}

/// An output folder nebulk may not write into is fatal (exit 2), with a message naming the
/// folder, and leaves nothing behind. Root writes whatever the permission bits say, so as root
/// the run goes through `setpriv` as user `nobody`; skipped, saying so, where that cannot run the
/// binary (no `setpriv`, or a build folder `nobody` cannot reach).
#[test]
fn an_output_folder_without_write_permission_is_fatal() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    mode(d, 0o755);
    std::fs::write(d.join("in.csv"), format!("{HEADER}{}", rows(1, 3))).unwrap();
    mode(&d.join("in.csv"), 0o644);
    std::fs::create_dir(d.join("out")).unwrap();
    mode(&d.join("out"), 0o555);

    // The tests run as root when the file they made belongs to root.
    let is_root =
        std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(d.join("in.csv")).unwrap()) == 0;
    let command = |args: &[&str]| {
        let mut command = if is_root {
            let mut setpriv = Command::new("setpriv");
            setpriv
                .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
                .arg(env!("CARGO_BIN_EXE_nebulk"));
            setpriv
        } else {
            nebulk()
        };
        command.current_dir(d).args(args).stdin(Stdio::null());
        command.output()
    };
    if !command(&["--version"]).is_ok_and(|o| o.status.success()) {
        let why = if Command::new("setpriv").arg("--version").output().is_err() {
            "`setpriv` is missing (Debian package util-linux; .ci/run installs it)"
        } else {
            "`setpriv` cannot run the binary as user nobody (is the build folder out of its reach?)"
        };
        skipped(
            "unix::an_output_folder_without_write_permission_is_fatal",
            &format!("running as root, and {why}: the permission check was NOT made"),
        );
        return;
    }
    let run = command(&["convert", "in.csv", "--out", "out", "-q"]).unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        "nebulk: error: cannot create a file in out: Permission denied (os error 13)"
    );
    assert!(sorted_files(&d.join("out")).is_empty());
}
