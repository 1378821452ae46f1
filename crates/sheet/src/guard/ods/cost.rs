//! What calamine will allocate for an ods file, told by walking its `content.xml` first.
//!
//! calamine 0.38 parses the `content.xml` of an ods file whole when the workbook is opened
//! (`parse_content`, `read_table`, `read_row`, `get_datatype` and `get_range` in its `ods.rs`):
//! each row is stored with its repeated cells written out (`table:number-columns-repeated`,
//! capped at 16,384 columns), then each table is laid out as a rectangle spanning its non-empty
//! cells, with repeated rows written out too (`table:number-rows-repeated`, capped at 1,048,576
//! rows). A cell of a few bytes repeated over many rows and columns takes gigabytes there.
//!
//! [`content_cost`] walks the same XML events, through the same reader with the same settings,
//! mirroring calamine's loops event for event (which elements it takes for rows and cells, where
//! it takes a cell to end, which malformed attributes or numbers make it stop), and adds up what
//! calamine keeps: its cells, counted as they are stored and as they are laid out, and the text
//! they hold (a cell's text is copied into each repeat), and from those the memory calamine
//! takes, each string's allocation and the copy of the sheet nebulk asks for counted (a 1-byte
//! formula takes some 60 bytes a cell more than a number). It never stops counting where calamine
//! would go on; where it cannot tell whether calamine would stop (a number calamine fails to
//! parse, say) it goes on counting. A cell is counted as non-empty when calamine would give it
//! a value or a formula, or when it has any content at all: counting too many cells only makes
//! the bound larger.
//!
//! The walk takes no memory that grows with repeats: one buffer per loop, reused for every
//! event, and a few counters per table. (An event is buffered whole, a long text or tag as
//! calamine buffers it too, within the limit on what `content.xml` may unzip to.)

use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;
use quick_xml::Reader;

use super::attributes::{attribute, decoded, Attributes, MalformedAttribute};

#[cfg(test)]
mod tests;

/// calamine's cap on an ods table's rows: repeats beyond it are dropped.
const MAX_ROWS: u64 = 1_048_576;

/// calamine's cap on an ods row's cells: repeats beyond it are dropped.
const MAX_COLUMNS: u64 = 16_384;

/// calamine reserves room for a table's rectangle up front, at most this many cells.
const MAX_RESERVED_CELLS: u64 = 100_000_000;

/// What calamine keeps for a table besides its cells (its name three times, two empty ranges, a
/// map entry), counted as cells.
const TABLE_CELLS: u64 = 8;

/// What calamine keeps for a named range or expression besides its text, counted as cells.
const NAMED_EXPRESSION_CELLS: u64 = 2;

/// The text calamine may make of an entity reference (a character is at most 4 bytes).
const ENTITY_BYTES: u64 = 4;

/// A cell's value in calamine (`Data`, checked by a test).
const DATA_BYTES: u64 = 32;

/// A cell's formula in calamine (a `String`, checked by a test).
const STRING_BYTES: u64 = 24;

/// A cell as calamine stores it while reading a row: a value and a formula.
const CELL_BYTES: u64 = DATA_BYTES + STRING_BYTES;

/// The heap block of a string calamine holds (a text value, a date, a formula), besides its
/// text: the allocator rounds up and keeps a header, at least 32 bytes for a string of one byte.
const ALLOCATION_BYTES: u64 = 32;

/// What calamine will keep for a workbook's content: an upper bound.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Cost {
    /// Cells (a value and a formula each, some 56 bytes): the cells of the rows as stored, the
    /// rectangles laid out from them, one for each row, and a few for each table, named
    /// expression and style.
    pub cells: u64,
    /// Bytes of text held by those cells (strings, dates, formulas), each copy counted, and by
    /// the names of tables, named expressions and styles.
    pub text: u64,
    /// Of `cells`, those of the rectangles (laid out, or reserved up front when that is more).
    #[cfg_attr(not(test), allow(dead_code))]
    pub rectangles: u64,
    /// The memory calamine takes for all that, in bytes: each cell ([`CELL_BYTES`] as stored;
    /// laid out, its value, a formula when the table has any, and the value again in the copy of
    /// the sheet nebulk asks for), each copy of a string a cell holds ([`ALLOCATION_BYTES`]
    /// besides its text, twice in a rectangle), the text, and the largest string calamine
    /// makes of a cell's content before copying it (twice its text: it grows as it is made). A
    /// short string or formula repeated over many cells takes more for its allocations than for
    /// its text.
    pub bytes: u64,
}

