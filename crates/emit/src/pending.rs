//! The registry of this process's output files not yet complete ([`abandon_pending`] empties
//! it, from a signal handler), and the shape of their temporary files' names, which
//! [`crate::stale`] recognises in what killed runs left behind.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// How a temporary file's name ends.
pub(crate) const TEMP_SUFFIX: &str = ".tmp";
/// How many random letters and digits `tempfile` puts between a temporary file's prefix and
/// [`TEMP_SUFFIX`]: a leftover is recognised by that exact shape.
pub(crate) const TEMP_RANDOM_CHARS: usize = 6;

/// The files of this process: those not yet complete, and the names of those completed.
/// Every creation, rename and removal of a temporary file happens while holding it, so that
/// [`abandon_pending`] sees each file either pending (and removes it) or complete.
static FILES: Mutex<Files> = Mutex::new(Files {
    next_id: 0,
    pending: Vec::new(),
    kept: Vec::new(),
});

pub(crate) struct Files {
    next_id: u64,
    /// The files not yet complete.
    pub(crate) pending: Vec<Pending>,
    /// Targets completed (renamed into place, or written through to the end), in order.
    kept: Vec<PathBuf>,
}

/// A file not yet complete.
pub(crate) struct Pending {
    id: u64,
    /// Its temporary file; `None` for a file written through.
    pub(crate) temp: Option<PathBuf>,
    /// Its name, as given.
    target: PathBuf,
}

impl Files {
    pub(crate) fn register(&mut self, temp: Option<PathBuf>, target: &Path) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.pending.push(Pending {
            id,
            temp,
            target: target.to_path_buf(),
        });
        id
    }

    pub(crate) fn unregister(&mut self, id: u64) {
        self.pending.retain(|pending| pending.id != id);
    }

    /// Whether the file registered as `id` is still pending (not abandoned).
    pub(crate) fn is_pending(&self, id: u64) -> bool {
        self.pending.iter().any(|pending| pending.id == id)
    }

    /// Notes `target` as completed.
    pub(crate) fn keep(&mut self, target: &Path) {
        self.kept.push(target.to_path_buf());
    }
}

/// The registry, even if a thread panicked holding it (its lists are still right: each change
/// is one push or one removal).
pub(crate) fn files() -> MutexGuard<'static, Files> {
    FILES.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What [`abandon_pending`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Abandoned {
    /// The names of the files whose temporary files were removed: not written.
    pub removed: Vec<PathBuf>,
    /// The files this process had completed (renamed into place) before: kept.
    pub kept: Vec<PathBuf>,
    /// The files written through (a device, a FIFO, `/dev/stdout`) and not complete: what was
    /// written to them stays, cut short.
    ///
    /// ```
    /// # #[cfg(unix)] {
    /// use nebulk_emit::{abandon_pending, AtomicFile};
    /// let file = AtomicFile::create("/dev/null".as_ref()).unwrap();
    /// let cut_short = abandon_pending(|abandoned| abandoned.cut_short.clone());
    /// assert_eq!(cut_short, [std::path::PathBuf::from("/dev/null")]);
    /// assert!(file.commit().is_err());
    /// # }
    /// ```
    pub cut_short: Vec<PathBuf>,
}

/// Removes the temporary file of every [`crate::AtomicFile`] of this process not yet committed, then
/// calls `then` with what it did, still holding the lock that commits take: no commit can happen
/// from the moment the files are removed until `then` returns. A signal handler calls this and
/// exits the process inside `then`; no file is then left half-written or as a temporary file,
/// except one written through ([`Abandoned::cut_short`]), which cannot be taken back.
///
/// The `AtomicFile`s themselves are not told: committing one afterwards fails.
///
/// ```
/// use nebulk_emit::{abandon_pending, AtomicFile};
/// let dir = tempfile::tempdir().unwrap();
/// let file = AtomicFile::create(&dir.path().join("upload.csv")).unwrap();
/// let removed = abandon_pending(|abandoned| abandoned.removed.clone());
/// assert!(removed.contains(&dir.path().join("upload.csv")));
/// assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no temporary file left");
/// assert!(file.commit().is_err());
/// ```
pub fn abandon_pending<R>(then: impl FnOnce(&Abandoned) -> R) -> R {
    let mut files = files();
    let mut abandoned = Abandoned {
        kept: files.kept.clone(),
        ..Abandoned::default()
    };
    for pending in files.pending.drain(..) {
        match pending.temp {
            Some(temp) => {
                // Already gone is as good as removed.
                let _ = fs::remove_file(&temp);
                abandoned.removed.push(pending.target);
            }
            None => abandoned.cut_short.push(pending.target),
        }
    }
    then(&abandoned)
}

/// The operating system's own message, without the temporary file's random name that
/// `tempfile` adds.
pub(crate) fn plain(e: io::Error) -> io::Error {
    if let Some(code) = e.raw_os_error() {
        return io::Error::from_raw_os_error(code);
    }
    // tempfile wraps the system's error, whose code it does not hand on, in one that reads
    // `{error} at path "{temporary file}"`: the system's words are kept, the name dropped.
    let text = e.to_string();
    match text.find(" at path \"") {
        Some(end) => io::Error::new(e.kind(), &text[..end]),
        None => e,
    }
}
