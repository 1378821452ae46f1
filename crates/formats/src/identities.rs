//! The identities the platform knows (`--identities`), which a manager must be one of: a
//! table (an identities export as CSV or a spreadsheet) or NERM users JSON pages.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use anyhow::{bail, Context, Result};
use nebulk_read::{nerm, CsvOptions, FileContext, RecordReader, RowSource, Value};
use nebulk_sheet::SpreadsheetSource;

use crate::side_table::{column, for_each_row, is_named};
use crate::sniff::sniff_side_input;
use crate::{open_csv, SourceKind};

/// The columns that hold an identity's account name, the first found is taken (compared as
/// header names are: ignoring case, spaces and `_`).
const ACCOUNT_COLUMNS: [&str; 3] = ["accountName", "name", "uid"];

/// The column that holds an identity's display name, when there is one.
const DISPLAY_COLUMN: &str = "displayName";

/// Reads the identities of `path` and hands each to `add` (account name, display name when
/// known); returns how many were read.
///
/// - A table (CSV read with `options`, or a spreadsheet): the account name is in
///   `account_name_column` when given, else in the first of `accountName`, `name`, `uid` that the header has; the display
///   name in `displayName`, when there is such a column.
/// - NERM users JSON pages: `login` is the account name, `name` the display name.
///
/// Errors name the file.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("identities.csv");
/// std::fs::write(&path, "displayName,uid\nJim Smith,jim.smith\nAnn Lee,ann.lee\n").unwrap();
/// let mut found = Vec::new();
/// let count = nebulk_formats::read_identities(&path, None, Default::default(), |account, display| {
///     found.push(format!("{account} ({})", display.unwrap_or("-")));
/// })
/// .unwrap();
/// assert_eq!(count, 2);
/// assert_eq!(found, ["jim.smith (Jim Smith)", "ann.lee (Ann Lee)"]);
/// ```
pub fn read_identities(
    path: &Path,
    account_name_column: Option<&str>,
    options: CsvOptions,
    mut add: impl FnMut(&str, Option<&str>),
) -> Result<u64> {
    let name = path.display().to_string();
    let kind = sniff_side_input(path)?;
    match kind {
        SourceKind::Csv => read_table(open_csv(path, options)?, &name, account_name_column, add),
        SourceKind::Spreadsheet => {
            let wanted = |cell: &str| match account_name_column {
                Some(name) => is_named(cell, name),
                None => ACCOUNT_COLUMNS.iter().any(|name| is_named(cell, name)),
            };
            let sheet =
                SpreadsheetSource::open(path, None, &wanted).with_context(|| name.clone())?;
            read_table(sheet, &name, account_name_column, add)
        }
        SourceKind::NermUsers => {
            if account_name_column.is_some() {
                bail!("{name}: --identities-column applies to a table; NERM users have their account name in `login`");
            }
            let file = File::open(path).with_context(|| format!("cannot open {name}"))?;
            let text = |record: &nebulk_read::Record, field: &str| match record.get(field) {
                Some(Value::Text(text)) => Some(text.clone()),
                _ => None,
            };
            let mut count = 0;
            nerm::UserReader
                .read_each(BufReader::new(file), &FileContext::default(), |user| {
                    if let Some(login) = text(&user, "login") {
                        add(&login, text(&user, "name").as_deref());
                        count += 1;
                    }
                    true
                })
                .with_context(|| name.clone())?;
            Ok(count)
        }
        other => bail!(
            "{name}: the identities must be a CSV, a spreadsheet or NERM users JSON, not {other}"
        ),
    }
}

/// The 0-based column of the account name: `wanted`'s, or the first of [`ACCOUNT_COLUMNS`].
fn account_column(header: &[String], wanted: Option<&str>) -> Option<usize> {
    match wanted {
        Some(name) => column(header, name),
        None => ACCOUNT_COLUMNS
            .into_iter()
            .find_map(|name| column(header, name)),
    }
}

/// Reads a table of identities.
fn read_table(
    table: impl RowSource,
    name: &str,
    account_name_column: Option<&str>,
    mut add: impl FnMut(&str, Option<&str>),
) -> Result<u64> {
    let header = table.header().to_vec();
    let Some(account) = account_column(&header, account_name_column) else {
        let wanted = match account_name_column {
            Some(column) => format!("the column {column} (--identities-column)"),
            None => format!("one of the columns {}", ACCOUNT_COLUMNS.join(", ")),
        };
        bail!(
            "{name}: the identities need {wanted} for their account names; the header is: {}",
            header.join(",")
        );
    };
    let display = column(&header, DISPLAY_COLUMN).filter(|d| *d != account);
    let mut count = 0;
    for_each_row(table, name, |row| {
        let cell = |i: usize| String::from_utf8_lossy(row.record.get(i).unwrap_or_default());
        add(&cell(account), display.map(cell).as_deref());
        count += 1;
    })?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(name: &str, content: &str, column: Option<&str>) -> Result<Vec<String>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join(name);
        std::fs::write(&path, content)?;
        let mut found = Vec::new();
        read_identities(&path, column, CsvOptions::default(), |account, display| {
            found.push(format!("{account}|{}", display.unwrap_or("")));
        })
        .map_err(|e| anyhow::anyhow!(e.to_string().replace(&path.display().to_string(), name)))?;
        Ok(found)
    }

    #[test]
    fn the_first_account_column_found_is_taken() {
        let csv = "uid;name;displayName\njsmith;jim.smith;Jim Smith\n";
        assert_eq!(read("ids.csv", csv, None).unwrap(), ["jim.smith|Jim Smith"]);
        assert_eq!(
            read("ids.csv", csv, Some("UID")).unwrap(),
            ["jsmith|Jim Smith"]
        );
    }

    #[test]
    fn nerm_users_give_login_and_name() {
        let json =
            r#"{"users": [{"login": "jim.smith", "name": "Jim Smith"}, {"name": "no login"}]}"#;
        assert_eq!(
            read("users.json", json, None).unwrap(),
            ["jim.smith|Jim Smith"]
        );
        assert!(read("users.json", json, Some("login"))
            .unwrap_err()
            .to_string()
            .contains("--identities-column applies to a table"));
    }

    #[test]
    fn a_table_without_an_account_column_is_refused_naming_its_header() {
        assert_eq!(
            read("ids.csv", "email,displayName\na@b.example,A\n", None)
                .unwrap_err()
                .to_string(),
            "ids.csv: the identities need one of the columns accountName, name, uid for their \
             account names; the header is: email,displayName"
        );
        assert_eq!(
            read("ids.csv", "email,uid\na@b.example,a\n", Some("login"))
                .unwrap_err()
                .to_string(),
            "ids.csv: the identities need the column login (--identities-column) for their \
             account names; the header is: email,uid"
        );
    }

    #[test]
    fn other_kinds_are_refused() {
        let xml = "<user_response><user><name>x</name></user></user_response>";
        assert_eq!(
            read("users.xml", xml, None).unwrap_err().to_string(),
            "users.xml: the identities must be a CSV, a spreadsheet or NERM users JSON, not \
             xtracta-users"
        );
    }
}