/// Walks `content.xml` as calamine will and tells what calamine will keep of it; an error
/// (why) when calamine would never finish reading it: at the end of the file inside a table or
/// inside a cell's annotation, calamine 0.38 reads the end of the file again and again.
pub(super) fn content_cost<R: BufRead>(xml: R) -> Result<Cost, String> {
    let mut reader = Reader::from_reader(xml);
    // calamine's settings (parse_content).
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut walk = Walk {
        reader,
        cost: Cost::default(),
        row_buf: Vec::with_capacity(1024),
        cell_buf: Vec::with_capacity(1024),
        made: 0,
    };
    let walked = walk.content();
    // The string calamine makes of a cell's content, on top of all it keeps.
    walk.add_strings(1);
    walk.cost.bytes = walk.cost.bytes.saturating_add(walk.made.saturating_mul(2));
    match walked {
        Ok(()) | Err(Stop::Calamine) => Ok(walk.cost),
        Err(Stop::Hang(why)) => Err(why.to_string()),
    }
}

/// Why the walk stops before the end of the file.
#[derive(Debug)]
enum Stop {
    /// calamine fails here (malformed XML, an attribute or a repeat count it cannot read, an
    /// element it does not expect in a row): it keeps nothing more.
    Calamine,
    /// calamine would never finish reading the file, and why.
    Hang(&'static str),
}

impl From<MalformedAttribute> for Stop {
    fn from(_: MalformedAttribute) -> Stop {
        Stop::Calamine
    }
}

struct Walk<R> {
    reader: Reader<R>,
    cost: Cost,
    /// calamine's `row_buf`: a row's cell elements.
    row_buf: Vec<u8>,
    /// calamine's `cell_buf`: what is inside a cell.
    cell_buf: Vec<u8>,
    /// The longest text calamine has made of a cell's content so far: the string it makes
    /// (twice its text at most, as it grows) lives until the text is copied into the cells.
    made: u64,
}

/// What the top level does with an element (calamine's `parse_content`).
enum Top {
    Style(Option<u64>),
    StyleProperties,
    Table(u64),
    NamedExpressions,
    Other,
    End,
}

/// What a table does with an event (calamine's `read_table`).
enum TableStep {
    Row(usize),
    End,
    Other,
}

/// What a row does with an event (calamine's `read_row`).
enum RowStep {
    Cell(CellStart),
    End,
}

/// What a cell's text does with an event (calamine's `get_datatype`, for a string cell).
enum TextStep {
    Add(u64),
    Annotation,
    End,
}

/// A cell element's start, as calamine reads it.
struct CellStart {
    /// `table:covered-table-cell` rather than `table:table-cell`.
    covered: bool,
    /// `table:number-columns-repeated`.
    repeats: usize,
    /// calamine gives it a value or a formula from its attributes.
    valued: bool,
    /// calamine reads its content as its text.
    reads_text: bool,
    /// Bytes of text calamine makes of its attributes (a string, date or time, a formula).
    text: u64,
    /// Strings calamine allocates for it: its value (a string, a date, a time, or its content
    /// as text) and its formula, when it has them.
    strings: u64,
    /// It has a formula.
    formula: bool,
}

/// A row's cells as calamine stores them.
#[derive(Debug, Default)]
struct RowShape {
    /// Cells stored, repeats written out.
    width: u64,
    /// The first and last non-empty stored cell, 0-based.
    span: Option<(u64, u64)>,
    /// Bytes of text in one copy of the row.
    text: u64,
    /// Strings allocated for one copy of the row.
    strings: u64,
    /// A cell of the row has a formula.
    formulas: bool,
}

/// A table's rows as calamine lays them out: the rectangle from the first non-empty row to the
/// last, and from the leftmost non-empty column to the rightmost.
#[derive(Debug)]
struct TableShape {
    /// Rows counted so far, repeats written out (capped at [`MAX_ROWS`]).
    total_rows: u64,
    /// Stored rows from the first non-empty one to the last.
    rows: u64,
    /// Those rows, repeats written out.
    expanded: u64,
    /// Stored rows after the last non-empty one, and with repeats written out.
    gap_rows: u64,
    gap_expanded: u64,
    columns: Option<(u64, u64)>,
    /// Bytes of text in the rectangle.
    text: u64,
    /// Strings allocated in the rectangle.
    strings: u64,
    /// A cell of the rectangle has a formula: calamine lays the formulas out too.
    formulas: bool,
}

impl TableShape {
    fn new() -> TableShape {
        TableShape {
            total_rows: 0,
            rows: 0,
            expanded: 0,
            gap_rows: 0,
            gap_expanded: 0,
            columns: None,
            text: 0,
            strings: 0,
            formulas: false,
        }
    }

