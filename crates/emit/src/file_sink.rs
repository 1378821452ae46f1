//! The files of one run as a [`Sink`] for the engine ([`FileSink`]): `upload.csv` and
//! `rejects.csv` as the rows come, and `report.json` at the end, the three renamed into place
//! together.

use std::io;
use std::path::Path;

use nebulk_read::Row;
use nebulk_schema::Schema;
use nebulk_validate::{earlier_rejects_columns, Sink, Verdict};

use crate::atomic::{commit_all, AtomicFile};
use crate::json;
use crate::rejects::RejectsWriter;
use crate::report_json::ReportJson;
use crate::upload::{UploadFormat, UploadWriter};
use crate::{create_folder, target};

/// The upload and rejects files of one run, as a [`Sink`] for the engine, and its report.
pub struct FileSink {
    upload: UploadWriter,
    rejects: RejectsWriter,
    report: AtomicFile,
}

impl FileSink {
    /// Starts `DIR/upload.csv`, `DIR/rejects.csv` and `DIR/report.json`, creating `DIR` when
    /// needed (the folder a link `DIR` leads to, when it is one); `with_file` adds the `file`
    /// column to the rejects. Each file's own links are followed (see [`AtomicFile`]); a file
    /// that cannot be written is an error before any row is.
    pub fn create(
        dir: &Path,
        schema: &Schema,
        input_header: &[String],
        with_file: bool,
    ) -> io::Result<FileSink> {
        create_folder(&target::folder(dir))?;
        Ok(FileSink {
            upload: UploadWriter::create(&dir.join("upload.csv"), schema)?,
            rejects: RejectsWriter::create(
                &dir.join("rejects.csv"),
                input_header,
                with_file,
                earlier_rejects_columns(input_header, schema),
            )?,
            report: AtomicFile::create(&dir.join("report.json"))?,
        })
    }

    /// Completes the upload and rejects files and renames them into place together (see
    /// [`commit_all`]); no report is written.
    pub fn finish(self) -> io::Result<()> {
        drop(self.report);
        commit_all(vec![self.upload.into_file()?, self.rejects.into_file()?])
    }

    /// Completes both files, writes `report` as `report.json` beside them, and renames the three
    /// into place together, `report.json` last (see [`commit_all`]): an interrupted run renames
    /// none of them, and when `report.json` is there, `upload.csv` and `rejects.csv` are complete
    /// and from the same run as it.
    ///
    /// ```
    /// use nebulk_emit::{FileSink, InputSummary, ReportJson};
    /// use nebulk_schema::Schema;
    /// let dir = tempfile::tempdir().unwrap();
    /// let sink = FileSink::create(dir.path(), &Schema::system(), &[], false).unwrap();
    /// let input = InputSummary::new("accounts.csv", "csv", 1);
    /// let report = nebulk_validate::Report::new(10);
    /// sink.finish_with_report(&ReportJson::new(&input, &Schema::system(), &report)).unwrap();
    /// for name in ["upload.csv", "rejects.csv", "report.json"] {
    ///     assert!(dir.path().join(name).exists());
    /// }
    /// ```
    pub fn finish_with_report(self, report: &ReportJson<'_>) -> io::Result<()> {
        let upload = self.upload.into_file()?;
        let rejects = self.rejects.into_file()?;
        let report = json::fill(self.report, report)?;
        commit_all(vec![upload, rejects, report])
    }
}

impl Sink for FileSink {
    type Format = UploadFormat;

    fn format(&self) -> UploadFormat {
        UploadFormat
    }

    fn accept(&mut self, _: &Row, line: &[u8]) -> io::Result<()> {
        self.upload.write(line)
    }
    fn reject(&mut self, row: &Row, verdict: &Verdict) -> io::Result<()> {
        self.rejects.write(row, verdict)
    }
}
