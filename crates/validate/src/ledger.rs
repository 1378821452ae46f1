//! The account ledger: the order-dependent checks, duplicate account names and the account
//! limit of a source.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use nebulk_read::{ReadError, Row, RowSource};
use nebulk_schema::SystemAttr;

use crate::code::Code;
use crate::verdict::{AccountKey, Issue, Verdict};

/// The most accounts a Non-Employee source holds.
pub const MAX_ACCOUNTS: u64 = 20_000;

/// A hasher for [`AccountKey`]s: passes their (already random) bits through, as
/// [`AccountKey`]'s `Hash` hands them over in one `write_u64`.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

type KeyBuild = BuildHasherDefault<KeyHasher>;

/// Why the existing-accounts export cannot be used. Fatal.
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

/// Tracks account names seen so far and the accounts the source will hold.
///
/// Every row with a non-empty account name claims it, valid or not, so a later row with the
/// same name (compared case-insensitively) is a `duplicate-account`. A row that is otherwise
/// valid and whose account is not already in the source is new; new accounts are admitted until
/// existing plus new reaches the limit, and later ones are rejected with `account-limit`.
///
/// ```
/// use nebulk_validate::Ledger;
/// let mut ledger = Ledger::new(3);
/// ledger.add_existing(["ann", "Bob"]);
/// assert_eq!(ledger.existing_count(), 2);
/// assert!(ledger.is_existing("bob"));
/// ```
#[derive(Debug, Clone)]
pub struct Ledger {
    max_accounts: u64,
    existing: HashSet<AccountKey, KeyBuild>,
    /// Account key -> line of the row that first used it (saturating at `u32::MAX`, to keep
    /// an entry small).
    seen: HashMap<AccountKey, u32, KeyBuild>,
    /// When the input is several files: account key -> the file of the row that first used it,
    /// as an index into `files`. Empty for a single file, so that its entries stay small.
    first_files: HashMap<AccountKey, u32, KeyBuild>,
    /// The input files met so far, in input order.
    files: Vec<Arc<str>>,
    new_accounts: u64,
    updates: u64,
    /// The input's size in bytes, when known, to size the table of names seen once.
    input_bytes: Option<u64>,
}

impl Ledger {
    /// An empty ledger for a source that holds at most `max_accounts`.
    pub fn new(max_accounts: u64) -> Ledger {
        Ledger {
            max_accounts,
            existing: HashSet::default(),
            seen: HashMap::default(),
            first_files: HashMap::default(),
            files: Vec::new(),
            new_accounts: 0,
            updates: 0,
            input_bytes: None,
        }
    }

    /// Adds account names already in the source.
    pub fn add_existing<I, S>(&mut self, names: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for name in names {
            let name = name.as_ref().trim();
            if !name.is_empty() {
                self.existing.insert(AccountKey::of(name));
            }
        }
    }

    /// Reads the account names of a source export (`export-non-employee-records` CSV): the column
    /// headed `accountName` or `Account Name` (any [`RowSource`]: CSV or spreadsheet).
    /// Returns how many rows were read.
    ///
    /// ```
    /// use nebulk_read::{CsvOptions, CsvSource};
    /// let export = "id,Account Name\n1,ann\n2,bob\n";
    /// let mut ledger = nebulk_validate::Ledger::new(20_000);
    /// let source = CsvSource::new(export.as_bytes(), CsvOptions::default()).unwrap();
    /// assert_eq!(ledger.load_existing(source).unwrap(), 2);
    /// assert!(ledger.is_existing("ANN"));
    /// ```
    pub fn load_existing<S: RowSource>(&mut self, mut source: S) -> Result<u64, ExistingError> {
        let column = source
            .header()
            .iter()
            .position(|h| SystemAttr::recognise(h) == Some(SystemAttr::AccountName))
            .ok_or_else(|| ExistingError::NoAccountColumn(source.header().join(",")))?;
        let mut rows = 0;
        loop {
            let chunk = source.read_chunk(8192, 8 << 20)?;
            if chunk.is_empty() {
                return Ok(rows);
            }
            rows += chunk.len() as u64;
            let names = chunk
                .iter()
                .filter_map(|row| row.record.get(column))
                .map(String::from_utf8_lossy);
            self.add_existing(names);
        }
    }

    /// Tells the ledger the input's size, so that after the first rows it can size its table of
    /// account names once for the whole input: growing a table holds the old and the new one at
    /// once, which is most of the peak memory of a large run.
    pub fn expect_input_bytes(&mut self, bytes: u64) {
        self.input_bytes = Some(bytes);
    }

    /// Sizes the table from a sample: `rows` rows read in the first `bytes` bytes. At most
    /// 50 million names are reserved for, whatever the estimate.
    pub fn size_from_sample(&mut self, rows: u64, bytes: u64) {
        const MOST: u64 = 50_000_000;
        let (Some(total), true) = (self.input_bytes.take(), rows > 0 && bytes > 0) else {
            return;
        };
        let estimate =
            (total.saturating_mul(rows) / bytes).saturating_add(total / bytes.max(1) + 64);
        let wanted = usize::try_from(estimate.min(MOST)).unwrap_or(0);
        self.seen.reserve(wanted.saturating_sub(self.seen.len()));
    }

    /// Whether a (folded or not) account name is already in the source.
    pub fn is_existing(&self, name: &str) -> bool {
        self.existing.contains(&AccountKey::of(name))
    }

