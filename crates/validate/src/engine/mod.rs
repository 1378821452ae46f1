//! The engine: reads chunks on one thread, checks each chunk's rows in parallel with rayon,
//! then runs the order-dependent checks and hands every row, in input order, to a [`Sink`].
//! A plain UTF-8 CSV file is read in blocks of whole records, which the workers parse too, so
//! that parsing runs in parallel as well.
//!
//! [`Engine`] is configured the way ripgrep's `SearcherBuilder` configures a search: what
//! decides how the run goes (the plan, the chunk sizes, how many findings to keep, whom to tell
//! of progress) is set on the engine; what the run goes through (the rows, the ledger, the
//! sink) is handed to [`Engine::run`].

mod batch;
mod stages;

use std::io;
use std::sync::mpsc;

use nebulk_read::{ReadError, RowSource};

use crate::ledger::Ledger;
use crate::plan::ColumnPlan;
use crate::report::{Report, DEFAULT_MAX_FINDINGS};
use crate::sink::Sink;
use stages::{CheckedChunk, ReadChunk, RowPool, Writing};

/// A fatal problem during a run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// Reading the input failed.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// A sink could not write.
    #[error("write failed: {0}")]
    Write(#[from] io::Error),
    /// The system would not start a thread.
    #[error("could not start a thread: {0}")]
    Thread(io::Error),
}

/// How the engine cuts the input. A source cut into blocks (plain UTF-8 CSV) is cut by bytes
/// only: its rows are counted once the workers parse them.
///
/// ```
/// let c = nebulk_validate::Chunking::default();
/// assert!(c.max_rows > 0 && c.max_bytes > 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunking {
    /// Rows per chunk at most.
    pub max_rows: usize,
    /// Bytes of fields per chunk at most (a chunk always takes at least one row).
    pub max_bytes: usize,
    /// Chunks read ahead of the checking at most.
    pub read_ahead: usize,
}

impl Default for Chunking {
    fn default() -> Chunking {
        Chunking {
            max_rows: 4096,
            max_bytes: 2 << 20,
            read_ahead: 2,
        }
    }
}

/// Runs inputs through the checks of a [`ColumnPlan`]: set it up, then [`Engine::run`] it.
///
/// Three stages run at once: a thread reads chunks (blocks of whole records, when the source
/// cuts them: [`RowSource::cuts_blocks`]); the calling thread has each chunk's blocks parsed and
/// its rows checked in parallel with rayon (and the valid ones formatted); a third thread
/// applies the order-dependent checks (the [`Ledger`]) and hands every row, in input order, to
/// the sink.
/// Memory is bounded by the [`Chunking`] (a few chunks in flight) plus the ledger's account
/// keys.
///
/// ```
/// use nebulk_read::{CsvOptions, CsvSource, RowSource};
/// use nebulk_schema::Schema;
/// use nebulk_validate::{Code, ColumnPlan, Engine, Ledger, NullSink, RuleConfig};
///
/// let csv = "accountName,firstName,lastName,email,phone,manager,startDate,endDate\n\
///            ann.lee,Ann,Lee,ann@example.com,+1 512 555 0100,jdoe,2026-01-01,2026-06-30\n\
///            ANN.LEE,Ann,Lee,ann@example.com,+1 512 555 0100,jdoe,2026-01-01,2026-06-30\n";
/// let source = CsvSource::new(csv.as_bytes(), CsvOptions::default()).unwrap();
/// let plan = ColumnPlan::new(Schema::system(), source.header(), RuleConfig::default()).unwrap();
/// let mut read = 0;
/// let report = Engine::new(&plan)
///     .max_findings(100)
///     .on_progress(|bytes| read = bytes)
///     .run(source, &mut Ledger::new(20_000), &mut NullSink)
///     .unwrap();
/// assert_eq!((report.rows_valid, report.rows_rejected), (1, 1));
/// assert_eq!(report.by_code[&Code::DuplicateAccount], 1);
/// assert!(read > 0);
/// ```
pub struct Engine<'p, P = fn(u64)> {
    plan: &'p ColumnPlan,
    chunking: Chunking,
    max_findings: usize,
    progress: P,
}

impl<'p> Engine<'p> {
    /// An engine checking rows against `plan`, with the default [`Chunking`], keeping
    /// [`DEFAULT_MAX_FINDINGS`] findings, and telling no one of its progress.
    pub fn new(plan: &'p ColumnPlan) -> Engine<'p> {
        Engine {
            plan,
            chunking: Chunking::default(),
            max_findings: DEFAULT_MAX_FINDINGS,
            progress: |_| {},
        }
    }
}

impl<'p, P: FnMut(u64)> Engine<'p, P> {
    /// How the input is cut into chunks.
    ///
    /// ```
    /// # let header: Vec<String> = nebulk_schema::Schema::system().headers().map(String::from).collect();
    /// # let plan = nebulk_validate::ColumnPlan::new(nebulk_schema::Schema::system(), &header, Default::default()).unwrap();
    /// use nebulk_validate::{Chunking, Engine};
    /// let engine = Engine::new(&plan).chunking(Chunking { max_rows: 2, ..Chunking::default() });
    /// ```
    pub fn chunking(mut self, chunking: Chunking) -> Engine<'p, P> {
        self.chunking = chunking;
        self
    }