    /// Adds a row stored once and laid out `repeats` times.
    fn push(&mut self, repeats: u64, row: &RowShape) {
        let Some((first, last)) = row.span else {
            self.gap_rows = self.gap_rows.saturating_add(1);
            self.gap_expanded = self.gap_expanded.saturating_add(repeats);
            return;
        };
        if self.columns.is_some() {
            self.rows = self.rows.saturating_add(self.gap_rows);
            self.expanded = self.expanded.saturating_add(self.gap_expanded);
        }
        self.gap_rows = 0;
        self.gap_expanded = 0;
        self.rows = self.rows.saturating_add(1);
        self.expanded = self.expanded.saturating_add(repeats);
        self.columns = Some(match self.columns {
            None => (first, last),
            Some((left, right)) => (left.min(first), right.max(last)),
        });
        self.text = self.text.saturating_add(row.text.saturating_mul(repeats));
        self.strings = self
            .strings
            .saturating_add(row.strings.saturating_mul(repeats));
        self.formulas |= row.formulas;
    }

    /// The rectangle's cells (laid out, or reserved up front when that is more), text and
    /// memory: calamine keeps the rectangle, and copies its values when nebulk asks for the
    /// sheet (counted for every table).
    fn rectangle(&self) -> Cost {
        let Some((left, right)) = self.columns else {
            return Cost::default();
        };
        let width = right - left + 1;
        let laid_out = self.expanded.saturating_mul(width);
        let reserved = self.rows.saturating_mul(width).min(MAX_RESERVED_CELLS);
        let cells = laid_out.max(reserved);
        let cell_bytes = 2 * DATA_BYTES + if self.formulas { STRING_BYTES } else { 0 };
        Cost {
            cells,
            text: self.text,
            rectangles: cells,
            bytes: cells
                .saturating_mul(cell_bytes)
                .saturating_add(self.strings.saturating_mul(2 * ALLOCATION_BYTES))
                .saturating_add(self.text.saturating_mul(2)),
        }
    }
}

impl<R: BufRead> Walk<R> {
    /// Adds cells as calamine stores them (a value and a formula each), and text.
    fn add(&mut self, cells: u64, text: u64) {
        self.cost.cells = self.cost.cells.saturating_add(cells);
        self.cost.text = self.cost.text.saturating_add(text);
        self.cost.bytes = self
            .cost
            .bytes
            .saturating_add(cells.saturating_mul(CELL_BYTES))
            .saturating_add(text);
    }

    /// Adds the allocations of strings, besides their text.
    fn add_strings(&mut self, strings: u64) {
        self.cost.bytes = self
            .cost
            .bytes
            .saturating_add(strings.saturating_mul(ALLOCATION_BYTES));
    }

    fn add_rectangle(&mut self, rectangle: Cost) {
        self.cost.cells = self.cost.cells.saturating_add(rectangle.cells);
        self.cost.text = self.cost.text.saturating_add(rectangle.text);
        self.cost.bytes = self.cost.bytes.saturating_add(rectangle.bytes);
        self.cost.rectangles = self.cost.rectangles.saturating_add(rectangle.rectangles);
    }

