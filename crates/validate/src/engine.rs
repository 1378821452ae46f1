//! The engine: reads chunks on one thread, checks each chunk's rows in parallel with rayon,
//! then runs the order-dependent checks and hands every row, in input order, to a [`Sink`].

use std::io;
use std::sync::mpsc;

use nebulk_read::{ReadError, Row, RowSource};
use rayon::prelude::*;

use crate::ledger::Ledger;
use crate::plan::{CheckedRow, ColumnPlan, Verdict};
use crate::report::Report;

/// Where checked rows go: valid ones to [`Sink::accept`], rejected ones to [`Sink::reject`],
/// each exactly once and in input order.
///
/// What `accept` writes is prepared by the sink's [`RowFormat`] on the worker threads, in
/// parallel, for every row that passes the stateless checks; the order-dependent checks may
/// still reject such a row, and then its bytes are dropped.
///
/// ```
/// use nebulk_read::Row;
/// use nebulk_validate::{Sink, Verdict};
/// /// Counts rows instead of writing them.
/// #[derive(Default)]
/// struct Count { accepted: u64, rejected: u64 }
/// impl Sink for Count {
///     type Format = ();
///     fn format(&self) {}
///     fn accept(&mut self, _: &Row, _: &[u8]) -> std::io::Result<()> { self.accepted += 1; Ok(()) }
///     fn reject(&mut self, _: &Row, _: &Verdict) -> std::io::Result<()> { self.rejected += 1; Ok(()) }
/// }
/// ```
pub trait Sink {
    /// How valid rows are turned into bytes.
    type Format: RowFormat;
    /// The formatter, shared by the worker threads.
    fn format(&self) -> Self::Format;
    /// Takes a valid row and the bytes its formatter made of it.
    fn accept(&mut self, row: &Row, formatted: &[u8]) -> io::Result<()>;
    /// Takes a rejected row and why it was rejected.
    fn reject(&mut self, row: &Row, verdict: &Verdict) -> io::Result<()>;
}

