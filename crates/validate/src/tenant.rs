//! The tenant: its Non-Employee sources and the accounts their exports hold ([`Tenant`]). Each
//! account keeps a fingerprint of its values, not the values: the diff
//! ([`crate::Tenant::match_row`], in `diff`) tells a changed row by its fingerprint, and the
//! exports are read a second time, after the run, for the old values of the changed accounts
//! and the absent ones (in `revisit`: by the offsets of those accounts' rows,
//! [`Tenant::revisit_export_at`], when the export is plain delimited text, else whole,
//! [`Tenant::revisit_export`]). An account takes some 60 bytes however wide its export.

use std::borrow::Cow;

use nebulk_read::{ReadError, RowSource};
use nebulk_schema::{AttrType, Schema, SystemAttr};
use smallvec::SmallVec;

use crate::account_map::AccountMap;
use crate::rules::DateRule;
use crate::verdict::AccountKey;

/// Calls `each` with the 0-based number of every data row of an export and the row.
pub(crate) fn for_each_export_row<S: RowSource>(
    rows: &mut S,
    mut each: impl FnMut(u32, &nebulk_read::Row),
) -> Result<(), ExistingError> {
    let mut number = 0u32;
    // One chunk's rows, refilled in place: their allocations serve the whole export.
    let mut chunk = Vec::new();
    loop {
        rows.fill_chunk(&mut chunk, 4096, 2 << 20)?;
        if chunk.is_empty() {
            return Ok(());
        }
        for row in &chunk {
            each(number, row);
            number = number.saturating_add(1);
        }
    }
}

/// Calls `each` with a row's values in schema order (`columns` gives the export column of each
/// attribute), trimmed; a field that is not UTF-8 is read lossily. The row's bytes are checked
/// as UTF-8 once, not field by field (a field is then a slice of them, if it starts and ends on
/// a character's boundary, as fields of valid text do).
pub(crate) fn with_values<T>(
    row: &nebulk_read::Row,
    columns: &[Option<usize>],
    each: impl FnOnce(&[&str]) -> T,
) -> T {
    let record = &row.record;
    // A schema has at most 18 attributes (8 system, 10 custom).
    const MOST: usize = 18;
    if let (Ok(whole), true) = (
        simdutf8::basic::from_utf8(record.as_slice()),
        columns.len() <= MOST,
    ) {
        let mut values = [""; MOST];
        let mut sliced = true;
        for (value, column) in values.iter_mut().zip(columns) {
            // A column the row lacks is empty.
            let Some(range) = column.and_then(|c| record.range(c)) else {
                continue;
            };
            match whole.get(range) {
                Some(text) => *value = crate::rules::trim(text),
                None => {
                    sliced = false;
                    break;
                }
            }
        }
        if sliced {
            return each(&values[..columns.len()]);
        }
    }
    let texts: SmallVec<[Cow<'_, str>; 18]> = columns
        .iter()
        .map(|c| String::from_utf8_lossy(c.and_then(|c| record.get(c)).unwrap_or_default()))
        .collect();
    let values: SmallVec<[&str; 18]> = texts.iter().map(|t| crate::rules::trim(t)).collect();
    each(&values)
}

/// An export's accounts as read, before they are added to the tenant ([`Tenant::parse_export`]).
#[derive(Debug, Clone, Default)]
pub struct ParsedExport {
    /// Each account with a name, in the order read.
    accounts: Vec<ParsedAccount>,
    /// The mask of the attributes the export has.
    mask: u32,
    /// How to find the export's accounts again.
    reading: ExportReading,
    /// The export's rows.
    rows: u64,
}

/// An account of an export as read.
#[derive(Debug, Clone)]
struct ParsedAccount {
    key: AccountKey,
    /// Its row (0-based).
    row: u32,
    /// Where its row starts in the file, and how many bytes it spans to the next row's start
    /// (`u32::MAX`: to the end of the file).
    byte: u64,
    len: u32,
    /// The hash of its values ([`Tenant::fingerprint`]).
    fingerprint: u64,
}

/// How an export is read again after the run ([`Tenant::revisit_export`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct ExportReading {
    /// The export column of each schema attribute.
    pub(crate) columns: Vec<Option<usize>>,
    /// The export's delimiter, when it is delimited text whose rows' offsets are those of the
    /// file: its accounts' rows can then be read again by their offsets alone
    /// ([`Tenant::revisit_export_at`]).
    pub(crate) delimiter: Option<u8>,
}

/// The most Non-Employee sources a tenant has.
pub const MAX_SOURCES: usize = 50;

/// The name of the one source of a run that names none (no `--existing`, no `--new-source`).
pub const DEFAULT_SOURCE: &str = "source";

