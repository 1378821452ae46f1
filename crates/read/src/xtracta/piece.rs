//! One piece of an answer, parsed on its own: [`parse_piece`].
//!
//! A piece is a run of whole lines of the answer, held in memory, that starts either at the
//! start of the document (the prologue: declaration, root tag, status and message, perhaps
//! users) or at a line that starts a `<user>` inside the root. It is parsed from a slice (the
//! parser borrows its events: no copy, no per-event position tracking) and its records are
//! built as the sequential reader builds them.
//!
//! The parse is speculative: a piece that starts inside the root assumes it does, and the
//! caller confirms that from the piece before it. Anything the sequential reader would answer
//! differently from a plain run of users is declined ([`None`]), never guessed: a malformed
//! piece, a `DOCTYPE`, too deep a nesting, a status or message after the prologue, a bad
//! status. The caller then reads from the piece's start with the sequential reader, which gives
//! the records and the error that a reading of the whole answer gives.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::{field_value, is_nil, Collect, Reads, Target, UserBuilder};
use crate::position::{LineEnds, LineStarts};
use crate::xml::{self, local, MAX_DEPTH};
use crate::{Record, RecordPool, TextStart};

/// Where a piece starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Start {
    /// At the start of the document.
    Document,
    /// At the start of a line inside the root element, whose name the piece does not know.
    InRoot,
}

/// A piece parsed: its users and what the caller checks before taking them.
#[derive(Debug)]
pub(super) struct Piece {
    /// The users, their lines counted from the piece's first line (1).
    pub(super) records: Vec<Record>,
    /// The line breaks in the piece: the next piece starts that many lines further on.
    pub(super) breaks: u64,
    /// The end tag that closed the root, when the piece closes it.
    pub(super) root_end: Option<String>,
    /// For a piece at the start of the document: its root and message.
    pub(super) prologue: Option<Prologue>,
}

/// What the prologue piece tells the pieces after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Prologue {
    /// The root's qualified name and the line of its start tag.
    pub(super) root: String,
    pub(super) root_line: u64,
    /// The answer's `<message>`, for the message of a bad status found later.
    pub(super) message: Option<String>,
}

/// Parses a piece, the fields `reads` reads, or declines it (see the module documentation).
pub(super) fn parse_piece(bytes: &[u8], start: Start, reads: Reads) -> Option<Piece> {
    let bytes = match start {
        // As the sequential stream: a UTF-8 byte order mark is skipped (it holds no line
        // break); UTF-16 is for it to refuse.
        Start::Document => match TextStart::of(bytes) {
            // A second mark is an error, for the sequential stream to report.
            TextStart::Utf8Bom => match bytes.get(TextStart::Utf8Bom.bom_len()..)? {
                after if TextStart::of(after) == TextStart::Utf8Bom => return None,
                after => after,
            },
            TextStart::Unmarked => bytes,
            TextStart::Utf16Bom(_) | TextStart::Utf16Unmarked(_) => return None,
        },
        Start::InRoot => bytes,
    };
    let mut parser = PieceParser::new(bytes, start, reads);
    parser.run()?;
    let breaks = parser.lines.line_of(bytes.len()) - 1;
    let PieceParser {
        records,
        root_end,
        prologue,
        ..
    } = parser;
    if start == Start::Document && prologue.is_none() {
        return None;
    }
    Some(Piece {
        records,
        breaks,
        root_end,
        prologue,
    })
}

/// Lines of offsets asked for in increasing order, counted as the sequential reader counts
/// them (`\n`, `\r\n` and a lone `\r` each end a line): the bytes up to each are passed.
struct Lines<'a> {
    bytes: &'a [u8],
    starts: LineStarts,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Lines<'a> {
        Lines {
            bytes,
            starts: LineStarts::new(LineEnds::Any),
        }
    }

    /// The line of `offset`.
    fn line_of(&mut self, offset: usize) -> u64 {
        let from = usize::try_from(self.starts.scanned()).unwrap_or(usize::MAX);
        if let Some(passed) = self.bytes.get(from..offset) {
            self.starts.pass(passed);
        }
        self.starts.line()
    }
}

