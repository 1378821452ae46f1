//! Hostile inputs (issue 5): each folder of `testdata/bad/` is a golden case run like those of
//! `testdata/cases/` (see [`check_case`]), under a cap on the binary's virtual memory. Inputs
//! too large to commit are made at test time into a temporary folder, `$GEN` in the case's
//! `cmd`, by the generators below. `testdata/bad/README.md` tells what each case holds and
//! why its outcome is the right one.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::harness::{check_case, testdata, Setup};

/// The memory cap of a case without a `memory_kib` file, in KiB of virtual memory: the debug
/// binary reading a small file needs about 30 MiB of address space.
const DEFAULT_MEMORY_KIB: u64 = 128 * 1024;

/// Runs case `name` of `testdata/bad/`, its inputs made by `generate` when given, on a machine
/// whose environment sets `machine` (see [`crate::harness::run_with`]).
fn check_bad(name: &str, generate: Option<fn(&Path)>, machine: &[(&str, &str)]) {
    let case = testdata().join("bad").join(name);
    let memory_kib = match std::fs::read_to_string(case.join("memory_kib")) {
        Ok(text) => text.trim().parse().expect("memory_kib holds a number"),
        Err(_) => DEFAULT_MEMORY_KIB,
    };
    let generated = tempfile::tempdir().unwrap();
    if let Some(generate) = generate {
        generate(generated.path());
    }
    check_case(
        &case,
        &Setup {
            generated: Some(generated.path()),
            memory_kib: Some(memory_kib),
            machine,
        },
    );
}

macro_rules! bad {
    ($($test:ident => $case:literal $(, $generate:path)?;)*) => {
        $(#[test] fn $test() {
            check_bad($case, generator($case), &[]);
        })*

        /// The generator of the `$GEN` inputs of case `name` of `testdata/bad/`, if it has one.
        pub fn generator(name: &str) -> Option<fn(&Path)> {
            match name {
                $($($case => Some($generate),)?)*
                _ => None,
            }
        }
    };
}

/// Issue 9: the memory caps assume [`crate::harness::CAPPED_WORKER_THREADS`] worker threads,
/// and the harness sets them: on a machine of 64 cores (rayon's default thread count there,
/// faked with `RAYON_NUM_THREADS=64`) the cases keep their outcome instead of failing with
/// "cannot start the worker threads".
#[test]
fn capped_cases_hold_on_a_machine_of_64_cores() {
    let machine = [("RAYON_NUM_THREADS", "64")];
    for name in ["csv-nul-byte", "csv-100k-fields"] {
        check_bad(name, generator(name), &machine);
    }
}

