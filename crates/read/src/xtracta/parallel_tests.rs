//! The reading in pieces gives exactly what the sequential reading gives: the same records
//! with the same lines, the same count, the same error, whatever the cuts.

use super::parallel::{read_in_pieces, Split};
use super::*;
use crate::EachRecord;
use proptest::prelude::*;

/// What a reading gave: the records handed on, and the count or the error.
#[derive(Debug, PartialEq)]
struct Outcome {
    records: Vec<Record>,
    result: Result<u64, String>,
}

/// Reads `doc` sequentially (`split: None`) or in pieces, stopping after `stop` records, the
/// fields `reads` reads.
fn outcome(doc: &[u8], split: Option<Split>, stop: usize, reads: Reads) -> Outcome {
    let mut records = Vec::new();
    let mut sink = EachRecord::new(|record| {
        records.push(record);
        records.len() < stop
    });
    let result = match split {
        None => read_answer(doc, Begin::Document, reads, &mut sink),
        Some(split) => read_in_pieces(doc, split, reads, &mut sink),
    };
    Outcome {
        records,
        result: result.map_err(|e| e.to_string()),
    }
}

/// A user, in one of the shapes answers come in: fields on lines of their own or on the
/// user's line, entities, CDATA, nil, unknown and nested elements, empty tags.
fn user() -> impl Strategy<Value = String> {
    (
        0u32..1000,
        prop::sample::select(vec!["", "  ", "\t"]),
        prop::sample::select(vec![
            "<name>Ann &amp; Bo</name>",
            "<name><![CDATA[x<y]]></name>",
            "<name xsi:nil=\"true\"/>",
            "<name>a<b>skipped</b>c</name>",
            "<extra><user_id>9</user_id></extra>",
            "",
        ]),
        prop::sample::select(vec![
            "<assigned_workflows>1, 2</assigned_workflows>",
            "<user/>",
        ]),
        any::<bool>(),
    )
        .prop_map(|(id, indent, name, more, multiline)| {
            let sep = if multiline { "\n " } else { "" };
            if more == "<user/>" {
                return format!("{indent}<user/>");
            }
            format!("{indent}<user>{sep}<user_id>{id}</user_id>{sep}{name}{sep}{more}{sep}</user>")
        })
}

/// Bytes that break an answer, or make a line that looks like a cut and is not one.
const TROUBLE: &[&str] = &[
    "\n<user>",
    "<!-- \n<user> -->",
    "<![CDATA[\n<user>]]>",
    "<x a=\"\n<user>\"/>",
    "<status>500</status>",
    "<message>late</message>",
    "</user_response>",
    "<user>",
    "</user>",
    "&foo;",
    "<!DOCTYPE x>",
    "\r",
    "<a>",
    "</a>",
    "<a b=1>",
    "<x:user_response>",
    "\u{feff}",
];

/// An answer: a prologue, users on lines of their own, the end; now and then trouble
/// inserted at a line start.
fn answer() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(user(), 0..40),
        prop::sample::select(vec!["\n", "\r\n"]),
        prop::sample::select(vec![
            "<?xml version=\"1.0\"?>\n<user_response>\n<status>200</status>\n<message>OK</message>",
            "\u{feff}<x:user_response xmlns:x=\"u\">",
            "<user_response><status>401</status><message>no</message>",
            "<user_response>",
        ]),
        prop::collection::vec((any::<prop::sample::Index>(), 0..TROUBLE.len()), 0..2),
        prop::sample::select(vec![true, true, true, false]),
    )
        .prop_map(|(users, end, prologue, trouble, right_end)| {
            let root = if !right_end {
                "user_responses"
            } else if prologue.contains("x:") {
                "x:user_response"
            } else {
                "user_response"
            };
            let mut lines: Vec<String> = std::iter::once(prologue.to_string())
                .chain(users)
                .chain(std::iter::once(format!("</{root}>")))
                .collect();
            for (at, which) in trouble {
                let line = at.index(lines.len());
                lines[line].insert_str(0, TROUBLE[which]);
            }
            lines.join(end) + end
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn pieces_read_as_the_whole_answer_reads(
        doc in answer(),
        piece in 1usize..200,
        windows in 1usize..6,
        stop in prop::sample::select(vec![3usize, usize::MAX]),
    ) {
        let split = Split { piece, window: piece * windows };
        let whole = outcome(doc.as_bytes(), None, stop, Reads::ALL);
        prop_assert_eq!(&outcome(doc.as_bytes(), Some(split), stop, Reads::ALL), &whole);
        // Read without two fields: the same, those two empty, either way.
        let projection = Projection::only(|f| !matches!(f, "name" | "assigned_workflows"));
        let some = Reads::of(&projection);
        let mut expected = whole;
        projection.null_unread(&mut expected.records, &FIELDS);
        prop_assert_eq!(&outcome(doc.as_bytes(), None, stop, some), &expected);
        prop_assert_eq!(outcome(doc.as_bytes(), Some(split), stop, some), expected);
    }
}

/// Gives `data`, then fails.
struct FailsAfter<'a> {
    data: &'a [u8],
}

impl std::io::Read for FailsAfter<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.data.is_empty() {
            return Err(std::io::Error::other("the disk went away"));
        }
        let n = out.len().min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// A read error is reported where the sequential reader meets it, after the same records,
/// wherever it falls (in a piece, between windows).
#[test]
fn a_read_error_comes_after_the_same_records() {
    let mut doc = String::from("<user_response>\n<status>200</status>\n");
    for i in 0..40 {
        doc.push_str(&format!("<user>\n <user_id>{i}</user_id>\n</user>\n"));
    }
    doc.push_str("</user_response>\n");
    let split = Split {
        piece: 60,
        window: 240,
    };
    for cut in (0..doc.len()).step_by(37) {
        let data = &doc.as_bytes()[..cut];
        let input = || std::io::BufReader::with_capacity(64, FailsAfter { data });
        let run = |pieces: bool| {
            let mut lines = Vec::new();
            let mut sink = EachRecord::new(|record: Record| {
                lines.push(record.line);
                true
            });
            let result = if pieces {
                read_in_pieces(input(), split, Reads::ALL, &mut sink)
            } else {
                read_answer(input(), Begin::Document, Reads::ALL, &mut sink)
            };
            (lines, result.map_err(|e| e.to_string()))
        };
        let whole = run(false);
        assert!(
            whole
                .1
                .as_ref()
                .is_err_and(|e| e.contains("the disk went away")),
            "{whole:?}"
        );
        assert_eq!(run(true), whole, "cut at {cut}");
    }
}
