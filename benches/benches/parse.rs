//! `parse`: reading the whole generated CSV with `CsvSource`, and a NERM users page
//! (`parse/nerm_users`), in bytes per second.
// A bench panics on broken setup or a wrong result by design: it must not measure a bad run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use nebulk_benches::Data;
use nebulk_read::{nerm, FileContext, RecordReader, RowSource};
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
    nerm_users(c);
}

/// A NERM `GET /users` page of `n` users, pretty-printed as NERM answers (as
/// benches/peers/gen_nerm.py writes them, about 350 bytes a user).
fn nerm_page(n: u64) -> Vec<u8> {
    let mut page = String::from("{\n  \"users\": [\n");
    for i in 0..n {
        let uid = format!(
            "{:032x}",
            u128::from(i).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c)
        );
        let login = format!("ann.lee.{i}");
        page.push_str(&format!(
            "    {{\n      \"id\": \"{}-{}-{}-{}-{}\",\n      \"uid\": \"{uid}\",\n      \
             \"name\": \"Ann Lee\",\n      \"email\": \"{login}@example.com\",\n      \
             \"type\": \"NeprofileUser\",\n      \"title\": \"Contractor\",\n      \
             \"status\": \"Active\",\n      \"login\": \"{login}\",\n      \
             \"last_login\": \"2026-11-02T10:11:12.000Z\",\n      \
             \"cookies_accepted_at\": \"2026-01-05T08:00:00.000Z\",\n      \
             \"preferred_language\": \"en-US\"\n    }}{}\n",
            &uid[..8],
            &uid[8..12],
            &uid[12..16],
            &uid[16..20],
            &uid[20..],
            if i + 1 < n { "," } else { "" }
        ));
    }
    page.push_str(&format!(
        "  ],\n  \"_metadata\": {{\"limit\": {n}, \"offset\": 0, \"total\": {n}}}\n}}\n"
    ));
    page.into_bytes()
}

/// `parse/nerm_users`: every record of a 20,000-user page.
fn nerm_users(c: &mut Criterion) {
    const USERS: u64 = 20_000;
    let page = nerm_page(USERS);
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(page.len() as u64));
    group.bench_function("nerm_users", |b| {
        b.iter(|| {
            let read = nerm::UserReader
                .read_each(page.as_slice(), &FileContext::default(), |record| {
                    black_box(record);
                    true
                })
                .expect("read the page");
            assert_eq!(read, USERS, "users read");
        });
    });
    // The floor under it: serde_json over the same page, every value checked and skipped.
    group.bench_function("nerm_serde_json", |b| {
        b.iter(|| {
            let page: UsersPage = serde_json::from_slice(&page).expect("a page");
            assert_eq!(page.users.len() as u64, USERS, "users seen");
        });
    });
    group.finish();
}

/// A NERM page, its users skipped (parsed and checked, nothing kept).
#[derive(serde::Deserialize)]
struct UsersPage {
    users: Vec<serde::de::IgnoredAny>,
}

nebulk_benches::bench_main!(parse);