bad! {
    csv_header_missing => "csv-header-missing";
    csv_duplicate_header => "csv-duplicate-header";
    csv_bom_before_a_quoted_header => "csv-bom-quoted-header";
    csv_utf16_little_endian => "csv-utf16le";
    csv_utf16_big_endian => "csv-utf16be";
    csv_invalid_utf8_in_one_field => "csv-invalid-utf8";
    csv_nul_byte => "csv-nul-byte";
    csv_control_characters_in_messages => "csv-control-characters";
    csv_mixed_line_ends => "csv-line-ends-mixed";
    csv_unterminated_quote_at_end_of_file => "csv-unterminated-quote";
    csv_quote_inside_an_unquoted_field => "csv-quote-in-unquoted-field";
    csv_100_mb_field => "csv-100mb-field", big_field;
    csv_100_000_fields => "csv-100k-fields", wide_row;
    csv_100_000_unknown_columns => "csv-100k-unknown-columns", wide_header;
    schema_of_100_000_columns => "schema-100k-columns", wide_template;
    csv_10_million_empty_lines => "csv-10m-empty-lines", empty_lines;
    csv_field_of_10_million_lines => "csv-field-of-10m-lines", field_of_many_lines;
    xtracta_billion_laughs => "xtracta-billion-laughs";
    xtracta_external_entity => "xtracta-external-entity";
    xtracta_10_000_deep => "xtracta-deep-nesting", deep_xtracta;
    xtracta_wrong_root => "xtracta-wrong-root";
    srv_billion_laughs => "srv-billion-laughs";
    srv_external_entity => "srv-external-entity";
    srv_10_000_deep => "srv-deep-nesting", deep_srv;
    srv_truncated_mid_tag => "srv-truncated";
    srv_wrong_root => "srv-wrong-root";
    nerm_sessions_truncated => "nerm-sessions-truncated";
    nerm_users_wrong_types => "nerm-users-wrong-types";
    nerm_users_not_objects => "nerm-users-not-objects";
    nerm_sessions_wrong_types => "nerm-sessions-wrong-types";
    nerm_users_10_000_deep => "nerm-users-deep-arrays", deep_nerm_users;
    nerm_sessions_10_000_deep => "nerm-sessions-deep-arrays", deep_nerm_sessions;
    excel_zip_bomb => "excel-zip-bomb", zip_bomb;
    excel_zip_bomb_lying_about_its_size => "excel-zip-bomb-lying", lying_zip_bomb;
    excel_shared_string_bomb => "excel-shared-string-bomb", shared_string_bomb;
    excel_random_bytes_named_xlsx => "excel-random-bytes", random_bytes_xlsx;
    excel_zip_that_is_not_a_workbook => "excel-zip-not-a-workbook", zip_not_a_workbook;
    excel_ods_repeat_bomb => "excel-ods-repeat-bomb", ods_repeat_bomb;
    excel_ods_unclosed_table => "excel-ods-unclosed-table", ods_unclosed_table;
    input_folder_of_csv_files => "input-folder";
    input_empty_folder => "input-empty-folder", empty_folder;
    output_folder_under_a_file => "output-parent-is-a-file";
    output_folder_is_a_file => "output-is-a-file";
    report_under_a_file => "report-parent-is-a-file";
}

// ---- CSV ----

/// The header and rows the generated CSV files are made of.
const HEADER: &str = "accountName,firstName,lastName,email,phone,manager,startDate,endDate\n";
const ANN: &str =
    "ann.lee,Ann,Lee,ann.lee@example.com,+1 512 555 0100,jane.doe,2026-01-05,2026-12-31\n";
const CY: &str =
    "cy.diaz,Cy,Diaz,cy.diaz@example.com,+1 512 555 0102,jane.doe,2026-01-05,2026-12-31\n";

fn create(path: PathBuf) -> BufWriter<File> {
    BufWriter::with_capacity(1 << 20, File::create(path).unwrap())
}

/// Writes `count` copies of `byte`, a MiB at a time.
fn repeat(out: &mut impl Write, byte: u8, count: usize) {
    let block = vec![byte; 1 << 20];
    let mut left = count;
    while left > 0 {
        let n = left.min(block.len());
        out.write_all(&block[..n]).unwrap();
        left -= n;
    }
}

/// Line 3 ends in a 100 MiB endDate.
fn big_field(dir: &Path) {
    let mut out = create(dir.join("big-field.csv"));
    out.write_all(HEADER.as_bytes()).unwrap();
    out.write_all(ANN.as_bytes()).unwrap();
    out.write_all(b"bo.chen,Bo,Chen,bo.chen@example.com,+1 512 555 0101,jane.doe,2026-01-05,")
        .unwrap();
    repeat(&mut out, b'x', 100 << 20);
    out.write_all(b"\n").unwrap();
    out.write_all(CY.as_bytes()).unwrap();
    out.flush().unwrap();
}

/// Line 3 has 100,000 fields.
fn wide_row(dir: &Path) {
    let mut out = create(dir.join("wide-row.csv"));
    out.write_all(HEADER.as_bytes()).unwrap();
    out.write_all(ANN.as_bytes()).unwrap();
    for i in 0..100_000 {
        let sep = if i == 0 { "" } else { "," };
        write!(out, "{sep}f{i}").unwrap();
    }
    out.write_all(b"\n").unwrap();
    out.write_all(CY.as_bytes()).unwrap();
    out.flush().unwrap();
}

