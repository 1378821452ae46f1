#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, HashMap, HashSet};

use proptest::prelude::*;

use super::*;

fn run(cfg: &GenConfig) -> (Vec<u8>, Truth) {
    let mut out = Vec::new();
    let truth = generate(cfg, &mut out).unwrap();
    (out, truth)
}

fn cfg(rows: u64, seed: u64, error_rate: f64, max_accounts: u64) -> GenConfig {
    GenConfig {
        rows,
        seed,
        error_rate,
        max_accounts,
        identities: false,
        exports: ExportConfig::default(),
    }
}

fn check_invariants(t: &Truth, c: &GenConfig) {
    assert_eq!(t.rows, c.rows);
    assert_eq!(t.seed, c.seed);
    assert_eq!(t.max_accounts, c.max_accounts);
    assert_eq!(t.rows_valid + t.rows_rejected, t.rows);
    assert_eq!(t.by_code.values().sum::<u64>(), t.rows_rejected);
    assert!(t.by_code.values().all(|&n| n > 0), "{t:?}");
    assert!(t.rows_valid - t.overflow <= t.max_accounts);
    assert!(t.overflow == 0 || t.rows_valid - t.overflow == t.max_accounts);
}

// ---- an independent re-implementation of the rules, over the parsed file ----

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.')
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    let domain_ok = domain.contains('.')
        && domain
            .split('.')
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    local_ok && domain_ok
}

fn is_phone(s: &str) -> bool {
    let rest = s.strip_prefix('+').unwrap_or(s);
    let digits = rest.bytes().filter(u8::is_ascii_digit).count();
    rest.bytes()
        .all(|b| b.is_ascii_digit() || b" -.()/".contains(&b))
        && (7..=15).contains(&digits)
}

use crate::exports::days_from_civil;

fn num(s: &str, len: usize) -> Option<i64> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Instant in UTC seconds since 1970, or `None` if not a valid date.
fn parse_date(s: &str) -> Option<i64> {
    let (date, time) = s.split_once('T').unwrap_or((s, ""));
    let mut p = date.split('-');
    let (y, m, d) = (num(p.next()?, 4)?, num(p.next()?, 2)?, num(p.next()?, 2)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let dim = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if p.next().is_some() || !(1..=12).contains(&m) || d < 1 || d > dim[m as usize - 1] {
        return None;
    }
    let day = days_from_civil(y, m, d) * 1440;
    if time.is_empty() {
        return Some(day * 60);
    }
    let (clock, offset) = if let Some(c) = time.strip_suffix('Z') {
        (c, 0)
    } else {
        let at = time.find(['+', '-'])?;
        let (oh, om) = time[at + 1..].split_once(':')?;
        let sign = if time.as_bytes()[at] == b'-' { -1 } else { 1 };
        (&time[..at], sign * (num(oh, 2)? * 60 + num(om, 2)?))
    };
    let parts: Vec<_> = clock.split(':').collect();
    let (hh, mm) = (num(parts[0], 2)?, num(parts.get(1)?, 2)?);
    let ss = parts.get(2).map_or(Some(0), |s| num(s, 2))?;
    if parts.len() > 3 || hh > 23 || mm > 59 || ss > 59 {
        return None;
    }
    Some((day + hh * 60 + mm - offset) * 60 + ss)
}

/// Every code the rules find in one record (clean: empty).
fn classify(
    rec: &csv::ByteRecord,
    seen: &mut HashSet<String>,
    managers: Option<&HashSet<String>>,
) -> Vec<&'static str> {
    if rec.len() != 18 {
        return vec!["malformed-row"];
    }
    let Ok(f) = rec
        .iter()
        .map(std::str::from_utf8)
        .collect::<Result<Vec<_>, _>>()
    else {
        return vec!["invalid-encoding"];
    };
    let mut codes = Vec::new();
    if f[..8].iter().any(|v| v.trim().is_empty()) {
        codes.push("missing-value");
    }
    if !f[3].trim().is_empty() && !is_email(f[3]) {
        codes.push("invalid-email");
    }
    if !f[4].trim().is_empty() && !is_phone(f[4]) {
        codes.push("invalid-phone");
    }
    let (start, end) = (parse_date(f[6]), parse_date(f[7]));
    if [6, 7]
        .iter()
        .any(|&i| !f[i].trim().is_empty() && parse_date(f[i]).is_none())
    {
        codes.push("invalid-date");
    }
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            codes.push("end-before-start");
        }
    }
    if f.iter().any(|v| v.chars().count() > 255) {
        codes.push("value-too-long");
    }
    for (i, v) in f.iter().enumerate() {
        let first = v.bytes().next();
        assert!(
            !matches!(first, Some(b'=' | b'-' | b'@')) && (i == 4 || first != Some(b'+')),
            "formula-like value {v:?}"
        );
    }
    let name = f[0].trim().to_lowercase();
    if !name.is_empty() && !seen.insert(name) {
        codes.push("duplicate-account");
    }
    let manager = f[5].trim().to_lowercase();
    if managers.is_some_and(|known| !manager.is_empty() && !known.contains(&manager)) {
        codes.push("unknown-manager");
    }
    codes
}

