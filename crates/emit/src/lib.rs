//! # Brief overview
//!
//! `nebulk-emit` writes what a run produces:
//!
//! - `upload.csv`: the valid rows, the schema's columns in schema order, headed the way the
//!   schema spells them, values trimmed and dates normalised ([`UploadWriter`]);
//!   with several sources, one `upload-NAME.csv` per source that gets rows; `overflow.csv`, the
//!   valid rows no source has room for, and `unchanged.csv` (`--skip-unchanged`), in the same
//!   form;
//! - `changes.csv` and `absent.csv` against the sources' exports ([`ListWriter`]);
//! - `rejects.csv`: every rejected row with its input line, its codes, its messages and its
//!   original fields, byte for byte ([`RejectsWriter`]);
//! - `report.json`: the whole document is [`ReportJson`], what the run read ([`InputSummary`]),
//!   the upload columns and what it found ([`nebulk_validate::Report`]), written as every JSON
//!   file is ([`write_json`]).
//!
//! Every file is written to a temporary file in the same folder and renamed over its name only
//! when complete ([`AtomicFile`]): an interrupted run leaves no half-written output behind. A
//! name that is a symbolic link has its target replaced, and the link stays; a device, a FIFO
//! or an open file of the process (`/dev/stdout`, bash's `>(...)`) is written through, in place
//! and not atomically, since renaming over it would replace the device ([`Destination`]).
//! [`FileSink::finish_with_report`] renames the files of a run in one step, `report.json`
//! last: when `report.json` is there, the files beside it are complete and from the same run. A signal handler calls [`abandon_pending`] to remove the temporary files
//! of a run it stops. On Unix, each temporary file is locked for as long as its run has it
//! open, and making a file removes the temporary files of the same name that no live run holds:
//! those a killed run (SIGKILL, a power cut) left behind.
//!
//! # Example
//!
//! ```
//! use nebulk_emit::AtomicFile;
//! use std::io::Write;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("hello.txt");
//! let mut file = AtomicFile::create(&path).unwrap();
//! file.write_all(b"hello").unwrap();
//! assert!(!path.exists(), "nothing is visible before commit");
//! file.commit().unwrap();
//! assert_eq!(std::fs::read(&path).unwrap(), b"hello");
//! ```
#![deny(missing_docs)]

use std::fs;
use std::io;
use std::path::Path;

pub use atomic::{commit_all, AtomicFile};
pub use csv_line::write_record;
pub use diff_lines::DiffLines;
pub use file_sink::{Conversion, FileSink, Outputs};
pub use json::{write_json, write_json_into, write_json_to};
pub use list::{ListWriter, ABSENT_HEADER, CHANGES_HEADER, FINDINGS_HEADER};
pub use nebulk_report::RunFacts;
pub use pending::{abandon_pending, Abandoned};
pub use rejects::RejectsWriter;
pub use report_json::{InputSummary, ReportJson, REPORT_VERSION};
pub use report_views::{html_of, markdown_of, write_html_into};
pub use target::Destination;
pub use upload::{UploadFormat, UploadWriter};

mod atomic;
mod csv_line;
mod diff_lines;
mod file_sink;
mod json;
mod list;
mod pending;
mod rejects;
mod report_json;
mod report_views;
mod stale;
mod target;
mod upload;

/// Size of the output buffers.
const BUFFER: usize = 256 * 1024;

/// Creates folder `dir` and its parents. When a file is in the way, the error names it: the
/// system's own words ("File exists", "Not a directory") do not say which path is the file.
pub(crate) fn create_folder(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir).map_err(|e| {
        let file = dir
            .ancestors()
            .find(|a| !a.as_os_str().is_empty() && a.exists() && !a.is_dir());
        match file {
            Some(file) if file == dir => io::Error::new(
                e.kind(),
                format!("cannot create the folder {}: it is a file", dir.display()),
            ),
            Some(file) => io::Error::new(
                e.kind(),
                format!(
                    "cannot create the folder {}: {} is a file",
                    dir.display(),
                    file.display()
                ),
            ),
            None => with_path(e, "cannot create the folder", dir),
        }
    })
}

/// An I/O error whose message says what was being done to which path: `what path: error`.
pub(crate) fn with_path(e: io::Error, what: &str, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{what} {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 5, testdata/bad/output-is-a-file: "cannot create the folder x: File exists".
    #[test]
    fn a_file_in_the_way_of_a_folder_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        fs::write(&file, "x").unwrap();
        let message = |path: &Path| create_folder(path).unwrap_err().to_string();
        assert_eq!(
            message(&file),
            format!("cannot create the folder {}: it is a file", file.display())
        );
        let below = file.join("a").join("b");
        assert_eq!(
            message(&below),
            format!(
                "cannot create the folder {}: {} is a file",
                below.display(),
                file.display()
            )
        );
    }
}