/// 10,000,000 empty lines between line 2 and a row with a bad email on line 10,000,003.
fn empty_lines(dir: &Path) {
    let mut out = create(dir.join("empty-lines.csv"));
    out.write_all(HEADER.as_bytes()).unwrap();
    out.write_all(ANN.as_bytes()).unwrap();
    repeat(&mut out, b'\n', 10_000_000);
    out.write_all(b"bo.chen,Bo,Chen,bo.chen@,+1 512 555 0101,jane.doe,2026-01-05,2026-12-31\n")
        .unwrap();
    out.write_all(CY.as_bytes()).unwrap();
    out.flush().unwrap();
}

/// Line 3's endDate is a quoted field of 10,000,000 lines (`x` each); line 10,000,004 has a
/// bad email.
fn field_of_many_lines(dir: &Path) {
    let mut out = create(dir.join("many-lines.csv"));
    out.write_all(HEADER.as_bytes()).unwrap();
    out.write_all(ANN.as_bytes()).unwrap();
    out.write_all(b"bo.chen,Bo,Chen,bo.chen@example.com,+1 512 555 0101,jane.doe,2026-01-05,\"")
        .unwrap();
    let block = b"x\n".repeat(1 << 19);
    for _ in 0..(10_000_000 / (1 << 19)) {
        out.write_all(&block).unwrap();
    }
    out.write_all(&b"x\n".repeat(10_000_000 % (1 << 19)))
        .unwrap();
    out.write_all(b"\"\n").unwrap();
    out.write_all(b"cy.diaz,Cy,Diaz,cy.diaz@,+1 512 555 0102,jane.doe,2026-01-05,2026-12-31\n")
        .unwrap();
    out.flush().unwrap();
}

/// A template with the 8 system attributes and 100,000 custom ones.
fn wide_template(dir: &Path) {
    let mut out = create(dir.join("template.csv"));
    out.write_all(HEADER.trim_end().as_bytes()).unwrap();
    for i in 0..100_000 {
        write!(out, ",custom{i}").unwrap();
    }
    out.write_all(b"\n").unwrap();
    out.flush().unwrap();
}

/// A header of the 8 system attributes and 100,000 unknown columns, and one row.
fn wide_header(dir: &Path) {
    let mut out = create(dir.join("wide-header.csv"));
    out.write_all(HEADER.trim_end().as_bytes()).unwrap();
    for i in 0..100_000 {
        write!(out, ",extra{i}").unwrap();
    }
    out.write_all(b"\n").unwrap();
    out.write_all(ANN.trim_end().as_bytes()).unwrap();
    out.write_all(&b",x".repeat(100_000)).unwrap();
    out.write_all(b"\n").unwrap();
    out.flush().unwrap();
}

// ---- XML and JSON ----

/// `open` 10,000 times, `inner`, then `close` 10,000 times.
fn nested(open: &str, inner: &str, close: &str) -> String {
    let mut text = open.repeat(10_000);
    text.push_str(inner);
    text.push_str(&close.repeat(10_000));
    text
}

fn deep_xtracta(dir: &Path) {
    let text = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<user_response>\n<status>200</status>\n<user>\n<user_id>1</user_id>\n<name>{}</name>\n</user>\n</user_response>\n",
        nested("<b>", "Ann Lee", "</b>")
    );
    std::fs::write(dir.join("deep.xml"), text).unwrap();
}

fn deep_srv(dir: &Path) {
    let text = format!(
        "<response success=\"true\">\n<WorkflowRoles>\n{}\n</WorkflowRoles>\n</response>\n",
        nested(
            "<WorkflowRoles>",
            "<WorkflowRole TaskDefId=\"1\" StepNumber=\"1\" SupervisorName=\"jane.doe\" />",
            "</WorkflowRoles>"
        )
    );
    std::fs::write(dir.join("deep.xml"), text).unwrap();
}