/// The state of a piece's parse.
struct PieceParser<'a> {
    reader: Reader<&'a [u8]>,
    start: Start,
    reads: Reads,
    lines: Lines<'a>,
    /// The qualified names of the open elements below the root (and the root's, from the
    /// document's start), one after the other, and where each starts.
    names: String,
    starts: Vec<usize>,
    /// Open elements, the root included (known or assumed).
    depth: usize,
    root_seen: bool,
    collect: Option<Collect>,
    text: String,
    user: Option<UserBuilder>,
    pool: RecordPool,
    records: Vec<Record>,
    root_end: Option<String>,
    prologue: Option<Prologue>,
}

impl<'a> PieceParser<'a> {
    fn new(bytes: &'a [u8], start: Start, reads: Reads) -> PieceParser<'a> {
        let mut reader = Reader::from_reader(bytes);
        // As the sequential stream: end tags are checked here.
        reader.config_mut().check_end_names = false;
        reader.config_mut().allow_unmatched_ends = true;
        let inside = start == Start::InRoot;
        PieceParser {
            reader,
            start,
            reads,
            lines: Lines::new(bytes),
            names: String::new(),
            starts: Vec::new(),
            depth: usize::from(inside),
            root_seen: inside,
            collect: None,
            text: String::new(),
            user: None,
            pool: RecordPool::default(),
            records: Vec::new(),
            root_end: None,
            prologue: None,
        }
    }

    /// Parses the whole piece; `None` declines it.
    fn run(&mut self) -> Option<()> {
        loop {
            let offset = usize::try_from(self.reader.buffer_position()).ok()?;
            match self.reader.read_event().ok()? {
                Event::Start(tag) => self.start_tag(&tag, offset)?,
                Event::Empty(tag) => {
                    self.start_tag(&tag, offset)?;
                    self.end_tag(None)?;
                }
                Event::End(tag) => self.end_tag(Some(tag.name().as_ref()))?,
                Event::Text(text) => {
                    if self.depth == 0 {
                        if !text.trim_start_matches(xml::is_xml_space).is_empty() {
                            return None;
                        }
                    } else if self.collecting() {
                        self.text.push_str(&text.xml10_content());
                    }
                }
                Event::CData(data) => {
                    if self.depth == 0 {
                        return None;
                    }
                    if self.collecting() {
                        self.text.push_str(&data.xml10_content());
                    }
                }
                Event::GeneralRef(reference) => {
                    let resolved = xml::resolve(&reference).ok()?;
                    if self.depth == 0 {
                        return None;
                    }
                    if self.collecting() {
                        self.text.push_str(&resolved);
                    }
                }
                Event::DocType(_) => return None,
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
                Event::Eof => {
                    // A piece ends inside the root or after it, never inside an element below.
                    return (self.depth <= 1 && self.root_seen).then_some(());
                }
            }
        }
    }

    fn collecting(&self) -> bool {
        self.collect.as_ref().is_some_and(|c| c.depth == self.depth)
    }

    /// A start tag at `offset`: checked as the sequential stream checks it, then read as the
    /// sequential reader reads it.
    fn start_tag(&mut self, tag: &BytesStart<'_>, offset: usize) -> Option<()> {
        let name = tag.name();
        let name = name.as_ref();
        if self.depth == 0 && self.root_seen || self.depth >= MAX_DEPTH {
            return None;
        }
        let nil = if tag.attributes_raw().is_empty() {
            false
        } else {
            let line = self.lines.line_of(offset);
            is_nil(&xml::attributes(name, tag, &xml::Pos::line_only(line)).ok()?)
        };
        self.depth += 1;
        self.root_seen = true;
        if self.depth > 1 || self.start == Start::Document {
            self.starts.push(self.names.len());
            self.names.push_str(name);
        }
        let local_name = local(name);
        let started = match self.depth {
            1 => {
                if local_name != "user_response" {
                    return None;
                }
                self.prologue = Some(Prologue {
                    root: name.to_string(),
                    root_line: self.lines.line_of(offset),
                    message: None,
                });
                None
            }
            2 => match local_name {
                "status" => Some(Target::Status),
                "message" => Some(Target::Message),
                "user" => {
                    self.user = Some(UserBuilder::new(self.lines.line_of(offset)));
                    None
                }
                _ => None,
            },
            3 if self.user.is_some() => self.reads.field(local_name).map(Target::Field),
            _ => None,
        };
        if let Some(target) = started {
            // Only the prologue may give a status or a message.
            if matches!(target, Target::Status | Target::Message) && self.start != Start::Document {
                return None;
            }
            self.text.clear();
            self.collect = Some(Collect::new(target, self.depth, nil));
        }
        Some(())
    }

    /// An end tag (`None`: that of an empty-element tag): checked, then read.
    fn end_tag(&mut self, name: Option<&str>) -> Option<()> {
        if self.depth == 0 {
            return None;
        }
        if let Some(from) = self.starts.pop() {
            let open = self.names.get(from..).unwrap_or_default();
            if name.is_some_and(|name| name != open) {
                return None;
            }
            if self.depth == 1 {
                self.root_end = Some(open.to_string());
            }
            self.names.truncate(from);
        } else if self.depth == 1 {
            // The root of a piece that started inside it: the caller checks the name.
            self.root_end = name.map(str::to_string);
        }
        if let Some(c) = self.collect.take_if(|c| c.depth == self.depth) {
            match c.target {
                Target::Status => {
                    if self.text.trim() != "200" {
                        return None;
                    }
                }
                Target::Message => {
                    let message = self.text.trim().to_string();
                    if let Some(prologue) = self.prologue.as_mut() {
                        prologue.message = Some(message);
                    }
                }
                Target::Field(index) => {
                    if let Some(user) = self.user.as_mut() {
                        let value = field_value(index, &self.text, c.nil, &mut self.pool);
                        user.set(index, value);
                    }
                }
            }
        } else if self.depth == 2 {
            if let Some(done) = self.user.take() {
                self.records.push(done.finish(&mut self.pool));
            }
        }
        self.depth -= 1;
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Value;

    const USERS: &[u8] = b"<user>\n <user_id>1</user_id>\n <name>A &amp; B</name>\n</user>\r\n\
                           <user><user_id>2</user_id></user>\n";

    #[test]
    fn a_run_of_users_inside_the_root_is_taken() {
        let piece = parse_piece(USERS, Start::InRoot, Reads::ALL).expect("taken");
        let lines: Vec<u64> = piece.records.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 5]);
        assert_eq!(
            piece.records[0].get("name"),
            Some(&Value::Text("A & B".into()))
        );
        assert_eq!(piece.breaks, 5);
        assert_eq!((piece.root_end, piece.prologue), (None, None));

        let last = [USERS, b"</x:user_response>\n<!-- end -->\n"].concat();
        let piece = parse_piece(&last, Start::InRoot, Reads::ALL).expect("taken");
        assert_eq!(piece.root_end.as_deref(), Some("x:user_response"));
    }

