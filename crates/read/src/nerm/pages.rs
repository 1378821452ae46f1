//! A NERM page read through serde_json: the page object, its array, and each element made a
//! record and pushed into the sink as soon as it is read.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::io::BufRead;
use std::rc::Rc;

use serde::de::{
    self, DeserializeSeed, Deserializer as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use super::elements::Elements;
use super::elements::{read_elements, Outcome, Shift};
use super::json::{flatten, read_entries, to_value, Entries, Json, JsonSeed, Reading, SkipKeys};
use super::source::{open, Shared};
use super::track::Tracker;
use super::{SESSION_FIELDS, USER_FIELDS};
use crate::{FormatError, Projection, Record, RecordPool, RecordSink, Value};

/// Which page is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Page {
    /// `GET /users`: a `users` array.
    Users,
    /// `GET /workflow_sessions`: a `workflow_sessions` array.
    Sessions,
}

impl Page {
    fn array_key(self) -> &'static str {
        match self {
            Page::Users => "users",
            Page::Sessions => "workflow_sessions",
        }
    }

    pub(super) fn fields(self) -> &'static [&'static str] {
        match self {
            Page::Users => &USER_FIELDS,
            Page::Sessions => &SESSION_FIELDS,
        }
    }

    fn element(self) -> &'static str {
        match self {
            Page::Users => "NERM user object",
            Page::Sessions => "NERM workflow-session object",
        }
    }

    fn other(self) -> Page {
        match self {
            Page::Users => Page::Sessions,
            Page::Sessions => Page::Users,
        }
    }

    fn page_name(self) -> &'static str {
        match self {
            Page::Users => "a users page",
            Page::Sessions => "a workflow-sessions page",
        }
    }
}

/// At most this many top-level key names are kept for the "no array" message.
const KEYS_KEPT: usize = 20;
/// Longest top-level key name kept for that message, in characters.
const KEY_CHARS: usize = 64;

/// The record of an element: the page's fixed fields first, then (for a session) its
/// `attributes`, then its other keys.
fn build_record(page: Page, line: u64, entries: Entries<'_>, pool: &mut RecordPool) -> Record {
    let mut record = pool.record(line, page.fields().len().max(entries.len()));
    let mut rest: Vec<Option<_>> = entries.into_iter().map(Some).collect();
    // Keys mostly come in the order of the fixed fields: look after the last one found first.
    let mut next = 0;
    let mut take = |name: &str| {
        let is = |e: &Option<(Cow<'_, str>, Json)>| matches!(e, Some((k, _)) if k == name);
        let at = match rest.get(next) {
            Some(entry) if is(entry) => next,
            _ => rest.iter().position(is)?,
        };
        next = at + 1;
        rest[at].take()
    };
    for &name in page.fields() {
        let value = take(name).map_or(Value::Null, |(_, v)| to_value(v));
        record.push(name, value);
    }
    if page == Page::Sessions {
        if let Some((key, attributes)) = take("attributes") {
            flatten(key.into_owned(), attributes, &mut record);
        }
    }
    for (key, value) in rest.into_iter().flatten() {
        flatten(key.into_owned(), value, &mut record);
    }
    record
}

/// State shared by the visitors of one page.
struct Ctx<'e, 's> {
    page: Page,
    track: Tracker,
    /// The page's input, for the element scanner; `None` reads every element through
    /// serde_json (the reference the scanner is tested against).
    source: Option<Shared<'s>>,
    /// The fixed fields no one reads ([`crate::Projection`]): their values are skipped.
    skip: Option<SkipKeys>,
    /// Where the scanner took bytes from serde_json.
    shift: Option<Shift>,
    /// Where the records go: a dynamic call per record (not per byte).
    sink: &'e mut dyn RecordSink,
    emitted: u64,
    /// The sink asked to stop; the error that unwound serde_json is not one.
    stopped: bool,
    /// An error about the page as a whole, raised through serde_json by a sentinel error.
    failure: Option<FormatError>,
    seen_array: bool,
    keys: Vec<String>,
    more_keys: u64,
}

impl Ctx<'_, '_> {
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
        let wanted = self.page.array_key();
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
        let other = self.page.other();
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

struct PageVisitor<'a, 'e, 's> {
    ctx: &'a mut Ctx<'e, 's>,
}

impl<'de> Visitor<'de> for PageVisitor<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "a NERM page: a JSON object with a `{}` array",
            self.ctx.page.array_key()
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let ctx = self.ctx;
        let wanted = ctx.page.array_key();
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
                let value = map.next_value_seed(JsonSeed {
                    reading: Reading::tracked(&ctx.track),
                })?;
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
struct ArraySeed<'a, 'e, 's> {
    ctx: &'a mut Ctx<'e, 's>,
}