    /// calamine's `parse_content`.
    fn content(&mut self) -> Result<(), Stop> {
        let mut buf = Vec::with_capacity(1024);
        // The length of the current style's name, when it has one.
        let mut style: Option<u64> = None;
        loop {
            buf.clear();
            let step = match self.reader.read_event_into(&mut buf) {
                Ok(Event::Start(e)) if e.name() == QName("style:style") => {
                    Top::Style(decoded(attribute(&e, "style:name")?)?.map(len))
                }
                Ok(Event::Start(e))
                    if style.is_some() && e.name() == QName("style:table-properties") =>
                {
                    if let Some(display) = decoded(attribute(&e, "table:display")?)? {
                        display.parse::<bool>().map_err(|_| Stop::Calamine)?;
                    }
                    Top::StyleProperties
                }
                Ok(Event::Start(e)) if e.name() == QName("table:table") => {
                    decoded(attribute(&e, "table:style-name")?)?;
                    match attribute(&e, "table:name")? {
                        Some(name) => Top::Table(len(decoded(Some(name))?.unwrap_or_default())),
                        None => Top::Other,
                    }
                }
                Ok(Event::Start(e)) if e.name() == QName("table:named-expressions") => {
                    Top::NamedExpressions
                }
                Ok(Event::Eof) => Top::End,
                Err(_) => return Err(Stop::Calamine),
                Ok(_) => Top::Other,
            };
            match step {
                Top::Style(name) => style = name,
                // A map entry, keyed by the style's name.
                Top::StyleProperties => self.add(1, style.unwrap_or(0)),
                Top::Table(name) => {
                    // Its name in the sheet list, as the key of the sheet map, and as nebulk
                    // lists the sheets.
                    self.add(TABLE_CELLS, name.saturating_mul(3));
                    self.table()?;
                }
                Top::NamedExpressions => self.named_expressions()?,
                Top::Other => {}
                Top::End => return Ok(()),
            }
        }
    }

    /// calamine's `read_table`; the rectangle is counted when the table ends.
    fn table(&mut self) -> Result<(), Stop> {
        let mut buf = Vec::with_capacity(1024);
        let mut shape = TableShape::new();
        loop {
            buf.clear();
            let step =
                match self.reader.read_event_into(&mut buf) {
                    Ok(Event::Start(e)) if e.name() == QName("table:table-row") => TableStep::Row(
                        match decoded(attribute(&e, "table:number-rows-repeated")?)? {
                            Some(v) => v.parse::<usize>().map_err(|_| Stop::Calamine)?,
                            None => 1,
                        },
                    ),
                    Ok(Event::End(e)) if e.name() == QName("table:table") => TableStep::End,
                    Err(_) => return Err(Stop::Calamine),
                    Ok(Event::Eof) => return Err(Stop::Hang(
                        "its content.xml ends inside a table, where calamine would read the end \
                         of the file forever (is the file cut short?)",
                    )),
                    Ok(_) => TableStep::Other,
                };
            match step {
                TableStep::Row(repeats) => {
                    let repeats = u64::try_from(repeats)
                        .unwrap_or(u64::MAX)
                        .min(MAX_ROWS.saturating_sub(shape.total_rows));
                    shape.total_rows = shape.total_rows.saturating_add(repeats);
                    let row = self.row()?;
                    // The row's place in the table's row lists.
                    self.add(1, 0);
                    shape.push(repeats, &row);
                }
                TableStep::End => {
                    self.add_rectangle(shape.rectangle());
                    return Ok(());
                }
                TableStep::Other => {}
            }
        }
    }

