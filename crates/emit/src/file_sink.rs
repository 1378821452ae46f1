//! The files of one run as a [`Sink`] for the engine ([`FileSink`]): the upload file(s),
//! `overflow.csv`, `rejects.csv`, `findings.csv` and, against exports, `changes.csv`,
//! `unchanged.csv` and `absent.csv`, as the rows come, and `report.html` and `report.json` at the
//! end, all renamed into place together.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use nebulk_read::Row;
use nebulk_schema::Schema;
use nebulk_validate::{earlier_rejects_columns, Finding, Placement, Sink, Verdict};

use crate::atomic::{commit_all, AtomicFile};
use crate::diff_lines::DiffLines;
use crate::json;
use crate::list::{ListWriter, ABSENT_HEADER, CHANGES_HEADER, FINDINGS_HEADER};
use crate::rejects::RejectsWriter;
use crate::report_json::ReportJson;
use crate::report_views::fill_html;
use crate::upload::{UploadFormat, UploadWriter};
use crate::{create_folder, target};
use nebulk_report::RunFacts;

/// What a run writes, besides the upload and rejects files.
///
/// ```
/// let outputs = nebulk_emit::Outputs::default();
/// assert!(outputs.sources.is_empty() && !outputs.diff);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Outputs<'a> {
    /// The input header, for the rejects file.
    pub input_header: &'a [String],
    /// Whether the input is several files: the rejects get a `file` column.
    pub with_file: bool,
    /// The sources' names, in order. With one (or none), the upload file is `upload.csv`; with
    /// several, each source that gets rows has its `upload-NAME.csv`.
    pub sources: &'a [String],
    /// Whether rows are compared with exports: `changes.csv` and `absent.csv` are written.
    pub diff: bool,
    /// Whether unchanged rows are set aside in `unchanged.csv`.
    pub skip_unchanged: bool,
}

/// What becomes of one of a run's CSV files ([`FileSink::finish_with_report_converting`]).
#[derive(Debug)]
pub enum Conversion {
    /// It is written as it is.
    Keep,
    /// It is written, and this file beside it.
    Also(AtomicFile),
    /// This file is written instead of it.
    Instead(AtomicFile),
}

/// The files of one run, as a [`Sink`] for the engine, and its report.
pub struct FileSink {
    dir: PathBuf,
    schema: Schema,
    sources: Vec<String>,
    /// One per source; with several sources, started at the source's first row.
    uploads: Vec<Option<UploadWriter>>,
    overflow: UploadWriter,
    unchanged: Option<UploadWriter>,
    changes: Option<ListWriter>,
    absent: Option<ListWriter>,
    rejects: RejectsWriter,
    findings: ListWriter,
    html: AtomicFile,
    report: AtomicFile,
    /// Lines written to `changes.csv`, per attribute.
    changes_by_attribute: BTreeMap<String, u64>,
}

impl FileSink {
    /// Starts the files of a run in `dir`, creating `dir` when needed (the folder a link `DIR`
    /// leads to, when it is one): `upload.csv` (one source) or nothing yet (several: each
    /// `upload-NAME.csv` at its source's first row), `overflow.csv`, `rejects.csv`,
    /// `findings.csv`, `report.html`, `report.json`, and as `outputs` says, `unchanged.csv`, `changes.csv` and `absent.csv`.
    /// Each file's own links are followed (see [`AtomicFile`]); a file that cannot be written
    /// is an error before any row is.
    pub fn create(dir: &Path, schema: &Schema, outputs: &Outputs<'_>) -> io::Result<FileSink> {
        create_folder(&target::folder(dir))?;
        let upload = |name: &str| UploadWriter::create(&dir.join(name), schema);
        let list = |name: &str, header: &[&str]| ListWriter::create(&dir.join(name), header);
        let uploads = if outputs.sources.len() > 1 {
            outputs.sources.iter().map(|_| None).collect()
        } else {
            vec![Some(upload("upload.csv")?)]
        };
        Ok(FileSink {
            dir: dir.to_path_buf(),
            schema: schema.clone(),
            sources: outputs.sources.to_vec(),
            uploads,
            overflow: upload("overflow.csv")?,
            unchanged: outputs
                .skip_unchanged
                .then(|| upload("unchanged.csv"))
                .transpose()?,
            changes: outputs
                .diff
                .then(|| list("changes.csv", &CHANGES_HEADER))
                .transpose()?,
            absent: outputs
                .diff
                .then(|| list("absent.csv", &ABSENT_HEADER))
                .transpose()?,
            rejects: RejectsWriter::create(
                &dir.join("rejects.csv"),
                outputs.input_header,
                outputs.with_file,
                earlier_rejects_columns(outputs.input_header, schema),
            )?,
            findings: list("findings.csv", &FINDINGS_HEADER)?,
            html: AtomicFile::create(&dir.join("report.html"))?,
            report: AtomicFile::create(&dir.join("report.json"))?,
            changes_by_attribute: BTreeMap::new(),
        })
    }

