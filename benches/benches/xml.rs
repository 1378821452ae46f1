//! `xml`: an Xtracta Get User answer read by `xtracta::UserReader` (cut into pieces parsed on
//! the workers), and the floor under it: quick-xml's events alone over the same bytes, on one
//! thread and on every core. Bytes per second of the answer.
// A bench panics on broken setup or a wrong result by design: it must not measure a bad run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use nebulk_read::{xtracta, FileContext, RecordReader};
use quick_xml::events::Event;

/// Users in the answer: about 11 MB, several windows of the reader.
const USERS: u64 = 50_000;

/// An Xtracta answer of `n` users, in the shape `benches/peers/gen_xtracta.py` writes (about
/// 230 bytes a user, names with entities and non-ASCII letters).
fn answer(n: u64) -> Vec<u8> {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<user_response>\n  <status>200</status>\n  \
         <message>The request has been successfully processed</message>\n",
    );
    for i in 0..n {
        xml.push_str(&format!(
            "<user>\n <user_id>{}</user_id>\n <name>Søren O&apos;Brien</name>\n \
             <email_address>soren.obrien.{i}@example.com</email_address>\n \
             <primary_group_id>{}</primary_group_id>\n \
             <assigned_workflows>496553,{}</assigned_workflows>\n</user>\n",
            100_000 + i,
            i % 9 + 1,
            498_000 + i % 1000
        ));
    }
    xml.push_str("</user_response>\n");
    xml.into_bytes()
}

fn xml(c: &mut Criterion) {
    let answer = answer(USERS);
    let mut group = c.benchmark_group("xml");
    group.throughput(Throughput::Bytes(answer.len() as u64));

    group.bench_function("xtracta_users", |b| {
        b.iter(|| {
            let read = xtracta::UserReader
                .read_each(answer.as_slice(), &FileContext::default(), |record| {
                    black_box(record);
                    true
                })
                .expect("read the answer");
            assert_eq!(read, USERS, "users read");
        });
    });

    // The floor: the parser's events, text decoded, nothing kept.
    group.bench_function("quick_xml_events", |b| {
        b.iter(|| assert_eq!(user_starts(&answer), USERS, "users seen"));
    });

    // The floor on every core: the answer cut at `<user>` lines into one piece per core, each
    // piece's events on a thread of its own, nothing handed on.
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let pieces = cut_at_users(&answer, cores);
    group.bench_function("quick_xml_events_all_cores", |b| {
        b.iter(|| {
            let starts: u64 = std::thread::scope(|scope| {
                let threads: Vec<_> = pieces
                    .iter()
                    .map(|piece| scope.spawn(|| user_starts(piece)))
                    .collect();
                threads
                    .into_iter()
                    .map(|t| t.join().expect("a piece"))
                    .sum()
            });
            assert_eq!(starts, USERS, "users seen");
        });
    });
    group.finish();
}

/// The `<user>` start tags among quick-xml's events over `xml`, every text decoded. `xml` may
/// start inside the root and close it without having opened it.
fn user_starts(xml: &[u8]) -> u64 {
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().check_end_names = false;
    reader.config_mut().allow_unmatched_ends = true;
    let mut starts = 0u64;
    loop {
        match reader.read_event().expect("well-formed") {
            Event::Start(tag) => starts += u64::from(tag.name().as_ref() == "user"),
            Event::Text(text) => {
                black_box(text.xml10_content());
            }
            Event::Eof => return starts,
            _ => {}
        }
    }
}

/// `xml` cut into `n` pieces of about equal size, each cut at the start of a `<user>` line.
fn cut_at_users(xml: &[u8], n: usize) -> Vec<&[u8]> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for i in 1..n {
        let from = (xml.len() * i / n).max(start);
        let Some(at) = xml[from..].windows(7).position(|w| w == b"\n<user>") else {
            break;
        };
        let cut = from + at + 1;
        pieces.push(&xml[start..cut]);
        start = cut;
    }
    pieces.push(&xml[start..]);
    pieces
}

nebulk_benches::bench_main!(xml);
