//! The inputs as named on the command line: folders expanded to their files, `-` as standard
//! input, pipes and FIFOs as streams read once ([`InputFile`]).

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// How standard input is named in messages and in `report.json`.
pub const STDIN: &str = "<stdin>";

/// One input as the readers get it.
pub(crate) enum InputFile {
    /// A regular file, read by its path (opened again as often as a reader needs).
    Path(PathBuf),
    /// A stream that can be read once: standard input, or a path that is not a regular file.
    Stream(Stream),
}

/// Standard input, a pipe or a FIFO, opened.
pub(crate) struct Stream {
    /// `<stdin>`, or the path as given.
    pub name: String,
    /// The path; `None` for standard input.
    pub path: Option<PathBuf>,
    /// The bytes (after sniffing, the bytes looked at come first again).
    pub reader: Box<dyn Read + Send>,
}

impl InputFile {
    /// `-` as standard input, a regular file as a path, anything else (a FIFO, bash's
    /// `<(...)`, a device) opened as a stream.
    pub fn open(path: PathBuf) -> Result<InputFile> {
        if is_stdin(&path) {
            return Ok(InputFile::Stream(Stream {
                name: STDIN.to_string(),
                path: None,
                reader: Box::new(io::stdin()),
            }));
        }
        let regular = std::fs::metadata(&path).map_or(true, |m| m.is_file());
        if regular {
            return Ok(InputFile::Path(path));
        }
        let file = std::fs::File::open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        Ok(InputFile::Stream(Stream {
            name: path.display().to_string(),
            path: Some(path),
            reader: Box::new(file),
        }))
    }

    /// The name in messages.
    pub fn name(&self) -> String {
        match self {
            InputFile::Path(path) => path.display().to_string(),
            InputFile::Stream(stream) => stream.name.clone(),
        }
    }

    /// The size, for a regular file.
    pub fn len(&self) -> Option<u64> {
        match self {
            InputFile::Path(path) => path.metadata().ok().map(|m| m.len()),
            InputFile::Stream(_) => None,
        }
    }
}

/// The one input of a kind read from a single file.
pub(crate) fn one(files: Vec<InputFile>) -> Result<InputFile> {
    files.into_iter().next().context("no input file")
}

/// Input paths with folders replaced by their files (sorted by name, hidden files skipped).
pub(crate) fn expand(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for input in inputs {
        if is_stdin(input) {
            files.push(input.clone());
        } else if input.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(input)
                .with_context(|| format!("cannot list the folder {}", input.display()))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file()
                        && !p
                            .file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                })
                .collect();
            if found.is_empty() {
                bail!("{}: the folder has no files", input.display());
            }
            found.sort();
            files.extend(found);
        } else if !input.exists() {
            bail!("cannot open {}: No such file or directory", input.display());
        } else {
            files.push(input.clone());
        }
    }
    if files.len() > 1 && files.iter().any(|f| is_stdin(f)) {
        bail!("`-` (standard input) cannot be combined with other inputs");
    }
    Ok(files)
}

/// The inputs as one name for messages and the report: their paths joined by spaces, `-` as
/// `<stdin>`.
pub(crate) fn display_names(inputs: &[PathBuf]) -> String {
    inputs
        .iter()
        .map(|p| {
            if is_stdin(p) {
                STDIN.to_string()
            } else {
                p.display().to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `path` is `-`, standard input.
pub(crate) fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}
