//! SailPoint NERM (Non-Employee Risk Management) users and workflow-session JSON pages.
//!
//! # The formats
//!
//! `GET /users` answers one page:
//!
//! ```json
//! {"users": [{"id": "…", "uid": "…", "name": "bob", "email": "…", "type": "NeprofileUser",
//!             "title": "…", "status": "Active", "login": "bob", "last_login": "…",
//!             "cookies_accepted_at": "…", "preferred_language": "en-US"}],
//!  "_metadata": {"limit": 50, "offset": 100, "total": 10000, "next": "…", "previous": "…"}}
//! ```
//!
//! `GET /workflow_sessions` answers the same shape with a `workflow_sessions` array whose elements
//! hold `id`, `uid`, `workflow_id`, `requester_id`, `requester_type`, `profile_id`, `profile_ids`
//! (an array of ids), `status` (snake_case, e.g. `completed`, `rejected`, `pending_approval`) and
//! `attributes`, an object of the workflow's form values (for contractors: names, e-mail, phone,
//! dates, department, …).
//!
//! An error answer (NERM's 400 and 500) is `{"error": "…"}` (or `{"errors": …}`).
//!
//! # Reading
//!
//! [`UserReader`] and [`SessionReader`] stream the elements of the page's array, one
//! [`crate::Record`] at a time: memory is bounded by the largest single element, not by the page. Other
//! top-level keys (`_metadata`, …) are skipped, in any order. Reading stops at the first error;
//! records handed out before it stay handed out.
//!
//! serde_json reads the page's top level a byte at a time, keeping count of lines. Once it has
//! read the array's `[`, the elements are taken in blocks: a scanner that counts brackets
//! outside strings finds where each element ends, and serde_json parses the element from that
//! slice (the numbers' text taken from where the scanner saw them; the strings made in the
//! records' pool). An element that is not a plain object followed by `,` and the next `{` or
//! by the `]` (an error, a non-object, nesting deeper than 100) is handed back with the rest of
//! the array to serde_json reading the page, so that every error is the one serde_json gives
//! reading the whole page byte by byte, at the same line and column.
//!
//! - The top level must be an object holding the array: otherwise (another value, a missing
//!   array key, an array key whose value is not an array, an element that is not an object, a
//!   second array key) it is a [`FormatError`]. A non-null `error` or `errors` key makes the
//!   answer an error answer: `FormatError::whole("the NERM answer is an error: …")`.
//! - Malformed JSON (truncated, trailing characters, bad escapes, invalid UTF-8, nesting deeper
//!   than serde_json's limit of 128 inside an element) is a [`FormatError`] at serde_json's line
//!   and column. (Skipped keys such as `_metadata` are passed over without recursion, so any
//!   nesting depth is accepted there.) Columns count bytes from the line start; at the very end of a file that ends
//!   with a line break serde_json reports column 0, which is given as no column. A UTF-8 byte
//!   order mark is skipped (columns on line 1 then count after it); UTF-16 input is refused.
//!
//! # Records
//!
//! A user record has the fields of [`USER_FIELDS`], a session record those of
//! [`SESSION_FIELDS`], always all of them and in that order (a missing key gives
//! [`Value::Null`](crate::Value::Null)). A session's `attributes` come next, as `attributes.<key>` in document order,
//! then any other keys of the element in document order. Values convert as:
//!
//! | JSON | field |
//! |---|---|
//! | string | `Text` |
//! | number, `true`/`false` | `Text` of the number as written (`85.50`, `12345678901234567890`, `1e3`) or of `true`/`false` |
//! | `null` | `Null` |
//! | array of scalars | `List` of their texts, nulls skipped (`[]` gives an empty list) |
//! | array holding an object or array | `Text` of its compact JSON |
//! | object | flattened: one field per key, named `parent.key` (`attributes.vendor.name`); an empty object gives `Null` under its own name |
//!
//! A fixed field outside the reader's [`crate::Projection`] (no mapping rule reads it) is
//! parsed and checked as any other, and given as `Null`: no string is built for it.
//!
//! A field of the fixed list whose value is an object is not flattened (its name must stay
//! present): it becomes `Text` of its compact JSON. When an object repeats a key, the last value
//! wins, at the position of the first. Flattened names are not checked against other keys, so a
//! literal key `"attributes.city"` and `attributes: {"city": …}` give two fields of that name.
//!
//! [`Record::line`](crate::Record::line) is the 1-based line of the element's opening `{`, exact: lines end at `\n`
//! (counted the way serde_json counts them for error positions; a lone `\r` does not end a line).
//!
//! # Example
//!
//! ```
//! use nebulk_read::nerm::SessionReader;
//! use nebulk_read::{FileContext, RecordReader, Value};
//!
//! let page = r#"{"_metadata": {"total": 1},
//!   "workflow_sessions": [
//!     {"id": "s1", "status": "completed", "profile_ids": ["p1", "p2"],
//!      "attributes": {"first_name": "Ann", "rate": 85.50, "vendor": {"name": "Acme"}}}
//!   ]}"#;
//! let records = SessionReader.read_all(page.as_bytes(), &FileContext::default()).unwrap();
//! assert_eq!(records.len(), 1);
//! let r = &records[0];
//! assert_eq!(r.line, 3);
//! assert_eq!(r.get("status"), Some(&Value::Text("completed".into())));
//! assert_eq!(r.get("requester_id"), Some(&Value::Null));
//! assert_eq!(r.get("profile_ids"), Some(&Value::List(vec!["p1".into(), "p2".into()])));
//! assert_eq!(r.get("attributes.rate"), Some(&Value::Text("85.50".into())));
//! assert_eq!(r.get("attributes.vendor.name"), Some(&Value::Text("Acme".into())));
//! let names: Vec<&str> = r.fields.iter().map(|(n, _)| n.as_ref()).collect();
//! assert_eq!(names[8..], ["attributes.first_name", "attributes.rate", "attributes.vendor.name"]);
//!
//! let error = &br#"{"error": "Sorry something went wrong"}"#[..];
//! let err = SessionReader.read_all(error, &FileContext::default()).unwrap_err();
//! assert_eq!(err.to_string(), "the NERM answer is an error: Sorry something went wrong");
//! ```

