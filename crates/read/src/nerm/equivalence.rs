//! The element scanner against serde_json reading the whole page: the same records, the same
//! errors at the same places, on generated pages.

use std::io::BufReader;

use proptest::prelude::*;

use super::pages::{read_page_with, Page};
use crate::{EachRecord, FormatError, Projection, Record};

/// A JSON value, rendered with whitespace of the test's choosing.
#[derive(Debug, Clone)]
enum Gen {
    /// Written as is: `null`, `true`, a number (valid or not).
    Raw(String),
    /// A string, its body written as is (escapes included).
    Str(String),
    Array(Vec<Gen>),
    Object(Vec<(String, Gen)>),
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| f.to_string()),
        Just("-0".to_string()),
        Just("85.50".to_string()),
        Just("1e3".to_string()),
        Just("2E-2".to_string()),
        Just("-12.0e+01".to_string()),
        Just("18446744073709551616".to_string()),
        Just("-9223372036854775809".to_string()),
        Just("123456789012345678901234567890.000".to_string()),
        Just("1e400".to_string()),
        Just("1e-400".to_string()),
        Just(format!("1.{}", "0".repeat(1030))),
        Just(format!("1.{}", "5".repeat(1022))),
        // Not numbers: serde_json refuses them.
        Just("01".to_string()),
        Just("1.".to_string()),
        Just("-".to_string()),
        Just("1e+".to_string()),
        Just("+1".to_string()),
    ]
}

fn string_body() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z0-9 @.:-]{0,12}",
        Just("\\\"".to_string()),
        Just("\\\\".to_string()),
        Just("\\n\\t\\r\\b\\f\\/".to_string()),
        Just("\\u00e9".to_string()),
        Just("\\ud83d\\ude00".to_string()),
        Just("}]{[,:".to_string()),
        Just("Jürgen Müller ✓ 😀".to_string()),
        Just("12.50e3".to_string()),
        // Not JSON: a bad escape, a lone surrogate, a raw control character.
        Just("\\x".to_string()),
        Just("\\ud800".to_string()),
        Just("\n".to_string()),
    ];
    prop::collection::vec(piece, 0..4).prop_map(|pieces| pieces.concat())
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("id".to_string()),
        Just("name".to_string()),
        Just("status".to_string()),
        Just("login".to_string()),
        Just("attributes".to_string()),
        Just("profile_ids".to_string()),
        "[a-z]{1,6}",
        string_body(),
    ]
}

fn value() -> impl Strategy<Value = Gen> {
    let leaf = prop_oneof![
        Just(Gen::Raw("null".into())),
        Just(Gen::Raw("true".into())),
        Just(Gen::Raw("false".into())),
        number().prop_map(Gen::Raw),
        string_body().prop_map(Gen::Str),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Gen::Array),
            prop::collection::vec((key(), inner), 0..6).prop_map(Gen::Object),
        ]
    })
}

fn element() -> impl Strategy<Value = Gen> {
    prop_oneof![
        8 => prop::collection::vec((key(), value()), 0..8).prop_map(Gen::Object),
        1 => value(),
    ]
}

/// Writes `gen`, taking the whitespace between tokens from `ws` in turn.
fn render(gen: &Gen, ws: &mut impl Iterator<Item = &'static str>, out: &mut String) {
    match gen {
        Gen::Raw(text) => out.push_str(text),
        Gen::Str(body) => {
            out.push('"');
            out.push_str(body);
            out.push('"');
        }
        Gen::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(ws.next().unwrap_or(""));
                if i > 0 {
                    out.push(',');
                    out.push_str(ws.next().unwrap_or(""));
                }
                render(item, ws, out);
            }
            out.push_str(ws.next().unwrap_or(""));
            out.push(']');
        }
        Gen::Object(entries) => {
            out.push('{');
            for (i, (key, value)) in entries.iter().enumerate() {
                out.push_str(ws.next().unwrap_or(""));
                if i > 0 {
                    out.push(',');
                    out.push_str(ws.next().unwrap_or(""));
                }
                render(&Gen::Str(key.clone()), ws, out);
                out.push_str(ws.next().unwrap_or(""));
                out.push(':');
                out.push_str(ws.next().unwrap_or(""));
                render(value, ws, out);
            }
            out.push_str(ws.next().unwrap_or(""));
            out.push('}');
        }
    }
}

fn whitespace() -> impl Strategy<Value = Vec<&'static str>> {
    let one = prop_oneof![
        Just(""),
        Just(""),
        Just(" "),
        Just("\n"),
        Just("\r\n"),
        Just("\n    "),
        Just("\t"),
        Just("\r"),
    ];
    prop::collection::vec(one, 1..64)
}

