//! The stages of a run: reading chunks (rows, or blocks of a CSV file to parse), checking each
//! chunk's parts in parallel, and writing them in input order.

use std::io;
use std::sync::{Mutex, PoisonError};

use nebulk_read::{Block, ReadError, Row, RowSource};
use rayon::prelude::*;

use super::batch::CheckedBatch;
use super::Chunking;
use crate::ledger::{Claim, Ledger};
use crate::plan::ColumnPlan;
use crate::report::Report;
use crate::sink::{RowFormat, Sink};
use crate::tenant::Tenant;

/// Rows a worker checks and formats at a time, when the source hands out rows.
const BATCH_ROWS: usize = 256;

/// Bytes of a block, when the source is cut into blocks: one worker parses and checks one.
const BLOCK_BYTES: usize = 128 << 10;

/// What the reader hands on: parts of rows read, or blocks whose rows the workers parse.
pub(super) enum Input {
    Rows(Vec<Vec<Row>>),
    Blocks(Vec<Block>),
}

/// A chunk as read.
pub(super) struct ReadChunk {
    pub(super) input: Input,
    /// Input bytes read by the end of this chunk.
    pub(super) bytes_read: u64,
}

/// Rows and what the parallel stage made of them.
pub(super) struct Part {
    rows: Vec<Row>,
    batch: CheckedBatch,
}

/// A chunk after the parallel stage, on its way to the ordered one.
pub(super) struct CheckedChunk {
    parts: Vec<Part>,
    pub(super) bytes_read: u64,
}

impl CheckedChunk {
    /// The rows of the chunk.
    pub(super) fn row_count(&self) -> usize {
        self.parts.iter().map(|part| part.rows.len()).sum()
    }
}

/// Vectors of rows handed back once written, to be filled again (their rows keep their
/// allocations). Holds a bounded number; the rest are dropped.
#[derive(Default)]
pub(super) struct RowPool(Mutex<Vec<Vec<Row>>>);

impl RowPool {
    const MOST: usize = 256;

    fn take(&self) -> Vec<Row> {
        let mut pool = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        pool.pop().unwrap_or_default()
    }

    fn give(&self, rows: Vec<Row>) {
        let mut pool = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if pool.len() < RowPool::MOST {
            pool.push(rows);
        }
    }
}

/// Reads the next chunk: blocks of about [`BLOCK_BYTES`] until the chunk holds
/// `chunking.max_bytes` when `source` cuts blocks, else parts of [`BATCH_ROWS`] rows within the
/// chunk's budget. `None` at the end of the input.
pub(super) fn read_chunk<Src: RowSource>(
    source: &mut Src,
    chunking: Chunking,
    pool: &RowPool,
) -> Result<Option<ReadChunk>, ReadError> {
    if source.cuts_blocks() {
        let size = BLOCK_BYTES.min(chunking.max_bytes);
        let mut blocks = Vec::new();
        let mut bytes = 0;
        while bytes < chunking.max_bytes.max(1) {
            let Some(block) = source.next_block(size)? else {
                break;
            };
            bytes += block.bytes().len();
            blocks.push(block);
        }
        // No block, yet the source still cuts them: the end. (A source that stopped cutting,
        // at a record too long for a block, reads on row by row.)
        if !blocks.is_empty() || source.cuts_blocks() {
            return Ok((!blocks.is_empty()).then(|| ReadChunk {
                input: Input::Blocks(blocks),
                bytes_read: source.bytes_read(),
            }));
        }
    }
    let (mut rows_left, mut bytes_left) = (chunking.max_rows.max(1), chunking.max_bytes);
    let mut parts = Vec::new();
    while rows_left > 0 && (parts.is_empty() || bytes_left > 0) {
        let mut rows = pool.take();
        source.fill_chunk(&mut rows, BATCH_ROWS.min(rows_left), bytes_left)?;
        if rows.is_empty() {
            break;
        }
        rows_left -= rows.len();
        let held = rows.iter().map(|row| row.record.held_bytes()).sum();
        bytes_left = bytes_left.saturating_sub(held);
        parts.push(rows);
    }
    let input = (!parts.is_empty()).then_some(Input::Rows(parts));
    Ok(input.map(|input| ReadChunk {
        input,
        bytes_read: source.bytes_read(),
    }))
}

/// The parallel stage: each part (or block, parsed first) checked and formatted on a worker.
pub(super) fn check_chunk<F: RowFormat>(
    chunk: ReadChunk,
    plan: &ColumnPlan,
    tenant: &Tenant,
    format: &F,
    pool: &RowPool,
) -> CheckedChunk {
    let check = |rows: Vec<Row>| Part {
        batch: CheckedBatch::check(&rows, plan, tenant, format),
        rows,
    };
    let parts = match chunk.input {
        Input::Rows(parts) => parts.into_par_iter().map(check).collect(),
        Input::Blocks(blocks) => blocks
            .into_par_iter()
            .map(|block| {
                let mut rows = pool.take();
                block.parse_into(&mut rows);
                check(rows)
            })
            .collect(),
    };
    CheckedChunk {
        parts,
        bytes_read: chunk.bytes_read,
    }
}

/// What the ordered stage writes to.
pub(super) struct Writing<'a, S> {
    pub(super) ledger: &'a mut Ledger,
    pub(super) sink: &'a mut S,
    pub(super) report: &'a mut Report,
    pub(super) account_column: Option<usize>,
    pub(super) header: &'a [String],
    /// The claims of the batch being written ([`Ledger::claim_all`]), kept for its allocation.
    pub(super) claims: Vec<Claim>,
}

impl<S: Sink> Writing<'_, S> {
    /// The ordered stage: the ledger's checks and placement, the report, and the sink, row
    /// after row in input order. The rows go back to `pool`.
    pub(super) fn write(&mut self, chunk: CheckedChunk, pool: &RowPool) -> io::Result<()> {
        for Part { rows, batch } in chunk.parts {
            self.ledger
                .claim_all(&rows, &batch.verdicts, &mut self.claims);
            let mut start = 0;
            let checked = batch.verdicts.into_iter().zip(batch.ends);
            let claimed = batch.known.into_iter().zip(self.claims.iter().copied());
            for ((row, (mut verdict, end)), (known, claim)) in rows.iter().zip(checked).zip(claimed)
            {
                let placement =
                    self.ledger
                        .admit_claimed(&mut verdict, claim, self.account_column, known);
                let findings = self.report.record(row, &verdict, self.header);
                if !findings.is_empty() {
                    self.sink.findings(&findings)?;
                }
                match placement {
                    Some(placement) => {
                        let formatted = batch.bytes.get(start..end).unwrap_or_default();
                        self.sink.accept(row, formatted, placement)?;
                    }
                    None => self.sink.reject(row, &verdict)?,
                }
                start = end;
            }
            pool.give(rows);
        }
        Ok(())
    }
}
