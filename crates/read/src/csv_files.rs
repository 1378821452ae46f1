//! Several CSV files with one header, read as one table: monthly exports, one file per agency.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::delimited::{CsvOptions, CsvSource};
use crate::encoding::Encoding;
use crate::row::Row;
use crate::row_source::RowSource;
use crate::ReadError;

/// A CSV file opened for reading, decoded to UTF-8 as it is read when it is in another
/// encoding.
pub type CsvFileSource = CsvSource<Box<dyn Read + Send>>;

impl CsvFileSource {
    /// Opens a CSV file: UTF-8 (with or without a byte order mark), UTF-16 with a byte order
    /// mark (Excel's "Unicode text"), or the encoding `options` names; anything but UTF-8 is
    /// decoded as it is read ([`CsvSource::encoding`] says from what).
    ///
    /// ```
    /// use nebulk_read::{CsvFileSource, CsvOptions, RowSource};
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("accounts.csv");
    /// std::fs::write(&path, "\u{feff}accountName;email\nann;ann@example.com\n").unwrap();
    /// let source = CsvFileSource::open(&path, CsvOptions::default()).unwrap();
    /// assert_eq!(source.header(), ["accountName", "email"]);
    /// assert_eq!(source.delimiter(), b';');
    /// assert_eq!(source.encoding(), None, "UTF-8");
    /// ```
    pub fn open(path: &Path, options: CsvOptions) -> Result<CsvFileSource, ReadError> {
        let file = File::open(path).map_err(ReadError::Open)?;
        // The CSV reader buffers (256 KiB); a BufReader here would copy every byte twice.
        CsvFileSource::from_reader(Box::new(file), options)
    }

    /// Reads CSV from `input` (standard input, say) as [`CsvFileSource::open`] reads a file.
    ///
    /// ```
    /// use nebulk_read::{CsvFileSource, CsvOptions, RowSource};
    /// let utf16: Vec<u8> = [0xFF, 0xFE].into_iter()
    ///     .chain("a\tb\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
    /// let input = Box::new(std::io::Cursor::new(utf16));
    /// let source = CsvFileSource::from_reader(input, CsvOptions::default()).unwrap();
    /// assert_eq!(source.header(), ["a", "b"]);
    /// assert_eq!(source.encoding(), Some(encoding_rs::UTF_16LE));
    /// ```
    pub fn from_reader(
        input: Box<dyn Read + Send>,
        options: CsvOptions,
    ) -> Result<CsvFileSource, ReadError> {
        CsvSource::new(input, options)
    }
}

/// Several CSV files read one after the other as one table. Every file must have the first
/// file's header, cell for cell (trimmed); [`CsvFiles::open`] checks them all before a row is
/// read. Each row names its file ([`Row::file`]) and its line in that file. Files are opened
/// one at a time, so a folder of thousands of files holds one open file and one buffer.
///
/// ```
/// use nebulk_read::{CsvFiles, CsvOptions, RowSource};
/// let dir = tempfile::tempdir().unwrap();
/// let march = dir.path().join("march.csv");
/// let april = dir.path().join("april.csv");
/// std::fs::write(&march, "accountName,email\nann,ann@example.com\n").unwrap();
/// std::fs::write(&april, "accountName,email\nbo,bo@example.com\ncy,cy@example.com\n").unwrap();
/// let mut source = CsvFiles::open(vec![march, april], CsvOptions::default()).unwrap();
/// let rows = source.read_chunk(10, 1 << 20).unwrap();
/// assert_eq!(rows.len(), 1, "a chunk holds rows of one file");
/// assert!(rows[0].file.as_deref().unwrap().ends_with("march.csv"));
/// let rows = source.read_chunk(10, 1 << 20).unwrap();
/// assert_eq!((rows.len(), rows[1].line), (2, 3));
/// assert!(source.read_chunk(10, 1 << 20).unwrap().is_empty());
/// ```
pub struct CsvFiles {
    options: CsvOptions,
    /// The first file's name, for messages.
    first_file: String,
    /// The first file's header, which every file must have.
    header: Vec<String>,
    /// The file being read and its name.
    current: Option<(Arc<str>, CsvFileSource)>,
    /// The files not yet opened, in order.
    rest: std::vec::IntoIter<PathBuf>,
    /// Bytes of the files read to their end.
    bytes_done: u64,
    /// The delimiter and encoding of the first file, for the report.
    first_delimiter: u8,
    first_encoding: Option<&'static Encoding>,
}

