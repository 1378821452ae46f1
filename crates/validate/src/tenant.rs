//! The tenant: its Non-Employee sources and the accounts their exports hold ([`Tenant`]), each
//! account's values kept for the diff ([`crate::Tenant::match_row`], in `diff`).

use nebulk_read::{ReadError, RowSource};
use nebulk_schema::{AttrType, Schema, SystemAttr};

use crate::account_map::AccountMap;
use crate::rules::DateRule;
use crate::verdict::AccountKey;

/// The most Non-Employee sources a tenant has.
pub const MAX_SOURCES: usize = 50;

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
    columns: u32,
    /// Where its values start in [`Tenant::values`].
    start: u64,
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
/// assert_eq!(tenant.in_two_sources(), 1);
/// assert!(tenant.add_source("North", None).is_err());
/// ```
#[derive(Debug, Clone)]
pub struct Tenant {
    limit: u64,
    sources: Vec<Source>,
    accounts: AccountMap<u32>,
    records: Vec<Record>,
    /// Each record's values in schema order, each as a LEB128 length and its bytes.
    values: Vec<u8>,
    pub(crate) compare: Vec<Compare>,
    /// The schema the exports' columns are matched to.
    schema: Schema,
    pub(crate) account: usize,
    end: usize,
    pub(crate) dates: DateRule,
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
            values: Vec::new(),
            compare,
            schema: schema.clone(),
            account: index(SystemAttr::AccountName),
            end: index(SystemAttr::EndDate),
            dates: DateRule::iso(),
        }
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
            let mut values = vec![""; self.compare.len()];
            values[self.account] = name.as_ref();
            self.add_record(source, &values, 0);
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
        mut rows: S,
    ) -> Result<u64, ExistingError> {
        let header = rows.header().to_vec();
        let mut columns: Vec<Option<usize>> = vec![None; self.compare.len()];
        for (column, cell) in header.iter().enumerate() {
            let attr = self.find(cell);
            if let Some(slot) = attr.and_then(|a| columns.get_mut(a)) {
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
        let mut read = 0;
        loop {
            let chunk = rows.read_chunk(8192, 8 << 20)?;
            if chunk.is_empty() {
                return Ok(read);
            }
            read += chunk.len() as u64;
            for row in &chunk {
                let values: Vec<_> = columns
                    .iter()
                    .map(|c| {
                        String::from_utf8_lossy(
                            c.and_then(|c| row.record.get(c)).unwrap_or_default(),
                        )
                    })
                    .collect();
                let values: Vec<&str> = values.iter().map(|v| v.as_ref()).collect();
                self.add_record(source, &values, mask);
            }
        }
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

    /// Adds one account of `source`'s export, with its values in schema order. An account the
    /// export already holds is left as first read; one another export holds is marked as in two
    /// sources.
    fn add_record(&mut self, source: usize, values: &[&str], columns: u32) {
        let name = values[self.account].trim();
        if name.is_empty() {
            return;
        }
        let source = u16::try_from(source).unwrap_or(NO_SOURCE - 1);
        let key = AccountKey::of(name);
        if let Some(&index) = self.accounts.get(&key) {
            let record = &mut self.records[index as usize];
            if record.source != source && record.also_in == NO_SOURCE {
                record.also_in = source;
                self.sources[usize::from(source)].existing += 1;
            }
            return;
        }
        let Ok(index) = u32::try_from(self.records.len()) else {
            return;
        };
        self.records.push(Record {
            source,
            also_in: NO_SOURCE,
            columns,
            start: self.values.len() as u64,
        });
        for value in values {
            let value = crate::rules::trim(value);
            let mut len = value.len();
            loop {
                let low = (len & 0x7f) as u8;
                len >>= 7;
                if len == 0 {
                    self.values.push(low);
                    break;
                }
                self.values.push(low | 0x80);
            }
            self.values.extend_from_slice(value.as_bytes());
        }
        self.accounts.insert(key, index);
        self.sources[usize::from(source)].existing += 1;
    }

    /// The values of record `record`, in schema order.
    pub(crate) fn values(&self, record: u32) -> impl Iterator<Item = &str> {
        let start = self.records[record as usize].start as usize;
        let mut rest = &self.values[start..];
        (0..self.compare.len()).map(move |_| {
            let mut len = 0usize;
            let mut shift = 0;
            while let Some((&byte, tail)) = rest.split_first() {
                rest = tail;
                len |= usize::from(byte & 0x7f) << shift;
                shift += 7;
                if byte & 0x80 == 0 {
                    break;
                }
            }
            let (value, tail) = rest.split_at(len.min(rest.len()));
            rest = tail;
            std::str::from_utf8(value).unwrap_or_default()
        })
    }

    /// Value `attribute` of record `record`.
    pub(crate) fn value(&self, record: u32, attribute: usize) -> &str {
        self.values(record).nth(attribute).unwrap_or_default()
    }

    /// The record of an account key, if an export holds it.
    pub(crate) fn find_account(&self, key: &AccountKey) -> Option<u32> {
        self.accounts.get(key).copied()
    }

    /// Record `record`.
    pub(crate) fn record(&self, record: u32) -> Record {
        self.records[record as usize]
    }

    /// The exports' accounts, in the order read.
    pub(crate) fn record_count(&self) -> usize {
        self.records.len()
    }

    /// Whether the export of record `record` has a column for `attribute`.
    pub(crate) fn compares(&self, record: Record, attribute: usize) -> bool {
        u32::try_from(attribute)
            .ok()
            .and_then(|a| record.columns.checked_shr(a))
            .is_some_and(|bits| bits & 1 == 1)
    }

    /// The account name and end date of record `record`.
    pub(crate) fn name_and_end(&self, record: u32) -> (&str, &str) {
        (
            self.value(record, self.account),
            self.value(record, self.end),
        )
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

    /// Accounts held by two sources' exports.
    pub fn in_two_sources(&self) -> u64 {
        self.records
            .iter()
            .filter(|r| r.also_in != NO_SOURCE)
            .count() as u64
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
