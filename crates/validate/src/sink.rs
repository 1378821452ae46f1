//! Where a run's rows go: a [`Sink`] takes every row, in input order, and its [`RowFormat`]
//! turns valid rows into bytes on the worker threads.

use std::io;

use nebulk_read::Row;

use crate::checked::CheckedRow;
use crate::finding::Finding;
use crate::placement::Placement;
use crate::verdict::Verdict;

/// Where checked rows go: valid ones to [`Sink::accept`] with their [`Placement`], rejected
/// ones to [`Sink::reject`], each exactly once and in input order.
///
/// What `accept` writes is prepared by the sink's [`RowFormat`] on the worker threads, in
/// parallel, for every row that passes the stateless checks; the order-dependent checks may
/// still reject such a row, and then its bytes are dropped.
///
/// ```
/// use nebulk_read::Row;
/// use nebulk_validate::{Placement, Sink, Verdict};
/// /// Counts rows instead of writing them.
/// #[derive(Default)]
/// struct Count { accepted: u64, rejected: u64 }
/// impl Sink for Count {
///     type Format = ();
///     fn format(&self) {}
///     fn accept(&mut self, _: &Row, _: &[u8], _: Placement) -> std::io::Result<()> { self.accepted += 1; Ok(()) }
///     fn reject(&mut self, _: &Row, _: &Verdict) -> std::io::Result<()> { self.rejected += 1; Ok(()) }
/// }
/// ```
pub trait Sink {
    /// How valid rows are turned into bytes.
    type Format: RowFormat;
    /// The formatter, shared by the worker threads.
    fn format(&self) -> Self::Format;
    /// Takes a valid row, the bytes its formatter made of it, and where it goes.
    fn accept(&mut self, row: &Row, formatted: &[u8], placement: Placement) -> io::Result<()>;
    /// Takes a rejected row and why it was rejected.
    fn reject(&mut self, row: &Row, verdict: &Verdict) -> io::Result<()>;

    /// Takes findings: those of a row (before the row goes to `accept` or `reject`), in input
    /// order, and the warnings about the file and the run, before the first row and after the
    /// last. By default, they are dropped (the report counts them all the same).
    fn findings(&mut self, findings: &[Finding]) -> io::Result<()> {
        let _ = findings;
        Ok(())
    }
}

/// Turns a valid row into the bytes a [`Sink`] writes for it. Runs on worker threads.
pub trait RowFormat: Sync {
    /// Appends the row's bytes to `out`.
    fn format_row(&self, row: &CheckedRow<'_>, out: &mut Vec<u8>);

    /// Whether [`RowFormat::format_row`] reads the row's values to upload
    /// ([`CheckedRow::values`]): when it does not (and no exports are compared), the engine
    /// checks rows without building them ([`crate::ColumnPlan::check_without_values`]).
    fn uses_values(&self) -> bool {
        true
    }
}

/// Formats nothing: for sinks that write no bytes per valid row.
impl RowFormat for () {
    fn format_row(&self, _: &CheckedRow<'_>, _: &mut Vec<u8>) {}

    fn uses_values(&self) -> bool {
        false
    }
}

/// A sink that keeps nothing, for checks only.
///
/// ```
/// use nebulk_validate::{NullSink, Sink, Verdict};
/// let row = nebulk_read::Row::from_fields(2, ["ann"]);
/// NullSink.reject(&row, &Verdict::default()).unwrap();
/// ```
#[derive(Debug, Default, Clone, Copy)]
pub struct NullSink;

impl Sink for NullSink {
    type Format = ();
    fn format(&self) {}
    fn accept(&mut self, _: &Row, _: &[u8], _: Placement) -> io::Result<()> {
        Ok(())
    }
    fn reject(&mut self, _: &Row, _: &Verdict) -> io::Result<()> {
        Ok(())
    }
}