    /// The number of distinct accounts already in the source.
    pub fn existing_count(&self) -> u64 {
        self.existing.len() as u64
    }

    /// New accounts admitted so far.
    pub fn new_accounts(&self) -> u64 {
        self.new_accounts
    }

    /// Valid rows that update an existing account.
    pub fn updates(&self) -> u64 {
        self.updates
    }

    /// The account limit.
    pub fn max_accounts(&self) -> u64 {
        self.max_accounts
    }

    /// When the accounts already in the source reach the limit, so that no new account fits:
    /// a sentence saying how many there are and what the limit is.
    ///
    /// ```
    /// use nebulk_validate::Ledger;
    /// let mut ledger = Ledger::new(2);
    /// ledger.add_existing(["ann"]);
    /// assert_eq!(ledger.no_room_for_new_accounts(), None);
    /// ledger.add_existing(["bob"]);
    /// let full = ledger.no_room_for_new_accounts().unwrap();
    /// assert!(full.contains("2 accounts (--existing), as many as its limit of 2"));
    /// ledger.add_existing(["cy"]);
    /// assert_eq!(
    ///     ledger.no_room_for_new_accounts().unwrap(),
    ///     "the source already holds 3 accounts (--existing), more than its limit of 2 \
    ///      (--max-accounts): no new account fits; every row creating one is rejected with \
    ///      account-limit"
    /// );
    /// ```
    pub fn no_room_for_new_accounts(&self) -> Option<String> {
        let existing = self.existing_count();
        let limit = self.max_accounts;
        let held = match existing.cmp(&limit) {
            std::cmp::Ordering::Less => return None,
            std::cmp::Ordering::Equal => format!("as many as its limit of {limit}"),
            std::cmp::Ordering::Greater => format!("more than its limit of {limit}"),
        };
        Some(format!(
            "the source already holds {existing} accounts (--existing), {held} (--max-accounts): \
             no new account fits; every row creating one is rejected with account-limit"
        ))
    }

    /// Applies the order-dependent checks to the next row, adding `duplicate-account` or
    /// `account-limit` issues to its verdict. Rows must come in input order. With several input
    /// files, a duplicate's message names the file of the first use.
    ///
    /// ```
    /// use nebulk_read::Row;
    /// use nebulk_validate::{AccountKey, Code, Ledger, Verdict};
    /// let mut ledger = Ledger::new(20_000);
    /// let row_on = |line: u64, file: &str| Row { line, file: Some(file.into()), ..Row::default() };
    /// let mut first = Verdict { account_key: Some(AccountKey::of("ann")), ..Verdict::default() };
    /// ledger.admit(&mut first, &row_on(2, "page-1.json"), Some(0));
    /// let mut again = Verdict { account_key: Some(AccountKey::of("ANN")), ..Verdict::default() };
    /// ledger.admit(&mut again, &row_on(7, "page-2.json"), Some(0));
    /// assert!(first.is_valid());
    /// assert_eq!(again.codes(), [Code::DuplicateAccount]);
    /// assert_eq!(again.issues[0].message, "account name already used on line 2 of page-1.json");
    /// ```
    pub fn admit(&mut self, verdict: &mut Verdict, row: &Row, account_column: Option<usize>) {
        if let Some(key) = verdict.account_key.take() {
            // One probe of the table (a cache miss once it is large) serves both the lookup and
            // the insertion: the name is new exactly when the table grew.
            let before = self.seen.len();
            let first = *self
                .seen
                .entry(key)
                .or_insert(u32::try_from(row.line).unwrap_or(u32::MAX));
            if self.seen.len() == before {
                let message = match self.first_file(key) {
                    Some(file) => format!("account name already used on line {first} of {file}"),
                    None => format!("account name already used on line {first}"),
                };
                verdict.issues.push(Issue {
                    code: Code::DuplicateAccount,
                    column: account_column,
                    message,
                });
                return;
            }
            if let Some(file) = &row.file {
                let index = self.file_index(file);
                self.first_files.insert(key, index);
            }
            if verdict.issues.is_empty() {
                self.admit_valid(verdict, key, account_column);
            }
        }
    }

    /// The index of `file` in `files`, added when new. Rows come file after file, so a file is
    /// either the last one met or a new one.
    fn file_index(&mut self, file: &Arc<str>) -> u32 {
        if self.files.last() != Some(file) {
            self.files.push(Arc::clone(file));
        }
        u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX)
    }

    /// The file of the row that first used `key`, when the input is several files.
    fn first_file(&self, key: AccountKey) -> Option<&str> {
        let index = *self.first_files.get(&key)?;
        self.files.get(index as usize).map(|f| &**f)
    }

    fn admit_valid(&mut self, row: &mut Verdict, key: AccountKey, account_column: Option<usize>) {
        if self.existing.contains(&key) {
            self.updates += 1;
        } else if self.existing_count() + self.new_accounts < self.max_accounts {
            self.new_accounts += 1;
        } else {
            row.issues.push(Issue {
                code: Code::AccountLimit,
                column: account_column,
                message: format!(
                    "a new account past the limit: the source would hold more than {} accounts ({} existing + {} new before this row)",
                    self.max_accounts,
                    self.existing_count(),
                    self.new_accounts
                ),
            });
        }
    }
}
