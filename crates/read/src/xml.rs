//! The streaming XML layer shared by the Xtracta and srv.asmx readers: quick-xml events with
//! positions, hardened (no DOCTYPE, bounded depth, one root, only predefined entities).
//!
//! Every event carries its line and byte column ([`Pos`]), told by a
//! [`crate::position::PositionReader`] under the parser, so that an error in a gigabyte answer
//! names its place; names and text borrow the stream's buffers, so that reading costs no
//! allocation per event. Only UTF-8 is read: a UTF-8 byte order mark is skipped, UTF-16 refused.

use std::fmt::Display;
use std::io::BufRead;

use quick_xml::errors::IllFormedError;
use quick_xml::escape::{resolve_predefined_entity, EscapeError};
use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::position::PositionReader;
use crate::{FormatError, TextStart};

/// The deepest nesting accepted: deeper elements are refused, so that depth costs neither
/// stack nor memory (real answers nest four or five levels).
pub(crate) const MAX_DEPTH: usize = 64;

/// The local part of a qualified name (`soap:Body` -> `Body`).
pub(crate) fn local(name: &str) -> &str {
    match name.rfind(':') {
        Some(colon) => name.get(colon + 1..).unwrap_or(name),
        None => name,
    }
}

/// Where an event starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pos {
    /// 1-based line.
    pub line: u64,
    /// The column, or that there is none.
    column: Column,
    /// Start, End: the element's depth (the root is 1); Text: the enclosing element's.
    pub depth: usize,
}

/// The column of a [`Pos`]. (One enum rather than an `Option` and a `bool`: `Pos` has no
/// padding, which makes returning events measurably cheaper.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    /// 1-based byte column.
    At(u64),
    /// In a document embedded as escaped text: no column.
    Embedded,
    /// Not known.
    Unknown,
}

impl Pos {
    /// A position known by its line only (no column, depth 0).
    pub(crate) fn line_only(line: u64) -> Pos {
        Pos {
            line,
            column: Column::Unknown,
            depth: 0,
        }
    }

    /// An error at this position.
    pub(crate) fn error(&self, message: impl Display) -> FormatError {
        match self.column {
            Column::At(column) => {
                FormatError::at_line(self.line, Some(column), message.to_string())
            }
            Column::Embedded => FormatError::at_line(
                self.line,
                None,
                format!("in the escaped response: {message}"),
            ),
            Column::Unknown => FormatError::at_line(self.line, None, message.to_string()),
        }
    }
}

/// The attributes of an element: (qualified name, normalized value), in document order.
pub(crate) type Attributes = Vec<(String, String)>;