/// Recompute the truth from the CSV bytes alone, checking along the way
/// that every row has at most one fault.
fn truth_from_file(csv_bytes: &[u8], c: &GenConfig) -> Truth {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(csv_bytes);
    let header = rdr.byte_headers().unwrap().clone();
    assert_eq!(header.iter().collect::<Vec<_>>(), HEADER.map(str::as_bytes));
    let (mut rows, mut valid, mut overflow) = (0, 0, 0);
    let mut by_code = BTreeMap::new();
    let mut seen = HashSet::new();
    // The identities as their file lists them, read back from it.
    let managers: Option<HashSet<String>> = c.identities.then(|| {
        let mut csv = Vec::new();
        crate::write_identities(&mut csv).unwrap();
        let mut ids = csv::Reader::from_reader(&csv[..]);
        ids.records()
            .map(|r| r.unwrap()[0].to_lowercase())
            .collect()
    });
    for rec in rdr.byte_records() {
        let rec = rec.unwrap();
        rows += 1;
        let codes = classify(&rec, &mut seen, managers.as_ref());
        assert!(codes.len() <= 1, "row {rows}: {codes:?} in {rec:?}");
        match codes.first() {
            Some(&code) => *by_code.entry(code.to_string()).or_insert(0) += 1,
            None if valid < c.max_accounts => valid += 1,
            None => overflow += 1,
        }
    }
    Truth {
        rows,
        seed: c.seed,
        error_rate: c.error_rate,
        max_accounts: c.max_accounts,
        identities: c.identities,
        rows_valid: valid + overflow,
        overflow,
        rows_rejected: rows - valid - overflow,
        by_code,
        exports: None,
        sources: Vec::new(),
        absent: None,
        changes: None,
    }
}

#[test]
fn deterministic_and_seed_dependent() {
    let c = cfg(2000, 9, 0.1, 20_000);
    let (a, ta) = run(&c);
    let (b, tb) = run(&c);
    assert_eq!(a, b);
    assert_eq!(ta, tb);
    let (other, _) = run(&GenConfig { seed: 10, ..c });
    assert_ne!(a, other);
}

#[test]
fn invariants_hold_across_seeds_and_rates() {
    for seed in [0, 1, 42, u64::MAX] {
        for rate in [0.0, 0.01, 0.3, 1.0] {
            let c = cfg(1500, seed, rate, 1000);
            let (_, t) = run(&c);
            check_invariants(&t, &c);
            if rate == 0.0 {
                assert_eq!((t.rows_valid, t.overflow), (1500, 500));
                assert!(t.by_code.is_empty());
            }
            if rate == 1.0 {
                // Only the first row can be clean (a duplicate with no earlier account).
                assert!(t.rows_valid <= 1, "{t:?}");
                assert_eq!(t.by_code.len(), 9, "{t:?}");
            }
        }
    }
}

