//! `rules`: the value rules (email, phone, E.164 phone, ISO date, ISO date in a time zone) and
//! account keys over the values of the generated file's columns, in values per second.
// A bench panics on broken setup or a wrong result by design: it must not measure a bad run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use nebulk_benches::{column_values, Data};
use nebulk_validate::rules::{is_email, is_phone, time_zone, DateRule, PhoneRegion, PhoneRule};
use nebulk_validate::AccountKey;

/// Benches a yes/no rule over `values`, asserting it says yes as often as it did up front.
fn bench_predicate(c: &mut Criterion, name: &str, values: &[String], rule: impl Fn(&str) -> bool) {
    let expected = values.iter().filter(|v| rule(v)).count();
    assert!(
        expected > 0 && expected < values.len(),
        "{name}: the data should hold both good and bad values ({expected} of {} good)",
        values.len()
    );
    let mut group = c.benchmark_group("rules");
    group.throughput(Throughput::Elements(values.len() as u64));
    group.bench_function(name, |b| {
        b.iter(|| {
            let good = black_box(values)
                .iter()
                .filter(|v| rule(black_box(v)))
                .count();
            assert_eq!(good, expected, "{name}: values accepted");
        });
    });
    group.finish();
}

fn rules(c: &mut Criterion) {
    let data = Data::generate().expect("generate the bench data");
    let rows = data.rows().expect("read the bench data");
    let column = |name| Data::column(name).expect("a generator column");

    let emails = column_values(&rows, column("email"));
    bench_predicate(c, "is_email", &emails, is_email);

    let phones = column_values(&rows, column("phone"));
    bench_predicate(c, "is_phone", &phones, is_phone);
    // libphonenumber's parse and plan check, on the worker threads under --phone-format e164.
    let e164 = PhoneRule::E164 {
        region: Some(PhoneRegion::new("US").expect("a region")),
    };
    bench_predicate(c, "phone_e164", &phones, |v| e164.check(v).is_ok());

    let mut dates = column_values(&rows, column("startDate"));
    dates.extend(column_values(&rows, column("endDate")));
    let iso = DateRule::iso();
    bench_predicate(c, "date_iso", &dates, |v| iso.parse(v).is_some());
    let chicago = DateRule::iso().in_zone(time_zone("America/Chicago").expect("a zone"));
    bench_predicate(c, "date_in_zone", &dates, |v| chicago.parse(v).is_some());

    // Keys are salted per process: compare with the keys of this process, computed up front.
    let names = column_values(&rows, column("accountName"));
    let keys: Vec<AccountKey> = names.iter().map(|n| AccountKey::of(n)).collect();
    let mut group = c.benchmark_group("rules");
    group.throughput(Throughput::Elements(names.len() as u64));
    group.bench_function("account_key", |b| {
        b.iter(|| {
            let same = black_box(&names)
                .iter()
                .zip(&keys)
                .filter(|(name, key)| AccountKey::of(black_box(name)) == **key)
                .count();
            assert_eq!(same, names.len(), "account keys are stable");
        });
    });
    group.finish();
}

nebulk_benches::bench_main!(rules);
