//! Where an output goes: the path a user named, its symbolic links followed.
//!
//! An output is written by renaming a complete temporary file over its name. Renaming over a
//! symbolic link would replace the link, and renaming over a device or a FIFO would replace
//! that (`--report /dev/stdout`, run as root, once replaced the machine's `/dev/stdout` with a
//! regular file). So before an output is started, its path is looked at:
//!
//! - a symbolic link is followed, link after link (a relative target is read from the link's
//!   folder, as the system reads it), and its end is what is written: the link stays a link,
//!   and a dangling link's target is created;
//! - a regular file, or nothing, at the end is [`Destination::Replace`]: written beside it
//!   and renamed over it;
//! - a device, a FIFO or a socket is [`Destination::WriteThrough`]: opened and written in
//!   place, as a shell's `>` would;
//! - so is any path in the process file system (`/proc/self/fd/1`, reached from `/dev/stdout`,
//!   `/dev/fd/63` from bash's `>(...)`): such a link names a file the process has open, a pipe
//!   or a terminal as often as a file, and the system opens that file, whatever the link reads
//!   (`pipe:[1234]`); nothing can be created there anyway;
//! - a folder is an error naming it.
//!
//! Only the last part of each path is followed here: the folders on the way are the system's
//! to follow, and renaming a file into a folder reached through a link does not touch the link.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// How many links are followed before the path counts as a loop (Linux's own limit).
const MAX_LINKS: usize = 40;

/// Where an output named by a path is written, once its links are followed.
///
/// ```
/// use nebulk_emit::Destination;
/// let dir = tempfile::tempdir().unwrap();
/// let report = dir.path().join("report.json");
/// assert_eq!(Destination::of(&report).unwrap(), Destination::Replace(report.clone()));
/// # #[cfg(unix)] {
/// // A link is followed: its target is replaced, the link stays.
/// std::os::unix::fs::symlink("real.json", &report).unwrap();
/// assert_eq!(
///     Destination::of(&report).unwrap(),
///     Destination::Replace(dir.path().join("real.json"))
/// );
/// // A device is written in place.
/// assert_eq!(
///     Destination::of("/dev/null".as_ref()).unwrap(),
///     Destination::WriteThrough("/dev/null".into())
/// );
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A regular file, or nothing yet: written to a temporary file in the same folder and
    /// renamed over this path when complete.
    Replace(PathBuf),
    /// A device, a FIFO, a socket or a file the process has open (`/dev/stdout`): opened and
    /// written in place, as it goes, not atomically.
    WriteThrough(PathBuf),
}

impl Destination {
    /// Follows the links of `named` and tells how its end is written. A folder at the end, a
    /// loop of links and a link that cannot be read are errors naming the path.
    ///
    /// Any other problem with the path (a folder that does not exist, a file where a folder
    /// should be) is left for the write itself to report: the end is then taken for a file
    /// to create.
    pub fn of(named: &Path) -> io::Result<Destination> {
        let end = follow(named)?;
        let kind = match &end {
            End::Process(path) => fs::metadata(path).map(|m| m.file_type()),
            End::Plain(path) => fs::symlink_metadata(path).map(|m| m.file_type()),
        };
        match (end, kind) {
            (_, Ok(kind)) if kind.is_dir() => Err(is_a_folder(named)),
            (End::Process(_), Err(e)) => Err(super::with_path(e, "cannot write", named)),
            (End::Process(path), Ok(_)) => Ok(Destination::WriteThrough(path)),
            (End::Plain(path), Ok(kind)) if !kind.is_file() => Ok(Destination::WriteThrough(path)),
            (End::Plain(path), _) => Ok(Destination::Replace(path)),
        }
    }

    /// The path written: the end of the links.
    ///
    /// ```
    /// let destination = nebulk_emit::Destination::Replace("out/report.json".into());
    /// assert_eq!(destination.path(), std::path::Path::new("out/report.json"));
    /// ```
    pub fn path(&self) -> &Path {
        match self {
            Destination::Replace(path) | Destination::WriteThrough(path) => path,
        }
    }
}

/// The end of a chain of links.
enum End {
    /// Not a link: a file, a folder, something else, or nothing.
    Plain(PathBuf),
    /// A path in the process file system: its links only the system can follow, and nothing
    /// can be created there.
    Process(PathBuf),
}

/// Follows the links of `named`'s last part, and of each target's last part (the folders on
/// the way are followed by the system), to the first path that is not a link.
fn follow(named: &Path) -> io::Result<End> {
    let mut path = named.to_path_buf();
    for _ in 0..MAX_LINKS {
        if in_process_fs(&path) {
            return Ok(End::Process(path));
        }
        let is_link = fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        if !is_link {
            return Ok(End::Plain(path));
        }
        let target = fs::read_link(&path)
            .map_err(|e| super::with_path(e, "cannot read the symbolic link", &path))?;
        // Joining an absolute target gives the target; a relative one is read from the
        // link's folder (`..` included, as the system reads it).
        path = match path.parent() {
            Some(folder) => folder.join(target),
            None => target,
        };
    }
    Err(io::Error::other(format!(
        "cannot write {}: more than {MAX_LINKS} symbolic links in a row (a loop?)",
        named.display()
    )))
}

/// The path of a folder to write into, `dir`'s links followed: a dangling link's target is
/// the folder to create. The path itself when it is not a link.
pub(crate) fn folder(dir: &Path) -> PathBuf {
    match follow(dir) {
        Ok(End::Plain(end)) => end,
        _ => dir.to_path_buf(),
    }
}

fn is_a_folder(named: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::IsADirectory,
        format!("{} is a folder, not a file", named.display()),
    )
}

