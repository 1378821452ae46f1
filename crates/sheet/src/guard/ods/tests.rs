//! The ods check end to end: LibreOffice's trailing empties let through, repeat and memory
//! bombs refused, and the walk's rectangles checked against calamine's own.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io;

use calamine::Reader;
use nebulk_read::RowSource;
use proptest::prelude::*;

use super::*;
use crate::tests::books::raw_ods;
use crate::tests::{fixture_dir, format_message, known, open_err, read_all, strings, write};
use crate::SpreadsheetSource;

/// LibreOffice writes empty cells and rows up to the sheet's edges, repeated (1,024 or
/// 16,384 columns, a million rows): they are empty, and the ods check lets them through.
#[test]
fn ods_with_libreoffice_trailing_empties_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let string = |s: &str| {
        format!(
            r#"<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>{s}</text:p></table:table-cell>"#
        )
    };
    let empty_row = |repeats: u32| {
        format!(
            r#"<table:table-row table:style-name="ro1" table:number-rows-repeated="{repeats}"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#
        )
    };
    let row = |cells: &[String]| {
        format!(
            r#"<table:table-row table:style-name="ro1">{}<table:table-cell table:number-columns-repeated="{}"/></table:table-row>"#,
            cells.concat(),
            1024 - cells.len()
        )
    };
    let tables = format!(
        r#"<table:table table:name="Contractors" table:style-name="ta1"><table:table-column table:number-columns-repeated="1024"/>{}{}{}{}{}</table:table><table:table table:name="Empty"><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>"#,
        row(&[string("accountName"), string("email")]),
        row(&[
            string("ann.lee"),
            r#"<table:table-cell office:value-type="float" office:value="1042" calcext:value-type="float"><text:p>1042</text:p></table:table-cell>"#.to_string(),
        ]),
        empty_row(2),
        row(&[string("bob.ray"), string("bob@example.com")]),
        empty_row(1_048_572),
    );
    let bytes = raw_ods(&tables);
    let path = write(&dir, "trailing.ods", &bytes);
    let mut source = SpreadsheetSource::open(&path, None, &known).unwrap();
    assert_eq!(source.header(), ["accountName", "email"]);
    assert_eq!(
        read_all(&mut source),
        [
            (2, strings(&["ann.lee", "1042"])),
            (5, strings(&["bob.ray", "bob@example.com"]))
        ]
    );
    // Found by content whatever the name, as calamine reads it.
    let path = write(&dir, "trailing", &bytes);
    assert!(SpreadsheetSource::open(&path, None, &known).is_ok());
    let mut file = File::open(&path).unwrap();
    assert_eq!(check_ods(&mut file), None);

    // The fixture LibreOffice saved, trailing empties up to the sheets' edges: calamine lays
    // out 10 columns by 9 rows of Contractors and the one cell of Notes, and the check counts
    // just as many.
    let fixture = File::open(fixture_dir().join("contractors.ods")).unwrap();
    let mut zip = zip::ZipArchive::new(fixture).unwrap();
    let content = zip.by_name("content.xml").unwrap();
    let cost = cost::content_cost(io::BufReader::new(content)).unwrap();
    assert_eq!(cost.rectangles, 10 * 9 + 1, "{cost:?}");
    assert!(cost.cells < 200, "{cost:?}");
}