fn deep_nerm_users(dir: &Path) {
    let text = format!(
        "{{\"users\": [\n{{\"id\": \"1\", \"login\": \"ann.lee\", \"name\": {}}}\n]}}\n",
        nested("[", "\"Ann Lee\"", "]")
    );
    std::fs::write(dir.join("deep.json"), text).unwrap();
}

fn deep_nerm_sessions(dir: &Path) {
    let text = format!(
        "{{\"workflow_sessions\": [\n{{\"id\": \"s1\", \"attributes\": {{\"first_name\": {}}}}}\n]}}\n",
        nested("[", "\"Ann\"", "]")
    );
    std::fs::write(dir.join("deep.json"), text).unwrap();
}

// ---- Spreadsheets ----

/// One entry of a zip file written by [`zip`].
struct Entry<'a> {
    name: &'a str,
    /// 0 stored, 8 deflated.
    method: u16,
    /// The entry's data as stored in the file.
    data: &'a [u8],
    /// The uncompressed size the zip claims.
    size: u32,
    crc: u32,
}

impl<'a> Entry<'a> {
    fn stored(name: &'a str, data: &'a [u8]) -> Entry<'a> {
        Entry {
            name,
            method: 0,
            data,
            size: u32::try_from(data.len()).unwrap(),
            crc: crc32(data),
        }
    }
}

fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (i, entry) in (0u32..).zip(table.iter_mut()) {
        let mut crc = i;
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
        *entry = crc;
    }
    !data.iter().fold(!0u32, |crc, &b| {
        (crc >> 8) ^ table[((crc ^ u32::from(b)) & 0xFF) as usize]
    })
}