impl<'de> DeserializeSeed<'de> for ArraySeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ArraySeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an array of {}s", self.ctx.page.element())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let ctx = self.ctx;
        if let Some(source) = ctx.source.take() {
            let mut records = Records {
                page: ctx.page,
                skip: ctx.skip.as_ref(),
                sink: &mut *ctx.sink,
                emitted: &mut ctx.emitted,
            };
            let (outcome, shift) = read_elements(&source, &ctx.track, &mut records);
            ctx.shift = Some(shift);
            match outcome {
                Outcome::End => return Ok(()),
                Outcome::Stopped => {
                    ctx.stopped = true;
                    return Err(de::Error::custom("stopped"));
                }
                Outcome::HandOver => {}
            }
        }
        while seq
            .next_element_seed(ElementSeed { ctx: &mut *ctx })?
            .is_some()
        {}
        Ok(())
    }
}

/// The elements the scanner takes, made records and emitted.
struct Records<'a, 'e> {
    page: Page,
    skip: Option<&'a SkipKeys>,
    sink: &'a mut (dyn RecordSink + 'e),
    emitted: &'a mut u64,
}

impl Elements for Records<'_, '_> {
    fn pool(&mut self) -> &mut RecordPool {
        self.sink.pool()
    }

    fn skip(&self) -> Option<&SkipKeys> {
        self.skip
    }

    fn element(&mut self, line: u64, entries: Entries<'_>) -> bool {
        *self.emitted += 1;
        let record = build_record(self.page, line, entries, self.sink.pool());
        self.sink.emit(record)
    }
}

/// One element of the page's array: read, converted and emitted.
struct ElementSeed<'a, 'e, 's> {
    ctx: &'a mut Ctx<'e, 's>,
}

impl<'de> DeserializeSeed<'de> for ElementSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ElementSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a {}", self.ctx.page.element())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let ctx = self.ctx;
        // The `{` is the last byte serde_json has read.
        let line = ctx.track.try_borrow().map_or(0, |t| t.line());
        let entries = read_entries(
            map,
            Reading::tracked(&ctx.track).skipping(ctx.skip.as_ref()),
        )?;
        let record = build_record(ctx.page, line, entries, ctx.sink.pool());
        ctx.emitted += 1;
        if !ctx.sink.emit(record) {
            ctx.stopped = true;
            return Err(de::Error::custom("stopped"));
        }
        Ok(())
    }
}

/// Reads one page of kind `page`, pushing each element's record into `sink` (the fixed fields
/// outside `projection` as `null`); returns how many were pushed (counting one refused).
pub(super) fn read_page<B: BufRead>(
    input: B,
    page: Page,
    projection: &Projection,
    sink: &mut dyn RecordSink,
) -> Result<u64, FormatError> {
    read_page_with(input, page, projection, sink, true)
}

/// [`read_page`], the array's elements found by the scanner when `scan` (or all read by
/// serde_json from the page).
pub(super) fn read_page_with<B: BufRead>(
    input: B,
    page: Page,
    projection: &Projection,
    sink: &mut dyn RecordSink,
    scan: bool,
) -> Result<u64, FormatError> {
    let reader = open(input)?;
    let skipped = reader.bom as u64;
    let track = Rc::clone(&reader.track);
    let mut ctx = Ctx {
        page,
        track: Rc::clone(&track),
        source: scan.then(|| Rc::clone(&reader.source)),
        skip: SkipKeys::of(
            page.fields()
                .iter()
                .copied()
                .filter(|field| !projection.reads(field))
                .collect(),
        ),
        shift: None,
        sink,
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
                let offset = track.try_borrow().map_or(0, |t| t.offset()) + skipped;
                Err(from_json_error(&err, offset, ctx.shift))
            }
        },
    }
}

/// A serde_json error as a [`FormatError`] at its line and column (without serde_json's own
/// " at line L column C" suffix), moved past the bytes the scanner took.
fn from_json_error(err: &serde_json::Error, offset: u64, shift: Option<Shift>) -> FormatError {
    let text = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    let message = text.strip_suffix(suffix.as_str()).unwrap_or(&text);
    if err.is_io() {
        return FormatError::at_byte(offset, format!("could not read the input: {message}"));
    }
    if err.line() == 0 {
        return FormatError::whole(message);
    }
    let (line, column) = (err.line() as u64, err.column() as u64);
    let (line, column) = shift.map_or((line, column), |s| s.apply(line, column));
    FormatError::at_line(line, (column > 0).then_some(column), message)
}
