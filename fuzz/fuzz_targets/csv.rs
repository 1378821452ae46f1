//! The CSV reader and the validation engine end to end, against the system schema, with small
//! chunks so that a few rows already cross chunk and batch boundaries.
//!
//! Conservation: every row the reader yields reaches the sink exactly once, accepted or
//! rejected, in input order, and the report counts agree, whether or not the read ends on an
//! error. Rows are numbered by their first physical line, so their lines strictly increase.
#![no_main]

use std::io;
use std::sync::{Arc, Mutex};

use libfuzzer_sys::fuzz_target;
use nebulk_read::{CsvOptions, CsvSource, ReadError, Row, RowSource};
use nebulk_schema::Schema;
use nebulk_validate::{Chunking, ColumnPlan, Engine, Ledger, Placement, RuleConfig, Sink, Verdict};

/// A row source that notes the line of every row it hands out.
struct Noting<S> {
    inner: S,
    lines: Arc<Mutex<Vec<u64>>>,
}

impl<S: RowSource> RowSource for Noting<S> {
    fn header(&self) -> &[String] {
        self.inner.header()
    }

    fn next_row(&mut self, row: &mut Row) -> Result<bool, ReadError> {
        let read = self.inner.next_row(row)?;
        if read {
            if let Ok(mut lines) = self.lines.lock() {
                lines.push(row.line);
            }
        }
        Ok(read)
    }

    fn blank_row(&self) -> Row {
        self.inner.blank_row()
    }

    fn bytes_read(&self) -> u64 {
        self.inner.bytes_read()
    }

    fn header_line(&self) -> u64 {
        self.inner.header_line()
    }
}

/// Notes the line of every row it takes, and how many were accepted.
#[derive(Default)]
struct Counting {
    lines: Vec<u64>,
    accepted: u64,
    rejected: u64,
}

impl Sink for Counting {
    type Format = ();
    fn format(&self) {}
    fn accept(&mut self, row: &Row, _: &[u8], _: Placement) -> io::Result<()> {
        self.lines.push(row.line);
        self.accepted += 1;
        Ok(())
    }
    fn reject(&mut self, row: &Row, _: &Verdict) -> io::Result<()> {
        self.lines.push(row.line);
        self.rejected += 1;
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(source) = CsvSource::new(data, CsvOptions::default()) else {
        return;
    };
    let Ok(plan) = ColumnPlan::new(Schema::system(), source.header(), RuleConfig::default()) else {
        return;
    };
    let read = Arc::new(Mutex::new(Vec::new()));
    let source = Noting {
        inner: source,
        lines: Arc::clone(&read),
    };
    let chunking = Chunking {
        max_rows: 7,
        max_bytes: 512,
        read_ahead: 1,
    };
    let mut sink = Counting::default();
    let mut ledger = Ledger::new(5);
    let result =
        Engine::new(&plan)
            .chunking(chunking)
            .max_findings(10)
            .run(source, &mut ledger, &mut sink);
    let read = read.lock().map(|l| l.clone()).unwrap_or_default();
    // Rows are numbered by the physical line they start on: strictly increasing.
    assert!(read.windows(2).all(|w| w[0] < w[1]), "lines {read:?}");
    assert_eq!(sink.lines, read, "rows read vs rows handed to the sink");
    assert_eq!(sink.accepted + sink.rejected, read.len() as u64);
    if let Ok(report) = result {
        assert_eq!(report.rows_read, read.len() as u64);
        assert_eq!(report.rows_valid, sink.accepted);
        assert_eq!(report.rows_rejected, sink.rejected);
    }
});