/// An XML event. Names and text borrow the stream's buffers (valid until the next call), so
/// that reading costs no allocation per event.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum XmlEvent<'a> {
    /// A start tag (or an empty-element tag, then followed by its `End`), with its
    /// attributes as (qualified name, normalized value).
    Start { name: &'a str, attrs: Attributes },
    /// An end tag.
    End { name: &'a str },
    /// Character data inside the root: text (line ends normalized), CDATA, or a resolved
    /// reference. One text may come as several events.
    Text(&'a str),
    /// The end of a well-formed document.
    Eof,
}

/// What [`XmlStream::advance`] read; the data is in the stream.
#[derive(Clone, Copy)]
enum Kind {
    Start,
    End,
    Text,
    Eof,
}

/// A hardened stream of XML events with positions.
pub(crate) struct XmlStream<R> {
    reader: Reader<PositionReader<R>>,
    buf: Vec<u8>,
    /// Bytes skipped before the parser started (a byte order mark).
    origin: u64,
    /// The open elements.
    open: Open,
    /// Whether an end tag is owed after an empty-element tag (its name is in `name`).
    pending_end: bool,
    /// For an embedded document: the outer line its first line is on.
    embedded: Option<u64>,
    /// The name of the last start or end tag. Reused: no allocation per event.
    name: String,
    /// The last text. Reused: no allocation per event.
    text: String,
    /// The attributes of the last start tag.
    attrs: Attributes,
    /// The position of the last event.
    pos: Pos,
}

impl<R: BufRead> XmlStream<R> {
    /// A stream over a document.
    pub(crate) fn new(input: R) -> Result<XmlStream<R>, FormatError> {
        XmlStream::build(input, None)
    }

    /// A stream over a document that was escaped text starting on line `first_line` of
    /// an outer document: lines are the outer ones, columns are not given.
    pub(crate) fn embedded(input: R, first_line: u64) -> Result<XmlStream<R>, FormatError> {
        XmlStream::build(input, Some(first_line))
    }

    /// A stream that takes a document up inside its root element, at the start of line
    /// `line`: `input` holds the rest of the document from there (the root's content and its
    /// end tag). `root` is the root's qualified name and `root_line` the line of its start tag,
    /// for the checks and the messages that name it. Events, positions and errors are those a
    /// stream over the whole document gives from that point on.
    pub(crate) fn resume(input: R, root: &str, root_line: u64, line: u64) -> XmlStream<R> {
        let mut tracked = PositionReader::new(input);
        tracked.first_line_is(line);
        let mut stream = XmlStream::over(tracked, 0, None);
        stream.open.root_seen = true;
        stream.open.elements.push((0, root_line));
        stream.open.names.push_str(root);
        stream
    }

    fn build(input: R, embedded: Option<u64>) -> Result<XmlStream<R>, FormatError> {
        let mut tracked = PositionReader::new(input);
        let start = {
            let head = tracked
                .fill_buf()
                .map_err(|e| FormatError::whole(format!("read error: {e}")))?;
            TextStart::of(head)
        };
        if let TextStart::Utf16Bom(_) = start {
            return Err(FormatError::at_byte(
                0,
                "the document is UTF-16; only UTF-8 XML is accepted",
            ));
        }
        let mut origin = 0;
        if let TextStart::Utf8Bom = start {
            // Skipped; columns on line 1 count after it.
            let bom = start.bom_len();
            tracked.consume(bom);
            tracked.first_line_starts_at(bom as u64);
            origin = bom as u64;
        }
        let mut stream = XmlStream::over(tracked, origin, embedded);
        // The parser skips a byte order mark at its start without counting it: a second
        // mark, after the one skipped here, would shift every position. It is a character
        // before the root.
        if origin > 0 {
            let head = stream
                .reader
                .get_mut()
                .fill_buf()
                .map_err(|e| FormatError::whole(format!("read error: {e}")))?;
            if head.starts_with(b"\xEF\xBB\xBF") {
                return Err(stream.locate(0).error(outside_message(false, "text")));
            }
        }
        Ok(stream)
    }

    fn over(tracked: PositionReader<R>, origin: u64, embedded: Option<u64>) -> XmlStream<R> {
        let mut reader = Reader::from_reader(tracked);
        // End tags are checked against `open` (`Open::check_end`), which a resumed stream
        // starts with its root in, where the parser's own list would be empty.
        reader.config_mut().check_end_names = false;
        reader.config_mut().allow_unmatched_ends = true;
        XmlStream {
            reader,
            buf: Vec::new(),
            origin,
            open: Open::default(),
            pending_end: false,
            embedded,
            name: String::new(),
            text: String::new(),
            attrs: Vec::new(),
            pos: Pos {
                line: 1,
                column: Column::At(1),
                depth: 0,
            },
        }
    }

    /// The position of a parser offset, at the current depth.
    fn locate(&mut self, offset: u64) -> Pos {
        let (line, column) = self.reader.get_mut().locate(offset + self.origin);
        match self.embedded {
            Some(first) => Pos {
                line: line + first.saturating_sub(1),
                column: Column::Embedded,
                depth: self.open.depth(),
            },
            None => Pos {
                line,
                column: Column::At(column),
                depth: self.open.depth(),
            },
        }
    }

    /// The root element's start tag: name, attributes, position. Call first.
    pub(crate) fn root(&mut self) -> Result<(String, Attributes, Pos), FormatError> {
        match self.next()? {
            (XmlEvent::Start { name, attrs }, pos) => Ok((name.to_string(), attrs, pos)),
            (_, pos) => Err(pos.error("the document has no root element")),
        }
    }

    /// Reads to the end of the document, checking it.
    pub(crate) fn finish(&mut self) -> Result<(), FormatError> {
        loop {
            if let (XmlEvent::Eof, _) = self.next()? {
                return Ok(());
            }
        }
    }

    /// The next event. Outside the root only whitespace, comments, processing
    /// instructions and the XML declaration are accepted (and not reported).
    #[inline]
    pub(crate) fn next(&mut self) -> Result<(XmlEvent<'_>, Pos), FormatError> {
        let kind = self.advance().map_err(|e| *e)?;
        let event = match kind {
            Kind::Start => XmlEvent::Start {
                name: &self.name,
                attrs: std::mem::take(&mut self.attrs),
            },
            Kind::End => XmlEvent::End { name: &self.name },
            Kind::Text => XmlEvent::Text(&self.text),
            Kind::Eof => XmlEvent::Eof,
        };
        Ok((event, self.pos))
    }

    /// Reads the next event, leaving its position in `pos`, its name in `name`, its text in
    /// `text`, its attributes in `attrs`. (What it returns is small, for speed: large return
    /// values cost store-forwarding stalls on every event.)
    fn advance(&mut self) -> Result<Kind, Box<FormatError>> {
        if self.pending_end {
            self.pending_end = false;
            let start = self.reader.buffer_position();
            let pos = self.locate(start);
            self.open.close();
            self.pos = pos;
            return Ok(Kind::End);
        }
        loop {
            self.buf.clear();
            let start = self.reader.buffer_position();
            let mut pos = self.locate(start);
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(event) => event,
                Err(e) => {
                    let at = self.reader.error_position().max(start);
                    let pos = self.locate(at);
                    return Err(Box::new(match e {
                        quick_xml::Error::Io(io) => pos.error(format!("read error: {io}")),
                        other => pos.error(format!("malformed XML: {other}")),
                    }));
                }
            };
            let outside = self.open.depth() == 0;
            self.text.clear();
            match event {
                Event::Start(tag) => {
                    self.attrs = self.open.enter(&tag, &mut pos, &mut self.name)?;
                    self.pos = pos;
                    return Ok(Kind::Start);
                }
                Event::Empty(tag) => {
                    self.attrs = self.open.enter(&tag, &mut pos, &mut self.name)?;
                    self.pending_end = true;
                    self.pos = pos;
                    return Ok(Kind::Start);
                }
                Event::End(tag) => {
                    self.name.clear();
                    self.name.push_str(tag.name().as_ref());
                    self.open
                        .check_end(&self.name)
                        .map_err(|e| pos.error(format!("malformed XML: {e}")))?;
                    self.open.close();
                    self.pos = pos;
                    return Ok(Kind::End);
                }
                Event::Text(text) => {
                    if outside {
                        let content = text.trim_start_matches(is_xml_space);
                        if content.is_empty() {
                            continue;
                        }
                        // Point at the first character that is not whitespace.
                        let leading = (text.len() - content.len()) as u64;
                        let pos = self.locate(start + leading);
                        return Err(Box::new(
                            pos.error(outside_message(self.open.root_seen, "text")),
                        ));
                    }
                    self.text.push_str(&text.xml10_content());
                }
                Event::CData(data) => {
                    if outside {
                        return Err(Box::new(
                            pos.error(outside_message(self.open.root_seen, "CDATA")),
                        ));
                    }
                    self.text.push_str(&data.xml10_content());
                }
                Event::GeneralRef(reference) => {
                    let text = resolve(&reference).map_err(|m| pos.error(m))?;
                    if outside {
                        return Err(Box::new(
                            pos.error(outside_message(self.open.root_seen, "text")),
                        ));
                    }
                    self.text.push_str(&text);
                }
                Event::DocType(_) => {
                    return Err(Box::new(
                        pos.error("DOCTYPE declarations are not accepted (entity expansion)"),
                    ));
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => continue,
                Event::Eof => {
                    if let Some((name, line)) = self.open.innermost() {
                        return Err(Box::new(pos.error(format!(
                            "unexpected end of the document: <{name}> (line {line}) is not closed"
                        ))));
                    }
                    if !self.open.root_seen {
                        return Err(Box::new(pos.error("the document has no root element")));
                    }
                    self.pos = pos;
                    return Ok(Kind::Eof);
                }
            };
            self.pos = pos;
            return Ok(Kind::Text);
        }
    }
}

/// The open elements, their names kept in one string: no allocation per element.
#[derive(Default)]
struct Open {
    /// The qualified names of the open elements, one after the other.
    names: String,
    /// Where each open element's name starts in `names`, and its line.
    elements: Vec<(usize, u64)>,
    root_seen: bool,
}

impl Open {
    /// How many elements are open.
    fn depth(&self) -> usize {
        self.elements.len()
    }

    /// The innermost open element's name and line.
    fn innermost(&self) -> Option<(&str, u64)> {
        let &(from, line) = self.elements.last()?;
        Some((self.names.get(from..).unwrap_or_default(), line))
    }

    /// Checks and opens an element, copying its name into `name`; `pos` gets its depth.
    fn enter(
        &mut self,
        tag: &BytesStart<'_>,
        pos: &mut Pos,
        name_out: &mut String,
    ) -> Result<Attributes, FormatError> {
        let name = tag.name();
        let name = name.as_ref();
        name_out.clear();
        name_out.push_str(name);
        if self.elements.is_empty() && self.root_seen {
            return Err(pos.error(format!(
                "malformed XML: a second root element <{name}> after the root element"
            )));
        }
        if self.elements.len() >= MAX_DEPTH {
            return Err(pos.error(format!(
                "elements are nested deeper than {MAX_DEPTH} levels"
            )));
        }
        let attrs = attributes(name, tag, pos)?;
        self.root_seen = true;
        self.elements.push((self.names.len(), pos.line));
        self.names.push_str(name);
        pos.depth = self.elements.len();
        Ok(attrs)
    }

    /// Whether an end tag named `name` closes the innermost open element: the parser's own
    /// errors when it does not, so that messages stay those of a parser that checks them.
    fn check_end(&self, name: &str) -> Result<(), quick_xml::Error> {
        match self.innermost() {
            Some((open, _)) if open == name => Ok(()),
            Some((open, _)) => Err(quick_xml::Error::IllFormed(
                IllFormedError::MismatchedEndTag {
                    expected: open.to_string(),
                    found: name.to_string(),
                },
            )),
            None => Err(quick_xml::Error::IllFormed(
                IllFormedError::UnmatchedEndTag(name.to_string()),
            )),
        }
    }

    /// Closes the innermost open element.
    fn close(&mut self) {
        if let Some((from, _)) = self.elements.pop() {
            self.names.truncate(from);
        }
    }
}

/// The message for content outside the root element.
fn outside_message(root_seen: bool, what: &str) -> String {
    if root_seen {
        format!("malformed XML: {what} after the root element")
    } else {
        format!("malformed XML: {what} before the root element")
    }
}

/// The attributes of element `name`, checked and normalized.
pub(crate) fn attributes(
    name: &str,
    tag: &BytesStart<'_>,
    pos: &Pos,
) -> Result<Attributes, FormatError> {
    let mut attrs = Vec::new();
    if tag.attributes_raw().is_empty() {
        // The usual tag, `<name>`: nothing to parse.
        return Ok(attrs);
    }
    for attr in tag.attributes() {
        let attr = attr.map_err(|e| attribute_error(name, &e, pos))?;
        let key = attr.key.as_ref().to_string();
        let value = attr
            .normalized_value_with(XmlVersion::Implicit1_0, 1, resolve_predefined_entity)
            .map_err(|e| {
                pos.error(match e {
                    quick_xml::Error::Escape(EscapeError::UnrecognizedEntity(_, entity)) => {
                        format!(
                            "malformed XML: unknown entity &{entity}; in attribute {key} of <{name}>"
                        )
                    }
                    other => format!("malformed XML: attribute {key} of <{name}>: {other}"),
                })
            })?;
        attrs.push((key, value.into_owned()));
    }
    Ok(attrs)
}

/// A malformed attribute, at its own column.
fn attribute_error(element: &str, error: &AttrError, pos: &Pos) -> FormatError {
    let (at, what) = match error {
        AttrError::ExpectedEq(at) => (*at, "an attribute name must be followed by `=`".to_string()),
        AttrError::ExpectedValue(at) => (
            *at,
            "`=` must be followed by an attribute value".to_string(),
        ),
        AttrError::UnquotedValue(at) => (*at, "an attribute value must be quoted".to_string()),
        AttrError::ExpectedQuote(at, quote) => (
            *at,
            format!(
                "missing closing quote `{}` in an attribute value",
                char::from(*quote)
            ),
        ),
        AttrError::Duplicated(at, _) => (*at, "duplicated attribute".to_string()),
    };
    // Positions count from the character after `<`.
    let column = match pos.column {
        Column::At(column) => Column::At(column + 1 + at as u64),
        other => other,
    };
    let pos = Pos { column, ..*pos };
    pos.error(format!("malformed XML: {what} in <{element}>"))
}

/// Whether `c` is XML whitespace.
pub(crate) fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// The text of a character reference or one of the five predefined entities.
pub(crate) fn resolve(reference: &BytesRef<'_>) -> Result<String, String> {
    let name: &str = reference;
    match reference.resolve_char_ref() {
        Ok(Some(c)) => Ok(c.to_string()),
        Ok(None) => match resolve_predefined_entity(name) {
            Some(text) => Ok(text.to_string()),
            None => Err(format!("malformed XML: unknown entity &{name};")),
        },
        Err(e) => Err(format!("malformed XML: &{name};: {e}")),
    }
}