    /// The file name of source `source`'s upload, when it gets one: `upload.csv` with one
    /// source, else `upload-NAME.csv` once a row goes to it.
    pub fn upload_file(&self, source: usize) -> Option<String> {
        let started = self.uploads.get(source)?.is_some();
        match self.uploads.len() {
            1 => Some("upload.csv".to_string()),
            _ => started.then(|| upload_name(&self.sources[source])),
        }
    }

    /// Starts writing the upload, overflow and unchanged files to disk, on threads of their
    /// own, once the run has written its last row to them, while the work after it goes on (the
    /// diff's files, read from the exports again): the sync before the files are renamed into
    /// place ([`commit_all`]) then finds little left to wait for (and syncs whatever is written
    /// to them after this). The commit fails with the error of any of these syncs.
    ///
    /// # Errors
    ///
    /// When what was buffered for these files cannot be written.
    ///
    /// ```
    /// use nebulk_emit::{FileSink, Outputs};
    /// let dir = tempfile::tempdir().unwrap();
    /// let mut sink = FileSink::create(dir.path(), &nebulk_schema::Schema::system(), &Outputs::default()).unwrap();
    /// sink.sync_run_files().unwrap();
    /// sink.finish().unwrap();
    /// assert!(dir.path().join("upload.csv").exists());
    /// ```
    pub fn sync_run_files(&mut self) -> io::Result<()> {
        self.uploads
            .iter_mut()
            .flatten()
            .chain([&mut self.overflow])
            .chain(self.unchanged.as_mut())
            .try_for_each(UploadWriter::sync_early)
    }

    /// Adds one export's lines of `changes.csv` and `absent.csv` (when the run compares with
    /// exports), formatted by [`DiffLines`] on any thread; exports are added in order.
    pub fn write_diff_lines(&mut self, lines: &DiffLines) -> io::Result<()> {
        if let Some(list) = &mut self.changes {
            list.write_line(lines.changes())?;
            for (attribute, count) in lines.by_attribute() {
                *self
                    .changes_by_attribute
                    .entry(attribute.clone())
                    .or_default() += count;
            }
        }
        if let Some(list) = &mut self.absent {
            list.write_line(lines.absent_lines())?;
        }
        Ok(())
    }

    /// The lines written to `changes.csv` so far, per attribute.
    pub fn changes_by_attribute(&self) -> &BTreeMap<String, u64> {
        &self.changes_by_attribute
    }

    /// Completes every file but the reports and renames them into place together (see
    /// [`commit_all`]); no report is written.
    pub fn finish(self) -> io::Result<()> {
        let (files, reports) = self.complete()?;
        drop(reports);
        commit_all(files)
    }

