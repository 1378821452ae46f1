//! `emit`: formatting the valid rows of the generated file as `upload.csv` lines, with
//! `nebulk_emit::write_record` of their values and as the engine's workers do
//! (`UploadFormat::format_row`, which copies values from the row as read), in output bytes per
//! second.
// A bench panics on broken setup or a wrong result by design: it must not measure a bad run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use nebulk_benches::{Data, MAX_ACCOUNTS};
use nebulk_emit::{write_record, UploadFormat};
use nebulk_validate::{CheckedRow, Known, Ledger, RowFormat};

fn emit(c: &mut Criterion) {
    let data = Data::generate().expect("generate the bench data");
    let plan = data.plan().expect("plan the generator's header");
    let rows = data.rows().expect("read the bench data");

    // The values of the rows a run uploads: those passing every check, the ledger's included.
    let mut ledger = Ledger::new(MAX_ACCOUNTS);
    let account_column = Data::column("accountName").ok();
    let mut valid: Vec<CheckedRow<'_>> = Vec::new();
    for row in &rows {
        let mut checked = plan.check(row);
        ledger.admit(&mut checked.verdict, row, account_column, Known::default());
        if checked.is_valid() {
            valid.push(checked);
        }
    }
    assert_eq!(valid.len() as u64, data.truth.rows_valid, "valid rows");

    let write_all = |out: &mut Vec<u8>| -> usize {
        let mut lines = 0;
        for checked in &valid {
            write_record(out, checked.values.iter().map(|v| v.as_str().as_bytes()));
            lines += 1;
        }
        lines
    };
    // Counted in records: a quoted value (a multi-line note) may hold line ends.
    let mut out = Vec::new();
    let expected_lines = write_all(&mut out);
    assert_eq!(expected_lines, valid.len(), "one record per valid row");
    let expected_bytes = out.len();

    let mut group = c.benchmark_group("emit");
    group.throughput(Throughput::Bytes(expected_bytes as u64));
    group.bench_function("write_record", |b| {
        b.iter(|| {
            out.clear();
            let lines = write_all(black_box(&mut out));
            assert_eq!(lines, expected_lines, "lines written");
            assert_eq!(out.len(), expected_bytes, "bytes written");
        });
    });
    // The engine's way writes what `write_record` writes of the uploaded texts (a value that
    // looks like a formula behind its `'`).
    let (mut formatted, mut reference) = (Vec::new(), Vec::new());
    for checked in &valid {
        UploadFormat.format_row(checked, &mut formatted);
        let texts: Vec<_> = checked.values.iter().map(|v| v.text()).collect();
        write_record(&mut reference, texts.iter().map(|t| t.as_bytes()));
    }
    assert!(
        formatted == reference,
        "format_row writes what write_record writes"
    );
    let formatted_bytes = formatted.len();
    group.throughput(Throughput::Bytes(formatted_bytes as u64));
    group.bench_function("upload_format", |b| {
        b.iter(|| {
            formatted.clear();
            for checked in black_box(&valid) {
                UploadFormat.format_row(checked, &mut formatted);
            }
            assert_eq!(formatted.len(), formatted_bytes, "bytes written");
        });
    });
    group.finish();
}

nebulk_benches::bench_main!(emit);
