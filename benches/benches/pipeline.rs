//! `pipeline`: `nebulk_validate::Engine::run` on the whole generated file (read, check in parallel,
//! ledger, sink), into a `NullSink` and into the upload and rejects files of a `FileSink`, in
//! input bytes per second.
// A bench panics on broken setup or a wrong result by design: it must not measure a bad run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{Criterion, Throughput};
use nebulk_benches::{Data, MAX_ACCOUNTS};
use nebulk_emit::FileSink;
use nebulk_validate::{Engine, Ledger, NullSink, Report};

/// Asserts a run's counts are the generator's truth.
fn assert_truth(report: &Report, data: &Data) {
    assert_eq!(report.rows_read, data.truth.rows, "rows read");
    assert_eq!(report.rows_valid, data.truth.rows_valid, "rows valid");
    assert_eq!(
        report.rows_rejected, data.truth.rows_rejected,
        "rows rejected"
    );
}

fn pipeline(c: &mut Criterion) {
    let data = Data::generate().expect("generate the bench data");
    let plan = data.plan().expect("plan the generator's header");
    let dir = tempfile::tempdir().expect("a temporary folder");

    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Bytes(data.bytes()));

    group.bench_function("null_sink", |b| {
        b.iter(|| {
            let source = data.source().expect("open the CSV");
            let mut ledger = Ledger::new(MAX_ACCOUNTS);
            let report = Engine::new(&plan)
                .max_findings(100)
                .run(source, &mut ledger, &mut NullSink)
                .expect("run");
            assert_truth(&report, &data);
        });
    });

    group.bench_function("file_sink", |b| {
        b.iter(|| {
            let source = data.source().expect("open the CSV");
            let mut ledger = Ledger::new(MAX_ACCOUNTS);
            let mut sink = FileSink::create(
                dir.path(),
                plan.schema(),
                &nebulk_emit::Outputs {
                    input_header: plan.header(),
                    ..Default::default()
                },
            )
            .expect("create the outputs");
            let report = Engine::new(&plan)
                .max_findings(100)
                .run(source, &mut ledger, &mut sink)
                .expect("run");
            sink.finish().expect("finish the outputs");
            assert_truth(&report, &data);
        });
    });

    group.finish();
}

nebulk_benches::bench_main!(pipeline);
