//! SailPoint NERM (Non-Employee Risk Management) users and workflow-session JSON pages.
//!
//! # The formats
//!
//! `GET /users` answers one page:
//!
//! ```json
//! {"users": [{"id": "…", "uid": "…", "name": "bob", "email": "…", "type": "NeprofileUser",
//!             "title": "…", "status": "Active", "login": "bob", "last_login": "…",
//!             "cookies_accepted_at": "…", "preferred_language": "en-US"}],
//!  "_metadata": {"limit": 50, "offset": 100, "total": 10000, "next": "…", "previous": "…"}}
//! ```
//!
//! `GET /workflow_sessions` answers the same shape with a `workflow_sessions` array whose elements
//! hold `id`, `uid`, `workflow_id`, `requester_id`, `requester_type`, `profile_id`, `profile_ids`
//! (an array of ids), `status` (snake_case, e.g. `completed`, `rejected`, `pending_approval`) and
//! `attributes`, an object of the workflow's form values (for contractors: names, e-mail, phone,
//! dates, department, …).
//!
//! An error answer (NERM's 400 and 500) is `{"error": "…"}` (or `{"errors": …}`).
//!
//! # Reading
//!
//! [`read_users`] and [`read_workflow_sessions`] stream the elements of the page's array, one
//! [`Record`] at a time: memory is bounded by the largest single element, not by the page. Other
//! top-level keys (`_metadata`, …) are skipped, in any order. Reading stops at the first error;
//! records handed out before it stay handed out.
//!
//! - The top level must be an object holding the array: otherwise (another value, a missing
//!   array key, an array key whose value is not an array, an element that is not an object, a
//!   second array key) it is a [`FormatError`]. A non-null `error` or `errors` key makes the
//!   answer an error answer: `FormatError::whole("the NERM answer is an error: …")`.
//! - Malformed JSON (truncated, trailing characters, bad escapes, invalid UTF-8, nesting deeper
//!   than serde_json's limit of 128 inside an element) is a [`FormatError`] at serde_json's line
//!   and column. (Skipped keys such as `_metadata` are passed over without recursion, so any
//!   nesting depth is accepted there.) Columns count bytes from the line start; at the very end of a file that ends
//!   with a line break serde_json reports column 0, which is given as no column. A UTF-8 byte
//!   order mark is skipped (columns on line 1 then count after it); UTF-16 input is refused.
//!
//! # Records
//!
//! A user record has the fields of [`USER_FIELDS`], a session record those of
//! [`SESSION_FIELDS`], always all of them and in that order (a missing key gives
//! [`Value::Null`]). A session's `attributes` come next, as `attributes.<key>` in document order,
//! then any other keys of the element in document order. Values convert as:
//!
//! | JSON | field |
//! |---|---|
//! | string | `Text` |
//! | number, `true`/`false` | `Text` of the number as written (`85.50`, `12345678901234567890`, `1e3`) or of `true`/`false` |
//! | `null` | `Null` |
//! | array of scalars | `List` of their texts, nulls skipped (`[]` gives an empty list) |
//! | array holding an object or array | `Text` of its compact JSON |
//! | object | flattened: one field per key, named `parent.key` (`attributes.vendor.name`); an empty object gives `Null` under its own name |
//!
//! A field of the fixed list whose value is an object is not flattened (its name must stay
//! present): it becomes `Text` of its compact JSON. When an object repeats a key, the last value
//! wins, at the position of the first. Flattened names are not checked against other keys, so a
//! literal key `"attributes.city"` and `attributes: {"city": …}` give two fields of that name.
//!
//! [`Record::line`] is the 1-based line of the element's opening `{`, exact: lines end at `\n`
//! (counted the way serde_json counts them for error positions; a lone `\r` does not end a line).
//!
//! # Example
//!
//! ```
//! use nebulk_read::nerm::read_workflow_sessions;
//! use nebulk_read::Value;
//!
//! let page = r#"{"_metadata": {"total": 1},
//!   "workflow_sessions": [
//!     {"id": "s1", "status": "completed", "profile_ids": ["p1", "p2"],
//!      "attributes": {"first_name": "Ann", "rate": 85.50, "vendor": {"name": "Acme"}}}
//!   ]}"#;
//! let mut records = Vec::new();
//! let count = read_workflow_sessions(page.as_bytes(), &mut |r| {
//!     records.push(r);
//!     true
//! })
//! .unwrap();
//! assert_eq!(count, 1);
//! let r = &records[0];
//! assert_eq!(r.line, 3);
//! assert_eq!(r.get("status"), Some(&Value::Text("completed".into())));
//! assert_eq!(r.get("requester_id"), Some(&Value::Null));
//! assert_eq!(r.get("profile_ids"), Some(&Value::List(vec!["p1".into(), "p2".into()])));
//! assert_eq!(r.get("attributes.rate"), Some(&Value::Text("85.50".into())));
//! assert_eq!(r.get("attributes.vendor.name"), Some(&Value::Text("Acme".into())));
//! let names: Vec<&str> = r.fields.iter().map(|(n, _)| n.as_ref()).collect();
//! assert_eq!(names[8..], ["attributes.first_name", "attributes.rate", "attributes.vendor.name"]);
//!
//! let err = read_workflow_sessions(&br#"{"error": "Sorry something went wrong"}"#[..], &mut |_| true)
//!     .unwrap_err();
//! assert_eq!(err.to_string(), "the NERM answer is an error: Sorry something went wrong");
//! ```

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::io::{self, BufReader, Read};
use std::rc::Rc;