    /// The most findings, and the most file-level warnings, the report keeps (the others are
    /// counted; see [`Report::findings_truncated`]).
    ///
    /// ```
    /// # let header: Vec<String> = nebulk_schema::Schema::system().headers().map(String::from).collect();
    /// # let plan = nebulk_validate::ColumnPlan::new(nebulk_schema::Schema::system(), &header, Default::default()).unwrap();
    /// let engine = nebulk_validate::Engine::new(&plan).max_findings(10);
    /// ```
    pub fn max_findings(mut self, max_findings: usize) -> Engine<'p, P> {
        self.max_findings = max_findings;
        self
    }

    /// Calls `progress` with the input bytes read so far after each chunk is checked (for a
    /// progress bar). It runs on the calling thread.
    ///
    /// ```
    /// # let header: Vec<String> = nebulk_schema::Schema::system().headers().map(String::from).collect();
    /// # let plan = nebulk_validate::ColumnPlan::new(nebulk_schema::Schema::system(), &header, Default::default()).unwrap();
    /// let engine = nebulk_validate::Engine::new(&plan).on_progress(|bytes| eprintln!("{bytes} bytes"));
    /// ```
    pub fn on_progress<Q: FnMut(u64)>(self, progress: Q) -> Engine<'p, Q> {
        Engine {
            plan: self.plan,
            chunking: self.chunking,
            max_findings: self.max_findings,
            progress,
        }
    }

    /// Runs a whole input through the checks: every row of `source` goes to `sink`, in input
    /// order, after the stateless checks of the plan and the order-dependent ones of `ledger`,
    /// which counts the accounts it admits. Gives the report of the run.
    ///
    /// # Errors
    ///
    /// Only what stops the run: the input cannot be read, the sink cannot write, or a thread
    /// cannot be started. Findings about the data are in the report.
    pub fn run<Src, S>(
        &mut self,
        mut source: Src,
        ledger: &mut Ledger,
        sink: &mut S,
    ) -> Result<Report, EngineError>
    where
        Src: RowSource,
        S: Sink + Send,
    {
        let (plan, chunking, progress) = (self.plan, self.chunking, &mut self.progress);
        let format = sink.format();
        let mut report = Report::new(self.max_findings);
        report.note_tenant(ledger.tenant());
        let tenant = std::sync::Arc::clone(ledger.tenant());
        let tenant = &*tenant;
        report.note_plan(plan, source.header_line());
        sink.findings(&report.take_new_warnings())?;
        let pool = RowPool::default();
        let pool = &pool;
        let mut writing = Writing {
            account_column: plan.account_column(),
            header: plan.header(),
            ledger: &mut *ledger,
            sink: &mut *sink,
            report: &mut report,
            claims: Vec::new(),
        };
        std::thread::scope(|scope| -> Result<(), EngineError> {
            let (to_check, from_reader) =
                mpsc::sync_channel::<Result<ReadChunk, ReadError>>(chunking.read_ahead);
            let (to_write, from_checker) = mpsc::sync_channel::<CheckedChunk>(1);

            let reading = move || loop {
                let chunk = stages::read_chunk(&mut source, chunking, pool).transpose();
                let done = !matches!(chunk, Some(Ok(_)));
                // A closed channel means a later stage stopped on an error: stop reading.
                let sent = chunk.is_none_or(|chunk| to_check.send(chunk).is_ok());
                if done || !sent {
                    return;
                }
            };
            // Named threads, so that a profile tells the stages apart.
            std::thread::Builder::new()
                .name("nebulk-read".into())
                .spawn_scoped(scope, reading)
                .map_err(EngineError::Thread)?;

            let writing = move || -> io::Result<()> {
                let mut first = true;
                for chunk in from_checker {
                    if std::mem::take(&mut first) {
                        let rows = chunk.row_count() as u64;
                        writing.ledger.size_from_sample(rows, chunk.bytes_read);
                    }
                    writing.write(chunk, pool)?;
                }
                Ok(())
            };
            let writer = std::thread::Builder::new()
                .name("nebulk-write".into())
                .spawn_scoped(scope, writing)
                .map_err(EngineError::Thread)?;

            let mut outcome = Ok(());
            for chunk in from_reader {
                let chunk = match chunk {
                    Ok(chunk) => chunk,
                    Err(e) => {
                        outcome = Err(EngineError::Read(e));
                        break;
                    }
                };
                let checked = stages::check_chunk(chunk, plan, tenant, &format, pool);
                let bytes_read = checked.bytes_read;
                // A closed channel means the writer stopped on an error, which its join gives.
                if to_write.send(checked).is_err() {
                    break;
                }
                progress(bytes_read);
            }
            drop(to_write);
            let written = match writer.join() {
                Ok(result) => result,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            outcome?;
            written.map_err(EngineError::Write)
        })?;
        report.finish();
        sink.findings(&report.take_new_warnings())?;
        report.note_placement(ledger);
        Ok(report)
    }
}