/// A zip file (no zip64) of `entries`; the local headers and the central directory claim the
/// same sizes.
fn zip(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut directory = Vec::new();
    for entry in entries {
        let offset = u32::try_from(out.len()).unwrap();
        let mut common = Vec::new();
        common.extend_from_slice(&[20, 0, 0, 0]);
        common.extend_from_slice(&entry.method.to_le_bytes());
        common.extend_from_slice(&[0, 0, 0x21, 0]);
        common.extend_from_slice(&entry.crc.to_le_bytes());
        common.extend_from_slice(&u32::try_from(entry.data.len()).unwrap().to_le_bytes());
        common.extend_from_slice(&entry.size.to_le_bytes());
        common.extend_from_slice(&u16::try_from(entry.name.len()).unwrap().to_le_bytes());
        common.extend_from_slice(&[0, 0]);
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&common);
        out.extend_from_slice(entry.name.as_bytes());
        out.extend_from_slice(entry.data);
        directory.extend_from_slice(b"PK\x01\x02\x14\x00");
        directory.extend_from_slice(&common);
        directory.extend_from_slice(&[0; 10]);
        directory.extend_from_slice(&offset.to_le_bytes());
        directory.extend_from_slice(entry.name.as_bytes());
    }
    let directory_offset = u32::try_from(out.len()).unwrap();
    let count = u16::try_from(entries.len()).unwrap();
    out.extend_from_slice(&directory);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&u32::try_from(directory.len()).unwrap().to_le_bytes());
    out.extend_from_slice(&directory_offset.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

/// Deflate's bits, least significant first.
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    /// `count` bits of `value`, its least significant bit first.
    fn put(&mut self, value: u32, count: u32) {
        self.acc |= u64::from(value) << self.n;
        self.n += count;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code of `count` bits, its most significant bit first.
    fn code(&mut self, code: u32, count: u32) {
        let reversed = code.reverse_bits() >> (32 - count);
        self.put(reversed, count);
    }

    /// A literal byte in the fixed Huffman code.
    fn literal(&mut self, byte: u8) {
        match byte {
            0..=143 => self.code(0x30 + u32::from(byte), 8),
            _ => self.code(0x190 + u32::from(byte) - 144, 9),
        }
    }

    /// A copy of 258 bytes from 1 byte back: length code 285, distance code 0.
    fn copy_258(&mut self) {
        self.code(0b1100_0101, 8);
        self.code(0, 5);
    }
}

/// A raw deflate stream (one fixed-Huffman block) of `prefix`, then `copies` × 258 more
/// copies of its last byte, then `suffix`; it inflates to
/// `prefix.len() + 258 * copies + suffix.len()` bytes.
fn deflate_bomb(prefix: &[u8], copies: usize, suffix: &[u8]) -> Vec<u8> {
    let mut bits = Bits {
        out: Vec::with_capacity(copies * 13 / 8 + 1024),
        acc: 0,
        n: 0,
    };
    bits.put(1, 1); // the final block
    bits.put(1, 2); // fixed Huffman codes
    for &b in prefix {
        bits.literal(b);
    }
    // Eight copies are 104 bits, 13 whole bytes: once byte-aligned, those bytes repeat.
    let mut left = copies;
    while bits.n != 0 && left > 0 {
        bits.copy_258();
        left -= 1;
    }
    if left >= 8 {
        let start = bits.out.len();
        for _ in 0..8 {
            bits.copy_258();
        }
        let pattern = bits.out[start..].to_vec();
        left -= 8;
        while left >= 8 {
            bits.out.extend_from_slice(&pattern);
            left -= 8;
        }
    }
    for _ in 0..left {
        bits.copy_258();
    }
    for &b in suffix {
        bits.literal(b);
    }
    bits.code(0, 7); // end of block
    bits.put(0, 7); // flush
    bits.out
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

/// How many 258-byte copies make the bomb's sheet: 16,000,000 × 258 bytes, 3.84 GiB.
const BOMB_COPIES: usize = 16_000_000;

/// An xlsx whose sheet is a deflated stream of 3.84 GiB (mostly spaces inside
/// `<sheetData>`), 26 MB in the file, claiming `claimed` as the sheet's size (its true size
/// when `None`). The CRC is not computed (0): a reader that checks it has already inflated it
/// all.
fn bomb_xlsx(claimed: Option<u32>) -> Vec<u8> {
    let prefix = br#"<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData> "#;
    let suffix = b"</sheetData></worksheet>";
    let size = prefix.len() + 258 * BOMB_COPIES + suffix.len();
    let sheet = deflate_bomb(prefix, BOMB_COPIES, suffix);
    zip(&[
        Entry::stored("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        Entry::stored("_rels/.rels", RELS.as_bytes()),
        Entry::stored("xl/workbook.xml", WORKBOOK.as_bytes()),
        Entry::stored("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        Entry {
            name: "xl/worksheets/sheet1.xml",
            method: 8,
            data: &sheet,
            size: claimed.unwrap_or_else(|| u32::try_from(size).unwrap()),
            crc: 0,
        },
    ])
}

fn zip_bomb(dir: &Path) {
    std::fs::write(dir.join("bomb.xlsx"), bomb_xlsx(None)).unwrap();
}

/// The same bomb, its zip claiming the sheet unzips to 1 MiB.
fn lying_zip_bomb(dir: &Path) {
    std::fs::write(dir.join("bomb.xlsx"), bomb_xlsx(Some(1 << 20))).unwrap();
}

/// An xlsx of 40 KB whose one shared string, 8 MiB of `x`, is used by 200 cells: 1.6 GiB
/// once each cell holds its copy.
fn shared_string_bomb(dir: &Path) {
    let content_types = CONTENT_TYPES.replace(
        "</Types>",
        r#"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
    );
    let workbook_rels = WORKBOOK_RELS.replace(
        "</Relationships>",
        r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
    );
    let prefix = br#"<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="200" uniqueCount="1"><si><t>x"#;
    let suffix = b"</t></si></sst>";
    let copies = (8 << 20) / 258;
    let mut strings = prefix.to_vec();
    strings.resize(prefix.len() + 258 * copies, b'x');
    strings.extend_from_slice(suffix);
    let compressed = deflate_bomb(prefix, copies, suffix);
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>accountName</t></is></c><c r="B1" t="inlineStr"><is><t>email</t></is></c></row>"#,
    );
    for row in 2..=201 {
        sheet.push_str(&format!(
            r#"<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>user{row}</t></is></c><c r="B{row}" t="s"><v>0</v></c></row>"#
        ));
    }
    sheet.push_str("</sheetData></worksheet>");
    let bytes = zip(&[
        Entry::stored("[Content_Types].xml", content_types.as_bytes()),
        Entry::stored("_rels/.rels", RELS.as_bytes()),
        Entry::stored("xl/workbook.xml", WORKBOOK.as_bytes()),
        Entry::stored("xl/_rels/workbook.xml.rels", workbook_rels.as_bytes()),
        Entry {
            name: "xl/sharedStrings.xml",
            method: 8,
            data: &compressed,
            size: u32::try_from(strings.len()).unwrap(),
            crc: crc32(&strings),
        },
        Entry::stored("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ]);
    std::fs::write(dir.join("contractors.xlsx"), bytes).unwrap();
}

/// 4 KiB of pseudo-random bytes (a fixed seed) in a file named `.xlsx`.
fn random_bytes_xlsx(dir: &Path) {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    std::fs::write(dir.join("contractors.xlsx"), bytes).unwrap();
}

/// A zip holding a text file, named `.xlsx`.
fn zip_not_a_workbook(dir: &Path) {
    let bytes = zip(&[Entry::stored("notes.txt", b"contractors: see the CSV\n")]);
    std::fs::write(dir.join("contractors.xlsx"), bytes).unwrap();
}

const ODS_MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

/// An ods file (entries stored, not deflated) whose `content.xml` holds a sheet `Data`: a row
/// of the header's names, a row of Ann's values, then `rest` (more rows, and what closes the
/// sheet and the document, or not).
fn ods(rest: &str) -> Vec<u8> {
    let row = |line: &str| {
        let cells: String = line
            .trim_end()
            .split(',')
            .map(|v| {
                format!(
                    r#"<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>{v}</text:p></table:table-cell>"#
                )
            })
            .collect();
        format!(
            r#"<table:table-row table:style-name="ro1">{cells}<table:table-cell table:number-columns-repeated="1016"/></table:table-row>"#
        )
    };
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.3"><office:body><office:spreadsheet><table:table table:name="Data"><table:table-column table:number-columns-repeated="1024"/>{}{}{rest}"#,
        row(HEADER),
        row(ANN),
    );
    zip(&[
        Entry::stored(
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        Entry::stored("META-INF/manifest.xml", ODS_MANIFEST.as_bytes()),
        Entry::stored("content.xml", content.as_bytes()),
    ])
}

/// A 3.6 KB ods whose last row is one number repeated over 16,384 columns and 6,000 rows:
/// 98 million cells once written out, under calamine's own cap of 100 million.
fn ods_repeat_bomb(dir: &Path) {
    let bytes = ods(
        r#"<table:table-row table:number-rows-repeated="6000"><table:table-cell office:value-type="float" office:value="1" calcext:value-type="float" table:number-columns-repeated="16384"><text:p>1</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#,
    );
    std::fs::write(dir.join("contractors.ods"), bytes).unwrap();
}

/// An ods whose `content.xml` ends after its second row, inside the sheet's table.
fn ods_unclosed_table(dir: &Path) {
    std::fs::write(dir.join("contractors.ods"), ods("")).unwrap();
}

// ---- Paths ----

fn empty_folder(dir: &Path) {
    std::fs::create_dir(dir.join("empty")).unwrap();
}