use serde::de::{
    self, DeserializeSeed, Deserializer as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use crate::{FormatError, Record, Value};

/// The fields of a NERM user record.
///
/// ```
/// assert_eq!(nebulk_read::nerm::USER_FIELDS[6], "status");
/// ```
pub const USER_FIELDS: [&str; 11] = [
    "id",
    "uid",
    "name",
    "email",
    "type",
    "title",
    "status",
    "login",
    "last_login",
    "cookies_accepted_at",
    "preferred_language",
];

/// The fixed fields of a workflow-session record; its `attributes` object adds
/// `attributes.<name>` fields.
///
/// ```
/// assert_eq!(nebulk_read::nerm::SESSION_FIELDS[7], "status");
/// ```
pub const SESSION_FIELDS: [&str; 8] = [
    "id",
    "uid",
    "workflow_id",
    "requester_id",
    "requester_type",
    "profile_id",
    "profile_ids",
    "status",
];

/// Streams the elements of the `users` array of one page; `emit` returns false to stop early
/// (`Ok`). Returns how many records were emitted (counting the one `emit` refused).
///
/// ```
/// use nebulk_read::nerm::read_users;
/// use nebulk_read::Value;
///
/// let page = "{\"users\": [\n{\"name\": \"bob\", \"status\": \"Active\"},\n{\"name\": \"ann\"}\n]}";
/// let mut names = Vec::new();
/// let count = read_users(page.as_bytes(), &mut |r| {
///     names.push((r.line, r.get("name").cloned()));
///     true
/// })
/// .unwrap();
/// assert_eq!(count, 2);
/// assert_eq!(names[1], (3, Some(Value::Text("ann".into()))));
///
/// // Stopping early is not an error.
/// assert_eq!(read_users(page.as_bytes(), &mut |_| false).unwrap(), 1);
///
/// let err = read_users(&b"{\"users\": [\n{\"name\": \"bob\"}\n"[..], &mut |_| true).unwrap_err();
/// assert_eq!(err.to_string(), "line 3: EOF while parsing a list");
/// ```
pub fn read_users<R: Read>(
    input: R,
    emit: &mut dyn FnMut(Record) -> bool,
) -> Result<u64, FormatError> {
    read_page(input, Kind::Users, emit)
}

/// The same as [`read_users`] for the `workflow_sessions` array.
///
/// ```
/// use nebulk_read::nerm::read_workflow_sessions;
/// use nebulk_read::Value;
///
/// let page = r#"{"workflow_sessions": [{"id": "s1", "attributes": {"email": "a@b.example"}}]}"#;
/// let mut emails = Vec::new();
/// read_workflow_sessions(page.as_bytes(), &mut |r| {
///     emails.push(r.get("attributes.email").cloned());
///     true
/// })
/// .unwrap();
/// assert_eq!(emails, [Some(Value::Text("a@b.example".into()))]);
///
/// let err = read_workflow_sessions(&br#"{"users": []}"#[..], &mut |_| true).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "the NERM page has no `workflow_sessions` array; its keys are: `users` (is it a users page?)"
/// );
/// ```
pub fn read_workflow_sessions<R: Read>(
    input: R,
    emit: &mut dyn FnMut(Record) -> bool,
) -> Result<u64, FormatError> {
    read_page(input, Kind::Sessions, emit)
}

/// Which page is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Users,
    Sessions,
}

impl Kind {
    fn array_key(self) -> &'static str {
        match self {
            Kind::Users => "users",
            Kind::Sessions => "workflow_sessions",
        }
    }

    fn fields(self) -> &'static [&'static str] {
        match self {
            Kind::Users => &USER_FIELDS,
            Kind::Sessions => &SESSION_FIELDS,
        }
    }

    fn element(self) -> &'static str {
        match self {
            Kind::Users => "NERM user object",
            Kind::Sessions => "NERM workflow-session object",
        }
    }

    fn other(self) -> Kind {
        match self {
            Kind::Users => Kind::Sessions,
            Kind::Sessions => Kind::Users,
        }
    }

    fn page_name(self) -> &'static str {
        match self {
            Kind::Users => "a users page",
            Kind::Sessions => "a workflow-sessions page",
        }
    }
}

/// At most this many top-level key names are kept for the "no array" message.
const KEYS_KEPT: usize = 20;
/// Longest top-level key name kept for that message, in characters.
const KEY_CHARS: usize = 64;
/// Longest number text kept by [`Track`]; longer numbers fall back to serde_json's rendering.
const NUMBER_CHARS: usize = 1024;

// ---------------------------------------------------------------------------------------------
// Position and number-text tracking.
//
// serde_json's `IoRead` pulls its input one byte at a time (through `io::Bytes`) and peeks at
// most one byte ahead. A reader between the buffer and serde_json therefore sees exactly what
// serde_json has consumed: when an element visitor's `visit_map` starts, the last byte read is
// the element's `{`, so the newlines read so far give its line. And when serde_json hands a
// number to a visitor, the bytes just read are the number followed by at most the one byte it
// peeked at, which gives the number as written (serde_json without `arbitrary_precision` only
// hands out an `f64` for decimals and big integers).

/// What the tracking reader has seen.
#[derive(Debug, Default)]
struct Track {
    /// Bytes handed to serde_json (after a byte order mark).
    offset: u64,
    /// `\n` bytes among them.
    newlines: u64,
    /// The latest run of bytes that can make up a JSON number (`0-9 + - . e E`).
    run: Vec<u8>,
    /// The run was longer than [`NUMBER_CHARS`] (and is cut).
    run_cut: bool,
    /// Bytes read since the run ended.
    since_run: u64,
}

fn is_number_byte(b: u8) -> bool {
    matches!(b, b'0'..=b'9' | b'+' | b'-' | b'.' | b'e' | b'E')
}

impl Track {
    fn note(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if b == b'\n' {
                self.newlines += 1;
            }
            if is_number_byte(b) {
                if self.since_run > 0 {
                    self.run.clear();
                    self.run_cut = false;
                    self.since_run = 0;
                }
                if self.run.len() < NUMBER_CHARS {
                    self.run.push(b);
                } else {
                    self.run_cut = true;
                }
            } else {
                self.since_run = self.since_run.saturating_add(1);
            }
        }
        self.offset += bytes.len() as u64;
    }

    /// The text of the number serde_json just parsed as `value`, as written, when it can be
    /// told for sure.
    fn number_text(&self, value: f64) -> Option<String> {
        if self.run_cut || self.since_run > 1 || !is_json_number(&self.run) {
            return None;
        }
        let text = std::str::from_utf8(&self.run).ok()?;
        let parsed: f64 = text.parse().ok()?;
        // serde_json's default float parsing may be one unit in the last place off.
        let close = parsed == value || (parsed - value).abs() <= parsed.abs() * 1e-12;
        (close && parsed.is_sign_negative() == value.is_sign_negative()).then(|| text.to_string())
    }
}

