//! Mapped records as a row source for the validation engine.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use nebulk_read::{ReadError, RecordStream, Row, RowSource, SourcedRecord, Value};
use nebulk_schema::normalize_name;

use crate::status::{NoStatusMatch, StatusTally};
use crate::MappingPlan;

/// How many records a [`MappedSource`] has read and filtered out, and the statuses of those
/// filtered out; shared, so that it can be read after the engine has consumed the source.
#[derive(Debug, Default)]
pub struct SourceCounts {
    records: AtomicU64,
    filtered: AtomicU64,
    /// The statuses asked for, as given.
    wanted: Vec<String>,
    /// The statuses of the records filtered out.
    filtered_statuses: Mutex<StatusTally>,
}

impl SourceCounts {
    /// Records read from the source, filtered ones included.
    pub fn records(&self) -> u64 {
        self.records.load(Ordering::Relaxed)
    }

    /// Records left out by the status filter.
    pub fn filtered(&self) -> u64 {
        self.filtered.load(Ordering::Relaxed)
    }

    /// The statuses of the records left out by the status filter.
    pub fn filtered_statuses(&self) -> StatusTally {
        self.filtered_statuses
            .lock()
            .map(|tally| tally.clone())
            .unwrap_or_default()
    }

    /// Once the source is read: an error when the status filter left out every record of an
    /// input that has records (an input without records is not this error).
    ///
    /// ```
    /// use nebulk_map::{FieldSet, MappedSource, Mapping, MappingPlan, Rule};
    /// use nebulk_read::{CsvOptions, CsvSource, RowRecords, RowSource};
    /// use nebulk_schema::Schema;
    ///
    /// let csv = "login,status\nann,Active\nbob,Disabled\ncy,Active\n";
    /// let records = RowRecords::new(CsvSource::new(csv.as_bytes(), CsvOptions::default()).unwrap());
    /// let mut mapping = Mapping::default();
    /// mapping.insert("accountName", Rule::field("login"));
    /// let plan = MappingPlan::new(&Schema::system(), &mapping, &FieldSet::known(&["login", "status"])).unwrap();
    /// let mut source = MappedSource::new(records, plan, Some(vec!["Actve".into()]));
    /// let counts = source.counts();
    /// while !source.read_chunk(10, 1 << 20).unwrap().is_empty() {}
    /// let error = counts.check_kept().unwrap_err();
    /// assert_eq!(
    ///     error.to_string(),
    ///     "no record has status 'Actve'; statuses seen: Active (2), Disabled (1)"
    /// );
    /// ```
    pub fn check_kept(&self) -> Result<(), NoStatusMatch> {
        let records = self.records();
        if self.wanted.is_empty() || records == 0 || self.filtered() < records {
            return Ok(());
        }
        Err(NoStatusMatch::new(
            self.wanted.clone(),
            self.filtered_statuses(),
        ))
    }
}

/// Records mapped onto a schema, as rows: the header is the schema's, each row the mapped
/// values of one record, with the problems of failed transforms. Records whose `status` is not
/// one of the wanted statuses are left out and counted.
///
/// ```
/// use nebulk_map::{FieldSet, MappedSource, Mapping, MappingPlan, Rule};
/// use nebulk_read::{CsvOptions, CsvSource, RowRecords, RowSource};
/// use nebulk_schema::Schema;
///
/// let csv = "login,status\nann,Active\nbob,Disabled\n";
/// let records = RowRecords::new(CsvSource::new(csv.as_bytes(), CsvOptions::default()).unwrap());
/// let mut mapping = Mapping::default();
/// mapping.insert("accountName", Rule::field("login"));
/// let plan = MappingPlan::new(&Schema::system(), &mapping, &FieldSet::known(&["login", "status"])).unwrap();
/// let mut source = MappedSource::new(records, plan, Some(vec!["active".into()]));
/// let counts = source.counts();
/// let rows = source.read_chunk(10, 1 << 20).unwrap();
/// assert_eq!(rows.len(), 1);
/// assert_eq!(&rows[0].record[0], b"ann");
/// assert_eq!((counts.records(), counts.filtered()), (2, 1));
/// ```
pub struct MappedSource<S> {
    stream: S,
    plan: MappingPlan,
    wanted_statuses: Option<Vec<String>>,
    /// The batch being mapped, and the index of its next record.
    batch: Vec<SourcedRecord>,
    next: usize,
    counts: Arc<SourceCounts>,
    /// Holds each value while it is mapped; reused.
    scratch: String,
}

impl<S: RecordStream> MappedSource<S> {
    /// Maps `stream` with `plan`, keeping only records whose `status` field is one of
    /// `wanted_statuses` (compared ignoring case, spaces, `_` and `-`) when given. The stream
    /// is told which fields the plan and the filter read ([`MappingPlan::projection`]).
    pub fn new(
        mut stream: S,
        plan: MappingPlan,
        wanted_statuses: Option<Vec<String>>,
    ) -> MappedSource<S> {
        let status: &[&str] = if wanted_statuses.is_some() {
            &["status"]
        } else {
            &[]
        };
        stream.project(plan.projection(status));
        let counts = SourceCounts {
            wanted: wanted_statuses.clone().unwrap_or_default(),
            ..SourceCounts::default()
        };
        MappedSource {
            stream,
            plan,
            wanted_statuses: wanted_statuses.map(|s| s.iter().map(|w| normalize_name(w)).collect()),
            batch: Vec::new(),
            next: 0,
            counts: Arc::new(counts),
            scratch: String::new(),
        }
    }

    /// The shared counts of records read and filtered.
    pub fn counts(&self) -> Arc<SourceCounts> {
        Arc::clone(&self.counts)
    }

    /// Whether the status filter keeps `sourced`; the status of a record it leaves out is
    /// counted.
    fn wanted(&self, sourced: &SourcedRecord) -> bool {
        let Some(wanted) = &self.wanted_statuses else {
            return true;
        };
        let status = match sourced.record.get("status") {
            Some(Value::Text(status)) => status.as_str(),
            _ => "",
        };
        if wanted.contains(&normalize_name(status)) {
            return true;
        }
        if let Ok(mut tally) = self.counts.filtered_statuses.lock() {
            tally.add(status);
        }
        false
    }
}

impl<S: RecordStream> RowSource for MappedSource<S> {
    fn header(&self) -> &[String] {
        self.plan.header()
    }

    /// Maps the next record that passes the status filter into `row`, reusing its fields and
    /// problems: the engine hands chunks back, so mapping costs no allocation per row.
    fn next_row(&mut self, row: &mut Row) -> Result<bool, ReadError> {
        loop {
            let Some(sourced) = self.batch.get(self.next) else {
                // The batch is used up: back to the stream, which frees it where it was made.
                let used = std::mem::take(&mut self.batch);
                self.stream.recycle(used);
                self.next = 0;
                self.batch = self.stream.next_batch()?;
                if self.batch.is_empty() {
                    return Ok(false);
                }
                continue;
            };
            self.next += 1;
            self.counts.records.fetch_add(1, Ordering::Relaxed);
            if !self.wanted(sourced) {
                self.counts.filtered.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            row.line = sourced.record.line;
            row.byte = 0;
            row.file.clone_from(&sourced.file);
            row.problems.clear();
            self.plan.apply_into(
                &sourced.record,
                &mut row.record,
                &mut row.problems,
                &mut self.scratch,
            );
            row.problems.extend_from_slice(&sourced.problems);
            return Ok(true);
        }
    }

    fn bytes_read(&self) -> u64 {
        self.stream.bytes_read()
    }
}