#[test]
fn parsed_file_matches_truth() {
    let c = cfg(20_000, 3, 0.2, 20_000);
    let (bytes, truth) = run(&c);
    check_invariants(&truth, &c);
    let code = |k: &str| truth.by_code.get(k).copied().unwrap_or(0);

    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.as_slice());
    let (mut records, mut malformed, mut non_utf8, mut dups) = (0, 0, 0, 0);
    let (mut seen, mut exact) = (HashSet::new(), HashSet::new());
    for rec in rdr.byte_records() {
        let rec = rec.unwrap();
        records += 1;
        malformed += u64::from(rec.len() != 18);
        non_utf8 += u64::from(rec.iter().any(|f| std::str::from_utf8(f).is_err()));
        if let (18, Ok(name)) = (rec.len(), std::str::from_utf8(&rec[0])) {
            let folded = name.trim().to_lowercase();
            if !folded.is_empty() && !seen.insert(folded) {
                dups += 1;
                // A duplicate differs from the original in letter case.
                assert!(!exact.contains(name), "{name}");
            } else {
                exact.insert(name.to_string());
            }
        }
    }
    assert_eq!(records, c.rows);
    assert_eq!(malformed, code("malformed-row"));
    assert_eq!(non_utf8, code("invalid-encoding"));
    assert_eq!(dups, code("duplicate-account"));
    assert!(malformed > 0 && non_utf8 > 0 && dups > 0);

    assert_eq!(truth_from_file(&bytes, &c), truth);
}

/// Issue 11: with identities, unknown managers are injected (display names and ids with a
/// typo), counted, and told apart from the file alone; without, none is.
#[test]
fn unknown_managers_recomputed_from_file() {
    let c = GenConfig {
        identities: true,
        ..cfg(3000, 11, 0.5, 20_000)
    };
    let (bytes, truth) = run(&c);
    assert!(truth.by_code["unknown-manager"] > 50, "{truth:?}");
    assert_eq!(truth_from_file(&bytes, &c), truth);
    let managers: Vec<String> = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(&bytes[..])
        .byte_records()
        .filter_map(|r| {
            r.ok()?
                .get(5)
                .map(|m| String::from_utf8_lossy(m).into_owned())
        })
        .collect();
    assert!(managers.iter().any(|m| m.contains(' ')), "a display name");
    assert!(
        managers
            .iter()
            .any(|m| m.ends_with(|c: char| c.is_ascii_digit())),
        "a typo"
    );
    let plain = cfg(3000, 11, 0.5, 20_000);
    let (bytes, truth) = run(&plain);
    assert!(!truth.by_code.contains_key("unknown-manager"));
    assert_eq!(truth_from_file(&bytes, &plain), truth);
}

#[test]
fn account_limit_recomputed_from_file() {
    let c = cfg(200, 5, 0.1, 50);
    let (bytes, truth) = run(&c);
    assert!(truth.overflow > 100, "{truth:?}");
    assert_eq!(truth.rows_valid - truth.overflow, 50);
    assert_eq!(truth_from_file(&bytes, &c), truth);
}

#[test]
fn no_account_limit_when_rows_fit() {
    let c = cfg(500, 8, 0.05, 500);
    let (_, t) = run(&c);
    assert_eq!(t.overflow, 0);
}

#[test]
fn clean_rows_look_real() {
    let (bytes, _) = run(&cfg(3000, 11, 0.0, 3000));
    let text = String::from_utf8(bytes).unwrap();
    for needle in [
        "José",
        "Zoë",
        "O'Brien",
        "李",
        "\"",
        "+44 20 7946",
        "CC-",
        "Z,",
        "T",
    ] {
        assert!(text.contains(needle), "no {needle:?}");
    }
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut empty_notes = false;
    let mut multiline_notes = false;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        assert!(rec[3].is_ascii());
        assert!(rec.iter().all(|v| v.chars().count() <= 255));
        empty_notes |= rec[17].is_empty();
        multiline_notes |= rec[17].contains('\n');
    }
    assert!(empty_notes && multiline_notes);
}