/// Whether `bytes` is a JSON number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
fn is_json_number(bytes: &[u8]) -> bool {
    let mut rest = bytes.strip_prefix(b"-").unwrap_or(bytes);
    let digits = |s: &[u8]| s.iter().take_while(|b| b.is_ascii_digit()).count();
    let int = digits(rest);
    if int == 0 || (int > 1 && rest[0] == b'0') {
        return false;
    }
    rest = &rest[int..];
    if let Some(after) = rest.strip_prefix(b".") {
        let frac = digits(after);
        if frac == 0 {
            return false;
        }
        rest = &after[frac..];
    }
    if let Some(after) = rest.strip_prefix(b"e").or_else(|| rest.strip_prefix(b"E")) {
        let after = after
            .strip_prefix(b"+")
            .or_else(|| after.strip_prefix(b"-"))
            .unwrap_or(after);
        let exp = digits(after);
        if exp == 0 {
            return false;
        }
        rest = &after[exp..];
    }
    rest.is_empty()
}

type Tracker = Rc<RefCell<Track>>;

/// The reader handed to serde_json: a buffer, the first bytes (after a byte order mark), and
/// the [`Track`] of what passed.
struct Tracked<R> {
    head: [u8; 4],
    head_at: usize,
    head_len: usize,
    inner: BufReader<R>,
    track: Tracker,
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = if self.head_at < self.head_len {
            let n = (self.head_len - self.head_at).min(buf.len());
            buf[..n].copy_from_slice(&self.head[self.head_at..self.head_at + n]);
            self.head_at += n;
            n
        } else {
            self.inner.read(buf)?
        };
        match self.track.try_borrow_mut() {
            Ok(mut track) => track.note(&buf[..n]),
            Err(_) => return Err(io::Error::other("position tracking is busy")),
        }
        Ok(n)
    }
}

/// Wraps `input`, skipping a UTF-8 byte order mark and refusing UTF-16.
fn open<R: Read>(input: R) -> Result<Tracked<R>, FormatError> {
    let mut inner = BufReader::with_capacity(64 * 1024, input);
    let mut head = [0u8; 4];
    let mut len = 0;
    while len < head.len() {
        match inner.read(&mut head[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                return Err(FormatError::at_byte(
                    len as u64,
                    format!("could not read the input: {e}"),
                ))
            }
        }
    }
    let start = if head[..len].starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let utf16 = head[..len].starts_with(&[0xFF, 0xFE])
        || head[..len].starts_with(&[0xFE, 0xFF])
        || (len >= 2 && ((head[0] == 0) != (head[1] == 0)) && (head[0] | head[1]).is_ascii());
    if utf16 {
        return Err(FormatError::whole(
            "the input is UTF-16 text; a NERM answer is UTF-8 JSON (save the file as UTF-8)",
        ));
    }
    Ok(Tracked {
        head,
        head_at: start,
        head_len: len,
        inner,
        track: Rc::new(RefCell::new(Track::default())),
    })
}

// ---------------------------------------------------------------------------------------------
// A JSON value that keeps key order and numbers as written.

#[derive(Debug, Clone, PartialEq)]
enum Json {
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

