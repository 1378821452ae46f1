//! The engine: reads chunks on one thread, checks each chunk's rows in parallel with rayon,
//! then runs the order-dependent checks and hands every row, in input order, to a [`Sink`].
//!
//! [`Engine`] is configured the way ripgrep's `SearcherBuilder` configures a search: what
//! decides how the run goes (the plan, the chunk sizes, how many findings to keep, whom to tell
//! of progress) is set on the engine; what the run goes through (the rows, the ledger, the
//! sink) is handed to [`Engine::run`].

use std::io;
use std::sync::mpsc;

use nebulk_read::{ReadError, Row, RowSource};
use rayon::prelude::*;

use crate::ledger::Ledger;
use crate::placement::Known;
use crate::plan::ColumnPlan;
use crate::report::{Report, DEFAULT_MAX_FINDINGS};
use crate::sink::{RowFormat, Sink};
use crate::tenant::Tenant;
use crate::verdict::Verdict;

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

/// Rows a worker checks and formats at a time: a chunk's rows are cut into batches of this
/// many, one rayon task each.
const BATCH_ROWS: usize = 256;

/// The rows of a batch after the stateless checks: their verdicts, what the exports say of
/// their accounts, and the formatted bytes of those that passed.
struct CheckedBatch {
    verdicts: Vec<Verdict>,
    known: Vec<Known>,
    /// The formatted rows, one after the other.
    bytes: Vec<u8>,
    /// For each row, where its bytes end (a row without bytes ends where the previous did).
    ends: Vec<usize>,
}

impl CheckedBatch {
    fn check<F: RowFormat>(
        rows: &[Row],
        plan: &ColumnPlan,
        tenant: &Tenant,
        format: &F,
    ) -> CheckedBatch {
        // A formatted row is about as long as its fields, with their separators and quotes; a
        // batch of huge rows (most likely rejected) grows as it needs instead.
        const MAX_ESTIMATE: usize = 256 << 10;
        let estimate = rows
            .iter()
            .map(|row| row.record.as_slice().len() + 2 * row.record.len() + 2)
            .sum::<usize>()
            .min(MAX_ESTIMATE);
        let mut batch = CheckedBatch {
            verdicts: Vec::with_capacity(rows.len()),
            known: Vec::with_capacity(rows.len()),
            bytes: Vec::with_capacity(estimate),
            ends: Vec::with_capacity(rows.len()),
        };
        let mut checked: Vec<_> = rows.iter().map(|row| plan.check(row)).collect();
        // The exports' accounts looked up in a loop of their own, so that the reads of the table
        // overlap rather than wait one by one between the checks.
        let found: Vec<_> = checked
            .iter()
            .map(|c| {
                c.verdict
                    .account_key
                    .and_then(|key| tenant.find_record(&key))
            })
            .collect();
        // By reference: a checked row is large, and moving each out would copy it.
        for (checked, found) in checked.iter_mut().zip(found) {
            if checked.is_valid() {
                format.format_row(checked, &mut batch.bytes);
            }
            batch.ends.push(batch.bytes.len());
            batch.known.push(tenant.match_found(checked, found));
            batch.verdicts.push(std::mem::take(&mut checked.verdict));
        }
        batch
    }
}

/// A chunk after the parallel stage, on its way to the ordered one.
struct CheckedChunk {
    rows: Vec<Row>,
    batches: Vec<CheckedBatch>,
    /// Input bytes read by the end of this chunk.
    bytes_read: u64,
}

/// How the engine cuts the input.
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
/// Three stages run at once: a thread reads chunks; the calling thread checks each chunk's rows
/// in parallel with rayon (and formats the valid ones); a third thread applies the
/// order-dependent checks (the [`Ledger`]) and hands every row, in input order, to the sink.
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
        let account_column = plan.account_column();
        let header = plan.header();
        // Reborrowed for the writer thread; the originals are read again after it ends.
        let (writer_ledger, writer_sink) = (&mut *ledger, &mut *sink);
        std::thread::scope(|scope| -> Result<(), EngineError> {
            let (to_check, from_reader) =
                mpsc::sync_channel::<Result<(Vec<Row>, u64), ReadError>>(chunking.read_ahead);
            let (to_write, from_checker) = mpsc::sync_channel::<CheckedChunk>(1);
            // Chunks come back once written, so that the reader refills their rows in place.
            let (recycle, recycled) = mpsc::channel::<Vec<Row>>();

            // Every chunk the reader fills, the read-ahead ones and those being checked and
            // written: past that many, it waits for one to come back rather than allocating.
            let pool = chunking.read_ahead + 4;
            let reading = move || {
                let mut made = 0;
                loop {
                    let mut rows = match recycled.try_recv() {
                        Ok(rows) => rows,
                        Err(_) if made < pool => {
                            made += 1;
                            Vec::new()
                        }
                        Err(_) => match recycled.recv() {
                            Ok(rows) => rows,
                            // The writer stopped: so does reading.
                            Err(_) => return,
                        },
                    };
                    let chunk = source
                        .fill_chunk(&mut rows, chunking.max_rows, chunking.max_bytes)
                        .map(|()| (rows, source.bytes_read()));
                    let done = !matches!(&chunk, Ok((rows, _)) if !rows.is_empty());
                    // A closed channel means a later stage stopped on an error: stop reading.
                    if to_check.send(chunk).is_err() || done {
                        return;
                    }
                }
            };
            // Named threads, so that a profile tells the stages apart.
            std::thread::Builder::new()
                .name("nebulk-read".into())
                .spawn_scoped(scope, reading)
                .map_err(EngineError::Thread)?;

            let report = &mut report;
            let writing = move || -> io::Result<()> {
                let mut first = true;
                for chunk in from_checker {
                    if std::mem::take(&mut first) {
                        writer_ledger.size_from_sample(chunk.rows.len() as u64, chunk.bytes_read);
                    }
                    let mut rows = chunk.rows.iter();
                    for batch in chunk.batches {
                        let mut start = 0;
                        let checked = batch.verdicts.into_iter().zip(batch.ends);
                        for ((mut verdict, end), known) in checked.zip(batch.known) {
                            let Some(row) = rows.next() else { break };
                            let placement =
                                writer_ledger.admit(&mut verdict, row, account_column, known);
                            report.record(row, &verdict, header);
                            match placement {
                                Some(placement) => {
                                    writer_sink.accept(row, &batch.bytes[start..end], placement)?
                                }
                                None => writer_sink.reject(row, &verdict)?,
                            }
                            start = end;
                        }
                    }
                    // The reader may have finished; then the rows are simply dropped.
                    let _ = recycle.send(chunk.rows);
                }
                Ok(())
            };
            let writer = std::thread::Builder::new()
                .name("nebulk-write".into())
                .spawn_scoped(scope, writing)
                .map_err(EngineError::Thread)?;

            let mut outcome = Ok(());
            for chunk in from_reader {
                let (rows, bytes_read) = match chunk {
                    Ok(chunk) => chunk,
                    Err(e) => {
                        outcome = Err(EngineError::Read(e));
                        break;
                    }
                };
                if rows.is_empty() {
                    break;
                }
                let batches: Vec<CheckedBatch> = rows
                    .par_chunks(BATCH_ROWS)
                    .map(|rows| CheckedBatch::check(rows, plan, tenant, &format))
                    .collect();
                // A closed channel means the writer stopped on an error, which its join gives.
                if to_write
                    .send(CheckedChunk {
                        rows,
                        batches,
                        bytes_read,
                    })
                    .is_err()
                {
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
        report.note_placement(ledger);
        Ok(report)
    }
}
