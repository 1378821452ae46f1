//! Every limit a spreadsheet is held to, documented once, here.
//!
//! A sheet is read whole into memory when the source is opened (Excel's limit is 1,048,576 rows
//! by 16,384 columns). For xlsx, xlsm and xlsb calamine streams the cells, and nebulk keeps only
//! the non-empty ones. xls and ods sheets are loaded by calamine as a rectangle spanning their
//! used range, and calamine loads all the sheets of an ods when it opens it, writing out its
//! repeated cells and rows (an ods stores a run of equal cells or rows once, with a count). So
//! these files are walked before calamine opens them (`guard/`), the way calamine will read
//! them, and refused when they would go past the limits below. Sheets that large are for CSV,
//! which is read as a stream.
//!
//! | limit | what it holds back | checked in |
//! |---|---|---|
//! | [`MAX_UNZIPPED_BYTES`] | a zip bomb: an xlsx, xlsm, xlsb or ods whose parts unzip to gigabytes | `guard/zip.rs`, `guard/ods.rs` |
//! | [`MAX_LAID_OUT_CELLS`] | an xls or ods whose cells are far apart, or repeated over many rows and columns | `guard/xls.rs`, `guard/ods.rs` |
//! | [`MAX_ODS_TEXT_BYTES`] | an ods whose long text is repeated over many cells | `guard/ods.rs` |
//! | [`MAX_ODS_BYTES`] | an ods on which calamine would take more than 1 GiB in all | `guard/ods.rs` |
//! | [`MAX_CELL_BYTES`] | a sheet whose cells take more than 512 MiB once read | `cells.rs` |
//! | [`MAX_COLUMNS`] | a cell position beyond column XFD becoming a row's width | `table.rs` |
//!
//! calamine's own caps on an ods (1,048,576 rows, 16,384 columns, 100 million cells reserved
//! a sheet) are mirrored where the ods walk counts them (`guard/ods/cost.rs`).

/// The most columns a sheet has (Excel's and LibreOffice's limit: column XFD). A cell beyond
/// it, which no spreadsheet program writes, makes the file malformed: its position comes from
/// the file and must not become the width of a row (a 200-byte xlsx could ask for gigabytes).
pub(crate) const MAX_COLUMNS: u32 = 16_384;

/// What the cells of a sheet may take in memory, estimated as their text plus
/// [`CELL_OVERHEAD`](crate::cells::CELL_OVERHEAD) bytes each: 512 MiB, some 8 million short
/// cells (500,000 rows of 16), 25 times the most accounts a source holds. It stops a small file
/// from making nebulk hold gigabytes: an xlsx whose shared string of some megabytes is used by a
/// few hundred cells, each holding its own copy, or a sheet of millions of tiny cells just under
/// the [`MAX_UNZIPPED_BYTES`] guard.
pub(crate) const MAX_CELL_BYTES: u64 = 512 << 20;

/// The most cells calamine may lay out for the sheets of an xls or ods workbook, all together:
/// a full sheet of xls (65,536 rows by 256 columns), some 700 MB of calamine's cells (an ods
/// cell takes more: a value and a formula). For ods this counts the rows as calamine stores
/// them and the rectangles it lays out from them, so that the empty cells and rows LibreOffice
/// repeats up to a sheet's edges cost nothing, while one cell repeated over 16,384 columns and
/// 6,000 rows in a file of 1 KiB (98 million cells, some 5.5 GB in calamine, under its own cap
/// of 100 million) is refused.
pub(crate) const MAX_LAID_OUT_CELLS: u64 = 65_536 * 256;

/// The most bytes of text calamine may hold in the cells of an ods workbook, each copy counted:
/// twice what nebulk lets a sheet's cells take ([`MAX_CELL_BYTES`]), as calamine holds a sheet's
/// text twice (the rows as read, the rectangle laid out from them).
pub(crate) const MAX_ODS_TEXT_BYTES: u64 = 2 * MAX_CELL_BYTES;

/// The most memory calamine may take for an ods workbook, in bytes, as the ods walk estimates
/// it (its cells, each string they hold, an allocation of its own: a 1-byte formula repeated
/// over 16 million cells took 2.5 GB; their text, each copy counted; and the copy of the sheet
/// nebulk asks for): what [`MAX_LAID_OUT_CELLS`] cells holding numbers take, so that the cell
/// limit stays the one that counts for them, while cells of short strings or formulas, or many
/// cells besides much text, are held to it too. nebulk's own copy of the cells comes on top,
/// within [`MAX_CELL_BYTES`].
pub(crate) const MAX_ODS_BYTES: u64 = 1 << 30;

/// The most a workbook's zipped parts may unzip to, all together, as its zip directory
/// declares them (checked before anything is unzipped), and what an ods's `content.xml` may
/// unzip to whatever the directory claims.
pub(crate) const MAX_UNZIPPED_BYTES: u64 = 2 << 30;