/// The most accounts a Non-Employee source holds.
pub const MAX_ACCOUNTS: u64 = 20_000;

/// Why the sources cannot be set up. Fatal.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TenantError {
    /// More than [`MAX_SOURCES`] sources.
    #[error("{0} sources: a tenant has at most {MAX_SOURCES} Non-Employee sources")]
    TooManySources(usize),
    /// Two sources have one name (compared ignoring case, as file names may be).
    #[error("two sources are named `{0}`: give each its own name (NAME=FILE)")]
    SameName(String),
    /// A name that cannot be part of a file name.
    #[error("`{0}` cannot name a source: use letters, digits, spaces and `-_.()`, at most 64 characters, not starting with `.`")]
    BadName(String),
}

/// Why an existing-accounts export cannot be used. Fatal.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExistingError {
    /// The export could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The export has no account name column.
    #[error("the export has no accountName (Account Name) column; its header is: {0}")]
    NoAccountColumn(String),
}

/// One source of the tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Its name (`--existing NAME=FILE`, the export's file stem, or `--new-source NAME`).
    pub name: String,
    /// Its export, as named, when it has one.
    pub export: Option<String>,
    /// Distinct accounts in its export.
    pub existing: u64,
}

/// How an attribute's values are compared with the export's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compare {
    /// Trimmed text, exactly.
    Text,
    /// Trimmed text, ignoring case (account names, emails, managers).
    IgnoringCase,
    /// As instants (dates), or as text when either is not a date.
    Instant,
}

/// A value as the fingerprint takes it: a text, normalised as its attribute is compared, or a
/// date's instant already known (seconds since 1970, a date of the upload form).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Normal<'v> {
    Text(&'v str),
    Instant(i64),
}

/// Which source no account: [`Record::also_in`] when the account is in one export only.
const NO_SOURCE: u16 = u16::MAX;

/// An account of an export.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Record {
    /// The source whose export holds it.
    pub(crate) source: u16,
    /// A second source whose export holds it too, or [`NO_SOURCE`].
    pub(crate) also_in: u16,
    /// Bit `i` is set when its export has a column for schema attribute `i` (only those are
    /// compared; a schema has at most 18 attributes).
    pub(crate) columns: u32,
    /// The export that holds it, in the order exports were added (0-based).
    pub(crate) export: u16,
    /// Its row in that export (0-based, among the data rows).
    pub(crate) row: u32,
    /// Where that row starts in the export's file, and the bytes to the next row's start
    /// (`u32::MAX`: to the end), when the export can be read again by offsets
    /// ([`ExportReading::delimiter`]).
    pub(crate) byte: u64,
    pub(crate) len: u32,
    /// The hash of its values on those attributes, each normalised as it is compared
    /// ([`Tenant::fingerprint`]).
    pub(crate) fingerprint: u64,
}

/// The sources of a tenant, filled in order or evenly, each of at most `limit` accounts, and the
/// accounts their exports hold, with their values.
///
/// ```
/// use nebulk_schema::Schema;
/// use nebulk_validate::Tenant;
/// let mut tenant = Tenant::new(&Schema::system(), 20_000);
/// let north = tenant.add_source("north", None).unwrap();
/// tenant.add_accounts(north, ["ann", "Bob"]);
/// let south = tenant.add_source("south", None).unwrap();
/// tenant.add_accounts(south, ["bob"]);
/// assert_eq!(tenant.sources()[north].existing, 2);
/// // bob is in both exports: each counts it.
/// assert_eq!(tenant.sources()[south].existing, 1);
/// assert!(tenant.add_source("North", None).is_err());
/// ```
#[derive(Debug, Clone)]
pub struct Tenant {
    limit: u64,
    sources: Vec<Source>,
    accounts: AccountMap<u32>,
    records: Vec<Record>,
    /// Exports added so far.
    exports: u16,
    /// How each export is read again, in the order added.
    pub(crate) readings: Vec<ExportReading>,
    pub(crate) compare: Vec<Compare>,
    /// The schema the exports' columns are matched to.
    schema: Schema,
    pub(crate) account: usize,
    end: usize,
    pub(crate) dates: DateRule,
    /// Whether a changed row's values are kept for [`Tenant::changes`] (see
    /// [`Tenant::keeping_changed_values`]).
    pub(crate) keep_changed_values: bool,
}

