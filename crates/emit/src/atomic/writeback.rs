//! Syncing a temporary file's data to disk while it is still being written ([`Writeback`]), so
//! that the sync of its commit waits for the last megabytes only, not for the whole file.

use std::fs::File;
use std::io;
use std::path::Path;
use std::thread::JoinHandle;

use crate::with_path;

/// Bytes written between two early syncs of a file.
pub(super) const STEP: u64 = 32 << 20;

/// A file's early syncs: one starts on a thread of its own each time another [`STEP`] bytes were
/// written and the one before is done, and one when asked ([`Writeback::sync_now`]).
///
/// Their errors are kept for the commit ([`Writeback::finish`]): the threads sync another handle
/// on the same open file, and the kernel tells a write error to the first sync of that open file
/// that asks, which may be an early one; the commit's own sync would then find nothing wrong.
#[derive(Debug, Default)]
pub(super) struct Writeback {
    /// Bytes written since the last early sync started.
    unsynced: u64,
    /// The early sync under way, or done and not yet joined.
    syncing: Option<JoinHandle<io::Result<()>>>,
    /// The first error of an early sync, for the commit.
    failed: Option<io::Error>,
}

impl Writeback {
    /// Counts `bytes` more written to `file`, and starts a sync once [`STEP`] bytes are
    /// unsynced, unless the sync before is still under way (the next write tries again).
    pub(super) fn wrote(&mut self, bytes: usize, file: &File, target: &Path) {
        self.unsynced = self.unsynced.saturating_add(bytes as u64);
        if self.unsynced < STEP || self.syncing.as_ref().is_some_and(|s| !s.is_finished()) {
            return;
        }
        self.collect();
        self.start(file, target);
    }

    /// Starts a sync of everything written to `file` so far (flushed), once the one under way,
    /// if any, is done.
    pub(super) fn sync_now(&mut self, file: &File, target: &Path) {
        self.collect();
        self.start(file, target);
    }

    /// Waits for the early syncs, and gives the first error of any.
    pub(super) fn finish(&mut self) -> io::Result<()> {
        self.collect();
        self.failed.take().map_or(Ok(()), Err)
    }

    /// Starts a sync of `file` on a thread of its own. When no handle or thread can be had,
    /// nothing is synced early: the commit syncs it all.
    fn start(&mut self, file: &File, target: &Path) {
        let Ok(handle) = file.try_clone() else {
            return;
        };
        let target = target.to_path_buf();
        let syncing = std::thread::Builder::new()
            .name("nebulk-writeback".into())
            .spawn(move || {
                handle
                    .sync_data()
                    .map_err(|e| with_path(e, "cannot write", &target))
            });
        if let Ok(syncing) = syncing {
            self.syncing = Some(syncing);
            self.unsynced = 0;
        }
    }

    /// Joins the sync under way, if any, keeping its error.
    fn collect(&mut self) {
        if let Some(Err(e)) = self.syncing.take().map(joined) {
            self.failed.get_or_insert(e);
        }
    }
}

/// The outcome of a sync's thread (a panic, which `sync_data` does not raise, as an error).
fn joined(thread: JoinHandle<io::Result<()>>) -> io::Result<()> {
    thread
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("an early sync of the file panicked")))
}

#[cfg(all(test, unix))]
mod tests {
    use std::fs::File;
    use std::os::fd::OwnedFd;
    use std::path::Path;

    use super::{Writeback, STEP};

    /// A handle that cannot be synced: the writing end of a pipe (`fsync` fails with EINVAL).
    fn unsyncable() -> std::io::Result<(std::io::PipeReader, File)> {
        let (reader, writer) = std::io::pipe()?;
        Ok((reader, File::from(OwnedFd::from(writer))))
    }

    #[test]
    fn a_sync_starts_after_a_step_and_its_error_waits_for_the_commit() {
        let (_reader, file) = unsyncable().unwrap();
        let mut writeback = Writeback::default();
        writeback.wrote(
            usize::try_from(STEP).unwrap() - 1,
            &file,
            Path::new("up.csv"),
        );
        assert!(writeback.syncing.is_none(), "less than a step: no sync");
        writeback.wrote(1, &file, Path::new("up.csv"));
        assert!(
            writeback.syncing.is_some(),
            "a step written: a sync started"
        );
        assert_eq!(writeback.unsynced, 0);
        let error = writeback.finish().unwrap_err();
        assert!(error.to_string().contains("up.csv"), "{error}");
        assert!(writeback.finish().is_ok(), "an error is told once");
    }

    #[test]
    fn a_sync_asked_for_is_waited_for_by_the_commit() {
        let (_reader, file) = unsyncable().unwrap();
        let mut writeback = Writeback::default();
        writeback.sync_now(&file, Path::new("overflow.csv"));
        let error = writeback.finish().unwrap_err();
        assert!(error.to_string().contains("overflow.csv"), "{error}");
    }

    #[test]
    fn syncs_of_a_real_file_succeed() {
        let dir = tempfile::tempdir().unwrap();
        let file = File::create(dir.path().join("a.csv")).unwrap();
        let mut writeback = Writeback::default();
        writeback.wrote(usize::try_from(STEP).unwrap(), &file, Path::new("a.csv"));
        writeback.sync_now(&file, Path::new("a.csv"));
        assert!(writeback.finish().is_ok());
    }
}