/// Whether `path` lies in the process file system (`/proc`), whose links the system follows
/// to an open file without reading them: `/proc/self/fd/1` may read `pipe:[1234]`.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn in_process_fs(path: &Path) -> bool {
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    rustix::fs::statfs(folder).is_ok_and(|fs| fs.f_type == rustix::fs::PROC_SUPER_MAGIC)
}

/// Elsewhere `/dev/fd/N` is a device, written through as any device.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn in_process_fs(_: &Path) -> bool {
    false
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn replace(path: impl Into<PathBuf>) -> Destination {
        Destination::Replace(path.into())
    }

    #[test]
    fn a_new_or_regular_file_is_replaced_where_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        assert_eq!(Destination::of(&path).unwrap(), replace(&path));
        fs::write(&path, "old").unwrap();
        assert_eq!(Destination::of(&path).unwrap(), replace(&path));
        // A path whose folder is missing, or is a file, is left for the write to report.
        let below = dir.path().join("missing/report.json");
        assert_eq!(Destination::of(&below).unwrap(), replace(&below));
        let under_file = path.join("x.json");
        assert_eq!(Destination::of(&under_file).unwrap(), replace(&under_file));
    }

    #[test]
    fn a_chain_of_links_is_followed_relative_to_each_links_folder() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir_all(d.join("a/b")).unwrap();
        fs::write(d.join("a/b/real.json"), "old").unwrap();
        // report.json -> a/first.json -> b/second.json -> real.json (in a/b).
        symlink("a/first.json", d.join("report.json")).unwrap();
        symlink("b/second.json", d.join("a/first.json")).unwrap();
        symlink("real.json", d.join("a/b/second.json")).unwrap();
        assert_eq!(
            Destination::of(&d.join("report.json")).unwrap(),
            replace(d.join("a/b/real.json"))
        );
        // `..` in a target is read from the link's folder.
        symlink("../up.json", d.join("a/b/up-link.json")).unwrap();
        assert_eq!(
            Destination::of(&d.join("a/b/up-link.json")).unwrap(),
            replace(d.join("a/b/../up.json"))
        );
        // An absolute target is taken as it is.
        let absolute = d.join("a/b/real.json");
        symlink(&absolute, d.join("absolute.json")).unwrap();
        assert_eq!(
            Destination::of(&d.join("absolute.json")).unwrap(),
            replace(absolute)
        );
    }

    #[test]
    fn a_dangling_links_target_is_the_file_to_create() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        symlink("later/new.json", d.join("report.json")).unwrap();
        assert_eq!(
            Destination::of(&d.join("report.json")).unwrap(),
            replace(d.join("later/new.json"))
        );
    }

    #[test]
    fn a_relative_name_in_the_current_folder_is_followed() {
        // A link named without a folder: its parent is "", its target read from ".".
        assert_eq!(
            follow(Path::new("no-such-output.json"))
                .ok()
                .map(|end| match end {
                    End::Plain(path) => path,
                    End::Process(path) => path,
                }),
            Some(PathBuf::from("no-such-output.json"))
        );
    }

    #[test]
    fn a_loop_of_links_is_an_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        symlink("b", d.join("a")).unwrap();
        symlink("a", d.join("b")).unwrap();
        let err = Destination::of(&d.join("a")).unwrap_err().to_string();
        assert!(err.contains("symbolic links in a row"), "{err}");
        assert!(err.contains(&d.join("a").display().to_string()), "{err}");
    }

    #[test]
    fn a_folder_or_a_link_to_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir(d.join("folder")).unwrap();
        symlink("folder", d.join("link")).unwrap();
        for name in ["folder", "link"] {
            let err = Destination::of(&d.join(name)).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::IsADirectory);
            assert_eq!(
                err.to_string(),
                format!("{} is a folder, not a file", d.join(name).display())
            );
        }
    }

    #[test]
    fn devices_fifos_and_links_to_them_are_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let null = Path::new("/dev/null");
        assert_eq!(
            Destination::of(null).unwrap(),
            Destination::WriteThrough(null.into())
        );
        symlink(null, d.join("null-link")).unwrap();
        assert_eq!(
            Destination::of(&d.join("null-link")).unwrap(),
            Destination::WriteThrough(null.into())
        );
        let fifo = d.join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success(), "mkfifo");
        assert_eq!(
            Destination::of(&fifo).unwrap(),
            Destination::WriteThrough(fifo)
        );
    }

    /// `/proc/self/fd/N` names an open file (here a regular one): written through, never
    /// replaced, whatever its link reads. Reached through a link too, as `/dev/stdout` is.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_link_to_an_open_file_of_the_process_is_written_through() {
        use std::os::fd::AsRawFd;
        let dir = tempfile::tempdir().unwrap();
        let open = tempfile::tempfile_in(dir.path()).unwrap();
        let fd_link = PathBuf::from(format!("/proc/self/fd/{}", open.as_raw_fd()));
        assert_eq!(
            Destination::of(&fd_link).unwrap(),
            Destination::WriteThrough(fd_link.clone())
        );
        let stdout_like = dir.path().join("stdout");
        symlink(&fd_link, &stdout_like).unwrap();
        assert_eq!(
            Destination::of(&stdout_like).unwrap(),
            Destination::WriteThrough(fd_link)
        );
        // A descriptor that is not open is an error, not a file to create in /proc.
        let closed = Path::new("/proc/self/fd/999999");
        symlink(closed, dir.path().join("closed")).unwrap();
        assert!(Destination::of(&dir.path().join("closed")).is_err());
    }

    #[test]
    fn a_folder_link_is_followed_to_the_folder_to_create() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        symlink("real-out", d.join("out")).unwrap();
        assert_eq!(folder(&d.join("out")), d.join("real-out"));
        assert_eq!(folder(&d.join("plain")), d.join("plain"));
    }
}