impl CsvFiles {
    /// Opens the first of `files` and checks that every other one opens and has its header
    /// (a file's header is read, then the file closed). Errors name the file
    /// ([`ReadError::InFile`]).
    pub fn open(files: Vec<PathBuf>, options: CsvOptions) -> Result<CsvFiles, ReadError> {
        let mut files = files.into_iter();
        let Some(first) = files.next() else {
            return Err(ReadError::NoHeader);
        };
        let source = open_named(&first, options)?;
        let encoding = source.encoding();
        let first_file = first.display().to_string();
        for later in files.as_slice() {
            let other = open_named(later, options)?;
            same_header(&first_file, source.header(), later, &other)?;
        }
        Ok(CsvFiles {
            options,
            first_file,
            header: source.header().to_vec(),
            first_delimiter: source.delimiter(),
            first_encoding: encoding,
            current: Some((first.display().to_string().into(), source)),
            rest: files,
            bytes_done: 0,
        })
    }

    /// The first file's delimiter (each file's is sniffed on its own unless given).
    pub fn delimiter(&self) -> u8 {
        self.first_delimiter
    }

    /// The encoding the first file is decoded from, when it is not UTF-8.
    pub fn encoding(&self) -> Option<&'static Encoding> {
        self.first_encoding
    }

    /// Opens the next file, checking its header again (it may have changed since
    /// [`CsvFiles::open`]); false when there is none.
    fn next_file(&mut self) -> Result<bool, ReadError> {
        if let Some((_, done)) = self.current.take() {
            self.bytes_done += done.bytes_read();
        }
        let Some(path) = self.rest.next() else {
            return Ok(false);
        };
        let source = open_named(&path, self.options)?;
        same_header(&self.first_file, &self.header, &path, &source)?;
        self.current = Some((path.display().to_string().into(), source));
        Ok(true)
    }
}

/// Opens one file, naming it in any error.
fn open_named(path: &Path, options: CsvOptions) -> Result<CsvFileSource, ReadError> {
    CsvFileSource::open(path, options).map_err(|problem| ReadError::InFile {
        file: path.display().to_string(),
        problem: Box::new(problem),
    })
}

/// Checks that `source`, opened from `path`, has the header of `first_file`.
fn same_header(
    first_file: &str,
    header: &[String],
    path: &Path,
    source: &CsvFileSource,
) -> Result<(), ReadError> {
    match header_difference(header, source.header()) {
        None => Ok(()),
        Some(detail) => Err(ReadError::InFile {
            file: path.display().to_string(),
            problem: Box::new(ReadError::HeaderDiffers {
                first_file: first_file.to_string(),
                detail,
            }),
        }),
    }
}

/// How header `other` differs from `first`, when it does.
fn header_difference(first: &[String], other: &[String]) -> Option<String> {
    if let Some((column, (a, b))) = first
        .iter()
        .zip(other)
        .enumerate()
        .find(|(_, (a, b))| a != b)
    {
        return Some(format!("column {} is `{b}` where it has `{a}`", column + 1));
    }
    (first.len() != other.len()).then(|| {
        format!(
            "this header has {} columns and that one {}",
            other.len(),
            first.len()
        )
    })
}

impl RowSource for CsvFiles {
    fn header(&self) -> &[String] {
        &self.header
    }

    fn next_row(&mut self, row: &mut Row) -> Result<bool, ReadError> {
        loop {
            let Some((name, source)) = &mut self.current else {
                return Ok(false);
            };
            if source
                .next_row(row)
                .map_err(|problem| in_file(name, problem))?
            {
                row.file = Some(Arc::clone(name));
                return Ok(true);
            }
            if !self.next_file()? {
                return Ok(false);
            }
        }
    }

    fn blank_row(&self) -> Row {
        match &self.current {
            Some((_, source)) => source.blank_row(),
            None => Row::default(),
        }
    }

    /// The current file's chunk ([`CsvSource`]'s budget), so that a chunk holds rows of one
    /// file: a later file that fails to open or to read ends the run after every row before it
    /// has been handed out.
    fn fill_chunk(
        &mut self,
        rows: &mut Vec<Row>,
        max_rows: usize,
        max_bytes: usize,
    ) -> Result<(), ReadError> {
        loop {
            let Some((name, source)) = &mut self.current else {
                rows.clear();
                return Ok(());
            };
            source
                .fill_chunk(rows, max_rows, max_bytes)
                .map_err(|problem| in_file(name, problem))?;
            if !rows.is_empty() {
                for row in rows.iter_mut() {
                    row.file = Some(Arc::clone(name));
                }
                return Ok(());
            }
            if !self.next_file()? {
                rows.clear();
                return Ok(());
            }
        }
    }

    fn bytes_read(&self) -> u64 {
        self.bytes_done + self.current.as_ref().map_or(0, |(_, s)| s.bytes_read())
    }
}

