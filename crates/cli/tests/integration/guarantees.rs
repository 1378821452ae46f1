//! Bounded memory and no network (issue 5), measured on the real binary (Linux only: they read
//! `/proc` and run `strace`).
#![cfg(target_os = "linux")]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::harness::{nebulk, skipped, testdata};

/// The peak resident memory of a running process, in KiB (`VmHWM`).
fn peak_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/PID/status")
}

/// Streams 24 MB of rows into `convert -`, notes the peak memory, streams 72 MB more, and
/// checks that the peak grew by far less than the input: memory is the chunks in flight and the
/// ledger of account names (bounded here: 1,000 names recur, the rest are duplicates), not the
/// input. The writes block while nebulk is behind, so each measure follows the rows written.
#[test]
fn memory_stays_flat_while_the_input_grows() {
    const MB: usize = 1 << 20;
    let dir = tempfile::tempdir().unwrap();
    let mut child = nebulk()
        .current_dir(dir.path())
        .args(["convert", "-", "--out", "out", "-q"])
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"accountName,firstName,lastName,email,phone,manager,startDate,endDate,notes\n")
        .unwrap();
    let notes = "x".repeat(900);
    let mut block = String::new();
    for i in 0..1000 {
        block.push_str(&format!(
            "user{i},Ann,Lee,ann@example.com,+1 512 555 0100,jane.doe,2026-01-01,2026-12-31,{notes}\n"
        ));
    }
    let mut stream = |bytes: usize| {
        let mut written = 0;
        while written < bytes {
            stdin.write_all(block.as_bytes()).unwrap();
            written += block.len();
        }
    };
    stream(24 * MB);
    let early = peak_kib(child.id());
    stream(72 * MB);
    let late = peak_kib(child.id());
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(1), "duplicates rejected");
    let growth_mib = late.saturating_sub(early) / 1024;
    assert!(
        growth_mib < 16,
        "peak memory grew by {growth_mib} MiB (from {early} KiB to {late} KiB) over 72 MB more input"
    );
}

/// How `strace` runs here: following every thread and child, stopping only at network system
/// calls (`--seccomp-bpf` makes the others cost nothing), quiet, without signals.
const STRACE: [&str; 8] = [
    "-f",
    "--seccomp-bpf",
    "-qq",
    "-e",
    "trace=%network",
    "-e",
    "signal=none",
    "-o",
];

/// Runs the command of every golden case (`testdata/cases/`) under `strace` and checks that
/// nebulk made no network system call (no socket, connect, send...): every input kind, schemas,
/// existing accounts, mappings with lookups.
#[test]
fn no_golden_case_makes_a_network_system_call() {
    check_no_network_call("cases", "no_golden_case_makes_a_network_system_call");
}

/// The same for every hostile input (`testdata/bad/`, its `$GEN` inputs generated): XML with
/// external entities and entity bombs, deep nesting, zip bombs, huge fields (issue 9: only the
/// golden cases were traced).
#[test]
fn no_hostile_input_makes_a_network_system_call() {
    check_no_network_call("bad", "no_hostile_input_makes_a_network_system_call");
}

/// Runs the command of every case of `testdata/<folder>/` under `strace` (see
/// [`no_golden_case_makes_a_network_system_call`]). Each run must end with its case's exit code,
/// so that a run cut short cannot pass for a quiet one. Skipped, saying so loudly and naming
/// `test`, where `strace` cannot run (`.ci/run` installs it).
fn check_no_network_call(folder: &str, test: &str) {
    let probe = Command::new("strace")
        .args(STRACE)
        .args(["/dev/null", "true"])
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        skipped(
            &format!("guarantees::{test}"),
            "`strace` is missing or cannot trace here (Debian package strace; .ci/run installs \
             it): the no-network guarantee was NOT checked",
        );
        return;
    }
    let mut cases: Vec<_> = std::fs::read_dir(testdata().join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("cmd").exists())
        .collect();
    cases.sort();
    assert!(cases.len() > 10, "cases found in testdata/{folder}");
    for case in cases {
        let out = tempfile::tempdir().unwrap();
        let trace = out.path().join("trace");
        let out_dir = out.path().join("out");
        let generated = out.path().join("gen");
        std::fs::create_dir(&generated).unwrap();
        if let Some(generate) = crate::bad::generator(&name(&case)) {
            generate(&generated);
        }
        let cmd = std::fs::read_to_string(case.join("cmd")).unwrap();
        let args: Vec<String> = cmd
            .split_whitespace()
            .map(|a| {
                a.replace("$OUT", &out_dir.to_string_lossy())
                    .replace("$GEN", &generated.to_string_lossy())
            })
            .collect();
        let status = Command::new("strace")
            .current_dir(&case)
            .args(STRACE)
            .arg(&trace)
            .arg(env!("CARGO_BIN_EXE_nebulk"))
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        let expected = std::fs::read_to_string(case.join("expected/exit_code")).unwrap();
        assert_eq!(
            status.code().map(|c| c.to_string()),
            Some(expected.trim().to_string()),
            "{}: the traced run's exit code",
            name(&case)
        );
        let calls = std::fs::read_to_string(&trace).unwrap();
        let network_calls: Vec<String> = whole_calls(&calls)
            .into_iter()
            .filter(|l| is_a_system_call(l) && !fails_on_a_non_socket(l))
            .collect();
        assert!(
            network_calls.is_empty(),
            "{}: network system calls:\n{}",
            name(&case),
            network_calls.join("\n")
        );
    }
}