/// Issue 5, testdata/bad/excel-ods-repeat-bomb: calamine writes out an ods file's repeated
/// cells and rows when it opens it; a cell repeated over 16,384 columns and 6,000 rows, in
/// a file of 1 KiB, is 98 million cells, under calamine's own cap of 100 million: some 5.5 GB
/// (a value and a formula each) before nebulk could count them. Such files are refused
/// before calamine opens them.
#[test]
fn ods_repeat_bombs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = raw_ods(
        r#"<table:table table:name="Data"><table:table-row><table:table-cell office:value-type="string"><text:p>accountName</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="6000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row></table:table>"#,
    );
    assert!(bomb.len() < 2048);
    for name in ["bomb.ods", "bomb"] {
        let path = write(&dir, name, &bomb);
        assert_eq!(
            format_message(open_err(&path, None)),
            "not a spreadsheet calamine can read: its sheets would take 98336779 cells \
             once calamine writes out their repeated rows and columns, more than the \
             16777216 this reader accepts (a cell repeated over many rows and columns?)",
            "{name}"
        );
    }

    // A long text repeated: few cells, much text.
    let text = "x".repeat(100_000);
    let bomb = raw_ods(&format!(
        r#"<table:table table:name="Data"><table:table-row table:number-rows-repeated="1000"><table:table-cell office:value-type="string" table:number-columns-repeated="16"><text:p>{text}</text:p></table:table-cell></table:table-row></table:table>"#
    ));
    let path = write(&dir, "text.ods", &bomb);
    assert_eq!(
        format_message(open_err(&path, None)),
        "not a spreadsheet calamine can read: its cells would hold 1601616028 bytes of text \
         once calamine writes out their repeated rows and columns, more than the 1073741824 \
         this reader accepts (a long text repeated over many rows and columns?)"
    );

    // A table never closed: calamine 0.38 would read the end of the file forever.
    let cut = raw_ods(
        r#"<table:table table:name="Data"><table:table-row><table:table-cell office:value="1"/></table:table-row>"#,
    );
    let path = write(&dir, "cut.ods", &cut);
    assert_eq!(
        format_message(open_err(&path, None)),
        "not a spreadsheet calamine can read: its content.xml ends inside a table, where \
         calamine would read the end of the file forever (is the file cut short?)"
    );
}

/// Found with `fuzz/`, target `ods`, and its cap of 2 GiB, on inputs built to sit at the edge
/// of the limits (the last kind the target then found on its own): files of a few hundred
/// bytes that the cell and text limits above let through, on which calamine took 2 to 4 GB. A short string or formula repeated over the cells is an
/// allocation of its own in each (a 1-byte formula over 16 million cells, 2.5 GB); a long
/// text and many numbers each stayed under their own limit; the copy of the sheet nebulk
/// asks for was not counted; and the text calamine makes of a cell's content, a character at
/// a time (a `text:s` of a billion spaces), takes up to twice its length before it is copied
/// into the cells, and was not counted at all when calamine then failed inside the cell.
/// Such files are refused by calamine's memory, each part counted; numbers up to the cell
/// limit still pass.
#[test]
fn ods_memory_bombs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let refused = |rows: &str| {
        let bytes = raw_ods(&format!(
            r#"<table:table table:name="Data"><table:table-row><table:table-cell office:value-type="string" office:string-value="accountName"/><table:table-cell office:value-type="string" office:string-value="email"/></table:table-row>{rows}"#
        ));
        let path = write(&dir, "bomb.ods", &bytes);
        let message = format_message(open_err(&path, None));
        let mib = message
            .strip_prefix("not a spreadsheet calamine can read: its sheets would take some ")
            .and_then(|rest| rest.split_once(" MiB in calamine"))
            .map(|(mib, _)| mib.parse::<u64>().unwrap());
        (message, mib)
    };
    // 2.5 GB: a number and a 1-byte formula, 16,384 columns by 1,000 rows.
    assert_eq!(
        refused(
            r#"<table:table-row table:number-rows-repeated="1000"><table:table-cell office:value="1" table:formula="y" table:number-columns-repeated="16384"/></table:table-row></table:table>"#
        )
        .0,
        "not a spreadsheet calamine can read: its sheets would take some 2409 MiB in \
         calamine once it writes out their repeated rows, columns and spaces (16416780 \
         cells, each string in them an allocation of its own, and their text), more than \
         the 1024 MiB this reader accepts (a short text or formula repeated over many rows \
         and columns, or a text of many spaces?)"
    );
    for (rows, mib) in [
        // 3.5 GB: a 1-byte string and a 1-byte formula.
        (
            r#"<table:table-row table:number-rows-repeated="1000"><table:table-cell office:value-type="string" office:string-value="x" table:formula="y" table:number-columns-repeated="16384"/></table:table-row></table:table>"#,
            3440,
        ),
        // 2.6 GB: 520 MB of spaces in one cell, and 16 million numbers.
        (
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p><text:s text:c="520000000"/></text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="990"><table:table-cell office:value="1" table:number-columns-repeated="16384"/></table:table-row></table:table>"#,
            3472,
        ),
        // 530 MB of spaces in one cell (1.6 GB while the workbook was kept as nebulk copied
        // the cells): made, stored, laid out and copied, each counted.
        (
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p><text:s text:c="530000000"/></text:p></table:table-cell></table:table-row></table:table>"#,
            2527,
        ),
        // 2.1 GB, in a string of 2 GiB: a billion spaces made, copied into the cell, and
        // calamine fails on the next row.
        (
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p><text:s text:c="1070000000"/></text:p></table:table-cell></table:table-row><table:table-row>x</table:table-row>"#,
            3061,
        ),
        // 4 GB (and as many more as there are spaces): a cell calamine fails in.
        (
            r#"<table:table-row><table:table-cell office:value-type="string"><text:s text:c="2000000000"/><text:s text:c="2000000000"/><"#,
            7629,
        ),
    ] {
        let (message, got) = refused(rows);
        assert_eq!(got, Some(mib), "{message}");
    }

    // Numbers up to the cell limit (1 GB in calamine, 1.06 GB at most for the whole run).
    let bytes = raw_ods(
        r#"<table:table table:name="Data"><table:table-row table:number-rows-repeated="1000"><table:table-cell office:value="1" table:number-columns-repeated="16384"/></table:table-row></table:table>"#,
    );
    let path = write(&dir, "numbers.ods", &bytes);
    assert_eq!(check_ods(&mut File::open(&path).unwrap()), None);
}

