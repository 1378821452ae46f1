//! Telling the kind of an input from its first 64 KiB: each kind's [`Signature`] says what
//! it looks like, and this module reads the clues they need (magic bytes, a UTF-16 byte order
//! mark, an XML root element, a JSON array key) once.

use std::io::{self, Read};
use std::path::Path;

use nebulk_read::{encoding_name, DecodeReader, Encoding, TextStart};

use crate::format::Signature;
use crate::input_file::InputFile;
use crate::SourceKind;

/// How much of a file is looked at to tell its kind.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// A stream whose first bytes were read ahead ([`SourceKind::sniff_stream`]): those bytes,
/// then the rest of the stream.
pub type Peeked<R> = io::Chain<io::Cursor<Vec<u8>>, R>;

/// Extensions of spreadsheet files: such a file whose content is binary is a (damaged)
/// spreadsheet, not CSV.
const SPREADSHEET_EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xlsb", "xls", "ods"];

impl SourceKind {
    /// Tells the kind of a file from its first 64 KiB ([`SourceKind::sniff_bytes`]), and its
    /// name: a file named like a spreadsheet (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) whose
    /// content is binary (it holds a NUL byte) but neither a zip nor an OLE file is a damaged
    /// spreadsheet, for the spreadsheet reader to refuse, not CSV. (A text file so named, a CSV
    /// renamed, is still read as CSV.)
    ///
    /// The file is opened again to be read: for a stream that can be read only once (standard
    /// input, a pipe), use [`SourceKind::sniff_stream`].
    pub fn sniff(path: &Path) -> Result<SourceKind, String> {
        let mut prefix = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(SNIFF_BYTES as u64).read_to_end(&mut prefix))
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        sniff_named(&prefix, Some(path))
    }

    /// Tells the kind of a stream that can be read only once (standard input, a pipe, a FIFO):
    /// reads its first 64 KiB into memory (less if it ends sooner), tells the kind from them as
    /// [`SourceKind::sniff`] does (`name`, the stream's path if it has one, counts as there),
    /// and hands the stream back whole: reading the [`Peeked`] stream gives those bytes again,
    /// then the rest.
    ///
    /// ```
    /// use std::io::Read;
    /// use nebulk_formats::SourceKind;
    /// let input = &b"{\"users\": [{\"login\": \"ann\"}]}"[..];
    /// let (kind, mut whole) = SourceKind::sniff_stream(input, None).unwrap();
    /// assert_eq!(kind, SourceKind::NermUsers);
    /// let mut text = String::new();
    /// whole.read_to_string(&mut text).unwrap();
    /// assert_eq!(text, "{\"users\": [{\"login\": \"ann\"}]}");
    /// ```
    pub fn sniff_stream<R: Read>(
        mut input: R,
        name: Option<&Path>,
    ) -> Result<(SourceKind, Peeked<R>), String> {
        let mut prefix = Vec::new();
        input
            .by_ref()
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut prefix)
            .map_err(|e| format!("cannot read it: {e}"))?;
        let kind = sniff_named(&prefix, name)?;
        Ok((kind, io::Cursor::new(prefix).chain(input)))
    }

    /// Tells the kind from the first bytes of a file: a zip or OLE file is a spreadsheet,
    /// `PAR1` Parquet, `ARROW1` Arrow IPC; XML by its root element (`user_response`: Xtracta;
    /// `response` or a SOAP envelope: srv); two lines each holding a JSON object are NDJSON;
    /// other JSON by its array key (`users`, `workflow_sessions`: the one that comes first);
    /// anything else is CSV. UTF-16 text (with its byte order mark) is CSV, or refused when it is XML or
    /// JSON.
    ///
    /// ```
    /// use nebulk_formats::SourceKind;
    /// assert_eq!(SourceKind::sniff_bytes(b"<?xml version=\"1.0\"?>\n<user_response>"), Ok(SourceKind::XtractaUsers));
    /// assert_eq!(SourceKind::sniff_bytes(b"accountName,email\n"), Ok(SourceKind::Csv));
    /// assert_eq!(SourceKind::sniff_bytes(b"PAR1\x15\x04"), Ok(SourceKind::Parquet));
    /// assert_eq!(SourceKind::sniff_bytes(b"ARROW1\0\0"), Ok(SourceKind::Ipc));
    /// assert_eq!(SourceKind::sniff_bytes(b"{\"login\": \"ann\"}\n{\"login\": \"bob\"}\n"), Ok(SourceKind::Ndjson));
    /// ```
    pub fn sniff_bytes(prefix: &[u8]) -> Result<SourceKind, String> {
        let signed = |wanted: fn(&Signature) -> bool| {
            SourceKind::ALL
                .into_iter()
                .map(|kind| (kind, kind.format().signature()))
                .filter(move |(_, signature)| wanted(signature))
        };
        for (kind, signature) in signed(|s| matches!(s, Signature::Magic(_))) {
            if let Signature::Magic(magics) = signature {
                if magics.iter().any(|magic| prefix.starts_with(magic)) {
                    return Ok(kind);
                }
            }
        }
        let text_kind = || {
            signed(|s| matches!(s, Signature::Text))
                .map(|(kind, _)| kind)
                .next()
                .unwrap_or(SourceKind::Csv)
        };
        let start = TextStart::of(prefix);
        if let TextStart::Utf16Bom(encoding) = start {
            // UTF-16 text is decoded as it is read; XML and JSON are read as UTF-8 only.
            let mut text = Vec::new();
            let _ = DecodeReader::new(&prefix[start.bom_len()..], encoding).read_to_end(&mut text);
            return match text.iter().find(|b| !b.is_ascii_whitespace()) {
                Some(b'<') => Err(utf16_document("an XML", encoding)),
                Some(b'{') => Err(utf16_document("a JSON", encoding)),
                _ => Ok(text_kind()),
            };
        }
        let text = &prefix[start.bom_len()..];
        let start = text
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(text.len());
        let text = &text[start..];
        match text.first() {
            Some(b'<') => {
                let name =
                    xml_root(text).ok_or("an XML document without a root element; give --from")?;
                let local = name.rsplit(':').next().unwrap_or(&name);
                let mut described = Vec::new();
                for (kind, signature) in signed(|s| matches!(s, Signature::XmlRoot { .. })) {
                    if let Signature::XmlRoot {
                        roots,
                        described: what,
                    } = signature
                    {
                        if roots.contains(&local) {
                            return Ok(kind);
                        }
                        described.push(what);
                    }
                }
                Err(format!(
                    "an XML document with root <{name}>, which is neither {}; give --from",
                    described.join(" nor ")
                ))
            }
            Some(b'{') => {
                // Two lines that each hold an object are JSON lines: a page is one object.
                if is_json_lines(text) {
                    if let Some((kind, _)) = signed(|s| matches!(s, Signature::JsonLines)).next() {
                        return Ok(kind);
                    }
                }
                let mut keys = Vec::new();
                let mut first: Option<(usize, SourceKind)> = None;
                for (kind, signature) in signed(|s| matches!(s, Signature::JsonArray(_))) {
                    if let Signature::JsonArray(key) = signature {
                        let quoted = format!("\"{key}\"");
                        if let Some(at) = memchr::memmem::find(text, quoted.as_bytes()) {
                            if first.is_none_or(|(earliest, _)| at < earliest) {
                                first = Some((at, kind));
                            }
                        }
                        keys.push(format!("a `{key}`"));
                    }
                }
                first.map(|(_, kind)| kind).ok_or_else(|| {
                    format!(
                        "a JSON document with neither {} array; give --from",
                        keys.join(" nor ")
                    )
                })
            }
            _ => Ok(text_kind()),
        }
    }
}

