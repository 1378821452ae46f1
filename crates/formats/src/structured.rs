//! What the record kinds (XML, JSON) share: their files become [`SourceFile`]s read on a
//! thread of their own ([`ThreadedRecords`]).

use std::path::PathBuf;

use nebulk_map::FieldSet;
use nebulk_read::{RecordReader, SourceFile, ThreadedRecords};

use crate::format::{Content, Reading};
use crate::input_file::InputFile;

/// An input file as a structured reader takes it, and its path when it has one.
pub(crate) fn source_file(file: InputFile) -> (SourceFile, Option<PathBuf>) {
    match file {
        InputFile::Path(path) => (SourceFile::path(path.clone()), Some(path)),
        InputFile::Stream(stream) => (SourceFile::stream(stream.name, stream.reader), stream.path),
    }
}

/// Starts `reader` on `files` on a thread of its own; records carry their file's name
/// when there are several files.
pub(crate) fn open_records(
    reader: impl RecordReader,
    files: Vec<SourceFile>,
    fields: FieldSet,
) -> Reading {
    let name_files = files.len() > 1;
    let stream = ThreadedRecords::spawn(reader, files, name_files);
    Reading::plain(Content::Records {
        stream: Box::new(stream),
        fields,
    })
}

/// Starts `reader` on plain files whose records have `fields`.
pub(crate) fn open_files(
    reader: impl RecordReader,
    files: Vec<InputFile>,
    fields: FieldSet,
) -> Reading {
    let files = files.into_iter().map(|f| source_file(f).0).collect();
    open_records(reader, files, fields)
}
