//! Transforms: the small steps that turn a source value into an attribute value.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use nebulk_read::date::{DateLayout, DateValue};
use nebulk_read::{quote_value, CsvFileSource, CsvOptions, Encoding, RowSource, Value};

use crate::MapError;

/// One step of a mapping rule. Text steps apply to every item of a list.
///
/// | name | effect |
/// |---|---|
/// | `trim` | removes surrounding whitespace |
/// | `lower`, `upper` | changes case |
/// | `first-name`, `last-name` | splits a full name: `Doe, John` and `John Doe` give `John` / `Doe`; `Mary Ann Smith` gives `Mary Ann` / `Smith`; a one-word name has no last name (the row is rejected) |
/// | `email-local` | the part of an email address before `@` |
/// | `{ date = "%d/%m/%Y" }` | reads a date in that chrono layout (checked when the mapping is read) and writes it as RFC 3339 (`2026-03-24T00:00:00+00:00`); with local dates ([`crate::Mapping::with_local_dates`]) a value without an offset is written without one (`2026-03-24`, `2026-03-24T08:30:00`), for the date rule to read in its time zone |
/// | `{ default = "x" }` | `x` when the value is empty |
/// | `{ join = ";" }` | joins a list into one value (lists are joined with `,` when no join is given) |
/// | `{ lookup = { file = "managers.csv", key = "id", value = "accountName" } }` | replaces the value by the `value` column of the row of a CSV whose `key` column equals it |
///
/// ```
/// use nebulk_map::Transform;
/// use nebulk_read::Value;
/// let name = Value::Text("Doe, John".into());
/// assert_eq!(Transform::FirstName.apply(name.clone()).unwrap(), Value::Text("John".into()));
/// assert_eq!(Transform::LastName.apply(name).unwrap(), Value::Text("Doe".into()));
/// assert!(Transform::LastName.apply(Value::Text("Cher".into())).is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Transform {
    /// Removes surrounding whitespace.
    Trim,
    /// Lower case.
    Lower,
    /// Upper case.
    Upper,
    /// The first name of a full name.
    FirstName,
    /// The last name of a full name.
    LastName,
    /// The local part of an email address.
    EmailLocal,
    /// A date in a chrono layout, written as RFC 3339 (in UTC when the layout has no offset),
    /// or, when `local`, written without an offset when it has none.
    Date {
        /// The layout.
        layout: DateLayout,
        /// Whether a date or a date-time without an offset is written as it is, for a time
        /// zone to be applied later (`--timezone`), rather than in UTC.
        local: bool,
    },
    /// This value when empty.
    Default(String),
    /// Joins a list with this separator.
    Join(String),
    /// Looks the value up in a CSV table.
    Lookup(Lookup),
}

/// A CSV table loaded for the `lookup` transform.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    file: PathBuf,
    key: String,
    table: HashMap<String, String>,
}

impl Lookup {
    /// Loads `file`, keying its `value` column by its `key` column (cells trimmed; the first row
    /// of a repeated key wins). The file is read as any CSV input is (delimiter sniffed, a byte
    /// order mark honoured), in `encoding` when given (`--encoding`).
    ///
    /// ```
    /// let dir = tempfile::tempdir().unwrap();
    /// let file = dir.path().join("managers.csv");
    /// std::fs::write(&file, "id;accountName\n42;john.smith\n").unwrap();
    /// assert!(nebulk_map::Lookup::load(&file, "id", "accountName", None).is_ok());
    /// let err = nebulk_map::Lookup::load(&file, "id", "login", None).unwrap_err();
    /// assert!(err.to_string().contains("no column `login`; its columns are: id, accountName"));
    /// ```
    pub fn load(
        file: &Path,
        key: &str,
        value: &str,
        encoding: Option<&'static Encoding>,
    ) -> Result<Lookup, MapError> {
        let fail = |message: String| MapError::Lookup {
            file: file.display().to_string(),
            message,
        };
        let options = CsvOptions {
            encoding,
            ..CsvOptions::default()
        };
        let mut source = CsvFileSource::open(file, options).map_err(|e| fail(e.to_string()))?;
        let headers = source.header().to_vec();
        let column = |name: &str| {
            headers.iter().position(|h| h == name).ok_or_else(|| {
                fail(format!(
                    "no column `{name}`; its columns are: {}",
                    headers.join(", ")
                ))
            })
        };
        let (key_column, value_column) = (column(key)?, column(value)?);
        let mut table = HashMap::new();
        loop {
            let rows = source
                .read_chunk(4096, 4 << 20)
                .map_err(|e| fail(e.to_string()))?;
            if rows.is_empty() {
                break;
            }
            for row in rows {
                if let (Some(k), Some(v)) =
                    (row.record.get(key_column), row.record.get(value_column))
                {
                    let text = |cell: &[u8]| String::from_utf8_lossy(cell).trim().to_string();
                    table.entry(text(k)).or_insert_with(|| text(v));
                }
            }
        }
        Ok(Lookup {
            file: file.to_path_buf(),
            key: key.to_string(),
            table,
        })
    }

