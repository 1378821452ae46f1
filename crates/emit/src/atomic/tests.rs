//! Tests of atomic files: nothing visible before commit, groups renamed together, and (on
//! Unix) links, devices and FIFOs.

use std::fs;
use std::io::Write;

use super::{commit_all, AtomicFile};

#[test]
fn an_uncommitted_file_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let mut file = AtomicFile::create(&dir.path().join("x.csv")).unwrap();
    file.write_all(b"partial").unwrap();
    drop(file);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_group_is_renamed_together_marker_last() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for name in ["a.csv", "marker.json"] {
        fs::write(d.join(name), "old").unwrap();
    }
    let mut a = AtomicFile::create(&d.join("a.csv")).unwrap();
    a.write_all(b"new").unwrap();
    let mut marker = AtomicFile::create(&d.join("marker.json")).unwrap();
    marker.write_all(b"new").unwrap();
    commit_all(vec![a, marker]).unwrap();
    for name in ["a.csv", "marker.json"] {
        assert_eq!(fs::read(d.join(name)).unwrap(), b"new");
    }
    assert_eq!(
        fs::read_dir(d).unwrap().count(),
        2,
        "no temporary file left"
    );
}

#[test]
fn a_failed_rename_in_a_group_leaves_no_old_marker_and_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("marker.json"), "old").unwrap();
    let group = ["a.csv", "b.csv", "c.csv", "marker.json"]
        .map(|name| AtomicFile::create(&d.join(name)).unwrap());
    // A rename over a folder that is not empty fails (a folder there at the start would
    // have been refused by `create`).
    fs::create_dir(d.join("b.csv")).unwrap();
    fs::write(d.join("b.csv/keep"), "").unwrap();
    let err = commit_all(group.into()).unwrap_err();
    assert!(err.to_string().contains("cannot rename into"), "{err}");
    let mut names: Vec<String> = fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["a.csv", "b.csv"],
        "the old marker is gone, nothing else"
    );
}

#[test]
fn commit_replaces_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.csv");
    fs::write(&path, "old").unwrap();
    let mut file = AtomicFile::create(&path).unwrap();
    file.write_all(b"new").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"old");
    file.commit().unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"new");
}

#[cfg(unix)]
mod unix {
    use super::super::*;
    use std::os::unix::fs::{symlink, FileTypeExt};

    fn is_link(path: &Path) -> bool {
        fs::symlink_metadata(path).unwrap().file_type().is_symlink()
    }

    /// Issue 9: a link given as an output was replaced by a regular file.
    #[test]
    fn a_link_stays_a_link_and_its_target_gets_the_content() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir(d.join("real")).unwrap();
        fs::write(d.join("real/report.json"), "old").unwrap();
        symlink("real/report.json", d.join("report.json")).unwrap();
        let mut file = AtomicFile::create(&d.join("report.json")).unwrap();
        file.write_all(b"new").unwrap();
        let temp = file.temp_path().unwrap().to_path_buf();
        assert_eq!(
            temp.parent(),
            Some(d.join("real").as_path()),
            "beside the target"
        );
        file.commit().unwrap();
        assert!(is_link(&d.join("report.json")));
        assert_eq!(fs::read(d.join("real/report.json")).unwrap(), b"new");
    }

    /// The marker of a group is removed before the renames: its target, never the link.
    #[test]
    fn a_linked_marker_has_its_target_replaced_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("target.json"), "old").unwrap();
        symlink("target.json", d.join("marker.json")).unwrap();
        let mut data = AtomicFile::create(&d.join("data.csv")).unwrap();
        data.write_all(b"a\n").unwrap();
        let mut marker = AtomicFile::create(&d.join("marker.json")).unwrap();
        marker.write_all(b"new").unwrap();
        commit_all(vec![data, marker]).unwrap();
        assert!(is_link(&d.join("marker.json")));
        assert_eq!(fs::read(d.join("marker.json")).unwrap(), b"new");
        let mut names: Vec<_> = fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["data.csv", "marker.json", "target.json"]);
    }

    /// A device is written in place and stays a device, marker of a group or not. The device
    /// is a null device made in the test's folder (`mknod`, as root), so that a regression
    /// replaces that one and never the machine's `/dev/null`.
    #[test]
    fn a_device_is_written_through_and_never_removed() {
        let dir = tempfile::tempdir().unwrap();
        let null = dir.path().join("null");
        let made = std::process::Command::new("mknod")
            .arg(&null)
            .args(["c", "1", "3"])
            .status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("a_device_is_written_through_and_never_removed: SKIPPED: mknod cannot make a device here (not root?)");
            return;
        }
        let mut data = AtomicFile::create(&dir.path().join("data.csv")).unwrap();
        data.write_all(b"a\n").unwrap();
        let mut marker = AtomicFile::create(&null).unwrap();
        assert!(marker.temp_path().is_none());
        marker.write_all(b"{}").unwrap();
        commit_all(vec![data, marker]).unwrap();
        let kind = fs::symlink_metadata(&null).unwrap().file_type();
        assert!(kind.is_char_device());
    }

    #[test]
    fn a_fifo_is_written_through_to_its_reader() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success(), "mkfifo");
        let (send, read) = std::sync::mpsc::channel();
        {
            let fifo = fifo.clone();
            // Left waiting, should the file not open the FIFO: the timeout below fails the test.
            std::thread::spawn(move || send.send(fs::read(fifo).unwrap()));
        }
        let mut file = AtomicFile::create(&fifo).unwrap();
        file.write_all(b"through").unwrap();
        file.commit().unwrap();
        let read = read.recv_timeout(std::time::Duration::from_secs(30));
        assert_eq!(read.unwrap(), b"through");
        assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    }

    #[test]
    fn a_folder_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let err = AtomicFile::create(dir.path()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::IsADirectory);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn outputs_get_the_mode_a_plain_file_gets() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        fs::File::create(&plain).unwrap();
        let atomic = dir.path().join("atomic");
        AtomicFile::create(&atomic).unwrap().commit().unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&atomic), mode(&plain));
    }
}

#[test]
fn a_file_of_several_early_syncs_is_committed_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upload.csv");
    let mut file = AtomicFile::create(&path).unwrap();
    let piece: Vec<u8> = (0..1 << 20).map(|i| b'a' + (i % 26) as u8).collect();
    let pieces = ((2 * super::writeback::STEP) >> 20) + 3;
    for _ in 0..pieces {
        file.write_all(&piece).unwrap();
    }
    file.commit().unwrap();
    let written = fs::read(&path).unwrap();
    assert_eq!(written.len() as u64, pieces << 20);
    assert!(written.chunks(piece.len()).all(|chunk| chunk == piece));
}

#[cfg(unix)]
#[test]
fn the_commit_fails_with_an_early_syncs_error() {
    use std::os::fd::OwnedFd;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upload.csv");
    let mut file = AtomicFile::create(&path).unwrap();
    // An early sync of a handle that cannot be synced (a pipe's): its error is the commit's.
    let (_reader, writer) = std::io::pipe().unwrap();
    let pipe = fs::File::from(OwnedFd::from(writer));
    file.writeback.sync_now(&pipe, &path);
    let error = file.commit().unwrap_err();
    assert!(error.to_string().contains("upload.csv"), "{error}");
    assert!(!path.exists(), "nothing renamed into place");
}
