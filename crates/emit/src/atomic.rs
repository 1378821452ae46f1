//! Output files that appear under their name only when complete ([`AtomicFile`]); the registry
//! of this process's unfinished ones, which a signal handler empties, is [`crate::pending`].
//!
//! A regular file (or a new one) is written to a hidden temporary file in its folder and
//! renamed over its name when complete. A path that leads elsewhere is followed first (see
//! [`Destination`]): a symbolic link's target is what is replaced, and a device, a FIFO or an
//! open file of the process (`/dev/stdout`) is written through, in place, since renaming over it
//! would replace the device itself.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::pending::{files, plain, TEMP_RANDOM_CHARS, TEMP_SUFFIX};
use crate::target::Destination;
use crate::{create_folder, stale, with_path};
use writeback::Writeback;

/// What an [`AtomicFile`] writes to.
#[derive(Debug)]
enum Body {
    /// A temporary file, renamed over the destination by the commit.
    Temp(tempfile::NamedTempFile),
    /// The destination itself, written through.
    Direct(fs::File),
}

/// A file that appears under its name only once [`AtomicFile::commit`] is called: it is written
/// to a hidden temporary file in the same folder, synced, then renamed. A large file starts
/// syncing on a thread of its own every 32 MiB written (when the sync before is done), so that
/// the commit's sync waits for the last part only; the commit fails with the error of any of
/// these syncs. Dropped uncommitted, the
/// temporary file is removed; so is it by [`crate::abandon_pending`].
///
/// The name's symbolic links are followed first ([`Destination`]): the file at their end is
/// the one replaced, and the links stay. A device, a FIFO or an open file of the process
/// (`/dev/stdout`, `/dev/fd/63`) is opened and written through instead, as it goes: not
/// atomically, since renaming over it would replace the device itself. A folder is an error.
///
/// The temporary file of a file `NAME` is `.NAME.XXXXXX.tmp`, `XXXXXX` six random letters or
/// digits. On Unix it holds an advisory lock (`flock`) while it is open, that is until it is
/// committed or dropped, or the process ends, however it ends. [`AtomicFile::create`] first
/// removes every `.NAME.XXXXXX.tmp` beside the file whose lock it can take: left behind by a
/// run that was killed. One that a live run is writing is locked, and kept.
///
/// ```
/// use nebulk_emit::AtomicFile;
/// let dir = tempfile::tempdir().unwrap();
/// // What a killed run left: not locked, since no process has it open.
/// std::fs::write(dir.path().join(".upload.csv.Ab12Cd.tmp"), "half a file").unwrap();
/// let file = AtomicFile::create(&dir.path().join("upload.csv")).unwrap();
/// if cfg!(unix) {
///     assert!(!dir.path().join(".upload.csv.Ab12Cd.tmp").exists());
/// }
/// # drop(file);
/// ```
#[derive(Debug)]
pub struct AtomicFile {
    /// `None` once committed or abandoned.
    body: Option<Body>,
    /// The name given, for messages.
    target: PathBuf,
    destination: Destination,
    id: u64,
    /// The temporary file's syncs while it is written.
    writeback: Writeback,
}