    fn find(&self, key: &str) -> Result<&str, String> {
        self.table
            .get(key.trim())
            .map(String::as_str)
            .ok_or_else(|| {
                format!(
                    "no row with {} = {} in {}",
                    self.key,
                    quote_value(key.trim()),
                    self.file.display()
                )
            })
    }
}

impl Transform {
    /// The transform's name in mapping files.
    pub fn name(&self) -> &'static str {
        match self {
            Transform::Trim => "trim",
            Transform::Lower => "lower",
            Transform::Upper => "upper",
            Transform::FirstName => "first-name",
            Transform::LastName => "last-name",
            Transform::EmailLocal => "email-local",
            Transform::Date { .. } => "date",
            Transform::Default(_) => "default",
            Transform::Join(_) => "join",
            Transform::Lookup(_) => "lookup",
        }
    }

    /// Applies the transform; `Err` is the reason the value cannot be transformed, which
    /// rejects the row.
    pub fn apply(&self, value: Value) -> Result<Value, String> {
        match self {
            Transform::Default(default) => Ok(if is_empty(&value) {
                Value::Text(default.clone())
            } else {
                value
            }),
            Transform::Join(separator) => Ok(match value {
                Value::List(items) => Value::Text(items.join(separator)),
                other => other,
            }),
            _ => map_items(value, |text| self.apply_text(text)),
        }
    }

    /// Whether the transform applies to each text on its own (all but `default` and `join`),
    /// so that [`Transform::apply_str`] can stand for [`Transform::apply`].
    pub(crate) fn is_text_step(&self) -> bool {
        !matches!(self, Transform::Default(_) | Transform::Join(_))
    }

    fn apply_text(&self, text: String) -> Result<String, String> {
        self.apply_str(&text).map(Cow::into_owned)
    }

    /// The text step on one text, borrowing from it (or from the transform) where the result
    /// is a part of it: most steps then cost no allocation.
    pub(crate) fn apply_str<'a>(&'a self, text: &'a str) -> Result<Cow<'a, str>, String> {
        match self {
            Transform::Trim => Ok(Cow::Borrowed(text.trim())),
            Transform::Lower => Ok(lower(text)),
            Transform::Upper => Ok(upper(text)),
            Transform::FirstName => split_name(text).map(|(first, _)| first),
            Transform::LastName => split_name(text).and_then(|(_, last)| {
                last.map(Cow::Borrowed)
                    .ok_or_else(|| format!("{} has no last name", quote_value(text.trim())))
            }),
            Transform::EmailLocal => match text.trim().split_once('@') {
                Some((local, domain)) if !local.is_empty() && !domain.contains('@') => {
                    Ok(Cow::Borrowed(local))
                }
                _ => Err(format!(
                    "{} is not an email address",
                    quote_value(text.trim())
                )),
            },
            Transform::Date { layout, local } => {
                parse_date(text.trim(), layout, *local).map(Cow::Owned)
            }
            Transform::Lookup(lookup) => lookup.find(text).map(Cow::Borrowed),
            Transform::Default(_) | Transform::Join(_) => Ok(Cow::Borrowed(text)),
        }
    }
}

/// `text` in lower case; borrowed when it is ASCII and already is.
fn lower(text: &str) -> Cow<'_, str> {
    if !text.is_ascii() {
        Cow::Owned(text.to_lowercase())
    } else if text.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(text.to_ascii_lowercase())
    } else {
        Cow::Borrowed(text)
    }
}