    /// calamine's `read_row`: the row's cells are counted as they are stored.
    fn row(&mut self) -> Result<RowShape, Stop> {
        let mut row = RowShape::default();
        // Empty cells not stored yet: they are, when another cell follows them.
        let mut pending = 0u64;
        loop {
            self.row_buf.clear();
            let step = match self.reader.read_event_into(&mut self.row_buf) {
                Ok(Event::Start(e))
                    if e.name() == QName("table:table-cell")
                        || e.name() == QName("table:covered-table-cell") =>
                {
                    RowStep::Cell(CellStart::read(&e)?)
                }
                Ok(Event::End(e)) if e.name() == QName("table:table-row") => RowStep::End,
                // An error, or anything else: calamine fails with a mismatch.
                _ => return Err(Stop::Calamine),
            };
            let cell = match step {
                RowStep::Cell(cell) => cell,
                RowStep::End => return Ok(row),
            };
            let text = if cell.reads_text {
                Some(self.cell_text()?)
            } else {
                None
            };
            // calamine skips what is left of the cell after storing it; the walk skips it
            // first, to see whether the cell has content, and stores it either way.
            let skipped = match text {
                Some(_) => Ok(false),
                None => self.skip_cell(cell.covered),
            };
            let has_content = matches!(skipped, Ok(true));
            let non_empty = cell.valued || text.is_some() || has_content;
            let cell_text = cell.text.saturating_add(text.unwrap_or(0));

            let stored_empty = pending.min(MAX_COLUMNS - row.width);
            row.width += stored_empty;
            pending = 0;
            self.add(stored_empty, 0);
            let repeats = u64::try_from(cell.repeats)
                .unwrap_or(u64::MAX)
                .min(MAX_COLUMNS - row.width);
            if non_empty {
                if repeats > 0 {
                    let last = row.width + repeats - 1;
                    row.span = Some(match row.span {
                        None => (row.width, last),
                        Some((first, _)) => (first, last),
                    });
                }
                row.width += repeats;
                row.text = row.text.saturating_add(cell_text.saturating_mul(repeats));
                row.strings = row
                    .strings
                    .saturating_add(cell.strings.saturating_mul(repeats));
                row.formulas |= cell.formula;
                // The text is made once, then copied into each repeat.
                self.add(repeats, cell_text.saturating_mul(repeats.max(1)));
                self.add_strings(cell.strings.saturating_mul(repeats.max(1)));
            } else {
                pending = repeats;
            }
            skipped?;
        }
    }

    /// calamine's reading of a string cell's content, up to the end of the first cell element
    /// (nested or not): the bytes of text it makes. calamine makes that text a character at a
    /// time (a `text:s` of a billion spaces is a billion pushes), taking up to twice its length,
    /// before copying it into the cells, or dropping it when it fails inside the cell: the
    /// largest such text is counted ([`Walk::made`]), failure or not.
    fn cell_text(&mut self) -> Result<u64, Stop> {
        let mut text = 0u64;
        let read = self.read_cell_text(&mut text);
        self.made = self.made.max(text);
        read.map(|()| text)
    }

    /// [`Walk::cell_text`]'s reading, adding the bytes of text calamine makes to `text` as it
    /// goes.
    fn read_cell_text(&mut self, text: &mut u64) -> Result<(), Stop> {
        loop {
            self.cell_buf.clear();
            let step = match self.reader.read_event_into(&mut self.cell_buf) {
                Ok(Event::Text(t)) => TextStep::Add(len(&t)),
                Ok(Event::GeneralRef(_)) => TextStep::Add(ENTITY_BYTES),
                Ok(Event::End(e))
                    if e.name() == QName("table:table-cell")
                        || e.name() == QName("table:covered-table-cell") =>
                {
                    TextStep::End
                }
                Ok(Event::Start(e)) if e.name() == QName("office:annotation") => {
                    TextStep::Annotation
                }
                Ok(Event::Start(e))
                    if e.name() == QName("text:p")
                        || e.name() == QName("text:tab")
                        || e.name() == QName("text:line-break") =>
                {
                    TextStep::Add(1)
                }
                Ok(Event::Start(e)) if e.name() == QName("text:s") => {
                    let spaces = match decoded(attribute(&e, "text:c")?)? {
                        Some(v) => v.parse::<i32>().map_err(|_| Stop::Calamine)?,
                        None => 1,
                    };
                    TextStep::Add(u64::try_from(spaces).unwrap_or(0))
                }
                Err(_) | Ok(Event::Eof) => return Err(Stop::Calamine),
                Ok(_) => TextStep::Add(0),
            };
            match step {
                TextStep::Add(n) => *text = text.saturating_add(n),
                TextStep::End => return Ok(()),
                TextStep::Annotation => self.annotation()?,
            }
        }
    }

    /// calamine's skipping of an annotation inside a string cell, up to its end.
    fn annotation(&mut self) -> Result<(), Stop> {
        loop {
            self.cell_buf.clear();
            match self.reader.read_event_into(&mut self.cell_buf) {
                Ok(Event::End(e)) if e.name() == QName("office:annotation") => return Ok(()),
                Err(_) => return Err(Stop::Calamine),
                Ok(Event::Eof) => {
                    return Err(Stop::Hang(
                        "its content.xml ends inside a cell's annotation, where calamine would \
                         read the end of the file forever (is the file cut short?)",
                    ))
                }
                Ok(_) => {}
            }
        }
    }