/// Turns a valid row into the bytes a [`Sink`] writes for it. Runs on worker threads.
pub trait RowFormat: Sync {
    /// Appends the row's bytes to `out`.
    fn format_row(&self, row: &CheckedRow<'_>, out: &mut Vec<u8>);
}

/// Formats nothing: for sinks that write no bytes per valid row.
impl RowFormat for () {
    fn format_row(&self, _: &CheckedRow<'_>, _: &mut Vec<u8>) {}
}

/// A sink that keeps nothing, for checks only.
#[derive(Debug, Default, Clone, Copy)]
pub struct NullSink;

impl Sink for NullSink {
    type Format = ();
    fn format(&self) {}
    fn accept(&mut self, _: &Row, _: &[u8]) -> io::Result<()> {
        Ok(())
    }
    fn reject(&mut self, _: &Row, _: &Verdict) -> io::Result<()> {
        Ok(())
    }
}

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

/// Rows a worker checks and formats at a time.
const PART_ROWS: usize = 256;

/// A run of rows checked by one worker: their verdicts, and the formatted bytes of those
/// that passed.
struct Part {
    verdicts: Vec<Verdict>,
    /// The formatted rows, one after the other.
    bytes: Vec<u8>,
    /// For each row, where its bytes end (a row without bytes ends where the previous did).
    ends: Vec<usize>,
}

impl Part {
    fn check<F: RowFormat>(rows: &[Row], plan: &ColumnPlan, format: &F) -> Part {
        // A formatted row is about as long as its fields, with their separators and quotes; a
        // part of huge rows (most likely rejected) grows as it needs instead.
        const MAX_ESTIMATE: usize = 256 << 10;
        let estimate = rows
            .iter()
            .map(|row| row.record.as_slice().len() + 2 * row.record.len() + 2)
            .sum::<usize>()
            .min(MAX_ESTIMATE);
        let mut part = Part {
            verdicts: Vec::with_capacity(rows.len()),
            bytes: Vec::with_capacity(estimate),
            ends: Vec::with_capacity(rows.len()),
        };
        for row in rows {
            let checked = plan.check(row);
            if checked.is_valid() {
                format.format_row(&checked, &mut part.bytes);
            }
            part.ends.push(part.bytes.len());
            part.verdicts.push(checked.into_verdict());
        }
        part
    }
}

/// A chunk after the parallel stage, on its way to the ordered one.
struct Checked {
    rows: Vec<Row>,
    parts: Vec<Part>,
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

/// Runs a whole input through the checks into `sink`, calling `progress` with the bytes read
/// so far after each chunk.
///
/// Three stages run at once: a thread reads chunks; the calling thread checks each chunk's rows
/// in parallel with rayon (and formats the valid ones); a third thread applies the
/// order-dependent checks (the [`Ledger`]) and hands every row, in input order, to the sink.
/// Memory is bounded by `chunking` (a few chunks in flight) plus the ledger's account keys.
///
/// ```
/// use nebulk_read::{CsvOptions, CsvSource, RowSource};
/// use nebulk_schema::Schema;
/// use nebulk_validate::{run, Chunking, Code, ColumnPlan, Ledger, NullSink, RuleConfig};
///
/// let csv = "accountName,firstName,lastName,email,phone,manager,startDate,endDate\n\
///            ann.lee,Ann,Lee,ann@example.com,+1 512 555 0100,jdoe,2026-01-01,2026-06-30\n\
///            ANN.LEE,Ann,Lee,ann@example.com,+1 512 555 0100,jdoe,2026-01-01,2026-06-30\n";
/// let source = CsvSource::new(csv.as_bytes(), CsvOptions::default()).unwrap();
/// let plan = ColumnPlan::new(Schema::system(), source.header(), RuleConfig::default()).unwrap();
/// let report = run(source, &plan, &mut Ledger::new(20_000), &mut NullSink, Chunking::default(), 100, |_| {}).unwrap();
/// assert_eq!((report.rows_valid, report.rows_rejected), (1, 1));
/// assert_eq!(report.by_code[&Code::DuplicateAccount], 1);
/// ```
pub fn run<Src, S, P>(
    mut source: Src,
    plan: &ColumnPlan,
    ledger: &mut Ledger,
    sink: &mut S,
    chunking: Chunking,
    max_findings: usize,
    mut progress: P,
) -> Result<Report, EngineError>
where
    Src: RowSource,
    S: Sink + Send,
    P: FnMut(u64),
{
    let format = sink.format();
    let mut report = Report::new(max_findings);
    report.note_ledger(ledger);
    report.note_plan(plan, source.header_line());
    let account_column = plan.account_column();
    let header = plan.header();
    // Reborrowed for the writer thread; the originals are read again after it ends.
    let (writer_ledger, writer_sink) = (&mut *ledger, &mut *sink);
    std::thread::scope(|scope| -> Result<(), EngineError> {
        let (to_check, from_reader) =
            mpsc::sync_channel::<Result<(Vec<Row>, u64), ReadError>>(chunking.read_ahead);
        let (to_write, from_checker) = mpsc::sync_channel::<Checked>(1);
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
                for part in chunk.parts {
                    let mut start = 0;
                    for (mut verdict, end) in part.verdicts.into_iter().zip(part.ends) {
                        let Some(row) = rows.next() else { break };
                        writer_ledger.admit(&mut verdict, row, account_column);
                        report.record(row, &verdict, header);
                        if verdict.is_valid() {
                            writer_sink.accept(row, &part.bytes[start..end])?;
                        } else {
                            writer_sink.reject(row, &verdict)?;
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
            let parts: Vec<Part> = rows
                .par_chunks(PART_ROWS)
                .map(|rows| Part::check(rows, plan, &format))
                .collect();
            // A closed channel means the writer stopped on an error, which its join gives.
            if to_write
                .send(Checked {
                    rows,
                    parts,
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
    report.accounts.limit = ledger.max_accounts();
    report.accounts.existing = ledger.existing_count();
    report.accounts.new = ledger.new_accounts();
    report.accounts.updates = ledger.updates();
    Ok(report)
}