impl AtomicFile {
    /// Starts a file that will be `target` (see [`AtomicFile`] for links, devices and the
    /// temporary files that killed runs left behind). The folder it goes in must exist.
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        AtomicFile::start(target, Destination::of(target)?)
    }

    /// As [`AtomicFile::create`], creating the folder the file goes in (and its parents) when
    /// needed: the folder of the file its links lead to.
    ///
    /// ```
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("new/folder/truth.json");
    /// nebulk_emit::AtomicFile::create_with_folder(&path).unwrap().commit().unwrap();
    /// assert!(path.exists());
    /// ```
    pub fn create_with_folder(target: &Path) -> io::Result<AtomicFile> {
        let destination = Destination::of(target)?;
        if let Destination::Replace(path) = &destination {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                create_folder(dir)?;
            }
        }
        AtomicFile::start(target, destination)
    }

    fn start(target: &Path, destination: Destination) -> io::Result<AtomicFile> {
        let (body, id) = match &destination {
            Destination::Replace(path) => {
                let (temp, id) = start_temporary(path, target)?;
                (Body::Temp(temp), id)
            }
            Destination::WriteThrough(path) => {
                // Opened before the registry is locked: a FIFO's opening waits for a reader,
                // and an interrupt meanwhile must find the registry free. Appending, so that
                // a file the process has open (`/dev/stdout` redirected with `>>`) is not
                // written over from its start.
                let file = fs::OpenOptions::new()
                    .append(true)
                    .open(path)
                    .map_err(|e| with_path(e, "cannot write", target))?;
                let id = files().register(None, target);
                (Body::Direct(file), id)
            }
        };
        Ok(AtomicFile {
            body: Some(body),
            target: target.to_path_buf(),
            destination,
            id,
            writeback: Writeback::default(),
        })
    }

    /// The name the file will have, as given.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Where the file is written: its name's links followed.
    ///
    /// ```
    /// use nebulk_emit::{AtomicFile, Destination};
    /// let file = AtomicFile::create("/dev/null".as_ref()).unwrap();
    /// assert!(matches!(file.destination(), Destination::WriteThrough(_)));
    /// ```
    pub fn destination(&self) -> &Destination {
        &self.destination
    }

    /// Syncs the data and renames the file to its name, replacing any file there (for a file
    /// written through: nothing more to do).
    pub fn commit(self) -> io::Result<()> {
        commit_all(vec![self])
    }

    /// Starts syncing what was written so far (and flushed) to disk, on a thread of its own,
    /// while writing goes on ([`crate::FileSink::sync_run_files`]); nothing for a file written
    /// through, or one already committed or abandoned. The commit waits for it, and fails with
    /// its error. (Large files start such syncs on their own as they grow: see
    /// [`AtomicFile`].)
    pub(crate) fn sync_early(&mut self) {
        if let Some(Body::Temp(temp)) = &self.body {
            self.writeback.sync_now(temp.as_file(), &self.target);
        }
    }

    fn body(&mut self) -> io::Result<&mut Body> {
        self.body.as_mut().ok_or_else(|| gone(&self.target))
    }

    /// The temporary file's path, while there is one.
    /// The temporary file being written, before [`AtomicFile::commit`] (to read back what was
    /// written, once flushed); `None` for a file written through (a device, a FIFO).
    ///
    /// ```
    /// use std::io::Write;
    /// let dir = tempfile::tempdir().unwrap();
    /// let mut file = nebulk_emit::AtomicFile::create(&dir.path().join("a.csv")).unwrap();
    /// file.write_all(b"x\n").unwrap();
    /// let temp = file.temp_path().unwrap().to_path_buf();
    /// assert_eq!(std::fs::read(&temp).unwrap(), b"x\n");
    /// drop(file);
    /// assert!(!temp.exists(), "dropped uncommitted: removed");
    /// ```
    pub fn temp_path(&self) -> Option<&Path> {
        match &self.body {
            Some(Body::Temp(temp)) => Some(temp.path()),
            _ => None,
        }
    }
}

/// Makes the temporary file for `path` (the end of `target`'s links) in its folder, after
/// removing those that killed runs left there, and registers it.
fn start_temporary(path: &Path, target: &Path) -> io::Result<(tempfile::NamedTempFile, u64)> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(&prefix)
        .suffix(TEMP_SUFFIX)
        .rand_bytes(TEMP_RANDOM_CHARS);
    // tempfile makes private (0600) files; outputs get the mode `File::create` would give
    // them, 0666 less the umask.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    // Created and registered in one step: an interrupt cannot fall in between.
    let mut files = files();
    stale::remove(dir, &prefix, &files);
    let temp = stale::create_locked(&builder, dir)?;
    let id = files.register(Some(temp.path().to_path_buf()), target);
    Ok((temp, id))
}

fn gone(target: &Path) -> io::Error {
    with_path(
        io::Error::new(io::ErrorKind::NotFound, "the file was abandoned"),
        "cannot write",
        target,
    )
}

