//! # Brief overview
//!
//! Shared setup of nebulk's criterion benchmarks (`benches/benches/*.rs`): one generated
//! accounts file held in memory ([`Data`]), with the ground truth of the generator, the schema
//! of its template header, and helpers to read its rows and pick its column values.
//!
//! Every bench binary generates the data once, before it measures anything, and checks its
//! results against the truth so that a bench never measures a run that went wrong.
//!
//! ```
//! let data = nebulk_benches::Data::generate_rows(200)?;
//! let rows = data.rows()?;
//! assert_eq!(rows.len() as u64, data.truth.rows);
//! # Ok::<(), nebulk_benches::Error>(())
//! ```
#![deny(missing_docs)]

use std::time::Duration;

use criterion::Criterion;
use nebulk_gen::{GenConfig, Truth, HEADER};
use nebulk_read::{CsvOptions, CsvSource, Row, RowSource};
use nebulk_schema::Schema;
use nebulk_validate::{Chunking, ColumnPlan, RuleConfig};

/// A setup failure: the data could not be generated or read, or the schema not built.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Data rows of the benchmark file.
pub const ROWS: u64 = 50_000;

/// The generator settings of a benchmark file of `rows` rows: seed 7, 1% faulty rows, and
/// [`MAX_ACCOUNTS`] as the account limit.
pub fn config(rows: u64) -> GenConfig {
    GenConfig {
        rows,
        seed: 7,
        error_rate: 0.01,
        max_accounts: MAX_ACCOUNTS,
        identities: false,
        exports: nebulk_gen::ExportConfig::default(),
    }
}

/// The account limit of the generator and of the benches' ledgers: one no run reaches, so
/// that no row is rejected with `account-limit` and the generator's truth holds.
pub const MAX_ACCOUNTS: u64 = 10_000_000;

/// One generated accounts file, in memory, with what is known about it.
#[derive(Debug, Clone)]
pub struct Data {
    /// The CSV bytes, header included.
    pub csv: Vec<u8>,
    /// What a correct validator reports for it.
    pub truth: Truth,
    /// The schema of the generator's template header ([`HEADER`]).
    pub schema: Schema,
}

impl Data {
    /// The benchmark file: [`ROWS`] rows generated with [`config`].
    pub fn generate() -> Result<Data, Error> {
        Data::generate_rows(ROWS)
    }

    /// A file of `rows` rows generated with [`config`] (for tests and quick looks).
    pub fn generate_rows(rows: u64) -> Result<Data, Error> {
        let mut csv = Vec::new();
        let truth = nebulk_gen::generate(&config(rows), &mut csv)?;
        let schema = Schema::from_template_csv(HEADER.join(",").as_bytes())?;
        Ok(Data { csv, truth, schema })
    }

    /// Size of the file in bytes.
    pub fn bytes(&self) -> u64 {
        self.csv.len() as u64
    }

    /// A fresh reader over the file.
    pub fn source(&self) -> Result<CsvSource<&[u8]>, Error> {
        Ok(CsvSource::new(&self.csv[..], CsvOptions::default())?)
    }

    /// The column plan of the file's header against [`Data::schema`], with default rules.
    pub fn plan(&self) -> Result<ColumnPlan, Error> {
        let source = self.source()?;
        Ok(ColumnPlan::new(
            self.schema.clone(),
            source.header(),
            RuleConfig::default(),
        )?)
    }

    /// Every data row of the file, read in chunks the size the engine uses.
    pub fn rows(&self) -> Result<Vec<Row>, Error> {
        let mut source = self.source()?;
        let mut all = Vec::new();
        let mut chunk = Vec::new();
        while read_chunk(&mut source, &mut chunk)? > 0 {
            all.append(&mut chunk);
        }
        Ok(all)
    }

    /// The 0-based column of the file headed `name` in [`HEADER`].
    pub fn column(name: &str) -> Result<usize, Error> {
        HEADER
            .iter()
            .position(|h| *h == name)
            .ok_or_else(|| format!("the generator's header has no column `{name}`").into())
    }
}

/// Refills `rows` with the next chunk of `source`, cut the way the engine cuts by default;
/// returns how many rows it holds (0 at the end).
pub fn read_chunk<S: RowSource>(source: &mut S, rows: &mut Vec<Row>) -> Result<usize, Error> {
    let chunking = Chunking::default();
    source.fill_chunk(rows, chunking.max_rows, chunking.max_bytes)?;
    Ok(rows.len())
}

/// The values of `column` in `rows`, trimmed as the checks trim them; fields that are not UTF-8
/// and rows too short to have the column are left out.
pub fn column_values(rows: &[Row], column: usize) -> Vec<String> {
    rows.iter()
        .filter_map(|row| row.record.get(column))
        .filter_map(|field| std::str::from_utf8(field).ok())
        .map(|value| value.trim().to_string())
        .collect()
}

/// The criterion settings of every bench: 10 samples, 1 s of warm-up and 5 s of measurement
/// per benchmark, so that a full `cargo bench -p nebulk-benches` takes a few minutes.
/// (`criterion_group!` then applies the command line, e.g. `--quick`, on top.)
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
}

/// Registers a bench binary's functions with the shared [`criterion()`] configuration and
/// writes its `main`: `nebulk_benches::bench_main!(parse);`.
#[macro_export]
macro_rules! bench_main {
    ($($target:ident),+ $(,)?) => {
        /// The bench group, in a module of its own: `criterion_group!` makes an undocumented `pub fn`.
        #[allow(missing_docs)]
        mod group {
            criterion::criterion_group! {
                name = benches;
                config = $crate::criterion();
                targets = $(super::$target),+
            }
        }
        criterion::criterion_main!(group::benches);
    };
}