impl Tenant {
    /// A tenant without sources yet, for rows of `schema`, of at most `limit` accounts per
    /// source.
    pub fn new(schema: &Schema, limit: u64) -> Tenant {
        let compare = schema
            .attributes()
            .iter()
            .map(|attr| match attr.kind {
                AttrType::Date => Compare::Instant,
                AttrType::Email | AttrType::Identity => Compare::IgnoringCase,
                AttrType::Text if attr.system == Some(SystemAttr::AccountName) => {
                    Compare::IgnoringCase
                }
                AttrType::Text | AttrType::Phone => Compare::Text,
            })
            .collect();
        let index = |attr| schema.index_of(attr).unwrap_or_default();
        Tenant {
            limit,
            sources: Vec::new(),
            accounts: AccountMap::default(),
            records: Vec::new(),
            exports: 0,
            readings: Vec::new(),
            compare,
            schema: schema.clone(),
            account: index(SystemAttr::AccountName),
            end: index(SystemAttr::EndDate),
            dates: DateRule::iso(),
            keep_changed_values: true,
        }
    }

    /// Whether the values of a row that changes its account are kept, for the lines of
    /// `changes.csv` ([`Tenant::changes`]); kept unless told otherwise. A run that writes no
    /// diff (`validate`) keeps none: it counts updates all the same ([`crate::Known::changed`]
    /// is then empty), and saves an allocation per changed account.
    pub fn keeping_changed_values(mut self, keep: bool) -> Tenant {
        self.keep_changed_values = keep;
        self
    }

    /// Reads the export's dates with `dates` (`--timezone`: a date without a time is midnight
    /// there), as the input's are.
    pub fn read_dates_with(mut self, dates: DateRule) -> Tenant {
        self.dates = dates;
        self
    }

    /// The source named `name` (ignoring case), if there is one.
    pub fn source_named(&self, name: &str) -> Option<usize> {
        self.sources
            .iter()
            .position(|s| s.name.to_lowercase() == name.to_lowercase())
    }

    /// Notes one more export of source `source` (its accounts are loaded with
    /// [`Tenant::load_export`] as the first's), for messages: `export.csv + run1/upload.csv`.
    pub fn add_export_name(&mut self, source: usize, export: &str) {
        let names = &mut self.sources[source].export;
        *names = Some(match names.take() {
            Some(first) => format!("{first} + {export}"),
            None => export.to_string(),
        });
    }

    /// Adds a source, empty until its export is loaded; gives its index.
    ///
    /// # Errors
    ///
    /// More than [`MAX_SOURCES`] sources, a name already taken (ignoring case), or one that
    /// cannot be part of a file name (`upload-NAME.csv`).
    pub fn add_source(&mut self, name: &str, export: Option<String>) -> Result<usize, TenantError> {
        let allowed = |c: char| c.is_alphanumeric() || " -_.()".contains(c);
        if name.trim().is_empty()
            || name.trim() != name
            || name.starts_with('.')
            || name.chars().count() > 64
            || !name.chars().all(allowed)
        {
            return Err(TenantError::BadName(name.to_string()));
        }
        if self.source_named(name).is_some() {
            return Err(TenantError::SameName(name.to_string()));
        }
        if self.sources.len() == MAX_SOURCES {
            return Err(TenantError::TooManySources(self.sources.len() + 1));
        }
        self.sources.push(Source {
            name: name.to_string(),
            export,
            existing: 0,
        });
        Ok(self.sources.len() - 1)
    }

    /// Adds account names (without other values) to source `source`.
    pub fn add_accounts<I, S>(&mut self, source: usize, names: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for name in names {
            let name = crate::rules::trim(name.as_ref());
            if !name.is_empty() {
                let place = Record {
                    source: u16::try_from(source).unwrap_or(NO_SOURCE - 1),
                    also_in: NO_SOURCE,
                    columns: 0,
                    export: u16::MAX,
                    row: 0,
                    byte: 0,
                    len: 0,
                    // No attribute is compared: every row of it is unchanged.
                    fingerprint: self.fingerprint(0, |_| Normal::Text("")),
                };
                self.add_record(AccountKey::of(name), place);
            }
        }
    }

    /// Reads source `source`'s export: the platform's `GET .../non-employees/download` CSV or a
    /// spreadsheet saved from it (any [`RowSource`]). Its columns are matched to the schema's
    /// attributes by name (technical names or labels); it needs the account name's. Gives how
    /// many rows were read.
    ///
    /// ```
    /// use nebulk_read::{CsvOptions, CsvSource};
    /// use nebulk_schema::Schema;
    /// let export = "id,Account Name,email\n1,ann, ann@example.com\n2,bob,\n";
    /// let mut tenant = nebulk_validate::Tenant::new(&Schema::system(), 20_000);
    /// let north = tenant.add_source("north", Some("export.csv".into())).unwrap();
    /// let rows = CsvSource::new(export.as_bytes(), CsvOptions::default()).unwrap();
    /// assert_eq!(tenant.load_export(north, rows).unwrap(), 2);
    /// assert_eq!(tenant.sources()[north].existing, 2);
    /// ```
    ///
    /// # Errors
    ///
    /// The export cannot be read, or has no account name column.
    pub fn load_export<S: RowSource>(
        &mut self,
        source: usize,
        rows: S,
    ) -> Result<u64, ExistingError> {
        let parsed = self.parse_export(rows)?;
        Ok(self.add_export(source, parsed))
    }