    /// Completes the files, writes `report` as `report.json` and its HTML view, with `facts`
    /// about the run, as `report.html` beside them, and renames them all into place together,
    /// `report.json` last (see [`commit_all`]): an interrupted run renames none of them, and
    /// when `report.json` is there, the files beside it are complete and from the same run as
    /// it.
    ///
    /// ```
    /// use nebulk_emit::{FileSink, InputSummary, Outputs, ReportJson};
    /// use nebulk_schema::Schema;
    /// let dir = tempfile::tempdir().unwrap();
    /// let schema = Schema::system();
    /// let sink = FileSink::create(dir.path(), &schema, &Outputs::default()).unwrap();
    /// let input = InputSummary::new("accounts.csv", "csv", 1);
    /// let report = nebulk_validate::Report::new(10);
    /// let json = ReportJson::new(&input, &schema, &report);
    /// sink.finish_with_report(&json, &Default::default()).unwrap();
    /// for name in ["upload.csv", "overflow.csv", "rejects.csv", "findings.csv", "report.html", "report.json"] {
    ///     assert!(dir.path().join(name).exists());
    /// }
    /// ```
    pub fn finish_with_report(self, report: &ReportJson<'_>, facts: &RunFacts) -> io::Result<()> {
        let (mut files, (html, json)) = self.complete()?;
        files.push(fill_html(html, report, facts)?);
        files.push(json::fill(json, report)?);
        commit_all(files)
    }

    /// [`FileSink::finish_with_report`], where each complete data file may be re-encoded
    /// first: `convert` gets its file name (`rejects.csv`) and the temporary file holding it
    /// (only files being replaced atomically have one: a file written through, such as a
    /// FIFO, is kept as it is), and says what becomes of it ([`Conversion`]). The files it
    /// gives are renamed into place with the others, `report.json` still last; a CSV file
    /// given up for another ([`Conversion::Instead`]) is not written, and one of an earlier
    /// run of that name is removed, so that the folder holds the files of one run. An error
    /// writes nothing.
    ///
    /// ```
    /// use std::io::Write;
    /// use nebulk_emit::{AtomicFile, Conversion, FileSink, InputSummary, Outputs, ReportJson};
    /// use nebulk_schema::Schema;
    /// let dir = tempfile::tempdir().unwrap();
    /// let schema = Schema::system();
    /// let sink = FileSink::create(dir.path(), &schema, &Outputs::default()).unwrap();
    /// let input = InputSummary::new("accounts.csv", "csv", 1);
    /// let report = nebulk_validate::Report::new(10);
    /// let json = ReportJson::new(&input, &schema, &report);
    /// sink.finish_with_report_converting(&json, &Default::default(), |name, csv| {
    ///     if name != "rejects.csv" {
    ///         return Ok(Conversion::Keep);
    ///     }
    ///     let mut copy = AtomicFile::create(&dir.path().join("rejects.txt"))?;
    ///     copy.write_all(&std::fs::read(csv)?)?;
    ///     Ok(Conversion::Instead(copy))
    /// }).unwrap();
    /// assert!(dir.path().join("rejects.txt").exists() && !dir.path().join("rejects.csv").exists());
    /// assert!(dir.path().join("upload.csv").exists());
    /// ```
    pub fn finish_with_report_converting(
        self,
        report: &ReportJson<'_>,
        facts: &RunFacts,
        mut convert: impl FnMut(&str, &Path) -> io::Result<Conversion>,
    ) -> io::Result<()> {
        let (files, (html, json)) = self.complete()?;
        let mut kept = Vec::new();
        let mut given_up = Vec::new();
        for file in files {
            let name = file
                .target()
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let conversion = match file.temp_path() {
                Some(temp) => convert(&name, temp)?,
                None => Conversion::Keep,
            };
            match conversion {
                Conversion::Keep => kept.push(file),
                Conversion::Also(other) => {
                    kept.push(file);
                    kept.push(other);
                }
                Conversion::Instead(other) => {
                    given_up.push(file.destination().path().to_path_buf());
                    kept.push(other);
                }
            }
        }
        kept.push(fill_html(html, report, facts)?);
        kept.push(json::fill(json, report)?);
        commit_all(kept)?;
        for stale in given_up {
            if std::fs::symlink_metadata(&stale).is_ok_and(|m| m.is_file()) {
                std::fs::remove_file(&stale)
                    .map_err(|e| crate::with_path(e, "cannot remove", &stale))?;
            }
        }
        Ok(())
    }

