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
    /// The keys of the object being read whose values no one reads: parsed and checked, but
    /// read as `null`, nothing built (an element's fields outside the [`crate::Projection`]).
    pub(super) skip: Option<&'a SkipKeys>,
    /// Whether the value is kept: `false` below a skipped key.
    pub(super) keep: bool,
}

/// Keys whose values are skipped, found with one comparison: a table of 64 slots by length
/// and end bytes, each holding the one key of its slot (or a mark for several).
#[derive(Debug, Clone)]
pub(super) struct SkipKeys {
    keys: Vec<&'static str>,
    /// For each slot: 0 for no key, `i + 1` for `keys[i]` alone, `SEVERAL` for more.
    slots: [u8; 64],
}

impl SkipKeys {
    const SEVERAL: u8 = u8::MAX;

    /// The set of `keys` (at most 254); `None` when there are none.
    pub(super) fn of(keys: Vec<&'static str>) -> Option<SkipKeys> {
        if keys.is_empty() {
            return None;
        }
        let mut slots = [0u8; 64];
        for (i, key) in keys.iter().enumerate() {
            let slot = &mut slots[Self::slot(key)];
            *slot = match (*slot, u8::try_from(i + 1)) {
                (0, Ok(index)) if index != Self::SEVERAL => index,
                _ => Self::SEVERAL,
            };
        }
        Some(SkipKeys { keys, slots })
    }

    fn slot(key: &str) -> usize {
        let bytes = key.as_bytes();
        let (first, last) = (bytes.first(), bytes.last());
        let mix = bytes.len() * 31
            + usize::from(*first.unwrap_or(&0)) * 7
            + usize::from(*last.unwrap_or(&0));
        mix % 64
    }

    /// Whether `key` is one of the keys.
    pub(super) fn contains(&self, key: &str) -> bool {
        match self.slots[Self::slot(key)] {
            0 => false,
            Self::SEVERAL => self.keys.contains(&key),
            index => self.keys.get(usize::from(index) - 1) == Some(&key),
        }
    }
}

impl<'a> Reading<'a> {
    /// Numbers from the tracked page, new strings, every value kept.
    pub(super) fn tracked(track: &'a Tracker) -> Reading<'a> {
        Reading {
            numbers: Numbers::Tracked(track),
            pool: None,
            skip: None,
            keep: true,
        }
    }

    /// The same, the values of the object's keys `skip` read as `null`.
    pub(super) fn skipping(self, skip: Option<&'a SkipKeys>) -> Reading<'a> {
        Reading { skip, ..self }
    }

    /// How the value of key `key` of the object being read is read: skipped or kept as this
    /// object is, its own keys all kept.
    fn below(self, key: &str) -> Reading<'a> {
        let skipped = self.skip.is_some_and(|skip| skip.contains(key));
        Reading {
            keep: self.keep && !skipped,
            skip: None,
            ..self
        }
    }

    /// `json`, or `null` for a value not kept.
    fn kept(self, json: impl FnOnce() -> Json) -> Json {
        if self.keep {
            json()
        } else {
            Json::Null
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
        Ok(self.reading.kept(|| Json::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json, E> {
        self.reading.numbers.integer()?;
        Ok(self.reading.kept(|| Json::Number(v.to_string())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json, E> {
        self.reading.numbers.integer()?;
        Ok(self.reading.kept(|| Json::Number(v.to_string())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        let written = self.reading.numbers.text(v)?;
        Ok(self.reading.kept(|| {
            Json::Number(
                written.unwrap_or_else(|| match serde_json::Number::from_f64(v) {
                    Some(n) => n.to_string(),
                    None => v.to_string(),
                }),
            )
        }))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
        Ok(self.reading.kept(|| Json::String(self.reading.string(v))))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Json, E> {
        Ok(self.reading.kept(|| Json::String(v)))
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
            if self.reading.keep {
                items.push(item);
            }
        }
        Ok(self.reading.kept(|| Json::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Json, A::Error> {
        let entries = read_entries(map, self.reading)?;
        Ok(self.reading.kept(|| {
            Json::Object(
                entries
                    .into_iter()
                    .map(|(key, value)| (key.into_owned(), value))
                    .collect(),
            )
        }))
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
        let value = map.next_value_seed(JsonSeed {
            reading: reading.below(&key),
        })?;
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

#[cfg(test)]
mod tests {
    use super::SkipKeys;
    use crate::nerm::{SESSION_FIELDS, USER_FIELDS};

    /// The table finds exactly the keys a search of the list finds: for the pages' fields, and
    /// for hundreds of two-letter keys (slots shared, more keys than an index holds).
    #[test]
    fn skip_keys_find_what_a_search_finds() {
        let pairs: Vec<&'static str> = (b'a'..=b'z')
            .flat_map(|a| (b'a'..=b'z').map(move |b| [a, b]))
            .map(|pair| &*String::from_utf8(pair.to_vec()).unwrap().leak())
            .collect();
        let fields: Vec<&'static str> =
            USER_FIELDS.iter().chain(&SESSION_FIELDS).copied().collect();
        let probes: Vec<&str> = pairs
            .iter()
            .chain(&fields)
            .copied()
            .chain(["", "login", "x"])
            .collect();
        for keys in [
            fields.clone(),
            fields[..3].to_vec(),
            pairs.clone(),
            pairs[..40].to_vec(),
        ] {
            let set = SkipKeys::of(keys.clone()).unwrap();
            for probe in &probes {
                assert_eq!(set.contains(probe), keys.contains(probe), "{probe:?}");
            }
        }
        assert!(SkipKeys::of(Vec::new()).is_none());
    }
}