/// A page: the array (under `users` or `workflow_sessions`) among other keys, in any order.
fn page() -> impl Strategy<Value = Gen> {
    let array_key = prop_oneof![Just("users"), Just("workflow_sessions")];
    let array = prop::collection::vec(element(), 0..8).prop_map(Gen::Array);
    let others = prop::collection::vec(
        prop_oneof![
            value().prop_map(|v| ("_metadata".to_string(), v)),
            Just(("error".to_string(), Gen::Raw("null".into()))),
            value().prop_map(|v| ("error".to_string(), v)),
            value().prop_map(|v| ("next".to_string(), v)),
        ],
        0..3,
    );
    (
        array_key,
        array,
        others,
        any::<prop::sample::Index>(),
        0..20u8,
    )
        .prop_map(|(key, array, mut others, at, twice)| {
            let at = at.index(others.len() + 1);
            others.insert(at, (key.to_string(), array.clone()));
            if twice == 0 {
                others.push((key.to_string(), array));
            }
            Gen::Object(others)
        })
}

/// What a reader gave: the records, then its result.
type Read = (Vec<Record>, Result<u64, FormatError>);

/// Reads `data` as `page` through a buffer of `capacity`, stopping after `stop` records, only
/// the fields of `projection` read.
fn read(
    data: &[u8],
    page: Page,
    capacity: usize,
    stop: usize,
    scan: bool,
    projection: &Projection,
) -> Read {
    let mut records = Vec::new();
    let result = read_page_with(
        BufReader::with_capacity(capacity, data),
        page,
        projection,
        &mut EachRecord::new(|r| {
            records.push(r);
            records.len() < stop
        }),
        scan,
    );
    (records, result)
}

/// Both readers on `data`, either page kind, every field read and only some: the same records
/// and errors, and what is not read is `null` in records otherwise the same.
fn both_agree(data: &[u8], capacity: usize, stop: usize) -> Result<(), TestCaseError> {
    // A field of either page that is read, and of each, one that is not.
    let some = Projection::only(|field| !matches!(field, "uid" | "email" | "status"));
    for page in [Page::Users, Page::Sessions] {
        let scanned = read(data, page, capacity, stop, true, &Projection::ALL);
        let reference = read(data, page, capacity, stop, false, &Projection::ALL);
        prop_assert_eq!(&scanned, &reference, "{}", String::from_utf8_lossy(data));
        let projected = read(data, page, capacity, stop, true, &some);
        prop_assert_eq!(
            &projected,
            &read(data, page, capacity, stop, false, &some),
            "{}",
            String::from_utf8_lossy(data)
        );
        let mut expected = reference;
        some.null_unread(&mut expected.0, page.fields());
        prop_assert_eq!(&projected, &expected, "{}", String::from_utf8_lossy(data));
    }
    Ok(())
}

fn capacity() -> impl Strategy<Value = usize> {
    prop_oneof![1..8usize, 8..256usize, Just(64 * 1024)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_pages_read_the_same(
        page in page(),
        ws in whitespace(),
        lead in prop_oneof![Just(""), Just("\u{feff}"), Just(" \n")],
        capacity in capacity(),
        stop in prop_oneof![Just(usize::MAX), 1..4usize],
    ) {
        let mut text = lead.to_string();
        render(&page, &mut ws.iter().copied().cycle(), &mut text);
        text.push_str(ws[0]);
        both_agree(text.as_bytes(), capacity, stop)?;
    }

    #[test]
    fn cut_and_mangled_pages_read_the_same(
        page in page(),
        ws in whitespace(),
        capacity in capacity(),
        cut in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        byte in prop_oneof![any::<u8>(), Just(b'"'), Just(b'{'), Just(b'}'), Just(b','), Just(b'\\')],
    ) {
        let mut text = String::new();
        render(&page, &mut ws.iter().copied().cycle(), &mut text);
        let mut data = text.into_bytes();
        both_agree(&data[..cut.index(data.len() + 1)], capacity, usize::MAX)?;
        if !data.is_empty() {
            let at = at.index(data.len());
            data[at] = byte;
            both_agree(&data, capacity, usize::MAX)?;
        }
    }

    #[test]
    fn many_plain_users_then_an_error_late(
        n in 1..300usize,
        junk in prop_oneof![Just("x"), Just(", ]"), Just("{\"a\": 01}"), Just("\"s\""), Just("")],
        capacity in capacity(),
    ) {
        let mut text = String::from("{\"users\": [\n");
        for i in 0..n {
            text.push_str(&format!(
                "  {{\"id\": \"u{i}\", \"rate\": {i}.50, \"n\": {i},\n   \"name\": \"Ann \\u00e9 {i}\"}},\n"
            ));
        }
        text.push_str(junk);
        text.push_str("\n]}\n");
        both_agree(text.as_bytes(), capacity, usize::MAX)?;
    }
}
