//! A stream copied to a temporary file, for a reader that needs a file: see [`Spool`].

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The most bytes of a spreadsheet spooled from a stream: 2 GiB. The spreadsheet reader refuses
/// a workbook whose parts would unzip to more than 2 GiB, and a zip's parts are never much
/// smaller than the file (stored, or deflated) — so a larger file cannot be a workbook nebulk
/// reads (an xls file that large is far past Excel's own limits, and its cells past the reader's
/// 512 MiB).
pub const MAX_SPREADSHEET_SPOOL: u64 = 2 << 30;

/// How a spool file's name starts, in the temporary folder.
const PREFIX: &str = "nebulk-spool-";

/// The spool files of this process, so that [`remove_spools`] can remove them.
static SPOOLS: Mutex<Spools> = Mutex::new(Spools {
    next_id: 0,
    open: Vec::new(),
    closed: false,
});

struct Spools {
    next_id: u64,
    /// Id and path of each spool file not yet removed.
    open: Vec<(u64, PathBuf)>,
    /// Set by [`remove_spools`]: no new spool file may be made.
    closed: bool,
}

/// The registry, even if a thread panicked holding it (each change is one push or removal).
fn spools() -> MutexGuard<'static, Spools> {
    SPOOLS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Why a stream could not be spooled.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SpoolError {
    /// The stream holds more bytes than the limit given.
    #[error("larger than {}, the most copied to a temporary file", size(*limit))]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The temporary file could not be made or written, or the stream could not be read.
    #[error("cannot copy it to a temporary file: {0}")]
    Io(io::Error),
    /// The process is stopping ([`remove_spools`] was called).
    #[error("interrupted")]
    Interrupted,
}

/// A stream (standard input, a pipe) copied into a temporary file, for a reader that needs a
/// file it can seek in: a spreadsheet is a zip or OLE file, read through its directory.
///
/// The file, `nebulk-spool-XXXXXX` in the temporary folder (`TMPDIR`), readable by its owner
/// only, is removed when the `Spool` is dropped, on success and on error alike, and by
/// [`remove_spools`], which a signal handler calls before the process exits (an exit skips
/// `Drop`). A process killed outright (SIGKILL) leaves it to the system's temporary-file
/// cleaning.
///
/// ```
/// use nebulk_formats::Spool;
/// let mut input = &b"PK\x03\x04 a workbook, say"[..];
/// let spool = Spool::copy(&mut input, 1 << 20).unwrap();
/// assert_eq!(std::fs::read(spool.path()).unwrap(), b"PK\x03\x04 a workbook, say");
/// let path = spool.path().to_path_buf();
/// drop(spool);
/// assert!(!path.exists());
///
/// let mut large = &[0u8; 100][..];
/// assert!(Spool::copy(&mut large, 99).is_err());
/// ```
#[derive(Debug)]
pub struct Spool {
    /// `None` once removed.
    file: Option<tempfile::NamedTempFile>,
    id: u64,
}

impl Spool {
    /// Copies `input` to its end into a temporary file in the system's temporary folder;
    /// [`SpoolError::TooLarge`] (and no file left) when it holds more than `limit` bytes.
    pub fn copy(input: &mut dyn Read, limit: u64) -> Result<Spool, SpoolError> {
        Spool::copy_in(&std::env::temp_dir(), input, limit)
    }

    /// Like [`Spool::copy`], into a temporary file in `dir`.
    pub fn copy_in(dir: &Path, input: &mut dyn Read, limit: u64) -> Result<Spool, SpoolError> {
        let mut spool = Spool::create(dir)?;
        // The file is removed by `spool`'s drop if anything below fails.
        let file = spool.file.as_mut().ok_or(SpoolError::Interrupted)?;
        let mut writer = io::BufWriter::with_capacity(256 * 1024, file.as_file_mut());
        let copied = io::copy(&mut input.take(limit.saturating_add(1)), &mut writer)
            .map_err(SpoolError::Io)?;
        if copied > limit {
            return Err(SpoolError::TooLarge { limit });
        }
        writer.flush().map_err(SpoolError::Io)?;
        drop(writer);
        Ok(spool)
    }

    /// An empty spool file in `dir`, made and registered in one step (an interrupt cannot fall
    /// in between).
    fn create(dir: &Path) -> Result<Spool, SpoolError> {
        let mut spools = spools();
        if spools.closed {
            return Err(SpoolError::Interrupted);
        }
        let file = tempfile::Builder::new()
            .prefix(PREFIX)
            .tempfile_in(dir)
            .map_err(SpoolError::Io)?;
        let id = spools.next_id;
        spools.next_id += 1;
        spools.open.push((id, file.path().to_path_buf()));
        Ok(Spool {
            file: Some(file),
            id,
        })
    }

    /// The temporary file's path, for the reader to open.
    pub fn path(&self) -> &Path {
        self.file.as_ref().map_or(Path::new(""), |f| f.path())
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        // Removed and unregistered as one step, so that `remove_spools` sees it either way.
        let mut spools = spools();
        spools.open.retain(|(id, _)| *id != self.id);
        if let Some(file) = self.file.take() {
            let _ = file.close();
        }
    }
}

/// Removes the spool file of every [`Spool`] of this process, and refuses new ones: for a
/// signal handler about to end the process, which skips the drops that remove them otherwise.
///
/// ```
/// // (A doc test runs as a process of its own: this stops spooling only there.)
/// let spool = nebulk_formats::Spool::copy(&mut &b"data"[..], 100).unwrap();
/// let path = spool.path().to_path_buf();
/// nebulk_formats::remove_spools();
/// assert!(!path.exists());
/// assert!(nebulk_formats::Spool::copy(&mut &b"more"[..], 100).is_err());
/// ```
pub fn remove_spools() {
    let mut spools = spools();
    spools.closed = true;
    for (_, path) in spools.open.drain(..) {
        // Already gone is as good as removed.
        let _ = fs::remove_file(path);
    }
}

/// A size in bytes, in the largest binary unit that divides it: `2 GiB`, `512 MiB`, `100 bytes`.
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a temporary folder holds.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_stream_is_copied_whole_and_removed_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let spool = Spool::copy_in(dir.path(), &mut &data[..], data.len() as u64).unwrap();
        assert_eq!(
            fs::read(spool.path()).unwrap(),
            data,
            "exactly the limit fits"
        );
        assert!(names(dir.path())[0].starts_with(PREFIX));
        drop(spool);
        assert!(names(dir.path()).is_empty());
    }

    /// Issue 9: a spreadsheet on standard input is spooled under a cap; past it, the error
    /// says so and no file is left.
    #[test]
    fn a_stream_past_the_limit_is_refused_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let data = vec![7u8; 4097];
        let err = Spool::copy_in(dir.path(), &mut &data[..], 4096).unwrap_err();
        assert_eq!(
            err.to_string(),
            "larger than 4 KiB, the most copied to a temporary file"
        );
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn a_read_error_leaves_nothing() {
        struct Failing(usize);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0 == 0 {
                    return Err(io::Error::other("the pipe broke"));
                }
                self.0 -= 1;
                buf[0] = b'x';
                Ok(1)
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let err = Spool::copy_in(dir.path(), &mut Failing(10), 1 << 20).unwrap_err();
        assert!(err.to_string().ends_with("the pipe broke"), "{err}");
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn sizes_read_in_their_unit() {
        assert_eq!(size(MAX_SPREADSHEET_SPOOL), "2 GiB");
        assert_eq!(size(512 << 20), "512 MiB");
        assert_eq!(size(1000), "1000 bytes");
        assert_eq!(size(3 << 29), "1536 MiB");
    }
}