/// A cell of a generated ods table: one of the kinds calamine reads, repeated or not.
fn ods_cell() -> impl Strategy<Value = String> {
    (0..10u8, prop::option::of(1..4u32)).prop_map(|(kind, repeats)| {
        let r = repeats.map_or(String::new(), |r| {
            format!(r#" table:number-columns-repeated="{r}""#)
        });
        match kind {
            0 => format!("<table:table-cell{r}/>"),
            1 => format!(r#"<table:table-cell office:value-type="float" office:value="1"{r}/>"#),
            2 => format!(
                r#"<table:table-cell office:value-type="string"{r}><text:p>a</text:p></table:table-cell>"#
            ),
            3 => format!(
                r#"<table:table-cell office:value-type="string" office:string-value="b"{r}/>"#
            ),
            // An empty string is a value for calamine.
            4 => format!(r#"<table:table-cell office:value-type="string"{r}/>"#),
            5 => format!(
                r#"<table:table-cell office:value-type="date" office:date-value="2024-03-01"{r}/>"#
            ),
            6 => format!(
                r#"<table:table-cell office:value-type="float" office:value="2" table:formula="of:=1+1"{r}/>"#
            ),
            7 => format!(r#"<table:table-cell office:boolean-value="true"{r}/>"#),
            8 => format!("<table:covered-table-cell{r}/>"),
            _ => format!(r#"<table:covered-table-cell office:value="1"{r}/>"#),
        }
    })
}

/// A generated ods table's rows, repeated or not.
fn ods_rows() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::option::of(1..4u32),
            prop::collection::vec(ods_cell(), 0..5),
        ),
        0..7,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .map(|(repeats, cells)| {
                let r = repeats.map_or(String::new(), |r| {
                    format!(r#" table:number-rows-repeated="{r}""#)
                });
                format!("<table:table-row{r}>{}</table:table-row>", cells.concat())
            })
            .collect()
    })
}

proptest! {
    /// The ods check's rectangles are calamine's: for each table, calamine's range holds as
    /// many cells as the check counts.
    #[test]
    fn ods_rectangles_are_calamines(tables in prop::collection::vec(ods_rows(), 1..3)) {
        let tables: String = tables
            .iter()
            .enumerate()
            .map(|(i, rows)| format!(r#"<table:table table:name="S{i}">{rows}</table:table>"#))
            .collect();
        let bytes = raw_ods(&tables);
        let mut zip = zip::ZipArchive::new(io::Cursor::new(&bytes)).unwrap();
        let content = zip.by_name("content.xml").unwrap();
        let cost = cost::content_cost(io::BufReader::new(content)).unwrap();

        let mut workbook: calamine::Ods<_> =
            calamine::open_workbook_from_rs(io::Cursor::new(bytes)).unwrap();
        let mut laid_out = 0;
        for name in workbook.sheet_names() {
            laid_out += workbook.worksheet_range(&name).unwrap().cells().count() as u64;
        }
        prop_assert_eq!(cost.rectangles, laid_out);
        prop_assert!(cost.cells >= cost.rectangles);
    }
}
