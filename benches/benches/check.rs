//! `check`: the stateless checks of a row (`ColumnPlan::check`) on every row of the generated
//! file, read once up front, in input bytes per second.
// A bench panics on broken setup or a wrong result by design: it must not measure a bad run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use nebulk_benches::{Data, MAX_ACCOUNTS};
use nebulk_validate::{Known, Ledger};

fn check(c: &mut Criterion) {
    let data = Data::generate().expect("generate the bench data");
    let plan = data.plan().expect("plan the generator's header");
    let rows = data.rows().expect("read the bench data");
    assert_eq!(rows.len() as u64, data.truth.rows, "rows read");

    // Up front: how many rows pass the stateless checks, and, once the ledger has taken out
    // the duplicate account names, that this is the generator's truth.
    let verdicts: Vec<_> = rows.iter().map(|r| plan.check(r).verdict).collect();
    let passing = verdicts.iter().filter(|v| v.is_valid()).count();
    let mut ledger = Ledger::new(MAX_ACCOUNTS);
    let account_column = Data::column("accountName").ok();
    let mut valid = 0u64;
    for (row, mut verdict) in rows.iter().zip(verdicts) {
        ledger.admit(&mut verdict, row, account_column, Known::default());
        valid += u64::from(verdict.is_valid());
    }
    assert_eq!(valid, data.truth.rows_valid, "valid rows after the ledger");
    let duplicates = data
        .truth
        .by_code
        .get("duplicate-account")
        .copied()
        .unwrap_or(0);
    assert_eq!(
        passing as u64,
        data.truth.rows_valid + duplicates,
        "rows passing the stateless checks"
    );

    let mut group = c.benchmark_group("check");
    group.throughput(Throughput::Bytes(data.bytes()));
    group.bench_function("column_plan", |b| {
        b.iter(|| {
            let mut checked = 0usize;
            let mut ok = 0usize;
            for row in black_box(&rows) {
                let result = plan.check(row);
                checked += 1;
                ok += usize::from(result.is_valid());
                black_box(result);
            }
            assert_eq!(checked, rows.len(), "rows checked");
            assert_eq!(ok, passing, "rows passing");
        });
    });
    group.finish();
}

nebulk_benches::bench_main!(check);