/// Issue 9: a closed pipe came back as an `Other` error (the `csv` crate's
/// conversion), and `nebulk gen | head -1` printed "Broken pipe", exit 2.
#[test]
fn a_write_error_keeps_its_kind() {
    struct ClosedPipe;
    impl std::io::Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    // Past the 64 KiB buffer, so that rows are written while generating.
    let err = generate(&cfg(5_000, 1, 0.1, 10_000), ClosedPipe).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);
}

#[test]
fn error_rate_out_of_range_is_rejected() {
    for rate in [-0.1, 1.000_001, f64::NAN, f64::INFINITY] {
        let err = generate(&cfg(10, 1, rate, 10), Vec::new()).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    }
}

#[test]
fn date_helpers_agree() {
    for day in [-1, 0, 59, 19_723, 20_000, 20_512] {
        let (y, m, d) = people::civil_from_days(day);
        assert_eq!(days_from_civil(y, m.into(), d.into()), day);
    }
    assert_eq!(parse_date("2026-02-30"), None);
    assert_eq!(parse_date("31/12/2026"), None);
    assert!(parse_date("2026-03-24T00:00-05:00") > parse_date("2026-03-24"));
    assert_eq!(
        parse_date("2026-03-24T05:00:00Z"),
        parse_date("2026-03-24T00:00-05:00")
    );
}

// ---- exports: the ledger recomputed from the written files alone ----

/// Generates with exports, giving the accounts file, the export files and the truth.
fn run_exports(c: &GenConfig) -> (Vec<u8>, Vec<Vec<u8>>, Truth) {
    let mut out = Vec::new();
    let mut files = vec![Vec::new(); c.exports.sources as usize];
    let truth = generate_with_exports(c, &mut out, &mut files).unwrap();
    (out, files, truth)
}

fn with_exports(
    c: GenConfig,
    sources: u32,
    in_exports: f64,
    changed: f64,
    absent: f64,
) -> GenConfig {
    GenConfig {
        exports: ExportConfig {
            sources,
            in_exports,
            changed,
            absent,
        },
        ..c
    }
}

/// Whether an export's value and the input's are the same value of column `name`, as the
/// checker compares them: trimmed; names, emails and managers ignoring case; dates as instants.
fn same_value(name: &str, old: &str, new: &str) -> bool {
    let (old, new) = (old.trim(), new.trim());
    match name {
        "accountName" | "email" | "manager" => old.to_lowercase() == new.to_lowercase(),
        "startDate" | "endDate" => match (parse_date(old), parse_date(new)) {
            (Some(old), Some(new)) => old == new,
            _ => old == new,
        },
        _ => old == new,
    }
}