    fn compact(&self) -> String {
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

/// Deserializes one [`Json`] value, numbers as written.
struct JsonSeed<'t> {
    track: &'t Tracker,
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
        Ok(Json::Number(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        let written = self.track.try_borrow().ok().and_then(|t| t.number_text(v));
        let text = written.unwrap_or_else(|| match serde_json::Number::from_f64(v) {
            Some(n) => n.to_string(),
            None => v.to_string(),
        });
        Ok(Json::Number(text))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_string()))
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
        while let Some(item) = seq.next_element_seed(JsonSeed { track: self.track })? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Json, A::Error> {
        Ok(Json::Object(read_entries(map, self.track)?))
    }
}

/// The entries of an object, in document order; a repeated key keeps its first position and
/// takes the last value.
fn read_entries<'de, A: MapAccess<'de>>(
    mut map: A,
    track: &Tracker,
) -> Result<Vec<(String, Json)>, A::Error> {
    const INDEX_FROM: usize = 16;
    let mut entries: Vec<(String, Json)> = Vec::new();
    let mut index: Option<HashMap<String, usize>> = None;
    while let Some(key) = map.next_key::<String>()? {
        let value = map.next_value_seed(JsonSeed { track })?;
        let found = match &index {
            Some(index) => index.get(&key).copied(),
            None => entries.iter().position(|(k, _)| *k == key),
        };
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

// ---------------------------------------------------------------------------------------------
// Conversion to records.

/// The field value of a JSON value that is not flattened.
fn to_value(json: Json) -> Value {
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
fn flatten(name: String, json: Json, record: &mut Record) {
    match json {
        Json::Object(entries) if !entries.is_empty() => {
            for (key, value) in entries {
                flatten(format!("{name}.{key}"), value, record);
            }
        }
        other => record.push(name, to_value(other)),
    }
}

fn build_record(kind: Kind, line: u64, entries: Vec<(String, Json)>) -> Record {
    let mut record = Record::new(line);
    let mut rest: Vec<Option<(String, Json)>> = entries.into_iter().map(Some).collect();
    let mut take = |name: &str| {
        rest.iter_mut()
            .find(|e| matches!(e, Some((k, _)) if k == name))
            .and_then(Option::take)
    };
    for &name in kind.fields() {
        let value = take(name).map_or(Value::Null, |(_, v)| to_value(v));
        record.push(name, value);
    }
    if kind == Kind::Sessions {
        if let Some((key, attributes)) = take("attributes") {
            flatten(key, attributes, &mut record);
        }
    }
    for (key, value) in rest.into_iter().flatten() {
        flatten(key, value, &mut record);
    }
    record
}

// ---------------------------------------------------------------------------------------------
// The page.

/// State shared by the visitors of one page.
struct Ctx<'e> {
    kind: Kind,
    track: Tracker,
    emit: &'e mut dyn FnMut(Record) -> bool,
    emitted: u64,
    /// `emit` asked to stop; the error that unwound serde_json is not one.
    stopped: bool,
    /// An error about the page as a whole, raised through serde_json by a sentinel error.
    failure: Option<FormatError>,
    seen_array: bool,
    keys: Vec<String>,
    more_keys: u64,
}

impl Ctx<'_> {
    fn note_key(&mut self, key: &str) {
        let mut kept: String = key.chars().take(KEY_CHARS).collect();
        if kept.len() < key.len() {
            kept.push('…');
        }
        if self.keys.contains(&kept) {
            return;
        }
        if self.keys.len() < KEYS_KEPT {
            self.keys.push(kept);
        } else {
            self.more_keys += 1;
        }
    }

    fn missing_array(&self) -> FormatError {
        let wanted = self.kind.array_key();
        if self.keys.is_empty() {
            return FormatError::whole(format!(
                "the NERM page is an empty object; expected a `{wanted}` array"
            ));
        }
        let mut message = format!("the NERM page has no `{wanted}` array; its keys are: ");
        for (i, key) in self.keys.iter().enumerate() {
            if i > 0 {
                message.push_str(", ");
            }
            let _ = write!(message, "`{key}`");
        }
        if self.more_keys > 0 {
            let _ = write!(message, " and {} more", self.more_keys);
        }
        let other = self.kind.other();
        if self.keys.iter().any(|k| k == other.array_key()) {
            let _ = write!(message, " (is it {}?)", other.page_name());
        }
        FormatError::whole(message)
    }
}

/// The text of an `error`/`errors` value.
fn error_text(json: Json) -> String {
    match json {
        Json::String(text) => text,
        Json::Array(items) if items.iter().all(|i| matches!(i, Json::String(_))) => items
            .into_iter()
            .filter_map(|i| match i {
                Json::String(text) => Some(text),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.compact(),
    }
}

struct PageVisitor<'a, 'e> {
    ctx: &'a mut Ctx<'e>,
}

impl<'de> Visitor<'de> for PageVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "a NERM page: a JSON object with a `{}` array",
            self.ctx.kind.array_key()
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let ctx = self.ctx;
        let wanted = ctx.kind.array_key();
        while let Some(key) = map.next_key::<String>()? {
            ctx.note_key(&key);
            if key == wanted {
                if ctx.seen_array {
                    return Err(de::Error::custom(format!(
                        "the page has a second `{wanted}` key"
                    )));
                }
                ctx.seen_array = true;
                map.next_value_seed(ArraySeed { ctx: &mut *ctx })?;
            } else if key == "error" || key == "errors" {
                let value = map.next_value_seed(JsonSeed { track: &ctx.track })?;
                if value != Json::Null {
                    ctx.failure = Some(FormatError::whole(format!(
                        "the NERM answer is an error: {}",
                        error_text(value)
                    )));
                    return Err(de::Error::custom("error answer"));
                }
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// The page's array.
struct ArraySeed<'a, 'e> {
    ctx: &'a mut Ctx<'e>,
}

impl<'de> DeserializeSeed<'de> for ArraySeed<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ArraySeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an array of {}s", self.ctx.kind.element())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(ElementSeed {
                ctx: &mut *self.ctx,
            })?
            .is_some()
        {}
        Ok(())
    }
}

/// One element of the page's array: read, converted and emitted.
struct ElementSeed<'a, 'e> {
    ctx: &'a mut Ctx<'e>,
}

impl<'de> DeserializeSeed<'de> for ElementSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ElementSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a {}", self.ctx.kind.element())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let ctx = self.ctx;
        // The `{` is the last byte serde_json has read.
        let line = ctx.track.try_borrow().map_or(0, |t| t.newlines + 1);
        let entries = read_entries(map, &ctx.track)?;
        let record = build_record(ctx.kind, line, entries);
        ctx.emitted += 1;
        if !(ctx.emit)(record) {
            ctx.stopped = true;
            return Err(de::Error::custom("stopped"));
        }
        Ok(())
    }
}

