//! A JSON value that keeps key order and numbers as written ([`Json`], read by [`JsonSeed`]),
//! and how one becomes field values ([`to_value`], [`flatten`]).

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt::{self, Write as _};

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use super::track::{written_number, Tracker};
use crate::{Record, RecordPool, Value};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Json {
    Null,
    Bool(bool),
    /// A number as written (or serde_json's rendering of it).
    Number(String),
    String(String),
    Array(Vec<Json>),
    /// Keys in document order; a repeated key keeps the first position and the last value.
    Object(Vec<(String, Json)>),
}

impl Json {
    fn is_scalar(&self) -> bool {
        !matches!(self, Json::Array(_) | Json::Object(_))
    }

    pub(super) fn compact(&self) -> String {
        let mut out = String::new();
        self.write_compact(&mut out);
        out
    }

    fn write_compact(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => write_json_string(s, out),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_compact(out);
                }
                out.push(']');
            }
            Json::Object(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_json_string(key, out);
                    out.push(':');
                    value.write_compact(out);
                }
                out.push('}');
            }
        }
    }
}

fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Where the text of the numbers serde_json parses comes from.
#[derive(Clone, Copy)]
pub(super) enum Numbers<'a> {
    /// The bytes serde_json has just read from the page.
    Tracked(&'a Tracker),
    /// The numbers the scanner found in the element serde_json parses, in order.
    Spans(&'a NumberSpans<'a>),
}

/// The numbers of an element, handed out in the order serde_json parses them.
pub(super) struct NumberSpans<'a> {
    pub(super) text: &'a [u8],
    pub(super) spans: &'a [(usize, usize)],
    pub(super) next: Cell<usize>,
}

impl NumberSpans<'_> {
    /// The text of the next number; `None` when there is none (the scan and the parse
    /// disagree).
    fn take(&self) -> Option<&[u8]> {
        let i = self.next.get();
        let &(start, end) = self.spans.get(i)?;
        self.next.set(i + 1);
        self.text.get(start..end)
    }

    /// Whether every number found was parsed.
    pub(super) fn all_taken(&self) -> bool {
        self.next.get() == self.spans.len()
    }
}

const OUT_OF_STEP: &str = "the numbers scanned and parsed differ";

impl Numbers<'_> {
    /// Passes over a number serde_json parsed as an integer.
    fn integer<E: de::Error>(self) -> Result<(), E> {
        match self {
            Numbers::Tracked(_) => Ok(()),
            Numbers::Spans(spans) => spans
                .take()
                .map(|_| ())
                .ok_or_else(|| E::custom(OUT_OF_STEP)),
        }
    }

    /// The text of a number serde_json parsed as `value`, as written when it can be told.
    fn text<E: de::Error>(self, value: f64) -> Result<Option<String>, E> {
        match self {
            Numbers::Tracked(track) => {
                Ok(track.try_borrow().ok().and_then(|t| t.number_text(value)))
            }
            Numbers::Spans(spans) => {
                let text = spans.take().ok_or_else(|| E::custom(OUT_OF_STEP))?;
                Ok(written_number(text, value))
            }
        }
    }
}

/// How values are read: where the text of numbers comes from, and where strings are made.
#[derive(Clone, Copy)]
pub(super) struct Reading<'a> {
    pub(super) numbers: Numbers<'a>,
    /// The records' pool, for used strings to fill instead of new ones.
    pub(super) pool: Option<&'a RefCell<RecordPool>>,
}

impl<'a> Reading<'a> {
    /// Numbers from the tracked page, new strings.
    pub(super) fn tracked(track: &'a Tracker) -> Reading<'a> {
        Reading {
            numbers: Numbers::Tracked(track),
            pool: None,
        }
    }

    fn string(self, text: &str) -> String {
        match self.pool.map(RefCell::try_borrow_mut) {
            Some(Ok(mut pool)) => pool.string(text),
            _ => text.to_string(),
        }
    }
}

/// Deserializes one [`Json`] value, numbers as written.
pub(super) struct JsonSeed<'t> {
    pub(super) reading: Reading<'t>,
}

impl<'de> DeserializeSeed<'de> for JsonSeed<'_> {
    type Value = Json;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for JsonSeed<'_> {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json, E> {
        self.reading.numbers.integer()?;
        Ok(Json::Number(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json, E> {
        self.reading.numbers.integer()?;
        Ok(Json::Number(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        let written = self.reading.numbers.text(v)?;
        let text = written.unwrap_or_else(|| match serde_json::Number::from_f64(v) {
            Some(n) => n.to_string(),
            None => v.to_string(),
        });
        Ok(Json::Number(text))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(self.reading.string(v)))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(JsonSeed {
            reading: self.reading,
        })? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Json, A::Error> {
        let entries = read_entries(map, self.reading)?;
        Ok(Json::Object(
            entries
                .into_iter()
                .map(|(key, value)| (key.into_owned(), value))
                .collect(),
        ))
    }
}

/// The entries of an object: keys (borrowed from the input when serde_json can lend them) and
/// values.
pub(super) type Entries<'de> = Vec<(Cow<'de, str>, Json)>;

/// An object's key, borrowed from the input when it can be.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// The entries of an object, in document order; a repeated key keeps its first position and
/// takes the last value.
pub(super) fn read_entries<'de, A: MapAccess<'de>>(
    mut map: A,
    reading: Reading<'_>,
) -> Result<Entries<'de>, A::Error> {
    const INDEX_FROM: usize = 16;
    let mut entries: Entries<'de> = Vec::with_capacity(INDEX_FROM);
    let mut index: Option<HashMap<Cow<'de, str>, usize>> = None;
    // A bit per length and first byte of the keys seen: a key whose bit is clear is new.
    let mut seen = 0u64;
    while let Some(key) = map.next_key_seed(KeySeed)? {
        let value = map.next_value_seed(JsonSeed { reading })?;
        let first = key.as_bytes().first().copied().unwrap_or_default();
        let bit = 1u64 << ((key.len() * 7 + usize::from(first)) % 64);
        let found = match &index {
            Some(index) => index.get(&key).copied(),
            None if seen & bit == 0 => None,
            None => entries.iter().position(|(k, _)| *k == key),
        };
        seen |= bit;
        if let Some(at) = found {
            entries[at].1 = value;
            continue;
        }
        if let Some(index) = &mut index {
            index.insert(key.clone(), entries.len());
        }
        entries.push((key, value));
        if index.is_none() && entries.len() >= INDEX_FROM {
            index = Some(
                entries
                    .iter()
                    .enumerate()
                    .map(|(i, (k, _))| (k.clone(), i))
                    .collect(),
            );
        }
    }
    Ok(entries)
}

/// The field value of a JSON value that is not flattened.
pub(super) fn to_value(json: Json) -> Value {
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Text(b.to_string()),
        Json::Number(text) | Json::String(text) => Value::Text(text),
        Json::Array(items) if items.iter().all(Json::is_scalar) => Value::List(
            items
                .into_iter()
                .filter_map(|item| match to_value(item) {
                    Value::Text(text) => Some(text),
                    _ => None,
                })
                .collect(),
        ),
        Json::Object(entries) if entries.is_empty() => Value::Null,
        other => Value::Text(other.compact()),
    }
}

/// Pushes `json` under `name`, objects flattened to `name.key`.
pub(super) fn flatten(name: String, json: Json, record: &mut Record) {
    match json {
        Json::Object(entries) if !entries.is_empty() => {
            for (key, value) in entries {
                flatten(format!("{name}.{key}"), value, record);
            }
        }
        other => record.push(name, to_value(other)),
    }
}
