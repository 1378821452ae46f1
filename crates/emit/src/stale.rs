//! Temporary files left behind by killed runs.
//!
//! A run that ends by SIGKILL (or a power cut) leaves its temporary files behind: nothing can
//! remove them as it dies. Each live run therefore holds an advisory lock on each of its
//! temporary files, taken right after creating it (`flock`: the lock belongs to the open file,
//! stays through the rename and goes when the file is closed, which the system does for a
//! process however it ends). Before making a temporary file for `NAME`, a run removes every
//! `.NAME.XXXXXX.tmp` in the folder whose lock it can take: no live process has it open.
//!
//! The cleanup is best effort: any error (a folder that cannot be listed, a file that cannot be
//! opened, a file system without locks) leaves the file where it is. It never removes a file of
//! another shape, one that is not a plain file, one that a live run holds, nor one replaced
//! since it was locked. Where there are no Unix locks, nothing is locked and nothing removed.

use std::io;
use std::path::Path;

use crate::pending::{plain, Files, TEMP_RANDOM_CHARS, TEMP_SUFFIX};
use crate::with_path;

/// How often a run makes a new temporary file when another run's cleanup removed the one it
/// had just made, before it could lock it (each time a race of microseconds).
const ATTEMPTS: usize = 8;

/// Whether `name` is one of the temporary files that [`crate::AtomicFile::create`] makes with
/// `prefix` (`.NAME.`): the prefix, exactly [`TEMP_RANDOM_CHARS`] ASCII letters or digits, and
/// [`TEMP_SUFFIX`].
fn is_temp_name(name: &[u8], prefix: &[u8]) -> bool {
    name.strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX.as_bytes()))
        .is_some_and(|random| {
            random.len() == TEMP_RANDOM_CHARS && random.iter().all(u8::is_ascii_alphanumeric)
        })
}

/// Makes a temporary file with `builder` in `dir` and locks it (on Unix).
pub(crate) fn create_locked(
    builder: &tempfile::Builder<'_, '_>,
    dir: &Path,
) -> io::Result<tempfile::NamedTempFile> {
    let create = || {
        builder
            .tempfile_in(dir)
            .map_err(|e| with_path(plain(e), "cannot create a file in", dir))
    };
    for _ in 0..ATTEMPTS {
        let temp = create()?;
        if imp::lock_own(&temp) {
            return Ok(temp);
        }
        // Another run's cleanup took the file between its creation and its lock, and removes
        // it: whatever has its name now is not this run's to remove.
        let _ = temp.keep();
    }
    Err(with_path(
        io::Error::other("its temporary files were removed as they were made"),
        "cannot create a file in",
        dir,
    ))
}

/// Removes the temporary files with `prefix` in `dir` that no live process holds, leaving out
/// those of this process (`files`). Best effort: errors leave files where they are.
pub(crate) fn remove(dir: &Path, prefix: &str, files: &Files) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !imp::name_bytes(&name).is_some_and(|n| is_temp_name(n, prefix.as_bytes())) {
            continue;
        }
        // This process's own files are locked too; skipping them does not rest on that.
        let ours = files
            .pending
            .iter()
            .filter_map(|pending| pending.temp.as_deref())
            .any(|temp| temp.file_name() == Some(name.as_os_str()));
        if !ours {
            let _ = imp::remove_if_unlocked(&entry.path());
        }
    }
}

#[cfg(unix)]
mod imp {
    use std::ffi::OsStr;
    use std::fs::{self, File, Metadata, TryLockError};
    use std::io;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::MetadataExt;
    use std::path::Path;

    pub(super) fn name_bytes(name: &OsStr) -> Option<&[u8]> {
        Some(name.as_bytes())
    }

    fn same_file(a: &Metadata, b: &Metadata) -> bool {
        a.dev() == b.dev() && a.ino() == b.ino()
    }

    /// Locks this run's new temporary file. False when it is no longer under its name (another
    /// run's cleanup removed it) or that cleanup holds it now. A file system without locks
    /// leaves it unlocked: cleanups there cannot lock it either, so they keep it.
    pub(super) fn lock_own(temp: &tempfile::NamedTempFile) -> bool {
        let file = temp.as_file();
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return false,
            Err(TryLockError::Error(_)) => return true,
        }
        match (file.metadata(), fs::symlink_metadata(temp.path())) {
            (Ok(open), Ok(named)) => same_file(&open, &named),
            _ => false,
        }
    }

    /// Removes `path` when it is a plain file that no process holds locked. The lock is taken
    /// on the file opened, and the file is removed only if `path` still names that file.
    pub(super) fn remove_if_unlocked(path: &Path) -> io::Result<()> {
        let named = fs::symlink_metadata(path)?;
        if !named.file_type().is_file() {
            return Ok(());
        }
        let file = File::open(path)?;
        let open = file.metadata()?;
        if !same_file(&named, &open) {
            return Ok(());
        }
        if file.try_lock().is_err() {
            // Held by a live run, or no locks here: kept.
            return Ok(());
        }
        if same_file(&fs::symlink_metadata(path)?, &open) {
            fs::remove_file(path)?;
        }
        Ok(())
    }
}

/// No Unix locks: temporary files are not locked, and none is removed.
#[cfg(not(unix))]
mod imp {
    use std::ffi::OsStr;
    use std::io;
    use std::path::Path;