/// Syncs `files`, then renames them into place in order as one step for [`crate::abandon_pending`]: an
/// interrupt comes before every rename or after all of them. Files written through are complete
/// as they are.
///
/// The last file is the group's marker: when there are several, an existing file at its name is
/// removed before the first rename, so that a crash between two renames (a SIGKILL, a power
/// cut) never leaves an old marker beside new files. When the marker is there, every file of the
/// group is from the same commit. A marker whose name is a symbolic link has the link's target
/// removed, never the link; one written through (a device) is never removed.
///
/// ```
/// use nebulk_emit::{commit_all, AtomicFile};
/// use std::io::Write;
/// let dir = tempfile::tempdir().unwrap();
/// let mut data = AtomicFile::create(&dir.path().join("data.csv")).unwrap();
/// data.write_all(b"a\n").unwrap();
/// let done = AtomicFile::create(&dir.path().join("done.json")).unwrap();
/// commit_all(vec![data, done]).unwrap();
/// assert!(dir.path().join("data.csv").exists() && dir.path().join("done.json").exists());
/// ```
pub fn commit_all(mut group: Vec<AtomicFile>) -> io::Result<()> {
    sync_together(&mut group)?;
    let mut files = files();
    // Abandoned since it was started (an interrupt): a file written through has nothing
    // else to tell it.
    let abandoned = group
        .iter()
        .find(|file| !files.is_pending(file.id))
        .map(|file| gone(&file.target));
    if let Some(error) = abandoned {
        // Unlocked before the group's files are dropped, which takes the lock.
        drop(files);
        return Err(error);
    }
    if let [_, .., marker] = group.as_slice() {
        if let Destination::Replace(path) = &marker.destination {
            match fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(with_path(e, "cannot replace", &marker.target)),
            }
        }
    }
    let mut result = Ok(());
    for file in &mut group {
        let Some(body) = file.body.take() else {
            result = result.and(Err(gone(&file.target)));
            continue;
        };
        files.unregister(file.id);
        let temp = match body {
            // After a failed rename the rest of the group is not renamed.
            Body::Temp(temp) if result.is_err() => {
                let _ = temp.close();
                continue;
            }
            Body::Temp(temp) => temp,
            Body::Direct(_) => {
                if result.is_ok() {
                    files.keep(&file.target);
                }
                continue;
            }
        };
        // A failed rename gives the file back, and dropping it removes it.
        match temp.persist(file.destination.path()) {
            Ok(_) => files.keep(&file.target),
            Err(e) => {
                result = Err(with_path(
                    plain(e.error),
                    "cannot rename into",
                    &file.target,
                ));
            }
        }
    }
    result
}

/// The most files [`sync_at_once`] syncs at once.
const SYNCS_AT_ONCE: usize = 16;

/// Syncs the temporary files of `group` to disk ([`sync_at_once`]).
fn sync_together(group: &mut [AtomicFile]) -> io::Result<()> {
    for file in group.iter_mut() {
        file.writeback.finish()?;
    }
    let mut temps = Vec::with_capacity(group.len());
    for file in group.iter_mut() {
        let target = file.target.clone();
        if let Body::Temp(temp) = file.body()? {
            temps.push((temp.as_file(), target));
        }
    }
    sync_at_once(&temps)
}

/// Syncs `files` (each with the name it is written for, for messages) to disk, up to
/// [`SYNCS_AT_ONCE`] at once on threads of their own: a sync waits on the disk, not on the CPU,
/// and syncs issued together share the file system's journal commits, where one after another
/// each waits for a commit of its own. Gives the first error in the files' order.
pub(crate) fn sync_at_once(files: &[(&fs::File, PathBuf)]) -> io::Result<()> {
    let sync = |(file, target): &(&fs::File, PathBuf)| {
        file.sync_all()
            .map_err(|e| with_path(e, "cannot write", target))
    };
    if files.len() <= 1 {
        return files.iter().try_for_each(sync);
    }
    let per_thread = files.len().div_ceil(SYNCS_AT_ONCE);
    std::thread::scope(|scope| {
        let syncing: Vec<_> = files
            .chunks(per_thread)
            .map(|chunk| scope.spawn(move || chunk.iter().try_for_each(sync)))
            .collect();
        // Every thread is joined (the scope's end joins any left); the first error counts.
        syncing.into_iter().try_for_each(|thread| {
            thread
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
        })
    })
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(body) = self.body.take() {
            // Removed and unregistered in one step (see `FILES`).
            let mut files = files();
            if let Body::Temp(temp) = body {
                let _ = temp.close();
            }
            files.unregister(self.id);
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.body.as_mut() {
            Some(Body::Temp(temp)) => {
                let written = temp.write(buf)?;
                self.writeback.wrote(written, temp.as_file(), &self.target);
                Ok(written)
            }
            Some(Body::Direct(file)) => file.write(buf),
            None => Err(gone(&self.target)),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self.body()? {
            Body::Temp(temp) => temp.flush(),
            Body::Direct(file) => file.flush(),
        }
    }
}

#[cfg(test)]
mod tests;
mod writeback;
