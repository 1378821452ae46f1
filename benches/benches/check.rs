//! `check`: the stateless checks of a row (`ColumnPlan::check`) on every row of the generated
//! file, read once up front, and the ledger's (duplicates and placement, `Ledger::claim_all` and `admit_claimed`) on
//! their verdicts, in input bytes per second.
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
    let account_column = Data::column("accountName").ok();
    // The ordered stage's checks and placement, as the engine's writer runs them: a batch's
    // names claimed in a loop of their own, then each row admitted in input order.
    let admit_all = |verdicts: &[nebulk_validate::Verdict]| {
        let mut ledger = Ledger::new(MAX_ACCOUNTS);
        let mut valid = 0u64;
        let mut claims = Vec::new();
        for (rows, verdicts) in rows.chunks(256).zip(verdicts.chunks(256)) {
            ledger.claim_all(rows, verdicts, &mut claims);
            for (verdict, &claim) in verdicts.iter().zip(&claims) {
                let mut verdict = verdict.clone();
                ledger.admit_claimed(&mut verdict, claim, account_column, Known::default());
                valid += u64::from(verdict.is_valid());
            }
        }
        valid
    };
    assert_eq!(
        admit_all(&verdicts),
        data.truth.rows_valid,
        "valid rows after the ledger"
    );
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
    group.bench_function("ledger", |b| {
        b.iter(|| {
            let valid = admit_all(black_box(&verdicts));
            assert_eq!(valid, data.truth.rows_valid, "valid rows after the ledger");
        });
    });
    group.finish();
}

nebulk_benches::bench_main!(check);