    pub(super) fn name_bytes(_: &OsStr) -> Option<&[u8]> {
        None
    }

    pub(super) fn lock_own(_: &tempfile::NamedTempFile) -> bool {
        true
    }

    pub(super) fn remove_if_unlocked(_: &Path) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use crate::AtomicFile;
    use std::fs::{self, TryLockError};
    use std::io::Write;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn only_the_exact_shape_is_a_temporary_name() {
        let is = |name: &str| is_temp_name(name.as_bytes(), b".upload.csv.");
        assert!(is(".upload.csv.abc123.tmp"));
        assert!(is(".upload.csv.ZZZZZZ.tmp"));
        for not in [
            ".upload.csv.abc12.tmp",
            ".upload.csv.abc1234.tmp",
            ".upload.csv.abc-12.tmp",
            ".upload.csv.abc 12.tmp",
            ".upload.csv..tmp",
            ".upload.csv.abc123.tmp.bak",
            "upload.csv.abc123.tmp",
            ".upload.csv.abc123.TMP",
            ".upload.csvXabc123.tmp",
            ".rejects.csv.abc123.tmp",
            ".upload.csv.abc123.tmp~",
            ".upload.csv.äbc12.tmp",
            "upload.csv",
        ] {
            assert!(!is(not), "{not}");
        }
    }

    #[test]
    fn a_leftover_no_one_holds_is_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let keep = [
            ".other.tmp",
            "upload.csv.bak",
            "upload.csv",
            ".upload.csv.abc12.tmp",
            ".rejects.csv.abc123.tmp",
            ".upload.csv.abc123.tmp.bak",
        ];
        for name in keep.iter().chain(&[".upload.csv.abc123.tmp"]) {
            fs::write(d.join(name), "x").unwrap();
        }
        // A folder of the right shape is not a leftover file.
        fs::create_dir(d.join(".upload.csv.dir123.tmp")).unwrap();
        let file = AtomicFile::create(&d.join("upload.csv")).unwrap();
        let mut expected: Vec<String> = keep.iter().map(|n| n.to_string()).collect();
        expected.push(".upload.csv.dir123.tmp".into());
        expected.push(
            file.temp_path()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned(),
        );
        expected.sort();
        assert_eq!(names(d), expected);
        file.commit().unwrap();
        assert_eq!(fs::read(d.join("upload.csv")).unwrap(), b"");
    }

    #[test]
    fn a_leftover_another_handle_holds_locked_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let held = d.join(".upload.csv.abc123.tmp");
        fs::write(&held, "being written").unwrap();
        let holder = fs::File::open(&held).unwrap();
        holder.lock().unwrap();
        let file = AtomicFile::create(&d.join("upload.csv")).unwrap();
        assert_eq!(fs::read(&held).unwrap(), b"being written");
        drop(file);
        // Unlocked (its writer died): the next file of that name removes it.
        drop(holder);
        let file = AtomicFile::create(&d.join("upload.csv")).unwrap();
        assert!(!held.exists());
        drop(file);
        assert_eq!(names(d), Vec::<String>::new());
    }

    #[test]
    fn a_symbolic_link_of_the_right_shape_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("precious"), "x").unwrap();
        std::os::unix::fs::symlink(d.join("precious"), d.join(".upload.csv.lnk123.tmp")).unwrap();
        drop(AtomicFile::create(&d.join("upload.csv")).unwrap());
        assert_eq!(names(d), [".upload.csv.lnk123.tmp", "precious"]);
    }

    /// What keeps a live run's files from another run's cleanup: the lock, held from creation
    /// until the file is committed or dropped.
    #[test]
    fn a_live_file_is_locked_until_committed() {
        let dir = tempfile::tempdir().unwrap();
        let mut file = AtomicFile::create(&dir.path().join("upload.csv")).unwrap();
        file.write_all(b"rows").unwrap();
        let temp = file.temp_path().unwrap().to_path_buf();
        let other = fs::File::open(&temp).unwrap();
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        // Another run's cleanup, which does not know this process's files, keeps it.
        imp::remove_if_unlocked(&temp).unwrap();
        assert!(temp.exists());
        // Nor does a second file of the same name in this process.
        drop(AtomicFile::create(&dir.path().join("upload.csv")).unwrap());
        assert!(temp.exists());
        file.commit().unwrap();
        // Committed: the file is closed, and its lock gone with it.
        let committed = fs::File::open(dir.path().join("upload.csv")).unwrap();
        committed.try_lock().unwrap();
    }

    /// A file removed, or held by another run's cleanup, between its creation and its lock is
    /// given up (and a new one made).
    #[test]
    fn a_new_file_taken_before_its_lock_is_given_up() {
        let dir = tempfile::tempdir().unwrap();
        let make = || tempfile::Builder::new().tempfile_in(dir.path()).unwrap();
        let removed = make();
        fs::remove_file(removed.path()).unwrap();
        assert!(!imp::lock_own(&removed));
        let held = make();
        let cleanup = fs::File::open(held.path()).unwrap();
        cleanup.lock().unwrap();
        assert!(!imp::lock_own(&held));
        drop(cleanup);
        assert!(imp::lock_own(&held));
    }
}