use std::io::BufRead;

use crate::{FileContext, FormatError, RecordReader, RecordSink};

mod elements;
mod json;
mod pages;
mod scan;
mod source;
mod track;

use pages::{read_page, Page};

/// The fields of a NERM user record.
///
/// ```
/// assert_eq!(nebulk_read::nerm::USER_FIELDS[6], "status");
/// ```
pub const USER_FIELDS: [&str; 11] = [
    "id",
    "uid",
    "name",
    "email",
    "type",
    "title",
    "status",
    "login",
    "last_login",
    "cookies_accepted_at",
    "preferred_language",
];

/// The fixed fields of a workflow-session record; its `attributes` object adds
/// `attributes.<name>` fields.
///
/// ```
/// assert_eq!(nebulk_read::nerm::SESSION_FIELDS[7], "status");
/// ```
pub const SESSION_FIELDS: [&str; 8] = [
    "id",
    "uid",
    "workflow_id",
    "requester_id",
    "requester_type",
    "profile_id",
    "profile_ids",
    "status",
];

/// The reader of NERM `GET /users` pages: streams the elements of the page's `users` array,
/// one record each (see the [module documentation](self)).
///
/// ```
/// use nebulk_read::nerm::UserReader;
/// use nebulk_read::{FileContext, RecordReader, Value};
///
/// let page = "{\"users\": [\n{\"name\": \"bob\", \"status\": \"Active\"},\n{\"name\": \"ann\"}\n]}";
/// let users = UserReader.read_all(page.as_bytes(), &FileContext::default()).unwrap();
/// assert_eq!(users.len(), 2);
/// assert_eq!((users[1].line, users[1].get("name")), (3, Some(&Value::Text("ann".into()))));
///
/// // Stopping early is not an error.
/// let count = UserReader.read_each(page.as_bytes(), &FileContext::default(), |_| false);
/// assert_eq!(count.unwrap(), 1);
///
/// let truncated = &b"{\"users\": [\n{\"name\": \"bob\"}\n"[..];
/// let err = UserReader.read_all(truncated, &FileContext::default()).unwrap_err();
/// assert_eq!(err.to_string(), "line 3: EOF while parsing a list");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct UserReader;

impl RecordReader for UserReader {
    fn read<B: BufRead, S: RecordSink>(
        &self,
        input: B,
        context: &FileContext<'_>,
        sink: &mut S,
    ) -> Result<u64, FormatError> {
        read_page(input, Page::Users, context.projection, sink)
    }
}

/// The reader of NERM `GET /workflow_sessions` pages: the same as [`UserReader`] for the
/// `workflow_sessions` array, each session's `attributes` flattened into its record.
///
/// ```
/// use nebulk_read::nerm::SessionReader;
/// use nebulk_read::{FileContext, RecordReader, Value};
///
/// let page = r#"{"workflow_sessions": [{"id": "s1", "attributes": {"email": "a@b.example"}}]}"#;
/// let sessions = SessionReader.read_all(page.as_bytes(), &FileContext::default()).unwrap();
/// assert_eq!(sessions[0].get("attributes.email"), Some(&Value::Text("a@b.example".into())));
///
/// let err = SessionReader.read_all(&br#"{"users": []}"#[..], &FileContext::default()).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "the NERM page has no `workflow_sessions` array; its keys are: `users` (is it a users page?)"
/// );
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SessionReader;

impl RecordReader for SessionReader {
    fn read<B: BufRead, S: RecordSink>(
        &self,
        input: B,
        context: &FileContext<'_>,
        sink: &mut S,
    ) -> Result<u64, FormatError> {
        read_page(input, Page::Sessions, context.projection, sink)
    }
}

#[cfg(test)]
mod equivalence;
#[cfg(test)]
mod tests;