    /// Reads an export's accounts without adding them, so that several exports can be read at
    /// once on several threads; [`Tenant::add_export`] adds them, in order.
    ///
    /// # Errors
    ///
    /// The export cannot be read, or has no account name column.
    pub fn parse_export<S: RowSource>(&self, mut rows: S) -> Result<ParsedExport, ExistingError> {
        let (columns, mask) = self.export_columns(rows.header())?;
        let mut delimiter = rows.plain_delimiter();
        let mut accounts: Vec<ParsedAccount> = Vec::new();
        // The account whose row's length waits for the next row's offset.
        let mut pending = false;
        let mut rows_read = 0;
        for_each_export_row(&mut rows, |number, row| {
            rows_read += 1;
            if let Some(last) = accounts.last_mut().filter(|_| pending) {
                match row.byte.checked_sub(last.byte).map(u32::try_from) {
                    Some(Ok(len)) if len > 0 && len < u32::MAX => last.len = len,
                    // Offsets that do not grow are not the file's: read it whole again.
                    _ => delimiter = None,
                }
            }
            pending = false;
            with_values(row, &columns, |values| {
                let name = values[self.account];
                if !name.is_empty() {
                    accounts.push(ParsedAccount {
                        key: AccountKey::of(name),
                        row: number,
                        byte: row.byte,
                        len: u32::MAX,
                        fingerprint: self
                            .fingerprint(mask, |attribute| Normal::Text(values[attribute])),
                    });
                    pending = true;
                }
            });
        })?;
        Ok(ParsedExport {
            accounts,
            mask,
            reading: ExportReading { columns, delimiter },
            rows: rows_read,
        })
    }

    /// Adds the accounts of source `source`'s export, read by [`Tenant::parse_export`]. An
    /// account the source already holds is left as first read; one another source holds is
    /// marked as in two sources. Gives how many rows the export has.
    pub fn add_export(&mut self, source: usize, parsed: ParsedExport) -> u64 {
        self.accounts.reserve(parsed.accounts.len());
        self.records.reserve(parsed.accounts.len());
        let export = self.exports;
        self.exports = self.exports.saturating_add(1);
        self.readings.push(parsed.reading);
        for account in parsed.accounts {
            let place = Record {
                source: u16::try_from(source).unwrap_or(NO_SOURCE - 1),
                also_in: NO_SOURCE,
                columns: parsed.mask,
                export,
                row: account.row,
                byte: account.byte,
                len: account.len,
                fingerprint: account.fingerprint,
            };
            self.add_record(account.key, place);
        }
        parsed.rows
    }

    /// The export that added record `record` (0-based, in the order exports were added), or
    /// `None` for an account added by name ([`Tenant::add_accounts`]).
    pub fn record_export(&self, record: u32) -> Option<usize> {
        let export = self.records.get(record as usize)?.export;
        (export != u16::MAX).then_some(usize::from(export))
    }

    /// The export column of each schema attribute, and the mask of the attributes that have one.
    pub(crate) fn export_columns(
        &self,
        header: &[String],
    ) -> Result<(Vec<Option<usize>>, u32), ExistingError> {
        let mut columns: Vec<Option<usize>> = vec![None; self.compare.len()];
        for (column, cell) in header.iter().enumerate() {
            if let Some(slot) = self.find(cell).and_then(|a| columns.get_mut(a)) {
                slot.get_or_insert(column);
            }
        }
        if columns[self.account].is_none() {
            return Err(ExistingError::NoAccountColumn(header.join(",")));
        }
        let mask = columns
            .iter()
            .enumerate()
            .filter(|(_, column)| column.is_some())
            .fold(0u32, |mask, (attribute, _)| {
                mask | 1u32.checked_shl(attribute as u32).unwrap_or(0)
            });
        Ok((columns, mask))
    }

    /// The schema attribute an export's header cell names.
    fn find(&self, cell: &str) -> Option<usize> {
        self.schema
            .find(cell)
            .or_else(|| match SystemAttr::recognise(cell) {
                Some(SystemAttr::AccountName) => Some(self.account),
                _ => None,
            })
    }