    #[test]
    fn the_prologue_gives_root_and_message() {
        let doc = b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<user_response>\n<status> 200 </status>\n\
                    <message>OK</message>\n<user/>\n";
        let piece = parse_piece(doc, Start::Document, Reads::ALL).expect("taken");
        let prologue = piece.prologue.expect("a prologue");
        assert_eq!(
            (prologue.root.as_str(), prologue.root_line),
            ("user_response", 2)
        );
        assert_eq!(prologue.message.as_deref(), Some("OK"));
        assert_eq!(piece.records.len(), 1);
    }

    #[test]
    fn what_the_sequential_reader_answers_otherwise_is_declined() {
        for (piece, start) in [
            (&b"<user_response><status>401</status>"[..], Start::Document),
            (b"<users>", Start::Document),
            (
                b"<user><status>200</status></user>\n<status>200</status>",
                Start::InRoot,
            ),
            (b"<user><name>a</user>", Start::InRoot),
            (b"<user>\n<!-- open", Start::InRoot),
            (b"<user>", Start::InRoot),
            (b"</user_response><user/>", Start::InRoot),
            (b"<!DOCTYPE x><user/>", Start::InRoot),
            (b"<user a=1/>", Start::InRoot),
            (b"<user>&foo;</user>", Start::InRoot),
        ] {
            assert!(
                parse_piece(piece, start, Reads::ALL).is_none(),
                "{:?}",
                String::from_utf8_lossy(piece)
            );
        }
    }
}