/// `text` in upper case; borrowed when it is ASCII and already is.
fn upper(text: &str) -> Cow<'_, str> {
    if !text.is_ascii() {
        Cow::Owned(text.to_uppercase())
    } else if text.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Owned(text.to_ascii_uppercase())
    } else {
        Cow::Borrowed(text)
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Text(text) => text.trim().is_empty(),
        Value::List(items) => items.iter().all(|i| i.trim().is_empty()),
    }
}

/// Applies `f` to a text value or to each item of a list; empty values pass through untouched.
fn map_items(value: Value, f: impl Fn(String) -> Result<String, String>) -> Result<Value, String> {
    match value {
        Value::Null => Ok(Value::Null),
        Value::Text(text) if text.trim().is_empty() => Ok(Value::Text(text)),
        Value::Text(text) => f(text).map(Value::Text),
        Value::List(items) => items
            .into_iter()
            .map(&f)
            .collect::<Result<Vec<_>, _>>()
            .map(Value::List),
    }
}

/// Splits a full name into first and last: `Last, First` by its comma, otherwise the last word
/// is the last name (the words before it joined by single spaces).
fn split_name(full: &str) -> Result<(Cow<'_, str>, Option<&str>), String> {
    let full = full.trim();
    if let Some((last, first)) = full.split_once(',') {
        let (first, last) = (first.trim(), last.trim());
        if !first.is_empty() && !last.is_empty() {
            return Ok((Cow::Borrowed(first), Some(last)));
        }
        return Err(format!(
            "{} is not a name of the form 'Last, First'",
            quote_value(full)
        ));
    }
    if full.is_empty() {
        return Err("the name is empty".to_string());
    }
    // `full` is trimmed: a last word exists, and the words before it (if any) too.
    let Some((rest, last)) = full.rsplit_once(char::is_whitespace) else {
        return Ok((Cow::Borrowed(full), None));
    };
    let rest = rest.trim_end();
    // Already single-spaced (the usual case): the words joined are `rest` itself.
    let single_spaced =
        !rest.contains("  ") && !rest.contains(|c: char| c.is_whitespace() && c != ' ');
    let first = if single_spaced {
        Cow::Borrowed(rest)
    } else {
        Cow::Owned(rest.split_whitespace().collect::<Vec<_>>().join(" "))
    };
    Ok((first, Some(last)))
}