    /// Adds one account of an export: its key and its record. An account the same source
    /// already holds is left as first read; one another source holds is marked as in two
    /// sources.
    fn add_record(&mut self, key: AccountKey, record: Record) {
        let source = record.source;
        if let Some(&index) = self.accounts.get(&key) {
            let first = &mut self.records[index as usize];
            if first.source != source && first.also_in == NO_SOURCE {
                first.also_in = source;
                self.sources[usize::from(source)].existing += 1;
            }
            return;
        }
        let Ok(index) = u32::try_from(self.records.len()) else {
            return;
        };
        self.records.push(record);
        self.accounts.insert(key, index);
        self.sources[usize::from(source)].existing += 1;
    }

    /// The record of an account key, if an export holds it.
    pub(crate) fn find_account(&self, key: &AccountKey) -> Option<u32> {
        self.accounts.get(key).copied()
    }

    /// Record `record`.
    pub(crate) fn record(&self, record: u32) -> Record {
        self.records[record as usize]
    }

    /// The source whose export holds record `record`'s account.
    pub fn record_source(&self, record: u32) -> usize {
        usize::from(self.records[record as usize].source)
    }

    /// How many accounts the exports hold (each counted once).
    pub fn record_count(&self) -> usize {
        self.records.len()
    }

    /// Whether the export of record `record` has a column for `attribute`.
    pub(crate) fn compares(&self, record: Record, attribute: usize) -> bool {
        u32::try_from(attribute)
            .ok()
            .and_then(|a| record.columns.checked_shr(a))
            .is_some_and(|bits| bits & 1 == 1)
    }

    /// The index in the schema of the account name and of the end date: where to find them in
    /// the values [`Tenant::revisit_export`] gives.
    pub fn name_and_end_attributes(&self) -> (usize, usize) {
        (self.account, self.end)
    }

    /// The schema the exports' columns are matched to.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The sources, in the order they fill.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// The most accounts a source holds.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Whether any export holds an account.
    pub fn has_accounts(&self) -> bool {
        !self.records.is_empty()
    }

    /// The name of the second source holding record `record`'s account, when there is one.
    pub(crate) fn second_source(&self, record: Record) -> Option<&Source> {
        (record.also_in != NO_SOURCE).then(|| &self.sources[usize::from(record.also_in)])
    }

    /// For each source whose export reaches the limit, so that no new account goes into it: a
    /// sentence saying how many accounts it holds and what the limit is.
    ///
    /// ```
    /// use nebulk_validate::Tenant;
    /// let mut tenant = Tenant::new(&nebulk_schema::Schema::system(), 2);
    /// let north = tenant.add_source("north", None).unwrap();
    /// tenant.add_accounts(north, ["ann"]);
    /// assert!(tenant.full_sources().is_empty());
    /// tenant.add_accounts(north, ["bob", "cy"]);
    /// assert_eq!(
    ///     tenant.full_sources(),
    ///     ["source north already holds 3 accounts (--existing), more than its limit of 2 \
    ///       (--max-accounts): no new account goes into it"]
    /// );
    /// ```
    pub fn full_sources(&self) -> Vec<String> {
        let limit = self.limit;
        self.sources
            .iter()
            .filter_map(|source| {
                let held = match source.existing.cmp(&limit) {
                    std::cmp::Ordering::Less => return None,
                    std::cmp::Ordering::Equal => format!("as many as its limit of {limit}"),
                    std::cmp::Ordering::Greater => format!("more than its limit of {limit}"),
                };
                Some(format!(
                    "source {} already holds {} accounts (--existing), {held} (--max-accounts): \
                     no new account goes into it",
                    source.name, source.existing
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::with_values;

    fn values_of(fields: &[&[u8]], columns: &[Option<usize>]) -> Vec<String> {
        let row = nebulk_read::Row::from_fields(2, fields);
        with_values(&row, columns, |values| {
            values.iter().map(|v| v.to_string()).collect()
        })
    }

    #[test]
    fn fields_are_read_trimmed_in_schema_order_and_lossily_when_not_text() {
        let columns = [Some(1), None, Some(0), Some(7)];
        assert_eq!(values_of(&[b" a ", b"b"], &columns), ["b", "", "a", ""]);
        // Valid text as a whole, but a character cut between two fields: each is read lossily.
        assert_eq!(
            values_of(&[b"a\xc3", b"\xa9b"], &[Some(0), Some(1)]),
            ["a\u{fffd}", "\u{fffd}b"]
        );
        assert_eq!(values_of(&[b"M\xfcller"], &[Some(0)]), ["M\u{fffd}ller"]);
    }
}