/// The truth recomputed from the files: the accounts file's rows classified as in
/// [`truth_from_file`], the exports read by column name, and the ledger replayed row by row.
fn truth_from_files(csv_bytes: &[u8], exports: &[Vec<u8>], c: &GenConfig) -> Truth {
    let mut truth = truth_from_file(
        csv_bytes,
        &GenConfig {
            max_accounts: u64::MAX,
            ..c.clone()
        },
    );
    // Each export account: its source and its values by column name.
    let mut held: HashMap<String, (usize, BTreeMap<String, String>)> = HashMap::new();
    let mut sources: Vec<SourceTruth> = Vec::new();
    for (i, file) in exports.iter().enumerate() {
        let mut rdr = csv::Reader::from_reader(&file[..]);
        let header = rdr.headers().unwrap().clone();
        assert_eq!(&header[3], "phone", "the platform's order");
        let mut source = SourceTruth {
            name: format!("source-{:02}", i + 1),
            ..SourceTruth::default()
        };
        for rec in rdr.records() {
            let rec = rec.unwrap();
            let values: BTreeMap<String, String> = header
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect();
            let key = values["accountName"].trim().to_lowercase();
            assert!(
                held.insert(key.clone(), (i, values)).is_none(),
                "{key} twice"
            );
            source.existing += 1;
        }
        sources.push(source);
    }
    // Replay the input: every named account is mentioned; clean rows are placed.
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(csv_bytes);
    let header: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
    let (mut seen, mut mentioned) = (HashSet::new(), HashSet::new());
    let (mut overflow, mut changes) = (0, 0);
    for rec in rdr.byte_records() {
        let rec = rec.unwrap();
        if let Some(Ok(name)) = rec.get(0).map(std::str::from_utf8) {
            mentioned.insert(name.trim().to_lowercase());
        }
        if !classify(&rec, &mut seen, None).is_empty() {
            continue;
        }
        let values: Vec<&str> = rec
            .iter()
            .map(|v| std::str::from_utf8(v).unwrap())
            .collect();
        match held.get(&values[0].trim().to_lowercase()) {
            Some((s, old)) => {
                let changed = header
                    .iter()
                    .zip(&values)
                    .filter(|(h, new)| old.get(*h).is_some_and(|old| !same_value(h, old, new)))
                    .count() as u64;
                changes += changed;
                if changed > 0 {
                    sources[*s].updates += 1;
                } else {
                    sources[*s].unchanged += 1;
                }
            }
            None => match sources
                .iter_mut()
                .find(|s| s.existing + s.creates < c.max_accounts)
            {
                Some(s) => s.creates += 1,
                None => overflow += 1,
            },
        }
    }
    for (name, (s, _)) in &held {
        if !mentioned.contains(name) {
            sources[*s].absent += 1;
        }
    }
    truth.max_accounts = c.max_accounts;
    truth.overflow = overflow;
    truth.exports = Some(c.exports.clone());
    truth.absent = Some(sources.iter().map(|s| s.absent).sum());
    truth.changes = Some(changes);
    truth.sources = sources;
    truth
}

#[test]
fn exports_recomputed_from_files() {
    for (c, expect_overflow) in [
        // Room left in the last source.
        (
            with_exports(cfg(3000, 1, 0.05, 1200), 3, 0.6, 0.2, 0.05),
            false,
        ),
        // New accounts overflow all three.
        (with_exports(cfg(3000, 2, 0.2, 600), 3, 0.6, 0.3, 0.1), true),
        // Exports beyond the limit: no room anywhere, every new account overflows.
        (with_exports(cfg(2000, 3, 0.1, 300), 2, 0.8, 0.5, 0.2), true),
        // Everything in one export, everything changed, as many absent.
        (
            with_exports(cfg(1000, 4, 0.3, 20_000), 1, 1.0, 1.0, 1.0),
            false,
        ),
    ] {
        let (bytes, exports, truth) = run_exports(&c);
        assert_eq!(truth_from_files(&bytes, &exports, &c), truth, "{c:?}");
        assert_eq!(truth.overflow > 0, expect_overflow, "{truth:?}");
        let s = &truth.sources;
        assert_eq!(
            s.iter()
                .map(|s| s.creates + s.updates + s.unchanged)
                .sum::<u64>()
                + truth.overflow,
            truth.rows_valid
        );
        assert!(
            s.iter()
                .all(|s| s.updates + s.unchanged > 0 && s.absent > 0),
            "{truth:?}"
        );
        // The accounts file is the one generated without exports.
        let (plain, _) = run(&GenConfig {
            exports: ExportConfig::default(),
            ..c.clone()
        });
        assert_eq!(bytes, plain);
    }
}