    /// Flushes every file: the data files, rejects and findings last, and gives the reports'
    /// (HTML, JSON), still empty.
    fn complete(self) -> io::Result<(Vec<AtomicFile>, (AtomicFile, AtomicFile))> {
        let mut files = Vec::new();
        for upload in self.uploads.into_iter().flatten() {
            files.push(upload.into_file()?);
        }
        files.push(self.overflow.into_file()?);
        if let Some(unchanged) = self.unchanged {
            files.push(unchanged.into_file()?);
        }
        for list in [self.changes, self.absent].into_iter().flatten() {
            files.push(list.into_file()?);
        }
        files.push(self.rejects.into_file()?);
        files.push(self.findings.into_file()?);
        Ok((files, (self.html, self.report)))
    }

    /// The upload writer of `source`, started at its first row.
    fn upload(&mut self, source: usize) -> io::Result<&mut UploadWriter> {
        if self.uploads[source].is_none() {
            let name = upload_name(&self.sources[source]);
            self.uploads[source] = Some(UploadWriter::create(&self.dir.join(name), &self.schema)?);
        }
        self.uploads[source]
            .as_mut()
            .ok_or_else(|| io::Error::other("the upload file was not started"))
    }
}

/// `upload-NAME.csv`.
fn upload_name(source: &str) -> String {
    format!("upload-{source}.csv")
}

impl Sink for FileSink {
    type Format = UploadFormat;

    fn format(&self) -> UploadFormat {
        UploadFormat
    }

    fn accept(&mut self, _: &Row, line: &[u8], placement: Placement) -> io::Result<()> {
        match placement {
            Placement::Upload { source } => self.upload(source)?.write(line),
            Placement::Unchanged { source } => match &mut self.unchanged {
                Some(unchanged) => unchanged.write(line),
                None => self.upload(source)?.write(line),
            },
            Placement::Overflow => self.overflow.write(line),
        }
    }

    fn reject(&mut self, row: &Row, verdict: &Verdict) -> io::Result<()> {
        self.rejects.write(row, verdict)
    }

    fn findings(&mut self, findings: &[Finding]) -> io::Result<()> {
        findings
            .iter()
            .try_for_each(|finding| self.findings.write_finding(finding))
    }
}

#[cfg(test)]
mod tests {
    use nebulk_read::Row;
    use nebulk_schema::Schema;
    use nebulk_validate::{Placement, Sink};

    use super::{FileSink, Outputs};

    /// The upload files synced ahead of the commit are complete, rows written after the sync
    /// began included, in every source's file.
    #[test]
    fn files_synced_ahead_keep_every_row() {
        let dir = tempfile::tempdir().unwrap();
        let sources = ["north".to_string(), "south".to_string()];
        let outputs = Outputs {
            sources: &sources,
            ..Outputs::default()
        };
        let mut sink = FileSink::create(dir.path(), &Schema::system(), &outputs).unwrap();
        let row = Row::default();
        let upload = |source| Placement::Upload { source };
        for n in 0..1000 {
            let line = format!(
                "ann.{n},Ann,Lee,ann@example.com,+15125550100,jdoe,2026-01-01,2026-06-30\n"
            );
            sink.accept(&row, line.as_bytes(), upload(n % 2)).unwrap();
        }
        sink.sync_run_files().unwrap();
        sink.accept(
            &row,
            b"late,Ann,Lee,a@x.io,+15125550100,jdoe,2026-01-01,2026-06-30\n",
            upload(1),
        )
        .unwrap();
        sink.finish().unwrap();
        let lines = |name: &str| {
            std::fs::read_to_string(dir.path().join(name))
                .unwrap()
                .lines()
                .count()
        };
        assert_eq!(lines("upload-north.csv"), 1 + 500);
        assert_eq!(lines("upload-south.csv"), 1 + 500 + 1);
    }
}