/// Reads `text` in `layout`: RFC 3339 text, UTC for a value without an offset unless `local`,
/// when such a value is written as it was read (a date, or a date-time without an offset).
fn parse_date(text: &str, layout: &DateLayout, local: bool) -> Result<String, String> {
    let written = match layout.parse(text) {
        Some(value @ (DateValue::Local(_) | DateValue::Day(_))) if local => {
            Some(value.to_iso_text())
        }
        Some(value) => value
            .in_utc()
            .map(|instant| DateValue::Zoned(instant).to_iso_text()),
        None => None,
    };
    written.ok_or_else(|| {
        format!(
            "{} is not a real date in the format {}",
            quote_value(text),
            layout.as_str()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Value {
        Value::Text(s.to_string())
    }

    #[test]
    fn names_split_three_ways() {
        for (full, first, last) in [
            ("John Doe", "John", Some("Doe")),
            ("  Doe ,  John ", "John", Some("Doe")),
            ("Mary Ann Smith", "Mary Ann", Some("Smith")),
            ("José  García-López", "José", Some("García-López")),
        ] {
            assert_eq!(
                Transform::FirstName.apply(text(full)),
                Ok(text(first)),
                "{full}"
            );
            assert_eq!(
                Transform::LastName.apply(text(full)).ok(),
                last.map(text),
                "{full}"
            );
        }
        assert_eq!(Transform::FirstName.apply(text("Cher")), Ok(text("Cher")));
        assert!(Transform::LastName.apply(text("Cher")).is_err());
        assert!(Transform::FirstName.apply(text("Doe,")).is_err());
    }

    #[test]
    fn text_steps_apply_to_list_items_and_skip_empty_values() {
        let list = Value::List(vec![" A ".into(), "b".into()]);
        assert_eq!(
            Transform::Trim.apply(list.clone()),
            Ok(Value::List(vec!["A".into(), "b".into()]))
        );
        assert_eq!(
            Transform::Upper.apply(list),
            Ok(Value::List(vec![" A ".into(), "B".into()]))
        );
        assert_eq!(Transform::EmailLocal.apply(Value::Null), Ok(Value::Null));
        assert_eq!(Transform::EmailLocal.apply(text("")), Ok(text("")));
    }

    /// A failed step quotes at most 60 characters of the value: a 50 MB field gives a short
    /// message, not a 50 MB one.
    #[test]
    fn failures_quote_a_long_value_shortened() {
        let long = "x".repeat(10_000);
        let shortened = format!("'{}…'", "x".repeat(60));
        let message = |transform: Transform| transform.apply(text(&long)).unwrap_err();
        assert_eq!(
            message(Transform::LastName),
            format!("{shortened} has no last name")
        );
        assert_eq!(
            message(Transform::EmailLocal),
            format!("{shortened} is not an email address")
        );
        assert!(message(date("%d/%m/%Y", false)).starts_with(&shortened));
        let with_comma = format!("{long},");
        assert!(Transform::LastName
            .apply(text(&with_comma))
            .unwrap_err()
            .starts_with(&shortened));
    }

    #[test]
    fn email_local_part() {
        assert_eq!(
            Transform::EmailLocal.apply(text("john.doe@xtracta.com")),
            Ok(text("john.doe"))
        );
        for bad in ["john.doe", "@example.com", "a@b@c"] {
            assert!(Transform::EmailLocal.apply(text(bad)).is_err(), "{bad}");
        }
    }

    fn date(format: &str, local: bool) -> Transform {
        Transform::Date {
            layout: DateLayout::new(format).unwrap(),
            local,
        }
    }

    #[test]
    fn dates_in_an_explicit_layout() {
        let day = date("%d/%m/%Y", false);
        assert_eq!(
            day.apply(text("24/03/2026")),
            Ok(text("2026-03-24T00:00:00+00:00"))
        );
        assert_eq!(
            day.apply(text("31/02/2026")),
            Err("'31/02/2026' is not a real date in the format %d/%m/%Y".into())
        );
        let with_time = date("%Y-%m-%d %H:%M", false);
        assert_eq!(
            with_time.apply(text("2026-03-24 08:30")),
            Ok(text("2026-03-24T08:30:00+00:00"))
        );
    }

    /// Issue 9: with `--timezone`, dates and times without an offset are passed on without
    /// one, for the date rule to read in the zone; an offset read is kept either way.
    #[test]
    fn local_dates_keep_what_the_layout_gives() {
        assert_eq!(
            date("%d/%m/%Y", true).apply(text("24/03/2026")),
            Ok(text("2026-03-24"))
        );
        assert_eq!(
            date("%d/%m/%Y %H:%M", true).apply(text("24/03/2026 08:30")),
            Ok(text("2026-03-24T08:30:00"))
        );
        for local in [false, true] {
            assert_eq!(
                date("%d/%m/%Y %H:%M %z", local).apply(text("24/03/2026 08:30 -0500")),
                Ok(text("2026-03-24T08:30:00-05:00"))
            );
        }
    }

    #[test]
    fn default_and_join() {
        let default = Transform::Default("n/a".into());
        assert_eq!(default.apply(Value::Null), Ok(text("n/a")));
        assert_eq!(default.apply(text("  ")), Ok(text("n/a")));
        assert_eq!(default.apply(text("x")), Ok(text("x")));
        let join = Transform::Join(";".into());
        assert_eq!(
            join.apply(Value::List(vec!["1".into(), "2".into()])),
            Ok(text("1;2"))
        );
        assert_eq!(join.apply(text("1")), Ok(text("1")));
    }

    #[test]
    fn lookup_finds_or_explains() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("managers.csv");
        std::fs::write(
            &file,
            "id,accountName\n42, john.smith \n15,jane.doe\n42,shadowed\n",
        )
        .unwrap();
        let lookup = Transform::Lookup(Lookup::load(&file, "id", "accountName", None).unwrap());
        assert_eq!(lookup.apply(text(" 42")), Ok(text("john.smith")));
        let err = lookup.apply(text("7")).unwrap_err();
        assert!(err.starts_with("no row with id = '7' in "), "{err}");
        assert!(matches!(
            Lookup::load(&file, "id", "login", None),
            Err(MapError::Lookup { .. })
        ));
    }
}