#[test]
fn exports_are_deterministic_and_look_exported() {
    let c = with_exports(cfg(4000, 12, 0.1, 20_000), 4, 0.7, 0.3, 0.1);
    let (a, ea, ta) = run_exports(&c);
    let (b, eb, tb) = run_exports(&c);
    assert_eq!((a, ea.clone(), ta), (b, eb, tb));
    let (_, other, _) = run_exports(&GenConfig { seed: 13, ..c });
    assert_ne!(ea, other);
    let text = String::from_utf8(ea.concat()).unwrap();
    for needle in ["T00:00:00Z,", "+00:00,", "@EXAMPLE.COM", "\ngone."] {
        assert!(text.contains(needle), "no {needle:?}");
    }
    // No date without a time, none in another offset.
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut spaced = 0;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        if &rec[0] == "accountName" {
            continue; // the header of the next file
        }
        for date in [&rec[6], &rec[7]] {
            assert!(date.ends_with('Z') || date.ends_with("+00:00"), "{date}");
        }
        spaced += rec.iter().filter(|v| v.starts_with(' ')).count();
    }
    assert!(spaced > 10, "a space after the comma: {spaced}");
}

#[test]
fn without_exports_the_truth_is_as_before() {
    let c = cfg(2000, 3, 0.2, 1500);
    let (bytes, truth) = run(&c);
    let (with, _, _) = run_exports(&c);
    assert_eq!(bytes, with);
    let json = serde_json::to_string(&truth).unwrap();
    for key in ["exports", "sources", "absent", "changes"] {
        assert!(!json.contains(&format!("\"{key}\"")), "{json}");
    }
    assert_eq!(truth_from_file(&bytes, &c), truth);
}

#[test]
fn bad_export_configs_are_refused() {
    let c = with_exports(cfg(10, 1, 0.1, 10), 2, 1.5, 0.2, 0.05);
    let err = generate_with_exports(&c, Vec::new(), &mut [Vec::new(), Vec::new()]).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    let c = with_exports(cfg(10, 1, 0.1, 10), 2, 0.5, f64::NAN, 0.05);
    assert!(generate(&c, Vec::new()).is_err());
    let c = with_exports(cfg(10, 1, 0.1, 10), 2, 0.5, 0.5, 0.05);
    let err = generate_with_exports(&c, Vec::new(), &mut [Vec::new()]).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn any_config_matches_its_file(
        rows in 0u64..400, seed in any::<u64>(), rate in 0.0f64..=1.0, max in 0u64..400,
    ) {
        let c = cfg(rows, seed, rate, max);
        let (bytes, truth) = run(&c);
        check_invariants(&truth, &c);
        prop_assert_eq!(truth_from_file(&bytes, &c), truth);
    }

    #[test]
    fn any_export_config_matches_its_files(
        rows in 0u64..300, seed in any::<u64>(), rate in 0.0f64..=1.0, max in 0u64..200,
        sources in 1u32..5, shares in (0.0f64..=1.0, 0.0f64..=1.0, 0.0f64..=1.0),
    ) {
        let c = with_exports(cfg(rows, seed, rate, max), sources, shares.0, shares.1, shares.2);
        let (bytes, exports, truth) = run_exports(&c);
        prop_assert_eq!(truth_from_files(&bytes, &exports, &c), truth);
    }
}

/// The column constants the rows, the faults and the exports share are those of `HEADER`.
#[test]
fn column_constants_name_their_header_cells() {
    use crate::people::{
        ACCOUNT_NAME, DEPARTMENT, EMAIL, END_DATE, FIRST_NAME, LAST_NAME, LOCATION, MANAGER, PHONE,
        START_DATE,
    };
    let named = [
        (ACCOUNT_NAME, "accountName"),
        (FIRST_NAME, "firstName"),
        (LAST_NAME, "lastName"),
        (EMAIL, "email"),
        (PHONE, "phone"),
        (MANAGER, "manager"),
        (START_DATE, "startDate"),
        (END_DATE, "endDate"),
        (DEPARTMENT, "department"),
        (LOCATION, "location"),
    ];
    for (column, name) in named {
        assert_eq!(HEADER[column], name);
    }
}
