//! The ods walk against hand-written content.xml documents: what calamine stores, lays out and
//! allocates for each, counted as calamine counts it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

/// The cost of a content.xml holding `tables` in its spreadsheet, memory left out.
fn cost(tables: &str) -> Result<Cost, String> {
    counts(content_cost(document(tables).as_bytes()))
}

/// The counts of a cost, memory left out (tested on its own).
fn counts(cost: Result<Cost, String>) -> Result<Cost, String> {
    cost.map(|cost| Cost { bytes: 0, ..cost })
}

fn document(tables: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
    )
}

/// A table named `S` holding `rows`.
fn table(rows: &str) -> String {
    format!(r#"<table:table table:name="S">{rows}</table:table>"#)
}

/// Cells, text and rectangle cells of a table named `S` whose rows store `stored` cells,
/// number `rows`, and lay out `rectangle` cells.
fn table_cost(stored: u64, rows: u64, rectangle: u64, text: u64) -> Cost {
    Cost {
        cells: TABLE_CELLS + stored + rows + rectangle,
        // The name `S`, three times.
        text: 3 + text,
        rectangles: rectangle,
        bytes: 0,
    }
}

#[test]
fn stored_cells_and_rectangle() {
    // Row 1: 3 cells, columns 0 to 2. Row 2, 3 times: an empty cell, then a value in
    // column 1 (the empty cell is stored, as a cell follows it).
    let rows = r#"<table:table-row><table:table-cell office:value-type="float" office:value="1"/><table:table-cell office:value-type="float" office:value="2" table:number-columns-repeated="2"/></table:table-row><table:table-row table:number-rows-repeated="3"><table:table-cell/><table:table-cell office:value="1"/></table:table-row>"#;
    assert_eq!(cost(&table(rows)), Ok(table_cost(5, 2, 4 * 3, 0)));
    // No table name: calamine does not read the table.
    let unnamed = format!("<table:table>{rows}</table:table>");
    assert_eq!(cost(&unnamed), Ok(Cost::default()));
    assert_eq!(cost(""), Ok(Cost::default()));
}

/// LibreOffice writes empty cells and rows up to the sheet's edges, repeated: calamine
/// stores no trailing empty cell, and lays out no empty row after the last non-empty one.
#[test]
fn trailing_empty_repeats_cost_nothing() {
    let rows = r#"<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="16384"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="2"/><table:table-cell office:value-type="string" calcext:value-type="string"><text:p>email</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>phone</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16380"/></table:table-row><table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="16384"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="3"/><table:table-cell office:value-type="float" office:value="7"><text:p>7</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16380"/></table:table-row><table:table-row table:number-rows-repeated="1048568"><table:table-cell table:number-columns-repeated="16384"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#;
    // Stored: 4 cells in the header row, 4 in the other. Laid out: rows 4 to 7 (two empty
    // between), columns 2 to 3. Text: "email" and "phone" (and 1 for each paragraph), and
    // their copies.
    assert_eq!(cost(&table(rows)), Ok(table_cost(8, 6, 4 * 2, 2 * 12)));
}

/// Issue 5: one cell repeated over a million rows of 16,384 columns, in a 300-byte table.
#[test]
fn repeated_rows_and_columns_are_counted_in_full() {
    let rows = r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row>"#;
    assert_eq!(
        cost(&table(rows)),
        Ok(table_cost(16_384, 1, 1_000_000 * 16_384, 0))
    );
    // Repeats beyond calamine's caps are dropped, as calamine drops them.
    let rows = r#"<table:table-row table:number-rows-repeated="9000000"><table:table-cell office:value="1" table:number-columns-repeated="90000"/></table:table-row><table:table-row table:number-rows-repeated="5"><table:table-cell office:value="1"/></table:table-row>"#;
    assert_eq!(
        cost(&table(rows)),
        Ok(table_cost(16_385, 2, 1_048_576 * 16_384, 0))
    );
    // Row counts are unescaped as calamine unescapes them; column counts are not.
    let rows = r#"<table:table-row table:number-rows-repeated="1&#48;00"><table:table-cell office:value="1" table:number-columns-repeated="20"/></table:table-row>"#;
    assert_eq!(cost(&table(rows)), Ok(table_cost(20, 1, 1000 * 20, 0)));
    let rows = r#"<table:table-row><table:table-cell office:value="1" table:number-columns-repeated="2&#48;"/></table:table-row>"#;
    assert_eq!(
        cost(&table(rows)),
        Ok(table_cost(0, 0, 0, 0)),
        "calamine fails"
    );
}

/// Rows past calamine's last row are repeated 0 times but still stored, and calamine
/// reserves room for its rectangle by stored rows: that room is counted.
#[test]
fn room_reserved_for_rows_past_the_last() {
    let mut rows = String::from(
        r#"<table:table-row table:number-rows-repeated="1048575"><table:table-cell/></table:table-row><table:table-row><table:table-cell office:value="1"/></table:table-row>"#,
    );
    rows.push_str(&"<table:table-row/>".repeat(1000));
    rows.push_str(r#"<table:table-row><table:table-cell table:number-columns-repeated="16383"/><table:table-cell office:value="1"/></table:table-row>"#);
    assert_eq!(
        cost(&table(&rows)),
        Ok(table_cost(1 + 16_384, 1003, 1002 * 16_384, 0))
    );
}

#[test]
fn text_is_counted_with_its_copies() {
    // 1,000 bytes, 100 columns, 10 rows: stored once per column, laid out once per cell.
    let text = "x".repeat(1000);
    let rows = format!(
        r#"<table:table-row table:number-rows-repeated="10"><table:table-cell office:value-type="string" table:number-columns-repeated="100"><text:p>{text}</text:p></table:table-cell></table:table-row>"#
    );
    // The text, and 1 for its paragraph.
    assert_eq!(
        cost(&table(&rows)),
        Ok(table_cost(100, 1, 10 * 100, 1001 * 100 * 11))
    );
    // Spaces calamine writes out, entities, tabs and line breaks; an annotation is skipped.
    let rows = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="2000000000"/>&amp;<text:tab/><text:line-break/></text:p><office:annotation><text:p>note</text:p></office:annotation></table:table-cell></table:table-row>"#;
    let spaces = 2_000_000_000 + 1 + 1 + ENTITY_BYTES + 1 + 1;
    assert_eq!(cost(&table(rows)), Ok(table_cost(1, 1, 1, 2 * spaces)));
    // Strings, dates and formulas in attributes, copied into each repeat.
    let rows = r#"<table:table-row><table:table-cell office:value-type="string" office:string-value="abc" table:formula="of:=1" table:number-columns-repeated="2"/><table:table-cell office:date-value="2024-03-01"/></table:table-row>"#;
    assert_eq!(
        cost(&table(rows)),
        Ok(table_cost(3, 1, 3, 2 * (2 * 8 + 10)))
    );
}

#[test]
fn empty_looking_cells_with_content_count_as_non_empty() {
    // No value, but content: calamine reads it as empty; counted as non-empty anyway.
    let rows = r#"<table:table-row><table:table-cell table:number-columns-repeated="50"><text:p>x</text:p></table:table-cell><table:table-cell table:number-columns-repeated="9"/></table:table-row>"#;
    assert_eq!(cost(&table(rows)), Ok(table_cost(50, 1, 50, 0)));
    // Covered cells are cells too.
    let rows = r#"<table:table-row><table:covered-table-cell office:value="1" table:number-columns-repeated="4"/></table:table-row>"#;
    assert_eq!(cost(&table(rows)), Ok(table_cost(4, 1, 4, 0)));
}

/// calamine ends a string cell at the first end of a cell element, nested or not; what
/// follows is read as cells of the row, and counted so.
#[test]
fn cells_end_where_calamine_ends_them() {
    let rows = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p><table:table-cell></table:table-cell><table:table-cell office:value="1" table:number-columns-repeated="300"/></table:table-row>"#;
    assert_eq!(cost(&table(rows)), Ok(table_cost(301, 1, 301, 2 * 2)));
    // A cell that is not a string is skipped to its matching end.
    let rows = r#"<table:table-row><table:table-cell office:value="1"><table:table-cell></table:table-cell><table:table-row></table:table-row></table:table-cell></table:table-row>"#;
    assert_eq!(cost(&table(rows)), Ok(table_cost(1, 1, 1, 0)));
}

/// Where calamine fails, it keeps nothing more; the walk stops there too, keeping what
/// calamine stored until then.
#[test]
fn malformed_content_stops_where_calamine_stops() {
    let good = r#"<table:table-row><table:table-cell office:value="1" table:number-columns-repeated="7"/></table:table-row>"#;
    for bad in [
        // Text between cells.
        "<table:table-row> <table:table-cell/></table:table-row>",
        // A repeat count calamine cannot read.
        r#"<table:table-row table:number-rows-repeated="-1"></table:table-row>"#,
        r#"<table:table-row><table:table-cell table:number-columns-repeated="x"/></table:table-row>"#,
        // A malformed attribute.
        r#"<table:table-row><table:table-cell office:value=1/></table:table-row>"#,
    ] {
        let rows = format!("{good}{bad}{good}");
        assert_eq!(
            cost(&table(&rows)),
            Ok(Cost {
                cells: TABLE_CELLS + 7 + 1,
                text: 3,
                ..Cost::default()
            }),
            "{bad}"
        );
    }
    // Malformed XML.
    assert_eq!(
        counts(content_cost(
            &b"<table:table table:name=\"S\"><table:table-row><</table:table-row>"[..]
        )),
        Ok(Cost {
            cells: TABLE_CELLS,
            text: 3,
            ..Cost::default()
        })
    );
}

/// calamine 0.38 reads the end of the file forever when it ends inside a table or inside
/// a cell's annotation.
#[test]
fn content_cut_short_where_calamine_would_never_stop() {
    let cut = r#"<table:table table:name="S"><table:table-row><table:table-cell office:value="1"/></table:table-row>"#;
    assert_eq!(
        content_cost(cut.as_bytes()),
        Err(
            "its content.xml ends inside a table, where calamine would read the end of the \
             file forever (is the file cut short?)"
                .to_string()
        )
    );
    let cut = r#"<table:table table:name="S"><table:table-row><table:table-cell office:value-type="string"><office:annotation><text:p>note"#;
    assert!(content_cost(cut.as_bytes())
        .unwrap_err()
        .starts_with("its content.xml ends inside a cell's annotation"));
    // Cut inside a row: calamine fails.
    let cut =
        r#"<table:table table:name="S"><table:table-row><table:table-cell office:value="1"/>"#;
    assert!(content_cost(cut.as_bytes()).is_ok());
}

#[test]
fn styles_and_named_expressions_are_counted() {
    let content = r#"<style:style style:name="ta1"><style:table-properties table:display="true"/></style:style><style:style><style:table-properties/></style:style><table:named-expressions><table:named-range table:name="r" table:cell-range-address="$S.$A$1"/><table:named-expression table:name="e" table:expression="1+1"/></table:named-expressions>"#;
    assert_eq!(
        cost(content),
        Ok(Cost {
            cells: 1 + 2 * NAMED_EXPRESSION_CELLS,
            text: 3 + (1 + 7) + (1 + 3),
            ..Cost::default()
        })
    );
}

/// calamine's memory: cells as stored (a value and a formula), laid out (a value, a formula
/// when the table has one, the value again in nebulk's copy), strings' allocations and text.
#[test]
fn memory_is_counted() {
    let bytes = |rows: &str| {
        content_cost(document(&table(rows)).as_bytes())
            .unwrap()
            .bytes
    };
    // The table: its cells, and its name three times; each row's place; the string calamine
    // makes of the longest content of a cell, up to twice its text as it grows.
    let table = TABLE_CELLS * CELL_BYTES + 3;
    let row = CELL_BYTES;
    let made = |text: u64| ALLOCATION_BYTES + 2 * text;
    // A number: stored, laid out.
    let rows = r#"<table:table-row><table:table-cell office:value="1"/></table:table-row>"#;
    assert_eq!(
        bytes(rows),
        table + row + CELL_BYTES + 2 * DATA_BYTES + made(0)
    );
    // A string of 3 bytes (a paragraph, "ab"): one allocation, stored and laid out, and
    // the laid out one copied.
    let rows = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>ab</text:p></table:table-cell></table:table-row>"#;
    assert_eq!(
        bytes(rows),
        table
            + row
            + (CELL_BYTES + ALLOCATION_BYTES + 3)
            + (2 * DATA_BYTES + 2 * (ALLOCATION_BYTES + 3))
            + made(3)
    );
    // A number with a formula of 5 bytes, 3 columns by 2 rows: the formula is allocated for
    // each cell, and the table's formulas are laid out too.
    let rows = r#"<table:table-row table:number-rows-repeated="2"><table:table-cell office:value="1" table:formula="of:=1" table:number-columns-repeated="3"/></table:table-row>"#;
    assert_eq!(
        bytes(rows),
        table
            + row
            + 3 * (CELL_BYTES + ALLOCATION_BYTES + 5)
            + 6 * (2 * DATA_BYTES + STRING_BYTES + 2 * (ALLOCATION_BYTES + 5))
            + made(0)
    );
    // Text made in a cell calamine fails in: counted all the same.
    let rows = r#"<table:table-row><table:table-cell office:value-type="string"><text:s text:c="1000"/><text:s text:c="x"/></table:table-cell></table:table-row>"#;
    assert_eq!(bytes(rows), table + made(1000));
}

/// The sizes the memory count takes for calamine's.
#[test]
fn calamine_sizes() {
    assert_eq!(std::mem::size_of::<calamine::Data>() as u64, DATA_BYTES);
    assert_eq!(std::mem::size_of::<String>() as u64, STRING_BYTES);
}