/// The calls of `strace -f` output, one a line: a call that another thread's output cut in two
/// (`PID sendto(5, ... <unfinished ...>`, later `PID <... sendto resumed>) = -1 ENOTSOCK ...`)
/// is put back together, so that its result is on its line.
fn whole_calls(trace: &str) -> Vec<String> {
    let mut calls = Vec::new();
    let mut unfinished: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for line in trace.lines() {
        let pid = line.split_whitespace().next().unwrap_or_default();
        let unnamed = line[pid.len()..].trim_start().starts_with("???(");
        if let Some(start) = line.strip_suffix(" <unfinished ...>").filter(|_| !unnamed) {
            unfinished.insert(pid, start);
        } else if let Some(at) = line.find("<... ") {
            let rest = line[at..]
                .split_once(" resumed>")
                .map_or("", |(_, rest)| rest);
            match unfinished.remove(pid) {
                Some(start) => calls.push(format!("{start}{rest}")),
                None => calls.push(line.to_string()),
            }
        } else {
            calls.push(line.to_string());
        }
    }
    // A call whose end never came (the process ended inside it) still counts.
    calls.extend(unfinished.into_values().map(String::from));
    calls
}

/// Issue 9: a signal-hook probe cut in two by another thread's output was taken for a network
/// call, under load only.
#[test]
fn a_call_cut_in_two_is_put_back_together() {
    let trace = "7  sendto(5, \"\", 0, MSG_DONTWAIT, NULL, 0 <unfinished ...>\n\
                 8  openat(AT_FDCWD, \"a.csv\", O_RDONLY) = 3\n\
                 7  <... sendto resumed>) = -1 ENOTSOCK (Socket operation on non-socket)\n\
                 9  connect(3, {sa_family=AF_INET}, 16 <unfinished ...>\n";
    let calls = whole_calls(trace);
    assert_eq!(calls.len(), 3);
    assert!(fails_on_a_non_socket(&calls[1]), "{}", calls[1]);
    assert!(!fails_on_a_non_socket(&calls[2]), "{}", calls[2]);
    assert!(calls[2].starts_with("9  connect("));
    // Seen under load: a call strace could not name, cut short by its thread's end.
    let calls = whole_calls("10856 ???( <unfinished ...>\n10857 ???( <detached ...>\n");
    assert!(
        calls.iter().all(|call| !is_a_system_call(call)),
        "{calls:?}"
    );
}

/// Whether a line of `strace -f` output records a system call. When a thread ends while
/// another is inside a system call, strace may print `PID ???( <detached ...>` or, under load,
/// `PID ???( <unfinished ...>`: a call it could not name, whatever the `-e trace=` filter says,
/// not one it traced.
fn is_a_system_call(line: &str) -> bool {
    let call = line.trim_start_matches(|c: char| c.is_ascii_digit()).trim();
    let cut_short = call.ends_with("<detached ...>") || call.ends_with("<unfinished ...>");
    !(call.is_empty() || call.starts_with("???(") && cut_short)
}

/// Whether a traced call failed because its file is not a socket (ENOTSOCK): it reached nothing.
/// signal-hook makes one such `send` on each pipe it registers for a signal, to learn that the
/// pipe is not a socket (see `crates/cli/src/signals.rs`).
fn fails_on_a_non_socket(line: &str) -> bool {
    line.trim_end()
        .ends_with(") = -1 ENOTSOCK (Socket operation on non-socket)")
}

#[test]
fn only_calls_on_a_non_socket_are_left_out() {
    assert!(fails_on_a_non_socket(
        "6934  sendto(5, \"\", 0, MSG_DONTWAIT, NULL, 0) = -1 ENOTSOCK (Socket operation on non-socket)"
    ));
    assert!(!fails_on_a_non_socket(
        "6934  sendto(5, \"\", 0, MSG_DONTWAIT, NULL, 0) = 0"
    ));
    assert!(!fails_on_a_non_socket(
        "395   socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3"
    ));
    assert!(!fails_on_a_non_socket(
        "395   connect(3, {sa_family=AF_INET, sin_port=htons(443)}, 16) = -1 EINPROGRESS (Operation now in progress)"
    ));
}

#[test]
fn strace_detach_lines_are_not_system_calls() {
    assert!(!is_a_system_call("32718 ???( <detached ...>"));
    assert!(!is_a_system_call("395   ???( <detached ...>"));
    assert!(!is_a_system_call(""));
    assert!(is_a_system_call(
        "395   socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3"
    ));
    assert!(is_a_system_call("395   <... connect resumed>) = 0"));
    assert!(is_a_system_call("395   ???(1, 2) = -1 ENOSYS"));
}

fn name(case: &Path) -> String {
    case.file_name().unwrap().to_string_lossy().into_owned()
}
