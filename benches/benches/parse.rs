//! `parse`: reading the whole generated CSV with `CsvSource`, in bytes per second.
// A bench panics on broken setup or a wrong result by design: it must not measure a bad run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use nebulk_benches::Data;
use nebulk_read::RowSource;
use nebulk_validate::Chunking;

fn parse(c: &mut Criterion) {
    let data = Data::generate().expect("generate the bench data");
    let rows = data.truth.rows;
    let chunking = Chunking::default();

    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(data.bytes()));

    // The engine's way: one chunk's rows (and their allocations) reused for the next.
    group.bench_function("fill_chunk", |b| {
        b.iter(|| {
            let mut source = data.source().expect("open the CSV");
            let mut chunk = Vec::new();
            let mut read = 0u64;
            loop {
                source
                    .fill_chunk(&mut chunk, chunking.max_rows, chunking.max_bytes)
                    .expect("read a chunk");
                if chunk.is_empty() {
                    break;
                }
                read += chunk.len() as u64;
                black_box(&chunk);
            }
            assert_eq!(read, rows, "rows read");
        });
    });

    // A fresh vector of rows per chunk.
    group.bench_function("read_chunk", |b| {
        b.iter(|| {
            let mut source = data.source().expect("open the CSV");
            let mut read = 0u64;
            loop {
                let chunk = source
                    .read_chunk(chunking.max_rows, chunking.max_bytes)
                    .expect("read a chunk");
                if chunk.is_empty() {
                    break;
                }
                read += chunk.len() as u64;
                black_box(chunk);
            }
            assert_eq!(read, rows, "rows read");
        });
    });

    // Cut into blocks and parse each (on one thread here; the engine parses them in parallel).
    group.bench_function("blocks", |b| {
        b.iter(|| {
            let mut source = data.source().expect("open the CSV");
            assert!(source.cuts_blocks(), "generated UTF-8 is cut into blocks");
            let mut parsed = Vec::new();
            let mut read = 0u64;
            while let Some(block) = source.next_block(128 << 10).expect("cut a block") {
                block.parse_into(&mut parsed);
                read += parsed.len() as u64;
                black_box(&parsed);
            }
            assert_eq!(read, rows, "rows read");
        });
    });

    // The reference: the `csv` crate's reader over the same bytes, each record reused.
    group.bench_function("csv_reader", |b| {
        b.iter(|| {
            let mut reader = csv::ReaderBuilder::new()
                .flexible(true)
                .from_reader(data.csv.as_slice());
            let mut record = csv::ByteRecord::new();
            let mut read = 0u64;
            while reader.read_byte_record(&mut record).expect("read a record") {
                read += 1;
                black_box(&record);
            }
            assert_eq!(read, rows, "rows read");
        });
    });

    group.finish();
}

nebulk_benches::bench_main!(parse);
