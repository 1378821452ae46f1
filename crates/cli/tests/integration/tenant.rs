//! Issue 11, property: across any sources, limits and fills, every input row ends in exactly
//! one of the upload files, overflow.csv, unchanged.csv and rejects.csv; no source passes its
//! limit with new accounts; a row overflows only when every source is full; and absent.csv
//! holds exactly the exports' accounts that no input row names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use proptest::prelude::*;

use crate::harness::{csv_records, json, run_in};

const HEADER: &str = "accountName,firstName,lastName,email,phone,manager,startDate,endDate";

/// An account name from a small pool, so that inputs and exports meet; the case varies.
fn name() -> impl Strategy<Value = String> {
    (0..12u8, any::<bool>()).prop_map(|(n, upper)| {
        let name = format!("user.{n}");
        if upper {
            name.to_uppercase()
        } else {
            name
        }
    })
}

/// A line of the input or of an export: valid unless `bad`, its first name one of two values
/// (so that an export and a row may differ).
fn line(name: &str, first: bool, bad: bool) -> String {
    let first = if first { "Ann" } else { "Bo" };
    let email = if bad { "not-an-email" } else { "a@example.com" };
    format!("{name},{first},Lee,{email},+1 512 555 0100,jane.doe,2026-01-05,2026-12-31")
}

#[derive(Debug, Clone)]
struct Tenant {
    /// Each export: its accounts and first-name choices.
    exports: Vec<Vec<(String, bool)>>,
    new_sources: usize,
    rows: Vec<(String, bool, bool)>,
    limit: u64,
    balanced: bool,
    skip_unchanged: bool,
}

fn tenant() -> impl Strategy<Value = Tenant> {
    (
        prop::collection::vec(prop::collection::vec((name(), any::<bool>()), 0..5), 0..4),
        0..3usize,
        prop::collection::vec((name(), any::<bool>(), prop::bool::weighted(0.15)), 0..25),
        1..6u64,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(exports, new_sources, rows, limit, balanced, skip)| Tenant {
                skip_unchanged: skip && !exports.is_empty(),
                exports,
                new_sources,
                rows,
                limit,
                balanced,
            },
        )
}

/// The account names of a CSV's first column, lower-cased.
fn names(path: &Path) -> Vec<String> {
    if !path.exists() {
        return Vec::new();
    }
    csv_records(path)
        .iter()
        .map(|r| String::from_utf8_lossy(&r[0]).to_lowercase())
        .collect()
}

fn check(t: &Tenant) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut input = format!("{HEADER}\n");
    for (name, first, bad) in &t.rows {
        input.push_str(&line(name, *first, *bad));
        input.push('\n');
    }
    std::fs::write(d.join("in.csv"), input).unwrap();
    let mut args: Vec<String> = ["convert", "in.csv", "--out", "out", "-q"]
        .map(String::from)
        .to_vec();
    for (i, export) in t.exports.iter().enumerate() {
        let mut text = format!("{HEADER}\n");
        for (name, first) in export {
            text.push_str(&line(name, *first, false));
            text.push('\n');
        }
        let file = format!("e{i}.csv");
        std::fs::write(d.join(&file), text).unwrap();
        args.extend(["--existing".to_string(), format!("s{i}={file}")]);
    }
    for i in 0..t.new_sources {
        args.extend(["--new-source".to_string(), format!("n{i}")]);
    }
    args.extend(["--max-accounts".to_string(), t.limit.to_string()]);
    if t.balanced {
        args.extend(["--fill".to_string(), "balanced".to_string()]);
    }
    if t.skip_unchanged {
        args.push("--skip-unchanged".to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = run_in(d, &args);
    prop_assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let out = d.join("out");
    let report = json(&out.join("report.json"));
    let count = |key: &str| report[key].as_u64().unwrap();

    // Every row in exactly one output: the counts add up, and no valid account twice.
    let sources = report["sources"].as_array().unwrap();
    let mut placed: Vec<String> = Vec::new();
    for source in sources {
        if let Some(file) = source["file"].as_str() {
            placed.extend(names(&out.join(file)));
        }
    }
    let overflow = names(&out.join("overflow.csv"));
    let unchanged = names(&out.join("unchanged.csv"));
    let rejects = csv_records(&out.join("rejects.csv"));
    prop_assert_eq!(placed.len() as u64, count("rows_uploaded"));
    prop_assert_eq!(overflow.len() as u64, count("overflow"));
    prop_assert_eq!(unchanged.len() as u64, count("unchanged_skipped"));
    prop_assert_eq!(rejects.len() as u64, count("rows_rejected"));
    prop_assert_eq!(
        placed.len() + overflow.len() + unchanged.len() + rejects.len(),
        t.rows.len()
    );
    let valid: Vec<&String> = placed.iter().chain(&overflow).chain(&unchanged).collect();
    let distinct: BTreeSet<&&String> = valid.iter().collect();
    prop_assert_eq!(distinct.len(), valid.len(), "a valid account twice");

    // Limits: new accounts never take a source past the limit; overflow only when all are full.
    let limit = t.limit;
    for source in sources {
        let (existing, creates) = (
            source["existing"].as_u64().unwrap(),
            source["creates"].as_u64().unwrap(),
        );
        prop_assert!(creates == 0 || existing + creates <= limit, "{source}");
        if !overflow.is_empty() {
            prop_assert!(existing + creates >= limit, "overflow with room: {source}");
        }
    }
    prop_assert_eq!(sources.len(), (t.exports.len() + t.new_sources).max(1));

    // Absent: the exports' accounts no input row names, computed here on its own.
    let mentioned: BTreeSet<String> = t.rows.iter().map(|r| r.0.to_lowercase()).collect();
    let mut held: BTreeMap<String, usize> = BTreeMap::new();
    for (i, export) in t.exports.iter().enumerate() {
        for (name, _) in export {
            held.entry(name.to_lowercase()).or_insert(i);
        }
    }
    let absent: BTreeSet<String> = held
        .keys()
        .filter(|name| !mentioned.contains(*name))
        .cloned()
        .collect();
    if !t.exports.is_empty() {
        let written: BTreeSet<String> = csv_records(&out.join("absent.csv"))
            .iter()
            .map(|r| String::from_utf8_lossy(&r[1]).to_lowercase())
            .collect();
        prop_assert_eq!(&written, &absent);
    }
    prop_assert_eq!(count("absent"), absent.len() as u64);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_row_ends_in_one_output_and_no_source_passes_its_limit(t in tenant()) {
        check(&t)?;
    }
}