fn read_page<R: Read>(
    input: R,
    kind: Kind,
    emit: &mut dyn FnMut(Record) -> bool,
) -> Result<u64, FormatError> {
    let reader = open(input)?;
    let skipped = reader.head_at as u64;
    let track = Rc::clone(&reader.track);
    let mut ctx = Ctx {
        kind,
        track: Rc::clone(&track),
        emit,
        emitted: 0,
        stopped: false,
        failure: None,
        seen_array: false,
        keys: Vec::new(),
        more_keys: 0,
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let result = (&mut de)
        .deserialize_map(PageVisitor { ctx: &mut ctx })
        .and_then(|()| de.end());
    match result {
        Ok(()) if ctx.seen_array => Ok(ctx.emitted),
        Ok(()) => Err(ctx.missing_array()),
        Err(_) if ctx.stopped => Ok(ctx.emitted),
        Err(err) => match ctx.failure.take() {
            Some(failure) => Err(failure),
            None => {
                let offset = track.try_borrow().map_or(0, |t| t.offset) + skipped;
                Err(from_json_error(&err, offset))
            }
        },
    }
}

/// A serde_json error as a [`FormatError`] at its line and column (without serde_json's own
/// " at line L column C" suffix).
fn from_json_error(err: &serde_json::Error, offset: u64) -> FormatError {
    let text = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    let message = text.strip_suffix(suffix.as_str()).unwrap_or(&text);
    if err.is_io() {
        return FormatError::at_byte(offset, format!("could not read the input: {message}"));
    }
    if err.line() == 0 {
        return FormatError::whole(message);
    }
    let column = (err.column() > 0).then_some(err.column() as u64);
    FormatError::at_line(err.line() as u64, column, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users(data: &[u8]) -> (Vec<Record>, Result<u64, FormatError>) {
        let mut records = Vec::new();
        let result = read_users(data, &mut |r| {
            records.push(r);
            true
        });
        (records, result)
    }

    fn sessions(data: &[u8]) -> (Vec<Record>, Result<u64, FormatError>) {
        let mut records = Vec::new();
        let result = read_workflow_sessions(data, &mut |r| {
            records.push(r);
            true
        });
        (records, result)
    }

    fn t(s: &str) -> Value {
        Value::Text(s.to_string())
    }

    fn list(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| s.to_string()).collect())
    }

    fn record(line: u64, fields: &[(&'static str, Value)]) -> Record {
        let mut r = Record::new(line);
        for (name, value) in fields {
            r.push(*name, value.clone());
        }
        r
    }

    fn err(result: Result<u64, FormatError>) -> FormatError {
        match result {
            Ok(n) => panic!("expected an error, got Ok({n})"),
            Err(e) => e,
        }
    }

    const PAGE1: &[u8] = include_bytes!("../../../testdata/readers/nerm/users-page1.json");
    const PAGE2: &[u8] = include_bytes!("../../../testdata/readers/nerm/users-page2.json");
    const SESSIONS: &[u8] = include_bytes!("../../../testdata/readers/nerm/sessions-page1.json");
    const ERROR: &[u8] = include_bytes!("../../../testdata/readers/nerm/error.json");
    const TRUNCATED: &[u8] = include_bytes!("../../../testdata/readers/nerm/truncated.json");
    const USERS_OBJECT: &[u8] = include_bytes!("../../../testdata/readers/nerm/users-object.json");

    #[test]
    fn seed_users_page() {
        let (records, result) = users(PAGE1);
        assert_eq!(result, Ok(1));
        let id = t("db6f8e8b-65c2-47d5-a0db-90bcc4e9df9e");
        assert_eq!(
            records,
            [record(
                3,
                &[
                    ("id", id.clone()),
                    ("uid", id),
                    ("name", t("bob")),
                    ("email", t("example@sailpoint.com")),
                    ("type", t("NeprofileUser")),
                    ("title", t("mytitle")),
                    ("status", t("Active")),
                    ("login", t("bob")),
                    ("last_login", t("2023-05-01T09:12:28Z")),
                    ("cookies_accepted_at", t("2023-05-01T09:12:28Z")),
                    ("preferred_language", t("en-US")),
                ]
            )]
        );
    }

    #[test]
    fn second_users_page_with_metadata_first() {
        let (records, result) = users(PAGE2);
        assert_eq!(result, Ok(3));
        assert_eq!(
            records,
            [
                record(
                    10,
                    &[
                        ("id", t("5b0c9a1e-7f3d-4c2a-9e8b-1d2f3a4b5c6d")),
                        ("uid", t("5b0c9a1e7f3d4c2a9e8b1d2f3a4b5c6d")),
                        ("name", t("Priya Raman")),
                        ("email", t("priya.raman@contractor.example.com")),
                        ("type", t("NeprofileUser")),
                        ("title", t("Data Engineer (contract)")),
                        ("status", t("Active")),
                        ("login", t("praman")),
                        ("last_login", t("2024-02-12T08:41:07Z")),
                        ("cookies_accepted_at", t("2023-11-02T14:03:55Z")),
                        ("preferred_language", t("en-GB")),
                    ]
                ),
                record(
                    23,
                    &[
                        ("id", t("a7e4d2c1-3b5f-4e6a-8c9d-0f1e2d3c4b5a")),
                        ("uid", t("a7e4d2c13b5f4e6a8c9d0f1e2d3c4b5a")),
                        ("name", t("Jürgen Müller")),
                        ("email", t("j.mueller@partner.example.de")),
                        ("type", t("NeaccessUser")),
                        ("title", t("Site electrician")),
                        ("status", t("Disabled")),
                        ("login", t("jmueller")),
                        ("last_login", Value::Null),
                        ("cookies_accepted_at", Value::Null),
                        ("preferred_language", t("de-DE")),
                    ]
                ),
                record(
                    35,
                    &[
                        ("id", t("c3d9f0b8-2a1e-4f7c-b6d5-e4a3b2c1d0f9")),
                        ("uid", t("c3d9f0b82a1e4f7cb6d5e4a3b2c1d0f9")),
                        ("name", t("Ana Lucía Ortega")),
                        ("email", t("ana.ortega@contractor.example.com")),
                        ("type", t("NeprofileUser")),
                        ("title", t("UX researcher")),
                        ("status", t("Active")),
                        ("login", t("aortega")),
                        ("last_login", t("2024-03-01T17:22:40Z")),
                        ("cookies_accepted_at", t("2024-01-15T09:00:00Z")),
                        ("preferred_language", t("es-MX")),
                        ("created_at", t("2023-12-20T10:15:00Z")),
                    ]
                ),
            ]
        );
    }

    #[test]
    fn sessions_page() {
        let (records, result) = sessions(SESSIONS);
        assert_eq!(result, Ok(3));
        assert_eq!(
            records,
            [
                record(
                    3,
                    &[
                        ("id", t("0f3e2d1c-9b8a-4765-8432-10fedcba9876")),
                        ("uid", t("0f3e2d1c9b8a4765843210fedcba9876")),
                        ("workflow_id", t("9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d")),
                        ("requester_id", t("1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d")),
                        ("requester_type", t("User")),
                        ("profile_id", Value::Null),
                        ("profile_ids", list(&[])),
                        ("status", t("completed")),
                        ("attributes.first_name", t("Priya")),
                        ("attributes.last_name", t("Raman")),
                        ("attributes.email", t("priya.raman@contractor.example.com")),
                        ("attributes.phone", t("+44 20 7946 0958")),
                        ("attributes.start_date", t("2024-03-01")),
                        ("attributes.end_date", t("2024-08-31")),
                        ("attributes.department", t("Data Platform")),
                        ("attributes.vendor.name", t("Northwind Staffing Ltd")),
                        (
                            "attributes.vendor.contact.email",
                            t("accounts@northwind.example.com")
                        ),
                        ("attributes.skills", list(&["Spark", "Airflow", "SQL"])),
                        ("attributes.hourly_rate", t("85.50")),
                        ("attributes.badge_number", t("12345678901234567890")),
                    ]
                ),
                record(
                    31,
                    &[
                        ("id", t("7c6b5a49-3827-4165-a0b9-c8d7e6f5a4b3")),
                        ("uid", t("7c6b5a4938274165a0b9c8d7e6f5a4b3")),
                        ("workflow_id", t("9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d")),
                        ("requester_id", t("2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e")),
                        ("requester_type", t("NeprofileUser")),
                        ("profile_id", t("d4c3b2a1-0f9e-4d8c-b7a6-5f4e3d2c1b0a")),
                        ("profile_ids", Value::Null),
                        ("status", t("rejected")),
                        ("attributes.first_name", t("Jürgen")),
                        ("attributes.last_name", t("Müller")),
                        ("attributes.email", t("j.mueller@partner.example.de")),
                        ("attributes.phone", t("4989123456")),
                        ("attributes.start_date", t("2024-04-15")),
                        ("attributes.end_date", t("2024-04-01")),
                        ("attributes.department", t("Facilities")),
                        ("attributes.vendor.name", t("Elektro Bayern GmbH")),
                        ("attributes.vendor.contact.email", Value::Null),
                        ("attributes.skills", list(&["electrical", "HV certified"])),
                        (
                            "attributes.equipment",
                            t(r#"[{"type":"laptop","asset":"LT-0042"}]"#)
                        ),
                        (
                            "attributes.rejection_reason",
                            t("End date before start date")
                        ),
                    ]
                ),
                record(
                    54,
                    &[
                        ("id", t("e1d2c3b4-a596-4877-8695-a4b3c2d1e0f9")),
                        ("uid", t("e1d2c3b4a59648778695a4b3c2d1e0f9")),
                        ("workflow_id", t("3f2e1d0c-b9a8-4796-8574-63524130f2e1")),
                        ("requester_id", t("1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d")),
                        ("requester_type", t("User")),
                        ("profile_id", Value::Null),
                        (
                            "profile_ids",
                            list(&[
                                "aa11bb22-cc33-4d44-8e55-ff6677889900",
                                "bb22cc33-dd44-4e55-9f66-00778899aabb"
                            ])
                        ),
                        ("status", t("pending_approval")),
                        ("attributes.first_name", t("Ana Lucía")),
                        ("attributes.last_name", t("Ortega")),
                        ("attributes.email", t("ana.ortega@contractor.example.com")),
                        ("attributes.phone", t("+52 55 1234 5678")),
                        ("attributes.start_date", t("2024-05-06")),
                        ("attributes.end_date", t("2025-05-05")),
                        ("attributes.department", t("Design")),
                        ("attributes.vendor", Value::Null),
                        ("attributes.skills", list(&[])),
                        ("attributes.remote", t("true")),
                        ("created_at", t("2024-04-20T11:30:00Z")),
                    ]
                ),
            ]
        );
    }

    #[test]
    fn wrong_reader_for_the_page_names_the_keys() {
        let e = err(read_workflow_sessions(PAGE1, &mut |_| true));
        assert_eq!(
            e,
            FormatError::whole(
                "the NERM page has no `workflow_sessions` array; its keys are: `users`, \
                 `_metadata` (is it a users page?)"
            )
        );
        let e = err(read_users(SESSIONS, &mut |_| true));
        assert_eq!(
            e.to_string(),
            "the NERM page has no `users` array; its keys are: `workflow_sessions`, `_metadata` \
             (is it a workflow-sessions page?)"
        );
        assert_eq!(
            err(users(b" {} ").1).to_string(),
            "the NERM page is an empty object; expected a `users` array"
        );
        let many: String = (0..25).map(|i| format!("\"k{i}\": {i},")).collect();
        let page = format!("{{{many} \"k0\": 1, \"last\": null}}");
        let e = err(users(page.as_bytes()).1);
        assert!(
            e.message.ends_with("`k18`, `k19` and 6 more"),
            "{}",
            e.message
        );
    }

    #[test]
    fn error_answers() {
        let (records, result) = users(ERROR);
        assert!(records.is_empty());
        assert_eq!(
            err(result),
            FormatError::whole("the NERM answer is an error: Sorry something went wrong")
        );
        let bad_request =
            br#"{"error": "Invalid JSON syntax. Please check your syntax and try again."}"#;
        assert_eq!(
            err(sessions(bad_request).1).to_string(),
            "the NERM answer is an error: Invalid JSON syntax. Please check your syntax and try again."
        );
        let several = br#"{"errors": ["limit is too large", "order is unknown"]}"#;
        assert_eq!(
            err(users(several).1).to_string(),
            "the NERM answer is an error: limit is too large; order is unknown"
        );
        let object = br#"{"_metadata": {}, "errors": {"limit": ["must be <= 100"]}}"#;
        assert_eq!(
            err(users(object).1).to_string(),
            r#"the NERM answer is an error: {"limit":["must be <= 100"]}"#
        );
        // A null error is no error.
        assert_eq!(users(br#"{"error": null, "users": []}"#).1, Ok(0));
    }

    #[test]
    fn truncated_page_emits_what_came_before_then_fails() {
        let (records, result) = users(TRUNCATED);
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].get("name"), Some(&t("Priya Raman")));
        assert_eq!(
            err(result),
            FormatError::at_line(29, Some(15), "EOF while parsing a value")
        );
        // Every truncation of a good page is an error (not a panic, not Ok).
        for cut in 0..PAGE2.len() - 2 {
            let (records, result) = users(&PAGE2[..cut]);
            assert!(result.is_err(), "cut at {cut}");
            assert!(records.len() <= 3);
        }
    }

    #[test]
    fn users_as_an_object_is_positioned() {
        let e = err(users(USERS_OBJECT).1);
        assert_eq!(
            e,
            FormatError::at_line(
                2,
                Some(12),
                "invalid type: map, expected an array of NERM user objects"
            )
        );
    }

    #[test]
    fn wrong_shapes() {
        assert_eq!(
            err(users(b"[1, 2]").1),
            FormatError::at_line(
                1,
                Some(1),
                "invalid type: sequence, expected a NERM page: a JSON object with a `users` array"
            )
        );
        assert_eq!(
            err(users(b"{\"users\": [\n {\"id\": \"a\"},\n \"bob\"\n]}").1),
            FormatError::at_line(
                3,
                Some(6),
                "invalid type: string \"bob\", expected a NERM user object"
            )
        );
        assert_eq!(
            err(sessions(b"{\"workflow_sessions\": null}").1),
            FormatError::at_line(
                1,
                Some(26),
                "invalid type: null, expected an array of NERM workflow-session objects"
            )
        );
        assert_eq!(
            err(users(b"{\"users\": [], \"users\": []}").1).to_string(),
            "line 1, column 22: the page has a second `users` key"
        );
        assert_eq!(
            err(users(b"{\"users\": []} x").1),
            FormatError::at_line(1, Some(15), "trailing characters")
        );
        assert_eq!(
            err(users(b"").1),
            FormatError::at_line(1, None, "EOF while parsing a value")
        );
        assert_eq!(
            err(users(b"{\"users\": [{\"name\": \"b\xffb\"}]}").1),
            FormatError::at_line(1, Some(23), "invalid unicode code point")
        );
        assert_eq!(
            err(users(b"{\"users\": [{\"name\": 01}]}").1),
            FormatError::at_line(1, Some(22), "invalid number")
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = |open: &str, close: &str| {
            let mut page = String::from("{\"users\": [{\"id\": \"x\", \"deep\": ");
            page.push_str(&open.repeat(10_000));
            page.push_str(&close.repeat(10_000));
            page.push_str("}]}");
            page
        };
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            let e = err(users(deep(open, close).as_bytes()).1);
            assert_eq!(e.message, "recursion limit exceeded");
            assert_eq!(e.line, Some(1));
        }
        // At the top level.
        let e = err(users("[".repeat(10_000).as_bytes()).1);
        assert!(e.message.starts_with("invalid type: sequence"), "{e}");
        // In a skipped key serde_json needs no recursion: accepted.
        let page = format!(
            "{{\"_metadata\": {}{}, \"users\": []}}",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        assert_eq!(users(page.as_bytes()).1, Ok(0));
        // Within the limit, deep values become compact JSON.
        let page = format!(
            "{{\"users\": [{{\"deep\": [{}{}]}}]}}",
            "[".repeat(100),
            "]".repeat(100)
        );
        let (records, result) = users(page.as_bytes());
        assert_eq!(result, Ok(1));
        let expected = format!("[{}{}]", "[".repeat(100), "]".repeat(100));
        assert_eq!(records[0].get("deep"), Some(&t(&expected)));
    }

    #[test]
    fn numbers_are_kept_as_written() {
        let page = b"{\"users\": [{\"id\": 42, \"n\": [-7, 0, -0, 1.50, 1e3, 2E-2, -12.0e+01, \
            18446744073709551615, 18446744073709551616, -9223372036854775809, \
            123456789012345678901234567890.000, true, false, null, \"x\"]}]}";
        let (records, result) = users(page);
        assert_eq!(result, Ok(1));
        assert_eq!(records[0].get("id"), Some(&t("42")));
        assert_eq!(
            records[0].get("n"),
            Some(&list(&[
                "-7",
                "0",
                "-0",
                "1.50",
                "1e3",
                "2E-2",
                "-12.0e+01",
                "18446744073709551615",
                "18446744073709551616",
                "-9223372036854775809",
                "123456789012345678901234567890.000",
                "true",
                "false",
                "x"
            ]))
        );
        // In compact JSON too, and a number at the end of the line.
        let page = b"{\"users\": [{\"a\": [{\"v\": 0.10}, [1.0]], \"b\": 2.5\n}]}";
        let (records, _) = users(page);
        assert_eq!(records[0].get("a"), Some(&t(r#"[{"v":0.10},[1.0]]"#)));
        assert_eq!(records[0].get("b"), Some(&t("2.5")));
        // Too long to keep: serde_json's rendering.
        let long = format!("{{\"users\": [{{\"a\": 1.{}}}]}}", "0".repeat(2000));
        let (records, _) = users(long.as_bytes());
        assert_eq!(records[0].get("a"), Some(&t("1.0")));
    }

    #[test]
    fn json_number_syntax() {
        for good in ["0", "-0", "1.5", "10e-3", "1E+9", "-0.0e0"] {
            assert!(is_json_number(good.as_bytes()), "{good}");
        }
        for bad in [
            "", "-", "01", "1.", ".5", "1e", "1e+", "+1", "1.5.", "1-", "--1",
        ] {
            assert!(!is_json_number(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn flattening_and_duplicates() {
        let page = br#"{"workflow_sessions": [{"extra": 1, "status": "new", "attributes": {"a": {"b": {"c": "deep"}, "e": {}}, "list": [1, {"x": null}], "a": 2}, "id": {"k": "v"}, "status": "closed", "attributes.a": "literal"}]}"#;
        let (records, result) = sessions(page);
        assert_eq!(result, Ok(1));
        assert_eq!(
            records[0],
            record(
                1,
                &[
                    ("id", t(r#"{"k":"v"}"#)),
                    ("uid", Value::Null),
                    ("workflow_id", Value::Null),
                    ("requester_id", Value::Null),
                    ("requester_type", Value::Null),
                    ("profile_id", Value::Null),
                    ("profile_ids", Value::Null),
                    ("status", t("closed")),
                    ("attributes.a", t("2")),
                    ("attributes.list", t(r#"[1,{"x":null}]"#)),
                    ("extra", t("1")),
                    ("attributes.a", t("literal")),
                ]
            )
        );
        // Attributes that are not an object keep their name; users have no attributes rule.
        let (records, _) = sessions(br#"{"workflow_sessions": [{"x": 1, "attributes": "none"}]}"#);
        let names: Vec<&str> = records[0].fields[8..]
            .iter()
            .map(|(n, _)| n.as_ref())
            .collect();
        assert_eq!(names, ["attributes", "x"]);
        let (records, _) = users(br#"{"users": [{"x": 1, "attributes": {"a": "b"}}]}"#);
        let names: Vec<&str> = records[0].fields[11..]
            .iter()
            .map(|(n, _)| n.as_ref())
            .collect();
        assert_eq!(names, ["x", "attributes.a"]);
        // Many keys (the index path) still dedupe.
        let keys: String = (0..40).map(|i| format!("\"k{i}\": {i}, ")).collect();
        let page = format!("{{\"users\": [{{{keys} \"k3\": \"again\", \"k39\": null}}]}}");
        let (records, _) = users(page.as_bytes());
        assert_eq!(records[0].fields.len(), 11 + 40);
        assert_eq!(records[0].get("k3"), Some(&t("again")));
        assert_eq!(records[0].get("k39"), Some(&Value::Null));
    }

    #[test]
    fn escapes_in_compact_json() {
        let page = br#"{"users": [{"a": [{"q": "say \"hi\"\\\n\t\u0001\u00e9"}]}]}"#;
        let (records, _) = users(page);
        assert_eq!(
            records[0].get("a"),
            Some(&t(r#"[{"q":"say \"hi\"\\\n\t\u0001é"}]"#))
        );
    }

    #[test]
    fn lines_follow_newlines_only() {
        let page = b"\xef\xbb\xbf{\"users\":\r\n[\r\n\r\n  {\"id\": \"a\"}, {\"id\": \"b\"},\n\n\n\
            {\"id\":\n\"c\"},\r{\"id\": \"d\"}]}";
        let (records, result) = users(page);
        assert_eq!(result, Ok(4));
        let lines: Vec<u64> = records.iter().map(|r| r.line).collect();
        assert_eq!(lines, [4, 4, 7, 8]);
        // A BOM does not shift positions of later lines; on line 1 columns count after it.
        assert_eq!(
            err(users(b"\xef\xbb\xbf{\"users\": x}").1),
            FormatError::at_line(1, Some(11), "expected value")
        );
    }

    #[test]
    fn utf16_is_refused() {
        let text = "{\"users\": []}";
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let mut le_bom = vec![0xFF, 0xFE];
        le_bom.extend_from_slice(&le);
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        for data in [le, le_bom, be] {
            assert_eq!(
                err(users(&data).1).message,
                "the input is UTF-16 text; a NERM answer is UTF-8 JSON (save the file as UTF-8)"
            );
        }
    }

    struct Failing;

    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("disk on fire"))
        }
    }

    #[test]
    fn read_errors_are_reported() {
        let e = err(read_users(Failing, &mut |_| true));
        assert_eq!(
            e,
            FormatError::at_byte(0, "could not read the input: disk on fire")
        );
        let e = err(read_users(
            Read::chain(&b"{\"users\": [{\"id\": \"a\"},"[..], Failing),
            &mut |_| true,
        ));
        assert_eq!(
            e.to_string(),
            "byte 23: could not read the input: disk on fire"
        );
    }

    /// A users page of `n` users, produced as it is read; counts the bytes handed out.
    struct Generated {
        n: u64,
        next: u64,
        pending: Vec<u8>,
        at: usize,
        served: Rc<std::cell::Cell<u64>>,
    }

    impl Generated {
        fn new(n: u64) -> (Generated, Rc<std::cell::Cell<u64>>) {
            let served = Rc::new(std::cell::Cell::new(0));
            let page = Generated {
                n,
                next: 0,
                pending: b"{\"_metadata\": {\"total\": 100000},\n\"users\": [\n".to_vec(),
                at: 0,
                served: Rc::clone(&served),
            };
            (page, served)
        }
    }

    impl Read for Generated {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.at == self.pending.len() {
                self.pending.clear();
                self.at = 0;
                if self.next < self.n {
                    let i = self.next;
                    let comma = if i + 1 < self.n { "," } else { "" };
                    let status = if i.is_multiple_of(3) {
                        "Disabled"
                    } else {
                        "Active"
                    };
                    self.pending = format!(
                        "  {{\"id\": \"user-{i}\", \"name\": \"User {i}\",\n   \"status\": \"{status}\", \"login\": \"u{i}\"}}{comma}\n"
                    )
                    .into_bytes();
                    self.next += 1;
                } else if self.next == self.n {
                    self.pending = b"]}\n".to_vec();
                    self.next += 1;
                } else {
                    return Ok(0);
                }
            }
            let n = (self.pending.len() - self.at).min(buf.len());
            buf[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
            self.at += n;
            self.served.set(self.served.get() + n as u64);
            Ok(n)
        }
    }

    #[test]
    fn streams_100_000_users_and_stops_early() {
        let (page, served) = Generated::new(100_000);
        let mut count = 0u64;
        let mut last = None;
        let result = read_users(page, &mut |r| {
            count += 1;
            assert_eq!(r.line, 3 + 2 * (count - 1));
            last = Some(r);
            true
        });
        assert_eq!(result, Ok(100_000));
        assert_eq!(count, 100_000);
        let last = last.expect("records");
        assert_eq!(last.get("id"), Some(&t("user-99999")));
        assert_eq!(last.get("status"), Some(&t("Disabled")));
        assert_eq!(last.get("email"), Some(&Value::Null));
        assert!(served.get() > 8_000_000);

        let (page, served) = Generated::new(100_000);
        let mut seen = Vec::new();
        let result = read_users(page, &mut |r| {
            seen.push(r.line);
            seen.len() < 10
        });
        assert_eq!(result, Ok(10));
        assert_eq!(seen, [3, 5, 7, 9, 11, 13, 15, 17, 19, 21]);
        // Only about one buffer's worth of the page was read.
        assert!(served.get() < 200_000, "read {} bytes", served.get());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(proptest::arbitrary::any::<u8>(), 0..512)) {
            let _ = users(&data);
            let _ = sessions(&data);
        }

        #[test]
        fn mangled_pages_never_panic(at in 0usize..2000, byte in proptest::arbitrary::any::<u8>(), cut in 0usize..2600) {
            let mut data = SESSIONS.to_vec();
            let at = at % data.len();
            data[at] = byte;
            data.truncate(cut.min(data.len()));
            let (records, result) = sessions(&data);
            proptest::prop_assert!(records.len() <= 3);
            if let Ok(n) = result {
                proptest::prop_assert_eq!(n, records.len() as u64);
            }
        }
    }
}
