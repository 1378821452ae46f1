//! The fields of a row: one buffer of bytes, each field a span of it.
//!
//! A CSV line without quotes is its fields with delimiters between: the block parser copies
//! the line once and notes where each field lies, instead of copying field by field (what
//! `csv::ByteRecord` needs, and what cost more than finding the fields). A field with `""`
//! has its text written after the line's.

use std::fmt;
use std::ops::{Index, Range};

/// The fields of a row, as bytes (see the module docs).
///
/// ```
/// use nebulk_read::Fields;
/// let mut fields: Fields = ["ann", "", "lee"].into_iter().collect();
/// assert_eq!((fields.len(), &fields[2]), (3, &b"lee"[..]));
/// fields.push_field(b"x");
/// assert_eq!(fields.iter().collect::<Vec<_>>(), [&b"ann"[..], b"", b"lee", b"x"]);
/// assert_eq!(fields.get(4), None);
/// assert_eq!(&fields.as_slice()[fields.range(2).unwrap()], b"lee");
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Fields {
    /// Every field's bytes, with whatever lies between them (delimiters, quotes).
    bytes: Vec<u8>,
    /// Where each field is in `bytes`.
    spans: Vec<Span>,
}

/// Where a field is in [`Fields`]' buffer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Fields {
    /// No fields.
    pub fn new() -> Fields {
        Fields::default()
    }

    /// No fields, with room for `bytes` bytes of `fields` fields.
    pub fn with_capacity(bytes: usize, fields: usize) -> Fields {
        Fields {
            bytes: Vec::with_capacity(bytes),
            spans: Vec::with_capacity(fields),
        }
    }

    /// How many fields.
    #[inline]
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there are no fields.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The field at `index`.
    #[inline]
    pub fn get(&self, index: usize) -> Option<&[u8]> {
        let span = self.spans.get(index)?;
        self.bytes.get(span.start..span.end)
    }

    /// Where the field at `index` is in [`Fields::as_slice`].
    #[inline]
    pub fn range(&self, index: usize) -> Option<Range<usize>> {
        self.spans.get(index).map(|span| span.start..span.end)
    }

    /// The buffer that holds every field: their bytes, and what lies between them (delimiters,
    /// quotes), so its length is about the row's.
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes
    }

    /// What the fields count against a chunk's budget ([`crate::RowSource::fill_chunk`]): the
    /// bytes of the buffer and one more per field, however empty (each field costs memory: a
    /// line of a million commas is a million fields).
    ///
    /// ```
    /// let fields: nebulk_read::Fields = ["ann", ""].into_iter().collect();
    /// assert_eq!(fields.held_bytes(), 3 + 2);
    /// ```
    #[inline]
    pub fn held_bytes(&self) -> usize {
        self.bytes.len().saturating_add(self.spans.len())
    }

    /// The fields in order.
    #[inline]
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            bytes: &self.bytes,
            spans: self.spans.iter(),
        }
    }

    /// Adds a field at the end.
    #[inline]
    pub fn push_field(&mut self, field: &[u8]) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(field);
        self.spans.push(Span {
            start,
            end: self.bytes.len(),
        });
    }

    /// Removes every field, keeping the room they took.
    #[inline]
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.spans.clear();
    }

    /// The fields of a `csv` record.
    pub fn set_from(&mut self, record: &csv::ByteRecord) {
        self.clear();
        self.bytes.extend_from_slice(record.as_slice());
        let mut start = 0;
        for field in record {
            let end = start + field.len();
            self.spans.push(Span { start, end });
            start = end;
        }
    }

    /// The buffer and the spans, for a parser that writes a line once and notes its fields.
    pub(crate) fn parts_mut(&mut self) -> (&mut Vec<u8>, &mut Vec<Span>) {
        (&mut self.bytes, &mut self.spans)
    }
}

impl fmt::Debug for Fields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|field| String::from_utf8_lossy(field)))
            .finish()
    }
}

impl Index<usize> for Fields {
    type Output = [u8];

    /// The field at `index`.
    ///
    /// # Panics
    ///
    /// When there is no field at `index` (use [`Fields::get`] where that may be).
    fn index(&self, index: usize) -> &[u8] {
        let span = self.spans[index];
        &self.bytes[span.start..span.end]
    }
}

impl<T: AsRef<[u8]>> FromIterator<T> for Fields {
    fn from_iter<I: IntoIterator<Item = T>>(fields: I) -> Fields {
        let mut out = Fields::new();
        for field in fields {
            out.push_field(field.as_ref());
        }
        out
    }
}

impl<'a> IntoIterator for &'a Fields {
    type Item = &'a [u8];
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// The fields of a [`Fields`] in order.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    bytes: &'a [u8],
    spans: std::slice::Iter<'a, Span>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        let span = self.spans.next()?;
        Some(self.bytes.get(span.start..span.end).unwrap_or_default())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.spans.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let span = self.spans.next_back()?;
        Some(self.bytes.get(span.start..span.end).unwrap_or_default())
    }
}

impl ExactSizeIterator for Iter<'_> {}