/// `problem`, met reading file `name`.
fn in_file(name: &str, problem: ReadError) -> ReadError {
    ReadError::InFile {
        file: name.to_string(),
        problem: Box::new(problem),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &tempfile::TempDir, name: &str, text: &[u8]) -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn read_all(source: &mut CsvFiles) -> Vec<(String, u64, Vec<String>)> {
        let mut all = Vec::new();
        loop {
            let rows = source.read_chunk(2, 1 << 20).unwrap();
            if rows.is_empty() {
                return all;
            }
            for row in rows {
                let file = row.file.as_deref().unwrap();
                let name = Path::new(file).file_name().unwrap().to_string_lossy();
                let fields = row
                    .record
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect();
                all.push((name.into_owned(), row.line, fields));
            }
        }
    }

    #[test]
    fn files_are_read_in_order_each_row_naming_its_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a;b\r\n3;4\r\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let files = vec![
            write(&dir, "1.csv", b"a,b\n1,2\n\n,\n"),
            write(&dir, "2.csv", b"a,b\n"),
            write(&dir, "3.csv", &utf16),
            write(&dir, "4.csv", b"\xEF\xBB\xBF a , b\n5,6\n7,8\n9,10\n"),
        ];
        let total: u64 = files.iter().map(|f| f.metadata().unwrap().len()).sum();
        let mut source = CsvFiles::open(files, CsvOptions::default()).unwrap();
        assert_eq!(source.header(), ["a", "b"]);
        let row = |file: &str, line: u64, a: &str, b: &str| {
            (file.to_string(), line, vec![a.to_string(), b.to_string()])
        };
        assert_eq!(
            read_all(&mut source),
            [
                row("1.csv", 2, "1", "2"),
                row("1.csv", 4, "", ""),
                row("3.csv", 2, "3", "4"),
                row("4.csv", 2, "5", "6"),
                row("4.csv", 3, "7", "8"),
                row("4.csv", 4, "9", "10"),
            ]
        );
        // UTF-16 counts its transcoded bytes; the others count exactly.
        assert!(source.bytes_read() > 0 && source.bytes_read() <= total);
    }

    #[test]
    fn a_different_header_is_refused_before_any_row_naming_both_files() {
        let dir = tempfile::tempdir().unwrap();
        let first = write(&dir, "1.csv", b"a,b\n1,2\n");
        let message = |other: &[u8]| {
            let other = write(&dir, "2.csv", other);
            CsvFiles::open(vec![first.clone(), other], CsvOptions::default())
                .err()
                .unwrap()
                .to_string()
        };
        let (one, two) = (first.display(), dir.path().join("2.csv"));
        let two = two.display();
        assert_eq!(
            message(b"a,c\n"),
            format!("{two}: its header differs from {one}'s: column 2 is `c` where it has `b`")
        );
        assert_eq!(
            message(b"a,b,c\n"),
            format!(
                "{two}: its header differs from {one}'s: this header has 3 columns and that one 2"
            )
        );
        assert_eq!(
            message(b""),
            format!("{two}: the file is empty: expected a header row")
        );
        let missing = dir.path().join("missing.csv");
        let err = CsvFiles::open(vec![first.clone(), missing.clone()], CsvOptions::default())
            .err()
            .unwrap();
        assert!(err
            .to_string()
            .starts_with(&format!("{}: cannot open it: ", missing.display())));
    }

    #[test]
    fn a_malformed_later_file_names_itself() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![
            write(&dir, "1.csv", b"a,b\n1,2\n"),
            write(&dir, "2.csv", b"a,b\n3,4\n"),
        ];
        let mut source = CsvFiles::open(files, CsvOptions::default()).unwrap();
        std::fs::write(dir.path().join("2.csv"), b"a,x\n3,4\n").unwrap();
        assert_eq!(source.read_chunk(10, 1 << 20).unwrap().len(), 1);
        let err = source.read_chunk(10, 1 << 20).err().unwrap().to_string();
        assert_eq!(
            err,
            format!(
                "{}: its header differs from {}'s: column 2 is `x` where it has `b`",
                dir.path().join("2.csv").display(),
                dir.path().join("1.csv").display()
            )
        );
    }

    #[test]
    fn rows_one_at_a_time_cross_from_file_to_file() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![
            write(&dir, "1.csv", b"a,b\n1,2\n"),
            write(&dir, "2.csv", b"a,b\n"),
            write(&dir, "3.csv", b"a;b\n\n3;4\n"),
        ];
        let mut source = CsvFiles::open(files, CsvOptions::default()).unwrap();
        let mut row = source.blank_row();
        let mut seen = Vec::new();
        while source.next_row(&mut row).unwrap() {
            let file = row.file.as_deref().unwrap();
            let name = Path::new(file).file_name().unwrap().to_string_lossy();
            seen.push((
                name.into_owned(),
                row.line,
                row.record.iter().collect::<Vec<_>>().concat(),
            ));
        }
        assert_eq!(
            seen,
            [
                ("1.csv".to_string(), 2, b"12".to_vec()),
                ("3.csv".to_string(), 3, b"34".to_vec())
            ]
        );
        assert!(!source.next_row(&mut row).unwrap(), "still the end");
    }
}