    /// quick-xml's `read_to_end_into`, as calamine calls it for a cell it has not read to its
    /// end: up to the matching end of a cell element of the same name. Whether anything is
    /// inside.
    fn skip_cell(&mut self, covered: bool) -> Result<bool, Stop> {
        let name = QName(if covered {
            "table:covered-table-cell"
        } else {
            "table:table-cell"
        });
        let mut depth = 0u64;
        let mut content = false;
        loop {
            self.cell_buf.clear();
            match self.reader.read_event_into(&mut self.cell_buf) {
                Err(_) | Ok(Event::Eof) => return Err(Stop::Calamine),
                Ok(Event::Start(e)) if e.name() == name => {
                    depth += 1;
                    content = true;
                }
                Ok(Event::End(e)) if e.name() == name => {
                    if depth == 0 {
                        return Ok(content);
                    }
                    depth -= 1;
                }
                Ok(_) => content = true,
            }
        }
    }

    /// calamine's `read_named_expressions`.
    fn named_expressions(&mut self) -> Result<(), Stop> {
        let mut buf = Vec::with_capacity(512);
        loop {
            buf.clear();
            match self.reader.read_event_into(&mut buf) {
                Ok(Event::Start(e))
                    if e.name() == QName("table:named-range")
                        || e.name() == QName("table:named-expression") =>
                {
                    let mut text = 0u64;
                    for attr in Attributes::of(&e) {
                        let (key, value) = attr?;
                        if matches!(
                            key,
                            "table:name" | "table:cell-range-address" | "table:expression"
                        ) {
                            text = text.saturating_add(len(value));
                        }
                    }
                    self.add(NAMED_EXPRESSION_CELLS, text);
                }
                Ok(Event::End(e))
                    if e.name() == QName("table:named-range")
                        || e.name() == QName("table:named-expression") => {}
                Ok(Event::End(e)) if e.name() == QName("table:named-expressions") => return Ok(()),
                // An error, or anything else: calamine fails with a mismatch.
                _ => return Err(Stop::Calamine),
            }
        }
    }
}

impl CellStart {
    /// The repeat count, then the attributes as calamine's `get_datatype` reads them.
    fn read(e: &BytesStart<'_>) -> Result<CellStart, Stop> {
        let repeats = match attribute(e, "table:number-columns-repeated")? {
            // Not unescaped: calamine parses the attribute as written.
            Some(v) => v.parse::<usize>().map_err(|_| Stop::Calamine)?,
            None => 1,
        };
        let mut valued = false;
        let mut value_set = false;
        let mut string_type = false;
        let mut error_type = false;
        let mut empty_string = false;
        let mut value_string = false;
        let mut formula = false;
        let mut text = 0u64;
        for attr in Attributes::of(e) {
            let (key, value) = attr?;
            match key {
                "office:value" | "office:boolean-value" if !value_set => {
                    value_set = true;
                    valued = true;
                }
                "office:string-value" | "office:date-value" | "office:time-value" if !value_set => {
                    value_set = true;
                    valued = true;
                    // Unescaping never makes text longer.
                    text = text.saturating_add(len(value));
                    empty_string = key == "office:string-value" && value.is_empty();
                    value_string = true;
                }
                "office:value-type" if !value_set => string_type = value == "string",
                "calcext:value-type" => error_type = value == "error",
                "table:formula" => {
                    valued |= !value.is_empty();
                    formula |= !value.is_empty();
                    text = text.saturating_add(len(value));
                }
                _ => {}
            }
        }
        let reads_text = (!value_set && string_type) || (error_type && empty_string);
        Ok(CellStart {
            covered: e.name() == QName("table:covered-table-cell"),
            repeats,
            valued,
            reads_text,
            text,
            // The text read replaces an empty string value.
            strings: u64::from(value_string || reads_text) + u64::from(formula),
            formula,
        })
    }
}

/// The length of `s` in bytes, as a count.
fn len(s: impl AsRef<str>) -> u64 {
    u64::try_from(s.as_ref().len()).unwrap_or(u64::MAX)
}