/// Whether `text` (the start of a file, from its first `{`) is JSON lines: its first line is
/// an object, and so is the start of the next line that is not blank. One object alone is a
/// JSON document as far as telling goes (an error answer `{"error": …}` is one): give
/// `--from ndjson` for a file of one line.
fn is_json_lines(text: &[u8]) -> bool {
    let mut lines = text
        .split(|&b| b == b'\n')
        .map(|line| line.trim_ascii())
        .filter(|line| !line.is_empty());
    let first = lines.next().unwrap_or_default();
    let second = lines.next().unwrap_or_default();
    first.starts_with(b"{") && first.ends_with(b"}") && second.starts_with(b"{")
}

/// The kind of a file named on the command line for a side input (an export, the identities):
/// a regular file by its content, anything else (a pipe, a FIFO) as CSV without being looked
/// at, so that it can still be read. Errors name the file.
pub(crate) fn sniff_side_input(path: &Path) -> anyhow::Result<SourceKind> {
    let regular = std::fs::metadata(path).map_or(true, |m| m.is_file());
    if !regular {
        return Ok(SourceKind::Csv);
    }
    SourceKind::sniff(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// The kind the first bytes of a file tell, and its name where it has one (see
/// [`SourceKind::sniff`]).
fn sniff_named(prefix: &[u8], name: Option<&Path>) -> Result<SourceKind, String> {
    let kind = SourceKind::sniff_bytes(prefix)?;
    let spreadsheet_name = name
        .and_then(Path::extension)
        .and_then(|e| e.to_str())
        .is_some_and(|e| SPREADSHEET_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
    let utf16 = matches!(TextStart::of(prefix), TextStart::Utf16Bom(_));
    let binary = !utf16 && prefix.contains(&0);
    Ok(if kind == SourceKind::Csv && spreadsheet_name && binary {
        SourceKind::Spreadsheet
    } else {
        kind
    })
}

fn utf16_document(what: &str, encoding: &'static Encoding) -> String {
    format!(
        "{what} document in UTF-16 ({}); XML and JSON are read in UTF-8 only: save it as UTF-8",
        encoding_name(encoding)
    )
}

/// The name of the first element that is not a declaration, comment or doctype.
fn xml_root(text: &[u8]) -> Option<String> {
    let mut rest = text;
    while let Some(i) = memchr::memchr(b'<', rest) {
        rest = &rest[i + 1..];
        match rest.first() {
            Some(b'?' | b'!') => continue,
            Some(_) => {
                let end = rest
                    .iter()
                    .position(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/'))
                    .unwrap_or(rest.len());
                return Some(String::from_utf8_lossy(&rest[..end]).into_owned());
            }
            None => break,
        }
    }
    None
}

/// Tells the kind of an input from its content: a file by its path; a stream by its first
/// 64 KiB, which it then gives again before the rest.
fn sniff_input(file: &mut InputFile) -> anyhow::Result<SourceKind> {
    let name = file.name();
    let kind = match file {
        InputFile::Path(path) => SourceKind::sniff(path),
        InputFile::Stream(stream) => {
            let reader = std::mem::replace(&mut stream.reader, Box::new(io::empty()));
            SourceKind::sniff_stream(reader, stream.path.as_deref()).map(|(kind, whole)| {
                stream.reader = Box::new(whole);
                kind
            })
        }
    };
    kind.map_err(|e| anyhow::anyhow!("{name}: {e}"))
}

/// Tells the kind of every input; inputs of different kinds are a fatal error naming two of
/// them.
pub(crate) fn sniff_all(files: &mut [InputFile]) -> anyhow::Result<SourceKind> {
    let mut first: Option<(String, SourceKind)> = None;
    for file in files.iter_mut() {
        let kind = sniff_input(file)?;
        match &first {
            None => first = Some((file.name(), kind)),
            Some((first_name, first_kind)) if *first_kind != kind => anyhow::bail!(
                "inputs of different kinds: {first_name} is {first_kind}, and {} is {kind}; \
                 several inputs are read together only when all are of one kind",
                file.name()
            ),
            Some(_) => {}
        }
    }
    first
        .map(|(_, kind)| kind)
        .ok_or_else(|| anyhow::anyhow!("no input file"))
}

#[cfg(test)]
mod tests;
