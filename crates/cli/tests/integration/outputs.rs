//! Where outputs go (issue 9): symbolic links are followed and stay links, devices, FIFOs and
//! process substitutions are written through, `--report -` is standard output, and a closed
//! standard output ends a run quietly.
//!
//! Run as root on main, `--report /dev/stdout` replaced the machine's `/dev/stdout` link with a
//! regular file. The test of that case runs in a mount namespace of its own, over a private
//! `/dev`: a regression breaks only that namespace. The char device tests use a device node
//! made in the test's folder, never the machine's `/dev/null` as root.
#![cfg(unix)]

use std::fs;
use std::io::Read;
use std::os::unix::fs::{symlink, FileTypeExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::harness::{mkfifo, nebulk, run_in, skipped, sorted_files, testdata};

fn sample_input(dir: &Path) {
    fs::copy(
        testdata().join("sample/accounts.csv"),
        dir.join("accounts.csv"),
    )
    .unwrap();
}

fn is_link(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn link_target(path: &Path) -> PathBuf {
    fs::read_link(path).unwrap()
}

/// The report of `validate accounts.csv` in `dir`, written to a plain file: what every other
/// way of writing it must give, byte for byte.
fn plain_report(dir: &Path) -> Vec<u8> {
    let run = run_in(
        dir,
        &["validate", "accounts.csv", "-q", "--report", "plain.json"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let bytes = fs::read(dir.join("plain.json")).unwrap();
    fs::remove_file(dir.join("plain.json")).unwrap();
    bytes
}

/// `--report` through a chain of links, one of them relative with `..`: the links stay, the
/// file at the end gets the report.
#[test]
fn a_linked_report_stays_a_link_and_its_target_gets_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sample_input(d);
    let expected = plain_report(d);
    fs::create_dir_all(d.join("reports/2026")).unwrap();
    fs::write(d.join("reports/2026/report.json"), "old").unwrap();
    // report.json -> reports/current.json -> 2026/report.json (in reports/).
    symlink("reports/current.json", d.join("report.json")).unwrap();
    symlink("2026/report.json", d.join("reports/current.json")).unwrap();

    let run = run_in(
        d,
        &["validate", "accounts.csv", "-q", "--report", "report.json"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(is_link(&d.join("report.json")));
    assert!(is_link(&d.join("reports/current.json")));
    assert_eq!(
        fs::read(d.join("reports/2026/report.json")).unwrap(),
        expected
    );
    assert_eq!(sorted_files(&d.join("reports/2026")), ["report.json"]);

    // A dangling link: its target is created, in a folder made for it.
    symlink("later/new.json", d.join("dangling.json")).unwrap();
    let run = run_in(
        d,
        &[
            "validate",
            "accounts.csv",
            "-q",
            "--report",
            "dangling.json",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(is_link(&d.join("dangling.json")));
    assert_eq!(fs::read(d.join("later/new.json")).unwrap(), expected);
}

/// `--out` a link to a folder (and a dangling one), with `upload.csv` a chain of links and
/// `report.json` a dangling link inside: every link stays a link, every target gets its file,
/// and no temporary file is left anywhere. A second run replaces the targets again (the old
/// report, the group's marker, is removed first: its target, not the link).
#[test]
fn links_in_and_to_the_output_folder_stay_links() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sample_input(d);
    assert_eq!(
        run_in(d, &["convert", "accounts.csv", "--out", "plain", "-q"]).code,
        1
    );
    fs::create_dir_all(d.join("real")).unwrap();
    fs::create_dir_all(d.join("kept")).unwrap();
    symlink("real", d.join("out")).unwrap();
    // real/upload.csv -> ../kept/link.csv -> upload-target.csv (in kept/).
    symlink("../kept/link.csv", d.join("real/upload.csv")).unwrap();
    symlink("upload-target.csv", d.join("kept/link.csv")).unwrap();
    // real/report.json -> ../kept/report-target.json, not there yet.
    symlink("../kept/report-target.json", d.join("real/report.json")).unwrap();

    for round in 0..2 {
        let run = run_in(d, &["convert", "accounts.csv", "--out", "out", "-q"]);
        assert_eq!(run.code, 1, "round {round}: {}", run.stderr);
        assert!(is_link(&d.join("out")));
        for link in ["real/upload.csv", "kept/link.csv", "real/report.json"] {
            assert!(
                is_link(&d.join(link)),
                "round {round}: {link} is still a link"
            );
        }
        for (written, plain) in [
            ("kept/upload-target.csv", "upload.csv"),
            ("real/rejects.csv", "rejects.csv"),
            ("kept/report-target.json", "report.json"),
        ] {
            assert_eq!(
                fs::read(d.join(written)).unwrap(),
                fs::read(d.join("plain").join(plain)).unwrap(),
                "round {round}: {written}"
            );
        }
        assert_eq!(
            sorted_files(&d.join("real")),
            crate::harness::CONVERT_OUTPUTS
        );
        assert_eq!(
            sorted_files(&d.join("kept")),
            ["link.csv", "report-target.json", "upload-target.csv"]
        );
    }

    // A dangling link as --out: the folder it names is made.
    symlink("made/here", d.join("dangling-out")).unwrap();
    let run = run_in(
        d,
        &["convert", "accounts.csv", "--out", "dangling-out", "-q"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(is_link(&d.join("dangling-out")));
    assert_eq!(
        sorted_files(&d.join("made/here")),
        crate::harness::CONVERT_OUTPUTS
    );
}

/// gen's three outputs through links: a chain, a dangling one, a plain one beside.
#[test]
fn gen_outputs_through_links_stay_links() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let args = ["gen", "--rows", "50", "--seed", "3"];
    let plain = [
        "--out",
        "plain.csv",
        "--truth",
        "plain-truth.json",
        "--template",
        "plain-template.csv",
    ];
    assert_eq!(run_in(d, &[&args[..], &plain].concat()).code, 0);
    symlink("chain.csv", d.join("out.csv")).unwrap();
    symlink("files/out.csv", d.join("chain.csv")).unwrap();
    symlink("files/truth.json", d.join("truth.json")).unwrap();
    fs::create_dir(d.join("files")).unwrap();
    fs::write(d.join("files/out.csv"), "old").unwrap();
    symlink("files/template.csv", d.join("template.csv")).unwrap();
    let linked = [
        "--out",
        "out.csv",
        "--truth",
        "truth.json",
        "--template",
        "template.csv",
    ];
    let run = run_in(d, &[&args[..], &linked].concat());
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (link, target, plain) in [
        ("out.csv", "files/out.csv", "plain.csv"),
        ("truth.json", "files/truth.json", "plain-truth.json"),
        ("template.csv", "files/template.csv", "plain-template.csv"),
    ] {
        assert!(is_link(&d.join(link)), "{link}");
        assert_eq!(
            fs::read(d.join(target)).unwrap(),
            fs::read(d.join(plain)).unwrap()
        );
    }
    assert!(is_link(&d.join("chain.csv")));
}

/// A folder given as a file is refused before anything is written, naming it.
#[test]
fn a_folder_given_as_a_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sample_input(d);
    fs::create_dir_all(d.join("folder")).unwrap();
    symlink("folder", d.join("folder-link")).unwrap();
    let run = run_in(d, &["validate", "accounts.csv", "--report", "folder"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "nebulk: error: cannot write the report folder: folder is a folder, not a file\n"
    );
    let run = run_in(d, &["gen", "--rows", "5", "--out", "folder-link"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "nebulk: error: folder-link is a folder, not a file\n"
    );
    fs::create_dir_all(d.join("out/report.json")).unwrap();
    let run = run_in(d, &["convert", "accounts.csv", "--out", "out"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "nebulk: error: out/report.json is a folder, not a file\n"
    );
    assert_eq!(
        sorted_files(&d.join("out")),
        ["report.json"],
        "nothing written"
    );
    assert!(sorted_files(&d.join("folder")).is_empty());
}

/// `--report -`: standard output holds exactly the report, the summary stays on stderr.
#[test]
fn report_dash_writes_the_json_to_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sample_input(d);
    let expected = plain_report(d);
    let run = run_in(d, &["validate", "accounts.csv", "--report", "-"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&expected)
    );
    assert!(
        run.stderr.starts_with("accounts.csv: 15 rows read"),
        "{}",
        run.stderr
    );
    assert!(!d.join("-").exists(), "no file named -");
}

/// A FIFO given as `--report` is written through to its reader, and stays a FIFO.
#[test]
fn a_fifo_report_is_written_through_to_its_reader() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sample_input(d);
    let expected = plain_report(d);
    let fifo = d.join("report.fifo");
    mkfifo(&fifo);
    let read = read_fifo_in_the_background(&fifo);
    let run = run_in(
        d,
        &["validate", "accounts.csv", "-q", "--report", "report.fifo"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let read = read
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the FIFO's reader got an end of file: nebulk wrote to it");
    assert_eq!(read, expected);
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(
        sorted_files(d),
        ["accounts.csv", "report.fifo"],
        "no temporary file"
    );
}

/// Reads `fifo` to its end on a thread of its own; what it read comes through the channel. A
/// run that never opens the FIFO leaves the thread waiting, and the test fails on a timeout
/// rather than hanging.
fn read_fifo_in_the_background(fifo: &Path) -> std::sync::mpsc::Receiver<Vec<u8>> {
    let (send, receive) = std::sync::mpsc::channel();
    let fifo = fifo.to_path_buf();
    std::thread::spawn(move || {
        let _ = send.send(fs::read(fifo).unwrap());
    });
    receive
}

/// bash's `>(...)` is a pipe behind `/dev/fd/63`: written through (it failed with "cannot
/// create a file in /dev/fd").
#[test]
fn a_process_substitution_report_is_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sample_input(d);
    let expected = plain_report(d);
    let script = r#""$0" validate accounts.csv -q --report >(cat > substituted.json); code=$?; wait $!; exit $code"#;
    let run = Command::new("bash")
        .current_dir(d)
        .args(["-c", script, env!("CARGO_BIN_EXE_nebulk")])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr, "");
    assert_eq!(fs::read(d.join("substituted.json")).unwrap(), expected);
}

/// A char device as every kind of output: written through, and still a device after. The
/// device is a `/dev/null` made in the test's folder (as root) so that a regression replaces
/// only that; a user who cannot make one uses `/dev/null`, which such a user cannot replace.
#[test]
fn a_char_device_as_an_output_stays_a_device() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sample_input(d);
    let made = Command::new("mknod")
        .args(["-m", "666"])
        .arg(d.join("null"))
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success());
    let null = if made {
        d.join("null")
    } else if !is_root() {
        PathBuf::from("/dev/null")
    } else {
        skipped(
            "outputs::a_char_device_as_an_output_stays_a_device",
            "root, but mknod cannot make a device node here; the machine's /dev/null is not risked",
        );
        return;
    };
    let null_str = null.to_str().unwrap();
    let is_device = || {
        fs::symlink_metadata(&null)
            .unwrap()
            .file_type()
            .is_char_device()
    };

    let run = run_in(d, &["validate", "accounts.csv", "-q", "--report", null_str]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(is_device());
    let run = run_in(
        d,
        &[
            "gen", "--rows", "20", "--out", null_str, "--truth", null_str,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(is_device());
    fs::create_dir(d.join("out")).unwrap();
    symlink(&null, d.join("out/upload.csv")).unwrap();
    let run = run_in(d, &["convert", "accounts.csv", "--out", "out", "-q"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(is_device());
    assert!(is_link(&d.join("out/upload.csv")));
    assert_eq!(link_target(&d.join("out/upload.csv")), null);
    assert_eq!(
        sorted_files(&d.join("out")),
        crate::harness::CONVERT_OUTPUTS
    );
    assert!(sorted_files(d).iter().all(|name| !name.ends_with(".tmp")));
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// The shell script run inside the private namespace: a tmpfs over `/dev` holding only a
/// `stdout -> /proc/self/fd/1` link, then the command, then whether the link is still one
/// (into the file `$MARK`). Any failure to set up exits 97 before the command runs.
const PRIVATE_DEV: &str = r#"
mount -t tmpfs nebulk-test-dev /dev || exit 97
ln -s /proc/self/fd/1 /dev/stdout || exit 97
[ -L /dev/stdout ] || exit 97
[ -n "$1" ] || exit 0
"$@"
code=$?
if [ -L /dev/stdout ] && [ "$(readlink /dev/stdout)" = /proc/self/fd/1 ]; then
    echo still-a-link > "$MARK"
fi
exit $code
"#;

/// How to enter a mount namespace of one's own: as root `unshare --mount`, else with a user
/// namespace too. `None` when neither works here.
fn private_namespace() -> Option<Vec<&'static str>> {
    let ways: [&[&str]; 2] = [
        &["--mount", "--propagation", "private"],
        &[
            "--user",
            "--map-root-user",
            "--mount",
            "--propagation",
            "private",
        ],
    ];
    ways.into_iter()
        .find(|way| {
            Command::new("unshare")
                .args(*way)
                .args(["sh", "-c", PRIVATE_DEV, "sh"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .map(<[&str]>::to_vec)
}

/// Issue 9's first case: `--report /dev/stdout`, with standard output a pipe and then a file.
/// The report arrives there exactly, and `/dev/stdout` is still a link, in the namespace where
/// it ran; the machine's is never touched.
#[test]
fn report_to_dev_stdout_in_a_private_mount_namespace() {
    let Some(unshare) = private_namespace() else {
        skipped(
            "outputs::report_to_dev_stdout_in_a_private_mount_namespace",
            "`unshare --mount` cannot make a mount namespace with a private /dev here (no \
             util-linux unshare, or no right to mount); --report /dev/stdout is not run outside one",
        );
        return;
    };
    let machine_stdout = link_target(Path::new("/dev/stdout"));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sample_input(d);
    let expected = plain_report(d);
    let command = |mark: &str| {
        let mut command = Command::new("unshare");
        command
            .args(&unshare)
            .args(["sh", "-c", PRIVATE_DEV, "sh", env!("CARGO_BIN_EXE_nebulk")])
            .args(["validate", "accounts.csv", "-q", "--report", "/dev/stdout"])
            .current_dir(d)
            .env("MARK", d.join(mark))
            .stdin(Stdio::null());
        command
    };

    // Standard output a pipe.
    let run = command("mark-pipe").output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        d.join("mark-pipe").exists(),
        "/dev/stdout was replaced in the namespace: {stderr}"
    );
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr, "");
    assert!(
        run.stdout == expected,
        "standard output holds exactly the report"
    );

    // Standard output a file (`> file`): written through, not renamed over.
    let stdout_file = d.join("stdout.json");
    let file = fs::File::create(&stdout_file).unwrap();
    let inode = |path: &Path| std::os::unix::fs::MetadataExt::ino(&fs::metadata(path).unwrap());
    let before = inode(&stdout_file);
    let status = command("mark-file").stdout(file).status().unwrap();
    assert!(
        d.join("mark-file").exists(),
        "/dev/stdout was replaced in the namespace"
    );
    assert_eq!(status.code(), Some(1));
    assert_eq!(
        inode(&stdout_file),
        before,
        "the file behind standard output was replaced"
    );
    assert!(
        fs::read(&stdout_file).unwrap() == expected,
        "the file holds exactly the report"
    );

    assert!(is_link(Path::new("/dev/stdout")));
    assert_eq!(link_target(Path::new("/dev/stdout")), machine_stdout);
}

/// A closed standard output (`| head`) ends every subcommand that writes to it quietly: exit 0,
/// nothing on stderr. (gen said "Broken pipe" and exited 2; map panicked.)
#[test]
fn a_closed_standard_output_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sample_input(d);
    // (`--report /dev/stdout` is never run here, outside a namespace of its own.)
    let runs: [&[&str]; 5] = [
        &["gen", "--rows", "20000"],
        &["gen", "--rows", "3", "--out", "-"],
        &["map", "accounts.csv"],
        &["validate", "accounts.csv", "--report", "-"],
        &["validate", "--help"],
    ];
    for args in runs {
        // The reading end is closed before the run starts: every write fails.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut child = nebulk()
            .current_dir(d)
            .args(args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}

/// A bad option is refused before any output starts, in the option's own words (it said
/// "writing to standard output: error_rate must be…").
#[test]
fn a_bad_gen_option_is_refused_before_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for extra in [&[][..], &["--out", "x.csv", "--truth", "t.json"][..]] {
        let args = [&["gen", "--rows", "3", "--error-rate", "2"][..], extra].concat();
        let run = run_in(d, &args);
        assert_eq!(run.code, 2);
        assert_eq!(
            run.stderr,
            "nebulk: error: --error-rate must be between 0 and 1, got 2\n"
        );
        assert!(run.stdout.is_empty());
        assert!(sorted_files(d).is_empty());
    }
    // An output that cannot be written is refused before the CSV goes to standard output.
    fs::create_dir(d.join("folder")).unwrap();
    let run = run_in(d, &["gen", "--rows", "3", "--truth", "folder"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty(), "no row written");
    assert_eq!(
        run.stderr,
        "nebulk: error: folder is a folder, not a file\n"
    );
}
